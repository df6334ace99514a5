"""Moderation decisions; each one is recorded in the audit trail (ModerationEvent)."""

from datetime import datetime

import sqlalchemy as sa
from blinker import Namespace
from sqlalchemy.exc import IntegrityError

from consult.analysis.personal_data import find_personal_data, mask_personal_data
from consult.contributions.models import Contribution
from consult.contributions.services import check_body
from consult.core.sanitize import clean_text
from consult.extensions import db
from consult.moderation.models import REJECTION_REASONS, REPORT_REASONS, ModerationEvent, Report
from consult.tagging.models import ContributionTag

# Sent for every change recorded in the audit trail (publish, reject, mask, withdraw…):
# later domains (stored synthesis documents) subscribe instead of being imported here.
contribution_changed = Namespace().signal("contribution-changed")


class ModerationError(Exception):
    """A French message explaining why a moderation decision was refused."""


def _tags(contribution: Contribution) -> list[str]:
    rows = db.session.execute(
        sa.select(ContributionTag.theme_id, ContributionTag.fiche_id).where(
            ContributionTag.contribution_id == contribution.id
        )
    )
    return sorted(f"theme:{t}" if t else f"fiche:{f}" for t, f in rows)


def snapshot(contribution: Contribution) -> dict:
    """What the audit trail keeps of a contribution, before and after each change."""
    return {
        "status": contribution.status,
        "body": contribution.body,
        "support_count": contribution.support_count,
        "rejection_reason": contribution.rejection_reason,
        "rejection_note": contribution.rejection_note,
        "merged_into_id": contribution.merged_into_id,
        "tags": _tags(contribution),
    }


_snapshot = snapshot


def record(contribution, actor, action, before, *, reason="", now) -> ModerationEvent:
    """Add one event to the audit trail (``before`` from :func:`snapshot`)."""
    return _record(contribution, actor, action, before, reason=reason, now=now)


def _record(contribution, actor, action, before, *, reason="", now) -> ModerationEvent:
    event = ModerationEvent(
        contribution_id=contribution.id if contribution else None,
        actor_id=actor.id if actor else None,
        action=action,
        before=before,
        after=_snapshot(contribution) if contribution else {},
        reason=reason,
        at=now,
    )
    db.session.add(event)
    contribution_changed.send(contribution, action=action)
    return event


def _check_not_merged(contribution: Contribution) -> None:
    if contribution.status == "merged":
        raise ModerationError("Cette contribution a été fusionnée dans une autre.")


def publish(contribution: Contribution, *, actor, now: datetime) -> Contribution:
    """Publish a contribution (also undoes a rejection)."""
    _check_not_merged(contribution)
    before = _snapshot(contribution)
    contribution.status = "published"
    contribution.published_at = contribution.published_at or now
    contribution.rejection_reason, contribution.rejection_note = "", ""
    _record(contribution, actor, "publish", before, now=now)
    return contribution


def reject(contribution: Contribution, *, actor, reason: str, note: str = "", now) -> Contribution:
    """Reject with a reason from the list; the author sees it on the receipt page."""
    _check_not_merged(contribution)
    if reason not in REJECTION_REASONS:
        raise ModerationError("Choisissez un motif de rejet dans la liste.")
    note = clean_text(note)
    if reason == "autre" and not note:
        raise ModerationError("Précisez le motif du rejet.")
    before = _snapshot(contribution)
    contribution.status = "rejected"
    contribution.rejection_reason, contribution.rejection_note = reason, note
    _record(
        contribution, actor, "reject", before, reason=note or REJECTION_REASONS[reason], now=now
    )
    return contribution


def _replace_body(contribution, new_body, *, actor, action, reason, now) -> Contribution:
    before = _snapshot(contribution)
    if contribution.original_body is None:
        contribution.original_body = contribution.body
    contribution.body = new_body
    contribution.edited_at, contribution.edited_by_id = now, actor.id
    contribution.has_personal_data = bool(find_personal_data(new_body))
    _record(contribution, actor, action, before, reason=reason, now=now)
    return contribution


def edit_text(contribution: Contribution, new_body: str, *, actor, reason: str = "", now):
    """Change the text (typos, split…); the original stays visible to moderators."""
    _check_not_merged(contribution)
    body = check_body(new_body)
    if body == contribution.body:
        raise ModerationError("Le texte n'a pas changé.")
    return _replace_body(
        contribution, body, actor=actor, action="edit", reason=clean_text(reason), now=now
    )


def mask(contribution: Contribution, *, actor, now, findings=None) -> Contribution:
    """Mask the personal data found (or the given findings) in the text."""
    findings = find_personal_data(contribution.body) if findings is None else findings
    if not findings:
        raise ModerationError("Aucune donnée personnelle à masquer dans ce texte.")
    masked = mask_personal_data(contribution.body, findings)
    kinds = ", ".join(sorted({f.label for f in findings}))
    return _replace_body(contribution, masked, actor=actor, action="mask", reason=kinds, now=now)


def merge(target: Contribution, sources: list[Contribution], *, actor, now) -> Contribution:
    """Merge duplicates into ``target``: sources are kept (status merged), supports add up."""
    sources = [s for s in sources if s.id != target.id]
    if not sources:
        raise ModerationError("Choisissez au moins une autre contribution à fusionner.")
    _check_not_merged(target)
    before = _snapshot(target)
    for source in sources:
        _check_not_merged(source)
        source_before = _snapshot(source)
        source.status, source.merged_into_id = "merged", target.id
        target.support_count += source.support_count
        _record(
            source, actor, "merge", source_before, reason=f"fusionnée dans n° {target.id}", now=now
        )
    ids = ", ".join(str(s.id) for s in sources)
    _record(target, actor, "merge", before, reason=f"reçoit n° {ids}", now=now)
    return target


def merged_sources(target: Contribution) -> list[Contribution]:
    """The contributions merged into ``target`` (their authors count in syntheses)."""
    return db.session.scalars(
        sa.select(Contribution).where(Contribution.merged_into_id == target.id)
    ).all()


def report(
    contribution: Contribution, reporter_key: str, *, reason: str, note: str = "", now
) -> bool:
    """Report a published contribution; a second report by the same person is ignored.

    :returns: True when the report is new.
    """
    if contribution.status != "published":
        raise ModerationError("On ne peut signaler qu'une contribution publiée.")
    if reason not in REPORT_REASONS:
        raise ModerationError("Choisissez la raison du signalement.")
    try:
        with db.session.begin_nested():
            db.session.add(
                Report(
                    contribution_id=contribution.id,
                    reporter_key=reporter_key,
                    reason=reason,
                    note=clean_text(note)[:1000],
                    created_at=now,
                )
            )
    except IntegrityError:
        return False
    _record(
        contribution,
        None,
        "report",
        _snapshot(contribution),
        reason=REPORT_REASONS[reason],
        now=now,
    )
    return True


def handle_reports(contribution: Contribution, *, actor, now) -> int:
    """Mark the open reports of a contribution as handled (after a decision)."""
    reports = db.session.scalars(
        sa.select(Report).where(Report.contribution_id == contribution.id, Report.status == "open")
    ).all()
    for item in reports:
        item.status, item.handled_by_id, item.handled_at = "handled", actor.id, now
    if reports:
        _record(
            contribution,
            actor,
            "report_handled",
            _snapshot(contribution),
            reason=f"{len(reports)} signalement(s)",
            now=now,
        )
    return len(reports)


def history(contribution: Contribution) -> list[ModerationEvent]:
    """Every decision about a contribution, oldest first."""
    return db.session.scalars(
        sa.select(ModerationEvent)
        .where(ModerationEvent.contribution_id == contribution.id)
        .order_by(ModerationEvent.at, ModerationEvent.id)
    ).all()
