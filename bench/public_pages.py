"""Public pages under a crowd: 8 visitors on each page, 100,000 contributions.

    python bench/public_pages.py --contributions 100000 \
        --database-url postgresql://postgres@127.0.0.1:5432/SCRATCH

Creates the scratch database when it is missing and seeds it when empty (bulk inserts:
the seeding of ``bench/followup.py``, with two fiches adopted so that their public page
exists), runs ANALYZE, starts the platform under gunicorn (``-w 4``, production
settings, Redis from ``--redis-url``) on a free port, then drives each public page
(home, the droit de suite pages, the public page of a meeting and of a fiche) with
``--visitors`` concurrent visitors, each on its own keep-alive connection, for
``--seconds`` after a short warm-up. Prints exactly one line per page:

    public /suite/ 12.0 per_s p95 1300 ms

A page that answers anything but 200 stops the bench (an error page is fast).

With ``--cold N``, first, in this process: the median time (of N) to compute again,
as a process does after each publication or decision, the figures the pages keep
(``participation_by_year`` of the scheme, for the fiche's computed indicators, the home
page's counts, the figures of the theme's and of the fiche's droit de suite pages), one
line each:

    public cold participation_by_year 4.0 ms
    public cold home_figures 1.0 ms
    public cold theme_figures 2.0 ms
    public cold fiche_total 1.0 ms

With ``--publish-every S``, a live meeting meanwhile: every S seconds one contribution of
the meeting goes back to moderation and is published again, and the public figures'
generation moves on as the platform's commit hook does, so that every process computes
the page it serves again (as after each publication or decision); the fiche whose
indicators the platform computes (fiche 6, ``participation_by_year``) is driven too.
"""

import argparse
import http.client
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import psycopg
import sqlalchemy as sa
from flask_migrate import upgrade
from redis import Redis

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # ``config`` lives at the project root, outside the package

from bench._common import production_env  # noqa: E402
from bench.durability import Service, _free_port  # noqa: E402
from bench.followup import analyze, make_app, sample_ids, seed  # noqa: E402
from consult.contributions.models import Contribution  # noqa: E402
from consult.core.cache import GENERATION_KEY  # noqa: E402
from consult.extensions import db  # noqa: E402
from consult.schemes.models import Fiche  # noqa: E402

BIN = Path(sys.executable).parent
ADOPTED = ("31", "6")


def ensure_database(url: str) -> None:
    base, _, name = url.replace("+psycopg", "").rpartition("/")
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def prepare(args) -> dict:
    """Schema, seed (once), two adopted fiches, ANALYZE; the ids the pages show."""
    ensure_database(args.database_url)
    app = make_app(args.database_url)
    with app.app_context():
        upgrade()
        existing = db.session.scalar(sa.select(sa.func.count()).select_from(Contribution))
        if existing:
            print(f"already seeded: contributions={existing}", file=sys.stderr)
        else:
            random.seed(args.seed)
            args.meetings = 50
            seed(args, random.Random(args.seed))
        ids = sample_ids()
        db.session.execute(
            sa.update(Fiche)
            .where(Fiche.scheme_id == ids["scheme"], Fiche.number.in_(ADOPTED))
            .values(status="adoptee")
        )
        db.session.commit()
        analyze()
        db.engine.dispose()
    return ids


def cold_figures(args, ids: dict) -> None:
    """Print the median time to compute each kept figure again (nothing kept: test settings)."""
    from consult.followup.participation import participation_by_year
    from consult.schemes.models import Theme
    from consult.site.services import home_figures
    from consult.suite import services

    app = make_app(args.database_url)
    figures = {
        "participation_by_year": lambda: participation_by_year(ids["scheme"]),
        "home_figures": home_figures,
        "theme_figures": lambda: services.theme_figures(db.session.get(Theme, ids["theme"])),
        "fiche_total": lambda: services.fiche_total(db.session.get(Fiche, ids["fiche_31"])),
    }
    with app.app_context():
        for name, compute in figures.items():
            times = []
            for _ in range(args.cold):
                started = time.perf_counter()
                compute()
                times.append((time.perf_counter() - started) * 1000)
                db.session.rollback()
            print(f"public cold {name} {statistics.median(times):.1f} ms", flush=True)
        db.engine.dispose()


def publisher(args, meeting_id: int, until: float, published: list) -> None:
    """Publish one contribution of the meeting again every ``--publish-every`` seconds."""
    redis = Redis.from_url(args.redis_url)
    with psycopg.connect(args.database_url.replace("+psycopg", ""), autocommit=True) as conn:
        ids = [
            row[0]
            for row in conn.execute(
                "SELECT id FROM contributions WHERE meeting_id = %s AND status = 'published' "
                "ORDER BY id LIMIT 100",
                (meeting_id,),
            )
        ]
        while time.perf_counter() < until:
            contribution_id = ids[len(published) % len(ids)]
            for status in ("pending", "published"):
                conn.execute(
                    "UPDATE contributions SET status = %s WHERE id = %s", (status, contribution_id)
                )
            redis.incr(GENERATION_KEY)
            published.append(contribution_id)
            time.sleep(args.publish_every)


def pages(ids: dict, live: bool = False) -> list[str]:
    if live:
        return [*pages(ids), f"/suivi-du-schema/fiches/{ids['fiche_6']}"]
    return [
        "/",
        "/suite/",
        f"/suite/rencontres/{ids['meeting']}",
        f"/suite/thematiques/{ids['theme']}",
        f"/suite/fiches/{ids['fiche_31']}",
        f"/rencontres/{ids['meeting']}",
        f"/suivi-du-schema/fiches/{ids['fiche_31']}",
    ]


def environment(args, tmp: Path) -> dict:
    env = dict(os.environ)
    env.update(
        production_env(args),
        CONSULT_INSTANCE_DIR=str(tmp / "instance"),
        FLASK_APP="wsgi",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
    )
    return env


def wait_for(base_url: str, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base_url + "/", timeout=5).read()  # noqa: S310
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer: see {log}")


def visitor(port: int, path: str, until: float, latencies: list, errors: list) -> None:
    """One visitor: the page again and again on one keep-alive connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.perf_counter() < until:
        started = time.perf_counter()
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        latencies.append(time.perf_counter() - started)
        if response.status != 200:
            errors.append(response.status)
            break
    conn.close()


def drive(port: int, path: str, visitors: int, seconds: float) -> tuple[float, float]:
    """Requests per second and p95 (ms) of ``path`` with ``visitors`` at once."""
    for _ in range(2):  # warm-up: caches, connections
        visitor(port, path, time.perf_counter() + 1.0, [], [])
    latencies, errors = [], []
    started = time.perf_counter()
    threads = [
        threading.Thread(target=visitor, args=(port, path, started + seconds, latencies, errors))
        for _ in range(visitors)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if errors:
        raise SystemExit(f"{path} answered {errors[0]}")
    p95 = statistics.quantiles(latencies, n=100)[94] * 1000
    return len(latencies) / wall, p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contributions", type=int, default=100_000)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/5")
    parser.add_argument("--visitors", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--web-workers", type=int, default=4)
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument("--cold", type=int, default=0, help="also time each figure N times")
    parser.add_argument(
        "--publish-every", type=float, default=0.0, help="publish again every S s meanwhile"
    )
    args = parser.parse_args()
    ids = prepare(args)
    if args.cold:
        cold_figures(args, ids)
    tmp = Path(tempfile.mkdtemp(prefix="bench-public-"))
    port = _free_port()
    argv = [str(BIN / "gunicorn"), "-w", str(args.web_workers), "-b", f"127.0.0.1:{port}"]
    web = Service("gunicorn", [*argv, "wsgi:app"], environment(args, tmp), tmp)
    web.start()
    try:
        wait_for(f"http://127.0.0.1:{port}", web.log_path)
        for path in pages(ids, live=bool(args.publish_every)):
            live = []
            if args.publish_every:
                until = time.perf_counter() + args.seconds + 2.5  # warm-up and measure
                threading.Thread(
                    target=publisher, args=(args, ids["meeting"], until, live), daemon=True
                ).start()
            per_s, p95 = drive(port, path, args.visitors, args.seconds)
            print(f"public {path} {per_s:.1f} per_s p95 {p95:.0f} ms", flush=True)
    finally:
        web.stop()


if __name__ == "__main__":
    main()
