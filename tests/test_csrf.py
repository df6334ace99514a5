"""Every state-changing form refuses a request without a CSRF token."""

import pytest

# One-click unsubscribe (RFC 8058): mail clients POST it without a form token; the
# secret token in the address is the proof (tests/digest).
CSRF_EXEMPT = {"/nouvelles/desabonnement/<string(maxlength=64):token>"}
POST_ROUTES = [
    "/moderation/1/annuler-campagne",
    "/moderation/1/annuler-fusion",
    "/moderation/campagne",
    "/moderation/fusion/numero",
    "/moderation/suggestion",
    "/rencontres/1/fusionner-identiques",
    "/rencontres/1/releve",
    "/connexion",
    "/deconnexion",
    "/inscription",
    "/mon-compte",
    "/mot-de-passe-oublie",
    "/admin/comptes",
    "/admin/organisations",
    "/admin/comptes/1/statut",
    "/admin/comptes/1/relancer",
    "/admin/schemas/importer",
    "/admin/apparence",
    "/admin/api",
    "/admin/api/jetons/1/revoquer",
    "/admin/territoires",
    "/admin/publics",
    "/reinitialiser/jeton",
    "/invitation/jeton",
    "/admin/schemas/savoie/niveaux",
    "/rencontres/nouvelle",
    "/rencontres/1/modifier",
    "/rencontres/1/etat",
    "/rencontres/1/presences",
    "/rencontres/1/cloture",
    "/rencontres/1/contribuer",
    "/rencontres/1/contribuer/facile",
    "/rencontres/1/saisie",
    "/rencontres/1/import",
    "/rencontres/1/import/1",
    "/rencontres/1/import/1/confirmer",
    "/contributions/1/soutenir",
    "/suivi",
    "/suivi/donnees",
    "/suivi/effacer",
    "/suivi/nouvelles/effacer",
    "/mon-compte/effacer",
    "/contributions/1/signaler",
    "/moderation/1/decision",
    "/moderation/1/etiquettes",
    "/moderation/fusion",
    "/moderation/lot",
    "/syntheses/nouvelle",
    "/syntheses/1/generer",
    "/syntheses/1/v1/etat",
    "/syntheses/1/v1/redaction",
    "/syntheses/1/v1/idees",
    "/groupes/1/fiches/nouvelle",
    "/groupes/1/fiches/1/modifier",
    "/groupes/1/fiches/1/etat",
    "/groupes/1/contributions/1/decision",
    "/suivi-du-schema/fiches/1/avancement",
    "/suivi-du-schema/actions/1/jalons",
    "/suivi-du-schema/jalons/1",
    "/suivi-du-schema/indicateurs/1",
    "/suivi-du-schema/indicateurs/1/mesures",
    "/suivi-du-schema/savoie/import",
    "/suivi-du-schema/mesures/1/supprimer",
    "/groupes/nouveau",
    "/groupes/1/modifier",
    "/groupes/1/membres",
    "/groupes/1/membres/1/retirer",
    "/groupes/1/syntheses",
    "/groupes/1/syntheses/1/idees/1/1/commentaires",
    "/groupes/1/syntheses/1/validation",
    "/bilans/nouveau",
    "/bilans/1/generer",
    "/bilans/1/etat",
]
# Authenticated by a bearer token only (no cookie read): CSRF-exempt, see tests/api.
TOKEN_ROUTES = {"/api/v1/meetings/1/contributions"}
PLACEHOLDERS = {
    "<int:user_id>": "1",
    "<int:meeting_id>": "1",
    "<int:import_id>": "1",
    "<int:contribution_id>": "1",
    "<int:synthesis_id>": "1",
    "<int:number>": "1",
    "<int:group_id>": "1",
    "<int:membership_id>": "1",
    "<int:version_id>": "1",
    "<int:section>": "1",
    "<int:idea>": "1",
    "<int:report_id>": "1",
    "<int:fiche_id>": "1",
    "<int:action_id>": "1",
    "<int:milestone_id>": "1",
    "<int:indicator_id>": "1",
    "<int:measurement_id>": "1",
    "<int:token_id>": "1",
    "<token>": "jeton",
    "<slug>": "savoie",
}


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.mark.usefixtures("csrf_on")
@pytest.mark.parametrize("path", POST_ROUTES)
def test_post_without_token_is_refused_in_french(client, path):
    response = client.post(path, data={"email": "x@exemple.fr"})
    assert response.status_code == 400
    assert "Le formulaire a expiré" in response.get_data(as_text=True)


def test_every_post_route_is_listed(app):
    """A new POST route must be added to POST_ROUTES (and so be CSRF-tested)."""
    rules = {r.rule for r in app.url_map.iter_rules() if "POST" in (r.methods or ())}
    normalised = set()
    for rule in rules:
        for placeholder, value in PLACEHOLDERS.items():
            rule = rule.replace(placeholder, value)
        normalised.add(rule)
    assert normalised - CSRF_EXEMPT == set(POST_ROUTES) | TOKEN_ROUTES


@pytest.mark.usefixtures("csrf_on")
@pytest.mark.parametrize("path", sorted(TOKEN_ROUTES))
def test_token_routes_need_a_token_not_a_csrf_one(client, path):
    """CSRF-exempt API routes read no cookie: without a bearer token, 401."""
    response = client.post(path, json={"texte": "Un texte assez long pour passer."})
    assert response.status_code == 401


@pytest.mark.usefixtures("csrf_on")
def test_expired_participant_form_gives_the_text_back_escaped(client, make_meeting):
    meeting = make_meeting(status="open")
    body = "Mon avis <script>alert(1)</script> sur les bus"
    response = client.post(f"/rencontres/{meeting.id}/contribuer", data={"body": body})
    assert response.status_code == 400
    assert "Mon avis &lt;script&gt;alert(1)&lt;/script&gt; sur les bus" in response.text
    assert "<script>alert(1)" not in response.text
