"""Background work: compute suggestions when a contribution arrives or the model learns.

A new contribution's suggestions are pending while ``Contribution.suggested_at`` is
NULL: nothing else is sent when it is submitted. The worker's sweeper
(:func:`suggest_pending`, see ``consult.core.jobs``) computes the pending ones in
batches, a scheme at a time, one transaction per batch; without a worker the request
runs it right after its answer. A batch that fails leaves its contributions pending
(tried again one by one); one whose computation keeps failing is given up after
:data:`SUGGEST_RETRIES` tries, with an error in the log. After learning (a tag set,
a suggestion refused), :func:`refresh_suggestions` recomputes a scheme's suggestions.
"""

import logging
from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from consult.contributions.models import Contribution
from consult.contributions.services import contribution_submitted, contributions_imported
from consult.core.cli import before_work_horse
from consult.core.db import utcnow
from consult.core.jobs import (
    JobRun,
    enqueue_after_commit,
    register_sweeper,
    report_progress,
    sweep_soon,
)
from consult.extensions import db
from consult.history.services import snapshot_taken
from consult.meetings.models import Meeting
from consult.schemes.models import Fiche, Scheme, Theme
from consult.tagging.models import ContributionTag, SuggestionRejection
from consult.tagging.services import build_suggesters, store_suggestions_of, tags_in_snapshot

log = logging.getLogger(__name__)


# A worker process keeps each scheme's suggesters while nothing they learn from has
# changed (scheme id → (version stamp, suggesters)). RQ forks a work horse per job: the
# worker refreshes this before each fork (:func:`_warm_before_fork`), so the work horse
# inherits ready models instead of rebuilding them (issue 17: 560 ms of CPU per job).
_suggesters: dict[int, tuple[tuple, dict]] = {}
SUGGEST_JOB = "consult.tagging.jobs.suggest_tags"
REFRESH_JOB = "consult.tagging.jobs.refresh_suggestions"
SWEEPER = "suggestions"
BATCH = 200  # contributions per batch: one transaction, scores computed together
SUGGEST_RETRIES = 3  # a contribution whose computation fails this often is given up
# Contribution id → failed computations in this process (the database failing does not count).
_failures: dict[int, int] = {}


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
    """Compute and store suggestions for one contribution (idempotent). Rows queued
    before suggestions were swept in batches still arrive here."""
    contribution = db.session.get(Contribution, contribution_id)
    if contribution is None:
        return
    _suggest(_scheme_id(contribution), {contribution.id: contribution.body}, pending_only=False)
    db.session.commit()
    log.info("job %s: suggestions for contribution %s", job_run_id, contribution_id)


def _scheme_id(contribution: Contribution) -> int:
    return db.session.scalar(
        sa.select(Meeting.scheme_id).where(Meeting.id == contribution.meeting_id)
    )


def _suggest(scheme_id: int, bodies: dict[int, str], *, pending_only: bool) -> list[int]:
    scheme = db.session.get(Scheme, scheme_id)
    suggesters = suggesters_for(scheme) if scheme is not None else {}
    db.session.commit()  # a model built now read much: write in a transaction of its own
    return store_suggestions_of(bodies, suggesters, now=utcnow(), pending_only=pending_only)


def suggest_pending(limit: int = BATCH) -> int:
    """The sweeper: compute the suggestions of up to ``limit`` contributions that have
    none yet, oldest first, a scheme at a time. Returns how many it looked at."""
    rows = db.session.execute(
        sa.select(Contribution.id, Contribution.body, Meeting.scheme_id)
        .join(Meeting, Meeting.id == Contribution.meeting_id)
        .where(Contribution.suggested_at.is_(None))
        .order_by(Contribution.id)
        .limit(limit)
    ).all()
    db.session.commit()  # nothing held while the scores are computed
    by_scheme: dict[int, dict[int, str]] = defaultdict(dict)
    for contribution_id, body, scheme_id in rows:
        by_scheme[scheme_id][contribution_id] = body
    for scheme_id, bodies in by_scheme.items():
        _suggest_batch(scheme_id, bodies)
    return len(rows)


def _suggest_batch(scheme_id: int, bodies: dict[int, str]) -> None:
    """One transaction for the batch; if it fails, one per contribution."""
    try:
        _suggest(scheme_id, bodies, pending_only=True)
        db.session.commit()
        for contribution_id in bodies.keys() & _failures.keys():
            del _failures[contribution_id]  # failed before, done now
        return
    except DBAPIError:
        raise  # the database: the whole batch waits for the next pass
    except Exception:
        db.session.rollback()
        if len(bodies) == 1:
            _failed(next(iter(bodies)))
            return
        log.warning(
            "suggestions : lot de %s contributions en échec, nouvel essai une par une", len(bodies)
        )
    for contribution_id, body in bodies.items():
        _suggest_batch(scheme_id, {contribution_id: body})


def _failed(contribution_id: int) -> None:
    """Count a failed computation; the last allowed one gives the contribution up."""
    _failures[contribution_id] = tries = _failures.get(contribution_id, 0) + 1
    if tries < SUGGEST_RETRIES:
        log.exception(
            "suggestions de la contribution %s en échec (essai %s sur %s) : nouvel essai au "
            "prochain passage",
            contribution_id,
            tries,
            SUGGEST_RETRIES,
        )
        return
    log.exception(
        "suggestions de la contribution %s abandonnées après %s essais : elle restera sans "
        "suggestion jusqu'au prochain recalcul du schéma",
        contribution_id,
        tries,
    )
    store_suggestions_of({contribution_id: ""}, {}, now=utcnow(), pending_only=True)
    db.session.commit()
    del _failures[contribution_id]


def refresh_suggestions(job_run_id: int, scheme_id: int) -> None:
    """Recompute suggestions of a scheme's contributions after learning, in batches."""
    ids = db.session.scalars(
        sa.select(Contribution.id)
        .join(Meeting)
        .where(Meeting.scheme_id == scheme_id)
        .order_by(Contribution.id)
    ).all()
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        bodies = dict(
            db.session.execute(
                sa.select(Contribution.id, Contribution.body).where(Contribution.id.in_(chunk))
            ).all()
        )
        _suggest(scheme_id, bodies, pending_only=False)
        db.session.commit()
        done = start + len(chunk)
        report_progress(job_run_id, done * 100 // len(ids), f"{done}/{len(ids)}")


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
    sweep_soon(SWEEPER)  # the contribution is pending: its own row says so


def _suggest_after_import(meeting: Meeting, **_extra) -> None:
    sweep_soon(SWEEPER)  # every imported row is pending too, swept in batches


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
    register_sweeper(SWEEPER, suggest_pending)
