"""A fiche's adopting deliberation, with the fields of the SCDL « Délibérations » schema."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from consult.core.db import TimestampMixin
from consult.extensions import db


class Deliberation(TimestampMixin, db.Model):
    """The deliberation of the conseil départemental that adopted a fiche (one per fiche)."""

    __tablename__ = "deliberations"

    id: Mapped[int] = mapped_column(primary_key=True)
    fiche_id: Mapped[int] = mapped_column(
        sa.ForeignKey("fiches.id", ondelete="CASCADE"), unique=True
    )
    # SCDL DELIB_ID: the identifier the collectivité gives the act (e.g. "CD-2026-11-042").
    identifier: Mapped[str] = mapped_column(sa.String(100))
    # SCDL DELIB_DATE: the day of the vote.
    voted_on: Mapped[date] = mapped_column(sa.Date)
    # SCDL DELIB_URL: where the act is published.
    url: Mapped[str] = mapped_column(sa.String(500), default="")
