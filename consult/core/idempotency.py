"""Insert-once for creating forms: a double-submitted form creates one object."""

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import sqlalchemy as sa
from blinker import Namespace
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, make_transient_to_detached, mapped_column

from consult.core.cache import note_new_row
from consult.core.db import UTCDateTime, utcnow
from consult.extensions import db

KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")


class FormSubmission(db.Model):
    """One displayed form that created something, and the page that shows what it made.

    The key is the primary key: two submissions of the same form cannot both be stored,
    even when they arrive at the same instant on two workers.
    """

    __tablename__ = "form_submissions"

    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    target: Mapped[str] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def new_key() -> str:
    """A fresh key for one displayed form (a hidden field); a resubmission reuses it."""
    return secrets.token_urlsafe(24)


def valid(key: str | None) -> bool:
    """Whether ``key`` looks like one :func:`new_key` made."""
    return bool(key and KEY.fullmatch(key))


def already_done(key: str | None) -> str | None:
    """The page of what this form already created, or None the first time."""
    if not valid(key):
        return None
    return db.session.scalar(sa.select(FormSubmission.target).where(FormSubmission.key == key))


def commit_once(key: str | None, target: str) -> str:
    """Commit the request's work, remembering that form ``key`` created ``target``.

    :returns: ``target``; or, when the same form was committed meanwhile (double
        click on two workers), the first submission's page: this one is rolled back.
    """
    if valid(key):
        db.session.add(FormSubmission(key=key, target=target))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        first = already_done(key)
        if first is None:
            raise
        return first
    return target


# Sent with each row :func:`insert_once` creates: that INSERT bypasses the unit of work,
# so what watches new rows in ``session.new`` (open-data rebuilds) listens here instead.
row_inserted = Namespace().signal("row-inserted")
_UPSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def insert_once(draft, key, *, only_if=None, alone: bool = False):
    """``INSERT … ON CONFLICT (key) DO NOTHING RETURNING`` what the database or the column
    defaults filled in: one statement, no savepoint, no row loaded back.

    ``draft`` is a new, transient object (never added to the session before): its column
    values are inserted, then it joins the session as that row, loaded (nothing is read
    again). A concurrent twin with the same key (double click on two workers) makes the
    database wait for the first transaction: it then either inserts (the first rolled
    back) or returns nothing, and the first's row is read back.

    ``only_if``: ``(condition, values)``, a condition built once (its parameters bound by
    name, ``values``) that the INSERT itself checks (``INSERT … SELECT … WHERE``): what
    the row was decided on (a meeting kept by this process) is checked in the same
    statement. When nothing is inserted, nothing more is read: ``(None, False)`` (the
    condition failed, or a twin exists), for the caller to read again and decide.

    ``alone``: the caller writes nothing else in this transaction (nor do the listeners of
    :data:`row_inserted` for this row). When the session has not begun a transaction
    either, on PostgreSQL, the INSERT runs alone in autocommit: one round trip instead of three
    (``BEGIN``, the INSERT, ``COMMIT``), the row committed as one statement; the session
    then commits nothing.

    :returns: ``(row, created)``; ``row`` is ``draft``, or the twin as an ORM object.
    """
    session = db.session
    model = type(draft)
    mapper = sa.inspect(model)
    # Column name → value, for what the draft sets: read from the new object's own dict
    # (what its constructor set; an attribute never set reads None, as getattr would).
    given = sa.inspect(draft).dict
    values = {}
    for attribute_key, column_key in _column_keys(mapper):
        value = given.get(attribute_key)
        if value is not None:
            values[column_key] = value
    condition, bound = only_if if only_if is not None else (None, {})
    bind = session.get_bind(mapper)
    if alone and _alone_possible(bind) and not session().in_transaction():
        with bind.connect() as connection:
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            row, inserted = _execute_insert(connection, mapper, values, key, condition, bound)
    else:
        # The session's connection, not ``session.execute``: a Core statement needs none of
        # the ORM's execution path (its events, its loading), only the transaction.
        connection = session.connection(bind_arguments={"mapper": mapper})
        row, inserted = _execute_insert(connection, mapper, values, key, condition, bound)
    if row is not None:
        _loaded_as(session, draft, inserted)
        note_new_row(session, draft)
        row_inserted.send(draft, session=session)
        return draft, True
    if condition is not None:
        return None, False
    twin = session.scalar(sa.select(model).where(key == getattr(draft, key.key)))
    if twin is None:  # the conflict was on the key: its row exists, committed
        raise RuntimeError(f"{model.__name__}: conflict on {key.key} but no row found")
    return twin, False


def _alone_possible(bind) -> bool:
    """An engine (not a connection a test holds) on PostgreSQL: psycopg switches
    autocommit on the client side only. Not on SQLite: giving the connection back to the
    pool would reset its isolation level to pysqlite's implicit transactions, which
    ``core.db.configure_sqlite`` turns off."""
    return isinstance(bind, sa.Engine) and bind.dialect.name == "postgresql"


def _execute_insert(connection, mapper, values: dict, key, condition, bound: dict):
    """The INSERT on ``connection``: ``(row, column → value of what the draft did not set)``,
    ``(None, None)`` when nothing was inserted."""
    statement, rest = _insert_once_statement(
        mapper.local_table, tuple(values), key.expression.key, connection.dialect.name, condition
    )
    result = connection.execute(statement, {**values, **bound})
    row = result.one_or_none()
    if row is None:
        return None, None
    return row, rest.values_of(row, result.last_inserted_params())


@lru_cache(maxsize=64)
def _insert_once_statement(
    table: sa.Table, given: tuple[str, ...], key: str, dialect: str, condition=None
):
    """The ``INSERT … ON CONFLICT DO NOTHING RETURNING`` for rows that set the columns
    ``given`` (bound by name), and the columns it returns: built once per shape, so that
    each POST only binds its values (SQLAlchemy then finds its compiled form at once).
    The columns left to a constant default (``default=0``, ``default=""``) get it in the
    statement itself. With a ``condition``: ``INSERT … SELECT <the values> WHERE
    <condition>``."""
    rest = _Rest.of(table, given)
    insert = _UPSERT[dialect](table)
    # The constant defaults are written into the statement (bound with their value):
    # SQLAlchemy then computes no default for them at each INSERT.
    constants = {column.key: sa.literal(value, column.type) for column, value in rest.constant}
    if condition is None:
        insert = insert.values({**{name: sa.bindparam(name) for name in given}, **constants})
    else:
        chosen = sa.select(
            *(sa.bindparam(name, type_=table.c[name].type) for name in given),
            *constants.values(),
        )
        insert = insert.from_select([*given, *constants], chosen.where(condition))
    statement = (
        insert.on_conflict_do_nothing(index_elements=[table.c[key]])
        .returning(*rest.returned)
        .execution_options(consult_insert_once=True)
    )
    return statement, rest


@dataclass(frozen=True)
class _Rest:
    """The columns a draft does not set, by who fills them in: the database (returned by
    the INSERT: the primary key, server defaults), a constant default (``constant``:
    column and value, written in the statement), SQLAlchemy's Python-side defaults
    computed at each INSERT (``defaulted``: its parameters), or nobody (NULL). Only the
    first are returned: each returned column costs its description and its conversion at
    every INSERT."""

    returned: tuple[sa.Column, ...]
    constant: tuple[tuple[sa.Column, object], ...]
    defaulted: tuple[sa.Column, ...]
    null: tuple[sa.Column, ...]

    @classmethod
    def of(cls, table: sa.Table, given: tuple[str, ...]) -> "_Rest":
        returned, constant, defaulted, null = [], [], [], []
        for column in table.c:
            if column.key in given:
                continue
            default = column.default
            if default is not None and default.is_scalar:
                constant.append((column, default.arg))
            elif default is not None and default.is_callable:
                defaulted.append(column)
            elif default is None and column.server_default is None and not column.primary_key:
                null.append(column)
            else:
                returned.append(column)
        return cls(tuple(returned), tuple(constant), tuple(defaulted), tuple(null))

    def values_of(self, row, parameters: dict) -> dict:
        """Column → value of the row just inserted, for what the draft did not set."""
        filled = dict(zip(self.returned, row, strict=True))
        for column, value in self.constant:
            filled[column] = value
        for column in self.defaulted:
            filled[column] = parameters[column.key]
        for column in self.null:
            filled[column] = None
        return filled


@lru_cache(maxsize=64)
def _column_keys(mapper) -> tuple[tuple[str, str], ...]:
    """(attribute key, column name) of each column a mapper maps, computed once."""
    return tuple((attribute.key, attribute.columns[0].key) for attribute in mapper.column_attrs)


@lru_cache(maxsize=64)
def _attribute_keys(mapper) -> dict:
    """Column → the attribute key it is mapped to, computed once per mapper."""
    return {attribute.columns[0]: attribute.key for attribute in mapper.column_attrs}


def _loaded_as(session, draft, filled: dict) -> None:
    """``draft`` becomes the row just inserted (``filled``: column → value the defaults
    gave), as if the session had loaded it: the values go into the object's dict, which
    ``make_transient_to_detached`` then commits whole (what ``set_committed_value`` did
    one attribute at a time; column attributes have no event on load either way)."""
    keys = _attribute_keys(sa.inspect(type(draft)))
    loaded = sa.inspect(draft).dict
    for column, value in filled.items():
        loaded[keys[column]] = value
    make_transient_to_detached(draft)
    session.add(draft)
