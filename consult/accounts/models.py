"""Accounts, partner organisations, login attempts and the security log."""

import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.core.db import TimestampMixin, UTCDateTime, utcnow
from consult.extensions import db

ROLES = {
    "admin": "Administrateur·rice",
    "facilitator": "Animateur·rice",
    "member": "Membre de groupe de travail",
    "partner": "Partenaire",
    "participant": "Participant·e",
}

ORGANISATION_KINDS = {
    "departement": "Département",
    "caf": "CAF",
    "ars": "ARS",
    "ccas": "CCAS / CIAS",
    "association": "Association",
    "etat": "Services de l'État",
    "education": "Éducation nationale",
    "sante": "Établissement de santé",
    "autre": "Autre",
}


def _new_session_token() -> str:
    return secrets.token_urlsafe(16)


class Organisation(TimestampMixin, db.Model):
    """A partner organisation (CAF, ARS, association…) or the Département itself."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(30), default="autre")

    members: Mapped[list["User"]] = relationship(back_populates="organisation")

    @property
    def kind_label(self) -> str:
        return ORGANISATION_KINDS.get(self.kind, self.kind)


class User(UserMixin, TimestampMixin, db.Model):
    """A person who signs in. Participants may also contribute without an account."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(120))
    role: Mapped[str] = mapped_column(sa.String(20), default="participant", index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    # Part of the login cookie: renewing it signs the user out everywhere.
    session_token: Mapped[str] = mapped_column(sa.String(64), default=_new_session_token)
    is_active_account: Mapped[bool] = mapped_column(default=True)
    invited_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation | None] = relationship(back_populates="members")

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:
        return self.is_active_account and self.password_hash is not None

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)

    def renew_session_token(self) -> None:
        self.session_token = _new_session_token()


class LoginAttempt(db.Model):
    """A sign-in attempt, kept to throttle guessing (CNIL: restrict attempts)."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    ip: Mapped[str] = mapped_column(sa.String(64), index=True)
    succeeded: Mapped[bool] = mapped_column(default=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class SecurityEvent(db.Model):
    """Security-relevant event (sign-in, lock, password change…), kept 6–12 months."""

    __tablename__ = "security_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40), index=True)
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    ip: Mapped[str] = mapped_column(sa.String(64), default="")
    detail: Mapped[str] = mapped_column(sa.String(500), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
