"""Issue 12 #11: failed sign-ins lock the failing source, not the account's owner."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from consult.accounts import services
from consult.accounts.models import LoginAttempt
from consult.core.db import utcnow
from tests.factories import DEFAULT_PASSWORD

ATTACKER, OWNER = "203.0.113.66", "198.51.100.10"
NEW_PASSWORD = "Une-Toute-Nouvelle-Phrase-2026"


def _fail(email, ip, times, now):
    for _ in range(times):
        with pytest.raises(services.AccountError):
            services.authenticate(email, "devine-moi", ip=ip, now=now)


def test_five_bad_passwords_do_not_lock_the_administrator_out(db, make_user):
    admin = make_user(role="admin")
    now = utcnow()
    _fail(admin.email, ATTACKER, 5, now)

    assert services.authenticate(admin.email, DEFAULT_PASSWORD, ip=OWNER, now=now) == admin
    with pytest.raises(services.LoginThrottled):  # the attacker's source stays locked
        services.authenticate(admin.email, DEFAULT_PASSWORD, ip=ATTACKER, now=now)


def test_over_http_the_owner_signs_in_while_the_attacker_is_locked(client, app, make_user):
    admin = make_user(role="admin")
    for _ in range(6):
        response = client.post(
            "/connexion",
            data={"email": admin.email, "password": "devine-moi"},
            environ_base={"REMOTE_ADDR": ATTACKER},
        )
    assert response.status_code == 429
    owner = app.test_client()
    response = owner.post(
        "/connexion",
        data={"email": admin.email, "password": DEFAULT_PASSWORD},
        environ_base={"REMOTE_ADDR": OWNER},
    )
    assert response.status_code == 302


def test_a_distributed_guess_locks_the_account_until_a_reset(db, make_user):
    user = make_user()
    now = utcnow()
    for n in range(4):
        _fail(user.email, f"192.0.2.{n}", 4, now)  # 16 failures, none reaching 5 per source
    with pytest.raises(services.LoginThrottled):
        services.authenticate(
            user.email, DEFAULT_PASSWORD, ip=OWNER, now=now, account_max_failures=16
        )

    # The real person resets the password (e-mailed link): the lock is lifted.
    services.set_password(user, NEW_PASSWORD, now=now + timedelta(seconds=1), kind="password_reset")
    later = now + timedelta(seconds=2)
    assert services.authenticate(
        user.email, NEW_PASSWORD, ip=OWNER, now=later, account_max_failures=16
    )


def test_a_reset_also_unlocks_the_source_that_failed(db, make_user):
    user = make_user()
    now = utcnow()
    _fail(user.email, OWNER, 5, now)  # the owner forgot their password
    services.set_password(user, NEW_PASSWORD, now=now + timedelta(seconds=1), kind="password_reset")
    later = now + timedelta(seconds=2)
    assert services.authenticate(user.email, NEW_PASSWORD, ip=OWNER, now=later) == user
    failures = db.session.scalar(
        sa.select(sa.func.count(LoginAttempt.id)).where(LoginAttempt.succeeded.is_(False))
    )
    assert failures == 5  # the lock was lifted, not the record erased
