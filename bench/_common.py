"""What several bench scripts share: seeded places, driver URL, production env,
migrating and timing.

Imported as ``bench._common`` once the project root is on ``sys.path`` (each script puts
it there before importing anything of the project).
"""

import secrets
import statistics
import time

import sqlalchemy as sa
from flask_migrate import upgrade

from consult.contributions.models import Contribution
from consult.extensions import db

# Savoie towns the seeded territories, meetings and texts are named after.
PLACES = (
    "Chambéry",
    "Modane",
    "Albertville",
    "Aix-les-Bains",
    "Bourg-Saint-Maurice",
    "Saint-Jean-de-Maurienne",
    "Moûtiers",
    "Ugine",
    "La Motte-Servolex",
    "Montmélian",
    "Saint-Pierre-d'Albigny",
    "Yenne",
)


def psycopg_url(url: str) -> str:
    """``url`` with the psycopg 3 driver when it is a plain PostgreSQL URL."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def production_env(args) -> dict[str, str]:
    """The variables that run the platform as in production on the bench's database and
    Redis (``args.database_url``, ``args.redis_url``): fresh secret, mail to the log."""
    return {
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "SECRET_KEY": secrets.token_hex(32),
        "CONSULT_CONFIG": "config.ProductionConfig",
        "CONSULT_SECURE_COOKIES": "0",
        "CONSULT_PUBLIC_URL": "https://bench.invalid",
        "CONSULT_MAIL_TO_LOG": "1",
    }


def timed(run):
    """Median milliseconds of 5 runs after a warm-up, each in a fresh session, and the
    last run's result."""
    times, result = [], None
    for attempt in range(6):
        db.session.remove()
        started = time.perf_counter()
        result = run()
        if attempt:
            times.append((time.perf_counter() - started) * 1000)
    db.session.remove()
    return statistics.median(times), result


def migrate_and_count() -> int:
    """Bring the bench database to the latest schema; how many contributions it already
    holds (0: seed it), said on stdout when there are some."""
    upgrade()
    existing = db.session.scalar(sa.select(sa.func.count()).select_from(Contribution))
    if existing:
        print(f"already seeded: contributions={existing} (seeding skipped)")
    return existing
