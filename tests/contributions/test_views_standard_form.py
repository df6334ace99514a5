"""The standard participants' form ticks nothing for the participant (issue 16, item 17)."""

import re

import pytest

from consult.contributions.models import Contribution


def _key(page) -> str:
    return re.search(r'name="form_key" type="hidden" value="([^"]+)"', page.text).group(1)


@pytest.fixture
def meeting(make_meeting):
    return make_meeting(status="open")


def test_no_author_type_nor_kind_is_pre_ticked(client, meeting):
    page = client.get(f"/rencontres/{meeting.id}/contribuer")
    assert page.status_code == 200
    radios = re.findall(r'<input type="radio"[^>]*name="(?:kind|author_type)"[^>]*>', page.text)
    assert len(radios) >= 8
    assert not [radio for radio in radios if "checked" in radio]


def test_missing_author_type_and_kind_are_named_not_guessed(client, meeting, count):
    data = {
        "body": "Plus de bus le dimanche entre Modane et Saint-Jean",
        "territory_id": "0",
        "consent": "y",
        "form_key": _key(client.get(f"/rencontres/{meeting.id}/contribuer")),
    }
    response = client.post(f"/rencontres/{meeting.id}/contribuer", data=data)
    assert response.status_code == 422
    assert count(Contribution) == 0
    assert "Le formulaire contient 2 erreurs" in response.text
    assert "Dites-nous qui vous êtes." in response.text
    assert "Choisissez si c&#39;est un constat, une proposition" in response.text
    # What was typed is given back.
    assert "Plus de bus le dimanche" in response.text
