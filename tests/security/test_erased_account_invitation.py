"""Issue 12 #5: an erased account cannot be re-armed with its old invitation link."""

from consult.accounts import services
from consult.core.db import utcnow
from tests.factories import DEFAULT_PASSWORD

NEW_PASSWORD = "Une-Phrase-Pour-Revenir-2026"


def _invited_then_erased(client, make_user, db):
    admin = make_user(role="admin")
    invited = services.invite_user(
        admin,
        email="ancienne@exemple.fr",
        display_name="Ancienne",
        role="facilitator",
        now=utcnow(),
    )
    db.session.commit()
    token = services.make_token(
        invited, client.application.config["SECRET_KEY"], services.INVITATION_SALT
    )
    data = {"password": DEFAULT_PASSWORD, "confirm": DEFAULT_PASSWORD}
    assert client.post(f"/invitation/{token}", data=data).status_code == 302
    response = client.post("/mon-compte/effacer", data={"password": DEFAULT_PASSWORD})
    assert response.status_code == 303
    db.session.refresh(invited)
    assert invited.password_hash is None  # erased
    return admin, invited, token


def test_old_invitation_link_is_dead_after_erasure(client, make_user, db):
    _, erased, token = _invited_then_erased(client, make_user, db)

    assert client.get(f"/invitation/{token}").status_code == 404
    response = client.post(
        f"/invitation/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.status_code == 404
    db.session.refresh(erased)
    assert erased.password_hash is None
    assert not erased.is_active


def test_old_invitation_link_stays_dead_if_the_account_is_restored(client, make_user, db):
    admin, erased, token = _invited_then_erased(client, make_user, db)
    services.set_account_active(admin, erased, True, now=utcnow())
    db.session.commit()

    response = client.post(
        f"/invitation/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.status_code == 404
    db.session.refresh(erased)
    assert erased.password_hash is None


def test_suspended_account_cannot_use_its_invitation(client, make_user, db):
    admin = make_user(role="admin")
    invited = make_user(role="facilitator", password_hash=None, invited_by_id=admin.id)
    token = services.make_token(
        invited, client.application.config["SECRET_KEY"], services.INVITATION_SALT
    )
    services.set_account_active(admin, invited, False, now=utcnow())
    db.session.commit()
    assert client.get(f"/invitation/{token}").status_code == 404
