"""Tiny jobs the test-suite and ``flask jobs ping`` use to prove the job wiring works."""

from consult.core.db import utcnow
from consult.core.jobs import JobRun, enqueue_after_commit
from consult.extensions import db


def ping(job_run_id: int, note: str) -> None:
    """Write ``note`` into the JobRun's message: proof that a worker ran the call."""
    run = db.session.get(JobRun, job_run_id)
    run.message = f"{note} @ {utcnow().isoformat()}"
    db.session.commit()


def flaky(job_run_id: int, failures: int) -> None:
    """Fail on the first ``failures`` attempts of this JobRun, then succeed."""
    attempt = db.session.get(JobRun, job_run_id).attempts
    if attempt <= failures:
        raise RuntimeError(f"échec simulé n° {attempt}")
    ping(job_run_id, "réussi après nouvel essai")


def relay(job_run_id: int, note: str) -> None:
    """Queue a :func:`ping` of ``note``: a job that asks for another (a version, its PDF)."""
    enqueue_after_commit(ping, note)
    db.session.commit()
