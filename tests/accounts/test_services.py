"""Passwords, throttling, invitations and tokens."""

from datetime import timedelta

import pytest
from argon2 import PasswordHasher, Type, extract_parameters

from consult.accounts import passwords, services
from consult.accounts.models import LoginAttempt, SecurityEvent
from consult.accounts.passwords import entropy_bits, password_problems, verify_password
from consult.core.db import utcnow
from tests.factories import DEFAULT_PASSWORD

SECRET = "clef-de-test"


@pytest.mark.parametrize("weak", ["court1!", "motdepassemotdep", "Azertyuiop12", "motdepasse123"])
def test_weak_passwords_are_refused_with_a_french_reason(weak):
    assert password_problems(weak)


@pytest.mark.parametrize(
    "strong", [DEFAULT_PASSWORD, "Le chat dort sur le canapé rouge", "x7#Kp!2qLm9$Zt"]
)
def test_strong_passwords_pass_the_cnil_rule(strong):
    assert password_problems(strong) == []
    assert entropy_bits(strong) >= 77


def test_password_containing_the_email_is_refused():
    assert any(
        "e-mail" in p for p in password_problems("Claire.Dupont#2024!", email="claire.dupont@x.fr")
    )


def test_passwords_are_hashed_with_argon2id(db, make_user):
    user = make_user()
    assert user.password_hash.startswith("$argon2id$")
    assert verify_password(user.password_hash, DEFAULT_PASSWORD)
    assert not verify_password(user.password_hash, "autre")


def test_production_hashes_follow_rfc_9106_and_are_checked_whatever_the_suite_uses():
    """The suite hashes cheaply (tests/__init__.py); production keeps RFC 9106's option."""
    production = PasswordHasher.from_parameters(passwords.PARAMETERS)
    stored = production.hash(DEFAULT_PASSWORD)
    parameters = extract_parameters(stored)
    assert parameters.type is Type.ID
    assert parameters.time_cost >= 3
    assert parameters.memory_cost >= 64 * 1024
    assert verify_password(stored, DEFAULT_PASSWORD)  # its own parameters, not the suite's
    assert not verify_password(stored, "autre")


def test_authenticate_records_success_and_renews_last_login(db, make_user, count):
    user = make_user(email="anne@exemple.fr")
    now = utcnow()
    assert (
        services.authenticate("  ANNE@exemple.fr ", DEFAULT_PASSWORD, ip="1.2.3.4", now=now) is user
    )
    assert user.last_login_at == now
    assert count(LoginAttempt, LoginAttempt.succeeded.is_(True)) == 1
    assert count(SecurityEvent, SecurityEvent.kind == "login") == 1


def test_wrong_password_gives_the_same_message_as_unknown_account(db, make_user):
    make_user(email="anne@exemple.fr")
    with pytest.raises(services.AccountError) as wrong:
        services.authenticate("anne@exemple.fr", "mauvais", ip="1.2.3.4", now=utcnow())
    with pytest.raises(services.AccountError) as unknown:
        services.authenticate("personne@exemple.fr", "mauvais", ip="1.2.3.4", now=utcnow())
    assert str(wrong.value) == str(unknown.value)


def test_login_is_throttled_after_repeated_failures_then_released(db, make_user):
    make_user(email="anne@exemple.fr")
    now = utcnow()
    for _ in range(5):
        with pytest.raises(services.AccountError):
            services.authenticate("anne@exemple.fr", "faux", ip="9.9.9.9", now=now)
    with pytest.raises(services.LoginThrottled):
        services.authenticate("anne@exemple.fr", DEFAULT_PASSWORD, ip="9.9.9.9", now=now)
    later = now + timedelta(minutes=16)
    assert services.authenticate("anne@exemple.fr", DEFAULT_PASSWORD, ip="9.9.9.9", now=later)


def test_suspended_or_uninvited_account_cannot_sign_in(db, make_user):
    make_user(email="suspendu@exemple.fr", is_active_account=False)
    make_user(email="invite@exemple.fr", password_hash=None)
    for email in ("suspendu@exemple.fr", "invite@exemple.fr"):
        with pytest.raises(services.AccountError):
            services.authenticate(email, DEFAULT_PASSWORD, ip="1.1.1.1", now=utcnow())


def test_partner_invitation_requires_an_organisation(db, make_user):
    admin = make_user(role="admin")
    with pytest.raises(services.AccountError, match="organisation"):
        services.invite_user(
            admin, email="p@caf.fr", display_name="P", role="partner", now=utcnow()
        )


def test_duplicate_invitation_is_refused(db, make_user):
    admin = make_user(role="admin")
    make_user(email="deja@exemple.fr")
    with pytest.raises(services.AccountError, match="existe déjà"):
        services.invite_user(
            admin,
            email="Deja@exemple.fr",
            display_name="X",
            role="facilitator",
            now=utcnow(),
        )


def test_invitation_token_sets_password_once(db, make_user):
    admin = make_user(role="admin")
    user = services.invite_user(
        admin,
        email="new@exemple.fr",
        display_name="<b>Nouvelle</b>",
        role="facilitator",
        now=utcnow(),
    )
    assert user.display_name == "Nouvelle"
    token = services.make_token(user, SECRET, services.INVITATION_SALT)
    found = services.read_token(token, SECRET, services.INVITATION_SALT, max_age=60)
    services.set_password(found, DEFAULT_PASSWORD, now=utcnow(), kind="invitation_accepted")
    with pytest.raises(services.AccountError, match="déjà été utilisé"):
        services.read_token(token, SECRET, services.INVITATION_SALT, max_age=60)


def test_tokens_expire_and_are_bound_to_their_purpose(db, make_user):
    user = make_user()
    token = services.make_token(user, SECRET, services.RESET_SALT)
    with pytest.raises(services.AccountError, match="pas valide"):
        services.read_token(token, SECRET, services.INVITATION_SALT, max_age=60)
    with pytest.raises(services.AccountError, match="expiré"):
        services.read_token(token, SECRET, services.RESET_SALT, max_age=-1)


def test_password_change_checks_current_and_signs_out_elsewhere(db, make_user):
    user = make_user()
    old_token = user.session_token
    with pytest.raises(services.AccountError, match="actuel"):
        services.change_password(user, "pas le bon", "Nouveau-Mot-De-Passe-7", now=utcnow())
    services.change_password(user, DEFAULT_PASSWORD, "Nouveau-Mot-De-Passe-7", now=utcnow())
    assert user.session_token != old_token
    assert verify_password(user.password_hash, "Nouveau-Mot-De-Passe-7")


def test_admin_cannot_suspend_themselves(db, make_user):
    admin = make_user(role="admin")
    with pytest.raises(services.AccountError):
        services.set_account_active(admin, admin, False, now=utcnow())


def test_security_log_is_purged_after_retention(db, make_user, count):
    now = utcnow()
    services.log_security_event("login", now=now - timedelta(days=400))
    services.log_security_event("login", now=now - timedelta(days=10))
    db.session.flush()
    services.purge_security_log(now=now, days=365)
    assert count(SecurityEvent) == 1
