"""Two staff writing at once on the zero-setup SQLite database both succeed."""

import threading

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import sessionmaker

from consult.core.db import configure_sqlite, deferred_transactions
from consult.extensions import db


def _engine(path):
    engine = sa.create_engine(f"sqlite:///{path}")
    sessions = sessionmaker(bind=engine)
    configure_sqlite(engine, sessions)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT)")
    return engine, sessions


def test_two_concurrent_writers_both_succeed(tmp_path):
    """A request reads then writes while another commits in between: no "locked".

    With deferred transactions, the first writer's read snapshot goes stale when
    the second commits, and SQLite answers "database is locked" at once, whatever
    the busy timeout: the 500 two facilitators met on the demo.
    """
    engine, sessions = _engine(tmp_path / "demo.db")
    web = Flask(__name__)  # each writer serves a request, as two staff members do
    first_read, second_done = threading.Event(), threading.Event()
    errors, done = [], []

    def first():
        try:
            with web.test_request_context(), sessions.begin() as session:
                session.execute(sa.text("SELECT count(*) FROM note")).scalar()
                first_read.set()
                second_done.wait(1)  # the other writer commits meanwhile, if it can
                session.execute(sa.text("INSERT INTO note (body) VALUES ('premier')"))
            done.append("premier")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))
        finally:
            first_read.set()

    def second():
        first_read.wait(5)
        try:
            with web.test_request_context(), sessions.begin() as session:
                session.execute(sa.text("INSERT INTO note (body) VALUES ('second')"))
            done.append("second")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))
        finally:
            second_done.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(done) == ["premier", "second"]
    with engine.connect() as conn:
        bodies = conn.exec_driver_sql("SELECT body FROM note ORDER BY body").scalars().all()
    assert bodies == ["premier", "second"]
    engine.dispose()


def test_the_application_sessions_take_the_write_lock_first(app):
    """The app's sessions on SQLite are configured to BEGIN IMMEDIATE."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite only")
    options = db.session.session_factory.kw["execution_options"]
    assert options["consult_sqlite_begin"] == "IMMEDIATE"


def test_a_long_inline_job_leaves_the_write_lock_to_other_requests(tmp_path):
    """A job run after the answer (a PDF rendering) reads for seconds without the write lock.

    With BEGIN IMMEDIATE it held the lock while rendering: every other request waited
    the busy timeout, then answered 500 "database is locked".
    """
    engine, sessions = _engine(tmp_path / "demo.db")
    web = Flask(__name__)
    reading, other_done = threading.Event(), threading.Event()
    errors = []

    def job():
        request = web.test_request_context(method="POST")
        with request, deferred_transactions(), sessions.begin() as session:
            session.execute(sa.text("SELECT count(*) FROM note")).scalar()
            reading.set()
            other_done.wait(30)  # "rendering": another request writes meanwhile

    def other_request():
        reading.wait(30)
        try:
            with web.test_request_context(method="POST"), sessions.begin() as session:
                session.execute(sa.text("PRAGMA busy_timeout=200"))
                session.execute(sa.text("INSERT INTO note (body) VALUES ('pendant le rendu')"))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))
        finally:
            other_done.set()

    threads = [threading.Thread(target=job), threading.Thread(target=other_request)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    engine.dispose()


def test_an_immediate_block_takes_the_write_lock_when_it_begins(tmp_path):
    """A sweeper's claim (read, then write) outside a request begins with the write lock:
    a post committed between its read and its write can no longer make SQLite refuse
    the write at once."""
    from consult.core.db import immediate_transactions

    engine, sessions = _engine(tmp_path / "demo.db")
    web = Flask(__name__)
    with web.app_context(), immediate_transactions(), sessions.begin() as session:
        session.execute(sa.text("SELECT count(*) FROM note")).scalar()
        other = engine.raw_connection()
        try:
            other.execute("PRAGMA busy_timeout=50")
            with pytest.raises(Exception, match="locked"):  # the claim holds the lock
                other.execute("INSERT INTO note (body) VALUES ('un envoi')")
        finally:
            other.close()
        session.execute(sa.text("INSERT INTO note (body) VALUES ('réservée')"))
    with web.app_context(), sessions.begin() as session:  # outside the block: deferred
        session.execute(sa.text("SELECT count(*) FROM note")).scalar()
        other = engine.raw_connection()
        try:
            other.execute("INSERT INTO note (body) VALUES ('un envoi')")
            other.commit()
        finally:
            other.close()
    engine.dispose()
