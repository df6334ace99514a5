"""Background work: compute suggestions when a contribution arrives or the model learns.

A new contribution's suggestions are pending while ``Contribution.suggested_at`` is
NULL: nothing else is sent when it is submitted. The worker's sweeper
(:func:`suggest_pending`, see ``consult.core.jobs``) computes the pending ones in
batches, a scheme at a time, one transaction per batch; without a worker the request
runs it right after its answer. A batch that fails leaves its contributions pending
(tried again one by one); each contribution counts, in its row, the times a sweeper
took it, so one whose computation keeps failing, or kills the worker, is given up
after ``SUGGEST_ATTEMPTS`` (« pas de suggestion » for facilitators, an error in the
log). Two sweepers never take the same rows (:func:`claim_pending`). After learning (a tag set,
a suggestion refused), the scheme's stored suggestions are recomputed with the new model:
with a worker, by the sweeper once tagging pauses (:func:`schedule_refresh`,
:func:`refresh_step`), in batches; without one, by :func:`refresh_suggestions` right after
the request.
"""

import logging
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import DBAPIError

from consult.contributions.models import SUGGEST_ATTEMPTS, Contribution
from consult.contributions.services import contribution_submitted, contributions_imported
from consult.core.cli import before_work_horse
from consult.core.db import immediate_transactions, utcnow
from consult.core.jobs import (
    JobRun,
    RQDispatcher,
    dispatcher_for,
    enqueue_after_commit,
    in_sweeper_process,
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
_suggesters: dict[int, tuple[tuple, dict, float]] = {}
# The version stamp's first parts (see :func:`_version`) say what the suggesters learn
# from (tags, refusals); the rest is the scheme's structure (themes, fiches, import).
LEARNING_PARTS = 4
SUGGEST_JOB = "consult.tagging.jobs.suggest_tags"
REFRESH_JOB = "consult.tagging.jobs.refresh_suggestions"
SWEEPER = "suggestions"
BATCH = 200  # contributions per batch: one transaction, scores computed together
# How long a sweeper holds the contributions it took: past that, it is taken for dead
# (a restarted worker) and they wait for the next one.
CLAIM_HOLD = timedelta(minutes=5)
# Without a worker, a refresh runs right after the request that queued it: one still
# « queued » this long after was lost with that request (a job before it failed), and
# must not stop later tags from asking for another.
REFRESH_LOST_AFTER = timedelta(minutes=2)


def _version(scheme_id: int) -> tuple | None:
    """The scheme's version stamp (None: no such scheme), in one round trip (the
    sweeper asks it once per batch). It changes whenever a tag is added or removed or
    a suggestion refused (the suggesters must learn again), and whenever the scheme's
    themes or fiches change (a working group drafts a fiche; a scheme is imported
    again under a reused id)."""

    def count_and_last(model, *where):
        return [
            sa.select(function(model.id)).where(*where).scalar_subquery()
            for function in (sa.func.count, sa.func.max)
        ]

    row = db.session.execute(
        sa.select(
            *count_and_last(ContributionTag),
            *count_and_last(SuggestionRejection),
            *count_and_last(Theme, Theme.scheme_id == scheme_id),
            *count_and_last(Fiche, Fiche.scheme_id == scheme_id),
            sa.select(Scheme.created_at).where(Scheme.id == scheme_id).scalar_subquery(),
        )
    ).one()
    return None if row[-1] is None else tuple(row)


def suggesters_for(scheme: Scheme) -> dict:
    """The scheme's suggesters, built again only when its version stamp changed."""
    return _suggesters_of(scheme.id)[0]


def _suggesters_of(scheme_id: int, *, stale_ok: bool = False) -> tuple[dict, bool]:
    """The scheme's suggesters ({} for a scheme that is gone), and whether they were
    built just now.

    ``stale_ok`` (the sweeper): suggesters that miss only the last tags or refusals are
    kept while younger than ``SUGGEST_MODEL_MAX_AGE`` seconds. Facilitators tagging while
    people post would otherwise have them rebuilt at every batch (33-40 ms of CPU per
    contribution instead of ~1); the refresh job each tag queues recomputes every
    contribution with the model that knows it. A change of themes or fiches always
    rebuilds."""
    version = _version(scheme_id)
    if version is None:
        return {}, False
    cached = _suggesters.get(scheme_id)
    if cached is not None and (
        cached[0] == version or (stale_ok and _young_enough(cached, version))
    ):
        return cached[1], False
    suggesters = build_suggesters(db.session.get(Scheme, scheme_id))
    _suggesters[scheme_id] = (version, suggesters, time.monotonic())
    return suggesters, True


def _young_enough(cached: tuple, version: tuple) -> bool:
    """Whether ``cached`` suggesters differ from ``version`` only by what they learn
    from, and were built less than ``SUGGEST_MODEL_MAX_AGE`` seconds ago."""
    same_structure = cached[0][LEARNING_PARTS:] == version[LEARNING_PARTS:]
    age = time.monotonic() - cached[2]
    return same_structure and age < current_app.config.get("SUGGEST_MODEL_MAX_AGE", 0)


def warm_suggesters() -> int:
    """Build the suggesters of every scheme a meeting is open for: the sweeper process
    does it when it starts, so that the first contributions of a meeting cost their
    batch and not a model (9 s of CPU for the demo scheme's first build, which measures
    the calibration on its 221 fiche tags, taken on the cores the people posting need;
    1 s for a rebuild after a tag). Returns how many schemes."""
    scheme_ids = db.session.scalars(
        sa.select(Meeting.scheme_id).where(Meeting.status == "open").distinct()
    ).all()
    for scheme_id in scheme_ids:
        _suggesters_of(scheme_id)
        db.session.commit()
    return len(scheme_ids)


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


def _suggest(
    scheme_id: int, bodies: dict[int, str], *, pending_only: bool, stale_ok: bool = False
) -> list[int]:
    suggesters, built = _suggesters_of(scheme_id, stale_ok=stale_ok)
    if built:
        db.session.commit()  # a model built now read much: write in a transaction of its own
    return store_suggestions_of(bodies, suggesters, now=utcnow(), pending_only=pending_only)


def suggest_pending(limit: int = BATCH) -> int:
    """The sweeper: compute the suggestions of what :func:`claim_pending` takes, a
    scheme at a time. Returns how many contributions it took (0 while people are
    posting: :func:`_people_posting`)."""
    if in_sweeper_process() and _people_posting(utcnow()):
        return 0
    db.session.commit()  # the claim is a transaction of its own, begun with the lock:
    with immediate_transactions():  # on SQLite, a post committed meanwhile can't stale it
        rows = claim_pending(db.session, limit=limit, now=utcnow())
        db.session.commit()  # counted and held: nothing locked while the scores are computed
    by_scheme: dict[int, dict[int, str]] = defaultdict(dict)
    for row in rows:
        if row.suggest_attempts >= SUGGEST_ATTEMPTS:  # every attempt ended the sweeper
            _give_up(row.id, row.suggest_attempts)
        else:
            by_scheme[row.scheme_id][row.id] = row.body
    attempts = {row.id: row.suggest_attempts + 1 for row in rows}
    for scheme_id, bodies in by_scheme.items():
        _suggest_batch(scheme_id, bodies, attempts)
    if len(rows) < limit:  # nothing new waits: a refresh after tagging, if one is due
        return len(rows) + refresh_step(limit - len(rows))
    return len(rows)


def _people_posting(now: datetime) -> bool:
    """Whether the worker's sweeper leaves the pending suggestions for later: a
    contribution arrived less than ``SUGGEST_WHILE_POSTING_QUIET`` seconds ago (people
    are posting: the cores go to their requests, issue 17) and none has waited
    ``SUGGEST_WHILE_POSTING_MAX_WAIT`` seconds yet (a stream that never pauses still
    has its suggestions that often, in larger batches). One query on the pending rows
    (partial index), instead of the claim."""
    config = current_app.config
    quiet = config.get("SUGGEST_WHILE_POSTING_QUIET", 0)
    if not quiet:
        return False
    longest = config.get("SUGGEST_WHILE_POSTING_MAX_WAIT", 0)
    oldest, newest = db.session.execute(
        sa.select(sa.func.min(Contribution.created_at), sa.func.max(Contribution.created_at)).where(
            Contribution.suggested_at.is_(None)
        )
    ).one()
    db.session.commit()
    if newest is None:
        return False
    return newest > now - timedelta(seconds=quiet) and oldest > now - timedelta(seconds=longest)


def claim_pending(session, *, limit: int, now: datetime) -> list:
    """Take what waits, in the caller's transaction: a contribution already tried (its
    sweeper failed or died) alone, else up to ``limit`` never tried, oldest first.

    Each one taken counts an attempt and is held :data:`CLAIM_HOLD` (another sweeper
    leaves it alone meanwhile; after that, its sweeper is taken for dead). On
    PostgreSQL, rows another sweeper is taking at this very moment are skipped
    (``FOR UPDATE SKIP LOCKED``): two sweepers never compute the same batch.
    Rows: id, body, scheme_id, suggest_attempts (before this one)."""
    waiting = (
        sa.select(
            Contribution.id, Contribution.body, Meeting.scheme_id, Contribution.suggest_attempts
        )
        .join(Meeting, Meeting.id == Contribution.meeting_id)
        .where(
            Contribution.suggested_at.is_(None),
            sa.or_(
                Contribution.suggest_claimed_at.is_(None),
                Contribution.suggest_claimed_at < now - CLAIM_HOLD,
            ),
        )
        .order_by(Contribution.id)
        .with_for_update(of=Contribution, skip_locked=True)
    )
    rows = session.execute(waiting.where(Contribution.suggest_attempts > 0).limit(1)).all()
    if not rows:
        rows = session.execute(waiting.where(Contribution.suggest_attempts == 0).limit(limit)).all()
    if rows:
        table = Contribution.__table__
        session.execute(
            sa.update(table)
            .where(table.c.id.in_([row.id for row in rows]))
            .values(
                suggest_attempts=table.c.suggest_attempts + 1,
                suggest_claimed_at=now,
                updated_at=table.c.updated_at,
            )
        )
    return rows


def _suggest_batch(scheme_id: int, bodies: dict[int, str], attempts: dict[int, int]) -> None:
    """One transaction for the batch; if it fails, one per contribution."""
    try:
        _suggest(scheme_id, bodies, pending_only=True, stale_ok=True)
        db.session.commit()
        return
    except DBAPIError:
        db.session.rollback()
        _release(list(bodies), uncount=True)  # the database failing is not an attempt
        raise  # the whole batch waits for the next pass
    except Exception:
        db.session.rollback()
        if len(bodies) == 1:
            _failed(next(iter(bodies)), attempts)
            return
        log.warning(
            "suggestions : lot de %s contributions en échec, nouvel essai une par une", len(bodies)
        )
    for contribution_id, body in bodies.items():
        _suggest_batch(scheme_id, {contribution_id: body}, attempts)


def _release(contribution_ids: list[int], *, uncount: bool = False) -> None:
    """Let the next pass take them again (alone: they count an attempt already)."""
    table = Contribution.__table__
    values = {"suggest_claimed_at": None, "updated_at": table.c.updated_at}
    if uncount:
        values["suggest_attempts"] = table.c.suggest_attempts - 1
    try:
        db.session.execute(
            sa.update(table)
            .where(table.c.id.in_(contribution_ids), table.c.suggested_at.is_(None))
            .values(**values)
        )
        db.session.commit()
    except DBAPIError:  # still down: the hold runs out by itself
        db.session.rollback()
        log.warning("suggestions : lot laissé en attente jusqu'à la fin de sa réservation")


def _failed(contribution_id: int, attempts: dict[int, int]) -> None:
    """A failed computation: tried again at the next pass, given up at the last attempt."""
    tries = attempts[contribution_id]
    if tries >= SUGGEST_ATTEMPTS:
        log.exception("suggestions de la contribution %s en échec", contribution_id)
        _give_up(contribution_id, tries)
        return
    log.exception(
        "suggestions de la contribution %s en échec (essai %s sur %s) : nouvel essai au "
        "prochain passage",
        contribution_id,
        tries,
        SUGGEST_ATTEMPTS,
    )
    _release([contribution_id])


def _give_up(contribution_id: int, tries: int) -> None:
    """Computed as « pas de suggestion », its attempts kept: facilitators see it failed."""
    log.error(
        "suggestions de la contribution %s abandonnées après %s essais : elle restera sans "
        "suggestion jusqu'au prochain recalcul du schéma",
        contribution_id,
        tries,
    )
    table = Contribution.__table__
    db.session.execute(
        sa.update(table)
        .where(table.c.id == contribution_id, table.c.suggested_at.is_(None))
        .values(
            suggested_at=utcnow(),
            suggest_claimed_at=None,
            updated_at=table.c.updated_at,
        )
    )
    db.session.commit()


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


def schedule_refresh(scheme_id: int, *, now: datetime | None = None) -> None:
    """After tags changed (the desk calls it in the tagging transaction).

    With a worker, the scheme is marked: its sweeper recomputes the stored suggestions
    once tagging pauses (:func:`refresh_step`), instead of a job per tag that
    recomputed the whole scheme again and again during a tagging session. Without one,
    nothing would come back later: a job runs right after the request, as before (one
    waiting per scheme at a time; one still queued :data:`REFRESH_LOST_AFTER` later was
    lost with its request: marked failed and replaced)."""
    now = now or utcnow()
    if isinstance(dispatcher_for(current_app), RQDispatcher):
        _mark_learned(scheme_id, now)
        return
    queued = db.session.scalars(
        sa.select(JobRun).where(JobRun.name == refresh_label(scheme_id), JobRun.status == "queued")
    ).all()
    waiting = False
    for run in queued:
        if run.created_at > now - REFRESH_LOST_AFTER:
            waiting = True
        else:
            run.status, run.finished_at = "failed", now
            run.message = (
                "Perdue : jamais lancée après la requête qui l'avait demandée ; remplacée."
            )
    if not waiting:
        enqueue_after_commit(refresh_suggestions, scheme_id, label=refresh_label(scheme_id))


def _mark_learned(scheme_id: int, now: datetime) -> None:
    """The scheme's suggesters learned at ``now``; its suggestions miss it from now on
    (or from earlier). The table, not the model: a tag already refreshes public pages."""
    table = Scheme.__table__
    db.session.execute(
        sa.update(table)
        .where(table.c.id == scheme_id)
        .values(
            suggestions_learned_at=now,
            suggestions_stale_since=sa.func.coalesce(table.c.suggestions_stale_since, now),
            updated_at=table.c.updated_at,
        )
    )


@dataclass
class RefreshPass:
    """A sweeper recomputing a scheme's stored suggestions: the scheme's
    ``suggestions_stale_since`` and ``suggestions_learned_at`` when the pass began, and
    the last contribution done."""

    stale_since: datetime
    learned_at: datetime
    after_id: int = 0


# scheme id → the pass this process is making (lost on restart: the next one starts over).
_passes: dict[int, RefreshPass] = {}


def _due_scheme(now: datetime):
    """The scheme whose suggestions wait longest for a refresh that is due: no tag for
    SUGGEST_REFRESH_QUIET seconds, or one waiting SUGGEST_REFRESH_MAX_WAIT seconds."""
    config = current_app.config
    quiet = timedelta(seconds=config.get("SUGGEST_REFRESH_QUIET", 0))
    longest = timedelta(seconds=config.get("SUGGEST_REFRESH_MAX_WAIT", 0))
    return db.session.execute(
        sa.select(Scheme.id, Scheme.suggestions_stale_since, Scheme.suggestions_learned_at)
        .where(
            Scheme.suggestions_stale_since.is_not(None),
            sa.or_(
                Scheme.suggestions_learned_at <= now - quiet,
                Scheme.suggestions_stale_since <= now - longest,
            ),
        )
        .order_by(Scheme.suggestions_stale_since, Scheme.id)
        .limit(1)
    ).first()


def refresh_step(limit: int = BATCH, *, now: datetime | None = None) -> int:
    """One batch of the refresh that is due, if any (the sweeper, once nothing new
    waits): up to ``limit`` of the scheme's contributions, in id order, recomputed with
    a model that knows every tag set before the pass began (built again at its first
    batch). The pass ends when none is left: the mark is cleared unless facilitators
    tagged meanwhile (then it waits for the next pause, or SUGGEST_REFRESH_MAX_WAIT).
    Returns how many contributions it recomputed."""
    now = now or utcnow()
    due = _due_scheme(now)
    if due is None:
        return 0
    scheme_id, stale_since, learned_at = due
    current = _passes.get(scheme_id)
    if current is None or current.stale_since != stale_since:  # not this process's pass
        current = _passes[scheme_id] = RefreshPass(stale_since, learned_at)
    bodies = dict(
        db.session.execute(
            sa.select(Contribution.id, Contribution.body)
            .join(Meeting, Meeting.id == Contribution.meeting_id)
            .where(Meeting.scheme_id == scheme_id, Contribution.id > current.after_id)
            .order_by(Contribution.id)
            .limit(limit)
        ).all()
    )
    if not bodies:
        _end_pass(scheme_id, _passes.pop(scheme_id), now)
        return 0
    first = current.after_id == 0  # a model that knows every tag so far, then kept
    _suggest(scheme_id, bodies, pending_only=False, stale_ok=not first)
    db.session.commit()
    current.after_id = max(bodies)
    return len(bodies)


def _end_pass(scheme_id: int, done: RefreshPass, now: datetime) -> None:
    """Every contribution recomputed: up to date, unless a tag came after the pass
    began (its time differs): then stale since now, for the next pass."""
    table = Scheme.__table__
    db.session.execute(
        sa.update(table)
        .where(table.c.id == scheme_id)
        .values(
            suggestions_stale_since=sa.case(
                (table.c.suggestions_learned_at == done.learned_at, None), else_=now
            ),
            updated_at=table.c.updated_at,
        )
    )
    db.session.commit()


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
    register_sweeper(SWEEPER, suggest_pending, batch=BATCH, warm=warm_suggesters)
