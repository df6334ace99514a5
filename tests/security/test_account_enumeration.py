"""Issue 12 #12: sign-up and sign-in do not reveal which addresses have an account."""

import logging

import pytest

from consult.accounts import services
from consult.accounts.models import User
from consult.core.db import utcnow


def _register(client, email):
    return client.post(
        "/inscription",
        data={"display_name": "Camille", "email": email},
        follow_redirects=True,
    )


def _page_without_address(response, email) -> str:
    return response.text.replace(email, "ADRESSE")


def test_signing_up_with_a_taken_address_looks_like_any_sign_up(client, make_user, caplog):
    taken = make_user(email="deja@exemple.fr", display_name="Déjà Là")
    with caplog.at_level(logging.WARNING, logger="consult.mail"):
        known = _register(client, taken.email)
        unknown = _register(client, "nouvelle@exemple.fr")

    assert known.status_code == unknown.status_code == 200
    assert _page_without_address(known, taken.email) == _page_without_address(
        unknown, "nouvelle@exemple.fr"
    )
    assert "existe déjà" not in known.text
    # The owner of the taken address is told by e-mail, with a way back in.
    mails = [r.getMessage() for r in caplog.records if r.name == "consult.mail"]
    to_owner = next(m for m in mails if taken.email in m)
    assert "Vous avez déjà un compte" in to_owner
    assert "/reinitialiser/" in to_owner
    assert taken.display_name == "Déjà Là"  # the existing account is untouched


def test_signing_up_never_sets_the_password_of_an_existing_account(client, make_user, db):
    taken = make_user(email="cible@exemple.fr")
    before = taken.password_hash
    client.post(
        "/inscription",
        data={
            "display_name": "Pirate",
            "email": taken.email,
            "password": "Mot-De-Passe-Du-Pirate-2026",
            "confirm": "Mot-De-Passe-Du-Pirate-2026",
        },
    )
    db.session.refresh(taken)
    assert taken.password_hash == before
    assert taken.display_name != "Pirate"


@pytest.fixture
def verifications(monkeypatch):
    """Every password hash ``authenticate`` verifies (the slow Argon2 step)."""
    seen = []
    real = services.verify_password

    def counting(password_hash, password):
        seen.append(password_hash)
        return real(password_hash, password)

    monkeypatch.setattr(services, "verify_password", counting)
    return seen


@pytest.mark.parametrize("state", ["unknown", "suspended", "not activated"])
def test_sign_in_costs_one_argon2_verification_whatever_the_address(
    db, make_user, verifications, state
):
    email = f"{state.replace(' ', '-')}@exemple.fr"
    if state == "suspended":
        make_user(email=email, is_active_account=False)
    elif state == "not activated":
        make_user(email=email, password_hash=None)
    with pytest.raises(services.AccountError):
        services.authenticate(email, "Un-Mot-De-Passe-2026", ip="192.0.2.1", now=utcnow())
    assert len(verifications) == 1
    assert verifications[0].startswith("$argon2id$")  # a real hash, as slow as any


def test_known_address_costs_the_same_single_verification(db, make_user, verifications):
    user = make_user()
    with pytest.raises(services.AccountError):
        services.authenticate(user.email, "faux-mot-de-passe", ip="192.0.2.1", now=utcnow())
    assert verifications == [user.password_hash]


@pytest.mark.parametrize("path", ["/inscription", "/mot-de-passe-oublie"])
def test_mail_sending_forms_are_rate_limited_per_source(client, limits_on, path):
    statuses = [
        client.post(path, data={"display_name": "Camille", "email": f"n{n}@exemple.fr"}).status_code
        for n in range(11)
    ]
    assert statuses[:10] == [302] * 10
    assert statuses[10] == 429


def test_one_address_cannot_be_flooded_from_many_sources(client, limits_on, make_user):
    user = make_user()
    statuses = [
        client.post(
            "/mot-de-passe-oublie",
            data={"email": user.email},
            environ_base={"REMOTE_ADDR": f"192.0.2.{n}"},
        ).status_code
        for n in range(6)
    ]
    assert statuses == [302] * 5 + [429]


def test_registration_creates_one_account_per_address(client, count):
    for _ in range(2):
        _register(client, "double@exemple.fr")
    assert count(User, User.email == "double@exemple.fr") == 1
