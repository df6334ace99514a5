"""Profile the capture journey (form GET, POST, receipt GET) in production config.

Counts SQL statements and Redis commands per request, and optionally writes a
cProfile of N POSTs. Runs in one process with Flask's test client against a
database already holding the demo data (e.g. the one ``bench/ingest.py
--compare`` left behind):

    PYTHONPATH=. python bench/capture_profile.py \
        --database-url postgresql://postgres@127.0.0.1:5432/SCRATCH \
        --redis-url redis://127.0.0.1:6379/6 [--posts 200 --profile out.prof]
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
import uuid
from pathlib import Path

import redis
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._common import production_env  # noqa: E402
from bench.ingest import _hidden_fields  # noqa: E402 - the same form reading as the bench


class Counter:
    """SQL statements and Redis commands seen since the last ``take``."""

    def __init__(self, engine):
        self.sql, self.redis = [], []
        sa.event.listen(engine, "before_cursor_execute", self._on_sql)
        for name in ("begin", "commit", "rollback"):
            sa.event.listen(engine, name, self._on_transaction(name.upper()))
        sa.event.listen(engine.pool, "reset", lambda *_a: self.sql.append("(pool reset)"))
        original = redis.connection.Connection.send_packed_command
        counter = self

        def send(conn, command, check_health=True):
            counter.redis.append(_redis_name(command))
            return original(conn, command, check_health)

        redis.connection.Connection.send_packed_command = send

    def _on_transaction(self, name: str):
        return lambda *_a: self.sql.append(name)

    def _on_sql(self, conn, cursor, statement, params, context, executemany):
        self.sql.append(" ".join(statement.split())[:110])

    def take(self):
        sql, red = self.sql, self.redis
        self.sql, self.redis = [], []
        return sql, red


def _redis_name(command) -> str:
    data = b"".join(command) if isinstance(command, list | tuple) else command
    return f"redis({data.count(b'*')} cmd(s)) {data[:60]!r}"


def _env(args) -> None:
    os.environ.update(
        production_env(args),
        CONSULT_ANON_POST_LIMIT="100000 per minute",
        CONSULT_ANON_POST_LIMIT_IP="1000000 per minute",
    )


def journey(client, url: str, n: int):
    """One participant: GET the form, POST, follow to the receipt. Returns the responses."""
    page = client.get(url)
    data = _hidden_fields(page.get_data(as_text=True))
    data.update(
        body=f"Profil {uuid.uuid4().hex[:8]} : plus de transports en Maurienne n°{n}",
        kind="proposition",
        author_type="usager",
        consent="y",
        territory_id="0",
    )
    posted = client.post(url, data=data)
    receipt = client.get(posted.headers["Location"]) if posted.status_code == 303 else None
    return page, posted, receipt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/6")
    parser.add_argument("--meeting", type=int)
    parser.add_argument("--posts", type=int, default=0, help="journeys to time / profile")
    parser.add_argument("--profile", help="write a cProfile of the timed journeys here")
    parser.add_argument("--show", action="store_true", help="print each statement")
    parser.add_argument(
        "--split",
        type=int,
        metavar="BLOCKS",
        help="CPU of the form GET and of the POST apart: median over BLOCKS blocks of 25 "
        "journeys, 5 per browser as in bench/ingest.py",
    )
    args = parser.parse_args()
    _env(args)
    from consult import create_app
    from consult.extensions import db

    app = create_app()
    with app.app_context():
        meeting = args.meeting or db.session.scalar(
            sa.text("SELECT id FROM meetings WHERE status = 'open' ORDER BY id LIMIT 1")
        )
        counter = Counter(db.engine)
    url = f"/rencontres/{meeting}/contribuer"
    for n in range(3):  # warm caches and pools
        journey(app.test_client(), url, n)
    counter.take()
    _count_one(app.test_client(), url, counter, args.show)
    if args.posts:
        _timed(app, url, args)
    if args.split:
        _split(app, url, args.split)


def _count_one(client, url: str, counter: Counter, show: bool) -> None:
    """SQL statements and Redis commands of each request of one journey."""
    page = client.get(url)
    _print_counts("form GET", page, counter, show)
    data = _hidden_fields(page.get_data(as_text=True))
    data.update(body="Profil : plus de bus le dimanche", kind="proposition",
                author_type="usager", consent="y", territory_id="0")  # fmt: skip
    posted = client.post(url, data=data)
    _print_counts("POST", posted, counter, show)
    if posted.status_code == 303:
        _print_counts("receipt GET", client.get(posted.headers["Location"]), counter, show)
    _print_counts("POST again (double submit)", client.post(url, data=data), counter, show)


def _print_counts(name: str, response, counter: Counter, show: bool) -> None:
    sql, red = counter.take()
    print(f"{name}: {response.status_code} sql={len(sql)} redis={len(red)}")
    if show:
        for line in sql + red:
            print("   ", line)


def _timed(app, url, args) -> None:
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    client = app.test_client()
    started = time.perf_counter()
    cpu = time.process_time()
    if profiler:
        profiler.enable()
    for n in range(args.posts):
        journey(client, url, n)
    if profiler:
        profiler.disable()
        profiler.dump_stats(args.profile)
        pstats.Stats(args.profile).sort_stats("cumulative").print_stats(40)
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu
    print(
        f"{args.posts} journeys: {wall / args.posts * 1000:.1f} ms wall, "
        f"{cpu / args.posts * 1000:.1f} ms CPU each (form, POST, receipt)"
    )


def _split(app, url: str, blocks: int, per_block: int = 25) -> None:
    """Median CPU per form GET and per POST over ``blocks`` blocks (one browser, its
    cookies kept, every 5 journeys): the steadiest figure on a shared machine."""
    form, post = [], []
    for _ in range(blocks):
        spent = [0.0, 0.0]
        for n in range(per_block):
            if n % 5 == 0:
                client = app.test_client()
            started = time.process_time()
            page = client.get(url)
            spent[0] += time.process_time() - started
            data = _hidden_fields(page.get_data(as_text=True))
            data.update(body=f"Profil {uuid.uuid4().hex[:8]} : plus de bus n°{n}",
                        kind="proposition", author_type="usager", consent="y",
                        territory_id="0")  # fmt: skip
            started = time.process_time()
            client.post(url, data=data)
            spent[1] += time.process_time() - started
        form.append(spent[0] / per_block * 1000)
        post.append(spent[1] / per_block * 1000)
    print(
        f"cpu form GET {statistics.median(form):.3f} ms, POST {statistics.median(post):.3f} ms "
        f"(median of {blocks} blocks of {per_block})"
    )


if __name__ == "__main__":
    main()
