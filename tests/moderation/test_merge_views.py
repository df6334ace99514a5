"""Duplicates and campaigns on the desk over HTTP: why, nothing checked, by number, undo."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from consult.contributions.models import Contribution
from consult.core.db import utcnow
from consult.history.models import ModerationEvent
from consult.moderation.models import Campaign

# A real rewording pair of the demo data (consult/demo/data/contributions.txt).
DEMO_PAIR = (
    "Pourquoi les aides à domicile changent tout le temps ? "
    "Je dois tout réexpliquer à chaque fois.",
    "Toujours la même aide à domicile, ou au moins une petite équipe de deux ou trois personnes.",
)


@pytest.fixture
def meeting(make_meeting):
    return make_meeting(status="open")


def _post(client, url, data):
    return client.post(url, data=data, follow_redirects=True)


def test_the_demo_rewording_pair_is_proposed_with_why_and_nothing_checked(
    client, facilitator, meeting, make_contribution
):
    first = make_contribution(meeting=meeting, body=DEMO_PAIR[0], kind="question")
    second = make_contribution(meeting=meeting, body=DEMO_PAIR[1], kind="proposition")
    make_contribution(meeting=meeting, body="Créer des places en crèche à horaires décalés.")
    page = client.get(f"/moderation/doublons?rencontre={meeting.id}")
    assert "1 groupe de doublons" in page.text
    assert "même idée, autres mots" in page.text
    assert "Pourquoi : en commun « aide" in page.text
    assert f'value="{first.id}"' in page.text
    assert f'value="{second.id}"' in page.text
    assert " checked" not in page.text
    review = client.get(f"/moderation/{first.id}")  # and on the contribution's own page
    assert f'name="sources" value="{second.id}"' in review.text
    assert 'type="checkbox" name="sources" value="{second.id}" checked' not in review.text


def test_merge_by_number_then_undo_over_http(client, facilitator, meeting, make_contribution, db):
    here = make_contribution(meeting=meeting, body="Plus de bus le soir", support_count=1)
    there = make_contribution(meeting=meeting, body="Des bus après 20 h", support_count=4)
    page = _post(
        client,
        "/moderation/fusion/numero",
        {"contribution": here.id, "number": there.id, "keep": "this"},
    )
    assert page.status_code == 200
    assert "fusionnées" in page.text
    assert f"Annuler la fusion de la n° {there.id}" in page.text
    db.session.refresh(here)
    assert (here.support_count, here.weight) == (5, 2)

    page = _post(client, f"/moderation/{there.id}/annuler-fusion", {})
    assert "Fusion annulée" in page.text
    db.session.refresh(here)
    db.session.refresh(there)
    assert (there.status, here.support_count, here.weight) == ("published", 1, 1)
    actions = db.session.scalars(
        sa.select(ModerationEvent.action)
        .where(ModerationEvent.contribution_id == there.id)
        .order_by(ModerationEvent.id)
    ).all()
    assert actions == ["merge", "unmerge"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"contribution": "1", "number": "", "keep": "this"}, "numéro de l&#39;autre"),
        ({"contribution": "abc", "number": "2", "keep": "this"}, "en chiffres"),
        ({"contribution": "999999", "number": "2", "keep": "this"}, "pas de contribution"),
    ],
)
def test_merge_by_number_explains_bad_input(client, facilitator, data, message):
    page = _post(client, "/moderation/fusion/numero", data)
    assert page.status_code == 200
    assert message in page.text


def test_a_campaign_is_flagged_merged_and_weighs_its_senders(
    client, facilitator, meeting, make_contribution, db
):
    start = utcnow() - timedelta(hours=2)
    slogan = "Non à la fermeture du foyer de vie de Moûtiers, signez la pétition !"
    copies = [
        make_contribution(meeting=meeting, body=slogan, created_at=start + timedelta(minutes=n))
        for n in range(50)
    ]
    page = client.get(f"/moderation/doublons?rencontre={meeting.id}")
    assert "texte identique envoyé par 50 personnes" in page.text
    assert "Aucun doublon proposé dans" in page.text  # the copies are offered once, as the campaign

    page = _post(client, "/moderation/campagne", {"ids": [c.id for c in copies]})
    assert "Campagne regroupée" in page.text
    assert "texte identique envoyé par 50 personnes" in page.text
    kept = db.session.get(Contribution, copies[0].id)
    assert (kept.status, kept.weight) == ("published", 50)
    assert db.session.scalar(sa.select(Campaign.size)) == 50
    again = _post(client, "/moderation/campagne", {"ids": [c.id for c in copies]})
    assert "ne peuvent plus être regroupées" in again.text  # a double submit: one campaign
    assert db.session.scalar(sa.select(sa.func.count(Campaign.id))) == 1

    page = _post(client, f"/moderation/{kept.id}/annuler-campagne", {})
    assert "Campagne défaite" in page.text
    db.session.refresh(kept)
    assert kept.weight == 1


def test_a_merged_contributions_weight_shows_in_the_queue_and_at_the_top_of_its_page(
    client, facilitator, meeting, make_contribution
):
    """After a campaign merge the kept text looked, in the queue and at the top of its
    page (« 0 soutien »), like any single contribution: its weight was only said far
    below, after the tags and the similar contributions."""
    start = utcnow() - timedelta(hours=2)
    slogan = "Rouvrez le centre médico-social, fermé sans concertation."
    copies = [
        make_contribution(
            meeting=meeting, body=slogan, status="pending", created_at=start + timedelta(minutes=n)
        )
        for n in range(6)
    ]
    make_contribution(meeting=meeting, body="Des bus le soir.", status="pending")
    _post(client, "/moderation/campagne", {"ids": [c.id for c in copies]})

    queue = client.get(f"/moderation/?rencontre={meeting.id}").text
    start = queue.index(f'name="ids" value="{copies[0].id}"')
    row = queue[start : queue.index("</tr>", start)]
    assert "envoyée par 6 personnes" in row
    assert queue.count("envoyée par") == 1  # not on the single one
    review = client.get(f"/moderation/{copies[0].id}").text
    head = review[review.index('id="texte"') : review.index('id="titre-decision"')]
    assert "texte identique envoyé par 6 personnes" in head
    # The five texts merged into it are folded: the history stays in reach.
    assert "<summary>Voir les 5 contributions et annuler une fusion</summary>" in review


@pytest.mark.parametrize("role", ["participant", "partner", "member"])
def test_only_staff_merge_and_undo(client, make_user, login, make_contribution, role, db):
    a, b = make_contribution(), make_contribution()
    login(make_user(role=role))
    data = {"contribution": a.id, "number": b.id, "keep": "this"}
    assert client.post("/moderation/fusion/numero", data=data).status_code == 403
    assert client.post(f"/moderation/{a.id}/annuler-fusion").status_code == 403
    assert client.post("/moderation/campagne", data={"ids": [a.id, b.id]}).status_code == 403
    assert db.session.get(Contribution, b.id).status == "published"


def test_undoing_a_campaign_says_how_many_contributions_it_puts_apart(
    client, facilitator, meeting, make_contribution, db
):
    """The button said « Défaire la campagne (N contributions à part) » with N the people
    who sent the text (its weight), and the message after it « les N textes »: undoing
    puts apart the copies still merged into the kept text, fewer than its senders."""
    start = utcnow() - timedelta(hours=2)
    slogan = "Gardez la maison de santé de Bozel ouverte le samedi."
    copies = [
        make_contribution(meeting=meeting, body=slogan, created_at=start + timedelta(minutes=n))
        for n in range(4)
    ]
    copies[3].weight = 3  # already carries two merged duplicates: 6 senders, 3 copies
    _post(client, "/moderation/campagne", {"ids": [c.id for c in copies]})
    kept = copies[0]
    assert db.session.scalar(sa.select(Campaign.size)) == 6

    review = client.get(f"/moderation/{kept.id}").text
    assert "les 3 contributions fusionnées seront de nouveau à part" in review
    assert "6 contributions" not in review

    # One copy is put apart on its own: the campaign now holds a single copy.
    _post(client, f"/moderation/{copies[1].id}/annuler-fusion", {})
    _post(client, f"/moderation/{copies[2].id}/annuler-fusion", {})
    review = client.get(f"/moderation/{kept.id}").text
    assert "Défaire la campagne (la contribution fusionnée sera de nouveau à part)" in review

    page = _post(client, f"/moderation/{kept.id}/annuler-campagne", {})
    assert "Campagne défaite : la contribution fusionnée est de nouveau à part." in page.text
    assert db.session.get(Contribution, copies[3].id).status == "published"


def test_the_message_after_undoing_a_campaign_counts_its_copies(
    client, facilitator, meeting, make_contribution
):
    start = utcnow() - timedelta(hours=2)
    copies = [
        make_contribution(
            meeting=meeting, body="Un car le mercredi.", created_at=start + timedelta(minutes=n)
        )
        for n in range(5)
    ]
    _post(client, "/moderation/campagne", {"ids": [c.id for c in copies]})
    page = _post(client, f"/moderation/{copies[0].id}/annuler-campagne", {})
    assert "Campagne défaite : les 4 contributions fusionnées sont de nouveau à part." in page.text
