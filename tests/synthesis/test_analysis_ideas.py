"""The synthesis reads the ideas of consult.analysis.ideas: titles, sub-ideas, isolated."""

import json
from datetime import datetime

import pytest

from consult.synthesis import exports
from consult.synthesis.analysis import OTHER_IDEAS, build_document
from consult.synthesis.document import Document, Editorial, Item

NOW = datetime(2026, 3, 2, 10, 30)
HEATING = [
    "Il faut des aides financières pour changer de chaudière.",
    "Des aides financières plus simples pour changer de chaudière.",
    "Augmenter les aides financières pour remplacer une vieille chaudière.",
    "Les aides financières pour la chaudière sont trop compliquées.",
]
LONE = ["Zorglub absolument.", "Vivement les vacances de printemps."]


def _item(ident: int, text: str, theme: str = "Chauffage") -> Item:
    return Item(
        id=ident,
        text=text,
        kind="proposition",
        kind_label="Proposition",
        author_type="usager",
        author_type_label="Usager",
        channel_label="En ligne",
        meeting="Rencontre",
        territory="Chambéry",
        themes=[theme],
    )


def _build(texts, **options) -> Document:
    return build_document(
        [_item(n, t) for n, t in enumerate(texts, start=1)],
        title="Synthèse",
        template="concertations",
        scope=[],
        participants=None,
        now=NOW,
        **options,
    )


@pytest.fixture
def request_ctx(app):
    with app.test_request_context("/"):
        yield


def test_isolated_contributions_are_listed_apart_and_not_an_idea():
    (section,) = _build(HEATING + LONE).sections
    assert [idea.ids for idea in section.ideas] == [[1, 2, 3, 4]]
    assert section.isolated == [5, 6]
    assert OTHER_IDEAS not in [idea.label for idea in section.ideas]


def test_idea_label_is_a_statement_of_its_contributions_with_key_terms_beside():
    (section,) = _build(HEATING).sections
    (idea,) = section.ideas
    assert any(idea.label.lower() in text.lower() for text in HEATING), idea.label
    assert "chaudière" in idea.terms
    assert [q.id for q in idea.quotes]


def test_the_question_and_the_section_title_never_make_the_title():
    texts = [f"Chauffage : {t}" for t in HEATING]
    (section,) = _build(texts, question="Que faire pour votre chauffage ?").sections
    (idea,) = section.ideas
    assert "chauffage" not in [term.lower() for term in idea.terms]
    assert idea.label.lower() != "chauffage"


def test_sub_ideas_and_isolated_survive_a_json_round_trip():
    boiler = [f"Des aides financières pour la chaudière à bois, {w}." for w in "abcdefgh"]
    pump = [f"Des aides financières pour la pompe à chaleur, {w}." for w in "abcdefgh"]
    document = _build(boiler + pump + LONE)
    (idea,) = document.sections[0].ideas
    assert len(idea.sub_ideas) == 2
    again = Document.from_dict(json.loads(json.dumps(document.to_dict())))
    assert again == document
    old = document.to_dict()  # a version stored before sub-ideas and isolated existed
    del old["sections"][0]["isolated"]
    for stored in old["sections"][0]["ideas"]:
        del stored["sub_ideas"]
    assert Document.from_dict(old).sections[0].isolated == []


def test_the_document_shows_isolated_contributions_not_autres_idees(request_ctx):
    html = exports.render_pdf_html(
        _build(HEATING + LONE), Editorial(), version=1, status_label="Brouillon"
    )
    assert "Contributions isolées" in html
    assert OTHER_IDEAS not in html
