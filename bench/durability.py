"""Durability benchmark: participants keep contributing while the platform is being hurt.

N concurrent participants (the client of bench/ingest.py: GET the form, POST it
with its hidden fields, follow the redirect to the receipt page; a failed POST
is sent again *with the same form*, hence the same idempotency key, as a phone
would) post contributions to the app under gunicorn, on PostgreSQL + Redis,
while the script injects:

(a) SIGKILL of an RQ worker, its relay process and its work horse, in the
    middle of a long job (``bench.durability.slow_job``);
(b) Redis stopped without saving (``redis-cli shutdown nosave``) and started
    again, empty;
(c) gunicorn workers restarted: SIGTERM to one (graceful), SIGKILL to another
    (in the middle of requests).

It starts and stops everything itself: the scratch database (dropped, created,
``flask db upgrade``, ``flask demo load``), gunicorn on a free port, two
``flask worker`` and one ``flask jobs relay`` (restarted when they exit, as
systemd would). At the end it waits for the jobs to drain and prints::

    acknowledged=… stored=… duplicates=… enqueued=… completed=… failed=…

and exits non-zero unless acknowledged == stored, duplicates == 0 and
enqueued == completed.

    python bench/durability.py \
        --database-url postgresql://postgres@127.0.0.1:5432/consult_durability \
        --redis-url redis://127.0.0.1:6390/13 --start-redis \
        --participants 20 --per-participant 30

``--limiter-fallback`` runs the app with RATELIMIT_IN_MEMORY_FALLBACK_ENABLED
(the fix proposed for config.py): posting then goes on while Redis is down, and
the jobs of those contributions wait in the outbox for the relay.

WARNING: fault (b) restarts the Redis server --redis-url points to. On the
machine's shared Redis (port 6379) everyone else using it loses its data and
its connections for about a second. ``--start-redis`` with a free port runs a
private Redis instead (started, restarted and stopped by the script).
"""

import argparse
import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.ingest import RECEIPT, _hidden_fields  # noqa: E402 - needs the repo root on the path

BIN = Path(sys.executable).parent
SLOW_LOG = "BENCH_DURABILITY_LOG"
ACTIVE = ("queued", "retrying", "running")


# --- The long job the workers run (imported by them as bench.durability.slow_job) -------


def slow_job(job_run_id: int, seconds: int) -> None:
    """Work for ``seconds``, reporting progress; notes its start and end for the bench."""
    from consult.core.jobs import report_progress

    _note("start", job_run_id)
    steps = max(1, int(seconds * 2))
    for step in range(1, steps + 1):
        time.sleep(0.5)
        report_progress(job_run_id, step * 100 // steps, f"{step}/{steps}")
    _note("end", job_run_id)


def _note(event: str, job_run_id: int) -> None:
    path = os.environ.get(SLOW_LOG)
    if path:
        line = f"{time.time():.3f} {event} {job_run_id} {os.getpid()} {os.getppid()}\n"
        with open(path, "a", encoding="utf-8") as log:
            log.write(line)


def __getattr__(name: str):
    """``bench.durability.LimiterFallbackConfig``, built once the environment is set."""
    if name == "LimiterFallbackConfig":
        from config import ProductionConfig

        # The fix proposed for config.Config: rate limits in memory while Redis is down.
        return type(name, (ProductionConfig,), {"RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True})
    raise AttributeError(name)


def _slow_events(path: Path) -> list[tuple[float, str, int, int, int]]:
    if not path.exists():
        return []
    events = []
    for line in path.read_text(encoding="utf-8").splitlines():
        stamp, event, run_id, pid, ppid = line.split()
        events.append((float(stamp), event, int(run_id), int(pid), int(ppid)))
    return events


# --- Processes ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


class Service:
    """One process group the bench owns (gunicorn, a worker, the relay)."""

    def __init__(self, name: str, argv: list[str], env: dict, logdir: Path):
        self.name, self.argv, self.env = name, argv, env
        self.log_path = logdir / f"{name}.log"
        self.proc = None
        self.stopping = False

    def start(self) -> int:
        log = open(self.log_path, "a", encoding="utf-8")  # noqa: SIM115 - kept by the child
        self.proc = subprocess.Popen(  # noqa: S603 - our own commands
            self.argv,
            env=self.env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        return self.proc.pid

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def signal_group(self, sig) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, sig)

    def stop(self, timeout: float = 20) -> None:
        self.stopping = True
        if not self.alive():
            return
        self.signal_group(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.signal_group(signal.SIGKILL)
            self.proc.wait(5)


@dataclass
class Journal:
    """Faults and incidents, with their time since the start of the load."""

    started: float = field(default_factory=time.monotonic)
    events: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, text: str) -> None:
        with self.lock:
            self.events.append((time.monotonic() - self.started, datetime.now(), text))
        print(f"  [+{time.monotonic() - self.started:6.1f}s] {text}", flush=True)


class Supervisor(threading.Thread):
    """Restart the workers and the relay when they exit, as systemd would."""

    def __init__(self, services: list[Service], journal: Journal):
        super().__init__(daemon=True)
        self.services, self.journal = services, journal
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.5):
            for service in self.services:
                if not service.alive() and not service.stopping:
                    code = service.proc.returncode
                    old = service.pid
                    service.start()
                    self.journal.add(
                        f"{service.name} (pid {old}) exited with {code}: restarted as pid "
                        f"{service.pid}"
                    )


# --- Redis -------------------------------------------------------------------------------


class RedisServer:
    """The Redis server of --redis-url: stopped without saving, started again empty."""

    def __init__(self, url: str):
        parsed = urllib.parse.urlparse(url)
        self.host, self.port = parsed.hostname or "127.0.0.1", parsed.port or 6379

    def ping(self) -> bool:
        result = subprocess.run(  # noqa: S603
            ["redis-cli", "-h", self.host, "-p", str(self.port), "ping"],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
        )
        return result.stdout.strip() == "PONG"

    def start(self) -> None:
        subprocess.run(  # noqa: S603
            ["redis-server", "--daemonize", "yes", "--bind", self.host,  # noqa: S607
             "--port", str(self.port), "--save", "", "--appendonly", "no"],
            check=True, capture_output=True,
        )  # fmt: skip
        self._wait(up=True)

    def shutdown(self) -> None:
        subprocess.run(  # noqa: S603
            ["redis-cli", "-h", self.host, "-p", str(self.port), "shutdown", "nosave"],  # noqa: S607
            capture_output=True,
            check=False,
        )
        self._wait(up=False)

    def _wait(self, *, up: bool, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while self.ping() != up:
            if time.monotonic() > deadline:
                raise RuntimeError(f"Redis {self.host}:{self.port} still {'down' if up else 'up'}")
            time.sleep(0.05)


# --- Participants ------------------------------------------------------------------------


@dataclass
class Tally:
    """What the participants saw (shared, under the lock)."""

    receipts: dict = field(default_factory=dict)  # body -> receipt code
    given_up: list = field(default_factory=list)
    incidents: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def finished(self) -> int:
        with self.lock:
            return len(self.receipts) + len(self.given_up)


class Participant(threading.Thread):
    """One phone (its own cookies) that insists: a failed POST is sent again, unchanged."""

    def __init__(self, base_url, meeting, index, count, tag, tally, *, pause, patience):
        super().__init__(daemon=True)
        self.form_url = f"{base_url}/rencontres/{meeting}/contribuer"
        self.index, self.count, self.tag, self.tally = index, count, tag, tally
        self.pause, self.patience = pause, patience
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def run(self) -> None:
        for n in range(self.count):
            body = f"Bench {self.tag} p{self.index:02d} n{n:03d} : plus de transports en Maurienne"
            code = self._contribute(body)
            with self.tally.lock:
                if code:
                    self.tally.receipts[body] = code
                else:
                    self.tally.given_up.append(body)
            time.sleep(self.pause)

    def _form(self, body: str) -> dict:
        html = self.opener.open(self.form_url, timeout=30).read().decode()
        data = _hidden_fields(html)
        data.update(
            body=body, kind="proposition", author_type="usager", consent="y", territory_id="0"
        )
        return data

    def _contribute(self, body: str) -> str | None:
        deadline = time.monotonic() + self.patience
        data, delay = None, 0.2
        while time.monotonic() < deadline:
            try:
                data = data or self._form(body)
                response = self.opener.open(
                    self.form_url, urllib.parse.urlencode(data).encode(), timeout=30
                )
                match = RECEIPT.search(response.read().decode())
                if response.status == 200 and match:
                    return match.group(0)
                self._incident("200 without receipt")
            except urllib.error.HTTPError as error:
                self._incident(f"HTTP {error.code}")
                if error.code in (400, 422):
                    data = None  # refused, nothing stored: a fresh form
            except OSError as error:
                self._incident(type(getattr(error, "reason", error)).__name__)
            time.sleep(delay)
            delay = min(delay * 2, 2.0)
        return None

    def _incident(self, what: str) -> None:
        with self.tally.lock:
            self.tally.incidents[what] += 1


# --- The bench ---------------------------------------------------------------------------


class Bench:
    def __init__(self, args):
        self.args = args
        self.tmp = Path(tempfile.mkdtemp(prefix="consult-durability-"))
        self.slow_log = self.tmp / "slow.log"
        self.journal = Journal()
        self.redis = RedisServer(args.redis_url)
        self.env = self._env()
        self.tally = Tally()
        self.web = None
        self.workers: list[Service] = []
        self.relay = None
        self.supervisor = None
        self.tag = f"d{int(time.time())}"

    def _env(self) -> dict:
        env = dict(os.environ)
        env.update(
            DATABASE_URL=self.args.database_url,
            REDIS_URL=self.args.redis_url,
            SECRET_KEY=secrets.token_hex(16),
            CONSULT_CONFIG=(
                "bench.durability.LimiterFallbackConfig"
                if self.args.limiter_fallback
                else "config.ProductionConfig"
            ),
            CONSULT_SECURE_COOKIES="0",
            CONSULT_PUBLIC_URL="https://bench.invalid",  # production requires both
            CONSULT_MAIL_TO_LOG="1",
            CONSULT_ANON_POST_LIMIT="100000 per minute",
            CONSULT_ANON_POST_LIMIT_IP="1000000 per minute",
            CONSULT_INSTANCE_DIR=str(self.tmp / "instance"),
            CONSULT_JOB_STALE_GRACE=str(self.args.grace),
            CONSULT_JOB_RELAY_INTERVAL="1",
            CONSULT_JOB_RELAY_MIN_AGE="3",
            FLASK_APP="wsgi",
            PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
            PATH=os.pathsep.join([str(BIN), env.get("PATH", "")]),
            **{SLOW_LOG: str(self.slow_log)},
        )
        return env

    # Database ----------------------------------------------------------------------

    def _connect(self, database: str | None = None, **kwargs):
        import psycopg

        url = self.args.database_url
        if database:
            url = url.rpartition("/")[0] + "/" + database
        return psycopg.connect(url.replace("+psycopg", ""), **kwargs)

    def _query(self, sql: str, *params):
        with self._connect() as conn:
            return conn.execute(sql, params).fetchall()

    def prepare_database(self) -> int:
        name = self.args.database_url.rpartition("/")[2]
        with self._connect("postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        for command in (["db", "upgrade"], ["demo", "load"]):
            subprocess.run(  # noqa: S603
                [str(BIN / "flask"), *command], env=self.env, cwd=ROOT, check=True,
                capture_output=True,
            )  # fmt: skip
        rows = self._query("SELECT id FROM meetings WHERE status = 'open' ORDER BY id LIMIT 1")
        if not rows:
            raise SystemExit("no open meeting in the demo data")
        return rows[0][0]

    # Services ----------------------------------------------------------------------

    def start_services(self) -> None:
        if self.args.start_redis and not self.redis.ping():
            self.redis.start()
        subprocess.run(  # noqa: S603
            ["redis-cli", "-u", self.args.redis_url, "flushdb"],  # noqa: S607
            check=True,
            capture_output=True,
        )
        port = _free_port()
        self.base_url = f"http://127.0.0.1:{port}"
        gunicorn = [str(BIN / "gunicorn"), "-w", str(self.args.web_workers), "-b",
                    f"127.0.0.1:{port}", "--graceful-timeout", "10",
                    "--control-socket", str(self.tmp / "gunicorn.ctl"), "wsgi:app"]  # fmt: skip
        self.web = Service("gunicorn", gunicorn, self.env, self.tmp)
        self.web.start()
        flask = str(BIN / "flask")
        self.workers = [
            Service(f"worker-{n}", [flask, "worker"], self.env, self.tmp) for n in (1, 2)
        ]
        self.relay = Service("relay", [flask, "jobs", "relay"], self.env, self.tmp)
        for service in (*self.workers, self.relay):
            service.start()
        self._wait_for_web()
        self.supervisor = Supervisor([*self.workers, self.relay], self.journal)
        self.supervisor.start()

    def _wait_for_web(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.base_url + "/", timeout=5).read()  # noqa: S310
                return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer: see {self.web.log_path}")

    def stop_services(self) -> None:
        if self.supervisor:
            self.supervisor.done.set()
        for service in (self.web, self.relay, *self.workers):
            if service is not None:
                service.stop()
        if self.args.start_redis and self.args.stop_redis:
            self.redis.shutdown()

    # Jobs --------------------------------------------------------------------------

    def enqueue_slow(self, count: int) -> list[int]:
        """Through the app itself: JobRun rows committed, then handed to RQ after commit."""
        os.environ.update(self.env)
        from bench.durability import slow_job as job  # bench.durability, not __main__
        from consult import create_app
        from consult.core.jobs import enqueue_after_commit
        from consult.extensions import db

        if not hasattr(self, "app"):
            self.app = create_app("config.ProductionConfig")
        with self.app.app_context():
            runs = [
                enqueue_after_commit(
                    job, self.args.slow_seconds, timeout=self.args.slow_timeout, label="bench_slow"
                )
                for _ in range(count)
            ]
            db.session.commit()
            return [run.id for run in runs]

    def job_counts(self, baseline: int) -> Counter:
        rows = self._query(
            "SELECT status, count(*) FROM job_runs WHERE id > %s GROUP BY status", baseline
        )
        return Counter(dict(rows))

    def drain(self, baseline: int) -> float:
        started = time.monotonic()
        while time.monotonic() - started < self.args.drain_timeout:
            counts = self.job_counts(baseline)
            if not any(counts[status] for status in ACTIVE):
                break
            time.sleep(1)
        return time.monotonic() - started

    # Faults ------------------------------------------------------------------------

    def _wait_progress(self, fraction: float, total: int) -> None:
        while self.tally.finished < fraction * total:
            time.sleep(0.1)

    def kill_worker_mid_job(self, timeout: float = 120) -> None:
        """(a) SIGKILL the process group of a worker whose horse runs a slow job."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ended = {run for _, event, run, _, _ in _slow_events(self.slow_log) if event == "end"}
            for stamp, event, run, horse, parent in _slow_events(self.slow_log):
                worker = next((w for w in self.workers if w.pid == parent and w.alive()), None)
                if event == "start" and run not in ended and worker and time.time() - stamp > 2:
                    # The work horse runs in a session of its own (RQ calls setsid): kill it
                    # too, as a crash of the whole machine or container would.
                    worker.signal_group(signal.SIGKILL)
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(horse, signal.SIGKILL)
                    self.journal.add(
                        f"(a) SIGKILL {worker.name} pid {parent} (with its relay process) and "
                        f"its work horse {horse}, {time.time() - stamp:.1f}s into slow JobRun {run}"
                    )
                    return
            time.sleep(0.2)
        self.journal.add("(a) no slow job seen running: no worker killed")

    def restart_redis(self) -> None:
        """(b) Redis stopped without saving, started again empty."""
        self.redis.shutdown()
        self.journal.add(f"(b) Redis {self.redis.host}:{self.redis.port} shutdown nosave")
        time.sleep(self.args.redis_down)
        self.redis.start()
        self.journal.add("(b) Redis started again (empty)")

    def restart_web_workers(self) -> None:
        """(c) one gunicorn worker stopped gracefully, another killed mid-request."""
        pids = _children(self.web.pid)
        if len(pids) < 2:
            self.journal.add("(c) fewer than two gunicorn workers: skipped")
            return
        os.kill(pids[0], signal.SIGTERM)
        self.journal.add(f"(c) SIGTERM gunicorn worker {pids[0]} (graceful restart)")
        time.sleep(1)
        os.kill(pids[1], signal.SIGKILL)
        self.journal.add(f"(c) SIGKILL gunicorn worker {pids[1]} (requests in flight)")

    def inject_faults(self, total: int) -> None:
        if "worker" in self.args.faults:
            self.kill_worker_mid_job()
        if "redis" in self.args.faults:
            self._wait_progress(0.4, total)
            ids = self.enqueue_slow(1)
            self.journal.add(f"slow JobRun {ids[0]} enqueued to run across the Redis restart")
            time.sleep(self.args.slow_seconds / 3)
            self.restart_redis()
        if "web" in self.args.faults:
            self._wait_progress(0.7, total)
            self.restart_web_workers()

    # Run ---------------------------------------------------------------------------

    def run(self) -> int:
        meeting = self.prepare_database()
        baseline = self._query("SELECT coalesce(max(id), 0) FROM job_runs")[0][0]
        before = self._query("SELECT coalesce(max(id), 0) FROM contributions")[0][0]
        self.start_services()
        print(f"app {self.base_url}, meeting {meeting}, logs in {self.tmp}", flush=True)
        slow = self.enqueue_slow(2)
        self.journal.started = time.monotonic()
        self.journal.add(f"slow JobRuns {slow} enqueued ({self.args.slow_seconds}s each)")
        total = self.args.participants * self.args.per_participant
        participants = [
            Participant(
                self.base_url, meeting, n, self.args.per_participant, self.tag, self.tally,
                pause=self.args.pause, patience=self.args.patience,
            )
            for n in range(self.args.participants)
        ]  # fmt: skip
        for participant in participants:
            participant.start()
        faults = threading.Thread(target=self.inject_faults, args=(total,), daemon=True)
        faults.start()
        for participant in participants:
            participant.join()
        wall = time.monotonic() - self.journal.started
        faults.join(120)
        self.journal.add(f"load finished ({wall:.1f}s); waiting for the jobs to drain")
        drained = self.drain(baseline)
        self.journal.add(f"jobs drained in {drained:.1f}s")
        return self.report(baseline, before, wall)

    def report(self, baseline: int, before: int, wall: float) -> int:
        stored, distinct = self._query(
            "SELECT count(*), count(DISTINCT body) FROM contributions WHERE id > %s "
            "AND body LIKE %s",
            before,
            f"Bench {self.tag} %",
        )[0]
        codes = set(self.tally.receipts.values())
        found = self._query(
            "SELECT count(*) FROM contributions WHERE receipt_code = ANY(%s)", list(codes)
        )[0][0]
        suggest = self._query(  # suggestions: pending in the contribution's row, no job
            "SELECT count(*) FILTER (WHERE suggested_at IS NOT NULL), count(*) "
            "FROM contributions WHERE id > %s AND body LIKE %s",
            before,
            f"Bench {self.tag} %",
        )[0]
        counts = self.job_counts(baseline)
        enqueued = sum(counts.values())
        events = _slow_events(self.slow_log)
        ends = Counter(run for _, event, run, _, _ in events if event == "end")
        ignored = sum(
            path.read_text(encoding="utf-8", errors="replace").count("livraison ignorée")
            for path in self.tmp.glob("worker-*.log")
        )
        acknowledged = len(self.tally.receipts)
        print()
        print(
            f"participants={self.args.participants} posts={acknowledged + len(self.tally.given_up)}"
            f" wall={wall:.1f}s given_up={len(self.tally.given_up)}"
        )
        print("client retries: " + (", ".join(f"{k}={v}" for k, v in sorted(
            self.tally.incidents.items())) or "none"))  # fmt: skip
        print("faults:")
        for offset, stamp, text in self.journal.events:
            print(f"  {stamp:%H:%M:%S.%f}"[:-3] + f" (+{offset:5.1f}s) {text}")
        print(
            f"receipts_found_in_db={found}/{len(codes)} "
            f"suggestions_computed={suggest[0]}/{suggest[1]} slow_jobs_completed={len(ends)} "
            f"slow_jobs_completed_twice={sum(1 for n in ends.values() if n > 1)} "
            f"superseded_deliveries_ignored={ignored}"
        )
        print(f"job statuses: {dict(counts)}")
        completed, failed = counts["done"], counts["failed"]
        print(
            f"acknowledged={acknowledged} stored={stored} duplicates={stored - distinct} "
            f"enqueued={enqueued} completed={completed} failed={failed}"
        )
        ok = acknowledged == stored and stored == distinct and enqueued == completed
        return 0 if ok else 1


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="scratch PostgreSQL database")
    parser.add_argument("--redis-url", required=True)
    parser.add_argument("--start-redis", action="store_true", help="start it if not running")
    parser.add_argument("--stop-redis", action="store_true", help="stop it at the end")
    parser.add_argument("--participants", type=int, default=20)
    parser.add_argument("--per-participant", type=int, default=30)
    parser.add_argument("--pause", type=float, default=0.1, help="between two contributions")
    parser.add_argument("--patience", type=float, default=120, help="seconds before giving up")
    parser.add_argument("--web-workers", type=int, default=4)
    parser.add_argument("--faults", default="worker,redis,web")
    parser.add_argument("--slow-seconds", type=int, default=10)
    parser.add_argument("--slow-timeout", type=int, default=20)
    parser.add_argument("--grace", type=float, default=5, help="CONSULT_JOB_STALE_GRACE")
    parser.add_argument("--redis-down", type=float, default=1.0, help="seconds without Redis")
    parser.add_argument("--drain-timeout", type=float, default=300)
    parser.add_argument("--keep-logs", action="store_true")
    parser.add_argument(
        "--limiter-fallback",
        action="store_true",
        help="app config with RATELIMIT_IN_MEMORY_FALLBACK_ENABLED (posting while Redis is down)",
    )
    return parser.parse_args()


def main() -> int:
    args = _arguments()
    for tool in ("redis-cli", "redis-server"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is needed (Debian package redis-server)")
    bench = Bench(args)
    try:
        return bench.run()
    finally:
        bench.stop_services()
        if args.keep_logs:
            print(f"logs kept in {bench.tmp}")
        else:
            shutil.rmtree(bench.tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
