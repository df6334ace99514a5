"""Contributors hear, in one digest, when the fiche answering them moves."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from consult.core.db import utcnow
from consult.digest import jobs, services
from consult.digest.models import Subscription
from consult.followup.models import Milestone
from consult.opendata import files
from consult.reports.models import AnnualReport
from consult.workgroups.models import Decision, FicheContribution, FicheStatusChange
from tests.contributions.test_views import BODY, contribute

ADDRESS = "camille.secret@exemple.fr"


@pytest.fixture
def outbox(monkeypatch):
    """The digests sent: (to, subject, body, headers)."""
    sent = []
    monkeypatch.setattr(
        jobs,
        "send_mail",
        lambda to, subject, body, headers=None: sent.append((to, subject, body, headers)),
    )
    return sent


@pytest.fixture
def fiche(db, make_scheme):
    return make_scheme().fiches[0]


def _link(db, fiche, contribution):
    db.session.add(FicheContribution(fiche_id=fiche.id, contribution_id=contribution.id))
    db.session.commit()


def _move(db, fiche, to_status, minutes=1):
    when = utcnow() + timedelta(minutes=minutes)
    change = FicheStatusChange(
        fiche_id=fiche.id, from_status=fiche.status, to_status=to_status, decided_at=when
    )
    fiche.status = to_status
    db.session.add(change)
    db.session.commit()


@pytest.fixture
def author(db, make_user, make_contribution, fiche):
    user = make_user(role="participant")
    contribution = make_contribution(author_id=user.id)
    _link(db, fiche, contribution)
    return user


def test_several_changes_make_one_digest_to_the_contributor(db, fiche, author, outbox):
    _move(db, fiche, "proposee")
    _move(db, fiche, "validee", minutes=2)
    fiche.actions[0].progress = 40
    db.session.commit()

    jobs.send_digests(utcnow())

    assert [to for to, *_ in outbox] == [author.email]
    body = outbox[0][2]
    assert "proposée au comité de pilotage" in body
    assert "validée par le comité de pilotage" in body
    assert "40 %" in body
    assert f"Fiche {fiche.number}" in body


def test_nothing_is_sent_twice_and_new_changes_come_in_a_new_digest(db, fiche, author, outbox):
    _move(db, fiche, "proposee")
    jobs.send_digests(utcnow())
    jobs.send_digests(utcnow())
    assert len(outbox) == 1
    _move(db, fiche, "adoptee", minutes=3)
    jobs.send_digests(utcnow())
    assert len(outbox) == 2
    assert "adoptée" in outbox[1][2]
    assert "proposée" not in outbox[1][2]


def test_no_digest_after_unsubscribing(app, db, client, fiche, author, outbox):
    _move(db, fiche, "proposee")
    jobs.send_digests(utcnow())
    unsubscribe = outbox[0][3]["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith(app.config["PUBLIC_URL"])
    assert unsubscribe in outbox[0][2]
    path = unsubscribe.removeprefix(app.config["PUBLIC_URL"])

    page = client.get(path)
    assert page.status_code == 200
    assert "Me désabonner" in page.text
    assert client.post(path).status_code == 200

    _move(db, fiche, "validee", minutes=2)
    jobs.send_digests(utcnow())
    assert len(outbox) == 1


def test_contributors_of_another_fiche_hear_nothing(
    db, fiche, make_user, make_contribution, outbox
):
    other = make_user(role="participant")
    _link(db, fiche.scheme.fiches[1], make_contribution(author_id=other.id))
    _move(db, fiche, "proposee")
    jobs.send_digests(utcnow())
    assert outbox == []


def test_anonymous_address_gets_the_digest_and_is_deleted_with_the_code(
    app, db, client, make_meeting, fiche, outbox
):
    meeting = make_meeting(status="open")
    assert contribute(client, meeting, news_email=ADDRESS).status_code == 200
    subscription = db.session.scalar(sa.select(Subscription))
    contribution = subscription and db.session.get(
        services.Contribution, subscription.contribution_id
    )
    assert subscription.email == ADDRESS
    assert ADDRESS not in contribution.body
    _link(db, fiche, contribution)
    _move(db, fiche, "proposee")

    jobs.send_digests(utcnow())
    assert [to for to, *_ in outbox] == [ADDRESS]

    page = client.get(f"/suivi/{contribution.receipt_code}")
    assert "proposée au comité de pilotage" in page.text
    assert "Effacer mon adresse e-mail" in page.text
    assert ADDRESS not in page.text

    response = client.post("/suivi/nouvelles/effacer", data={"code": contribution.receipt_code})
    assert response.status_code == 303
    assert db.session.scalar(sa.select(Subscription)) is None
    _move(db, fiche, "validee", minutes=2)
    jobs.send_digests(utcnow())
    assert len(outbox) == 1


def test_bad_address_is_refused_with_a_french_message(db, client, make_meeting):
    response = contribute(client, make_meeting(status="open"), news_email="pas-une-adresse")
    assert response.status_code == 422
    assert "Cette adresse e-mail n&#39;est pas valide." in response.text
    assert db.session.scalar(sa.select(Subscription)) is None


def test_address_never_in_public_pages_nor_open_data(
    app, db, client, make_meeting, fiche, tmp_path, monkeypatch
):
    monkeypatch.setitem(app.config, "INSTANCE_DIR", tmp_path)
    meeting = make_meeting(status="open", scheme=fiche.scheme, publish_immediately=True)
    contribute(client, meeting, news_email=ADDRESS)
    contribution = db.session.scalar(sa.select(services.Contribution))
    _link(db, fiche, contribution)
    files.write_all(fiche.scheme, now=utcnow())
    db.session.commit()
    listing = client.get("/contributions/").text
    assert BODY in listing  # the contribution is public: its address is not
    with client.get(f"/donnees-ouvertes/{fiche.scheme.slug}/contributions.csv") as response:
        opendata = response.text
    assert BODY in opendata
    pages = (listing, opendata, client.get(f"/rencontres/{meeting.id}").text)
    assert all(ADDRESS not in page for page in pages)


def test_decision_milestone_and_bilan_reach_the_contributor_in_one_digest(
    db, fiche, make_user, make_contribution, outbox
):
    user = make_user(role="participant")
    contribution = make_contribution(author_id=user.id)
    db.session.add(Decision(contribution_id=contribution.id, outcome="retenue", fiche_id=fiche.id))
    action = fiche.actions[0]
    db.session.add(Milestone(action=action, label="Premier comité", done_on=date.today()))
    db.session.add(
        AnnualReport(
            scheme_id=fiche.scheme_id,
            year=2025,
            status="published",
            published_at=utcnow() + timedelta(minutes=1),
        )
    )
    db.session.commit()

    jobs.send_digests(utcnow())

    assert len(outbox) == 1
    body = outbox[0][2]
    assert "jalon atteint, Premier comité" in body
    assert "Le bilan 2025 du schéma est publié." in body


def test_one_click_unsubscribe_needs_no_form_token(app, db, client, fiche, author, outbox):
    """RFC 8058: a mail client POSTs the List-Unsubscribe address without any form."""
    _move(db, fiche, "proposee")
    jobs.send_digests(utcnow())
    path = outbox[0][3]["List-Unsubscribe"].strip("<>").removeprefix(app.config["PUBLIC_URL"])
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 200
    subscription = db.session.scalar(sa.select(Subscription))
    assert subscription.unsubscribed_at is not None


def test_unknown_unsubscribe_link_reveals_nothing(client):
    response = client.get("/nouvelles/desabonnement/inconnu")
    assert response.status_code == 200
    assert "Me désabonner" not in response.text
    assert client.post("/nouvelles/desabonnement/inconnu").status_code == 200


def test_withdrawing_the_contribution_erases_its_address(db, client, make_meeting, fiche, outbox):
    contribute(client, make_meeting(status="open"), news_email=ADDRESS)
    contribution = db.session.scalar(sa.select(services.Contribution))
    _link(db, fiche, contribution)
    response = client.post(
        "/suivi/effacer",
        data={"code": contribution.receipt_code, "choice": "withdraw", "confirm": "y"},
    )
    assert response.status_code == 200
    _move(db, fiche, "proposee")

    jobs.send_digests(utcnow())

    assert outbox == []
    assert db.session.scalar(sa.select(Subscription)) is None
