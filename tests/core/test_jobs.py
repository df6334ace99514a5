"""Jobs are enqueued after commit only, run inline or by RQ, and retried."""

import os

import pytest
import sqlalchemy as sa

from consult.core import cli
from consult.core import jobs as core_jobs
from consult.core.jobs import JobRun, enqueue_after_commit
from consult.core.sample_jobs import flaky, ping, relay


def _enqueue_ping(db, note="bonjour"):
    return enqueue_after_commit(ping, note)


def test_nothing_is_dispatched_before_commit(db, jobs):
    _enqueue_ping(db)
    assert jobs.calls == []
    db.session.commit()
    assert len(jobs.calls) == 1


def test_rollback_discards_the_call(db, jobs):
    _enqueue_ping(db)
    db.session.rollback()
    db.session.commit()
    assert jobs.calls == []


def test_recorded_job_runs_and_marks_its_row_done(db, jobs):
    run = _enqueue_ping(db, "coucou")
    db.session.commit()
    assert jobs.run_all() == [True]
    db.session.refresh(run)
    assert run.status == "done"
    assert run.progress == 100
    assert run.message.startswith("coucou")
    assert run.attempts == 1


def test_failing_job_is_marked_failed_after_its_retries(app, db, jobs):
    run = enqueue_after_commit(flaky, 99)
    db.session.commit()
    for _ in range(app.config["JOB_RETRIES"] + 1):
        core_jobs.execute(run.id, "consult.core.sample_jobs.flaky", 99, reraise=False)
    db.session.refresh(run)
    assert run.status == "failed"
    assert "échec simulé" in run.message


def test_inline_dispatcher_retries_until_success(app, db):
    run = enqueue_after_commit(flaky, 2)
    dispatcher = core_jobs.InlineDispatcher()
    for call in db.session.info["consult_pending_jobs"]:
        dispatcher.dispatch(call)
    db.session.info.pop("consult_pending_jobs")
    db.session.commit()
    dispatcher.run_pending()
    db.session.refresh(run)
    assert run.status == "done"
    assert run.attempts == 3
    assert "réussi" in run.message


def test_inline_jobs_queued_by_jobs_run_before_the_request_ends(app, db, monkeypatch):
    """Without a worker, a version's PDF (queued by the generation job) is ready at once."""
    dispatcher = core_jobs.InlineDispatcher()
    monkeypatch.setitem(app.extensions, "consult_jobs", dispatcher)
    first = enqueue_after_commit(relay, "le PDF")
    db.session.commit()
    dispatcher.run_pending()
    runs = db.session.scalars(sa.select(JobRun).order_by(JobRun.id)).all()
    assert [(run.path.rsplit(".", 1)[1], run.status) for run in runs] == [
        ("relay", "done"),
        ("ping", "done"),
    ]
    assert runs[0].id == first.id
    assert runs[1].message.startswith("le PDF")
    assert dispatcher.pending == []


def test_status_label_is_french():
    assert JobRun(status="failed").status_label == "échec"


@pytest.mark.redis
@pytest.mark.skipif(
    not os.environ.get("CONSULT_TEST_REDIS_URL"),
    reason="CONSULT_TEST_REDIS_URL non défini",
)
def test_real_redis_worker_runs_a_committed_job(app):
    """End to end through Redis: commit, RQ enqueue, a real worker, the row updated."""
    from redis import Redis

    from consult.core.cli import ConsultSimpleWorker
    from consult.extensions import db

    dispatcher = core_jobs.RQDispatcher(os.environ["CONSULT_TEST_REDIS_URL"], retries=1)
    with app.app_context():
        run = enqueue_after_commit(ping, "via redis")
        call = db.session.info["consult_pending_jobs"].pop()
        db.session.flush()
        run_id = run.id  # the worker ends the session after each job: keep only the id
        db.session.commit()  # a real commit: the worker reads committed rows only
        try:
            dispatcher.dispatch(call)
            worker = ConsultSimpleWorker(
                [dispatcher.queue(core_jobs.DEFAULT)],
                connection=Redis.from_url(os.environ["CONSULT_TEST_REDIS_URL"]),
            )
            assert worker.work(burst=True)
            db.session.expire_all()
            stored = db.session.get(JobRun, run_id)
            assert stored.status == "done"
            assert stored.message.startswith("via redis")
        finally:
            db.session.execute(sa.delete(JobRun).where(JobRun.id == run_id))
            db.session.commit()


@pytest.mark.redis
@pytest.mark.skipif(
    not os.environ.get("CONSULT_TEST_REDIS_URL"),
    reason="CONSULT_TEST_REDIS_URL non défini",
)
def test_worker_listens_for_commands_with_a_short_poll():
    """Stopping a worker (end of a burst, SIGTERM at deployment) waited up to one poll of its
    command listener: RQ's 60 s made every `flask worker --burst` end a minute late."""
    from redis import Redis

    from consult.core.cli import ConsultSimpleWorker, ConsultWorker

    connection = Redis.from_url(os.environ["CONSULT_TEST_REDIS_URL"])
    for worker_class in (ConsultWorker, ConsultSimpleWorker):
        worker = worker_class([core_jobs.DEFAULT], connection=connection)
        worker.subscribe()
        try:
            assert worker.pubsub_thread.is_alive()
            assert worker.pubsub_thread.sleep_time <= 1
        finally:
            worker.unsubscribe()
        assert not worker.pubsub_thread.is_alive()


def test_worker_command_lowers_its_priority_before_anything_else(app, monkeypatch):
    levels = []
    monkeypatch.setattr(cli, "lower_priority", lambda level: levels.append(level) or level)
    monkeypatch.setitem(app.config, "WORKER_NICE", 10)
    monkeypatch.setitem(app.config, "REDIS_URL", None)

    app.test_cli_runner().invoke(args=["worker", "--burst"])

    assert levels == [10]


def test_lowering_the_priority_never_raises_it(monkeypatch):
    niceness = [3]

    def nice(increment):
        niceness[0] += increment
        return niceness[0]

    monkeypatch.setattr(cli.os, "nice", nice)

    assert cli.lower_priority(10) == 10
    assert cli.lower_priority(5) == 10  # started nicer: stays so
    assert cli.lower_priority(0) == 10
    assert niceness == [10]


def test_worker_command_explains_that_no_redis_means_inline(app, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code != 0
    assert "sans Redis, les tâches s'exécutent directement" in result.output


@pytest.mark.redis
@pytest.mark.skipif(
    not os.environ.get("CONSULT_TEST_REDIS_URL"), reason="CONSULT_TEST_REDIS_URL non défini"
)
@pytest.mark.parametrize("fork", ["--fork", "--no-fork"])
def test_flask_worker_command_runs_queued_jobs(app, fork):
    """`flask worker --burst`: the real command, a real fork or none, the real database."""
    from consult.extensions import db

    url = os.environ["CONSULT_TEST_REDIS_URL"]
    dispatcher = core_jobs.RQDispatcher(url, retries=0)
    with app.app_context():
        run = enqueue_after_commit(ping, "via flask worker")
        call = db.session.info["consult_pending_jobs"].pop()
        db.session.flush()
        # The worker ends the session and disposes of the engine before each fork (no
        # connection shared with the work horse): keep only the id, and hold no
        # connection while it runs (reading run.id after the commit would take one).
        run_id = run.id
        db.session.commit()
        try:
            dispatcher.dispatch(call)
            result = app.test_cli_runner().invoke(args=["worker", "--burst", fork, "default"])
            assert result.exit_code == 0, result.output
            db.session.expire_all()
            assert db.session.get(JobRun, run_id).status == "done"
        finally:
            db.session.execute(sa.delete(JobRun).where(JobRun.id == run_id))
            db.session.commit()
