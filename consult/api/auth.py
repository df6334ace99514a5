"""Bearer tokens: creation, revocation, and the check of the Authorization header."""

import hashlib
import secrets
from datetime import datetime

import sqlalchemy as sa

from consult.accounts.models import Organisation
from consult.api.models import SCOPES, ApiCall, ApiToken
from consult.extensions import db

TOKEN_PREFIX = "csk_"  # noqa: S105 - a public marker, not a secret


class TokenError(Exception):
    """A French message: why a token could not be created, or a call is refused."""

    def __init__(self, message: str, status: int = 401, token: ApiToken | None = None):
        super().__init__(message)
        self.status = status
        self.token = token  # the token presented, when it exists (for the audit)


def hash_token(raw: str) -> str:
    """SHA-256 of a token (tokens are random: no salt or slow hash needed)."""
    return hashlib.sha256(raw.encode("utf-8", "replace")).hexdigest()


def create_token(
    organisation: Organisation, scopes: list[str], *, name: str = "", now: datetime
) -> tuple[ApiToken, str]:
    """A new token for ``organisation``; the clear value is returned once, never stored."""
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise TokenError(
            "Portée inconnue ou absente : "
            + (", ".join(unknown) or "aucune")
            + ". Portées possibles : "
            + ", ".join(SCOPES)
            + ".",
            400,
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        organisation=organisation,
        name=name[:120],
        token_hash=hash_token(raw),
        prefix=raw[:12],
        scopes=" ".join(sorted(set(scopes))),
        created_at=now,
    )
    db.session.add(token)
    db.session.flush()
    return token, raw


def revoke_token(token: ApiToken, *, now: datetime) -> None:
    """Revoke ``token`` (idempotent: a revoked token keeps its first date)."""
    if token.revoked_at is None:
        token.revoked_at = now


def bearer(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer …`` header, or None."""
    scheme, _, value = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def authenticate(header: str | None, scope: str, *, now: datetime) -> ApiToken:
    """The active token of the header holding ``scope``; marks it used.

    :raises TokenError: 401 without a valid active token, 403 without the scope.
    """
    raw = bearer(header)
    if raw is None:
        raise TokenError("Jeton d'accès manquant : en-tête « Authorization: Bearer … ».")
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == hash_token(raw)))
    if token is None or not token.active:
        raise TokenError("Jeton d'accès inconnu ou révoqué.")
    if scope not in token.scope_set:
        raise TokenError(f"Ce jeton n'a pas la portée « {scope} ».", 403, token)
    token.last_used_at = now
    return token


def tokens() -> list[ApiToken]:
    """Every token, active ones first, newest first."""
    return db.session.scalars(
        sa.select(ApiToken).order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())
    ).all()


def recent_calls(limit: int = 50) -> list[ApiCall]:
    """The latest write calls, newest first (the audit trail the administrator reads)."""
    return db.session.scalars(
        sa.select(ApiCall).order_by(ApiCall.called_at.desc(), ApiCall.id.desc()).limit(limit)
    ).all()
