"""Background jobs: compute suggestions when a contribution arrives or the model learns."""

import logging

import sqlalchemy as sa

from consult.contributions.models import Contribution
from consult.contributions.services import contribution_submitted, contributions_imported
from consult.core.cli import before_work_horse
from consult.core.db import utcnow
from consult.core.jobs import JobRun, enqueue_after_commit, report_progress
from consult.extensions import db
from consult.history.services import snapshot_taken
from consult.meetings.models import Meeting
from consult.schemes.models import Fiche, Scheme, Theme
from consult.tagging.models import ContributionTag, SuggestionRejection
from consult.tagging.services import build_suggesters, store_suggestions, tags_in_snapshot

log = logging.getLogger(__name__)


# A worker process keeps each scheme's suggesters while nothing they learn from has
# changed (scheme id → (version stamp, suggesters)). RQ forks a work horse per job: the
# worker refreshes this before each fork (:func:`_warm_before_fork`), so the work horse
# inherits ready models instead of rebuilding them (issue 17: 560 ms of CPU per job).
_suggesters: dict[int, tuple[tuple, dict]] = {}
SUGGEST_JOB = "consult.tagging.jobs.suggest_tags"
REFRESH_JOB = "consult.tagging.jobs.refresh_suggestions"


def _tags_version(scheme: Scheme) -> tuple:
    """Changes whenever a tag is added or removed or a suggestion refused (the suggesters
    must learn again), and
    whenever the scheme's themes or fiches change (a working group drafts a fiche; a
    scheme is imported again under a reused id)."""
    tags = db.session.execute(
        sa.select(sa.func.count(ContributionTag.id), sa.func.max(ContributionTag.id))
    ).one()
    refused = db.session.execute(
        sa.select(sa.func.count(SuggestionRejection.id), sa.func.max(SuggestionRejection.id))
    ).one()
    labels = [
        db.session.execute(
            sa.select(sa.func.count(model.id), sa.func.max(model.id)).where(
                model.scheme_id == scheme.id
            )
        ).one()
        for model in (Theme, Fiche)
    ]
    return (*tags, *refused, *(tuple(pair) for pair in labels), scheme.created_at)


def suggesters_for(scheme: Scheme) -> dict:
    """The scheme's suggesters, built again only when its version stamp changed."""
    version = _tags_version(scheme)
    cached = _suggesters.get(scheme.id)
    if cached is None or cached[0] != version:
        cached = _suggesters[scheme.id] = (version, build_suggesters(scheme))
    return cached[1]


def suggest_tags(job_run_id: int, contribution_id: int) -> None:
    """Compute and store suggestions for one contribution (idempotent)."""
    contribution = db.session.get(Contribution, contribution_id)
    if contribution is None:
        return
    scheme = db.session.get(Scheme, db.session.get(Meeting, contribution.meeting_id).scheme_id)
    store_suggestions(contribution, suggesters_for(scheme), now=utcnow())
    db.session.commit()
    log.info("job %s: suggestions for contribution %s", job_run_id, contribution_id)


def refresh_suggestions(job_run_id: int, scheme_id: int) -> None:
    """Recompute suggestions of a scheme's untagged contributions after learning."""
    scheme = db.session.get(Scheme, scheme_id)
    suggesters = suggesters_for(scheme)
    ids = db.session.scalars(
        sa.select(Contribution.id)
        .join(Meeting)
        .where(Meeting.scheme_id == scheme_id)
        .order_by(Contribution.id)
    ).all()
    for done, contribution_id in enumerate(ids, 1):
        store_suggestions(db.session.get(Contribution, contribution_id), suggesters, now=utcnow())
        if done % 200 == 0:
            db.session.commit()
            report_progress(job_run_id, done * 100 // len(ids), f"{done}/{len(ids)}")
    db.session.commit()


def refresh_label(scheme_id: int) -> str:
    return f"refresh_suggestions:{scheme_id}"


def schedule_refresh(scheme_id: int) -> None:
    """After tags changed: one refresh per scheme waiting at a time is enough."""
    waiting = db.session.scalar(
        sa.select(JobRun.id).where(
            JobRun.name == refresh_label(scheme_id), JobRun.status == "queued"
        )
    )
    if waiting is None:
        enqueue_after_commit(refresh_suggestions, scheme_id, label=refresh_label(scheme_id))


def _suggest_on_submit(contribution: Contribution, **_extra) -> None:
    enqueue_after_commit(suggest_tags, contribution.id)


def _suggest_after_import(meeting: Meeting, **_extra) -> None:
    schedule_refresh(meeting.scheme_id)  # every imported row, in one job


def _scheme_of_job(job) -> int | None:
    """The scheme a queued suggestion job will need (None for any other job)."""
    args = list(getattr(job, "args", None) or ())
    if len(args) < 3 or args[1] not in (SUGGEST_JOB, REFRESH_JOB):
        return None
    if args[1] == REFRESH_JOB:
        return args[2]
    return db.session.scalar(
        sa.select(Meeting.scheme_id)
        .join(Contribution, Contribution.meeting_id == Meeting.id)
        .where(Contribution.id == args[2])
    )


def prepare_for_job(job) -> bool:
    """Refresh the model a queued suggestion job will use; True when it is one."""
    scheme_id = _scheme_of_job(job)
    scheme = db.session.get(Scheme, scheme_id) if scheme_id is not None else None
    if scheme is not None:
        suggesters_for(scheme)
    return scheme is not None


def _warm_before_fork(app, job=None, **_extra) -> None:
    """In the worker, before a job's work horse is forked (signal from ``flask worker``)."""
    try:
        prepare_for_job(job)
    except Exception:  # the work horse will build it itself: slower, never wrong
        log.exception("modèle de suggestions non préparé avant la tâche")
    finally:
        # The work horse must not inherit an open connection (a fork shares its socket).
        db.session.remove()
        db.engine.dispose()


def init_app(app) -> None:
    """Suggest tags for every contribution submitted (signal sent by contributions);
    keep suggestion models in the worker process between jobs; keep a contribution's
    tags in each of its audit trail's snapshots."""
    snapshot_taken.connect(tags_in_snapshot)
    contribution_submitted.connect(_suggest_on_submit)
    contributions_imported.connect(_suggest_after_import)
    before_work_horse.connect(_warm_before_fork)
