"""Submitting, finding and supporting contributions."""

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from blinker import Namespace
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from consult.analysis.personal_data import Finding, find_personal_data, mask_personal_data
from consult.contributions.models import (
    AUTHOR_TYPES,
    CHANNELS,
    KINDS,
    REPORT_REASONS,
    Contribution,
    Report,
    Support,
    contribution_publics,
)
from consult.core.db import add_once
from consult.core.errors import DomainError
from consult.core.idempotency import insert_once
from consult.core.pagination import Page
from consult.core.sanitize import clean_line, clean_text
from consult.core.security import STAFF
from consult.extensions import db
from consult.meetings.models import Meeting, MeetingForPosting
from consult.schemes.models import Public, Territory

MIN_LENGTH = 3
MAX_LENGTH = 5000
PER_PAGE = 20
# Sent with a newly stored contribution (not for bulk imports): reactions that belong
# to later domains, such as tag suggestions, subscribe to it instead of being imported.
contribution_submitted = Namespace().signal("contribution-submitted")
# Sent with the meeting after a bulk import: suggestions for all its rows in one job.
contributions_imported = Namespace().signal("contributions-imported")
# News for contributors (consult.digest) listens too: the optional address left at
# submission, and what /suivi shows (each receiver returns a template and its data).
news_address_given = Namespace().signal("news-address-given")
follow_up_shown = Namespace().signal("follow-up-shown")
# Sent with a new report (``reason``, ``now``): moderation keeps it in the audit trail.
contribution_reported = Namespace().signal("contribution-reported")


def published_page(*, page: int = 1, meeting_id=None, kind=None, territory_id=None) -> Page:
    """Published contributions, newest first, filtered and paginated."""
    filters = [Contribution.status == "published", Meeting.status != "draft"]
    if meeting_id:
        filters.append(Contribution.meeting_id == meeting_id)
    if kind:
        filters.append(Contribution.kind == kind)
    if territory_id:
        filters.append(Contribution.territory_id == territory_id)
    return newest_first_page(sa.select(Contribution).join(Meeting).where(*filters), page)


def newest_first_page(base, page: int = 1, *, clamp: bool = False) -> Page:
    """One page of the contributions ``base`` selects, newest first, ready for display.

    ``clamp`` brings a page past the end back to the last one.
    """
    total = db.session.scalar(sa.select(sa.func.count()).select_from(base.subquery()))
    page = max(1, page)
    if clamp:
        page = min(page, max(1, -(-total // PER_PAGE)))
    items = db.session.scalars(
        base.order_by(Contribution.created_at.desc(), Contribution.id.desc())
        .options(
            selectinload(Contribution.publics),
            selectinload(Contribution.organisation),
            selectinload(Contribution.territory),
            selectinload(Contribution.meeting),
        )
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    return Page(items=items, number=page, total=total, per_page=PER_PAGE)


class ContributionError(DomainError):
    """A French message explaining why a contribution was refused."""


class NotInserted(Exception):  # noqa: N818 - what happened, not a failure
    """Nothing was written for a meeting kept by the process (``kept=True``): the
    meeting's row is no longer what the copy says, or the same form was sent before.
    The caller reads the meeting again and submits as usual."""


@dataclass
class Draft:
    """What a participant (or a facilitator, for them) submits."""

    body: str
    kind: str = "proposition"
    author_type: str = "usager"
    channel: str = "en_ligne"
    pseudonym: str = ""
    public_ids: list[int] = field(default_factory=list)
    territory_id: int | None = None
    on_behalf_of: str = ""
    idempotency_key: str | None = None


def check_body(body: str | None) -> str:
    """Clean the text and check its length, with a French message."""
    text = clean_text(body)
    if len(text) < MIN_LENGTH:
        raise ContributionError(
            f"Votre contribution est trop courte : écrivez au moins {MIN_LENGTH} caractères."
        )
    if len(text) > MAX_LENGTH:
        raise ContributionError(
            f"Votre contribution est trop longue ({len(text)} caractères) : "
            f"{MAX_LENGTH} au maximum. Vous pouvez la découper en plusieurs contributions."
        )
    return text


def personal_data_findings(contribution: Contribution) -> list[Finding]:
    """Personal data detected in what goes public: the text, then the signature."""
    return find_personal_data(contribution.body or "") + find_personal_data(
        contribution.pseudonym or ""
    )


def detect_personal_data(contribution: Contribution) -> bool:
    """Set (and return) ``has_personal_data`` from the text and the signature."""
    contribution.has_personal_data = bool(personal_data_findings(contribution))
    return contribution.has_personal_data


def mask_signature(contribution: Contribution) -> list[Finding]:
    """Mask the personal data detected in the signature; returns what was masked."""
    findings = find_personal_data(contribution.pseudonym or "")
    if findings:
        masked = mask_personal_data(contribution.pseudonym, findings)
        contribution.pseudonym = masked[: Contribution.pseudonym.type.length]
    return findings


def _check_choices(draft: Draft) -> None:
    if draft.kind not in KINDS:
        raise ContributionError("Choisissez le type de contribution dans la liste.")
    if draft.author_type not in AUTHOR_TYPES:
        raise ContributionError("Choisissez qui vous êtes dans la liste.")
    if draft.channel not in CHANNELS:
        raise ContributionError("Canal de recueil inconnu.")


def find_by_idempotency_key(key: str | None) -> Contribution | None:
    """The contribution an earlier submission of the same form created, if any."""
    if not key:
        return None
    return db.session.scalar(sa.select(Contribution).where(Contribution.idempotency_key == key))


def _references(draft: Draft) -> tuple[list[Public], Territory | None]:
    publics = []
    if draft.public_ids:
        publics = db.session.scalars(sa.select(Public).where(Public.id.in_(draft.public_ids))).all()
        if len(publics) != len(set(draft.public_ids)):
            raise ContributionError("Un des publics choisis n'existe pas.")
    territory = db.session.get(Territory, draft.territory_id) if draft.territory_id else None
    if draft.territory_id and territory is None:
        raise ContributionError("Le territoire choisi n'existe pas.")
    return publics, territory


def _author_fields(actor, draft: Draft) -> dict:
    """Account, organisation or facilitator-on-behalf, as the actor's role implies."""
    if actor is None or not actor.is_authenticated:
        return {}
    if actor.role in STAFF and draft.channel != "en_ligne":
        return {"recorded_by_id": actor.id, "on_behalf_of": clean_line(draft.on_behalf_of)}
    fields = {"author_id": actor.id}
    if actor.role == "partner" and actor.organisation_id:
        fields["organisation_id"] = actor.organisation_id
    return fields


def submit_contribution(
    meeting: Meeting | MeetingForPosting,
    draft: Draft,
    *,
    actor=None,
    now: datetime,
    suggest: bool = True,
    kept: bool = False,
    alone: bool = False,
):
    """Create a contribution, or return the one an identical earlier submission made.

    A new contribution is announced (``contribution_submitted``; not with
    ``suggest=False``, bulk imports announce themselves once): tagging computes its
    suggestions, pending until then in its own row (``suggested_at`` NULL).

    ``kept``: ``meeting`` (a ``MeetingForPosting``) is a copy the process kept, not read
    in this transaction: the INSERT itself checks that the meeting's row still holds
    those values (open, same territory, same publication rule, same version).

    ``alone``: the caller writes nothing else in this transaction. A contribution that
    waits for moderation, without publics, is then the only row written (nothing public
    changes): its INSERT may run alone (``core.idempotency.insert_once``).

    :returns: ``(contribution, created)``; ``created`` is False for a repeat of
        the same form (double click, network retry), which never adds a row.
    :raises ContributionError: closed meeting, text too short or too long, bad choice.
    :raises NotInserted: with ``kept``, when nothing was inserted (meeting changed, or a
        repeat): nothing was written, the caller reads the meeting and submits again.
    """
    if meeting.status != "open":
        existing = find_by_idempotency_key(draft.idempotency_key)
        if existing is not None:  # a repeat of a form sent before the meeting closed
            return existing, False
        raise ContributionError(
            "Cette rencontre n'accepte plus de contributions : elle est "
            f"« {meeting.status_label.lower()} ». Votre texte n'a pas été enregistré."
        )
    body = check_body(draft.body)
    _check_choices(draft)
    publics, territory = _references(draft)
    contribution = Contribution(
        meeting_id=meeting.id,
        body=body,
        kind=draft.kind,
        author_type=draft.author_type,
        channel=draft.channel,
        pseudonym=clean_line(draft.pseudonym)[:80],
        territory_id=territory.id if territory else meeting.territory_id,
        idempotency_key=draft.idempotency_key or None,
        status="pending",
        consented_at=now,
        created_at=now,
        **_author_fields(actor, draft),
    )
    _publish_if_allowed(contribution, meeting, now)
    if contribution.organisation_id:
        contribution.author_type = "partenaire"
    only_if = meeting.unchanged() if kept else None
    alone = alone and contribution.status == "pending" and not publics
    contribution, created = _insert_once(contribution, meeting, publics, only_if, alone)
    if contribution is None:
        raise NotInserted(meeting.id)
    if created and suggest:
        contribution_submitted.send(contribution)
    return contribution, created


def _publish_if_allowed(contribution: Contribution, meeting: Meeting, now: datetime) -> None:
    """Publish at once where the meeting says so, unless personal data is detected.

    Detected personal data (text or signature) always waits for a moderator:
    nothing with a phone, an e-mail or a name goes public unread.
    """
    if detect_personal_data(contribution) or not meeting.publish_immediately:
        return
    contribution.status, contribution.published_at = "published", now


def _insert_once(
    draft: Contribution,
    meeting: Meeting | MeetingForPosting,
    publics: list[Public],
    only_if=None,
    alone: bool = False,
):
    """One ``INSERT … ON CONFLICT DO NOTHING``: a twin with the same key wins, we return it
    (with ``only_if``, ``(None, False)`` instead: see ``core.idempotency.insert_once``).

    ``draft`` becomes the new row (``core.idempotency.insert_once``): nothing read back.
    """
    contribution, created = insert_once(
        draft, Contribution.idempotency_key, only_if=only_if, alone=alone
    )
    if created:
        if isinstance(meeting, Meeting):  # else (read as columns) loaded when needed
            set_committed_value(contribution, "meeting", meeting)
        if publics:
            db.session.execute(
                sa.insert(contribution_publics),
                [{"contribution_id": contribution.id, "public_id": p.id} for p in publics],
            )
        set_committed_value(contribution, "publics", sorted(publics, key=lambda p: p.position))
    return contribution, created


def find_by_receipt(code: str) -> Contribution | None:
    """The contribution a receipt code was given for (case and spaces ignored)."""
    normalised = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    if len(normalised) != 10:
        return None
    receipt = f"{normalised[:5]}-{normalised[5:]}"
    return db.session.scalar(sa.select(Contribution).where(Contribution.receipt_code == receipt))


def support_contribution(contribution: Contribution, supporter_key: str, *, user=None, now):
    """Add one support; a second one from the same supporter changes nothing.

    :returns: True when the support was new.
    """
    if contribution.status != "published":
        raise ContributionError("On ne peut soutenir qu'une contribution publiée.")
    support = Support(
        contribution_id=contribution.id,
        supporter_key=supporter_key,
        user_id=user.id if user else None,
        created_at=now,
    )
    if not add_once(db.session, support):
        return False
    db.session.execute(
        sa.update(Contribution)
        .where(Contribution.id == contribution.id)
        .values(support_count=Contribution.support_count + 1)
    )
    db.session.refresh(contribution, ["support_count"])
    return True


def report_contribution(
    contribution: Contribution, reporter_key: str, *, reason: str, note: str = "", now
) -> bool:
    """Report a published contribution; a second report by the same person is ignored.

    A new report is announced (``contribution_reported``): the audit trail keeps it.
    :returns: True when the report is new.
    """
    if contribution.status != "published":
        raise ContributionError("On ne peut signaler qu'une contribution publiée.")
    if reason not in REPORT_REASONS:
        raise ContributionError("Choisissez la raison du signalement.")
    report = Report(
        contribution_id=contribution.id,
        reporter_key=reporter_key,
        reason=reason,
        note=clean_text(note)[:1000],
        created_at=now,
    )
    if not add_once(db.session, report):
        return False
    contribution_reported.send(contribution, reason=reason, now=now)
    return True


def published_since(
    meeting_id: int, since: datetime | None, after_id: int = 0, limit: int = 50
) -> list[Contribution]:
    """Contributions of a meeting published after the cursor ``(since, after_id)``.

    The cursor is the publication time, not the id: a contribution written
    early but published late by a moderator must still reach the live wall.
    """
    query = sa.select(Contribution).where(
        Contribution.meeting_id == meeting_id, Contribution.status == "published"
    )
    if since is not None:
        query = query.where(
            sa.or_(
                Contribution.published_at > since,
                sa.and_(Contribution.published_at == since, Contribution.id > after_id),
            )
        )
    return db.session.scalars(
        query.order_by(Contribution.published_at, Contribution.id).limit(limit)
    ).all()
