"""Merges of duplicates and campaigns of identical texts (participants' reports are
:mod:`consult.contributions`', the audit trail of every decision :mod:`consult.history`)."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.contributions.models import Contribution
from consult.core.db import UTCDateTime, utcnow
from consult.extensions import db

REJECTION_REASONS = {
    "hors_sujet": "Hors sujet",
    "injurieux": "Propos injurieux",
    "donnees_personnelles": "Données personnelles",
    "doublon": "Doublon",
    "autre": "Autre",
}


class Campaign(db.Model):
    """Near-identical texts sent together to a meeting, merged into one contribution."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    contribution_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("contributions.id", ondelete="SET NULL"), index=True
    )
    size: Mapped[int] = mapped_column()  # texts merged, the kept one included
    first_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime)
    merged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    merged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    contribution: Mapped[Contribution | None] = relationship()

    @property
    def label(self) -> str:
        return f"texte identique envoyé par {self.size} personnes"


class Merge(db.Model):
    """One contribution merged into another, and what moved, so the merge can be undone."""

    __tablename__ = "merges"

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contributions.id", ondelete="CASCADE"), index=True
    )
    source_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contributions.id", ondelete="CASCADE"), index=True
    )
    campaign_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("campaigns.id", ondelete="SET NULL"), index=True
    )
    source_status: Mapped[str] = mapped_column(sa.String(20))  # restored on undo
    supports: Mapped[int] = mapped_column(default=0)  # added to the target
    weight: Mapped[int] = mapped_column(default=1)  # added to the target
    tags: Mapped[list] = mapped_column(sa.JSON, default=list)  # "theme:3" added to the target
    merged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    merged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    undone_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    target: Mapped[Contribution] = relationship(foreign_keys=[target_id])
    source: Mapped[Contribution] = relationship(foreign_keys=[source_id])
