"""Importing consult-scheme/1 documents: both real schemes, and refusals."""

import copy

import pytest
import sqlalchemy as sa

from consult.core.db import utcnow
from consult.schemes.importer import SchemeImportError, import_scheme, load_document
from consult.schemes.models import (
    Action,
    Axis,
    Fiche,
    FicheLink,
    Indicator,
    Objective,
    Scheme,
)
from tests.factories import load_fixture


def test_savoie_imports_with_its_axes_themes_fiches_and_links(db, count):
    scheme = import_scheme(load_fixture("savoie.json"), now=utcnow())
    assert (scheme.department, scheme.period) == ("Savoie", "2020-2024")
    assert len(scheme.axes) == 4
    assert len(scheme.themes) == 15
    assert len(scheme.fiches) == 33
    assert scheme.process_figures["contributions"] == 3032
    fiche = next(f for f in scheme.fiches if f.number == "6")
    assert [link.target.number for link in fiche.links] == ["1", "2", "3"]
    assert fiche.indicators
    assert fiche.actions
    assert fiche.objectives


def test_link_to_a_missing_fiche_is_kept_as_written(db):
    scheme = import_scheme(load_fixture("savoie.json"), now=utcnow())
    fiche26 = next(f for f in scheme.fiches if f.number == "26")
    dangling = [link for link in fiche26.links if link.target is None]
    assert [link.target_number for link in dangling] == ["34"]


def test_vienne_imports_with_objectives_and_sub_actions(db):
    scheme = import_scheme(load_fixture("vienne.json"), now=utcnow())
    assert len(scheme.fiches) == 48
    assert [a.number for a in scheme.axes] == ["1", "2"]
    fiche = next(f for f in scheme.fiches if f.number == "1-1-1")
    assert fiche.objective.number == "1.1"
    assert fiche.objective.axis.number == "1"
    assert fiche.pilots == "Direction de l'action sociale"
    first = fiche.top_actions[0]
    assert first.title.startswith("Garantir un accès à Internet")
    assert len(first.sub_actions) == 3
    assert db.session.scalar(sa.select(sa.func.count(Objective.id))) > 10


def test_level_names_are_configurable(db):
    scheme = import_scheme(
        load_fixture("vienne.json"), now=utcnow(), levels={"objective": "Orientation"}
    )
    assert scheme.level("objective") == "Orientation"
    assert scheme.level("axis") == "Axe"


def _broken(mutate):
    document = copy.deepcopy(load_fixture("savoie.json"))
    mutate(document)
    return document


def _drop_title(d):
    del d["fiches"][11]["title"]


def _duplicate_number(d):
    d["fiches"][4]["number"] = "3"


def _wrong_type(d):
    d["fiches"][7]["actions"] = "une seule action"


def _no_scheme_title(d):
    d["title"] = ""


def _wrong_format(d):
    d["format"] = "autre/2"


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (_drop_title, "Fiche 12 : champ « title » manquant"),
        (_duplicate_number, "Fiche 3 : numéro de fiche en double"),
        (_wrong_type, "Fiche 8 : champ « actions » : une liste est attendue"),
        (_no_scheme_title, "Champ « title » manquant ou vide"),
        (_wrong_format, "Champ « format »"),
    ],
)
def test_broken_document_is_refused_with_a_precise_message_and_nothing_written(
    db, count, mutate, expected
):
    with pytest.raises(SchemeImportError) as error:
        import_scheme(_broken(mutate), now=utcnow())
    assert any(expected in message for message in error.value.errors), error.value.errors
    for model in (Scheme, Axis, Fiche, Action, Indicator, FicheLink):
        assert count(model) == 0


def test_every_problem_is_reported_at_once(db):
    def two_problems(d):
        _drop_title(d)
        _wrong_type(d)

    with pytest.raises(SchemeImportError) as error:
        import_scheme(_broken(two_problems), now=utcnow())
    assert len(error.value.errors) == 2


def test_same_scheme_cannot_be_imported_twice(db):
    import_scheme(load_fixture("savoie.json"), now=utcnow())
    with pytest.raises(SchemeImportError, match="déjà importé"):
        import_scheme(load_fixture("savoie.json"), now=utcnow())


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"{pas du json", "n'est pas un JSON valide (ligne 1"),
        (b"\xff\xfe\x00", "UTF-8"),
        (b"[1, 2]", "objet JSON"),
    ],
)
def test_unreadable_files_get_a_french_message(raw, expected):
    with pytest.raises(SchemeImportError, match=expected.replace("(", r"\(")):
        load_document(raw)


def test_markup_in_titles_is_stripped(db):
    document = load_fixture("savoie.json")
    document["fiches"][0]["title"] = "<script>alert(1)</script>Prévention"
    scheme = import_scheme(document, now=utcnow())
    assert scheme.fiches[0].title == "alert(1)Prévention"


def test_superscript_markup_from_pdf_exports_becomes_plain_text():
    document = load_document(
        '{"title": "Le 1 ^{er} accueil", "fiches": [{"pilots": "1^{er} acteurs"}]}'
    )
    assert document == {"title": "Le 1er accueil", "fiches": [{"pilots": "1er acteurs"}]}
