"""The read API: public rows only, paginated with next links, filters, 400 in French."""

import pytest

SECRET = "secret"


def get_all(client, url):
    """Every item of a list, following the ``next`` links."""
    found, pages = [], 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.text
        body = response.get_json()
        found.extend(body["items"])
        url, pages = body["next"], pages + 1
    return found, pages


def test_contributions_are_paginated_with_next_links(client, world):
    slug = world["scheme"].slug
    first = client.get(f"/api/v1/contributions?scheme={slug}&per_page=3").get_json()
    assert first["total"] == 8
    assert len(first["items"]) == 3
    assert "page=2" in first["next"]
    found, pages = get_all(client, f"/api/v1/contributions?scheme={slug}&per_page=3")
    assert pages == 3
    ids = [item["id"] for item in found]
    assert ids == sorted(ids)
    assert len(set(ids)) == 8
    assert set(ids) == {c.id for c in world["shown"]} | {world["elsewhere"].id}


def test_private_data_is_never_listed(client, world):
    for resource in (
        "schemes",
        "meetings",
        "contributions",
        "fiches",
        "decisions",
        "ideas",
        "indicators",
        "measurements",
    ):
        found, _ = get_all(client, f"/api/v1/{resource}?per_page=100")
        text = str(found)
        assert SECRET not in text, resource
        assert "Z9" not in text, resource
    meetings, _ = get_all(client, "/api/v1/meetings")
    ids = {m["id"] for m in meetings}
    assert world["public"].id in ids
    assert world["draft"].id not in ids
    assert world["private"].id not in ids


@pytest.mark.parametrize("which", ["draft", "private"])
def test_private_meeting_is_not_found(client, world, which):
    response = client.get(f"/api/v1/meetings/{world[which].id}")
    assert response.status_code == 404
    assert response.get_json()["erreur"] == "Rencontre introuvable."


def test_public_meeting_hides_small_attendance(client, world, db):
    world["public"].attendance_by_type = {"usagers": 12, "elus": 2}
    db.session.flush()
    body = client.get(f"/api/v1/meetings/{world['public'].id}").get_json()
    assert body["participants"] == 14
    assert body["participants_usagers"] == 12
    assert body["participants_elus"] == ""


def test_filters(client, world):
    def ids(url):
        return {item["id"] for item in get_all(client, url)[0]}

    shown = world["shown"]
    assert ids(f"/api/v1/contributions?meeting={world['public'].id}") == {c.id for c in shown}
    assert ids(f"/api/v1/contributions?theme={world['theme'].id}") == {shown[0].id}
    assert ids(f"/api/v1/contributions?fiche={world['adopted'].id}") == {shown[1].id}
    # A draft fiche is not public: filtering by it reveals nothing.
    assert ids(f"/api/v1/contributions?fiche={world['hidden'].id}") == set()
    assert ids("/api/v1/meetings?date_from=2026-05-01") == {world["other"].id}
    assert ids("/api/v1/meetings?date_to=2026-05-01") == {world["public"].id}
    assert ids("/api/v1/contributions?scheme=inconnu") == set()
    decisions = get_all(client, f"/api/v1/decisions?meeting={world['other'].id}")[0]
    assert [d["contribution_id"] for d in decisions] == [world["elsewhere"].id]
    assert decisions[0]["motif"] == "Hors budget"
    fiches = get_all(client, "/api/v1/fiches")[0]
    numbers = [f["numero"] for f in fiches]
    assert "A1" in numbers
    assert "Z9" not in numbers
    assert {f["statut"] for f in fiches} <= {"validee", "adoptee"}


@pytest.mark.parametrize(
    "query",
    [
        "per_page=101",
        "per_page=0",
        "page=-1",
        "page=abc",
        "page=١",  # an Arabic-Indic digit
        "meeting=99999999999999999999",
        "date_from=2026-13-01",
        "date_from=20260101",
        "date_from=2026-05-01&date_to=2026-01-01",
        "inconnu=1",
        "page=1&page=2",
        "scheme=",
    ],
)
def test_bad_parameters_are_refused_in_french(client, world, query):
    response = client.get(f"/api/v1/contributions?{query}")
    assert response.status_code == 400
    body = response.get_json()
    assert body["statut"] == 400
    assert body["erreur"]


def test_ideas_indicators_and_measurements_of_what_is_public(client, world, db):
    ideas = get_all(client, "/api/v1/ideas")[0]
    synthesis_id = world["synthesis"].synthesis_id
    assert ideas
    assert {idea["synthese_id"] for idea in ideas} == {synthesis_id}
    assert all(idea["contributions"] >= 1 and idea["idee"] for idea in ideas)
    assert get_all(client, "/api/v1/ideas?date_to=2000-01-01")[0] == []
    indicators = get_all(client, f"/api/v1/indicators?fiche={world['adopted'].id}")[0]
    assert [i["libelle"] for i in indicators] == ["Familles accueillies"]
    assert get_all(client, f"/api/v1/indicators?fiche={world['hidden'].id}")[0] == []
    measures = get_all(client, "/api/v1/measurements")[0]
    mine = [m for m in measures if m["indicateur_id"] == indicators[0]["id"]]
    assert [(m["annee"], m["valeur"], m["valeur_texte"]) for m in mine] == [
        (2025, 12.0, ""),
        (2026, "", "En hausse"),
    ]


def test_filter_not_offered_by_a_resource_is_refused(client, world):
    response = client.get("/api/v1/fiches?meeting=1")
    assert response.status_code == 400
    assert "Paramètre inconnu" in response.get_json()["erreur"]


def test_get_answers_cors(client, world):
    response = client.get("/api/v1/schemes")
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_texts_are_masked(client, world, db):
    world["shown"][3].body = "Appelez-moi au 06 12 34 56 78 pour en parler"
    db.session.flush()
    found, _ = get_all(client, "/api/v1/contributions")
    assert "06 12 34 56 78" not in str(found)


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("GET", "/api/v1/meetings/0.9", 404),
        ("GET", "/api/v1/inconnu", 404),
        ("GET", "/api/v1/meetings/1/contributions", 405),
        ("DELETE", "/api/v1/schemes", 405),
    ],
)
def test_bad_urls_answer_json(client, world, method, url, status):
    response = client.open(url, method=method)
    assert response.status_code == status
    assert response.get_json()["statut"] == status


def test_kept_rows_follow_what_is_published(app, client, world, db, monkeypatch, make_user):
    """The API keeps the open-data rows between requests, until something public changes."""
    from consult.core.db import utcnow
    from consult.followup.models import Measurement
    from consult.moderation import services as moderation

    monkeypatch.setitem(app.config, "PUBLIC_FIGURES_SECONDS", 600)
    total = client.get("/api/v1/contributions").get_json()["total"]
    assert client.get("/api/v1/contributions").get_json()["total"] == total  # kept
    pending = world["secrets"][0]
    pending.body = "Un avis désormais publié"
    moderation.publish(pending, actor=make_user(role="facilitator"), now=utcnow())
    db.session.commit()
    assert client.get("/api/v1/contributions").get_json()["total"] == total + 1
    measured = len(get_all(client, "/api/v1/measurements")[0])
    indicator = get_all(client, f"/api/v1/indicators?fiche={world['adopted'].id}")[0][0]
    db.session.add(Measurement(indicator_id=indicator["id"], year=2027, value=20))
    db.session.commit()
    assert len(get_all(client, "/api/v1/measurements")[0]) == measured + 1
