"""Account use cases: invite, sign in (throttled), passwords, reset."""

import hashlib
import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from consult.accounts.models import (
    ROLES,
    LoginAttempt,
    Organisation,
    SecurityEvent,
    User,
)
from consult.accounts.passwords import hash_password, password_problems, verify_password
from consult.core.sanitize import clean_line
from consult.extensions import db

log = logging.getLogger(__name__)

INVITATION_SALT = "consult-invitation"
RESET_SALT = "consult-password-reset"


class AccountError(Exception):
    """A French message explaining why an account operation was refused."""


class LoginThrottled(AccountError):
    """Too many failed attempts: sign-in refused for a while."""


def normalise_email(email: str) -> str:
    """Lower-case and trim an e-mail address."""
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    """Return the account with this e-mail address, if any."""
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def log_security_event(kind, *, user=None, actor=None, ip="", detail="", now=None):
    """Record a security-relevant event in the security log (not committed)."""
    event = SecurityEvent(
        kind=kind,
        user_id=user.id if user else None,
        actor_id=actor.id if actor else None,
        ip=ip or "",
        detail=detail[:500],
    )
    if now is not None:
        event.at = now
    db.session.add(event)
    return event


def create_organisation(name: str, kind: str) -> Organisation:
    """Create a partner organisation; names are unique."""
    name = clean_line(name)
    if not name:
        raise AccountError("Le nom de l'organisation est obligatoire.")
    if db.session.scalar(sa.select(Organisation).where(Organisation.name == name)):
        raise AccountError(f"L'organisation « {name} » existe déjà.")
    organisation = Organisation(name=name, kind=kind)
    db.session.add(organisation)
    db.session.flush()
    return organisation


def _fingerprint(user: User) -> str:
    # Tokens embed a digest of the current hash: once the password is set or
    # changed, every earlier invitation or reset link stops working.
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def _serializer(secret_key: str, salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=salt)


def make_token(user: User, secret_key: str, salt: str) -> str:
    """Sign a single-use token for ``user`` (invitation or reset)."""
    return _serializer(secret_key, salt).dumps({"uid": user.id, "fp": _fingerprint(user)})


def read_token(token: str, secret_key: str, salt: str, max_age: int) -> User:
    """Return the user a token was made for, or raise AccountError in French."""
    try:
        data = _serializer(secret_key, salt).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise AccountError("Ce lien a expiré. Demandez-en un nouveau.") from exc
    except BadSignature as exc:
        raise AccountError("Ce lien n'est pas valide.") from exc
    user = db.session.get(User, data.get("uid"))
    if user is None or data.get("fp") != _fingerprint(user):
        raise AccountError("Ce lien a déjà été utilisé ou n'est plus valide.")
    return user


def invite_user(actor, *, email, display_name, role, organisation=None, now) -> User:
    """Create an account without password for a staff member or partner.

    :raises AccountError: unknown role, duplicate e-mail, partner without organisation.
    """
    email = normalise_email(email)
    if role not in ROLES:
        raise AccountError("Ce rôle n'existe pas.")
    if role == "partner" and organisation is None:
        raise AccountError("Un compte partenaire doit être rattaché à une organisation.")
    if find_user_by_email(email):
        raise AccountError(f"Un compte existe déjà pour {email}.")
    user = User(
        email=email,
        display_name=clean_line(display_name),
        role=role,
        organisation=organisation,
        invited_by_id=actor.id,
        invited_at=now,
    )
    db.session.add(user)
    db.session.flush()
    log_security_event("invitation", user=user, actor=actor, now=now, detail=role)
    return user


def set_password(user: User, password: str, *, now: datetime, kind: str) -> User:
    """Set a new password after checking it; signs the user out elsewhere."""
    problems = password_problems(password, email=user.email)
    if problems:
        raise AccountError(" ".join(problems))
    user.password_hash = hash_password(password)
    user.renew_session_token()
    log_security_event(kind, user=user, now=now)
    return user


def change_password(user: User, current: str, new: str, *, now: datetime) -> User:
    """Change a password, checking the current one first."""
    if not verify_password(user.password_hash, current):
        raise AccountError("Le mot de passe actuel est incorrect.")
    return set_password(user, new, now=now, kind="password_changed")


def register_participant(*, email, display_name, password, now) -> User:
    """Let a participant open an account by themselves."""
    email = normalise_email(email)
    if find_user_by_email(email):
        raise AccountError("Un compte existe déjà pour cette adresse.")
    user = User(email=email, display_name=clean_line(display_name), role="participant")
    db.session.add(user)
    set_password(user, password, now=now, kind="registered")
    db.session.flush()
    return user


def _recent_failures(column, value, since) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(LoginAttempt.id)).where(
            column == value, LoginAttempt.succeeded.is_(False), LoginAttempt.at >= since
        )
    )


def check_throttle(email: str, ip: str, *, now: datetime, max_failures: int, minutes: int):
    """Raise LoginThrottled after too many recent failures for this address or IP."""
    since = now - timedelta(minutes=minutes)
    by_email = _recent_failures(LoginAttempt.email, email, since)
    by_ip = _recent_failures(LoginAttempt.ip, ip, since)
    if by_email >= max_failures or by_ip >= max_failures * 4:
        raise LoginThrottled(
            "Trop de tentatives de connexion. Par sécurité, patientez "
            f"{minutes} minutes avant de réessayer, ou réinitialisez votre mot de passe."
        )


def authenticate(email, password, *, ip, now, max_failures=5, minutes=15) -> User:
    """Return the user for these credentials, or raise AccountError.

    Every attempt is recorded; past ``max_failures`` recent failures for the
    address (or four times that for the IP), attempts are refused outright.
    """
    email = normalise_email(email)
    check_throttle(email, ip, now=now, max_failures=max_failures, minutes=minutes)
    user = find_user_by_email(email)
    ok = user is not None and user.is_active and verify_password(user.password_hash, password)
    db.session.add(LoginAttempt(email=email, ip=ip, succeeded=ok, at=now))
    if not ok:
        log_security_event("login_failed", user=user, ip=ip, now=now, detail=email)
        raise AccountError("Adresse e-mail ou mot de passe incorrect.")
    user.last_login_at = now
    log_security_event("login", user=user, ip=ip, now=now)
    return user


def set_account_active(actor: User, user: User, active: bool, *, now) -> User:
    """Suspend or restore an account (never one's own)."""
    if actor.id == user.id:
        raise AccountError("Vous ne pouvez pas suspendre votre propre compte.")
    user.is_active_account = active
    user.renew_session_token()
    log_security_event(
        "account_restored" if active else "account_suspended",
        user=user,
        actor=actor,
        now=now,
    )
    return user


def purge_security_log(*, now: datetime, days: int) -> int:
    """Delete security events and login attempts older than ``days`` (CNIL: 6–12 months)."""
    cutoff = now - timedelta(days=days)
    deleted = db.session.execute(sa.delete(SecurityEvent).where(SecurityEvent.at < cutoff))
    attempts = db.session.execute(sa.delete(LoginAttempt).where(LoginAttempt.at < cutoff))
    return deleted.rowcount + attempts.rowcount
