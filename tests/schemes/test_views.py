"""Browsing the scheme, and the administrator's upload form."""

import io
import json

import sqlalchemy as sa

from consult.schemes.models import Scheme, Territory
from tests.factories import FIXTURES, load_fixture


def test_scheme_pages_show_structure(client, make_scheme):
    scheme = make_scheme()
    body = client.get(f"/schemas/{scheme.slug}/").get_data(as_text=True)
    assert "Schéma social et médico-social unique" in body
    assert "L&#39;enfance handicapée" in body  # a theme, escaped
    assert "Fiche action 33" in body
    fiche = client.get(f"/schemas/{scheme.slug}/fiches/26").get_data(as_text=True)
    assert "absente du schéma" in fiche  # link to the missing fiche 34
    assert client.get("/schemas/").status_code == 200


def test_unknown_scheme_or_fiche_is_404(client, make_scheme):
    scheme = make_scheme()
    assert client.get("/schemas/inconnu/").status_code == 404
    assert client.get(f"/schemas/{scheme.slug}/fiches/999").status_code == 404


def test_admin_uploads_a_scheme(client, make_user, login, count):
    login(make_user(role="admin"))
    data = {"document": (io.BytesIO((FIXTURES / "vienne.json").read_bytes()), "vienne.json")}
    response = client.post("/admin/schemas/importer", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    assert count(Scheme) == 1


def test_upload_of_broken_scheme_lists_errors_and_imports_nothing(client, make_user, login, count):
    login(make_user(role="admin"))
    document = load_fixture("savoie.json")
    document["fiches"][0]["indicators"] = {"pas": "une liste"}
    raw = json.dumps(document).encode()
    response = client.post(
        "/admin/schemas/importer",
        data={"document": (io.BytesIO(raw), "savoie.json")},
        content_type="multipart/form-data",
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Fiche 1 : champ « indicators » : une liste est attendue" in body
    assert "Rien n'a été importé" in body
    assert count(Scheme) == 0


def test_upload_refuses_other_file_types(client, make_user, login):
    login(make_user(role="admin"))
    response = client.post(
        "/admin/schemas/importer",
        data={"document": (io.BytesIO(b"MZ\x90"), "virus.exe")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "format JSON" in response.get_data(as_text=True)


def test_admin_renames_levels(client, make_user, login, make_scheme):
    scheme = make_scheme()
    login(make_user(role="admin"))
    names = dict.fromkeys(
        (
            "axis",
            "axes",
            "objective",
            "objectives",
            "theme",
            "themes",
            "fiche",
            "fiches",
        ),
        "",
    )
    names.update(axis="Orientation", axes="Orientations")
    response = client.post(f"/admin/schemas/{scheme.slug}/niveaux", data=names)
    assert response.status_code == 302
    assert "Orientation 1" in client.get(f"/schemas/{scheme.slug}/").get_data(as_text=True)


def test_admin_adds_territory_tree_and_public(client, make_user, login):
    login(make_user(role="admin"))
    client.post(
        "/admin/territoires", data={"name": "Maurienne", "kind": "Bassin de vie", "parent_id": 0}
    )
    page = client.get("/admin/territoires").get_data(as_text=True)
    assert "Maurienne" in page
    parent_id = client.application.extensions["sqlalchemy"].session.scalar(
        sa.select(Territory.id).where(Territory.code == "maurienne")
    )
    client.post(
        "/admin/territoires", data={"name": "Modane", "kind": "Commune", "parent_id": parent_id}
    )
    response = client.post("/admin/publics", data={"label": "Aidants familiaux"})
    assert response.status_code == 302
    public_page = client.get("/territoires/").get_data(as_text=True)
    assert "Modane" in public_page
    assert "Aidants familiaux" in public_page


def test_duplicate_territory_is_refused(client, make_user, login, make_territory):
    make_territory(name="Tarentaise", code="tarentaise")
    login(make_user(role="admin"))
    response = client.post(
        "/admin/territoires", data={"name": "Tarentaise", "kind": "", "parent_id": 0}
    )
    assert response.status_code == 422
    assert "existe déjà" in response.get_data(as_text=True)


def test_a_drafted_fiche_stays_out_of_the_public_scheme(
    client, db, make_scheme, make_user, make_working_group, login
):
    scheme = make_scheme()
    draft = scheme.fiches[0]
    draft.status = "brouillon"
    member = make_user(role="member")
    draft.working_group_id = make_working_group(scheme=scheme, members=[(member, "membre")]).id
    db.session.commit()

    listing = client.get(f"/schemas/{scheme.slug}/").text
    assert f'/fiches/{draft.number}"' not in listing
    assert f'/fiches/{scheme.fiches[1].number}"' in listing
    assert client.get(f"/schemas/{scheme.slug}/fiches/{draft.number}").status_code == 404

    login(member)
    assert client.get(f"/schemas/{scheme.slug}/fiches/{draft.number}").status_code == 200
