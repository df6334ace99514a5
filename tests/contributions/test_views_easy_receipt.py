"""After an easy-read submission, receipt and follow-up stay easy-read (issue 16, 11-12)."""

import re

import pytest

from consult.contributions.models import Contribution


def _key(page) -> str:
    return re.search(r'name="form_key" type="hidden" value="([^"]+)"', page.text).group(1)


@pytest.fixture
def meeting(make_meeting):
    return make_meeting(status="open")


def _send_easy(client, meeting):
    url = f"/rencontres/{meeting.id}/contribuer/facile"
    data = {
        "form_key": _key(client.get(url)),
        "step": "envoyer",
        "author_type": "usager",
        "kind": "proposition",
        "body": "Plus de bus le dimanche pour aller voir ma mère",
        "pseudonym": "",
        "consent": "y",
        "envoyer": "1",
    }
    return client.post(url, data=data)


def test_easy_read_receipt_is_easy_read_with_a_code_card(client, meeting, db):
    response = _send_easy(client, meeting)
    assert response.status_code == 200  # the receipt is the POST's answer
    page = response.text
    code = db.session.query(Contribution).one().receipt_code
    assert "Nous avons bien reçu votre avis." in page
    assert "relue par l'équipe avant d'être publiée" not in page
    assert "Noter mon code" in page
    assert code in page
    assert "data-print" in page  # « Imprimer mon code »
    assert f'href="/suivi/{code}?facile=1"' in page


def test_standard_receipt_also_gives_a_link_to_follow(client, meeting, db):
    data = {
        "body": "Plus de bus le dimanche entre Modane et Saint-Jean",
        "kind": "proposition",
        "author_type": "professionnel",
        "territory_id": "0",
        "consent": "y",
    }
    url = f"/rencontres/{meeting.id}/contribuer"
    data["form_key"] = _key(client.get(url))
    page = client.post(url, data=data).text
    code = db.session.query(Contribution).one().receipt_code
    assert "relue par l'équipe" in page
    assert f"http://localhost/suivi/{code}</a>" in page


def test_follow_up_link_is_bookmarkable_and_stays_easy_read(client, meeting, db):
    _send_easy(client, meeting)
    code = db.session.query(Contribution).one().receipt_code
    page = client.get(f"/suivi/{code}?facile=1")
    assert page.status_code == 200
    text = page.text
    assert "Suivre mon avis" in text
    # The plain sentence comes first; no jargon.
    plain = text.index("L&#39;équipe n&#39;a pas encore lu votre avis")
    assert plain < text.index("<dt>Rencontre</dt>")
    assert "À modérer" not in text
    assert "JSON" not in text
    assert 'action="/suivi/effacer?facile=1"' in text
    ordinary = client.get(f"/suivi/{code.replace('-', '').lower()}").text
    assert "Suivre ma contribution" in ordinary
    assert "fichier JSON" in ordinary


def test_unknown_code_in_a_link_gets_a_french_message(client):
    response = client.get("/suivi/ZZZZZ-99999")
    assert response.status_code == 422
    assert "Aucune contribution ne correspond à ce code" in response.text
