"""Issue 12 #7: erasure leaves no e-mail in the sign-in traces; data downloads are not cached."""

import sqlalchemy as sa

from consult.accounts.models import LoginAttempt, SecurityEvent
from tests.factories import DEFAULT_PASSWORD

EMAIL = "efface-moi@exemple.fr"


def _traces_holding(db, email: str) -> int:
    attempts = db.session.scalar(
        sa.select(sa.func.count(LoginAttempt.id)).where(LoginAttempt.email == email)
    )
    events = db.session.scalar(
        sa.select(sa.func.count(SecurityEvent.id)).where(SecurityEvent.detail.contains(email))
    )
    return attempts + events


def test_erasure_removes_the_address_from_login_attempts_and_security_log(client, make_user, db):
    user = make_user(email=EMAIL)
    client.post("/connexion", data={"email": EMAIL, "password": "pas-le-bon"})
    client.post("/connexion", data={"email": EMAIL, "password": DEFAULT_PASSWORD})
    assert _traces_holding(db, EMAIL) >= 2  # a failed attempt logs the address twice

    response = client.post("/mon-compte/effacer", data={"password": DEFAULT_PASSWORD})

    assert response.status_code == 303
    assert _traces_holding(db, EMAIL) == 0
    # The rows stay (dates, IPs): throttling and the security log still work.
    assert db.session.scalar(sa.select(sa.func.count(LoginAttempt.id))) == 2
    assert db.session.scalar(
        sa.select(sa.func.count(SecurityEvent.id)).where(SecurityEvent.user_id == user.id)
    )


def test_account_data_download_is_never_cached(client, make_user, login):
    login(make_user())
    response = client.get("/mon-compte/donnees")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_receipt_code_data_download_is_never_cached(client, make_contribution):
    contribution = make_contribution()
    response = client.post("/suivi/donnees", data={"code": contribution.receipt_code})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_static_files_keep_their_own_caching(client):
    with client.get("/static/css/consult.css") as response:
        assert response.status_code == 200
        assert "no-store" not in response.headers.get("Cache-Control", "")
