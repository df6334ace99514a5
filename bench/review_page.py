"""How long the moderation review page takes in a meeting of N contributions.

    python bench/review_page.py ../shared/data/grand-debat/comments.csv.gz --contributions 3000

Builds a scratch SQLite database with the demo and N Grand Débat answers pending
in one meeting, signs a facilitator in, then opens four review pages in a row,
with the per-process caches off (REFERENCE_CACHE_SECONDS=0) and on (30 s).
"""

import argparse
import csv
import gzip
import secrets
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # ``config`` lives at the project root, outside the package

from config import TestConfig  # noqa: E402
from consult import create_app  # noqa: E402
from consult.accounts.models import User  # noqa: E402
from consult.accounts.passwords import hash_password  # noqa: E402
from consult.contributions.models import Contribution  # noqa: E402
from consult.demo.loader import load_demo  # noqa: E402
from consult.extensions import db  # noqa: E402
from consult.meetings.models import Meeting  # noqa: E402

PASSWORD = secrets.token_urlsafe(16) + "-Aa1"  # a throwaway account in a scratch database


def _app(database: str, ttl: int):
    config = type("Bench", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": database})
    config.REFERENCE_CACHE_SECONDS = ttl
    return create_app(config)


def _fill(app, path: str, count: int) -> tuple[str, int]:
    with app.app_context():
        db.create_all()
        load_demo()
        meeting = db.session.scalar(sa.select(Meeting).where(Meeting.status == "open"))
        with gzip.open(path, "rt", encoding="utf-8") as answers:
            rows = zip(range(count), csv.DictReader(answers), strict=False)
            db.session.add_all(
                Contribution(meeting=meeting, body=row["text"], status="pending") for _, row in rows
            )
        user = db.session.scalar(sa.select(User).where(User.role == "facilitator"))
        user.password_hash = hash_password(PASSWORD)
        db.session.commit()
        return user.email, db.session.scalar(sa.select(sa.func.max(Contribution.id)))


def _timings(app, email: str, last_id: int) -> list[int]:
    client = app.test_client()
    client.post("/connexion", data={"email": email, "password": PASSWORD})
    timings = []
    for offset in range(4):
        started = time.perf_counter()
        response = client.get(f"/moderation/{last_id - offset}")
        if response.status_code != 200:
            sys.exit(f"page de modération : HTTP {response.status_code}")
        timings.append(round((time.perf_counter() - started) * 1000))
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="comments.csv.gz of the Grand Débat")
    parser.add_argument("--contributions", type=int, default=3000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database = f"sqlite:///{Path(folder) / 'review.db'}"
        email, last_id = _fill(_app(database, 0), args.path, args.contributions)
        for ttl in (0, 30):
            timings = _timings(_app(database, ttl), email, last_id)
            print(f"review_page contributions={args.contributions} cache_s={ttl} ms={timings}")


if __name__ == "__main__":
    main()
