"""The decision form: actions grouped per fiche, and its stylesheet (issue 16, items 5, 15)."""

import re

import pytest

from consult.tagging.models import ContributionTag


@pytest.fixture
def contribution(make_contribution, meeting, group, db):
    contribution = make_contribution(meeting=meeting, body="Des crèches ouvertes le samedi")
    db.session.add(ContributionTag(contribution=contribution, theme=group.theme))
    db.session.commit()
    return contribution


def _select(page: str, name: str) -> str:
    return re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.DOTALL).group(0)


def test_actions_are_offered_under_their_fiche(client, login, people, group, contribution):
    login(people["membre"])
    page = client.get(f"/groupes/{group.id}/decisions?filtre=toutes").text
    actions = _select(page, "action_id")
    groups = re.findall(
        r'<optgroup label="Fiche ([^"]+)" data-fiche="(\d+)">(.*?)</optgroup>', actions, re.DOTALL
    )
    assert len(groups) >= 2
    fiche_select = _select(page, "fiche_id")
    for _label, fiche_id, options in groups:
        assert f'value="{fiche_id}"' in fiche_select
        assert "<option" in options
    # The list is narrowed to the chosen fiche in the browser.
    assert f'data-actions-of="fiche-{contribution.id}"' in actions
    assert "js/decisions.js" in page


def _stylesheets(client, page: str) -> str:
    css = []
    for href in re.findall(r'<link rel="stylesheet" href="([^"]+)"', page):
        response = client.get(href)
        css.append(response.get_data(as_text=True))
        response.close()
    return "".join(css)


@pytest.mark.parametrize("path", ["/groupes/{group}/decisions?filtre=toutes", "/comite/"])
def test_decision_pages_load_the_radio_styles(client, login, people, group, contribution, path):
    login(people["admin"])
    response = client.get(path.format(group=group.id))
    assert response.status_code == 200
    # The comité page has radio buttons once a fiche is proposed: its styles are loaded anyway.
    assert "choices__list" in response.text or path == "/comite/"
    css = _stylesheets(client, response.text)
    assert re.search(r"\.choices__list \{[^}]*list-style: none", css)
    assert re.search(r"\.choices__item input \{[^}]*width: 1\.5rem", css)
