"""Database conventions: UTC timestamps, scoped getters, SQLite transactions.

The constraint naming convention lives with the SQLAlchemy extension
(``consult.extensions``), which this module does not import: ``get_or_404`` raises
``core.errors.NotFoundError``, and ``core.errors`` imports the extensions.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import g, has_app_context, has_request_context
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.routing import IntegerConverter

from consult.core.errors import NotFoundError


def utcnow() -> datetime:
    """Return the current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite has no time zones: without this, values would come back naive there
    and aware on PostgreSQL, and comparisons would break between the two.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use consult.core.db.utcnow()")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class TimestampMixin:
    """Creation and update times, in UTC."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


def get_or_404(session, model, ident, **scope):
    """Load ``model`` by primary key; :class:`NotFoundError` (a 404 page) when missing
    or outside ``scope``.

    ``scope`` pins foreign keys (e.g. ``scheme_id=scheme.id``), so an id from
    another parent answers 404 rather than leaking that the object exists.
    """
    obj = session.get(model, ident)
    if obj is None or any(getattr(obj, k) != v for k, v in scope.items()):
        raise NotFoundError
    return obj


def add_once(session, row) -> bool:
    """Add ``row`` in a savepoint; False when a unique constraint says it is already
    there (the same form sent twice at once, two people at the same moment): the
    transaction goes on, without the row."""
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return False
    return True


SQLITE_BUSY_TIMEOUT_MS = 15000  # a writer waits up to 15 s for another to finish
_BEGIN_OPTION = "consult_sqlite_begin"
_DEFERRED = "consult_deferred_begin"
_IMMEDIATE = "consult_immediate_begin"


@contextmanager
def _flag(name: str) -> Iterator[None]:
    """``g.<name>`` true within the block (as it was after it)."""
    previous = g.get(name, False)
    setattr(g, name, True)
    try:
        yield
    finally:
        setattr(g, name, previous)


@contextmanager
def deferred_transactions() -> Iterator[None]:
    """Within the block, the request's sessions BEGIN as outside a request (deferred).

    For work that runs after the answer and may take seconds (inline jobs rendering
    a PDF): with BEGIN IMMEDIATE it would hold SQLite's write lock all along and make
    every other request wait, then fail; deferred, it only reads until it writes.
    """
    with _flag(_DEFERRED):
        yield


@contextmanager
def immediate_transactions() -> Iterator[None]:
    """Within the block, the sessions on SQLite BEGIN IMMEDIATE, in a request or not.

    For a short transaction that reads then writes beside requests that write (a sweeper
    claiming what waits, after an answer): begun deferred, its read goes stale as soon as
    a request commits, and SQLite refuses its write at once (« database is locked »),
    whatever the busy timeout; begun immediate, it waits for the lock like a request.
    Start it with no transaction open (the BEGIN is what it changes).
    """
    with _flag(_IMMEDIATE):
        yield


def configure_sqlite(engine, sessions=None) -> None:
    """Make SQLite transactional, enforce foreign keys, and let a small team write.

    pysqlite opens transactions lazily and silently commits around DDL and
    SAVEPOINTs; emitting BEGIN ourselves gives real transactions (SQLAlchemy's
    documented recipe), which the per-test rollback and every write rely on.
    The sessions of ``sessions`` BEGIN IMMEDIATE while serving a request: they
    take the write lock up front, so a second writer waits (busy timeout) instead
    of failing with "database is locked" when its read snapshot went stale, which
    a deferred BEGIN cannot avoid in WAL mode. Plain engine connections (the job
    outbox) and work outside requests (CLI, relay) keep a deferred BEGIN, so a
    session that only read never blocks another connection of the same thread.
    """
    if sessions is not None:
        sessions.configure(execution_options={_BEGIN_OPTION: "IMMEDIATE"})

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection):
        mode = connection.get_execution_options().get(_BEGIN_OPTION)
        asked = has_app_context() and g.get(_IMMEDIATE, False)
        if mode and (asked or (has_request_context() and not g.get(_DEFERRED, False))):
            connection.exec_driver_sql(f"BEGIN {mode}")
        else:
            connection.exec_driver_sql("BEGIN")


@contextmanager
def loaded_after_commit(session):
    """Commits inside keep objects loaded (``expire_on_commit`` off): an answer built from
    what the request just wrote needs no re-read. ``session``: a Session, not the proxy."""
    previous = session.expire_on_commit
    session.expire_on_commit = False
    try:
        yield session
    finally:
        session.expire_on_commit = previous


MAX_ID = 2**31 - 1  # ids and page numbers beyond this are refused, never sent to the database


def small_int(value) -> int:
    """``int`` for query strings and form fields: refuses what no row or page can be."""
    number = int(value)
    if not 0 <= number <= MAX_ID:
        raise ValueError("nombre hors limites")
    return number


class BoundedIntConverter(IntegerConverter):
    """``<int:…>`` in routes: an id too large for the database is simply not found (404)."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's signature
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def with_table(metadata, table_name: str, install, drop) -> None:
    """Run ``install(connection)`` after ``create_all`` creates ``table_name``, and
    ``drop(connection)`` before ``drop_all`` drops it: what a table needs beside itself
    (triggers, a first count) comes and goes with it in tests and the demo."""

    def after_create(_metadata, connection, tables=(), **_kw) -> None:
        if any(table.name == table_name for table in tables):
            install(connection)

    def before_drop(_metadata, connection, tables=(), **_kw) -> None:
        if any(table.name == table_name for table in tables):
            drop(connection)

    sa.event.listen(metadata, "after_create", after_create)
    sa.event.listen(metadata, "before_drop", before_drop)
