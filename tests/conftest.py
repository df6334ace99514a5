"""Shared fixtures: app, per-test transactional db, client, login, jobs."""

import os
import smtplib
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import g
from flask.testing import FlaskClient
from redis.exceptions import RedisError
from sqlalchemy.orm import scoped_session, sessionmaker

from consult import create_app
from consult.core import jobs as core_jobs
from consult.core.cache import figures_store
from consult.extensions import db as _db
from consult.extensions import limiter
from tests.factories import (  # noqa: F401 - factory fixtures, shared by every test
    DEFAULT_PASSWORD,
    facilitator,
    make_contribution,
    make_meeting,
    make_organisation,
    make_public,
    make_scheme,
    make_synthesis_version,
    make_territory,
    make_user,
    make_working_group,
)

# Test files that touch no database. `make test` runs them in its SQLite half; its PostgreSQL
# half, run beside it, leaves them out (CONSULT_TEST_SKIP_DATABASE_FREE=1): same code, same result.
DATABASE_FREE = (
    "tests/analysis/",
    "tests/bench/",
    "tests/synthesis/test_analysis.py",
    "tests/synthesis/test_analysis_ideas.py",
)


def pytest_collection_modifyitems(config, items):
    if os.environ.get("CONSULT_TEST_SKIP_DATABASE_FREE") != "1":
        return
    dropped = [item for item in items if item.nodeid.startswith(DATABASE_FREE)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if not item.nodeid.startswith(DATABASE_FREE)]


def pytest_report_header(config):
    url = os.environ.get("CONSULT_TEST_DATABASE_URL", "sqlite (instance/test.db)")
    redis = os.environ.get("CONSULT_TEST_REDIS_URL", "aucun (tâches en ligne)")
    header = [
        f"consult: base de test = {url.split('@')[-1]}",
        f"consult: redis = {redis}",
    ]
    if os.environ.get("CONSULT_TEST_SKIP_DATABASE_FREE") == "1":
        header.append("consult: tests sans base de données laissés à la moitié SQLite")
    return header


@pytest.fixture(scope="session")
def app():
    """The application under TestConfig, with a fresh schema created once."""
    app = create_app("config.TestConfig")
    app.config["INSTANCE_DIR"].mkdir(parents=True, exist_ok=True)
    with app.app_context():
        _db.drop_all()
        _db.create_all()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()
    database = app.config["SQLALCHEMY_DATABASE_URI"]
    if database.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(database.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)


@pytest.fixture
def db(app):
    """A database session whose work is rolled back after the test.

    The code under test may commit: with ``create_savepoint`` its commits only
    release savepoints inside the outer transaction, which the fixture rolls back.
    """
    with app.app_context():
        connection = _db.engine.connect()
        outer = connection.begin()
        original = _db.session
        _db.session = scoped_session(
            sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
        )
        try:
            yield _db
        finally:
            _db.session.remove()
            _db.session = original
            outer.rollback()
            connection.close()


class IsolatedClient(FlaskClient):
    """A test client whose requests never share the signed-in user.

    The ``db`` fixture keeps one app context open for the whole test, and
    requests reuse it; Flask-Login caches the user on ``g``, which would leak
    one client's user into another client's request.
    """

    def open(self, *args, **kwargs):
        g.pop("_login_user", None)
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app, db):
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def runner(app, db):
    return app.test_cli_runner()


class RecordingDispatcher:
    """Records calls enqueued after commit and sweeps asked for; ``run_all`` runs the
    calls like a worker (their results), then the sweepers until nothing waits."""

    def __init__(self):
        self.calls = []
        self.sweeps = []

    def dispatch(self, call):
        self.calls.append(call)

    def sweep(self, name):
        self.sweeps.append(name)

    def run_pending(self):
        """Nothing runs by itself: tests decide with ``run_all``."""

    def run_all(self):
        calls, self.calls = self.calls, []
        done = [core_jobs.execute(c.job_run_id, c.path, *c.args, reraise=False) for c in calls]
        for name in sorted(set(self.sweeps)):
            core_jobs.sweep_until_done(name)
        self.sweeps = []
        return done


@pytest.fixture(autouse=True)
def jobs(app, monkeypatch):
    """Record background jobs instead of running them (``jobs.run_all()`` runs them)."""
    recorder = RecordingDispatcher()
    monkeypatch.setitem(app.extensions, "consult_jobs", recorder)
    return recorder


@pytest.fixture(autouse=True)
def documents_dir(app, tmp_path, monkeypatch):
    """Stored PDF and Word files go to a folder of the test's own."""
    monkeypatch.setitem(app.config, "DOCUMENTS_DIR", str(tmp_path / "documents"))
    return tmp_path / "documents"


@pytest.fixture(autouse=True)
def no_rate_limits(monkeypatch):
    """Rate limits off, counters cleared; ``limits_on`` switches them back on."""
    monkeypatch.setattr(limiter, "enabled", False)


@pytest.fixture
def limits_on(monkeypatch):
    limiter.reset()
    monkeypatch.setattr(limiter, "enabled", True)
    yield
    limiter.reset()


@pytest.fixture(autouse=True)
def no_smtp(monkeypatch):
    """Fail loudly if anything tries to send real e-mail."""

    def refuse(*args, **kwargs):
        raise AssertionError("a test tried to open an SMTP connection")

    monkeypatch.setattr(smtplib, "SMTP", refuse)
    monkeypatch.setattr(smtplib, "SMTP_SSL", refuse)


@pytest.fixture
def login(client):
    """Sign ``user`` in through the real login form; returns the response."""

    def _login(user, password=None):
        return client.post(
            "/connexion",
            data={"email": user.email, "password": password or DEFAULT_PASSWORD},
        )

    return _login


@pytest.fixture
def count(db):
    """Count rows of a model: ``count(Contribution)``."""

    def _count(model, *where):
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))

    return _count


@pytest.fixture(autouse=True)
def no_kept_posting_meetings(app):
    """Each test starts without the meetings an earlier test posted to: its rows were
    rolled back and their ids come back, so a copy kept by the process (what a POST's
    INSERT checks, ``contributions.views._posting_copies``) would describe another
    meeting and cost the test a second INSERT (its count of statements then depends on
    the order the tests run in)."""
    app.extensions.pop("consult_posting_meetings", None)


@pytest.fixture
def figures_kept(app, monkeypatch):
    """The public pages' cache as in production, empty at the start of the test."""
    monkeypatch.setitem(app.config, "PUBLIC_FIGURES_SECONDS", 3600)
    monkeypatch.delitem(app.extensions, "consult_public_figures", raising=False)
    yield
    app.extensions.pop("consult_public_figures", None)


class SharedGeneration:
    """The two Redis commands of the figures generation (GET, INCR), in memory:
    ``broken`` makes them fail like an unreachable Redis."""

    def __init__(self):
        self.values: dict[str, int] = {}
        self.broken = False

    def get(self, key):
        if self.broken:
            raise RedisError("Redis injoignable (test)")
        return str(self.values.get(key, 0)).encode()

    def incr(self, key):
        if self.broken:
            raise RedisError("Redis injoignable (test)")
        self.values[key] = self.values.get(key, 0) + 1
        return self.values[key]


@pytest.fixture
def figures_shared(app, figures_kept):
    """The cache with a generation every process reads (Redis), whatever the test run
    has: its ``broken`` switches Redis off."""
    shared = SharedGeneration()
    figures_store(app).redis = shared
    return shared


@pytest.fixture
def figures_local(app, figures_kept):
    """The cache without Redis: a process sees only its own commits."""
    figures_store(app).redis = None


@pytest.fixture
def statements(db):
    """``with statements() as seen:``: the SELECT statements sent meanwhile."""

    @contextmanager
    def _watch():
        seen = []

        def note(conn, cursor, statement, *args):
            # the site's settings are kept per process in production (reference_cache)
            if statement.lstrip().startswith("SELECT") and "FROM site_settings" not in statement:
                seen.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", note)
        try:
            yield seen
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", note)

    return _watch
