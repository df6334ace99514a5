"""Follow-up data: action milestones and indicator measurements.

Progress and indicator definitions live on the scheme's own rows (``Action.progress``,
``Indicator.kind``/``unit``/``baseline``/``target``); this module adds what is dated.
"""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.core.db import UTCDateTime, utcnow
from consult.extensions import db

ACTION_STATUSES = {
    "a_venir": "À venir",
    "en_cours": "En cours",
    "realisee": "Réalisée",
    "suspendue": "Suspendue",
    "abandonnee": "Abandonnée",
}


class Milestone(db.Model):
    """A dated step of an action (jalon)."""

    __tablename__ = "milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(
        sa.ForeignKey("actions.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(sa.String(300))
    due_on: Mapped[date | None] = mapped_column(sa.Date)
    done_on: Mapped[date | None] = mapped_column(sa.Date)
    position: Mapped[int] = mapped_column(default=0)

    action = relationship("Action", back_populates="milestones")


class Measurement(db.Model):
    """One yearly value of an indicator, for the whole Département or one territory."""

    __tablename__ = "measurements"
    __table_args__ = (
        sa.Index(
            "uq_measurements_department",
            "indicator_id",
            "year",
            unique=True,
            sqlite_where=sa.text("territory_id IS NULL"),
            postgresql_where=sa.text("territory_id IS NULL"),
        ),
        sa.UniqueConstraint("indicator_id", "year", "territory_id"),
        sa.CheckConstraint("year BETWEEN 1900 AND 2200", name="ck_measurements_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(
        sa.ForeignKey("indicators.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int] = mapped_column()
    territory_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("territories.id", ondelete="RESTRICT")
    )
    value: Mapped[float | None] = mapped_column(sa.Float)
    text_value: Mapped[str] = mapped_column(sa.Text, default="")  # qualitative indicators
    source: Mapped[str] = mapped_column(sa.String(300), default="")
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    entered_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    indicator = relationship("Indicator", back_populates="measurements")
    territory = relationship("Territory")
