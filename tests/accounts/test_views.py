"""Sign-in, invitation and reset journeys over HTTP; who may reach admin pages."""

import logging
import re

import pytest

from consult.accounts.models import User
from tests.factories import DEFAULT_PASSWORD

NEW_PASSWORD = "Une-Nouvelle-Phrase-2026"


def _link_from_log(caplog, path_prefix):
    match = re.search(rf"https?://[^\s]+({path_prefix}[^\s]+)", caplog.text)
    assert match, f"no {path_prefix} link in the mail log"
    return match.group(1)


def test_login_then_logout(client, make_user, login):
    user = make_user(display_name="Anne")
    response = login(user)
    assert response.status_code == 302
    assert "Bienvenue, Anne" in client.get("/").get_data(as_text=True)
    client.post("/deconnexion")
    assert "Se connecter" in client.get("/").get_data(as_text=True)


def test_login_session_is_renewed(client, make_user, login):
    user = make_user()
    with client.session_transaction() as session:
        session["planted"] = "par un attaquant"
    login(user)
    with client.session_transaction() as session:
        assert "planted" not in session


def test_failed_login_is_a_422_with_a_french_message(client, make_user, login):
    user = make_user()
    response = login(user, password="mauvais-mot-de-passe")
    assert response.status_code == 422
    assert "Adresse e-mail ou mot de passe incorrect" in response.get_data(as_text=True)


def test_login_throttle_answers_429(client, make_user, login):
    user = make_user()
    for _ in range(5):
        login(user, password="mauvais")
    response = login(user)
    assert response.status_code == 429
    assert "Trop de tentatives" in response.get_data(as_text=True)


def test_login_refuses_open_redirect(client, make_user):
    user = make_user()
    response = client.post(
        "/connexion?next=//evil.example/x",
        data={"email": user.email, "password": DEFAULT_PASSWORD},
    )
    assert response.headers["Location"] == "/"


def test_admin_invites_partner_who_sets_password_from_the_link(
    client, make_user, login, make_organisation, caplog, db
):
    admin = make_user(role="admin")
    caf = make_organisation(name="CAF de la Savoie", kind="caf")
    login(admin)
    with caplog.at_level(logging.WARNING, logger="consult.mail"):
        response = client.post(
            "/admin/comptes",
            data={
                "display_name": "Julie Partenaire",
                "email": "julie@caf.fr",
                "role": "partner",
                "organisation_id": caf.id,
            },
        )
    assert response.status_code == 302
    path = _link_from_log(caplog, "/invitation/")
    client.post("/deconnexion")
    assert "Bienvenue, Julie Partenaire" in client.get(path).get_data(as_text=True)
    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    julie = db.session.scalar(db.select(User).where(User.email == "julie@caf.fr"))
    assert julie.organisation == caf
    assert julie.is_active
    # single use
    assert client.get(path).status_code == 404


def test_invitation_with_weak_password_is_refused(client, make_user, db):
    from consult.accounts import services

    admin = make_user(role="admin")
    user = make_user(role="facilitator", password_hash=None, invited_by_id=admin.id)
    token = services.make_token(
        user, client.application.config["SECRET_KEY"], services.INVITATION_SALT
    )
    response = client.post(f"/invitation/{token}", data={"password": "court", "confirm": "court"})
    assert response.status_code == 422
    assert "au moins 12 caractères" in response.get_data(as_text=True)


def test_password_reset_from_log_link(client, make_user, caplog):
    user = make_user(email="oubli@exemple.fr")
    with caplog.at_level(logging.WARNING, logger="consult.mail"):
        client.post("/mot-de-passe-oublie", data={"email": "oubli@exemple.fr"})
    path = _link_from_log(caplog, "/reinitialiser/")
    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    client.post("/deconnexion")
    assert (
        client.post("/connexion", data={"email": user.email, "password": NEW_PASSWORD}).status_code
        == 302
    )


def test_reset_request_does_not_reveal_unknown_addresses(client, caplog):
    with caplog.at_level(logging.WARNING, logger="consult.mail"):
        response = client.post(
            "/mot-de-passe-oublie",
            data={"email": "inconnu@exemple.fr"},
            follow_redirects=True,
        )
    assert "Si un compte existe" in response.get_data(as_text=True)
    assert "/reinitialiser/" not in caplog.text


def test_participant_registers_then_chooses_a_password_from_the_link(client, count, caplog, db):
    with caplog.at_level(logging.WARNING, logger="consult.mail"):
        response = client.post(
            "/inscription",
            data={"display_name": "Mamie Jo", "email": "jo@exemple.fr"},
            follow_redirects=True,
        )
    assert "envoyé à jo@exemple.fr" in response.text
    assert count(User, User.role == "participant") == 1
    path = _link_from_log(caplog, "/invitation/")
    assert "Choisissez votre mot de passe" in client.get(path).text
    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert "Mon compte" in client.get("/").text
    jo = db.session.scalar(db.select(User).where(User.email == "jo@exemple.fr"))
    assert jo.is_active
    assert jo.role == "participant"


def test_forgotten_password_of_an_account_never_activated_sends_the_activation_again(
    client, make_user, caplog
):
    user = make_user(email="jamais@exemple.fr", password_hash=None)
    with caplog.at_level(logging.WARNING, logger="consult.mail"):
        client.post("/mot-de-passe-oublie", data={"email": user.email})
    path = _link_from_log(caplog, "/invitation/")
    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert user.is_active


def test_password_change_keeps_user_signed_in(client, make_user, login):
    user = make_user()
    login(user)
    response = client.post(
        "/mon-compte",
        data={
            "current": DEFAULT_PASSWORD,
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
        follow_redirects=True,
    )
    assert "Votre mot de passe est changé" in response.get_data(as_text=True)
    assert "Mon compte" in client.get("/").get_data(as_text=True)


ADMIN_PAGES = ["/admin/comptes", "/admin/apparence", "/admin/schemas/importer"]


@pytest.mark.parametrize("path", ADMIN_PAGES)
@pytest.mark.parametrize("role", ["participant", "partner", "member", "facilitator"])
def test_admin_pages_are_forbidden_to_other_roles(client, make_user, login, role, path):
    login(make_user(role=role))
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", [*ADMIN_PAGES, "/admin/", "/mon-compte"])
def test_anonymous_visitors_are_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]


def test_admin_suspends_an_account_which_is_signed_out(app, client, make_user, login):
    admin, member = make_user(role="admin"), make_user(role="member")
    other = app.test_client()
    other.post("/connexion", data={"email": member.email, "password": DEFAULT_PASSWORD})
    assert other.get("/mon-compte").status_code == 200
    login(admin)
    client.post(f"/admin/comptes/{member.id}/statut")
    assert member.is_active_account is False
    assert other.get("/mon-compte").status_code == 302


def test_my_account_lists_my_contributions_and_what_became_of_them(
    client, login, make_user, make_contribution, db
):
    from consult.workgroups.models import Decision

    me, someone = make_user(role="participant"), make_user(role="participant")
    kept = make_contribution(author_id=me.id, body="Un bus le dimanche <b>svp</b>")
    make_contribution(author_id=me.id, body="Encore une idée", status="pending")
    make_contribution(author_id=someone.id, body="Pas la mienne")
    db.session.add(Decision(contribution=kept, outcome="non_retenue", reason="Déjà prévu"))
    db.session.commit()
    login(me)

    page = client.get("/mon-compte").text

    assert "Mes contributions et leur suite" in page
    assert "Un bus le dimanche &lt;b&gt;svp&lt;/b&gt;" in page
    assert "Pourquoi : Déjà prévu" in page
    assert "Encore une idée" in page
    assert "Pas la mienne" not in page
