"""After « je soutiens » or « signaler », the participant stays where they were (issue 16, 9)."""

import re
from html import unescape

import pytest


@pytest.fixture
def contribution(make_contribution, db):
    contribution = make_contribution(status="published", body="Plus de bus le dimanche")
    db.session.commit()
    return contribution


def _card(page: str, contribution) -> str:
    start = page.index(f'id="contribution-{contribution.id}"')
    return page[start : page.index("</article>", start)]


def _flashes(page: str) -> str:
    found = re.search(r'<div class="flashes">(.*?)</div>', page, re.DOTALL)
    return found.group(1) if found else ""


def test_support_goes_back_to_the_same_page_with_the_thanks_in_the_card(client, contribution):
    listing = client.get("/contributions/?page=1").text
    action = unescape(re.search(r'action="([^"]*/soutenir[^"]*)"', listing).group(1))
    assert "retour=/contributions/?page%3D1" in action or "retour=/contributions/?page=1" in action
    response = client.post(action)
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location == f"/contributions/?page=1#contribution-{contribution.id}-confirmation"
    page = client.get(location.split("#")[0]).text
    card = _card(page, contribution)
    assert f'id="contribution-{contribution.id}-confirmation"' in card
    assert 'role="status"' in card
    assert "votre soutien est enregistré" in card
    assert "votre soutien est enregistré" not in _flashes(page)


def test_report_goes_back_to_the_page_it_came_from(client, contribution):
    meeting_page = f"/rencontres/{contribution.meeting_id}"
    page = client.get(meeting_page).text
    link = unescape(re.search(r'href="([^"]*/signaler[^"]*)"', page).group(1))
    form = client.get(link).text
    action = unescape(re.search(r'<form method="post" action="([^"]+)"', form).group(1))
    assert f'href="{meeting_page}#contribution-{contribution.id}"' in form
    response = client.post(action, data={"reason": "hors_sujet"})
    assert response.status_code == 303
    assert response.headers["Location"] == (
        f"{meeting_page}#contribution-{contribution.id}-confirmation"
    )
    card = _card(client.get(meeting_page).text, contribution)
    assert "l&#39;équipe de modération va relire" in card


@pytest.mark.parametrize("evil", ["//evil.example/x", "https://evil.example/", "/\t/evil.example"])
def test_return_address_never_leaves_the_site(client, contribution, evil):
    response = client.post(
        f"/contributions/{contribution.id}/soutenir", query_string={"retour": evil}
    )
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith(f"/rencontres/{contribution.meeting_id}#")
    # Without a page to go back to, the thanks are shown at the top as before.
    page = client.get(location.split("#")[0]).text
    assert "votre soutien est enregistré" in _flashes(page)
