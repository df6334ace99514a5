"""Configuration classes; every setting is read from the environment once, here."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("CONSULT_INSTANCE_DIR", BASE_DIR / "instance"))


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


def _env_list(name: str) -> list[str] | None:
    items = [item.strip() for item in os.environ.get(name, "").split(",")]
    return [item for item in items if item] or None


def _database_url() -> str | None:
    return os.environ.get("DATABASE_URL") or os.environ.get("CONSULT_DATABASE_URL")


def _normalise_db_url(url: str | None) -> str | None:
    """Use the psycopg 3 driver for plain ``postgresql://`` URLs (as Heroku-style hosts give)."""
    if url and url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url and url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


class Config:
    """Settings shared by every environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY") or os.environ.get("CONSULT_SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _normalise_db_url(_database_url())
    # Pooled connections are replaced after a few minutes rather than pinged before each
    # checkout (a round trip per request); a connection cut meanwhile fails one query.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_recycle": _env_int("CONSULT_DB_POOL_RECYCLE", 300)}
    REDIS_URL = os.environ.get("REDIS_URL") or os.environ.get("CONSULT_REDIS_URL")
    INSTANCE_DIR = INSTANCE_DIR
    UPLOAD_DIR = INSTANCE_DIR / "uploads"

    MAX_CONTENT_LENGTH = _env_int("CONSULT_MAX_CONTENT_LENGTH", 10 * 1024 * 1024)
    MAX_FORM_MEMORY_SIZE = 1024 * 1024
    WTF_CSRF_TIME_LIMIT = 8 * 3600

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("CONSULT_SECURE_COOKIES", True)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)

    # Login throttling (CNIL 2022: restrict attempts when passwords are < 80 bits).
    LOGIN_MAX_FAILURES = _env_int("CONSULT_LOGIN_MAX_FAILURES", 5)
    LOGIN_LOCK_MINUTES = _env_int("CONSULT_LOGIN_LOCK_MINUTES", 15)
    # Failures from every source together before an account is locked everywhere
    # (a password reset unlocks it): a distributed guess, not one bad neighbour.
    LOGIN_ACCOUNT_MAX_FAILURES = _env_int("CONSULT_LOGIN_ACCOUNT_MAX_FAILURES", 100)
    INVITATION_MAX_AGE = _env_int("CONSULT_INVITATION_MAX_AGE", 7 * 24 * 3600)
    PASSWORD_RESET_MAX_AGE = _env_int("CONSULT_PASSWORD_RESET_MAX_AGE", 3600)

    MAIL_SERVER = os.environ.get("CONSULT_MAIL_SERVER")
    MAIL_PORT = _env_int("CONSULT_MAIL_PORT", 587)
    MAIL_USERNAME = os.environ.get("CONSULT_MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("CONSULT_MAIL_PASSWORD")
    MAIL_SENDER = os.environ.get("CONSULT_MAIL_SENDER", "ne-pas-repondre@consult.local")
    # Without a mail server, messages (and the links they carry) go to the log.
    MAIL_TO_LOG = True

    # Links in e-mails are built from this address, never from the request's Host.
    PUBLIC_URL = os.environ.get("CONSULT_PUBLIC_URL")
    # Number of reverse proxies in front of the app (X-Forwarded-For/-Proto trusted).
    TRUSTED_PROXIES = _env_int("CONSULT_TRUSTED_PROXIES", 0)
    # Host names accepted in requests (comma-separated); empty: any host.
    TRUSTED_HOSTS = _env_list("CONSULT_TRUSTED_HOSTS")
    # Per source (IP) and per target address: each request costs an e-mail.
    ACCOUNT_MAIL_LIMIT_IP = os.environ.get(
        "CONSULT_ACCOUNT_MAIL_LIMIT_IP", "10 per minute;50 per hour"
    )
    ACCOUNT_MAIL_LIMIT_ADDRESS = os.environ.get("CONSULT_ACCOUNT_MAIL_LIMIT_ADDRESS", "5 per hour")

    JOBS_INLINE = not REDIS_URL
    # Without a worker, jobs run in the web process once the answer has been sent (the
    # page shows their progress, as with a worker); 0: before it is sent, so the answer
    # comes when they are done.
    JOBS_AFTER_RESPONSE = _env_bool("CONSULT_JOBS_AFTER_RESPONSE", True)
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    # Flask-Limiter costs one Redis round trip per limit (the anonymous contribution's
    # limits, supports and reports go through core.ratelimit.hit_all instead: one for
    # all); the X-RateLimit headers would cost two more per request: off.
    RATELIMIT_HEADERS_ENABLED = False
    # Redis down for a moment: count in memory rather than refuse every participant (500).
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # Anonymous posting, per browser (and, more loosely, per IP: a whole room
    # may share one Wi-Fi address). Flask-Limiter syntax.
    ANON_POST_LIMIT_BROWSER = os.environ.get("CONSULT_ANON_POST_LIMIT", "10 per minute;60 per hour")
    ANON_POST_LIMIT_IP = os.environ.get("CONSULT_ANON_POST_LIMIT_IP", "300 per minute")
    # Anonymous supports and reports of one contribution from one client address
    # (whatever cookies it drops): beyond this, only signed-in accounts count.
    ANON_SUPPORT_LIMIT_SOURCE = os.environ.get("CONSULT_ANON_SUPPORT_LIMIT_IP", "10 per day")
    ANON_REPORT_LIMIT_SOURCE = os.environ.get("CONSULT_ANON_REPORT_LIMIT_IP", "5 per day")
    JOB_RETRIES = _env_int("CONSULT_JOB_RETRIES", 3)
    # `flask worker` (and the relay and sweeper it forks) runs at this niceness (0-19, as
    # `nice`; 0: left as started), so that on a server it shares with the web processes
    # those win the cores while people post, and the background work (tag suggestions,
    # documents, open data) takes what they leave: it catches up right after. A worker
    # started nicer than this stays so (a process cannot raise its own priority).
    WORKER_NICE = _env_int("CONSULT_WORKER_NICE", 10)
    # The sweeper suggests tags for new contributions with a model that may miss the tags
    # and refusals of the last this-many seconds (a refresh job recomputes everything with
    # the model that knows them): facilitators tagging while people post do not have it
    # rebuilt at every batch. 0: always the newest model.
    SUGGEST_MODEL_MAX_AGE = _env_int("CONSULT_SUGGEST_MODEL_MAX_AGE", 30)
    # With a worker, stored suggestions are recomputed after tagging once no tag came for
    # SUGGEST_REFRESH_QUIET seconds, or SUGGEST_REFRESH_MAX_WAIT seconds after the first
    # tag they miss (a long session still sees its tags at work): consult.tagging.jobs.
    SUGGEST_REFRESH_QUIET = _env_int("CONSULT_SUGGEST_REFRESH_QUIET", 20)
    # While people post, the worker's sweeper leaves new contributions' suggestions
    # until no contribution came for SUGGEST_WHILE_POSTING_QUIET seconds, or one has
    # waited SUGGEST_WHILE_POSTING_MAX_WAIT seconds: the cores go to the participants'
    # requests first (issue 17). 0: computed at the sweeper's next look.
    SUGGEST_WHILE_POSTING_QUIET = _env_float("CONSULT_SUGGEST_WHILE_POSTING_QUIET", 1.0)
    SUGGEST_WHILE_POSTING_MAX_WAIT = _env_float("CONSULT_SUGGEST_WHILE_POSTING_MAX_WAIT", 5.0)
    SUGGEST_REFRESH_MAX_WAIT = _env_int("CONSULT_SUGGEST_REFRESH_MAX_WAIT", 120)
    # Branding, publics and territories: kept this many seconds by each process.
    REFERENCE_CACHE_SECONDS = _env_int("CONSULT_REFERENCE_CACHE_SECONDS", 30)
    # Public pages' figures (core/cache.py): refreshed at each publication or decision,
    # and at least this often for any other change.
    PUBLIC_FIGURES_SECONDS = _env_int("CONSULT_PUBLIC_FIGURES_SECONDS", 120)
    SECURITY_LOG_RETENTION_DAYS = _env_int("CONSULT_SECURITY_LOG_DAYS", 365)
    # Masked originals and pseudonyms are erased this many days after the contribution.
    RETENTION_DAYS = _env_int("CONSULT_RETENTION_DAYS", 365)
    # Uploaded import files never imported are deleted this many days after upload.
    UPLOAD_RETENTION_DAYS = _env_int("CONSULT_UPLOAD_RETENTION_DAYS", 30)
    # Open-data files rebuilt by a job after each commit that changes what is public.
    OPENDATA_AUTO = os.environ.get("CONSULT_OPENDATA_AUTO", "1") != "0"


class DevelopmentConfig(Config):
    """Zero-setup local platform: SQLite in instance/, jobs inline, a dev secret."""

    DEBUG = False
    # Without SECRET_KEY, a random key per process: sessions end when it restarts.
    SECRET_KEY = Config.SECRET_KEY or secrets.token_hex(32)
    SQLALCHEMY_DATABASE_URI = Config.SQLALCHEMY_DATABASE_URI or (
        f"sqlite:///{INSTANCE_DIR / 'consult.db'}"
    )
    PUBLIC_URL = Config.PUBLIC_URL or "http://127.0.0.1:5000"
    SESSION_COOKIE_SECURE = _env_bool("CONSULT_SECURE_COOKIES", False)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE


class TestConfig(Config):
    """Test settings: the database comes from CONSULT_TEST_DATABASE_URL (SQLite by default)."""

    TESTING = True
    SECRET_KEY = secrets.token_hex(32)
    # One SQLite file per test process, so that parallel runs never share one.
    SQLALCHEMY_DATABASE_URI = _normalise_db_url(os.environ.get("CONSULT_TEST_DATABASE_URL")) or (
        f"sqlite:///{INSTANCE_DIR / f'test-{os.getpid()}.db'}"
    )
    REDIS_URL = os.environ.get("CONSULT_TEST_REDIS_URL")
    JOBS_INLINE = not REDIS_URL
    JOBS_AFTER_RESPONSE = False  # tests read what a request's jobs did right after it
    RATELIMIT_STORAGE_URI = "memory://"
    # The limiter is set up (memory storage) but tests/conftest.py switches it
    # off for each test; the tests that check limits switch it back on.
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    REFERENCE_CACHE_SECONDS = 0  # each test sees its own publics, territories and branding
    PUBLIC_FIGURES_SECONDS = 0  # rolled-back tests reuse ids: tests switch it on themselves
    # CSRF is switched back on by the tests that check it (tests/test_csrf.py).
    WTF_CSRF_ENABLED = False
    SERVER_NAME = None
    PUBLIC_URL = "http://localhost"
    TRUSTED_PROXIES = 0
    TRUSTED_HOSTS = None
    OPENDATA_AUTO = False  # tests/opendata switch it on: others count their own jobs
    WORKER_NICE = 0  # the tests that start `flask worker` run in the test process itself
    SUGGEST_MODEL_MAX_AGE = 0  # rolled-back tests reuse scheme ids: always the newest model
    SUGGEST_WHILE_POSTING_QUIET = 0  # tests/tagging/test_sweeper.py switches it on


class ProductionConfig(Config):
    """Production: PostgreSQL, Redis, secrets from the environment only."""

    REQUIRED = ("SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "PUBLIC_URL")
    PRODUCTION = True
    # Reset and invitation links in the log are account keys: only on explicit request.
    MAIL_TO_LOG = _env_bool("CONSULT_MAIL_TO_LOG", False)
