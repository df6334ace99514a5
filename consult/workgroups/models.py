"""Working groups (groupes de travail), what they read and what they decide.

The group's roster (``WorkingGroup``, ``Membership``, ``working_group_fiches``) is in
:mod:`consult.schemes.models`: meetings, fiches and syntheses refer to it, below this
package. What a synthesis shared with a group is, and who validated it
(``GroupSynthesis``, ``SynthesisValidation``), is in :mod:`consult.synthesis.models`.

A working group reads the syntheses shared with it, discusses each idea, has its user
representatives co-validate a synthesis, drafts fiches actions (``Fiche`` rows with a
``status`` below ``adoptee``) from synthesis ideas, and records the decision
(:class:`Decision`, "suite donnée") on each contribution it answers.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.core.db import TimestampMixin, UTCDateTime, utcnow
from consult.extensions import db

DECISION_OUTCOMES = {
    "retenue": "Retenue",
    "partiellement_retenue": "Partiellement retenue",
    "non_retenue": "Non retenue",
    "hors_champ": "Hors du champ du schéma",
}
# Outcomes that must say why (shown to the participant on their receipt page).
OUTCOMES_WITH_REASON = ("partiellement_retenue", "non_retenue", "hors_champ")
# What the participant reads on their receipt page, per outcome.
RECEIPT_SENTENCES = {
    "retenue": "Votre proposition a été retenue.",
    "partiellement_retenue": "Votre proposition a été retenue en partie.",
    "non_retenue": "Votre proposition n'a pas été retenue.",
    "hors_champ": "Votre proposition ne relève pas du schéma.",
}


class IdeaComment(db.Model):
    """A message in a group's discussion of one idea of one synthesis version.

    An idea is named by its place in the version's (immutable) document:
    ``section`` and ``idea`` indexes.
    """

    __tablename__ = "idea_comments"
    __table_args__ = (
        sa.Index("ix_idea_comments_thread", "working_group_id", "version_id", "section", "idea"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    working_group_id: Mapped[int] = mapped_column(
        sa.ForeignKey("working_groups.id", ondelete="CASCADE")
    )
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("synthesis_versions.id", ondelete="CASCADE"), index=True
    )
    section: Mapped[int] = mapped_column()
    idea: Mapped[int] = mapped_column()
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author = relationship("User")


class FicheIdea(db.Model):
    """A synthesis idea a fiche answers (label and ids copied: the version may be superseded)."""

    __tablename__ = "fiche_ideas"
    __table_args__ = (sa.UniqueConstraint("fiche_id", "version_id", "section", "idea"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fiche_id: Mapped[int] = mapped_column(
        sa.ForeignKey("fiches.id", ondelete="CASCADE"), index=True
    )
    version_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("synthesis_versions.id", ondelete="SET NULL")
    )
    section: Mapped[int] = mapped_column()
    idea: Mapped[int] = mapped_column()
    label: Mapped[str] = mapped_column(sa.String(500))
    size: Mapped[int] = mapped_column(default=0)


class FicheContribution(db.Model):
    """A contribution a fiche answers (from one of its ideas, or linked by hand)."""

    __tablename__ = "fiche_contributions"
    __table_args__ = (sa.UniqueConstraint("fiche_id", "contribution_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fiche_id: Mapped[int] = mapped_column(
        sa.ForeignKey("fiches.id", ondelete="CASCADE"), index=True
    )
    contribution_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contributions.id", ondelete="CASCADE"), index=True
    )
    fiche_idea_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("fiche_ideas.id", ondelete="SET NULL")
    )

    fiche = relationship("Fiche")
    contribution = relationship("Contribution")


class FicheStatusChange(db.Model):
    """A step of a fiche's validation, with who decided, when, and the recorded decision."""

    __tablename__ = "fiche_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    fiche_id: Mapped[int] = mapped_column(
        sa.ForeignKey("fiches.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[str] = mapped_column(sa.String(20))
    to_status: Mapped[str] = mapped_column(sa.String(20))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    meeting_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="SET NULL")
    )
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    decided_by = relationship("User")
    meeting = relationship("Meeting")


class Decision(TimestampMixin, db.Model):
    """What became of one contribution (suite donnée): one current decision per contribution."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contributions.id", ondelete="CASCADE"), unique=True
    )
    outcome: Mapped[str] = mapped_column(sa.String(30))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    fiche_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("fiches.id", ondelete="SET NULL"), index=True
    )
    action_id: Mapped[int | None] = mapped_column(sa.ForeignKey("actions.id", ondelete="SET NULL"))
    working_group_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("working_groups.id", ondelete="SET NULL"), index=True
    )
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    contribution = relationship("Contribution")
    fiche = relationship("Fiche")
    action = relationship("Action")
    working_group = relationship("WorkingGroup")

    @property
    def outcome_label(self) -> str:
        return DECISION_OUTCOMES.get(self.outcome, self.outcome)
