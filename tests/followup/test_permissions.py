"""Who reads and who updates the follow-up of a fiche, for every role."""

import pytest
from markupsafe import escape

from consult.schemes.models import working_group_fiches

ROLES = ("anonymous", "participant", "partner", "member", "other", "pilot", "facilitator", "admin")


def sign_in(login, savoie, role):
    if role != "anonymous":
        login(getattr(savoie.people, role))


def progress_data(fiche, progress=50):
    data = {"avancement-progress_status": "en_cours"}
    for action in fiche.actions:
        data[f"avancement-progress_{action.id}"] = str(progress)
        data[f"avancement-status_{action.id}"] = "en_cours"
    return data


def test_index_lists_schemes(client, savoie):
    response = client.get("/suivi-du-schema/")
    assert response.status_code == 200
    assert f"/suivi-du-schema/{savoie.scheme.slug}/" in response.text


@pytest.mark.parametrize("role", ROLES)
def test_public_fiche_is_readable_by_everyone(client, login, savoie, role):
    sign_in(login, savoie, role)
    response = client.get(f"/suivi-du-schema/fiches/{savoie.fiche.id}")
    assert response.status_code == 200
    assert str(escape(savoie.fiche.title)) in response.text
    editable = role in ("pilot", "facilitator", "admin")
    assert ("Mettre à jour l'avancement" in response.text) is editable
    assert ("Enregistrer la mesure" in response.text) is editable


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 404),
        ("participant", 404),
        ("partner", 404),
        ("other", 404),
        ("member", 200),
        ("pilot", 200),
        ("facilitator", 200),
        ("admin", 200),
    ],
)
def test_draft_fiche_is_hidden_outside_its_group(client, login, savoie, db, role, expected):
    savoie.fiche.status = "brouillon"
    db.session.commit()
    sign_in(login, savoie, role)
    assert client.get(f"/suivi-du-schema/fiches/{savoie.fiche.id}").status_code == expected


def test_draft_fiche_is_not_on_the_dashboard(client, savoie, db):
    savoie.fiche.status = "proposee"
    db.session.commit()
    response = client.get(f"/suivi-du-schema/{savoie.scheme.slug}/")
    assert response.status_code == 200
    assert f'/suivi-du-schema/fiches/{savoie.fiche.id}"' not in response.text
    assert f'/suivi-du-schema/fiches/{savoie.scheme.fiches[1].id}"' in response.text


def test_unknown_pages_are_404(client, savoie):
    assert client.get("/suivi-du-schema/inconnu/").status_code == 404
    assert client.get("/suivi-du-schema/fiches/999999").status_code == 404


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("participant", 403),
        ("partner", 403),
        ("member", 403),
        ("other", 403),
        ("pilot", 303),
        ("facilitator", 303),
        ("admin", 303),
    ],
)
def test_update_progress_on_a_public_fiche(client, login, savoie, db, role, expected):
    sign_in(login, savoie, role)
    response = client.post(
        f"/suivi-du-schema/fiches/{savoie.fiche.id}/avancement", data=progress_data(savoie.fiche)
    )
    assert response.status_code == expected
    if role == "anonymous":
        assert "/connexion" in response.headers["Location"]
    db.session.expire_all()
    saved = all(action.progress == 50 for action in savoie.fiche.actions)
    assert saved is (expected == 303)


@pytest.mark.parametrize(
    ("role", "expected"),
    [("participant", 404), ("other", 404), ("member", 403), ("pilot", 303), ("admin", 303)],
)
def test_update_progress_on_a_draft_fiche(client, login, savoie, db, role, expected):
    savoie.fiche.status = "brouillon"
    db.session.commit()
    sign_in(login, savoie, role)
    response = client.post(
        f"/suivi-du-schema/fiches/{savoie.fiche.id}/avancement", data=progress_data(savoie.fiche)
    )
    assert response.status_code == expected


def test_copilot_of_a_group_listing_the_fiche_may_update(client, login, savoie, db, make_user):
    copilot = make_user(role="partner")
    from consult.schemes.models import Membership

    db.session.add(Membership(group=savoie.other_group, user=copilot, role="copilote"))
    fiche = savoie.scheme.fiches[2]
    db.session.execute(
        working_group_fiches.insert().values(
            working_group_id=savoie.other_group.id, fiche_id=fiche.id
        )
    )
    db.session.commit()
    login(copilot)
    url = f"/suivi-du-schema/fiches/{fiche.id}/avancement"
    assert client.post(url, data=progress_data(fiche)).status_code == 303
    # …but not fiche 1, whose group they are not in.
    other_url = f"/suivi-du-schema/fiches/{savoie.fiche.id}/avancement"
    assert client.post(other_url, data=progress_data(savoie.fiche)).status_code == 403


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("participant", 403),
        ("partner", 403),
        ("member", 403),
        ("pilot", 403),
        ("facilitator", 200),
        ("admin", 200),
    ],
)
def test_import_pages_are_for_staff(client, login, savoie, role, expected):
    sign_in(login, savoie, role)
    slug = savoie.scheme.slug
    assert client.get(f"/suivi-du-schema/{slug}/import").status_code == expected
    assert client.get(f"/suivi-du-schema/{slug}/modele.csv").status_code == expected
    post = client.post(f"/suivi-du-schema/{slug}/import", data={})
    assert post.status_code == (422 if expected == 200 else expected)


def test_import_link_only_for_staff(client, login, savoie):
    slug = savoie.scheme.slug
    assert "/import" not in client.get(f"/suivi-du-schema/{slug}/").text
    login(savoie.people.facilitator)
    assert f"/suivi-du-schema/{slug}/import" in client.get(f"/suivi-du-schema/{slug}/").text


@pytest.mark.parametrize("role", ["participant", "member", "other"])
def test_other_writes_are_refused(client, login, savoie, db, count, role):
    from consult.followup.models import Measurement, Milestone

    sign_in(login, savoie, role)
    action = savoie.fiche.actions[0]
    indicator = savoie.fiche.indicators[0]
    assert (
        client.post(
            f"/suivi-du-schema/actions/{action.id}/jalons", data={f"jalon-{action.id}-label": "X"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/suivi-du-schema/indicateurs/{indicator.id}/mesures",
            data={f"mesure-{indicator.id}-year": "2025", f"mesure-{indicator.id}-value": "3"},
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/suivi-du-schema/indicateurs/{indicator.id}",
            data={f"indicateur-{indicator.id}-kind": "taux"},
        ).status_code
        == 403
    )
    assert count(Milestone) == 0
    assert count(Measurement) == 0
    db.session.expire_all()
    assert indicator.kind != "taux"


def test_anonymous_writes_go_to_login(client, savoie):
    action = savoie.fiche.actions[0]
    indicator = savoie.fiche.indicators[0]
    for url in (
        f"/suivi-du-schema/actions/{action.id}/jalons",
        f"/suivi-du-schema/indicateurs/{indicator.id}",
        f"/suivi-du-schema/indicateurs/{indicator.id}/mesures",
        "/suivi-du-schema/jalons/1",
    ):
        response = client.post(url, data={})
        assert response.status_code == 302, url
        assert "/connexion" in response.headers["Location"]
