"""The receipt page (/suivi) and the data export tell the participant what became of it."""

import json

from markupsafe import escape


def track(client, contribution):
    return client.post("/suivi", data={"code": contribution.receipt_code})


def test_receipt_shows_a_retained_proposal_and_its_public_fiche(client, world):
    page = track(client, world.kept)
    assert page.status_code == 200
    assert "Votre proposition a été retenue." in page.text
    assert "Il va la mettre en place." in page.text  # easy-read sentence
    assert f'href="/suite/fiches/{world.fiche.id}"' in page.text


def test_receipt_shows_the_reason_of_a_refusal(client, world):
    page = track(client, world.refused)
    assert "Votre proposition n&#39;a pas été retenue." in page.text
    assert "Pourquoi : Le stationnement relève des communes." in page.text
    assert "/suite/fiches/" not in page.text


def test_receipt_says_when_no_answer_yet(client, world):
    page = track(client, world.waiting)
    assert "Pas encore de réponse : les groupes de travail étudient les contributions." in page.text
    assert "Vous aurez une réponse plus tard." in page.text


def test_pending_contribution_has_no_answer_block(client, world):
    page = track(client, world.pending)
    assert page.status_code == 200
    assert "La réponse à votre contribution" not in page.text


def test_receipt_hides_the_link_to_a_draft_fiche(client, world, db):
    world.fiche.status = "brouillon"
    db.session.commit()
    page = track(client, world.kept)
    assert "Votre proposition a été retenue." in page.text
    assert "/suite/fiches/" not in page.text


def test_merged_contribution_shows_the_decision_of_its_target(client, world, make_contribution, db):
    duplicate = make_contribution(
        meeting=world.meeting,
        body="Une crèche ouverte tôt le matin",
        status="merged",
        merged_into_id=world.refused.id,
    )
    db.session.commit()
    page = track(client, duplicate)
    assert "Votre proposition n&#39;a pas été retenue." in page.text
    assert "la vôtre a été regroupée" in page.text
    assert "Le stationnement relève des communes." in page.text


def test_partial_and_out_of_scope_answers_in_plain_words(
    client, world, make_contribution, decide, db
):
    partial = make_contribution(meeting=world.meeting, body="Des bus le dimanche")
    outside = make_contribution(meeting=world.meeting, body="Baisser les impôts")
    decide(partial, "partiellement_retenue", reason="Le samedi seulement.")
    decide(outside, "hors_champ", reason="<b>Compétence</b> de l'État.")
    db.session.commit()
    assert "Votre proposition a été retenue en partie." in track(client, partial).text
    text = track(client, outside).text
    assert "Votre proposition ne relève pas du schéma." in text
    assert str(escape("<b>Compétence</b> de l'État.")) in text


def test_data_export_includes_the_decision(client, world):
    response = client.post("/suivi/donnees", data={"code": world.refused.receipt_code})
    data = json.loads(response.data)
    assert data["suite_donnee"]["reponse"] == "Non retenue"
    assert data["suite_donnee"]["motif"] == "Le stationnement relève des communes."
    kept = json.loads(client.post("/suivi/donnees", data={"code": world.kept.receipt_code}).data)
    assert kept["suite_donnee"]["fiche_action"].startswith(world.fiche.number)
    waiting = client.post("/suivi/donnees", data={"code": world.waiting.receipt_code})
    assert json.loads(waiting.data)["suite_donnee"] is None
