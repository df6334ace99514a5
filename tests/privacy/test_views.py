"""RGPD: a participant downloads or erases with the receipt code; retention purges."""

import json
from datetime import timedelta

import sqlalchemy as sa

from consult.accounts.models import User
from consult.contributions.models import Contribution
from consult.contributions.services import Draft, submit_contribution
from consult.core.db import utcnow
from consult.history.models import ModerationEvent
from consult.moderation.services import mask
from consult.privacy.services import WITHDRAWN_TEXT, purge_expired
from tests.factories import DEFAULT_PASSWORD

PHONE = "Rappelez-moi au 06 12 34 56 78 pour l'aide à domicile"


def test_participant_downloads_what_is_kept(client, make_contribution, make_user, db):
    contribution = make_contribution(body=PHONE, pseudonym="Jo", status="pending")
    mask(contribution, actor=make_user(role="facilitator"), now=utcnow())
    db.session.commit()
    page = client.post("/suivi", data={"code": contribution.receipt_code})
    assert "Télécharger mes données" in page.text
    response = client.post("/suivi/donnees", data={"code": contribution.receipt_code})
    assert response.mimetype == "application/json"
    data = json.loads(response.data)
    assert data["texte_avant_moderation"] == PHONE  # their own words, before masking
    assert data["signature"] == "Jo"
    assert data["code_de_suivi"] == contribution.receipt_code


def test_unknown_code_downloads_nothing(client):
    assert client.post("/suivi/donnees", data={"code": "ZZZZZ-99999"}).status_code == 404


def test_anonymising_keeps_the_text_and_forgets_the_rest(client, make_contribution, make_user, db):
    contribution = make_contribution(body=PHONE, pseudonym="Jo", status="published")
    mask(contribution, actor=make_user(role="facilitator"), now=utcnow())
    db.session.commit()
    refused = client.post("/suivi/effacer", data={"code": contribution.receipt_code})
    assert refused.status_code == 422
    client.post(
        "/suivi/effacer",
        data={"code": contribution.receipt_code, "choice": "anonymise", "confirm": "y"},
    )
    stored = db.session.get(Contribution, contribution.id)
    assert (stored.pseudonym, stored.original_body, stored.status) == ("", None, "published")
    assert stored.public_signature == "Participant·e anonyme"
    trail = json.dumps(
        [[e.before, e.after] for e in db.session.scalars(sa.select(ModerationEvent))],
        ensure_ascii=False,
    )
    assert "06 12 34 56 78" not in trail  # the audit trail no longer holds the original


def test_withdrawal_removes_the_text_everywhere(client, make_contribution, make_user, db):
    contribution = make_contribution(body="Mon histoire personnelle", status="published")
    meeting_id = contribution.meeting_id
    db.session.commit()
    response = client.post(
        "/suivi/effacer",
        data={"code": contribution.receipt_code, "choice": "withdraw", "confirm": "y"},
    )
    assert "est retirée" in response.text
    stored = db.session.get(Contribution, contribution.id)
    assert (stored.body, stored.status) == (WITHDRAWN_TEXT, "withdrawn")
    assert "Mon histoire personnelle" not in client.get(f"/rencontres/{meeting_id}").text
    trail = [e.before for e in db.session.scalars(sa.select(ModerationEvent))]
    assert all(state.get("body") != "Mon histoire personnelle" for state in trail)


def test_retention_purges_old_originals_and_pseudonyms(db, make_contribution, make_user):
    staff = make_user(role="facilitator")
    old = make_contribution(body=PHONE, pseudonym="Jo")
    mask(old, actor=staff, now=utcnow())
    old.created_at = utcnow() - timedelta(days=400)
    recent = make_contribution(body=PHONE, pseudonym="Léa")
    mask(recent, actor=staff, now=utcnow())
    db.session.flush()
    assert purge_expired(now=utcnow(), days=365) == 1
    assert (old.original_body, old.pseudonym) == (None, "")
    assert (recent.original_body, recent.pseudonym) == (PHONE, "Léa")
    old_events = db.session.scalars(
        sa.select(ModerationEvent).where(ModerationEvent.contribution_id == old.id)
    )
    assert all("06 12 34 56 78" not in (e.before or {}).get("body", "") for e in old_events)


def test_retention_command_reports_what_it_erased(runner, db, make_contribution):
    old = make_contribution(body="Texte", pseudonym="Jo")
    old.created_at = utcnow() - timedelta(days=400)
    db.session.commit()
    result = runner.invoke(args=["retention", "run", "--days", "30"])
    assert result.exit_code == 0
    assert "1 contribution purgée, 0 fichier d'import effacé" in result.output


def test_account_holder_downloads_then_erases_their_account(
    client, make_user, make_meeting, login, db
):
    user = make_user(role="participant", display_name="Jeanne Martin")
    meeting = make_meeting(status="open", publish_immediately=True)
    contribution, _ = submit_contribution(
        meeting, Draft(body="Plus de bus", pseudonym="Jeanne"), actor=user, now=utcnow()
    )
    db.session.commit()
    login(user)
    data = json.loads(client.get("/mon-compte/donnees").data)
    assert data["compte"]["adresse"] == user.email
    assert [c["texte"] for c in data["contributions"]] == ["Plus de bus"]
    refused = client.post("/mon-compte/effacer", data={"password": "pas le bon"})
    assert db.session.get(User, user.id).is_active_account
    assert refused.status_code == 303
    client.post("/mon-compte/effacer", data={"password": DEFAULT_PASSWORD})
    erased = db.session.get(User, user.id)
    assert (erased.display_name, erased.is_active_account) == ("Compte effacé", False)
    assert "Jeanne Martin" not in erased.email
    kept = db.session.get(Contribution, contribution.id)
    assert (kept.body, kept.author_id, kept.pseudonym) == ("Plus de bus", None, "")
    assert client.get("/mon-compte").status_code == 302  # signed out


def test_an_erased_account_leaves_its_working_groups(
    client, make_user, make_working_group, login, db, count
):
    from consult.schemes.models import Membership

    user = make_user(role="member")
    group = make_working_group(members=[(user, "representant_usagers"), (make_user(), "pilote")])
    db.session.commit()
    login(user)
    client.post("/mon-compte/effacer", data={"password": DEFAULT_PASSWORD})
    assert count(Membership, Membership.user_id == user.id) == 0
    assert count(Membership, Membership.working_group_id == group.id) == 1
