"""Two staff writing at once on the zero-setup SQLite database both succeed."""

import sqlite3
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


def test_a_long_job_after_the_response_does_not_hold_the_write_lock(tmp_path):
    """An inline job (a PDF rendered for many seconds) reads without the write lock.

    Inside BEGIN IMMEDIATE it held the lock for the whole rendering: the other
    visitors' requests waited the busy timeout, then failed with a 500.
    """
    engine, sessions = _engine(tmp_path / "demo.db")
    web = Flask(__name__)
    job_reading, visitor_done = threading.Event(), threading.Event()
    errors = []

    def job():
        with web.test_request_context(), deferred_transactions(), sessions() as session:
            session.execute(sa.text("SELECT count(*) FROM note")).scalar()
            job_reading.set()
            visitor_done.wait(30)  # still "rendering" while the visitor writes

    def visitor():  # another request's write, which gives up quickly if the lock is held
        job_reading.wait(5)
        try:
            with sqlite3.connect(tmp_path / "demo.db", timeout=0.5) as conn:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("INSERT INTO note (body) VALUES ('visiteur')")
        except sqlite3.Error as exc:
            errors.append(repr(exc))
        finally:
            visitor_done.set()

    threads = [threading.Thread(target=job), threading.Thread(target=visitor)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    engine.dispose()
