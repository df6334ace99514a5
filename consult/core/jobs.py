"""Background jobs: the JobRun table is the outbox; RQ (or the request itself) runs them.

A job is a plain function taking ids. ``enqueue_after_commit`` records a
``JobRun`` row holding the whole call (import path, arguments, timeout) in the
caller's transaction: the interface shows progress without asking Redis, and a
rollback discards the job together with the data it was about.

Once the transaction commits:

* without Redis (``InlineDispatcher``) the call runs in this process, right
  after the response;
* with Redis (``RQDispatcher``) the row is *claimed* when it is inserted
  (``dispatched_at`` set and a fresh dispatch token written to ``rq_job_id``, in
  the caller's own INSERT: no second connection, no extra UPDATE) and pushed onto
  RQ with the token as RQ job id right after the commit. If Redis fails, the
  error is logged and the claim released: the participant's data is already
  committed, the request goes on, and the row stays ``queued`` with
  ``dispatched_at`` NULL until the relay sends it. If the process dies between
  the commit and the push, the relay finds a dispatched row that RQ does not know
  and sends it again (a late push of the old token is then ignored by ``execute``).

The relay (``relay_once``: ``flask jobs relay``, and every ``flask worker`` at
start and in a relay process beside it) sends what the requests could not, and
sends again what Redis or a worker lost:

* rows never dispatched, older than a few seconds;
* rows dispatched whose RQ job vanished (Redis restarted: this machine's Redis
  keeps nothing on disk) or ended failed/stopped while the row was not finished;
* rows ``running`` past their timeout plus a grace period, or whose RQ job
  failed (the worker or its work horse was killed): sent again while
  ``attempts <= JOB_RETRIES``, otherwise marked ``failed`` with a French message.

Every claim is a conditional UPDATE (``WHERE dispatched_at IS NULL`` or
``WHERE rq_job_id = <token seen>``), so two relays, or a relay and a request,
never send one row twice. Delivery is at least once; ``execute`` makes it run
once: it ignores a delivery for a row already ``done``/``failed`` and a delivery
whose token is no longer the row's (a re-send superseded it).

Sweepers are for work a domain already records in its own rows (a contribution
whose tag suggestions are not computed yet): no JobRun and no RQ push per row.
A sweeper handles a batch of what waits and says how many rows it looked at.
``flask worker`` runs every registered sweeper in a process of its own
(``sweep_forever``: again at once while a batch was full, else every
``SWEEP_INTERVAL`` seconds, so that what arrives meanwhile makes one batch); without
Redis, ``sweep_soon`` runs them right after the request, like inline jobs. A request
hands work off by committing its row.
"""

import importlib
import logging
import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import partial

import sqlalchemy as sa
from flask import current_app, has_app_context
from redis import Redis
from rq import Queue, Retry
from rq.job import Job
from sqlalchemy.orm import Mapped, Session, mapped_column

from consult.core.db import UTCDateTime, deferred_transactions, utcnow
from consult.core.formatting import plural_ending
from consult.extensions import db

log = logging.getLogger(__name__)

DEFAULT = "default"
SYNTHESIS = "synthesis"
QUEUES = (DEFAULT, SYNTHESIS)

STATUS_LABELS = {
    "queued": "en attente",
    "running": "en cours",
    "retrying": "nouvel essai prévu",
    "done": "terminé",
    "failed": "échec",
}
WAITING = ("queued", "retrying")
ACTIVE = (*WAITING, "running")
FINISHED = ("done", "failed")
# RQ statuses meaning that this delivery will not run (again).
RQ_ENDED = frozenset({"failed", "stopped", "canceled"})
RETRY_INTERVALS = [5, 30, 120]

# Relay defaults: leave the requests a few seconds to dispatch their own rows;
# RQ lets a work horse overrun its timeout by up to 60 s before killing it.
RELAY_INTERVAL = 3.0
RELAY_MIN_AGE = 5.0
STALE_GRACE = 90.0


class JobRun(db.Model):
    """One background job as the interface sees it (status, progress) and its outbox entry."""

    __tablename__ = "job_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    queue: Mapped[str] = mapped_column(sa.String(40), default=DEFAULT)
    status: Mapped[str] = mapped_column(sa.String(20), default="queued", index=True)
    progress: Mapped[int] = mapped_column(default=0)
    message: Mapped[str] = mapped_column(sa.Text, default="")
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The outbox: what to call, and whether (and as which RQ job) it was handed to Redis.
    path: Mapped[str | None] = mapped_column(sa.String(200))
    args: Mapped[list | None] = mapped_column(sa.JSON)
    timeout: Mapped[int] = mapped_column(default=600, server_default="600")
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rq_job_id: Mapped[str | None] = mapped_column(sa.String(64))

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


@dataclass
class JobCall:
    """A call waiting for its transaction to commit (``token``: claimed at insert)."""

    path: str
    args: tuple
    job_run_id: int
    queue: str = DEFAULT
    timeout: int = 600
    token: str | None = None


INLINE_ROUNDS = 5  # jobs queued by jobs, run in the same request (bounded: never a loop)
INLINE_SWEEPS = 10  # batches one sweeper runs after a request, at most
INLINE_PASSES = 3  # a runner looks again for calls queued while it ran (bounded too)


@dataclass
class InlineDispatcher:
    """Without Redis: run calls in this process, once the request's answer is sent.

    One thread at a time runs what waits, whoever queued it (``runner``): the work
    queued by a burst of requests is done one job after another on one connection,
    instead of a thread per request each holding a connection and fighting for SQLite's
    write lock (15 posts in 3 s exhausted the pool, and a participant's text was lost
    with an error page). A thread that finds the runner busy leaves its calls to it."""

    pending: list = field(default_factory=list)
    sweeps: set = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    runner: threading.Lock = field(default_factory=threading.Lock)

    def dispatch(self, call: JobCall) -> None:
        with self.lock:
            self.pending.append(call)

    def sweep(self, name: str) -> None:
        with self.lock:
            self.sweeps.add(name)

    def has_pending(self) -> bool:
        with self.lock:
            return bool(self.pending or self.sweeps)

    def run_pending(self, *, wait: bool = True) -> None:
        """Run what is waiting, then what those jobs queued (a version, then its PDF):
        without a worker, a document is ready as soon as these jobs end (right after the
        answer, or before it with ``JOBS_AFTER_RESPONSE`` off, and for a download).

        ``wait=False`` (after an answer): if another thread is running jobs, return at
        once; that thread takes this one's calls too. The runner looks again once it has
        let go, so that calls queued just before are never left waiting."""
        for _ in range(INLINE_PASSES):
            if not self.has_pending():
                return
            # The answer is built: end the request's transaction (what it did not commit
            # is dropped, as the teardown would) before waiting for the runner. A request
            # holding SQLite's write lock while it waits would hold up the runner's jobs on
            # that very lock (each failing after the busy timeout), and itself with them.
            db.session.rollback()
            if not self.runner.acquire(blocking=wait):
                return
            try:
                self._run_rounds()
            finally:
                self.runner.release()

    def _run_rounds(self) -> None:
        for _ in range(INLINE_ROUNDS):
            with self.lock:
                calls, self.pending = self.pending, []
                sweeps, self.sweeps = self.sweeps, set()
            if not calls and not sweeps:
                return
            db.session.rollback()  # each round's jobs start their own transactions, deferred
            with deferred_transactions():  # a long job must not hold SQLite's write lock
                for call in calls:
                    _isolated(self._run, call)
                for name in sorted(sweeps):
                    _isolated(sweep_until_done, name, rounds=INLINE_SWEEPS)

    @staticmethod
    def _run(call: JobCall) -> None:
        for _ in range(current_app.config["JOB_RETRIES"] + 1):
            if execute(call.job_run_id, call.path, *call.args, reraise=False):
                return


def _isolated(work, *args, **kwargs) -> None:
    """Run one inline job or sweep; an error that escapes it (the database busy while its
    row is marked) is logged and rolled back, and the round goes on: one job failing
    must not drop the jobs queued after it (they would stay « en attente » for good)."""
    try:
        work(*args, **kwargs)
    except Exception:
        db.session.rollback()
        log.exception("tâche exécutée après la requête interrompue : les suivantes continuent")


class DispatchError(Exception):
    """Redis refused or lost a push: the row stays in the outbox for the relay."""


@dataclass
class Outgoing:
    """What a dispatcher needs to push one JobRun, and what the claim saw of it."""

    id: int
    path: str
    args: list
    queue: str = DEFAULT
    timeout: int = 600
    status: str = "queued"
    attempts: int = 0

    @classmethod
    def from_row(cls, row) -> "Outgoing":
        return cls(
            row.id, row.path, list(row.args or []), row.queue, row.timeout, row.status, row.attempts
        )


class RQDispatcher:
    """With Redis: claim the row, push it onto RQ (retried on failure); the relay does the rest."""

    def __init__(self, redis_url: str, retries: int):
        # Fail fast when Redis is down or hung: a request must not wait for it.
        self.redis = Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=10)
        self.retries = retries
        self.queues: dict[str, Queue] = {}

    def queue(self, name: str):
        """One Queue per name and process: RQ asks Redis its version (INFO) once per Queue."""
        if name not in self.queues:
            self.queues[name] = Queue(name, connection=self.redis)
        return self.queues[name]

    def dispatch(self, call: JobCall) -> None:
        """After commit: never raise into the request, the relay will send the row later."""
        item = Outgoing(call.job_run_id, call.path, list(call.args), call.queue, call.timeout)
        try:
            if call.token is None:
                send_new(self, item, self.retries)
            else:  # claimed by its own INSERT
                _push(self, item, call.token, self.retries)
        except Exception as exc:  # Redis down, database hiccup: the outbox keeps the row
            log.warning("JobRun %s non transmise à Redis (%s) : le relais l'enverra", item.id, exc)

    def push(self, item: Outgoing, token: str, retries_left: int) -> None:
        retry = Retry(max=retries_left, interval=RETRY_INTERVALS) if retries_left > 0 else None
        with self.redis.pipeline() as pipe:  # one round trip (RQ alone makes two)
            self.queue(item.queue).enqueue(
                execute,
                args=(item.id, item.path, *item.args),
                kwargs={"token": token},
                job_id=token,
                job_timeout=item.timeout,
                retry=retry,
                description=f"{item.path} (JobRun {item.id})",
                pipeline=pipe,
            )
            pipe.execute()

    def rq_statuses(self, tokens: list[str]) -> list[str | None]:
        """RQ's status of each job id (None: Redis does not know it, or no longer)."""
        pipe = self.redis.pipeline(transaction=False)
        for token in tokens:
            pipe.hget(Job.key_for(token), "status")
        return [value.decode() if value else None for value in pipe.execute()]

    def run_pending(self) -> None:
        """Nothing to do: the workers pick the calls up."""

    def sweep(self, name: str) -> None:
        """Nothing to do: the worker's sweeper process finds the rows by itself."""


def init_app(app) -> None:
    """Choose the dispatcher (RQ when REDIS_URL is set, inline otherwise)."""
    if app.config.get("JOBS_INLINE", True) or not app.config.get("REDIS_URL"):
        dispatcher = InlineDispatcher()
    else:
        dispatcher = RQDispatcher(app.config["REDIS_URL"], app.config["JOB_RETRIES"])
    app.extensions["consult_jobs"] = dispatcher

    @app.after_request
    def _run_inline_jobs(response):
        dispatcher = dispatcher_for(app)
        if not app.config.get("JOBS_AFTER_RESPONSE") or not isinstance(
            dispatcher, InlineDispatcher
        ):
            dispatcher.run_pending()
        elif dispatcher.has_pending():
            response.call_on_close(partial(_run_after_response, app, dispatcher))
        return response


def _run_after_response(app, dispatcher: "InlineDispatcher") -> None:
    """The inline jobs, once the answer has been sent (the server closes it): the reader
    sees the page at once, with the jobs' progress, as when a worker runs them."""
    if has_app_context():  # a test reading the answer inside its own app context
        dispatcher.run_pending(wait=False)
        return
    with app.app_context():  # its end closes the jobs' session
        dispatcher.run_pending(wait=False)


def dispatcher_for(app):
    """Return the app's job dispatcher (tests may swap it)."""
    return app.extensions["consult_jobs"]


def enqueue_after_commit(
    func, *args, queue: str = DEFAULT, timeout: int = 600, label: str = ""
) -> JobRun:
    """Record a JobRun (the outbox entry) and enqueue ``func(*args)`` once the session commits.

    :param func: a module-level function ``func(job_run_id, *args)``; it is
        referenced by import path so that an RQ worker can import it, and gets
        its JobRun id first so it can report progress.
    :param args: ids and plain JSON values only (never ORM objects): the relay
        reads them back from the row.
    """
    path = f"{func.__module__}.{func.__qualname__}"
    run = JobRun(
        name=label or func.__name__, queue=queue, path=path, args=list(args), timeout=timeout
    )
    if isinstance(dispatcher_for(current_app), RQDispatcher):
        # Claimed by its own INSERT: the push after commit needs no UPDATE of its own.
        run.dispatched_at, run.rq_job_id = utcnow(), _new_token()
    db.session.add(run)
    db.session.flush()
    call = JobCall(path, args, run.id, queue, timeout, run.rq_job_id)
    db.session.info.setdefault("consult_pending_jobs", []).append(call)
    return run


def sweep_soon(name: str) -> None:
    """Once the session commits, let the sweeper ``name`` find the rows just written:
    without a worker it runs right after the request; with one, nothing to send."""
    db.session.info.setdefault("consult_pending_sweeps", set()).add(name)


@sa.event.listens_for(Session, "after_commit")
def _dispatch_after_commit(session) -> None:
    calls = session.info.pop("consult_pending_jobs", [])
    sweeps = session.info.pop("consult_pending_sweeps", set())
    if (calls or sweeps) and has_app_context():
        dispatcher = dispatcher_for(current_app)
        for call in calls:
            dispatcher.dispatch(call)
        for name in sorted(sweeps):
            dispatcher.sweep(name)


@sa.event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session) -> None:
    session.info.pop("consult_pending_jobs", None)
    session.info.pop("consult_pending_sweeps", None)


# --- Claims: one conditional UPDATE each, on a connection of their own -------------------


def _new_token(job_run_id: int | None = None) -> str:
    """A dispatch token (the RQ job id); a row claimed at insert has no id yet."""
    if job_run_id is None:
        return f"jobrun-{secrets.token_hex(9)}"
    return f"jobrun-{job_run_id}-{secrets.token_hex(6)}"


def _seen(item: Outgoing, token: str | None):
    """The row is still as the claimer saw it: same dispatch token, status and attempts."""
    token_is = JobRun.rq_job_id.is_(None) if token is None else JobRun.rq_job_id == token
    return (
        JobRun.id == item.id,
        token_is,
        JobRun.status == item.status,
        JobRun.attempts == item.attempts,
    )


def _update(condition, **values) -> bool:
    with db.engine.begin() as conn:
        return conn.execute(sa.update(JobRun).where(*condition).values(**values)).rowcount == 1


def _claim_new(item: Outgoing) -> str | None:
    """Take an undispatched row; None when a request or another relay already did."""
    token = _new_token(item.id)
    claimed = _update(
        (JobRun.id == item.id, JobRun.dispatched_at.is_(None), JobRun.status.in_(WAITING)),
        dispatched_at=utcnow(),
        rq_job_id=token,
    )
    return token if claimed else None


def _push(dispatcher, item: Outgoing, token: str, retries: int) -> None:
    """Push; on failure give the row back to the outbox (unless it moved on meanwhile)."""
    try:
        dispatcher.push(item, token, max(0, retries - item.attempts))
    except Exception as exc:
        # A re-sent running row was switched to "retrying" by its claim.
        claimed = replace(item, status="retrying" if item.status == "running" else item.status)
        _update(_seen(claimed, token), dispatched_at=None)
        raise DispatchError(str(exc)) from exc


def send_new(dispatcher, item: Outgoing, retries: int) -> bool:
    """Claim an undispatched row and push it. False: someone else has it."""
    token = _claim_new(item)
    if token is None:
        return False
    _push(dispatcher, item, token, retries)
    return True


# --- The relay ----------------------------------------------------------------------------


@dataclass
class RelayReport:
    """What one relay pass did."""

    sent: int = 0  # never dispatched (Redis was down at commit): sent now
    resent: int = 0  # lost by Redis or by a killed worker: sent again
    failed: int = 0  # lost too often: marked failed
    error: str = ""  # Redis unreachable: the next pass tries again

    def __bool__(self) -> bool:
        return bool(self.sent or self.resent or self.failed or self.error)


_COLUMNS = (
    JobRun.id,
    JobRun.path,
    JobRun.args,
    JobRun.queue,
    JobRun.timeout,
    JobRun.status,
    JobRun.attempts,
    JobRun.rq_job_id,
    JobRun.started_at,
)


def relay_once(
    dispatcher,
    *,
    min_age: float = RELAY_MIN_AGE,
    grace: float = STALE_GRACE,
    retries: int | None = None,
    limit: int = 5000,
) -> RelayReport:
    """Send the outbox's undispatched rows, and again the ones Redis or a worker lost."""
    retries = current_app.config["JOB_RETRIES"] if retries is None else retries
    report = RelayReport()
    cutoff = utcnow() - timedelta(seconds=min_age)
    try:
        _send_undispatched(dispatcher, report, cutoff, retries, limit)
        _recover_lost(dispatcher, report, cutoff, grace, retries, limit)
    except DispatchError as exc:
        report.error = str(exc)
    return report


def _rows(*conditions, limit: int):
    query = sa.select(*_COLUMNS).where(JobRun.path.is_not(None), *conditions)
    with db.engine.connect() as conn:
        return conn.execute(query.order_by(JobRun.id).limit(limit)).all()


def _send_undispatched(dispatcher, report, cutoff, retries, limit) -> None:
    rows = _rows(
        JobRun.dispatched_at.is_(None),
        JobRun.status.in_(WAITING),
        JobRun.created_at <= cutoff,
        limit=limit,
    )
    for row in rows:
        if send_new(dispatcher, Outgoing.from_row(row), retries):
            report.sent += 1


def _recover_lost(dispatcher, report, cutoff, grace, retries, limit) -> None:
    rows = _rows(
        JobRun.dispatched_at.is_not(None),
        JobRun.dispatched_at <= cutoff,
        JobRun.status.in_(ACTIVE),
        limit=limit,
    )
    if not rows:
        return
    try:
        statuses = dispatcher.rq_statuses([row.rq_job_id or "" for row in rows])
    except Exception as exc:
        raise DispatchError(str(exc)) from exc
    now = utcnow()
    for row, rq_status in zip(rows, statuses, strict=True):
        reason = lost_reason(row, rq_status, now=now, grace=grace)
        if reason is None:
            continue
        item = Outgoing.from_row(row)
        if row.attempts > retries:
            if _give_up(item, row.rq_job_id, reason):
                report.failed += 1
        elif _send_again(dispatcher, item, row.rq_job_id, reason, retries):
            report.resent += 1


def lost_reason(row, rq_status: str | None, *, now: datetime, grace: float) -> str | None:
    """Why a dispatched, unfinished row will never finish by itself (None: it will)."""
    if row.status == "running":
        # Never trust "unknown to Redis" here: the work horse may still be running.
        started = row.started_at or now
        if started + timedelta(seconds=row.timeout + grace) <= now:
            return "le processus qui l'exécutait ne répond plus (délai dépassé)"
        if rq_status in RQ_ENDED:
            return "le processus qui l'exécutait s'est arrêté"
        return None
    if rq_status is None:
        return "la file Redis l'a perdue (redémarrage)"
    if rq_status in RQ_ENDED or rq_status == "finished":
        return "la file Redis l'a abandonnée"
    return None


def _send_again(dispatcher, item: Outgoing, seen_token, reason: str, retries: int) -> bool:
    token = _new_token(item.id)
    values = {"dispatched_at": utcnow(), "rq_job_id": token}
    if item.status == "running":
        values.update(status="retrying", message=f"Nouvel essai : {reason}.")
    if not _update(_seen(item, seen_token), **values):
        return False
    log.warning("JobRun %s envoyée de nouveau : %s", item.id, reason)
    _push(dispatcher, item, token, retries)
    return True


def _give_up(item: Outgoing, seen_token, reason: str) -> bool:
    message = f"Échec après {item.attempts} essai{plural_ending(item.attempts)} : {reason}."
    gave_up = _update(
        _seen(item, seen_token), status="failed", finished_at=utcnow(), message=message
    )
    if gave_up:
        log.error("JobRun %s abandonnée : %s", item.id, reason)
    return gave_up


def relay_forever(
    dispatcher,
    *,
    interval: float = RELAY_INTERVAL,
    min_age: float = RELAY_MIN_AGE,
    grace: float = STALE_GRACE,
    should_stop=lambda: False,
) -> None:
    """Run ``relay_once`` every ``interval`` seconds; log, never die, on errors."""
    while not should_stop():
        try:
            report = relay_once(dispatcher, min_age=min_age, grace=grace)
            if report:
                log.info("relais : %s", report)
        except Exception:
            log.exception("relais : passage interrompu, nouvel essai dans %s s", interval)
        time.sleep(interval)


# --- Sweepers ------------------------------------------------------------------------------

SWEEP_INTERVAL = 0.5  # seconds between two looks when no batch was full
_SWEEPER_PROCESS = [False]  # True while sweep_forever runs in this process
# name → function handling one batch of what waits, returning how many rows it looked at.
SWEEPERS: dict[str, Callable[[], int]] = {}
# name → the most rows one call takes (a call that took fewer took all that waited).
SWEEP_BATCHES: dict[str, int] = {}
# name → what a sweeper process prepares when it starts, before its first batch.
SWEEP_WARMERS: dict[str, Callable[[], object]] = {}


def register_sweeper(
    name: str, sweeper: Callable[[], int], *, batch: int = 1, warm: Callable | None = None
) -> None:
    """``sweeper()`` handles a batch of what waits in its domain's rows (0: nothing), at
    most ``batch`` rows a call; ``warm()`` builds, when the sweeper process starts, what
    its batches need (a model), rather than when the first rows arrive."""
    SWEEPERS[name] = sweeper
    SWEEP_BATCHES[name] = batch
    if warm is not None:
        SWEEP_WARMERS[name] = warm


def warm_sweepers() -> None:
    """Every sweeper's ``warm()``; one failing is logged (its first batch builds instead)."""
    for name, warm in list(SWEEP_WARMERS.items()):
        try:
            warm()
        except Exception:
            db.session.rollback()
            log.exception("balayage « %s » : préparation en échec, faite au premier lot", name)
    db.session.remove()


def sweep_batch(name: str) -> int:
    """One batch of one sweeper; an error is logged, rolled back, and counts as nothing
    done (the rows stay waiting: the next pass tries again)."""
    try:
        return SWEEPERS[name]()
    except Exception:
        db.session.rollback()
        log.exception("balayage « %s » interrompu : les lignes restent en attente", name)
        return 0


def sweep_until_done(name: str, *, rounds: int | None = None) -> int:
    """Batches of one sweeper until nothing waits (or ``rounds`` batches); rows looked at."""
    done, batches = 0, 0
    while rounds is None or batches < rounds:
        handled = sweep_batch(name)
        batches += 1
        if not handled:
            break
        done += handled
    return done


def sweep_forever(*, interval: float = SWEEP_INTERVAL, should_stop=lambda: False) -> None:
    """Every sweeper, again at once while one took a full batch (more waits), else
    after ``interval`` seconds. A batch that was not full took everything that waited:
    looking again at once would find the one or two rows that arrived meanwhile and pay
    a batch's fixed cost (claim, model version, writes) for each of them, on the cores
    the people posting need (issue 17: 4.4 ms of CPU per contribution while 20 people
    post, in batches of a few; 0.5 to 0.8 ms in batches of 20 to 200). Waiting
    ``interval`` gathers them. Before the first batch, the sweepers warm up
    (:func:`warm_sweepers`)."""
    warm_sweepers()
    _SWEEPER_PROCESS[0] = True
    try:
        while not should_stop():
            full = False
            for name in list(SWEEPERS):
                full = sweep_batch(name) >= SWEEP_BATCHES.get(name, 1) or full
            db.session.remove()  # the next batch starts with an empty session
            if not full:
                time.sleep(interval)
    finally:
        _SWEEPER_PROCESS[0] = False


def in_sweeper_process() -> bool:
    """Whether this is a worker's sweeper process (``sweep_forever``), not a request
    running the sweepers right after its answer (no worker)."""
    return _SWEEPER_PROCESS[0]


# --- Running a job ------------------------------------------------------------------------


def _resolve(path: str):
    module_name, _, attr = path.rpartition(".")
    return getattr(importlib.import_module(module_name), attr)


def execute(job_run_id: int, path: str, *args, reraise: bool = True, token=None) -> bool:
    """Run one job and keep its JobRun row up to date; the worker's entry point.

    :param token: the dispatch token (RQ job id) this delivery carries; a
        delivery whose token is no longer the row's was superseded and is ignored,
        like any delivery of a row already done or failed.
    """
    if not has_app_context():
        raise RuntimeError("jobs run inside the app context pushed by `flask worker`")
    _fresh_connections_after_fork()
    if not _start(job_run_id, token):
        log.info("JobRun %s déjà terminée ou envoyée de nouveau : livraison ignorée", job_run_id)
        return True
    try:
        _resolve(path)(job_run_id, *args)
        db.session.commit()  # the job's own work first, inside its retry scope
    except Exception as exc:
        db.session.rollback()
        log.exception("job %s (%s) failed", job_run_id, path)
        _mark(job_run_id, token, status="retrying", message=str(exc)[:500], failed=True)
        if reraise:
            raise
        return False
    _mark(job_run_id, token, status="done", progress=100, finished=True)
    return True


def _start(job_run_id: int, token) -> bool:
    """Mark the row running, atomically, unless it is finished or superseded."""
    conditions = [JobRun.id == job_run_id, JobRun.status.not_in(FINISHED)]
    if token is not None:
        conditions.append(JobRun.rq_job_id == token)
    result = db.session.execute(
        sa.update(JobRun)
        .where(*conditions)
        .values(status="running", started_at=utcnow(), attempts=JobRun.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if result.rowcount == 1:
        return True
    # No row at all (never committed, or deleted): run the call, as always.
    return db.session.get(JobRun, job_run_id) is None


_pool_pid = {"pid": os.getpid()}


def _fresh_connections_after_fork() -> None:
    """An RQ work horse is a fork: never reuse the parent's pooled connections."""
    if _pool_pid["pid"] != os.getpid():
        db.engine.dispose(close=False)
        _pool_pid["pid"] = os.getpid()


def _mark(job_run_id: int, token=None, *, finished=False, failed=False, **values):
    """Update the row in one conditional UPDATE, its transaction's first statement.

    With SQLite in WAL mode, a transaction that read before it writes fails at once
    (« database is locked ») when another connection wrote meanwhile: the busy timeout
    does not apply to a stale read. Written first, the UPDATE waits for the lock like any
    other writer. No row, or a re-send superseded this delivery: nothing changes."""
    db.session.commit()  # what the caller did is its own: this UPDATE starts afresh
    conditions = [JobRun.id == job_run_id]
    if token is not None:
        conditions.append(JobRun.rq_job_id == token)
    now = utcnow()
    if finished:
        values["finished_at"] = now
    if failed:  # out of retries: failed for good
        over = JobRun.attempts > current_app.config["JOB_RETRIES"]
        values["status"] = sa.case((over, "failed"), else_=values.get("status", JobRun.status))
        values["finished_at"] = sa.case(
            (over, now), else_=values.get("finished_at", JobRun.finished_at)
        )
    db.session.execute(
        sa.update(JobRun)
        .where(*conditions)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def report_progress(job_run_id: int, progress: int, message: str = "") -> None:
    """Let a long job tell the interface how far it is (commits the JobRun only)."""
    _mark(job_run_id, progress=max(0, min(100, progress)), message=message)
