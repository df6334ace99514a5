"""Participants' rights (RGPD) and retention: download, anonymise, withdraw, purge.

A participant identified by their receipt code (or their account) can download
what the platform holds about a contribution, anonymise it (the text stays, the
signature goes) or withdraw it (the text goes too). The retention job removes,
after ``RETENTION_DAYS``, what moderators masked and the pseudonyms.
"""

from datetime import datetime, timedelta

import sqlalchemy as sa

from consult.accounts.services import forget_sign_in_traces
from consult.contributions.models import Contribution, ContributionImport
from consult.contributions.services import detect_personal_data
from consult.extensions import db
from consult.followup.tracing import export_answer
from consult.history.models import ModerationEvent
from consult.history.services import record, snapshot
from consult.schemes.models import Membership

WITHDRAWN_TEXT = "[Contribution retirée par son auteur ou son autrice]"
PURGED = "[texte d'origine effacé]"


def export_data(contribution: Contribution) -> dict:
    """Everything kept about one contribution, as the participant may download it."""
    return {
        "code_de_suivi": contribution.receipt_code,
        "rencontre": contribution.meeting.title,
        "date": contribution.created_at.isoformat(),
        "consentement": contribution.consented_at.isoformat()
        if contribution.consented_at
        else None,
        "texte": contribution.body,
        "texte_avant_moderation": contribution.original_body,
        "type": contribution.kind_label,
        "vous_etes": contribution.author_type_label,
        "signature": contribution.pseudonym or None,
        "publics": [p.label for p in contribution.publics],
        "territoire": contribution.territory.name if contribution.territory else None,
        "canal": contribution.channel_label,
        "etat": contribution.status_label,
        "motif_de_rejet": contribution.rejection_note or contribution.rejection_reason or None,
        "soutiens_recus": contribution.support_count,
        "suite_donnee": export_answer(contribution),
        "conservation": (
            "Le texte d'origine et la signature sont effacés au plus tard à l'issue de la durée "
            "de conservation fixée par le Département ; le texte publié reste anonyme."
        ),
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _scrub_trail(contribution: Contribution, replacement: str | None) -> None:
    """The audit trail keeps states, not words: texts in it are replaced."""
    events = db.session.scalars(
        sa.select(ModerationEvent).where(ModerationEvent.contribution_id == contribution.id)
    )
    for event in events:
        for side in ("before", "after"):
            state = dict(getattr(event, side) or {})
            if "body" in state:
                state["body"] = replacement if replacement is not None else contribution.body
                setattr(event, side, state)


def anonymise(contribution: Contribution, *, now: datetime) -> Contribution:
    """Keep the (published) words, forget who said them and what was masked."""
    before = snapshot(contribution)
    contribution.pseudonym = ""
    contribution.author_id = None
    contribution.original_body = None
    detect_personal_data(contribution)  # what the signature held is gone
    _scrub_trail(contribution, None)
    record(contribution, None, "anonymise", before, reason="demande de la personne", now=now)
    return contribution


def _status_before_merge(source: Contribution) -> str:
    """What a merged contribution was (published or pending) when it was merged."""
    event = db.session.scalar(
        sa.select(ModerationEvent)
        .where(ModerationEvent.contribution_id == source.id, ModerationEvent.action == "merge")
        .order_by(ModerationEvent.at.desc(), ModerationEvent.id.desc())
        .limit(1)
    )
    status = (event.before or {}).get("status") if event is not None else None
    return status if status in ("published", "pending") else "published"


def _release_merged(target: Contribution, *, now: datetime) -> None:
    """The contributions merged into a withdrawn one stand again on their own.

    They were written by other people, who are told their contribution still
    counts: withdrawing the target must not hide them with it.
    """
    sources = db.session.scalars(
        sa.select(Contribution).where(
            Contribution.merged_into_id == target.id, Contribution.status == "merged"
        )
    ).all()
    for source in sources:
        before = snapshot(source)
        source.status, source.merged_into_id = _status_before_merge(source), None
        if source.status == "published":
            source.published_at = source.published_at or now
        target.support_count = max(0, target.support_count - source.support_count)
        reason = f"n° {target.id} retirée par son auteur ou son autrice"
        record(source, None, "unmerge", before, reason=reason, now=now)


def _leave_merge_target(source: Contribution) -> None:
    """A withdrawn merged contribution stops counting in the one it was merged into."""
    target = db.session.get(Contribution, source.merged_into_id)
    if target is not None:
        target.support_count = max(0, target.support_count - source.support_count)
    source.merged_into_id = None


def withdraw(contribution: Contribution, *, now: datetime) -> Contribution:
    """Remove the text everywhere; the contribution is no longer shown nor counted.

    Contributions merged into it come back on their own; if it was itself
    merged, its supports leave the contribution it was merged into.
    """
    before = snapshot(contribution)
    _release_merged(contribution, now=now)
    if contribution.merged_into_id is not None:
        _leave_merge_target(contribution)
    contribution.pseudonym = ""
    contribution.author_id = None
    contribution.original_body = None
    contribution.body = WITHDRAWN_TEXT
    contribution.status = "withdrawn"
    contribution.has_personal_data = False
    _scrub_trail(contribution, WITHDRAWN_TEXT)
    before["body"] = WITHDRAWN_TEXT
    record(contribution, None, "withdraw", before, reason="demande de la personne", now=now)
    return contribution


def purge_expired(*, now: datetime, days: int) -> int:
    """Retention: after ``days``, drop masked originals, pseudonyms and texts in the trail.

    :returns: how many contributions were purged.
    """
    cutoff = now - timedelta(days=days)
    expired = db.session.scalars(
        sa.select(Contribution).where(
            Contribution.created_at < cutoff,
            sa.or_(Contribution.original_body.is_not(None), Contribution.pseudonym != ""),
        )
    ).all()
    for contribution in expired:
        contribution.original_body = None
        contribution.pseudonym = ""
        _scrub_trail(contribution, None)
    return len(expired)


def purge_uploads(*, now: datetime, days: int) -> int:
    """Retention of uploaded files: scrub imported ones, drop those left unimported.

    An imported file keeps its record (name, counts) but not its content; a file
    uploaded more than ``days`` ago and never imported is deleted.

    :returns: how many uploads were scrubbed or deleted.
    """
    cutoff = now - timedelta(days=days)
    uploads = db.session.scalars(
        sa.select(ContributionImport).where(
            sa.or_(
                sa.and_(ContributionImport.status == "imported", ContributionImport.content != b""),
                sa.and_(
                    ContributionImport.status != "imported", ContributionImport.created_at < cutoff
                ),
            )
        )
    ).all()
    for upload in uploads:
        if upload.status == "imported":
            upload.content = b""
        else:
            db.session.delete(upload)
    return len(uploads)


def export_account(user) -> dict:
    """An account and everything written with it (RGPD right of access)."""
    contributions = db.session.scalars(
        sa.select(Contribution).where(Contribution.author_id == user.id).order_by(Contribution.id)
    )
    return {
        "compte": {
            "adresse": user.email,
            "nom_affiche": user.display_name,
            "role": user.role,
            "organisation": user.organisation.name if user.organisation else None,
            "derniere_connexion": _iso(user.last_login_at),
        },
        "contributions": [export_data(c) for c in contributions],
    }


def _leave_working_groups(user) -> None:
    """An erased account leaves its groups; its messages stay, signed « Compte effacé »."""
    db.session.execute(sa.delete(Membership).where(Membership.user_id == user.id))


def erase_account(user, *, now: datetime) -> int:
    """Anonymise the account's contributions, then empty and close the account.

    :returns: how many contributions were anonymised.
    """
    contributions = db.session.scalars(
        sa.select(Contribution).where(Contribution.author_id == user.id)
    ).all()
    for contribution in contributions:
        anonymise(contribution, now=now)
    _leave_working_groups(user)
    forget_sign_in_traces(user)  # before the address changes: the traces hold it
    user.email = f"compte-efface-{user.id}@invalid"
    user.display_name = "Compte effacé"
    user.password_hash = None
    user.is_active_account = False
    user.organisation_id = None
    return len(contributions)
