"""Ingest benchmark: N concurrent participants each GET the form and POST a contribution.

Usage (against a running server, e.g. gunicorn on PostgreSQL):

    python bench/ingest.py --base-url http://127.0.0.1:8000 --meeting 1 \
        --participants 50 --per-participant 20 --database-url postgresql://...

The anonymous-posting limits apply to the bench too (all its participants come
from one address): start the server with CONSULT_ANON_POST_LIMIT and
CONSULT_ANON_POST_LIMIT_IP raised, as docs/benchmarks.md shows.

Prints contributions/s, latency percentiles of the POSTs and, with
--database-url, the number of contributions acknowledged vs stored.

Side by side (issue 17):

    python bench/ingest.py --compare --participants 20 \
        --database-url postgresql://postgres@127.0.0.1:5432/SCRATCH

recreates the scratch database (``flask db upgrade``, ``flask demo load``), starts on
free ports the platform (gunicorn -w 4, production settings, Redis from --redis-url,
anonymous limits raised) **with ``flask worker`` running** (the rounds start once it has
done what the demo load queued: open-data files, documents, suggestions), and a bare Flask +
SQLAlchemy app (``bare_app``: a form page, and a POST that inserts and answers with
the receipt), then drives both with the same participants in interleaved rounds
(project, bare, project, bare…), once the warmup round's suggestions are computed. Each
participant opens the form, posts, and reads the receipt (the POST's answer for both apps;
a redirect would be followed). The CPU each part used goes to stderr: per process group
over the rounds and the drain, then during each app's rounds alone, part by part
(:func:`cpu_snapshot`: web workers, gunicorn masters, ``flask worker``, each one's
PostgreSQL backends, PostgreSQL's background processes, Redis, this client). It checks
acknowledged = stored for both (and stops otherwise), waits until every contribution has
its suggestions computed (``contributions.suggested_at`` set, no suggestion job left), and
prints exactly:

    ingest project 56.2 per_s p95 301 ms
    ingest bare 188.3 per_s p95 73 ms
    ingest ratio 0.30
    ingest suggestions_drained_s 240.0

(``suggestions_drained_s``: seconds from the last project POST until every
contribution of the run has had its suggestions computed and stored; --drain-timeout
bounds the wait.)
"""

import argparse
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import uuid
from http.cookiejar import CookieJar
from pathlib import Path

import psycopg
import sqlalchemy as sa
from flask import Flask, abort, request

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Service:
    """One process group the bench starts and stops (gunicorn, the worker)."""

    def __init__(self, name: str, argv: list[str], env: dict, logdir: Path):
        self.name, self.argv, self.log_path = name, argv, logdir / f"{name}.log"
        # Its PostgreSQL backends carry its name (libpq reads PGAPPNAME): cpu_snapshot.
        self.env = {**env, "PGAPPNAME": f"{APP_NAME_PREFIX}{name}"}
        self.proc = None

    def start(self) -> None:
        with open(self.log_path, "a", encoding="utf-8") as log:
            self.proc = subprocess.Popen(  # noqa: S603 - our own commands
                self.argv, env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip

    def cpu_seconds(self) -> float:
        """CPU used so far by this service's process group (reaped children included)."""
        ticks = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == self.proc.pid:  # process group: started in its own session
                ticks += sum(int(value) for value in fields[11:15])
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(5)


APP_NAME_PREFIX = "bench-"  # application_name of the PostgreSQL sessions a service opens


def _processes() -> dict[int, tuple[int, int, str]]:
    """pid → (process group, CPU clock ticks used so far, children it reaped included,
    command line) of every process this user may read."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes().split(b"\0", 1)[0]
        except OSError:
            continue
        ticks = sum(int(value) for value in fields[11:15])
        found[int(stat.parent.name)] = (int(fields[2]), ticks, command.decode(errors="replace"))
    return found


def cpu_part(pid: int, group: int, command: str, services: dict, backends: dict) -> str | None:
    """Which part of the run a process is: a service's workers (``project``, ``bare``,
    ``worker``: the group's leader apart as ``… master`` for the web servers), a
    service's PostgreSQL backends (``postgres project``…), PostgreSQL's background
    processes (``postgres background``: WAL writer, checkpointer, autovacuum) and its
    postmaster (``postgres postmaster``: it forks each new session), both shared with
    every database of the server, ``redis`` (the whole server); None for the rest (other
    sessions, other databases' included).

    ``services``: leader pid → service name; ``backends``: pid → (application_name,
    backend_type) as ``pg_stat_activity`` lists them."""
    if group in services:
        name = services[group]
        return f"{name} master" if pid == group and name != "worker" else name
    # « postgres: user db host idle », « /usr/lib/postgresql/15/bin/postgres -D … »,
    # « redis-server 127.0.0.1:6379 »: the program's name, as the process shows it.
    program = Path(command.split(" ", 1)[0].removesuffix(":")).name
    if program == "postgres":
        if not command.startswith("postgres:"):
            return "postgres postmaster"
        application, kind = backends.get(pid, ("", ""))
        if application.startswith(APP_NAME_PREFIX):
            return "postgres " + application.removeprefix(APP_NAME_PREFIX)
        return None if kind in ("client backend", "") else "postgres background"
    return "redis" if program == "redis-server" else None


def cpu_snapshot(platforms: "Platforms", conn) -> dict[str, float]:
    """CPU seconds used so far by each part of the run (:func:`cpu_part`); ``conn``: a
    session kept for these snapshots (a new one each time would count a fork of the
    postmaster each)."""
    backends = {
        pid: (application or "", kind or "")
        for pid, application, kind in conn.execute(
            "SELECT pid, application_name, backend_type FROM pg_stat_activity"
        )
    }
    services = {service.proc.pid: service.name for service in platforms.services}
    used: dict[str, float] = {}
    for pid, (group, ticks, command) in _processes().items():
        part = cpu_part(pid, group, command, services, backends)
        if part is not None:
            used[part] = used.get(part, 0.0) + ticks / os.sysconf("SC_CLK_TCK")
    return used


def _client_cpu() -> float:
    """CPU seconds this process (the participants' threads) used so far."""
    times = os.times()
    return times.user + times.system


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

    def __init__(self, base_url, meeting, count, results, lock, tag="Bench", opener=None):
        super().__init__(daemon=True)
        self.form_url = f"{base_url}/rencontres/{meeting}/contribuer"
        self.count, self.results, self.lock, self.tag = count, results, lock, tag
        self.opener = opener
        if self.opener is None:
            self.opener = urllib.request.build_opener(
                urllib.request.HTTPCookieProcessor(CookieJar())
            )

    def run(self):
        for n in range(self.count):
            html = self.opener.open(self.form_url, timeout=30).read().decode()
            data = _hidden_fields(html)
            body = f"{self.tag} {uuid.uuid4().hex[:8]} : plus de transports en Maurienne n°{n}"
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
    with psycopg.connect(database_url) as conn:
        return conn.execute(
            "SELECT count(*) FROM contributions WHERE meeting_id = %s AND body LIKE 'Bench %%'",
            (meeting,),
        ).fetchone()[0]


def simple(args) -> None:

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


# --- Side by side: the platform (with its worker) and a bare app ---------------------------

BARE_FORM = """<!doctype html><html lang="fr"><body><form method="post">
<input type="hidden" name="form_key" value="{key}">
<textarea name="body"></textarea><select name="kind"><option>proposition</option></select>
<button>Envoyer</button></form></body></html>"""
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def bare_app() -> Flask:
    """Form page; a POST that inserts (RETURNING) and answers with the receipt."""
    app = Flask(__name__)
    url = os.environ["BENCH_BARE_DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://")
    engine = sa.create_engine(url, pool_size=5)
    insert = sa.text(
        "INSERT INTO bench_bare_contributions (body, kind, author_type, receipt_code, form_key) "
        "VALUES (:body, :kind, :author_type, :code, :key) RETURNING id"
    )

    @app.route("/rencontres/<int:meeting>/contribuer", methods=["GET", "POST"])
    def contribute(meeting: int):
        if request.method == "GET":
            return BARE_FORM.format(key=secrets.token_urlsafe(16))
        body = request.form.get("body", "").strip()
        if not body or len(body) > 5000:
            abort(422)
        code = "".join(secrets.choice(ALPHABET) for _ in range(10))
        code = f"{code[:5]}-{code[5:]}"
        values = {
            "body": body,
            "kind": request.form.get("kind", "proposition"),
            "author_type": request.form.get("author_type", "usager"),
            "code": code,
            "key": request.form.get("form_key", ""),
        }
        with engine.begin() as conn:
            conn.execute(insert, values).scalar_one()
        return f"<p>Merci ! Votre code de suivi : <strong>{code}</strong></p>"

    return app


class Platforms:
    """The scratch database, the platform (gunicorn + flask worker) and the bare app."""

    def __init__(self, args):
        self.args = args
        self.tmp = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
        self.bin = Path(sys.executable).parent
        self.env = dict(os.environ)
        self.env.update(
            DATABASE_URL=args.database_url,
            REDIS_URL=args.redis_url,
            SECRET_KEY=secrets.token_hex(32),
            CONSULT_CONFIG="config.ProductionConfig",
            CONSULT_SECURE_COOKIES="0",
            CONSULT_PUBLIC_URL="https://bench.invalid",
            CONSULT_MAIL_TO_LOG="1",
            CONSULT_ANON_POST_LIMIT="100000 per minute",
            CONSULT_ANON_POST_LIMIT_IP="1000000 per minute",
            CONSULT_INSTANCE_DIR=str(self.tmp / "instance"),
            BENCH_BARE_DATABASE_URL=args.database_url,
            FLASK_APP="wsgi",
            PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        )
        self.services: list[Service] = []

    def once(self, argv: list[str]) -> None:
        subprocess.run(argv, env=self.env, cwd=ROOT, check=True, capture_output=True)  # noqa: S603

    def connect(self, database: str | None = None, **kwargs):
        url = self.args.database_url
        if database:
            url = url.rpartition("/")[0] + "/" + database
        return psycopg.connect(url, **kwargs)

    def prepare(self) -> int:
        """A fresh scratch database with the demo data; the open meeting's id."""
        name = self.args.database_url.rpartition("/")[2]
        with self.connect("postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        for command in (["db", "upgrade"], ["demo", "load"]):
            self.once([str(self.bin / "flask"), *command])
        with self.connect() as conn:
            conn.execute(
                "CREATE TABLE bench_bare_contributions (id serial PRIMARY KEY, body text NOT NULL, "
                "kind text, author_type text, receipt_code text UNIQUE, form_key text, "
                "created_at timestamptz DEFAULT now())"
            )
            row = conn.execute(
                "SELECT id FROM meetings WHERE status = 'open' ORDER BY id LIMIT 1"
            ).fetchone()
        if row is None:
            raise SystemExit("no open meeting in the demo data")
        return row[0]

    def start(self) -> tuple[str, str]:
        self.once(["redis-cli", "-u", self.args.redis_url, "flushdb"])
        urls = []
        for name, app in (("project", "wsgi:app"), ("bare", "bench.ingest:bare_app()")):
            port = _free_port()
            argv = [str(self.bin / "gunicorn"), "-w", "4", "-b", f"127.0.0.1:{port}", app]
            self.services.append(Service(name, argv, self.env, self.tmp))
            urls.append(f"http://127.0.0.1:{port}")
        self.services.append(
            Service("worker", [str(self.bin / "flask"), "worker"], self.env, self.tmp)
        )
        for service in self.services:
            service.start()
        for url in urls:
            _wait_for(url + "/rencontres/1/contribuer")
        return urls[0], urls[1]

    def cpu(self) -> dict[str, float]:
        return {service.name: service.cpu_seconds() for service in self.services}

    def stop(self) -> None:
        for service in self.services:
            service.stop()

    def stored(self, tag: str) -> tuple[int, int]:
        like = f"{tag} %"
        with self.connect() as conn:
            project = conn.execute(
                "SELECT count(*) FROM contributions WHERE body LIKE %s", (like,)
            ).fetchone()[0]
            bare = conn.execute(
                "SELECT count(*) FROM bench_bare_contributions WHERE body LIKE %s", (like,)
            ).fetchone()[0]
        return project, bare

    def suggestions_left(self) -> int:
        """Contributions whose suggestions are not computed yet (``suggested_at`` NULL),
        and suggestion jobs not finished (what versions before the sweeper queued)."""
        with self.connect() as conn:
            left = conn.execute(
                "SELECT count(*) FROM job_runs WHERE name IN ('suggest_tags', "
                "'refresh_suggestions') AND status NOT IN ('done', 'failed')"
            ).fetchone()[0]
            if self._has_column(conn, "contributions", "suggested_at"):
                left += conn.execute(
                    "SELECT count(*) FROM contributions WHERE suggested_at IS NULL"
                ).fetchone()[0]
        return left

    @staticmethod
    def _has_column(conn, table: str, column: str) -> bool:
        return bool(
            conn.execute(
                "SELECT 1 FROM information_schema.columns WHERE table_name = %s "
                "AND column_name = %s",
                (table, column),
            ).fetchone()
        )

    def settle(self, timeout: float) -> float:
        """Wait until the worker has done what the demo load queued (open-data files,
        the synthesis and report documents: seconds of CPU each) and computed the demo's
        suggestions, so that the rounds measure the capture and not that backlog."""
        started = time.perf_counter()
        while time.perf_counter() - started < timeout:
            with self.connect() as conn:
                busy = conn.execute(
                    "SELECT count(*) FROM job_runs WHERE status IN ('queued', 'running', "
                    "'retrying')"
                ).fetchone()[0]
            if not busy and not self.suggestions_left():
                break
            time.sleep(0.5)
        return time.perf_counter() - started


def _wait_for(url: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=5).read()  # noqa: S310
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer")


def one_round(base_url: str, meeting: int, args, tag: str) -> tuple[list, float]:
    results, lock = [], threading.Lock()
    threads = [
        Participant(base_url, meeting, args.per_participant, results, lock, tag)
        for _ in range(args.participants)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - started


def _figures(results: list, wall: float) -> tuple[float, float, int]:
    acknowledged = sum(ok for _, ok in results)
    p95 = statistics.quantiles([elapsed * 1000 for elapsed, _ in results], n=100)[94]
    return acknowledged / wall, p95, acknowledged


def _print_cpu(cpu: dict[str, float], stored: tuple[int, int], during: dict) -> None:
    """On stderr (stdout keeps the issue's four lines): CPU per contribution of each part,
    over the rounds and the drain, then during each app's rounds alone (``during``: app →
    part → CPU seconds)."""
    project, bare = (max(1, n) for n in stored)
    app, worker = (cpu[name] / project * 1000 for name in ("project", "worker"))
    print(
        f"cpu per contribution: project app {app:.1f} ms, worker {worker:.1f} ms, "
        f"bare app {cpu['bare'] / bare * 1000:.1f} ms",
        file=sys.stderr,
    )
    for name, count in (("project", project), ("bare", bare)):
        parts = sorted(during[name].items(), key=lambda item: (-item[1], item[0]))
        shown = ", ".join(
            f"{part} {seconds / count * 1000:.2f}" for part, seconds in parts if seconds > 0
        )
        print(f"cpu per contribution during the {name} rounds (ms): {shown}", file=sys.stderr)


class Tagger(threading.Thread):
    """``--tag-every``: a facilitator tagging while people post. Every ``every`` seconds,
    a tag row on a contribution of the run (a random fiche of the open meeting's scheme):
    each one changes what the suggestion model learns from. Rows only, as a desk would
    write them, without the refresh job the desk also queues."""

    def __init__(self, platforms: "Platforms", tag: str, every: float):
        super().__init__(daemon=True)
        self.platforms, self.tag, self.every = platforms, tag, every
        self.stop, self.done = threading.Event(), 0

    def run(self) -> None:
        with self.platforms.connect(autocommit=True) as conn:
            while not self.stop.wait(self.every):
                row = conn.execute(
                    "SELECT c.id, (SELECT f.id FROM fiches f WHERE f.scheme_id = m.scheme_id "
                    "ORDER BY random() LIMIT 1) FROM contributions c JOIN meetings m "
                    "ON m.id = c.meeting_id WHERE c.body LIKE %s ORDER BY random() LIMIT 1",
                    (f"{self.tag} %",),
                ).fetchone()
                if row is None or row[1] is None:
                    continue
                conn.execute(
                    "INSERT INTO contribution_tags (contribution_id, fiche_id, set_by_id, "
                    "from_suggestion, created_at) VALUES (%s, %s, (SELECT min(id) FROM users), "
                    "false, now()) ON CONFLICT DO NOTHING",
                    row,
                )
                self.done += 1


def _measured_rounds(platforms: "Platforms", urls: dict, meeting: int, args, tag: str):
    """The interleaved rounds: per app, (results, wall seconds) and the CPU seconds of each
    part during its rounds (:func:`cpu_snapshot`, the client's threads as ``bench
    client``); and when the last project round ended."""
    runs = {name: ([], 0.0) for name in urls}
    during = {name: {} for name in urls}
    last_project_post = 0.0
    with platforms.connect(autocommit=True) as watcher:
        for _ in range(args.rounds):
            for name, url in urls.items():
                before, client = cpu_snapshot(platforms, watcher), _client_cpu()
                results, wall = one_round(url, meeting, args, tag)
                spent = {"bench client": _client_cpu() - client}
                for part, seconds in cpu_snapshot(platforms, watcher).items():
                    spent[part] = seconds - before.get(part, 0.0)
                for part, seconds in spent.items():
                    during[name][part] = during[name].get(part, 0.0) + seconds
                runs[name] = (runs[name][0] + results, runs[name][1] + wall)
                if name == "project":
                    last_project_post = time.perf_counter()
    return runs, during, last_project_post


def compare(args) -> None:
    platforms = Platforms(args)
    meeting = platforms.prepare()
    tag = f"Bench{int(time.time())}"
    try:
        project_url, bare_url = platforms.start()
        settled = platforms.settle(args.settle_timeout)
        print(f"worker backlog of the demo load done in {settled:.1f} s", file=sys.stderr)
        one_round(project_url, meeting, args, "Warmup")  # caches, pools, models
        one_round(bare_url, meeting, args, "Warmup")
        # The warmup's suggestions too: the worker's CPU is then that of the measured
        # contributions, and no batch of the warmup's runs during the rounds.
        settled = platforms.settle(args.settle_timeout)
        print(f"warmup suggestions done in {settled:.1f} s", file=sys.stderr)
        cpu_before = platforms.cpu()
        tagger = Tagger(platforms, tag, args.tag_every) if args.tag_every else None
        if tagger:
            tagger.start()
        urls = {"project": project_url, "bare": bare_url}
        runs, during, last_project_post = _measured_rounds(platforms, urls, meeting, args, tag)
        if tagger:
            tagger.stop.set()
            tagger.join()
            print(f"tags set during the rounds: {tagger.done}", file=sys.stderr)
        deadline = time.perf_counter() + args.drain_timeout
        while platforms.suggestions_left() and time.perf_counter() < deadline:
            time.sleep(0.2)
        drained = time.perf_counter() - last_project_post
        cpu = {name: used - cpu_before[name] for name, used in platforms.cpu().items()}
        stored = platforms.stored(tag)
    finally:
        platforms.stop()
    _print_cpu(cpu, stored, during)
    project, bare = _figures(*runs["project"]), _figures(*runs["bare"])
    if (project[2], bare[2]) != stored:
        raise SystemExit(f"acknowledged {(project[2], bare[2])} != stored {stored}")
    print(f"ingest project {project[0]:.1f} per_s p95 {project[1]:.0f} ms")
    print(f"ingest bare {bare[0]:.1f} per_s p95 {bare[1]:.0f} ms")
    print(f"ingest ratio {project[0] / bare[0]:.2f}")
    print(f"ingest suggestions_drained_s {drained:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", action="store_true", help="platform vs bare app")
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--meeting", type=int)
    parser.add_argument("--participants", type=int, default=50)
    parser.add_argument(
        "--per-participant", type=int, help="posts per participant (per round): 20, --compare 5"
    )
    parser.add_argument("--rounds", type=int, default=3, help="--compare: rounds per app")
    parser.add_argument("--drain-timeout", type=float, default=900.0)
    parser.add_argument(
        "--tag-every",
        type=float,
        default=0.0,
        help="--compare: a tag on a contribution of the run every N seconds during the rounds",
    )
    parser.add_argument(
        "--settle-timeout",
        type=float,
        default=300.0,
        help="--compare: longest wait for the worker to finish the demo load's jobs",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/5")
    parser.add_argument("--database-url", help="PostgreSQL URL, to count stored rows")
    args = parser.parse_args()
    args.per_participant = args.per_participant or (5 if args.compare else 20)
    if args.compare:
        if not args.database_url:
            parser.error("--compare needs --database-url (a scratch database, recreated)")
        compare(args)
    elif args.meeting is None:
        parser.error("--meeting is required without --compare")
    else:
        simple(args)


if __name__ == "__main__":
    main()
