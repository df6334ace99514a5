"""A meeting (rencontre) and the themes it covers."""

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.core.db import TimestampMixin, UTCDateTime
from consult.extensions import db
from consult.schemes.models import Scheme, Territory, Theme

KINDS = {
    "concertation_territoriale": "Concertation territoriale",
    "universite_sociale": "Université sociale",
    "groupe_de_travail": "Groupe de travail",
    "forum_social": "Forum social",
    "conference_sociale": "Conférence sociale territoriale",
    "consultation_instance": "Consultation d'instance",
    "consultation_en_ligne": "Consultation en ligne",
}
# Meetings held in a room take an attendance sheet; an online consultation has none.
WITHOUT_ATTENDANCE = frozenset({"consultation_en_ligne"})
STATUSES = {
    "draft": "En préparation",
    "open": "Ouverte aux contributions",
    "closed": "Close",
    "archived": "Archivée",
}
# Allowed lifecycle moves: draft → open → closed → archived (reopening a closed
# meeting is allowed, for a session that resumes after a break).
TRANSITIONS = {
    "draft": ("open",),
    "open": ("closed",),
    "closed": ("open", "archived"),
    "archived": (),
}
PARTICIPANT_TYPES = {
    "usagers": "Usagers",
    "proches_aidants": "Proches et aidants",
    "professionnels": "Professionnels",
    "partenaires": "Partenaires",
    "elus": "Élus",
    "agents": "Agents du Département",
}
# No 0/O/1/I/L: a join code is read aloud and typed on a phone.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

meeting_themes = sa.Table(
    "meeting_themes",
    db.metadata,
    sa.Column("meeting_id", sa.ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("theme_id", sa.ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
)


def new_join_code(length: int = 6) -> str:
    """A short random code participants type to reach a meeting."""
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(length))


class MeetingStatus:
    """A meeting's status in words, for the model and for its rows read as columns."""

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)

    @property
    def is_open(self) -> bool:
        return self.status == "open"


class Meeting(MeetingStatus, TimestampMixin, db.Model):
    """A rencontre where contributions are gathered (never called a session)."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(
        sa.ForeignKey("schemes.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(40))
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(20), default="draft", index=True)
    held_on: Mapped[date | None] = mapped_column(sa.Date)
    place: Mapped[str] = mapped_column(sa.String(300), default="")
    territory_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("territories.id", ondelete="RESTRICT"), index=True
    )
    join_code: Mapped[str] = mapped_column(sa.String(12), unique=True, default=new_join_code)
    user_groups: Mapped[list] = mapped_column(sa.JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    # True: contributions appear at once (moderated afterwards); False: a
    # facilitator publishes each one first (safer with vulnerable publics).
    publish_immediately: Mapped[bool] = mapped_column(default=False)
    minutes: Mapped[str] = mapped_column(sa.Text, default="")
    attendance_by_type: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    attendance_by_group: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A "groupe de travail" meeting belongs to its working group.
    working_group_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("working_groups.id", ondelete="SET NULL"), index=True
    )

    scheme: Mapped[Scheme] = relationship()
    territory: Mapped[Territory | None] = relationship()
    themes: Mapped[list[Theme]] = relationship(secondary=meeting_themes, order_by=Theme.position)

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def participant_count(self) -> int:
        """Attendance, counted by participant type (each person once)."""
        return sum(int(n) for n in (self.attendance_by_type or {}).values())


class MinutesVersion(db.Model):
    """A previous text of a meeting's minutes, kept when they are replaced."""

    __tablename__ = "meeting_minutes_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[str] = mapped_column(sa.Text)
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime)
    replaced_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )


@dataclass(frozen=True)
class MeetingForPosting(MeetingStatus):
    """What a contribution's POST needs of its meeting, read as columns (no ORM load):
    read in the POST's own transaction, so a meeting closed a moment before refuses."""

    id: int
    status: str
    territory_id: int | None
    publish_immediately: bool
    updated_at: datetime

    @classmethod
    def read(cls, meeting_id: int) -> "MeetingForPosting | None":
        row = db.session.execute(_posting_query(), {"meeting_id": meeting_id}).first()
        return cls(*row) if row is not None else None

    def unchanged(self) -> tuple[sa.ColumnElement[bool], dict]:
        """A condition (and its values) that holds while the meeting's row is still what
        this object says: for an INSERT that decides on a copy kept by the process."""
        values = {f"kept_{name}": getattr(self, name) for name in self.__dataclass_fields__}
        return _unchanged_condition(), values


@cache
def _posting_query() -> sa.Select:
    """Built once: each POST only binds its meeting's id."""
    columns = (getattr(Meeting, name) for name in MeetingForPosting.__dataclass_fields__)
    return sa.select(*columns).where(Meeting.id == sa.bindparam("meeting_id"))


@cache
def _unchanged_condition() -> sa.ColumnElement[bool]:
    """Built once: the meeting's row exists and has each value of a ``MeetingForPosting``
    (bound as ``kept_<column>``), NULL equal to NULL."""
    names = [name for name in MeetingForPosting.__dataclass_fields__ if name != "id"]
    return sa.exists().where(
        Meeting.id == sa.bindparam("kept_id"),
        *(
            getattr(Meeting, name).is_not_distinct_from(sa.bindparam(f"kept_{name}"))
            for name in names
        ),
    )
