"""The « Données ouvertes » page and its stable file URLs."""

from html import unescape

import pytest


@pytest.fixture
def instance(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "INSTANCE_DIR", tmp_path)
    return tmp_path


@pytest.fixture
def scheme(db, make_scheme, make_meeting, make_contribution):
    scheme = make_scheme()
    make_contribution(meeting=make_meeting(scheme=scheme), body="Un avis public sur les crèches")
    db.session.commit()
    return scheme


def test_file_is_served_as_csv_and_page_links_it(client, instance, scheme):
    with client.get(f"/donnees-ouvertes/{scheme.slug}/contributions.csv") as response:
        assert response.status_code == 200
        assert response.mimetype == "text/csv"
        assert "Un avis public sur les crèches" in response.get_data(as_text=True)
    page = unescape(client.get("/donnees-ouvertes/").get_data(as_text=True))
    assert f'href="/donnees-ouvertes/{scheme.slug}/contributions.schema.json"' in page
    assert "Licence Ouverte / Open Licence version 2.0" in page
    with client.get(f"/donnees-ouvertes/{scheme.slug}/LISEZMOI.md") as response:
        card = response.get_data(as_text=True)
    assert "Pseudonymisation" in card
    assert "Licence Ouverte" in card


@pytest.mark.parametrize("name", ["../config.py", "contributions.xlsx", "secret.csv"])
def test_only_documented_names_are_served(client, instance, scheme, name):
    assert client.get(f"/donnees-ouvertes/{scheme.slug}/{name}").status_code == 404


def test_unknown_scheme_is_404(client, instance, scheme):
    assert client.get("/donnees-ouvertes/inconnu/contributions.csv").status_code == 404
