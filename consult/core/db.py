"""Database conventions: constraint naming, UTC timestamps, scoped getters."""

import contextlib
import contextvars
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import abort, has_request_context
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.routing import IntegerConverter

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


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
    """Load ``model`` by primary key, 404 when missing or outside ``scope``.

    ``scope`` pins foreign keys (e.g. ``scheme_id=scheme.id``), so an id from
    another parent answers 404 rather than leaking that the object exists.
    """
    obj = session.get(model, ident)
    if obj is None or any(getattr(obj, k) != v for k, v in scope.items()):
        abort(404)
    return obj


SQLITE_BUSY_TIMEOUT_MS = 15000  # a writer waits up to 15 s for another to finish
_BEGIN_OPTION = "consult_sqlite_begin"
_AFTER_RESPONSE = contextvars.ContextVar("consult_sqlite_after_response", default=False)


@contextlib.contextmanager
def deferred_transactions():
    """Work run after a request's response (inline jobs) takes no write lock up front.

    A document rendered for 20 s inside BEGIN IMMEDIATE held the demo's only write
    lock that long: every other visitor waited, then got a 500 "database is locked".
    Deferred, it reads under WAL without blocking anyone and locks only to write.
    """
    token = _AFTER_RESPONSE.set(True)
    try:
        yield
    finally:
        _AFTER_RESPONSE.reset(token)


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
        if mode and has_request_context() and not _AFTER_RESPONSE.get():
            connection.exec_driver_sql(f"BEGIN {mode}")
        else:
            connection.exec_driver_sql("BEGIN")


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
