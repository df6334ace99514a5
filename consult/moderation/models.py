"""The audit trail of moderation decisions and participants' reports."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.accounts.models import User
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
REPORT_REASONS = {
    "injurieux": "Propos injurieux ou discriminatoires",
    "donnees_personnelles": "Contient des données personnelles",
    "hors_sujet": "Hors sujet",
    "autre": "Autre raison",
}
ACTIONS = {
    "publish": "Publication",
    "reject": "Rejet",
    "edit": "Modification du texte",
    "mask": "Masquage de données personnelles",
    "merge": "Fusion de doublons",
    "unmerge": "Fusion annulée",
    "report": "Signalement",
    "report_handled": "Signalement traité",
    "tag": "Étiquette ajoutée",
    "untag": "Étiquette retirée",
    "anonymise": "Anonymisation à la demande de la personne",
    "withdraw": "Retrait à la demande de la personne",
}


class ModerationEvent(db.Model):
    """One decision: who, when, what before and after, why. Never updated."""

    __tablename__ = "moderation_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("contributions.id", ondelete="SET NULL"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(sa.String(30), index=True)
    before: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    after: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    actor: Mapped[User | None] = relationship()
    contribution: Mapped[Contribution | None] = relationship()

    @property
    def action_label(self) -> str:
        return ACTIONS.get(self.action, self.action)


class Report(db.Model):
    """A participant's or partner's report on a published contribution."""

    __tablename__ = "reports"
    __table_args__ = (sa.UniqueConstraint("contribution_id", "reporter_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contributions.id", ondelete="CASCADE"), index=True
    )
    reporter_key: Mapped[str] = mapped_column(sa.String(80))
    reason: Mapped[str] = mapped_column(sa.String(30))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(20), default="open", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    handled_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    contribution: Mapped[Contribution] = relationship()
