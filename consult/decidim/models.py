"""What a Decidim import remembers: the file it read and the Decidim id of each row."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.contributions.models import Contribution
from consult.core.db import TimestampMixin
from consult.extensions import db

RECORD_KINDS = ("proposal", "comment")


class DecidimImport(TimestampMixin, db.Model):
    """One import of a Decidim export into a meeting; its checksum refuses a repeat."""

    __tablename__ = "decidim_imports"
    __table_args__ = (
        sa.UniqueConstraint("meeting_id", "checksum", name="uq_decidim_imports_file"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    checksum: Mapped[str] = mapped_column(sa.String(64))
    proposal_count: Mapped[int] = mapped_column(default=0)
    comment_count: Mapped[int] = mapped_column(default=0)


class DecidimRecord(db.Model):
    """A contribution made from a Decidim proposal or comment (a comment names its proposal)."""

    __tablename__ = "decidim_records"
    __table_args__ = (
        sa.UniqueConstraint("meeting_id", "kind", "decidim_id", name="uq_decidim_records_row"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(
        sa.ForeignKey("decidim_imports.id", ondelete="CASCADE"), index=True
    )
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    decidim_id: Mapped[int] = mapped_column(sa.BigInteger)
    contribution_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contributions.id", ondelete="CASCADE"), unique=True
    )
    # A comment's proposal, as a contribution of this platform.
    proposal_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("contributions.id", ondelete="CASCADE"), index=True
    )
    # Decidim categories, scopes and taxonomies, kept even when no theme matches them.
    labels: Mapped[list] = mapped_column(sa.JSON, default=list)

    contribution: Mapped[Contribution] = relationship(foreign_keys=[contribution_id])
