"""Rebuilding a scheme's open-data files, and noticing when something public changed."""

import logging

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.orm import Session

from consult.contributions.models import Contribution
from consult.core.db import utcnow
from consult.core.idempotency import row_inserted
from consult.core.jobs import JobRun, enqueue_after_commit
from consult.deliberations.models import Deliberation
from consult.extensions import db
from consult.followup.models import Measurement
from consult.meetings.models import Meeting
from consult.opendata import files
from consult.schemes.models import PUBLIC_FICHE_STATUSES, Fiche, Indicator, Scheme
from consult.synthesis.models import IdeaCuration, Synthesis, SynthesisVersion
from consult.workgroups.models import Decision

log = logging.getLogger(__name__)
PENDING = "opendata_schemes"
WATCHED = (
    Contribution,
    Fiche,
    Meeting,
    Decision,
    Deliberation,
    SynthesisVersion,
    IdeaCuration,
    Indicator,
    Measurement,
)


def build_open_data(job_run_id: int, scheme_id: int) -> dict | None:
    """Rebuild every file of the scheme from what is public now (idempotent).

    Left to a later rebuild of the same scheme already waiting: that one was committed
    with or after the changes this one was queued for, and will read them all (a burst
    of publications, or a demo load, costs one rebuild instead of one per commit).
    """
    if _later_rebuild_waits(job_run_id, scheme_id):
        log.info(
            "job %s: a later rebuild of scheme %s is waiting, left to it", job_run_id, scheme_id
        )
        return None
    scheme = db.session.get(Scheme, scheme_id)
    if scheme is None:
        return None
    counts = files.write_all(scheme, now=utcnow())
    log.info("job %s: open data of scheme %s rebuilt: %s", job_run_id, scheme.slug, counts)
    return counts


def rebuild_label(scheme_id: int) -> str:
    return f"open_data:{scheme_id}"


def _later_rebuild_waits(job_run_id: int, scheme_id: int) -> bool:
    return (
        db.session.scalar(
            sa.select(JobRun.id)
            .where(
                JobRun.status == "queued",
                JobRun.name == rebuild_label(scheme_id),
                JobRun.id > job_run_id,
            )
            .limit(1)
        )
        is not None
    )


def _changed(obj, name: str) -> bool:
    """An existing row whose ``name`` changes (a new row has no earlier public state)."""
    state = sa.inspect(obj)
    return not state.pending and state.attrs[name].history.has_changes()


def _public_change(obj, *, new: bool = False) -> bool:
    """Whether writing ``obj`` may change a public file (pending contributions do not).

    ``new``: a row just inserted, which has no earlier status to compare with (its
    history is not computed: the capture POST sends one at each contribution)."""
    if isinstance(obj, Contribution):
        return obj.status == "published" or (not new and _changed(obj, "status"))
    if isinstance(obj, Fiche):
        return obj.status in PUBLIC_FICHE_STATUSES or (not new and _changed(obj, "status"))
    if isinstance(obj, Meeting):
        return obj.status != "draft" or (not new and _changed(obj, "status"))
    if isinstance(obj, SynthesisVersion):
        return obj.status == "published" or (not new and _changed(obj, "status"))
    return isinstance(obj, Decision | Deliberation | IdeaCuration | Indicator | Measurement)


def _get(model, ident):
    return db.session.get(model, ident) if ident is not None else None


def _scheme_id(obj) -> int | None:
    """The scheme whose public files an object written in this flush may change."""
    if isinstance(obj, Meeting | Fiche):
        return obj.scheme_id
    if isinstance(obj, Contribution):
        meeting = obj.meeting or _get(Meeting, obj.meeting_id)
    elif isinstance(obj, Decision):
        return _scheme_id(obj.contribution or _get(Contribution, obj.contribution_id))
    elif isinstance(obj, Deliberation | Indicator):
        return _scheme_id(_get(Fiche, obj.fiche_id))
    elif isinstance(obj, Measurement):
        return _scheme_id(_get(Indicator, obj.indicator_id))
    elif isinstance(obj, SynthesisVersion | IdeaCuration):
        return _scheme_id(_get(Synthesis, obj.synthesis_id))
    elif isinstance(obj, Synthesis):
        return obj.scheme_id
    else:
        return None
    return meeting.scheme_id if meeting is not None else None


def _watched(session) -> set[int]:
    changed = [*session.new, *session.dirty, *session.deleted]
    found = {_scheme_id(obj) for obj in changed if isinstance(obj, WATCHED) and _public_change(obj)}
    return found - {None}


def _enabled() -> bool:
    return has_app_context() and current_app.config.get("OPENDATA_AUTO", True)


def _before_flush(session, _context, _instances) -> None:
    """Note the schemes whose public files this flush may change."""
    if not _enabled():
        return
    with session.no_autoflush:
        session.info.setdefault(PENDING, set()).update(_watched(session))


def _note_inserted(row, session, **_extra) -> None:
    """A row inserted outside the unit of work (insert once): as ``_before_flush`` would."""
    if _enabled() and isinstance(row, WATCHED) and _public_change(row, new=True):
        scheme_id = _scheme_id(row)
        if scheme_id is not None:
            session.info.setdefault(PENDING, set()).add(scheme_id)


def _before_commit(session) -> None:
    """One rebuild per scheme per transaction, queued to run once the commit is done."""
    if not _enabled():
        return
    if session.new or session.dirty or session.deleted:
        session.flush()  # commit flushes after this hook: note what that flush writes now
    for scheme_id in sorted(session.info.pop(PENDING, ())):
        enqueue_after_commit(build_open_data, scheme_id, label=rebuild_label(scheme_id))


def _after_transaction(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(PENDING, None)


def init_app(app) -> None:
    """Rebuild a scheme's files after a commit that published, masked or decided something.

    ``OPENDATA_AUTO = False`` in the config turns it off (``flask opendata build`` then).
    """
    # On the Session class, as consult.core.jobs does: every session (tests swap theirs).
    if not sa.event.contains(Session, "before_flush", _before_flush):
        sa.event.listen(Session, "before_flush", _before_flush)
        sa.event.listen(Session, "before_commit", _before_commit)
        sa.event.listen(Session, "after_transaction_end", _after_transaction)
    row_inserted.connect(_note_inserted)
