"""The administrator's token page: create (shown once), revoke, read the audit trail."""

import re

import pytest
import sqlalchemy as sa

from consult.accounts.models import Organisation, SecurityEvent
from consult.api.models import ApiToken

TOKEN = re.compile(r'value="(csk_[A-Za-z0-9_-]+)"')


@pytest.fixture
def caf(db):
    organisation = Organisation(name="CAF de Savoie", kind="institution")
    db.session.add(organisation)
    db.session.commit()
    return organisation


@pytest.fixture
def admin(make_user, login):
    user = make_user(role="admin")
    login(user)
    return user


def create(client, organisation, key="cle-du-formulaire-0001", **extra):
    data = {
        "organisation_id": organisation.id,
        "name": "Formulaire du site",
        "scopes": ["contributions:write"],
        "form_key": key,
        **extra,
    }
    return client.post("/admin/api", data=data)


def test_created_token_is_shown_once_and_works_for_the_api(client, db, caf, admin, world):
    response = create(client, caf)
    assert response.status_code == 200
    raw = TOKEN.search(response.text).group(1)
    token = db.session.scalars(sa.select(ApiToken)).one()
    assert token.organisation_id == caf.id
    assert raw not in client.get("/admin/api").text  # never again, only its prefix
    assert f"{token.prefix}…" in client.get("/admin/api").text
    answer = client.post(
        f"/api/v1/meetings/{world['public'].id}/contributions",
        json={"texte": "Les familles demandent un relais le samedi matin."},
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert answer.status_code == 201, answer.text
    page = client.get("/admin/api").text
    assert f"/api/v1/meetings/{world['public'].id}/contributions" in page  # audit trail
    kinds = db.session.scalars(sa.select(SecurityEvent.kind)).all()
    assert "api_token_created" in kinds


def test_a_double_submitted_form_creates_one_token(client, db, caf, admin):
    create(client, caf)
    again = create(client, caf)
    assert again.status_code == 303
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 1
    assert TOKEN.search(client.get(again.headers["Location"]).text) is None


def test_a_missing_organisation_or_permission_is_explained(client, db, caf, admin):
    response = create(client, caf, organisation_id=0, scopes=[])
    assert response.status_code == 422
    assert "Choisissez l&#39;organisation" in response.text
    assert "Cochez au moins une permission" in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0


def test_a_revoked_token_is_refused_at_once(client, db, caf, admin, world):
    raw = TOKEN.search(create(client, caf).text).group(1)
    token = db.session.scalars(sa.select(ApiToken)).one()
    response = client.post(f"/admin/api/jetons/{token.id}/revoquer")
    assert response.status_code == 303
    assert token.revoked_at is not None
    answer = client.post(
        f"/api/v1/meetings/{world['public'].id}/contributions",
        json={"texte": "Un texte après révocation du jeton."},
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert answer.status_code == 401


@pytest.mark.parametrize("role", ["facilitator", "partner", "participant"])
def test_only_the_administrator_manages_tokens(client, make_user, login, caf, role):
    login(make_user(role=role))
    assert client.get("/admin/api").status_code == 403
    assert create(client, caf).status_code == 403
