"""Without a worker, the jobs run after the answers lose nothing under a burst of posts.

Seen on the demo (SQLite, no Redis): 15 posts in 3 s each ran its after-answer work in its
own thread, holding a connection and fighting for the write lock; a job's row marked
after a stale read raised « database is locked » out of the round, dropping the jobs
queued after it (left « en attente » for good), and the pool ran dry (an error page, a
participant's text lost).
"""

import sqlite3
import threading
import time

import sqlalchemy as sa

from config import TestConfig
from consult import create_app
from consult.core import jobs as core_jobs
from consult.core.jobs import JobRun, enqueue_after_commit, report_progress
from consult.core.sample_jobs import ping
from consult.extensions import db as _db


def _inline(app, monkeypatch) -> core_jobs.InlineDispatcher:
    dispatcher = core_jobs.InlineDispatcher()
    monkeypatch.setitem(app.extensions, "consult_jobs", dispatcher)
    return dispatcher


def _statuses(db) -> list[tuple[str, str]]:
    runs = db.session.scalars(sa.select(JobRun).order_by(JobRun.id)).all()
    return [(run.message.split(" @")[0], run.status) for run in runs]


def test_a_job_whose_row_cannot_be_marked_does_not_drop_the_next(app, db, monkeypatch):
    dispatcher = _inline(app, monkeypatch)
    first = enqueue_after_commit(ping, "premier")
    enqueue_after_commit(ping, "second")
    db.session.commit()
    start = core_jobs._start

    def locked_for_the_first(job_run_id, token):
        if job_run_id == first.id:
            raise sa.exc.OperationalError("UPDATE job_runs", {}, Exception("database is locked"))
        return start(job_run_id, token)

    monkeypatch.setattr(core_jobs, "_start", locked_for_the_first)
    dispatcher.run_pending()  # raised out of the round before: the second never ran
    db.session.expire_all()
    assert _statuses(db)[1] == ("second", "done")
    assert not dispatcher.has_pending()


def test_after_an_answer_a_busy_runner_takes_this_requests_jobs(app, db, monkeypatch):
    dispatcher = _inline(app, monkeypatch)
    enqueue_after_commit(ping, "pendant une autre tâche")
    db.session.commit()
    with dispatcher.runner:  # another request's thread is running jobs
        dispatcher.run_pending(wait=False)
        assert dispatcher.has_pending()  # left to that thread: no second connection
    dispatcher.run_pending(wait=False)
    db.session.expire_all()
    assert _statuses(db) == [("pendant une autre tâche", "done")]
    assert not dispatcher.has_pending()


def test_progress_is_marked_after_another_connection_wrote(tmp_path):
    """A job reads, another request commits, the job reports progress: no « locked »."""
    path = tmp_path / "demo.db"
    config = type("FileConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    app = create_app(config)
    with app.app_context():
        _db.create_all()
        run = JobRun(name="rendu", path="consult.core.sample_jobs.ping", args=[], status="running")
        _db.session.add(run)
        _db.session.commit()
        _db.session.scalar(sa.select(sa.func.count(JobRun.id)))  # the job reads: a snapshot
        other = sqlite3.connect(path, timeout=30)
        with other:  # a participant's post, committed meanwhile
            other.execute("UPDATE job_runs SET message = 'ailleurs' WHERE id = ?", (run.id,))
        other.close()
        report_progress(run.id, 50, "à moitié")  # raised « database is locked » before
        _db.session.expire_all()
        assert (run.progress, run.message) == (50, "à moitié")
        _db.session.remove()
        _db.engine.dispose()


def test_a_request_waiting_for_the_runner_lets_go_of_the_write_lock(tmp_path):
    """A request runs its jobs before answering (a download, tests) while another thread
    runs jobs: it waited holding SQLite's write lock, so the other thread's job waited
    for it until the busy timeout and failed (« database is locked »), and the page took
    30 s. It now ends its transaction before waiting: both jobs are done."""
    config = type(
        "FileConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'd.db'}"}
    )
    app = create_app(config)
    dispatcher = core_jobs.InlineDispatcher()
    app.extensions["consult_jobs"] = dispatcher
    with app.app_context():
        _db.create_all()
        ids = []
        for note in ("du fil", "de la requête"):
            run = JobRun(name=note, path="consult.core.sample_jobs.ping", args=[note])
            _db.session.add(run)
            _db.session.commit()
            ids.append(run.id)
    calls = [
        core_jobs.JobCall("consult.core.sample_jobs.ping", (n,), i)
        for n, i in zip(("du fil", "de la requête"), ids, strict=True)
    ]

    def other_thread():
        with app.app_context():
            dispatcher.run_pending()

    with app.test_request_context("/", method="POST"):
        _db.session.scalar(sa.select(sa.func.count(JobRun.id)))  # BEGIN IMMEDIATE: the lock
        dispatcher.dispatch(calls[0])
        other = threading.Thread(target=other_thread)
        other.start()
        while not dispatcher.runner.locked() and other.is_alive():  # its job waits for us
            time.sleep(0.01)
        dispatcher.dispatch(calls[1])
        dispatcher.run_pending()  # what the request does before its answer
        other.join()
    with app.app_context():
        statuses = _db.session.execute(sa.select(JobRun.name, JobRun.status)).all()
        assert sorted(statuses) == [("de la requête", "done"), ("du fil", "done")]
        _db.session.remove()
        _db.engine.dispose()
