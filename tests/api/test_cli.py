"""``flask api token``: create shows the token once, revoke refuses it at the next call."""

from consult.api.auth import hash_token
from consult.api.models import ApiToken


def test_create_then_revoke(runner, client, db, world, make_organisation):
    organisation = make_organisation(name="CAF de test")
    created = runner.invoke(args=["api", "token", "create", "CAF de test", "--name", "Portail"])
    assert created.exit_code == 0, created.output
    header, raw = created.output.splitlines()
    token = db.session.query(ApiToken).one()
    assert header == f"api token {token.id} contributions:write"
    assert token.token_hash == hash_token(raw)
    assert raw not in (token.token_hash, token.prefix)
    assert token.organisation_id == organisation.id
    url = f"/api/v1/meetings/{world['public'].id}/contributions"
    body = {"texte": "Une contribution transmise par le portail du partenaire."}
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.post(url, json=body, headers=headers).status_code == 201
    listed = runner.invoke(args=["api", "token", "list"])
    assert "CAF de test" in listed.output
    assert "active" in listed.output
    revoked = runner.invoke(args=["api", "token", "revoke", str(token.id)])
    assert revoked.output == f"api token {token.id} revoked\n"
    assert client.post(url, json=body, headers=headers).status_code == 401


def test_unknown_organisation_or_scope_is_refused(runner, db, make_organisation):
    make_organisation(name="ARS")
    unknown = runner.invoke(args=["api", "token", "create", "Inconnue"])
    assert unknown.exit_code != 0
    assert "Organisation inconnue" in unknown.output
    scope = runner.invoke(args=["api", "token", "create", "ARS", "--scope", "tout"])
    assert scope.exit_code != 0
    assert "Portée inconnue" in scope.output
    assert db.session.query(ApiToken).count() == 0
