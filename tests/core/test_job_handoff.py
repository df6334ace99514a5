"""A request hands its job to Redis cheaply: claimed by its INSERT, one RQ Queue per name."""

import sqlalchemy as sa

from config import Config
from consult.core import jobs as core_jobs
from consult.core.jobs import JobRun, enqueue_after_commit
from consult.core.sample_jobs import ping


class RecordingRQ(core_jobs.RQDispatcher):
    """An RQ dispatcher whose pushes are recorded instead of sent."""

    def __init__(self):
        self.retries, self.queues, self.pushed = 2, {}, []

    def push(self, item, token, retries_left):
        self.pushed.append((item.id, token, retries_left))


def test_the_request_claims_the_job_in_its_insert(app, db, monkeypatch):
    dispatcher = RecordingRQ()
    monkeypatch.setitem(app.extensions, "consult_jobs", dispatcher)
    statements = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        run = enqueue_after_commit(ping, "vite")
        db.session.commit()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)

    stored = db.session.get(JobRun, run.id)
    assert stored.dispatched_at is not None
    assert dispatcher.pushed == [(run.id, stored.rq_job_id, 2)]
    assert not [s for s in statements if s.lstrip().upper().startswith("UPDATE JOB_RUNS")]


# A refused push gives the row back to the relay: test_outbox.py (real commits).


def test_one_queue_per_name_so_redis_is_asked_its_version_once():
    dispatcher = core_jobs.RQDispatcher("redis://127.0.0.1:1/0", retries=0)
    assert dispatcher.queue(core_jobs.DEFAULT) is dispatcher.queue(core_jobs.DEFAULT)


def test_no_round_trip_before_each_query_or_for_limit_headers():
    """Connections are recycled, not pinged at each checkout; no X-RateLimit headers."""
    assert "pool_pre_ping" not in Config.SQLALCHEMY_ENGINE_OPTIONS
    assert Config.SQLALCHEMY_ENGINE_OPTIONS["pool_recycle"] > 0
    assert Config.RATELIMIT_HEADERS_ENABLED is False
