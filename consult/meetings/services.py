"""Meeting use cases: create, edit, move through the lifecycle, record attendance."""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from consult.core.cache import public_figures
from consult.core.errors import DomainError
from consult.core.sanitize import clean_html, clean_line, clean_text
from consult.extensions import db
from consult.meetings.models import (
    KINDS,
    PARTICIPANT_TYPES,
    STATUSES,
    TRANSITIONS,
    Meeting,
    MinutesVersion,
    new_join_code,
)
from consult.meetings.permissions import visible_meeting_clause
from consult.schemes.models import Scheme, Territory, Theme

MAX_ATTENDANCE = 100_000


class MeetingError(DomainError):
    """A French message explaining why a meeting change was refused."""


@dataclass(frozen=True)
class MeetingFacts:
    """What the top of a meeting's public page shows, as plain values (kept: core.cache)."""

    id: int
    title: str
    kind_label: str
    status: str
    status_label: str
    is_open: bool
    held_on: date | None
    place: str
    territory_name: str
    user_groups: tuple[str, ...]
    description: str

    @classmethod
    def read(cls, meeting_id: int) -> "MeetingFacts | None":
        meeting = db.session.get(Meeting, meeting_id, options=[joinedload(Meeting.territory)])
        if meeting is None:
            return None
        return cls(
            id=meeting.id,
            title=meeting.title,
            kind_label=meeting.kind_label,
            status=meeting.status,
            status_label=meeting.status_label,
            is_open=meeting.is_open,
            held_on=meeting.held_on,
            place=meeting.place,
            territory_name=meeting.territory.name if meeting.territory else "",
            user_groups=tuple(meeting.user_groups or ()),
            description=meeting.description,
        )


def meeting_facts(meeting_id: int) -> MeetingFacts | None:
    """A meeting's facts, kept until a meeting changes (``core.cache.public_figures``).

    The public pages decide access on the kept status: a meeting never goes back to
    preparation (``TRANSITIONS``), and a change of status or a deletion refreshes it.
    """
    return public_figures(("meetings", "facts", meeting_id), lambda: MeetingFacts.read(meeting_id))


@dataclass
class MeetingDetails:
    """The editable fields of a meeting."""

    title: str
    kind: str
    scheme_id: int
    held_on: date | None = None
    place: str = ""
    description: str = ""
    territory_id: int | None = None
    theme_ids: list[int] = field(default_factory=list)
    user_groups: list[str] = field(default_factory=list)
    publish_immediately: bool = False
    # The working group chosen for a "groupe de travail" meeting, loaded by the caller:
    # meetings sit below working groups (pyproject.toml's import contract).
    working_group: Any = None


def visible_meetings(user) -> list[Meeting]:
    """Meetings this user may see, most recent first."""
    query = (
        sa.select(Meeting)
        .where(visible_meeting_clause(user))
        .order_by(Meeting.held_on.desc().nulls_last(), Meeting.id)
    )
    return db.session.scalars(query).all()


def find_by_join_code(code: str, statuses=("open",)) -> Meeting | None:
    """The meeting a join code leads to (case and spaces ignored), among ``statuses``.

    A closed meeting's code is still printed on posters: its QR code then leads to
    what the meeting produced.
    """
    normalised = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    if not normalised:
        return None
    return db.session.scalar(
        sa.select(Meeting).where(Meeting.join_code == normalised, Meeting.status.in_(statuses))
    )


def _apply(meeting: Meeting, details: MeetingDetails) -> Meeting:
    if details.kind not in KINDS:
        raise MeetingError("Choisissez le type de rencontre dans la liste.")
    scheme = db.session.get(Scheme, details.scheme_id)
    if scheme is None:
        raise MeetingError("Le schéma choisi n'existe pas.")
    title = clean_line(details.title)
    if len(title) < 3:
        raise MeetingError("Donnez un titre d'au moins 3 caractères à la rencontre.")
    territory = db.session.get(Territory, details.territory_id) if details.territory_id else None
    themes = db.session.scalars(
        sa.select(Theme).where(Theme.id.in_(details.theme_ids or []), Theme.scheme_id == scheme.id)
    ).all()
    meeting.title, meeting.kind, meeting.scheme = title, details.kind, scheme
    meeting.held_on, meeting.place = details.held_on, clean_line(details.place)
    meeting.description = clean_text(details.description)
    meeting.territory, meeting.themes = territory, list(themes)
    meeting.user_groups = [g for g in (clean_line(x) for x in details.user_groups) if g]
    meeting.publish_immediately = details.publish_immediately
    meeting.working_group_id = _working_group_id(details, scheme)
    return meeting


def _working_group_id(details: MeetingDetails, scheme: Scheme) -> int | None:
    """Only a "groupe de travail" meeting belongs to a group, of the same scheme."""
    group = details.working_group
    if details.kind != "groupe_de_travail" or group is None:
        return None
    if group.scheme_id != scheme.id:
        raise MeetingError("Choisissez un groupe de travail du schéma de la rencontre.")
    return group.id


def create_meeting(details: MeetingDetails, *, actor, now: datetime) -> Meeting:
    """Create a meeting in preparation (draft), with a fresh join code."""
    meeting = _apply(Meeting(status="draft", created_by_id=actor.id), details)
    meeting.join_code = _unused_join_code()
    db.session.add(meeting)
    db.session.flush()
    return meeting


def update_meeting(meeting: Meeting, details: MeetingDetails) -> Meeting:
    """Change a meeting's details; an archived meeting is frozen."""
    if meeting.status == "archived":
        raise MeetingError("Une rencontre archivée ne peut plus être modifiée.")
    _apply(meeting, details)
    db.session.flush()
    return meeting


def _unused_join_code() -> str:
    for _ in range(20):
        code = new_join_code()
        if not db.session.scalar(sa.select(Meeting.id).where(Meeting.join_code == code)):
            return code
    raise MeetingError("Impossible de créer un code de participation : réessayez.")


def change_status(meeting: Meeting, target: str, *, now: datetime) -> Meeting:
    """Move a meeting through draft → open → closed → archived."""
    if target not in TRANSITIONS.get(meeting.status, ()):
        raise MeetingError(
            f"Une rencontre « {meeting.status_label.lower()} » ne peut pas passer à "
            f"« {STATUSES.get(target, target).lower()} »."
        )
    meeting.status = target
    stamp = {"open": "opened_at", "closed": "closed_at", "archived": "archived_at"}[target]
    setattr(meeting, stamp, now)
    db.session.flush()
    return meeting


def _counts(raw: dict, allowed) -> dict[str, int]:
    counts = {}
    for key, value in (raw or {}).items():
        if key not in allowed:
            raise MeetingError(f"Catégorie de participants inconnue : {key}.")
        try:
            number = int(value or 0)
        except (TypeError, ValueError) as exc:
            raise MeetingError("Les effectifs doivent être des nombres entiers.") from exc
        if not 0 <= number <= MAX_ATTENDANCE:
            raise MeetingError(f"Effectif impossible : {number}.")
        if number:
            counts[key] = number
    return counts


def record_attendance(meeting: Meeting, by_type: dict, by_group: dict) -> Meeting:
    """Store the head counts by participant type and by user group."""
    meeting.attendance_by_type = _counts(by_type, PARTICIPANT_TYPES)
    meeting.attendance_by_group = _counts(by_group, set(meeting.user_groups or []))
    db.session.flush()
    return meeting


def close_meeting(
    meeting: Meeting,
    *,
    minutes: str,
    by_type: dict,
    by_group: dict,
    now: datetime,
    actor=None,
) -> Meeting:
    """Close an open meeting, recording its minutes (relevé de conclusions) and counts.

    Empty minutes leave the existing ones in place: closing again after a reopening
    must never erase what was written the first time.
    """
    record_attendance(meeting, by_type, by_group)
    if clean_html(minutes).strip():
        set_minutes(meeting, minutes, actor=actor, now=now)
    return change_status(meeting, "closed", now=now)


def set_minutes(meeting: Meeting, minutes: str, *, actor, now: datetime) -> Meeting:
    """Replace a meeting's minutes, keeping the previous text as a version.

    :raises MeetingError: when the meeting is archived (frozen).
    """
    if meeting.status == "archived":
        raise MeetingError("Une rencontre archivée ne peut plus être modifiée.")
    cleaned = clean_html(minutes)
    if cleaned == (meeting.minutes or ""):
        return meeting
    if meeting.minutes:
        db.session.add(
            MinutesVersion(
                meeting_id=meeting.id,
                body=meeting.minutes,
                replaced_at=now,
                replaced_by_id=getattr(actor, "id", None),
            )
        )
    meeting.minutes = cleaned
    db.session.flush()
    return meeting


def minutes_versions(meeting: Meeting) -> list[MinutesVersion]:
    """Earlier texts of the minutes, most recently replaced first."""
    return db.session.scalars(
        sa.select(MinutesVersion)
        .where(MinutesVersion.meeting_id == meeting.id)
        .order_by(MinutesVersion.replaced_at.desc(), MinutesVersion.id.desc())
    ).all()
