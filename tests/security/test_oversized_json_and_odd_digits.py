"""Issue 12 #16: deep JSON, 4,300-digit integers and "²⁰²⁴" get French errors, not 500s."""

import io
import json

import pytest
import sqlalchemy as sa

from consult.followup.models import Measurement
from consult.schemes.importer import SchemeImportError, load_document, validate_document
from consult.schemes.models import Fiche, Scheme
from tests.factories import load_fixture

DEEP = '{"format": "consult-scheme/1", "fiches": ' + "[" * 100_000 + "]" * 100_000 + "}"
HUGE_NUMBER = '{"format": "consult-scheme/1", "fiches": [{"number": 1' + "0" * 4400 + "}]}"


def _scheme_with(**changes) -> str:
    document = load_fixture("vienne.json")
    document.update(changes)
    return json.dumps(document)


MODERATELY_DEEP = _scheme_with(notes=json.loads("[" * 50 + "]" * 50))
NOT_A_NUMBER = _scheme_with(process_figures={"participants": float("nan")})


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (DEEP, "plus de 12 niveaux"),
        (MODERATELY_DEEP, "plus de 12 niveaux"),
        (HUGE_NUMBER, "plus de 4 300 chiffres"),
        (NOT_A_NUMBER, "NaN"),
    ],
)
def test_hostile_json_gets_a_french_error(raw, message):
    with pytest.raises(SchemeImportError, match=message):
        load_document(raw.encode())


def test_texts_longer_than_their_column_are_refused_before_the_database():
    document = load_fixture("vienne.json")
    document["fiches"][0]["number"] = "1" * 30
    document["fiches"][1]["title"] = "t" * 600
    document["fiches"][2]["linked_fiches"] = ["9" * 25]
    errors = validate_document(document)
    assert "Fiche n° 1 de la liste : champ « number » trop long." in errors
    assert any("champ « title » trop long (500 caractères" in error for error in errors)
    assert any("« linked_fiches » : un numéro de fiche trop long" in error for error in errors)
    document["department"] = "d" * 200
    assert validate_document(document) == [
        "Schéma : champ « department » trop long (120 caractères au maximum)."
    ]


@pytest.mark.parametrize("raw", [DEEP, HUGE_NUMBER, MODERATELY_DEEP])
def test_upload_form_answers_422_with_the_message(client, make_user, login, count, raw):
    login(make_user(role="admin"))
    response = client.post(
        "/admin/schemas/importer",
        data={"document": (io.BytesIO(raw.encode()), "schema.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "Le fichier" in response.get_data(as_text=True)
    assert count(Scheme) == 0


def test_cli_refuses_deep_json_and_exits_non_zero(runner, count, tmp_path):
    path = tmp_path / "profond.json"
    path.write_text(DEEP)
    result = runner.invoke(args=["scheme", "import", str(path)])
    assert result.exit_code == 1
    assert "plus de 12 niveaux" in result.output
    assert count(Scheme) == 0


SUPERSCRIPT_YEAR = "fiche;indicateur;annee;valeur\n1;1;²⁰²⁴;12\n1;²;2025;3\n"


def test_indicator_values_in_superscript_digits_are_refused_line_by_line(
    client, make_scheme, make_user, login, count
):
    scheme = make_scheme()
    login(make_user(role="facilitator"))
    response = client.post(
        f"/suivi-du-schema/{scheme.slug}/import",
        data={
            "file": (io.BytesIO(SUPERSCRIPT_YEAR.encode()), "valeurs.csv"),
            "operation": "import",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "année « ²⁰²⁴ » non reconnue" in page
    assert "indicateur « ² » introuvable dans la fiche 1" in page
    assert count(Measurement) == 0


def test_drafting_next_to_a_fiche_numbered_in_superscript_digits(
    client, make_scheme, make_user, make_working_group, login, db
):
    scheme, member = make_scheme(), make_user(role="member")
    group = make_working_group(scheme=scheme, members=[(member, "pilote")])
    db.session.add(
        Fiche(scheme=scheme, number=f"GT{group.id}-²", title="Importée ainsi", position=99)
    )
    db.session.commit()
    login(member)
    response = client.post(
        f"/groupes/{group.id}/fiches/nouvelle",
        data={"title": "Une nouvelle fiche", "part": "transversale", "form_key": "k" * 24},
    )
    assert response.status_code == 303
    numbers = db.session.scalars(sa.select(Fiche.number).where(Fiche.working_group_id == group.id))
    assert list(numbers) == [f"GT{group.id}-1"]
