"""The audit trail of a contribution: every decision, who took it, when, before and after."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.accounts.models import User
from consult.contributions.models import Contribution
from consult.core.db import UTCDateTime, utcnow
from consult.extensions import db

ACTIONS = {
    "publish": "Publication",
    "reject": "Rejet",
    "edit": "Modification du texte",
    "mask": "Masquage de données personnelles",
    "merge": "Fusion de doublons",
    "unmerge": "Fusion annulée",
    "campaign": "Campagne de textes identiques regroupée",
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
