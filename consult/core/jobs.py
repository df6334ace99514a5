"""Background jobs: enqueued only after commit, run by RQ or inline without Redis.

A job is a plain function taking ids. ``enqueue_after_commit`` records a
``JobRun`` row (so the interface can show progress without asking Redis) and
hands the call to the dispatcher once the surrounding transaction commits; a
rollback discards it, so a worker never reads a row that does not exist yet.
"""

import importlib
import logging
import os
import threading
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask import current_app, has_app_context
from redis import Redis
from rq import Queue, Retry
from sqlalchemy.orm import Mapped, Session, mapped_column

from consult.core.db import UTCDateTime, utcnow
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


class JobRun(db.Model):
    """One background job as the interface sees it: status and progress."""

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

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


@dataclass
class JobCall:
    """A call waiting for its transaction to commit."""

    path: str
    args: tuple
    job_run_id: int
    queue: str = DEFAULT
    timeout: int = 600


@dataclass
class InlineDispatcher:
    """Without Redis: run calls in this process, right after the request's commit."""

    pending: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def dispatch(self, call: JobCall) -> None:
        with self.lock:
            self.pending.append(call)

    def run_pending(self) -> None:
        with self.lock:
            calls, self.pending = self.pending, []
        for call in calls:
            retries = current_app.config["JOB_RETRIES"]
            for _ in range(retries + 1):
                if execute(call.job_run_id, call.path, *call.args, reraise=False):
                    break


class RQDispatcher:
    """With Redis: push calls onto RQ queues, retried on failure."""

    def __init__(self, redis_url: str, retries: int):
        self.redis = Redis.from_url(redis_url)
        self.retries = retries

    def queue(self, name: str):
        return Queue(name, connection=self.redis)

    def dispatch(self, call: JobCall) -> None:
        retry = Retry(max=self.retries, interval=[5, 30, 120]) if self.retries else None
        self.queue(call.queue).enqueue(
            execute,
            call.job_run_id,
            call.path,
            *call.args,
            job_timeout=call.timeout,
            retry=retry,
        )

    def run_pending(self) -> None:
        """Nothing to do: the workers pick the calls up."""


def init_app(app) -> None:
    """Choose the dispatcher (RQ when REDIS_URL is set, inline otherwise)."""
    if app.config.get("JOBS_INLINE", True) or not app.config.get("REDIS_URL"):
        dispatcher = InlineDispatcher()
    else:
        dispatcher = RQDispatcher(app.config["REDIS_URL"], app.config["JOB_RETRIES"])
    app.extensions["consult_jobs"] = dispatcher

    @app.after_request
    def _run_inline_jobs(response):
        dispatcher_for(app).run_pending()
        return response


def dispatcher_for(app):
    """Return the app's job dispatcher (tests may swap it)."""
    return app.extensions["consult_jobs"]


def enqueue_after_commit(
    func, *args, queue: str = DEFAULT, timeout: int = 600, label: str = ""
) -> JobRun:
    """Record a JobRun and enqueue ``func(*args)`` once the session commits.

    :param func: a module-level function ``func(job_run_id, *args)``; it is
        referenced by import path so that an RQ worker can import it, and gets
        its JobRun id first so it can report progress.
    :param args: ids and plain values only (never ORM objects).
    """
    run = JobRun(name=label or func.__name__, queue=queue)
    db.session.add(run)
    db.session.flush()
    call = JobCall(f"{func.__module__}.{func.__qualname__}", args, run.id, queue, timeout)
    db.session.info.setdefault("consult_pending_jobs", []).append(call)
    return run


@sa.event.listens_for(Session, "after_commit")
def _dispatch_after_commit(session) -> None:
    calls = session.info.pop("consult_pending_jobs", [])
    if calls and has_app_context():
        dispatcher = dispatcher_for(current_app)
        for call in calls:
            dispatcher.dispatch(call)


@sa.event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session) -> None:
    session.info.pop("consult_pending_jobs", None)


def _resolve(path: str):
    module_name, _, attr = path.rpartition(".")
    return getattr(importlib.import_module(module_name), attr)


def execute(job_run_id: int, path: str, *args, reraise: bool = True) -> bool:
    """Run one job and keep its JobRun row up to date; the worker's entry point."""
    if not has_app_context():
        raise RuntimeError("jobs run inside the app context pushed by `flask worker`")
    _fresh_connections_after_fork()
    _mark(job_run_id, status="running", started=True)
    try:
        _resolve(path)(job_run_id, *args)
    except Exception as exc:
        db.session.rollback()
        log.exception("job %s (%s) failed", job_run_id, path)
        _mark(job_run_id, status="retrying", message=str(exc)[:500], failed=True)
        if reraise:
            raise
        return False
    _mark(job_run_id, status="done", progress=100, finished=True)
    return True


_pool_pid = {"pid": os.getpid()}


def _fresh_connections_after_fork() -> None:
    """An RQ work horse is a fork: never reuse the parent's pooled connections."""
    if _pool_pid["pid"] != os.getpid():
        db.engine.dispose(close=False)
        _pool_pid["pid"] = os.getpid()


def _mark(job_run_id: int, *, started=False, finished=False, failed=False, **values):
    run = db.session.get(JobRun, job_run_id)
    if run is None:
        return
    for key, value in values.items():
        setattr(run, key, value)
    if started:
        run.started_at = utcnow()
        run.attempts += 1
    if finished:
        run.finished_at = utcnow()
    if failed and run.attempts > current_app.config["JOB_RETRIES"]:
        run.status = "failed"
        run.finished_at = utcnow()
    db.session.commit()


def report_progress(job_run_id: int, progress: int, message: str = "") -> None:
    """Let a long job tell the interface how far it is (commits the JobRun only)."""
    _mark(job_run_id, progress=max(0, min(100, progress)), message=message)
