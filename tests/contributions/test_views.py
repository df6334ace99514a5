"""Participants' pages: the form, its easy-read variant, receipts, follow-up, supports."""

import re

import pytest

from consult.contributions.models import Contribution, Support
from consult.core.db import utcnow
from consult.moderation.services import reject
from tests.factories import HOSTILE_TEXT

BODY = "Plus de bus le dimanche entre Modane et Saint-Jean"


def form_key(response) -> str:
    return re.search(r'name="form_key" type="hidden" value="([^"]+)"', response.text).group(1)


def answers(key, **overrides):
    data = {
        "body": BODY,
        "kind": "proposition",
        "author_type": "usager",
        "pseudonym": "Jo",
        "territory_id": "0",
        "consent": "y",
        "form_key": key,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def meeting(make_meeting):
    return make_meeting(status="open")


def contribute(client, meeting, **overrides):
    key = form_key(client.get(f"/rencontres/{meeting.id}/contribuer"))
    return client.post(f"/rencontres/{meeting.id}/contribuer", data=answers(key, **overrides))


def test_form_explains_what_happens_to_the_contribution(client, meeting):
    response = client.get(f"/rencontres/{meeting.id}/contribuer")
    assert response.status_code == 200
    assert "Ce que nous faisons de votre avis" in response.text
    assert "Qui le lit" in response.text
    assert f"/rencontres/{meeting.id}/contribuer/facile" in response.text
    assert len(form_key(response)) >= 16


def test_participant_contributes_and_gets_a_receipt(client, meeting, db, count):
    thanks = contribute(client, meeting)  # the receipt is the POST's answer: no redirect
    assert thanks.status_code == 200
    assert "no-store" in thanks.headers["Cache-Control"]
    contribution = db.session.query(Contribution).one()
    assert (contribution.body, contribution.pseudonym) == (BODY, "Jo")
    assert (contribution.channel, contribution.status) == ("en_ligne", "pending")
    assert contribution.consented_at is not None
    assert contribution.author_id is None
    assert contribution.receipt_code in thanks.text
    assert "relue par l'équipe" in thanks.text


def test_double_submission_creates_one_contribution(client, meeting, count):
    key = form_key(client.get(f"/rencontres/{meeting.id}/contribuer"))
    first = client.post(f"/rencontres/{meeting.id}/contribuer", data=answers(key))
    second = client.post(f"/rencontres/{meeting.id}/contribuer", data=answers(key))
    assert first.status_code == second.status_code == 200
    assert count(Contribution) == 1
    code = re.search(r"[A-Z2-9]{5}-[A-Z2-9]{5}", first.text).group(0)
    assert code in second.text  # a reload at once shows the same receipt


def test_two_forms_make_two_contributions(client, meeting, count):
    contribute(client, meeting)
    contribute(client, meeting, body="Un autre avis sur les transports")
    assert count(Contribution) == 2


def test_form_without_key_is_shown_again_with_a_new_key(client, meeting, count):
    response = client.post(f"/rencontres/{meeting.id}/contribuer", data=answers(None))
    assert response.status_code == 422
    assert count(Contribution) == 0
    assert BODY in response.text  # nothing the participant typed is lost
    assert len(form_key(response)) >= 16


@pytest.mark.parametrize(
    ("body", "message"),
    [("ok", "Entre 3 et 5000 caractères"), ("x" * 5001, "Entre 3 et 5000 caractères")],
)
def test_text_length_is_bounded_with_a_french_message(client, meeting, count, body, message):
    response = contribute(client, meeting, body=body)
    assert response.status_code == 422
    assert message in response.text
    assert count(Contribution) == 0


def test_text_empty_after_cleaning_is_refused(client, db, meeting, count):
    db.session.commit()  # the refusal rolls the request back: the meeting is there before
    response = contribute(client, meeting, body="<b></b><i></i>")
    assert response.status_code == 422
    assert "trop courte" in response.text
    assert count(Contribution) == 0


def test_consent_is_required(client, meeting, count):
    response = contribute(client, meeting, consent=None)
    assert response.status_code == 422
    assert "Cochez la case" in response.text
    assert count(Contribution) == 0


def test_markup_is_stored_clean_and_shown_escaped(client, make_meeting, db):
    meeting = make_meeting(status="open", publish_immediately=True)
    contribute(client, meeting, body=HOSTILE_TEXT, pseudonym='<img src=x onerror="alert(1)">Léa')
    contribution = db.session.query(Contribution).one()
    assert "<script" not in contribution.body
    assert "<img" not in contribution.pseudonym
    page = client.get(f"/rencontres/{meeting.id}").text
    assert "Plus de transports à Modane" in page
    assert "<script>alert" not in page
    assert "onerror" not in page


@pytest.mark.parametrize("status", ["closed", "archived"])
def test_closed_meeting_refuses_and_gives_the_text_back(client, make_meeting, count, status):
    meeting = make_meeting(status=status)
    page = client.get(f"/rencontres/{meeting.id}/contribuer")
    assert "n'accepte pas de contributions" in page.text
    response = client.post(
        f"/rencontres/{meeting.id}/contribuer", data=answers("k" * 32, body="Mon avis perdu ?")
    )
    assert response.status_code == 409
    assert "votre texte n'a pas été enregistré" in response.text
    assert "Mon avis perdu ?" in response.text
    assert count(Contribution) == 0


def test_draft_meeting_is_hidden_from_participants(client, make_meeting):
    meeting = make_meeting(status="draft")
    assert client.get(f"/rencontres/{meeting.id}/contribuer").status_code == 404
    assert client.get("/rencontres/99999/contribuer").status_code == 404


def test_publics_and_territory_are_recorded(client, meeting, make_public, make_territory, db):
    public, territory = make_public(label="Personnes âgées"), make_territory(name="Maurienne")
    contribute(client, meeting, public_ids=[str(public.id)], territory_id=str(territory.id))
    contribution = db.session.query(Contribution).one()
    assert [p.label for p in contribution.publics] == ["Personnes âgées"]
    assert contribution.territory.name == "Maurienne"


def test_unknown_public_is_refused(client, meeting, count):
    response = contribute(client, meeting, public_ids=["99999"])
    assert response.status_code == 422
    assert count(Contribution) == 0


def test_partner_contributes_in_the_organisation_name(
    client, meeting, make_user, make_organisation, login, db
):
    partner = make_user(role="partner", organisation=make_organisation(name="CAF de la Savoie"))
    login(partner)
    page = client.get(f"/rencontres/{meeting.id}/contribuer")
    assert "au nom de <strong>CAF de la Savoie</strong>" in page.text
    assert 'name="pseudonym"' not in page.text
    data = answers(form_key(page), author_type=None, pseudonym=None)
    assert client.post(f"/rencontres/{meeting.id}/contribuer", data=data).status_code == 200
    contribution = db.session.query(Contribution).one()
    assert contribution.organisation.name == "CAF de la Savoie"
    assert (contribution.author_type, contribution.author_id) == ("partenaire", partner.id)
    assert contribution.public_signature == "CAF de la Savoie"


def test_oversized_request_gets_a_413_in_french(client, meeting, app, monkeypatch, count):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 10_000)
    response = contribute(client, meeting, body="x" * 20_000)
    assert response.status_code == 413
    assert "trop" in response.text.lower()
    assert count(Contribution) == 0


@pytest.mark.usefixtures("limits_on")
def test_anonymous_posting_is_rate_limited_per_browser(client, meeting, app, monkeypatch, count):
    monkeypatch.setitem(app.config, "ANON_POST_LIMIT_BROWSER", "3 per minute")
    statuses = [contribute(client, meeting, body=f"Avis numéro {n}").status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert count(Contribution) == 3
    refused = contribute(client, meeting, body="Encore un")
    assert "Trop de demandes" in refused.text or "trop de" in refused.text.lower()


@pytest.mark.usefixtures("limits_on")
def test_signed_in_accounts_are_not_throttled(client, meeting, app, monkeypatch, make_user, login):
    monkeypatch.setitem(app.config, "ANON_POST_LIMIT_BROWSER", "1 per minute")
    login(make_user(role="participant"))
    statuses = [contribute(client, meeting, body=f"Avis numéro {n}").status_code for n in range(3)]
    assert statuses == [200, 200, 200]


# --- Easy-read (FALC) -------------------------------------------------------------------


def falc(client, meeting, data):
    return client.post(f"/rencontres/{meeting.id}/contribuer/facile", data=data)


def current_step(response) -> str:
    return re.search(r'name="step" value="([a-z]+)"', response.text).group(1)


def test_easy_read_form_asks_one_question_per_screen(client, meeting, db):
    page = client.get(f"/rencontres/{meeting.id}/contribuer/facile")
    assert "Étape 1 sur 5" in page.text
    assert current_step(page) == "qui"
    data = {"form_key": form_key(page), "step": "qui", "author_type": "usager"}
    page = falc(client, meeting, data)
    assert current_step(page) == "quoi"
    assert "Étape 2 sur 5" in page.text
    data.update(step="quoi", kind="proposition")
    page = falc(client, meeting, data)
    assert current_step(page) == "avis"
    assert "micro" in page.text
    data.update(step="avis", body=BODY)
    assert current_step(falc(client, meeting, data)) == "prenom"
    data.update(step="prenom", pseudonym="Mamie Jo")
    page = falc(client, meeting, data)
    assert current_step(page) == "envoyer"
    assert BODY in page.text
    data.update(step="envoyer", consent="y", envoyer="1")
    response = falc(client, meeting, data)
    assert response.status_code == 200
    assert "Nous avons bien reçu votre avis." in response.text
    contribution = db.session.query(Contribution).one()
    assert (contribution.body, contribution.pseudonym) == (BODY, "Mamie Jo")
    assert (contribution.kind, contribution.author_type) == ("proposition", "usager")


def test_easy_read_keeps_the_answer_on_an_error_and_can_go_back(client, meeting, count):
    key = form_key(client.get(f"/rencontres/{meeting.id}/contribuer/facile"))
    page = falc(client, meeting, {"form_key": key, "step": "qui"})
    assert page.status_code == 422
    assert "Choisissez une réponse" in page.text
    data = {"form_key": key, "step": "avis", "author_type": "elu", "kind": "question", "body": ""}
    page = falc(client, meeting, data)
    assert current_step(page) == "avis"
    assert "Écrivez votre avis" in page.text
    page = falc(client, meeting, {**data, "retour": "1"})
    assert current_step(page) == "quoi"
    assert 'value="question" checked' in page.text
    assert count(Contribution) == 0


def test_easy_read_sends_only_with_consent(client, meeting, count):
    key = form_key(client.get(f"/rencontres/{meeting.id}/contribuer/facile"))
    data = {
        "form_key": key,
        "step": "envoyer",
        "author_type": "usager",
        "kind": "constat",
        "body": BODY,
        "envoyer": "1",
    }
    page = falc(client, meeting, data)
    assert page.status_code == 422
    assert "Cochez" in page.text
    assert count(Contribution) == 0
    assert falc(client, meeting, {**data, "consent": "y"}).status_code == 200
    assert falc(client, meeting, {**data, "consent": "y"}).status_code == 200  # double click
    assert count(Contribution) == 1


# --- Receipts and follow-up ------------------------------------------------------------


def test_receipt_code_shows_what_became_of_the_contribution(
    client, meeting, db, make_user, make_contribution
):
    contribution = make_contribution(meeting=meeting, body="Un avis hors sujet", status="pending")
    reject(
        contribution,
        actor=make_user(role="facilitator"),
        reason="hors_sujet",
        note="Ne concerne pas le schéma",
        now=utcnow(),
    )
    db.session.flush()
    spaced = contribution.receipt_code.lower().replace("-", " ")
    response = client.post("/suivi", data={"code": spaced})
    assert response.status_code == 200
    assert "Un avis hors sujet" in response.text
    assert "Rejetée" in response.text
    assert "Ne concerne pas le schéma" in response.text


def test_unknown_receipt_code_gets_a_french_message(client):
    response = client.post("/suivi", data={"code": "ZZZZZ-99999"})
    assert response.status_code == 422
    assert "Aucune contribution ne correspond à ce code" in response.text


# --- Supports ---------------------------------------------------------------------------


def test_support_counts_once_per_browser(client, make_contribution, count, db):
    contribution = make_contribution(status="published")
    first = client.post(f"/contributions/{contribution.id}/soutenir")
    assert first.status_code == 303
    client.post(f"/contributions/{contribution.id}/soutenir")
    db.session.refresh(contribution)
    assert contribution.support_count == 1
    assert count(Support) == 1
    page = client.get(f"/rencontres/{contribution.meeting_id}")
    assert "Vous soutenez déjà cette contribution" in page.text
    assert "1 soutien" in page.text


def test_unpublished_contribution_cannot_be_supported(client, make_contribution, count):
    contribution = make_contribution(status="pending")
    assert client.post(f"/contributions/{contribution.id}/soutenir").status_code == 404
    assert count(Support) == 0
