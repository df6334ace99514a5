"""Account use cases: invite, sign in (throttled), passwords, reset."""

import hashlib
import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from blinker import Namespace
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError

from consult.accounts.models import (
    ROLES,
    LoginAttempt,
    Organisation,
    SecurityEvent,
    User,
)
from consult.accounts.passwords import (
    dummy_hash,
    hash_password,
    password_problems,
    verify_password,
)
from consult.core.errors import DomainError
from consult.core.sanitize import clean_line
from consult.extensions import db

log = logging.getLogger(__name__)
# Sent with the person when their account page is drawn: later domains (what became of
# their contributions, in consult.followup) answer with a section to show, a template and
# its data, instead of being imported by accounts.
account_shown = Namespace().signal("account-shown")

INVITATION_SALT = "consult-invitation"
RESET_SALT = "consult-password-reset"
# Events after which earlier failed sign-ins no longer lock the account out.
PASSWORD_SET_KINDS = ("password_reset", "password_changed", "invitation_accepted")


class AccountError(DomainError):
    """A French message explaining why an account operation was refused."""


class LoginThrottled(AccountError):
    """Too many failed attempts: sign-in refused for a while."""

    status = 429


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
    # Tokens embed a digest of the current hash and address: once the password
    # is set or changed, or the account erased (address and hash emptied), every
    # earlier invitation or reset link stops working.
    material = f"{user.password_hash or ''}\0{user.email}"
    return hashlib.sha256(material.encode()).hexdigest()[:16]


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
    closed = user is not None and not user.is_active_account  # suspended or erased
    if user is None or closed or data.get("fp") != _fingerprint(user):
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


def register_participant(*, email, display_name, now) -> tuple[User, str]:
    """Let a participant open an account; the password is chosen from an e-mailed link.

    The answer on screen is the same whatever the address (no account
    enumeration): what differs is the message sent to the address itself.

    :returns: the account and what to send: ``"activate"`` (new or not yet
        activated account: the link to choose a password), ``"existing"`` (an
        active account: a reminder with a reset link) or ``"closed"`` (suspended).
    """
    email = normalise_email(email)
    user = find_user_by_email(email)
    if user is None:
        user = User(email=email, display_name=clean_line(display_name), role="participant")
        try:
            with db.session.begin_nested():  # the same address sent twice at once
                db.session.add(user)
                db.session.flush()
        except IntegrityError:
            return find_user_by_email(email), "activate"
        log_security_event("registered", user=user, now=now)
        return user, "activate"
    if not user.is_active_account:
        return user, "closed"
    return user, "existing" if user.password_hash else "activate"


def _recent_failures(since, *where) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(LoginAttempt.id)).where(
            LoginAttempt.succeeded.is_(False), LoginAttempt.at >= since, *where
        )
    )


def _password_last_set(email: str) -> datetime | None:
    """When the account's password was last set (a reset lifts its lock)."""
    return db.session.scalar(
        sa.select(sa.func.max(SecurityEvent.at))
        .join(User, User.id == SecurityEvent.user_id)
        .where(User.email == email, SecurityEvent.kind.in_(PASSWORD_SET_KINDS))
    )


def check_throttle(
    email: str,
    ip: str,
    *,
    now: datetime,
    max_failures: int,
    minutes: int,
    account_max_failures: int | None = None,
):
    """Raise LoginThrottled after too many recent failures.

    The lock falls on the failing source: this address from this IP
    (``max_failures``), or this IP for any address (four times that). Someone
    guessing an administrator's password thus locks themselves out, not the
    administrator. Failures from every source together lock the account itself
    past ``account_max_failures`` (a distributed guess); setting a new password
    through the reset link lifts every lock on the account.
    """
    since = now - timedelta(minutes=minutes)
    last_set = _password_last_set(email)
    account_since = max(since, last_set) if last_set else since
    by_source = _recent_failures(account_since, LoginAttempt.email == email, LoginAttempt.ip == ip)
    by_ip = _recent_failures(since, LoginAttempt.ip == ip)
    by_account = _recent_failures(account_since, LoginAttempt.email == email)
    account_max = account_max_failures or max_failures * 20
    if by_source >= max_failures or by_ip >= max_failures * 4 or by_account >= account_max:
        raise LoginThrottled(
            "Trop de tentatives de connexion. Par sécurité, patientez "
            f"{minutes} minutes avant de réessayer, ou réinitialisez votre mot de passe "
            "(« Mot de passe oublié ») : le nouveau mot de passe lève le blocage."
        )


def authenticate(email, password, *, ip, now, max_failures=5, minutes=15, **limits) -> User:
    """Return the user for these credentials, or raise AccountError.

    Every attempt is recorded and throttled (see ``check_throttle``; ``limits``
    may hold ``account_max_failures``). An unknown address costs the same
    Argon2 verification as a known one, against a dummy hash, so that the
    response time does not reveal which addresses have an account.
    """
    email = normalise_email(email)
    check_throttle(email, ip, now=now, max_failures=max_failures, minutes=minutes, **limits)
    user = find_user_by_email(email)
    usable = user is not None and user.is_active
    matches = verify_password(user.password_hash if usable else dummy_hash(), password)
    ok = usable and matches
    db.session.add(LoginAttempt(email=email, ip=ip, succeeded=ok, at=now))
    if not ok:
        log_security_event("login_failed", user=user, ip=ip, now=now, detail=email)
        raise AccountError("Adresse e-mail ou mot de passe incorrect.")
    user.last_login_at = now
    log_security_event("login", user=user, ip=ip, now=now)
    return user


def sign_out(user: User, *, now: datetime) -> User:
    """Sign ``user`` out everywhere: every session and "remember me" cookie dies.

    Both carry the account's session token (``User.get_id``); renewing it makes
    a copied or remembered cookie worthless, which clearing the browser's own
    cookies cannot do.
    """
    user.renew_session_token()
    log_security_event("logout", user=user, now=now)
    return user


def forget_sign_in_traces(user: User) -> None:
    """Remove the account's e-mail address from login attempts and the security log.

    Called when the account is erased (RGPD), before its address is replaced; the
    rows stay (dates, IPs) so that throttling and the security log keep working.
    """
    email = normalise_email(user.email)
    placeholder = f"compte-efface-{user.id}"
    db.session.execute(
        sa.update(LoginAttempt).where(LoginAttempt.email == email).values(email=placeholder)
    )
    db.session.execute(
        sa.update(SecurityEvent)
        .where(SecurityEvent.detail.contains(email, autoescape=True))
        .values(detail=sa.func.replace(SecurityEvent.detail, email, placeholder))
    )
    user.renew_session_token()


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
