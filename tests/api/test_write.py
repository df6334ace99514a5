"""The partner write API: tokens, scopes, revocation, idempotency, moderation, audit."""

import pytest
import sqlalchemy as sa

from consult.api import auth
from consult.api.models import ApiCall
from consult.contributions.models import Contribution
from consult.core.db import utcnow

BODY = {"texte": "Les familles demandent un relais petite enfance le samedi matin."}


def post(client, meeting, headers=None, json=BODY):
    return client.post(
        f"/api/v1/meetings/{meeting.id}/contributions", json=json, headers=headers or {}
    )


def calls(db):
    return db.session.scalars(sa.select(ApiCall).order_by(ApiCall.id)).all()


def test_partner_submits_a_contribution_as_its_organisation(client, db, world, make_token):
    token, headers = make_token()
    response = post(client, world["public"], headers)
    assert response.status_code == 201, response.text
    body = response.get_json()
    contribution = db.session.get(Contribution, body["id"])
    assert contribution.organisation_id == token.organisation_id
    assert contribution.author_type == "partenaire"
    assert contribution.status == body["statut"] == "pending"  # moderated like the form
    assert token.last_used_at is not None
    [call] = calls(db)
    assert (call.token_id, call.status_code, call.contribution_id) == (
        token.id,
        201,
        contribution.id,
    )
    assert call.organisation_id == token.organisation_id
    assert call.method == "POST"


def test_personal_data_waits_for_a_moderator_even_where_publishing_is_immediate(
    client, db, world, make_token
):
    world["public"].publish_immediately = True
    _, headers = make_token()
    ok = post(client, world["public"], headers).get_json()
    phone = post(
        client, world["public"], headers, {"texte": "Appelez-moi au 06 12 34 56 78 merci"}
    ).get_json()
    assert ok["statut"] == "published"
    assert phone["statut"] == "pending"


def test_same_idempotency_key_creates_one_contribution(client, db, world, make_token):
    _, headers = make_token()
    headers["Idempotency-Key"] = "envoi-42"
    first = post(client, world["public"], headers)
    again = post(client, world["public"], headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["id"] == again.get_json()["id"]
    assert again.get_json()["cree"] is False
    count = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Contribution)
        .where(Contribution.meeting_id == world["public"].id, Contribution.status == "pending")
    )
    assert count == 2  # the world's pending one and this one
    assert [c.status_code for c in calls(db)] == [201, 200]


def test_keys_of_two_organisations_never_collide(client, db, world, make_token):
    _, one = make_token()
    _, two = make_token()
    one["Idempotency-Key"] = two["Idempotency-Key"] = "envoi-1"
    first = post(client, world["public"], one).get_json()
    second = post(client, world["public"], two).get_json()
    assert first["id"] != second["id"]


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer csk_inconnu", "Basic dXNlcjpwYXNz", "bearer  "],
)
def test_missing_or_unknown_token_is_401_and_audited(client, db, world, header):
    headers = {"Authorization": header} if header else {}
    response = post(client, world["public"], headers)
    assert response.status_code == 401
    assert "Jeton" in response.get_json()["erreur"]
    [call] = calls(db)
    assert call.status_code == 401
    assert call.token_id is None


def test_revoked_token_is_refused(client, db, world, make_token):
    token, headers = make_token()
    auth.revoke_token(token, now=utcnow())
    response = post(client, world["public"], headers)
    assert response.status_code == 401
    assert "révoqué" in response.get_json()["erreur"]


def test_token_without_the_scope_is_403(client, db, world, make_token):
    token, headers = make_token()
    token.scopes = "lecture"
    response = post(client, world["public"], headers)
    assert response.status_code == 403
    assert calls(db)[0].token_id == token.id


def test_unknown_scope_cannot_be_created(db, make_organisation):
    with pytest.raises(auth.TokenError):
        auth.create_token(make_organisation(), ["admin:all"], now=utcnow())


@pytest.mark.parametrize("which", ["draft", "private"])
def test_private_meetings_are_not_found(client, db, world, make_token, which):
    _, headers = make_token()
    response = post(client, world[which], headers)
    assert response.status_code == 404
    assert calls(db)[0].status_code == 404


def test_closed_meeting_is_422_in_french(client, db, world, make_token):
    world["public"].status = "closed"
    _, headers = make_token()
    response = post(client, world["public"], headers)
    assert response.status_code == 422
    assert "n'accepte plus" in response.get_json()["erreur"]


@pytest.mark.parametrize(
    "payload",
    [
        None,
        [],
        "texte",
        {"texte": 12},
        {"texte": "  "},
        {"texte": BODY["texte"], "type": "insulte"},
        {"texte": BODY["texte"], "profil": {"a": 1}},
        {"texte": BODY["texte"], "auteur": "Jean Dupont"},
        {"texte": "x" * 20_001},
    ],
)
def test_hostile_bodies_are_4xx(client, db, world, make_token, payload):
    _, headers = make_token()
    response = client.post(
        f"/api/v1/meetings/{world['public'].id}/contributions",
        json=payload,
        headers=headers,
    )
    assert response.status_code in (400, 422)
    assert response.get_json()["erreur"]


def test_bad_idempotency_key_is_400(client, db, world, make_token):
    _, headers = make_token()
    headers["Idempotency-Key"] = "k" * 201
    assert post(client, world["public"], headers).status_code == 400


def test_session_cookie_is_not_enough(client, db, world, make_user, login):
    login(make_user(role="admin"))
    assert post(client, world["public"]).status_code == 401


@pytest.mark.usefixtures("limits_on")
def test_rate_limit_per_token_is_audited(client, db, world, make_token):
    _, headers = make_token()
    _, other = make_token()
    statuses = [post(client, world["public"], headers).status_code for _ in range(61)]
    assert statuses.count(429) == 1
    assert statuses[-1] == 429
    assert post(client, world["public"], other).status_code == 201  # another token
    assert [c.status_code for c in calls(db)].count(429) == 1
