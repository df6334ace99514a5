"""Branding settings the administrator sets (one row)."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from consult.core.db import TimestampMixin
from consult.extensions import db

DEFAULT_COLOUR = "#1d4f91"


class SiteSettings(TimestampMixin, db.Model):
    """The Département's name, logo and colour, shown on every page."""

    __tablename__ = "site_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    department_name: Mapped[str] = mapped_column(sa.String(120), default="Département")
    platform_name: Mapped[str] = mapped_column(sa.String(120), default="Consult")
    primary_colour: Mapped[str] = mapped_column(sa.String(7), default=DEFAULT_COLOUR)
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="")
    logo: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    logo_mimetype: Mapped[str] = mapped_column(sa.String(40), default="")
