"""Moderation decisions; each one is recorded in the audit trail (ModerationEvent)."""

from datetime import datetime

import sqlalchemy as sa

from consult.analysis.personal_data import find_personal_data, mask_personal_data
from consult.contributions.models import REPORT_REASONS, Contribution, Report
from consult.contributions.services import (
    check_body,
    contribution_reported,
    detect_personal_data,
    mask_signature,
)
from consult.core.errors import DomainError
from consult.core.formatting import plural_ending
from consult.core.sanitize import clean_text
from consult.extensions import db
from consult.history.services import record, snapshot
from consult.meetings.models import Meeting
from consult.moderation.models import REJECTION_REASONS, Campaign, Merge
from consult.tagging.models import ContributionTag
from consult.tagging.services import tag_keys


class ModerationError(DomainError):
    """A French message explaining why a moderation decision was refused."""


def _check_not_merged(contribution: Contribution) -> None:
    if contribution.status == "merged":
        raise ModerationError("Cette contribution a été fusionnée dans une autre.")


def publish(contribution: Contribution, *, actor, now: datetime) -> Contribution:
    """Publish a contribution (also undoes a rejection)."""
    _check_not_merged(contribution)
    before = snapshot(contribution)
    contribution.status = "published"
    contribution.published_at = contribution.published_at or now
    contribution.rejection_reason, contribution.rejection_note = "", ""
    record(contribution, actor, "publish", before, now=now)
    return contribution


def reject(contribution: Contribution, *, actor, reason: str, note: str = "", now) -> Contribution:
    """Reject with a reason from the list; the author sees it on the receipt page."""
    _check_not_merged(contribution)
    if reason not in REJECTION_REASONS:
        raise ModerationError("Choisissez un motif de rejet dans la liste.")
    note = clean_text(note)
    if reason == "autre" and not note:
        raise ModerationError("Précisez le motif du rejet.")
    before = snapshot(contribution)
    contribution.status = "rejected"
    contribution.rejection_reason, contribution.rejection_note = reason, note
    record(contribution, actor, "reject", before, reason=note or REJECTION_REASONS[reason], now=now)
    return contribution


def _replace_body(contribution, new_body, *, actor, action, reason, now) -> Contribution:
    before = snapshot(contribution)
    if contribution.original_body is None:
        contribution.original_body = contribution.body
    contribution.body = new_body
    contribution.edited_at, contribution.edited_by_id = now, actor.id
    detect_personal_data(contribution)
    record(contribution, actor, action, before, reason=reason, now=now)
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
    """Mask the personal data found (or the given findings) in the text and signature."""
    findings = find_personal_data(contribution.body) if findings is None else findings
    signature = mask_signature(contribution)
    if not findings and not signature:
        raise ModerationError("Aucune donnée personnelle à masquer dans ce texte.")
    masked = mask_personal_data(contribution.body, findings)
    kinds = ", ".join(sorted({f.label for f in findings + signature}))
    return _replace_body(contribution, masked, actor=actor, action="mask", reason=kinds, now=now)


def _scheme_id(contribution: Contribution) -> int:
    return db.session.scalar(
        sa.select(Meeting.scheme_id).where(Meeting.id == contribution.meeting_id)
    )


def _movetag_keys(source: Contribution, target: Contribution, actor) -> list[str]:
    """Give ``target`` the tags of ``source`` it lacks; returns them ("theme:3")."""
    have = set(tag_keys(target))
    added = []
    for key in tag_keys(source):
        if key in have:
            continue
        kind, _, ident = key.partition(":")
        column = "theme_id" if kind == "theme" else "fiche_id"
        db.session.add(
            ContributionTag(
                contribution_id=target.id,
                set_by_id=actor.id if actor else None,
                **{column: int(ident)},
            )
        )
        added.append(key)
    return added


def _merge_one(target, source, *, actor, now, campaign=None) -> Merge:
    _check_not_merged(source)
    if _scheme_id(source) != _scheme_id(target):
        raise ModerationError(
            f"La n° {source.id} appartient à un autre schéma : on ne peut pas la fusionner."
        )
    source_before = snapshot(source)
    link = Merge(
        target_id=target.id,
        source_id=source.id,
        campaign_id=campaign.id if campaign else None,
        source_status=source.status,
        supports=source.support_count,
        weight=source.weight,
        tags=_movetag_keys(source, target, actor),
        merged_by_id=actor.id if actor else None,
        merged_at=now,
    )
    db.session.add(link)
    source.status, source.merged_into_id = "merged", target.id
    target.support_count += source.support_count
    target.weight += source.weight
    record(source, actor, "merge", source_before, reason=f"fusionnée dans n° {target.id}", now=now)
    return link


def merge(
    target: Contribution, sources: list[Contribution], *, actor, now, campaign=None
) -> Contribution:
    """Merge duplicates into ``target``, which is kept; each merge can be undone.

    Sources are kept (status merged); their supports and weight (how many people
    sent them) add up on the target, which also receives the tags it lacked.

    :raises ModerationError: nothing to merge, a contribution already merged, or
        contributions of two different schemes.
    """
    sources = list({s.id: s for s in sources if s.id != target.id}.values())
    if not sources:
        raise ModerationError("Choisissez au moins une autre contribution à fusionner.")
    _check_not_merged(target)
    before = snapshot(target)
    for source in sources:
        _merge_one(target, source, actor=actor, now=now, campaign=campaign)
    db.session.flush()
    ids = ", ".join(str(s.id) for s in sources)
    record(target, actor, "merge", before, reason=f"reçoit n° {ids}", now=now)
    return target


def merge_by_number(
    contribution: Contribution, number: int | None, *, keep_other: bool, actor, now
) -> Contribution:
    """« Fusionner avec le n° … »: merge two contributions named by their numbers.

    :param keep_other: keep contribution ``number`` (else ``contribution`` is kept).
    :returns: the contribution kept.
    :raises ModerationError: no such number, the same contribution, or see :func:`merge`.
    """
    other = db.session.get(Contribution, number) if number else None
    if other is None:
        raise ModerationError(f"Il n'y a pas de contribution n° {number or '?'}.")
    if other.id == contribution.id:
        raise ModerationError("Indiquez le numéro d'une autre contribution.")
    target, source = (other, contribution) if keep_other else (contribution, other)
    return merge(target, [source], actor=actor, now=now)


def active_merge(source: Contribution) -> Merge | None:
    """The merge that put ``source`` into another contribution, while not undone."""
    return db.session.scalar(
        sa.select(Merge)
        .where(Merge.source_id == source.id, Merge.undone_at.is_(None))
        .order_by(Merge.id.desc())
    )


def _give_back_tags(link: Merge, target: Contribution) -> None:
    """Take off ``target`` the tags ``link``'s merge gave it, except those another
    contribution still merged into it has too: that merge carries them from now on
    (undoing it takes them off), as if it had been merged alone."""
    others = db.session.scalars(
        sa.select(Merge)
        .where(Merge.target_id == target.id, Merge.undone_at.is_(None), Merge.id != link.id)
        .order_by(Merge.id)
    ).all()
    gone = []
    for key in link.tags or []:
        heir = next((other for other in others if key in tag_keys(other.source)), None)
        if heir is None:
            gone.append(key)
        else:
            heir.tags = [*(heir.tags or []), key]  # a new list: the JSON column sees it
    _removetag_keys(target, gone)


def _removetag_keys(target: Contribution, keys: list[str]) -> None:
    for key in keys:
        kind, _, ident = key.partition(":")
        column = ContributionTag.theme_id if kind == "theme" else ContributionTag.fiche_id
        db.session.execute(
            sa.delete(ContributionTag).where(
                ContributionTag.contribution_id == target.id, column == int(ident)
            )
        )


def undo_merge(source: Contribution, *, actor, now) -> Contribution:
    """Undo the merge of ``source``: its status, supports, weight and tags come back.

    :raises ModerationError: ``source`` is not merged, or its target was itself
        merged since (undo that merge first).
    """
    link = active_merge(source)
    if source.status != "merged":
        raise ModerationError("Cette contribution n'est pas fusionnée dans une autre.")
    if link is None:
        raise ModerationError(
            "Cette fusion date d'avant l'historique des fusions : elle ne peut pas être annulée."
        )
    target = db.session.get(Contribution, link.target_id)
    if target.status == "merged":
        raise ModerationError(
            f"La n° {target.id} a depuis été fusionnée dans la n° {target.merged_into_id} : "
            "annulez d'abord cette fusion-là."
        )
    before, source_before = snapshot(target), snapshot(source)
    source.status, source.merged_into_id = link.source_status, None
    target.support_count = max(0, target.support_count - link.supports)
    target.weight = max(1, target.weight - link.weight)
    _give_back_tags(link, target)
    link.undone_at, link.undone_by_id = now, actor.id if actor else None
    _leave_campaign(link, now)
    db.session.flush()
    record(source, actor, "unmerge", source_before, reason=f"sortie de la n° {target.id}", now=now)
    record(target, actor, "unmerge", before, reason=f"n° {source.id} ressortie", now=now)
    return source


def _leave_campaign(link: Merge, now) -> None:
    """A copy put back apart no longer counts in its campaign's « envoyé par N
    personnes »; a campaign left with no copy is no campaign any more (the kept text
    alone is one contribution)."""
    if link.campaign_id is None:
        return
    campaign = db.session.get(Campaign, link.campaign_id)
    if campaign is None or campaign.undone_at is not None:
        return
    campaign.size = max(1, campaign.size - link.weight)
    if not campaign_copies(campaign):
        campaign.undone_at = now


def merge_campaign(contributions: list[Contribution], *, actor, now) -> Campaign:
    """Merge a campaign (near-identical texts sent together) into its oldest text.

    The kept contribution weighs as many people as sent the text, and its origin
    stays visible: « texte identique envoyé par N personnes ».
    """
    ordered = sorted(contributions, key=lambda c: (c.created_at, c.id))
    if len(ordered) < 2:
        raise ModerationError("Une campagne réunit au moins deux contributions.")
    target = ordered[0]
    campaign = Campaign(
        meeting_id=target.meeting_id,
        contribution_id=target.id,
        size=sum(c.weight for c in ordered),
        first_at=ordered[0].created_at,
        last_at=ordered[-1].created_at,
        merged_by_id=actor.id if actor else None,
        merged_at=now,
    )
    db.session.add(campaign)
    db.session.flush()
    before = snapshot(target)
    merge(target, ordered[1:], actor=actor, now=now, campaign=campaign)
    record(target, actor, "campaign", before, reason=campaign.label, now=now)
    return campaign


def undo_campaign(campaign: Campaign, *, actor, now) -> Campaign:
    """Undo every merge of a campaign (each text becomes a contribution again)."""
    if campaign.undone_at is not None:
        raise ModerationError("Cette campagne a déjà été défaite.")
    links = db.session.scalars(
        sa.select(Merge).where(Merge.campaign_id == campaign.id, Merge.undone_at.is_(None))
    ).all()
    size = campaign.size  # what was undone, for the record (each copy out lowers it)
    for link in links:
        undo_merge(db.session.get(Contribution, link.source_id), actor=actor, now=now)
    campaign.size, campaign.undone_at = size, now
    return campaign


def campaign_copies(campaign: Campaign) -> int:
    """How many contributions undoing ``campaign`` puts back apart: its merged copies
    still merged (not the kept text, nor a copy whose merge was undone on its own).

    Not :attr:`Campaign.size`, which counts people (each copy's weight, the kept one's too).
    """
    return db.session.scalar(
        sa.select(sa.func.count(Merge.id)).where(
            Merge.campaign_id == campaign.id, Merge.undone_at.is_(None)
        )
    )


def campaign_of(contribution: Contribution) -> Campaign | None:
    """The campaign merged into ``contribution``, if any (for « envoyé par N personnes »)."""
    return db.session.scalar(
        sa.select(Campaign).where(
            Campaign.contribution_id == contribution.id, Campaign.undone_at.is_(None)
        )
    )


def merged_sources(target: Contribution) -> list[Contribution]:
    """The contributions merged into ``target`` (their authors count in syntheses)."""
    return db.session.scalars(
        sa.select(Contribution).where(Contribution.merged_into_id == target.id)
    ).all()


def keep_report(contribution: Contribution, *, reason: str, now, **_extra):
    """Keep a participant's new report in the audit trail.

    Receiver of ``contributions.services.contribution_reported`` (wired by ``init_app``).
    """
    return record(
        contribution,
        None,
        "report",
        snapshot(contribution),
        reason=REPORT_REASONS[reason],
        now=now,
    )


def handle_reports(contribution: Contribution, *, actor, now) -> int:
    """Mark the open reports of a contribution as handled (after a decision)."""
    reports = db.session.scalars(
        sa.select(Report).where(Report.contribution_id == contribution.id, Report.status == "open")
    ).all()
    for item in reports:
        item.status, item.handled_by_id, item.handled_at = "handled", actor.id, now
    if reports:
        record(
            contribution,
            actor,
            "report_handled",
            snapshot(contribution),
            reason=f"{len(reports)} signalement{plural_ending(reports)}",
            now=now,
        )
    return len(reports)


def init_app(app) -> None:
    """Keep every new report in the audit trail (signal sent by contributions)."""
    contribution_reported.connect(keep_report)
