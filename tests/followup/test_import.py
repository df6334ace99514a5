"""Spreadsheet import of indicator values: dry run, all-or-nothing, re-import, hostile cells."""

import csv
import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from consult.followup.models import Measurement
from consult.schemes.models import Indicator

SAMPLE = Path(__file__).parent.parent / "fixtures" / "indicateurs-savoie-2022-2023.csv"
DEMO = Path(__file__).parent.parent.parent / "consult" / "demo" / "data" / SAMPLE.name


@pytest.fixture
def staff(savoie, login):
    login(savoie.people.facilitator)
    return savoie.people.facilitator


def upload(client, scheme, content: bytes, operation="check", filename="valeurs.csv"):
    return client.post(
        f"/suivi-du-schema/{scheme.slug}/import",
        data={"file": (io.BytesIO(content), filename), "operation": operation},
        content_type="multipart/form-data",
    )


GOOD = (
    "fiche;indicateur;annee;valeur;territoire;source;commentaire;type;unite;reference;annee_reference\n"
    "1;1;2025;1 200;;CAF;Premier relevé;nombre;personnes;1 000;2024\n"
    "1;1;2026;1 350,5;;CAF;;;;;\n"
    "1;Nombre de situations traitées dans le cadre des plateformes.;2025;42;;;;;;;\n"
)


def test_dry_run_lists_refused_lines_and_saves_nothing(client, savoie, staff, count):
    content = (
        b"fiche;indicateur;annee;valeur;territoire\n"
        b"1;1;2025;12,5;\n"
        b"99;1;2025;3;\n"
        b"1;42;2025;3;\n"
        b"1;1;20x5;3;\n"
        b"1;2;2025;douze;\n"
        b"1;2;2025;4;Nulle-part\n"
        b"1;1;2025;13;\n"
    )
    response = upload(client, savoie.scheme, content, "check")
    assert response.status_code == 422
    text = response.text
    assert "Ligne 3 : fiche « 99 » inconnue dans ce schéma" in text
    assert "Ligne 4 : la fiche 1 a 2 indicateurs : pas d&#39;indicateur n° 42" in text
    assert "Ligne 5 : année « 20x5 » non reconnue" in text
    assert "Ligne 6 : « douze » n&#39;est pas un nombre" in text
    assert "Ligne 7 : territoire « Nulle-part » inconnu" in text
    assert "Ligne 8 : même indicateur, même année et même territoire que la ligne 2" in text
    assert "1 mesure pour 1 indicateur" in text
    assert count(Measurement) == 0
    # Importing the same file saves nothing either.
    response = upload(client, savoie.scheme, content, "import")
    assert response.status_code == 422
    assert "Rien n&#39;a été importé : 6 lignes sont refusées." in response.text
    assert "Ligne 3 : fiche « 99 » inconnue" in response.text
    assert count(Measurement) == 0


def test_check_then_import_then_reimport(client, savoie, staff, db, count):
    response = upload(client, savoie.scheme, GOOD.encode(), "check")
    assert response.status_code == 200
    assert "Vérification : aucune erreur" in response.text
    assert "3 mesures pour 2 indicateurs, années 2025, 2026" in response.text
    assert count(Measurement) == 0
    response = upload(client, savoie.scheme, GOOD.encode(), "import")
    assert response.status_code == 200, response.text
    assert "3 mesures ajoutées, 0 mise à jour" in response.text
    first, second = savoie.fiche.indicators[:2]
    db.session.expire_all()
    assert [(m.year, m.value, m.source) for m in first.measurements] == [
        (2025, 1200.0, "CAF"),
        (2026, 1350.5, "CAF"),
    ]
    assert (first.unit, first.baseline, first.baseline_year) == ("personnes", 1000.0, 2024)
    assert [m.value for m in second.measurements] == [42.0]
    changed = GOOD.replace("1 350,5", "1 400").encode("cp1252")
    response = upload(client, savoie.scheme, changed, "import")
    assert response.status_code == 200
    assert "0 mesure ajoutée, 3 mises à jour" in response.text
    assert count(Measurement) == 3
    db.session.expire_all()
    assert first.measurements[1].value == 1400.0


def test_xlsx_with_comma_file(client, savoie, staff, db, count):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Fiche", "Indicateur", "Année", "Valeur", "Commentaire"])
    sheet.append([1, 1, 2025, 12.5, "ok"])
    sheet.append([2, 1, 2026, 7, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(client, savoie.scheme, buffer.getvalue(), "import", "valeurs.xlsx")
    assert response.status_code == 200, response.text
    assert count(Measurement) == 2
    comma = b"fiche,indicateur,annee,valeur\n1,2,2025,3\n"
    assert upload(client, savoie.scheme, comma, "import").status_code == 200
    assert count(Measurement) == 3


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"", "vide.csv", "Le fichier est vide."),
        (b"fiche;indicateur;annee;valeur\n", "titres.csv", "aucune mesure"),
        (b"fiche;annee\n1;2025\n", "colonnes.csv", "absentes : « indicateur », « valeur »"),
        (b"PK\x03\x04garbage", "faux.xlsx", "pas un classeur .xlsx valide"),
        (b"fiche;indicateur\n", "valeurs.ods", "Seuls les fichiers .csv et .xlsx sont acceptés."),
    ],
)
def test_unreadable_files(client, savoie, staff, count, content, filename, message):
    response = upload(client, savoie.scheme, content, "import", filename)
    assert response.status_code == 422
    assert message in response.text
    assert count(Measurement) == 0


def test_hostile_cells(client, savoie, staff, db):
    indicator = savoie.fiche.indicators[0]
    indicator.label = '=HYPERLINK("http://exemple.fr","clic")'
    indicator.unit = "+1"
    db.session.commit()
    template = client.get(f"/suivi-du-schema/{savoie.scheme.slug}/modele.csv")
    assert template.status_code == 200
    assert template.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(template.text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:4] == ["fiche", "indicateur", "libelle", "annee"]
    first = rows[1]
    assert first[2] == '\'=HYPERLINK("http://exemple.fr","clic")'
    assert first[rows[0].index("unite")] == "'+1"
    assert len(rows) - 1 == db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Indicator)
        .where(Indicator.fiche_id.in_([f.id for f in savoie.scheme.fiches]))
    )
    content = (
        b"fiche;indicateur;annee;valeur;source;commentaire\n"
        b'1;1;2025;3;<img src=x onerror=alert(1)>;<script>alert("x")</script>Bilan =SUM(A1)\n'
    )
    assert upload(client, savoie.scheme, content, "import").status_code == 200
    page = client.get(f"/suivi-du-schema/fiches/{savoie.fiche.id}").text
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "Bilan =SUM(A1)" in page


def test_sample_file_fills_every_indicator(client, savoie, staff, db, count):
    content = SAMPLE.read_bytes()
    assert content == DEMO.read_bytes()
    response = upload(client, savoie.scheme, content, "import", SAMPLE.name)
    assert response.status_code == 200, response.text
    indicators = db.session.scalars(
        sa.select(Indicator).where(Indicator.fiche_id.in_([f.id for f in savoie.scheme.fiches]))
    ).all()
    assert len(savoie.scheme.fiches) == 33
    assert len(indicators) == count(Measurement) // 2
    db.session.expire_all()
    for indicator in indicators:
        assert [m.year for m in indicator.measurements] == [2022, 2023], indicator.label
        assert all(m.source == "Valeurs fictives de démonstration" for m in indicator.measurements)
        if indicator.kind != "qualitatif":
            assert (indicator.baseline_year, indicator.target_year) == (2019, 2024)
    rate = next(i for i in indicators if i.kind == "taux")
    assert rate.unit == "%"
    page = client.get(f"/suivi-du-schema/fiches/{rate.fiche_id}").text
    assert f'aria-labelledby="indicateur-{rate.id}-titre indicateur-{rate.id}-desc"' in page
    # A second import updates and never duplicates.
    assert upload(client, savoie.scheme, content, "import", SAMPLE.name).status_code == 200
    assert count(Measurement) == 2 * len(indicators)
    board = client.get(f"/suivi-du-schema/{savoie.scheme.slug}/").text
    assert "Dernière année mesurée : 2023" in board
