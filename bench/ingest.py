"""Ingest benchmark: N concurrent participants each GET the form and POST a contribution.

Usage (against a running server, e.g. gunicorn on PostgreSQL):

    python bench/ingest.py --base-url http://127.0.0.1:8000 --meeting 1 \
        --participants 50 --per-participant 20 --database-url postgresql://...

The anonymous-posting limits apply to the bench too (all its participants come
from one address): start the server with CONSULT_ANON_POST_LIMIT and
CONSULT_ANON_POST_LIMIT_IP raised, as docs/benchmarks.md shows.

Prints contributions/s, latency percentiles of the POSTs and, with
--database-url, the number of contributions acknowledged vs stored.
"""

import argparse
import re
import statistics
import threading
import time
import urllib.parse
import urllib.request
import uuid
from http.cookiejar import CookieJar

HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*>', re.I)
ATTR = re.compile(r'(name|value)="([^"]*)"')
RECEIPT = re.compile(r"[A-Z2-9]{5}-[A-Z2-9]{5}")


def _hidden_fields(html: str) -> dict[str, str]:
    fields = {}
    for tag in HIDDEN.findall(html):
        attrs = dict(ATTR.findall(tag))
        if "name" in attrs:
            fields[attrs["name"]] = attrs.get("value", "")
    return fields


class Participant(threading.Thread):
    """One phone: its own cookies, GET the form, POST, follow to the receipt."""

    def __init__(self, base_url, meeting, count, results, lock):
        super().__init__(daemon=True)
        self.form_url = f"{base_url}/rencontres/{meeting}/contribuer"
        self.count, self.results, self.lock = count, results, lock
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def run(self):
        for n in range(self.count):
            html = self.opener.open(self.form_url, timeout=30).read().decode()
            data = _hidden_fields(html)
            body = f"Bench {uuid.uuid4().hex[:8]} : plus de transports en Maurienne n°{n}"
            data.update(
                body=body, kind="proposition", author_type="usager", consent="y", territory_id="0"
            )
            started = time.perf_counter()
            try:
                response = self.opener.open(
                    self.form_url, urllib.parse.urlencode(data).encode(), timeout=30
                )
                ok = response.status == 200 and RECEIPT.search(response.read().decode())
            except OSError:
                ok = False
            elapsed = time.perf_counter() - started
            with self.lock:
                self.results.append((elapsed, bool(ok)))


def _stored(database_url: str, meeting: int) -> int:
    import psycopg

    with psycopg.connect(database_url) as conn:
        return conn.execute(
            "SELECT count(*) FROM contributions WHERE meeting_id = %s AND body LIKE 'Bench %%'",
            (meeting,),
        ).fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--meeting", type=int, required=True)
    parser.add_argument("--participants", type=int, default=50)
    parser.add_argument("--per-participant", type=int, default=20)
    parser.add_argument("--database-url", help="PostgreSQL URL, to count stored rows")
    args = parser.parse_args()

    before = _stored(args.database_url, args.meeting) if args.database_url else 0
    results, lock = [], threading.Lock()
    threads = [
        Participant(args.base_url, args.meeting, args.per_participant, results, lock)
        for _ in range(args.participants)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started

    latencies = sorted(elapsed * 1000 for elapsed, _ in results)
    acknowledged = sum(ok for _, ok in results)
    q = statistics.quantiles(latencies, n=100)
    print(f"participants={args.participants} posts={len(results)} wall={wall:.1f}s")
    print(
        f"contributions/s={acknowledged / wall:.1f} "
        "(per contribution: form GET, POST, receipt page GET)"
    )
    print(
        f"POST latency ms: p50={q[49]:.0f} p95={q[94]:.0f} p99={q[98]:.0f} max={latencies[-1]:.0f}"
    )
    print(f"acknowledged={acknowledged} failed={len(results) - acknowledged}")
    if args.database_url:
        print(f"stored={_stored(args.database_url, args.meeting) - before}")


if __name__ == "__main__":
    main()
