"""Tags a contribution carries (who set them, from a suggestion or not) and suggestions."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.contributions.models import Contribution
from consult.core.db import UTCDateTime, utcnow
from consult.extensions import db
from consult.schemes.models import Fiche, Theme

TARGETS = ("theme", "fiche")


class ContributionTag(db.Model):
    """A theme or fiche set on a contribution by a facilitator."""

    __tablename__ = "contribution_tags"
    __table_args__ = (
        # Named by hand: the convention names a constraint after its first column only.
        sa.UniqueConstraint("contribution_id", "theme_id", name="uq_contribution_tags_theme"),
        sa.UniqueConstraint("contribution_id", "fiche_id", name="uq_contribution_tags_fiche"),
        sa.CheckConstraint("(theme_id IS NULL) <> (fiche_id IS NULL)", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contributions.id", ondelete="CASCADE"), index=True
    )
    theme_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("themes.id", ondelete="CASCADE"), index=True
    )
    fiche_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("fiches.id", ondelete="CASCADE"), index=True
    )
    set_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    from_suggestion: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    contribution: Mapped[Contribution] = relationship()
    theme: Mapped[Theme | None] = relationship()
    fiche: Mapped[Fiche | None] = relationship()

    @property
    def target(self) -> str:
        return "theme" if self.theme_id else "fiche"


class TagSuggestion(db.Model):
    """A suggested theme or fiche, its score and the words that justify it."""

    __tablename__ = "tag_suggestions"

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contributions.id", ondelete="CASCADE"), index=True
    )
    theme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("themes.id", ondelete="CASCADE"))
    fiche_id: Mapped[int | None] = mapped_column(sa.ForeignKey("fiches.id", ondelete="CASCADE"))
    score: Mapped[float] = mapped_column(sa.Float)
    words: Mapped[list] = mapped_column(sa.JSON, default=list)
    learned: Mapped[bool] = mapped_column(default=False)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    theme: Mapped[Theme | None] = relationship()
    fiche: Mapped[Fiche | None] = relationship()


class SuggestionRejection(db.Model):
    """A suggested theme or fiche a facilitator turned down for a contribution.

    Never suggested again for that contribution, and weighs against that label for
    texts like it (:mod:`consult.analysis.suggest`, rejection penalty).
    """

    __tablename__ = "suggestion_rejections"
    __table_args__ = (
        sa.UniqueConstraint("contribution_id", "theme_id", name="uq_suggestion_rejections_theme"),
        sa.UniqueConstraint("contribution_id", "fiche_id", name="uq_suggestion_rejections_fiche"),
        sa.CheckConstraint("(theme_id IS NULL) <> (fiche_id IS NULL)", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contributions.id", ondelete="CASCADE"), index=True
    )
    theme_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("themes.id", ondelete="CASCADE"), index=True
    )
    fiche_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("fiches.id", ondelete="CASCADE"), index=True
    )
    set_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
