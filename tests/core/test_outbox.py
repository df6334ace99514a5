"""The JobRun table is the outbox: no job is lost while Redis is down, none runs twice.

These tests commit for real (the dispatcher and the relay use connections of
their own), so they run on a scratch database of their own: a SQLite file, or a
sibling PostgreSQL database when CONSULT_TEST_DATABASE_URL is set.
"""

import os
import re
import socket
import threading
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from config import TestConfig
from consult import create_app
from consult.contributions.models import Contribution
from consult.core import cli
from consult.core import jobs as core_jobs
from consult.core.db import utcnow
from consult.core.jobs import RELAY_MIN_AGE, JobRun, enqueue_after_commit, execute, relay_once
from consult.core.sample_jobs import ping
from consult.extensions import db
from consult.meetings.models import Meeting
from consult.schemes.importer import import_scheme
from tests.factories import load_fixture, own_database_url

REDIS_URL = os.environ.get("CONSULT_TEST_REDIS_URL")
needs_redis = pytest.mark.skipif(
    not REDIS_URL,
    reason="CONSULT_TEST_REDIS_URL non défini : tests avec un vrai Redis ignorés",
)
PING = "consult.core.sample_jobs.ping"


@pytest.fixture(scope="module")
def outbox_app(tmp_path_factory):
    config = type(
        "OutboxConfig",
        (TestConfig,),
        {
            "SQLALCHEMY_DATABASE_URI": own_database_url(tmp_path_factory, "outbox"),
            "REDIS_URL": None,
            "JOBS_INLINE": True,
        },
    )
    app = create_app(config)
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def ctx(outbox_app):
    """An app context on the scratch database, with an empty outbox."""
    with outbox_app.app_context():
        db.session.execute(sa.delete(JobRun))
        db.session.commit()
        yield outbox_app
        db.session.rollback()
        db.session.remove()


class FakeRedis(core_jobs.RQDispatcher):
    """An RQ dispatcher without Redis: records pushes, answers RQ statuses from a dict."""

    def __init__(self, statuses=None, down=False):
        self.retries = 3
        self.statuses = dict(statuses or {})
        self.down = down
        self.pushed = []
        self.lock = threading.Lock()

    def push(self, item, token, retries_left):
        if self.down:
            raise ConnectionError("Redis injoignable")
        time.sleep(0.002)  # leave a concurrent relay time to interleave
        with self.lock:
            self.pushed.append((item.id, token, retries_left))
            self.statuses[token] = "queued"

    def rq_statuses(self, tokens):
        return [self.statuses.get(token) for token in tokens]


def _row(**values) -> int:
    """A committed JobRun (a ping), created a minute ago unless told otherwise."""
    defaults = {
        "name": "ping",
        "path": PING,
        "args": ["relais"],
        "timeout": 60,
        "created_at": utcnow() - timedelta(minutes=1),
    }
    run = JobRun(**{**defaults, **values})
    db.session.add(run)
    db.session.flush()
    run_id = run.id
    db.session.commit()  # and no new transaction: `flask worker` disposes of the pool
    return run_id


def _fresh(run_id: int) -> JobRun:
    db.session.rollback()  # end the read transaction: SQLite would keep its old snapshot
    return db.session.get(JobRun, run_id)


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


def _open_meeting() -> int:
    meeting = db.session.scalar(sa.select(Meeting).where(Meeting.status == "open"))
    if meeting is None:
        scheme = import_scheme(load_fixture("savoie.json"), now=utcnow())
        meeting = Meeting(scheme=scheme, kind="concertation_territoriale", status="open")
        meeting.title = "Rencontre de l'outbox"
        db.session.add(meeting)
        db.session.commit()
    return meeting.id


def _contribute(client, meeting_id: int, body: str):
    form = client.get(f"/rencontres/{meeting_id}/contribuer").get_data(as_text=True)
    key = re.search(r'name="form_key"[^>]*value="([^"]+)"', form) or re.search(
        r'value="([^"]+)"[^>]*name="form_key"', form
    )
    response = client.post(
        f"/rencontres/{meeting_id}/contribuer",
        data={
            "body": body,
            "kind": "proposition",
            "author_type": "usager",
            "consent": "y",
            "territory_id": "0",
            "form_key": key.group(1),
        },
    )
    # The request ran in the test's app context: end its session as the request's own
    # app context would (on SQLite a request holds the write lock until then).
    db.session.remove()
    return response


# --- Redis down at commit --------------------------------------------------------------


def test_redis_down_at_commit_keeps_the_job_in_the_outbox(ctx, monkeypatch):
    monkeypatch.setitem(
        ctx.extensions, "consult_jobs", core_jobs.RQDispatcher(_closed_port_url(), retries=3)
    )
    meeting_id = _open_meeting()
    body = f"Redis est en panne, ma contribution reste {time.time_ns()}"

    response = _contribute(ctx.test_client(), meeting_id, body)

    assert response.status_code == 200, "the participant's contribution is committed anyway"
    contribution = db.session.scalar(sa.select(Contribution).where(Contribution.body == body))
    assert contribution is not None
    # Its suggestions need no job: the row itself says they are pending (the worker's
    # sweeper computes them, Redis or not).
    assert contribution.suggested_at is None
    assert db.session.scalar(sa.select(sa.func.count(JobRun.id))) == 0
    assert core_jobs.sweep_until_done("suggestions") >= 1
    db.session.expire_all()
    assert db.session.get(Contribution, contribution.id).suggested_at is not None

    # A job asked for while Redis is down stays in the outbox…
    run = enqueue_after_commit(ping, "Redis en panne")
    db.session.commit()
    run = _fresh(run.id)
    assert (run.status, run.dispatched_at) == ("queued", None)

    # … until Redis is back: the relay sends it (rows younger than min_age wait for their
    # request).
    redis = FakeRedis()
    assert relay_once(redis, min_age=60).sent == 0
    assert relay_once(redis, min_age=0).sent == 1
    run = _fresh(run.id)
    assert run.dispatched_at is not None
    assert redis.pushed == [(run.id, run.rq_job_id, 3)]


def test_relay_keeps_rows_while_redis_is_still_down(ctx):
    run_id = _row()
    report = relay_once(FakeRedis(down=True), min_age=0)
    assert report.sent == 0
    assert "Redis injoignable" in report.error
    assert _fresh(run_id).dispatched_at is None, "the claim is released for the next pass"


def test_after_commit_dispatch_claims_the_row(ctx):
    redis = FakeRedis()
    ctx.extensions["consult_jobs"], previous = redis, ctx.extensions["consult_jobs"]
    try:
        run = enqueue_after_commit(ping, "tout de suite")
        db.session.commit()
    finally:
        ctx.extensions["consult_jobs"] = previous
    run = _fresh(run.id)
    assert run.dispatched_at is not None
    assert redis.pushed == [(run.id, run.rq_job_id, 3)]
    assert relay_once(redis, min_age=0).sent == 0, "already dispatched: the relay leaves it"


# --- Two relays at once ---------------------------------------------------------------


def _relay_in_threads(app, redis, count=2):
    barrier = threading.Barrier(count)
    reports, errors = [], []

    def relay():
        with app.app_context():
            barrier.wait()
            try:
                # As in production, a row dispatched a moment ago is not taken for lost:
                # with min_age=0, a relay could see the other's claim before its push
                # reached (fake) Redis, and send the row again (seen once under load).
                reports.append(relay_once(redis, min_age=RELAY_MIN_AGE))
            except Exception as exc:  # surfaced by the assertion below
                errors.append(exc)

    threads = [threading.Thread(target=relay) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    return reports


def test_two_relays_never_dispatch_a_row_twice(ctx):
    ids = [_row() for _ in range(40)]
    redis = FakeRedis()

    reports = _relay_in_threads(ctx, redis, count=3)

    assert sorted(run_id for run_id, _, _ in redis.pushed) == ids
    assert sum(report.sent for report in reports) == 40
    tokens = {token for _, token, _ in redis.pushed}
    db.session.rollback()
    assert set(db.session.scalars(sa.select(JobRun.rq_job_id))) == tokens


def test_two_relays_resend_a_lost_row_once(ctx):
    ids = [
        _row(dispatched_at=utcnow() - timedelta(minutes=1), rq_job_id=f"lost-{n}")
        for n in range(20)
    ]
    redis = FakeRedis()  # Redis restarted without persistence: it knows none of them

    reports = _relay_in_threads(ctx, redis)

    assert sorted(run_id for run_id, _, _ in redis.pushed) == ids
    assert sum(report.resent for report in reports) == 20


# --- Lost by Redis, or by a killed worker ---------------------------------------------------


def test_vanished_rq_job_is_sent_again(ctx):
    ago = utcnow() - timedelta(minutes=1)
    lost = _row(dispatched_at=ago, rq_job_id="perdu")
    known = _row(dispatched_at=ago, rq_job_id="connu")
    ended = _row(dispatched_at=ago, rq_job_id="arrete")
    redis = FakeRedis({"connu": "queued", "arrete": "stopped"})

    report = relay_once(redis, min_age=0)

    assert report.resent == 2
    assert sorted(run_id for run_id, _, _ in redis.pushed) == [lost, ended]
    assert _fresh(known).rq_job_id == "connu"
    assert _fresh(lost).rq_job_id != "perdu"


def test_running_job_past_its_timeout_is_sent_again(ctx):
    long_ago = utcnow() - timedelta(seconds=60 + 30 + 5)
    stale = _row(
        status="running",
        attempts=1,
        started_at=long_ago,
        dispatched_at=long_ago,
        rq_job_id="tue",
    )
    # Within its timeout, a running job stays alone even if Redis forgot it:
    # its work horse may well still be running.
    young = _row(
        status="running", attempts=1, started_at=utcnow(), dispatched_at=long_ago, rq_job_id="x"
    )
    redis = FakeRedis({"tue": "started"})

    report = relay_once(redis, min_age=0, grace=30)

    assert report.resent == 1
    run = _fresh(stale)
    assert run.status == "retrying"
    assert run.message.startswith("Nouvel essai : le processus qui l'exécutait")
    assert redis.pushed == [(stale, run.rq_job_id, 3 - 1)]
    assert _fresh(young).status == "running"

    # The killed worker's delivery, should RQ requeue it, is superseded: it does not run.
    assert execute(stale, PING, "ancienne livraison", token="tue") is True
    run = _fresh(stale)
    assert (run.status, run.attempts) == ("retrying", 1)
    # The new delivery runs.
    assert execute(stale, PING, "relais", token=run.rq_job_id) is True
    run = _fresh(stale)
    assert (run.status, run.attempts) == ("done", 2)
    assert run.message.startswith("relais")


def test_running_job_whose_rq_job_failed_is_sent_again(ctx):
    run_id = _row(
        status="running",
        attempts=1,
        started_at=utcnow(),
        dispatched_at=utcnow() - timedelta(minutes=1),
        rq_job_id="horse-killed",
    )
    redis = FakeRedis({"horse-killed": "failed"})
    assert relay_once(redis, min_age=0).resent == 1
    assert _fresh(run_id).status == "retrying"


def test_job_killed_too_often_is_marked_failed_in_french(ctx):
    retries = ctx.config["JOB_RETRIES"]
    long_ago = utcnow() - timedelta(hours=1)
    run_id = _row(
        status="running",
        attempts=retries + 1,
        started_at=long_ago,
        dispatched_at=long_ago,
        rq_job_id="tue-encore",
    )
    redis = FakeRedis({"tue-encore": "started"})

    report = relay_once(redis, min_age=0)

    assert (report.failed, redis.pushed) == (1, [])
    run = _fresh(run_id)
    assert run.status == "failed"
    assert run.status_label == "échec"
    assert run.message.startswith(f"Échec après {retries + 1} essais : le processus")
    assert run.finished_at is not None


def test_relay_ignores_rows_from_before_the_outbox(ctx):
    _row(path=None, args=None)
    redis = FakeRedis()
    assert not relay_once(redis, min_age=0)
    assert redis.pushed == []


# --- Delivered twice, run once --------------------------------------------------------


def test_finished_job_delivered_twice_runs_once(ctx):
    run_id = _row(rq_job_id="jeton", dispatched_at=utcnow())
    assert execute(run_id, PING, "première", token="jeton") is True
    first = _fresh(run_id).message

    assert execute(run_id, PING, "seconde", token="jeton") is True
    assert execute(run_id, PING, "sans jeton") is True

    run = _fresh(run_id)
    assert (run.status, run.attempts, run.message) == ("done", 1, first)


def test_failed_job_is_not_run_again(ctx):
    run_id = _row(status="failed", attempts=4, message="abandonnée")
    assert execute(run_id, PING, "trop tard") is True
    assert _fresh(run_id).message == "abandonnée"


def test_relay_command_needs_redis(ctx):
    result = ctx.test_cli_runner().invoke(args=["jobs", "relay", "--once"])
    assert result.exit_code != 0
    assert "sans Redis, les tâches s'exécutent directement" in result.output


# --- With a real Redis ------------------------------------------------------------------


@pytest.fixture
def real_redis(ctx, monkeypatch):
    from redis import Redis

    monkeypatch.setitem(ctx.config, "REDIS_URL", REDIS_URL)
    dispatcher = core_jobs.RQDispatcher(REDIS_URL, retries=ctx.config["JOB_RETRIES"])
    for name in core_jobs.QUEUES:
        dispatcher.queue(name).empty()
    yield dispatcher
    for name in core_jobs.QUEUES:
        dispatcher.queue(name).empty()
    Redis.from_url(REDIS_URL).close()


def _work(queue_names=(core_jobs.DEFAULT,)):
    from rq import SimpleWorker

    from consult.core.cli import PromptStop

    class Worker(PromptStop, SimpleWorker):
        """RQ's worker in this process, keeping the test's session (no per-job cleanup)."""

    # The worker's jobs write through this very session: a read the test left open would
    # hold SQLite's old snapshot, and its first UPDATE would fail (« database is locked »).
    db.session.rollback()

    worker = Worker(
        [core_jobs.RQDispatcher(REDIS_URL, 0).queue(name) for name in queue_names],
        connection=core_jobs.RQDispatcher(REDIS_URL, 0).redis,
    )
    return worker.work(burst=True)


@pytest.mark.redis
@needs_redis
def test_redis_down_then_relay_then_worker(ctx, real_redis, monkeypatch):
    monkeypatch.setitem(
        ctx.extensions, "consult_jobs", core_jobs.RQDispatcher(_closed_port_url(), retries=3)
    )
    run = enqueue_after_commit(ping, "après la panne")
    db.session.commit()
    assert _fresh(run.id).dispatched_at is None

    assert relay_once(real_redis, min_age=0).sent == 1
    assert real_redis.queue(core_jobs.DEFAULT).count == 1
    assert _work()
    run = _fresh(run.id)
    assert (run.status, run.attempts) == ("done", 1)
    assert run.message.startswith("après la panne")


@pytest.mark.redis
@needs_redis
def test_redis_restarted_empty_then_relay_sends_again(ctx, real_redis):
    run = enqueue_after_commit(ping, "Redis a tout oublié")
    call = db.session.info["consult_pending_jobs"].pop()
    db.session.commit()
    real_redis.dispatch(call)
    first_token = _fresh(run.id).rq_job_id
    real_redis.queue(core_jobs.DEFAULT).empty()  # what a restart without persistence does

    assert relay_once(real_redis, min_age=0).resent == 1
    assert _work()
    run = _fresh(run.id)
    assert run.status == "done"
    assert run.rq_job_id != first_token


@pytest.mark.redis
@needs_redis
def test_duplicate_rq_delivery_runs_once(ctx, real_redis):
    run = enqueue_after_commit(ping, "une seule fois")
    call = db.session.info["consult_pending_jobs"].pop()
    db.session.commit()
    real_redis.dispatch(call)
    token = _fresh(run.id).rq_job_id
    # A second RQ job carrying the same delivery (e.g. RQ's abandoned-job retry).
    real_redis.queue(core_jobs.DEFAULT).enqueue(
        execute, args=(run.id, PING, "doublon"), kwargs={"token": token}
    )
    assert _work()
    run = _fresh(run.id)
    assert (run.status, run.attempts) == ("done", 1)
    assert run.message.startswith("une seule fois")


@pytest.mark.redis
@needs_redis
def test_worker_command_relays_before_working(ctx, real_redis):
    run_id = _row(args=["envoyée par le worker"])
    result = ctx.test_cli_runner().invoke(args=["worker", "--burst", "--min-age", "0", "default"])
    assert result.exit_code == 0, result.output
    run = _fresh(run_id)
    assert run.status == "done"
    assert run.message.startswith("envoyée par le worker")


@pytest.mark.redis
@needs_redis
def test_relay_command_once(ctx, real_redis):
    _row()
    result = ctx.test_cli_runner().invoke(args=["jobs", "relay", "--once", "--min-age", "0"])
    assert result.exit_code == 0, result.output
    assert "Relais : 1 envoyée, 0 renvoyée, 0 en échec." in result.output


@pytest.mark.redis
@needs_redis
def test_worker_command_computes_pending_suggestions_without_any_job(ctx, real_redis, monkeypatch):
    monkeypatch.setitem(ctx.extensions, "consult_jobs", real_redis)
    body = f"Plus de répit pour les aidants, posté avec Redis {time.time_ns()}"
    assert _contribute(ctx.test_client(), _open_meeting(), body).status_code == 200
    contribution_id = db.session.scalar(sa.select(Contribution.id).where(Contribution.body == body))
    db.session.commit()
    assert real_redis.queue(core_jobs.DEFAULT).count == 0  # nothing pushed per contribution

    result = ctx.test_cli_runner().invoke(args=["worker", "--burst", "default"])

    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(Contribution, contribution_id).suggested_at is not None


@pytest.mark.redis
@needs_redis
def test_sweeper_process_beside_the_worker_computes_new_contributions(ctx, real_redis):
    body = f"Des transports pour aller chez le médecin {time.time_ns()}"
    assert _contribute(ctx.test_client(), _open_meeting(), body).status_code == 200
    contribution_id = db.session.scalar(sa.select(Contribution.id).where(Contribution.body == body))
    db.session.commit()
    db.engine.dispose()  # the sweeper is a fork: it must not share our connections

    process = cli._start_sweeper_process(0.05)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and _suggested_at(contribution_id) is None:
            time.sleep(0.1)
    finally:
        process.terminate()
        process.join(30)

    assert _suggested_at(contribution_id) is not None
    assert process.exitcode == 0  # a SIGTERM lets it end its batch and stop cleanly


def _suggested_at(contribution_id: int):
    db.session.rollback()  # a fresh snapshot
    return db.session.scalar(
        sa.select(Contribution.suggested_at).where(Contribution.id == contribution_id)
    )


def test_inline_jobs_sent_after_the_answer_run_in_an_app_context_of_their_own(
    outbox_app, monkeypatch
):
    """Without a worker, the jobs run when the server closes the answer: by then the
    request's app context is gone, so they open one (and close its session) themselves."""
    dispatcher = core_jobs.InlineDispatcher()
    monkeypatch.setitem(outbox_app.extensions, "consult_jobs", dispatcher)
    with outbox_app.app_context():
        db.session.execute(sa.delete(JobRun))
        run_id = enqueue_after_commit(ping, "après la réponse").id
        db.session.commit()
    assert dispatcher.has_pending()
    core_jobs._run_after_response(outbox_app, dispatcher)  # no app context here
    assert not dispatcher.has_pending()
    with outbox_app.app_context():
        run = db.session.get(JobRun, run_id)
        assert (run.status, run.message.startswith("après la réponse")) == ("done", True)
        db.session.execute(sa.delete(JobRun))
        db.session.commit()
