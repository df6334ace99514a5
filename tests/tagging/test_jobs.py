"""Tagging reacts to submitted contributions through a signal, not a hidden import."""

import ast
from pathlib import Path

from rq import Worker

from consult.contributions.services import Draft, submit_contribution
from consult.core.cli import ConsultWorker, before_work_horse
from consult.core.db import utcnow
from consult.core.jobs import enqueue_after_commit
from consult.tagging import jobs as tagging_jobs
from consult.tagging.jobs import prepare_for_job, suggest_tags, suggesters_for
from consult.tagging.models import TagSuggestion
from consult.tagging.services import add_tag, reject_suggestion, suggestions_of

SERVICES = Path(__file__).parents[2] / "consult" / "contributions" / "services.py"


def test_submitted_contribution_gets_suggestions_through_the_signal(
    db, jobs, make_scheme, make_meeting
):
    meeting = make_meeting(scheme=make_scheme(), status="open")
    body = "Plus de places d'accueil de jour et de répit pour les aidants."
    contribution, created = submit_contribution(meeting, Draft(body=body), now=utcnow())
    db.session.commit()

    assert created
    assert jobs.calls == []  # no job: the contribution's row says its suggestions are pending
    assert jobs.sweeps == [tagging_jobs.SWEEPER]
    assert jobs.run_all() == []
    assert suggestions_of(contribution)


def test_bulk_import_submission_queues_no_suggestion_job(db, jobs, make_scheme, make_meeting):
    meeting = make_meeting(scheme=make_scheme(), status="open")
    submit_contribution(meeting, Draft(body="Plus de bus"), now=utcnow(), suggest=False)
    db.session.commit()

    assert jobs.calls == []
    assert jobs.sweeps == []


def test_contributions_services_never_imports_tagging():
    tree = ast.parse(SERVICES.read_text(encoding="utf-8"))
    imported = [
        node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    ] + [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    ]

    assert not [name for name in imported if name.startswith("consult.tagging")]


class QueuedJob:
    """What RQ hands the worker: ``execute(job_run_id, path, *args)``'s arguments."""

    def __init__(self, *args):
        self.args = args


def test_model_is_prepared_before_the_fork_and_reused_by_the_job(
    db, jobs, monkeypatch, make_scheme, make_meeting, make_contribution
):
    meeting = make_meeting(scheme=make_scheme())
    contribution = make_contribution(meeting=meeting, body="Du répit pour les aidants.")
    enqueue_after_commit(suggest_tags, contribution.id)
    db.session.commit()
    built = []
    monkeypatch.setattr(tagging_jobs, "build_suggesters", lambda s: built.append(s) or {})
    monkeypatch.setattr(tagging_jobs, "_suggesters", {})

    assert prepare_for_job(QueuedJob(1, tagging_jobs.SUGGEST_JOB, contribution.id))
    assert prepare_for_job(QueuedJob(1, tagging_jobs.REFRESH_JOB, contribution.meeting.scheme_id))
    assert jobs.run_all() == [True]

    assert built == [meeting.scheme]  # once, in the worker; the job found it ready


def test_other_jobs_prepare_nothing(db, make_scheme, make_meeting, make_contribution):
    contribution = make_contribution(meeting=make_meeting(scheme=make_scheme()))

    assert not prepare_for_job(QueuedJob(1, "consult.core.sample_jobs.ping", "note"))
    assert not prepare_for_job(QueuedJob(1, tagging_jobs.SUGGEST_JOB))
    assert not prepare_for_job(QueuedJob(1, tagging_jobs.REFRESH_JOB, 999999))
    assert prepare_for_job(QueuedJob(1, tagging_jobs.SUGGEST_JOB, contribution.id))


def test_model_is_rebuilt_when_a_tag_changes(
    db, monkeypatch, make_scheme, make_meeting, make_contribution, make_user
):
    meeting = make_meeting(scheme=make_scheme())
    built = []
    monkeypatch.setattr(tagging_jobs, "build_suggesters", lambda s: built.append(s) or {})
    monkeypatch.setattr(tagging_jobs, "_suggesters", {})
    suggesters_for(meeting.scheme)
    suggesters_for(meeting.scheme)
    add_tag(
        make_contribution(meeting=meeting),
        fiche=meeting.scheme.fiches[0],
        actor=make_user(role="facilitator"),
        now=utcnow(),
    )
    suggesters_for(meeting.scheme)

    assert len(built) == 2


def test_worker_announces_each_job_before_forking(app, monkeypatch):
    seen = []
    monkeypatch.setattr(Worker, "execute_job", lambda self, job, queue: seen.append("forked"))

    def receiver(sender, job=None, **_extra):
        seen.append(job)

    before_work_horse.connect(receiver)
    try:
        with app.app_context():
            ConsultWorker.execute_job(object.__new__(ConsultWorker), "job", "queue")
    finally:
        before_work_horse.disconnect(receiver)

    assert seen == ["job", "forked"]


def test_model_is_rebuilt_when_a_suggestion_is_refused(
    db, monkeypatch, make_scheme, make_meeting, make_contribution, make_user
):
    meeting = make_meeting(scheme=make_scheme())
    contribution = make_contribution(meeting=meeting)
    suggestion = TagSuggestion(
        contribution_id=contribution.id,
        score=0.5,
        words=["x"],
        fiche_id=meeting.scheme.fiches[0].id,
    )
    db.session.add(suggestion)
    db.session.flush()
    built = []
    monkeypatch.setattr(tagging_jobs, "build_suggesters", lambda s: built.append(s) or {})
    monkeypatch.setattr(tagging_jobs, "_suggesters", {})
    suggesters_for(meeting.scheme)
    reject_suggestion(suggestion, actor=make_user(role="facilitator"), now=utcnow())
    suggesters_for(meeting.scheme)

    assert len(built) == 2
