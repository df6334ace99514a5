"""What a reader who has never seen the platform checks in a published synthesis.

Documents are built by hand (no analysis): the first page's scope in words, ideas and
isolated contributions that add up, and a PDF where no heading ends a page alone.
"""

import io
from datetime import UTC, datetime

import docx
import pytest
from flask import render_template

from consult.core import documents, formatting
from consult.synthesis import exports
from consult.synthesis.document import Breakdown, Cell, Document, Editorial, Idea, Quote, Section

UNFILTERED_SCOPE = [
    ("Schéma", "Schéma des solidarités"),
    ("Rencontres", "toutes"),
    ("Territoires", "tous"),
    ("Thématiques", "toutes"),
    ("Fiches", "toutes"),
    ("Publics", "tous"),
    ("Auteurs", "tous"),
    ("Types", "tous"),
    ("Contributions", "publiées"),
]


def _section(number: int, ideas: list[Idea], isolated: list[int]) -> Section:
    ids = sorted({i for idea in ideas for i in idea.ids} | set(isolated))
    return Section(
        kind="theme",
        title=f"{number}. Une thématique du schéma",
        count=len(ids),
        ids=ids,
        ideas=ideas,
        isolated=isolated,
    )


def _idea(label: str, ids: list[int], hidden: bool = False) -> Idea:
    quotes = [Quote(i, f"Ce que dit la contribution {i}.") for i in ids[:2]]
    return Idea(label, ["terme"], len(ids), 0, ids, quotes, hidden=hidden)


def tallied_document() -> Document:
    """Two parts: ideas sharing a contribution, isolated ones, an idea the team hid."""
    first = _section(
        1,
        [
            _idea("Des places en crèche le soir", [1, 2, 3, 4]),
            _idea("Des horaires qui suivent le travail posté", [4, 5, 6]),  # 4 in both
        ],
        [7, 8],
    )
    second = _section(
        2,
        [_idea("Un bus le soir", [10, 11, 12]), _idea("Masquée", [13, 14], hidden=True)],
        [15],
    )
    return Document(
        title="Synthèse",
        template="concertations",
        scope=UNFILTERED_SCOPE,
        generated_at=datetime(2025, 3, 12, 14, 5, tzinfo=UTC),
        participants=30,
        contributions=15,
        sections=[first, second],
    )


def render_html(document: Document) -> str:
    return render_template(
        "synthesis/pdf.html",
        **exports.document_context(
            document, Editorial(), version=1, status_label="Publiée", contribution_url=None
        ),
    )


def docx_text(document: Document) -> str:
    data = exports.render_docx(document, Editorial(), version=1, status_label="Publiée")
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


@pytest.fixture
def request_ctx(app):
    with app.test_request_context("/"):
        yield


# --- First page: the scope in words ------------------------------------------------------


def test_scope_not_narrowed_reads_as_one_sentence():
    facts = exports.scope_facts(UNFILTERED_SCOPE)
    assert facts[0] == ("Schéma", "Schéma des solidarités")
    assert facts[1][0] == "Périmètre"
    assert facts[1][1].startswith("Toutes les rencontres, tous les territoires")
    assert facts[1][1].endswith("et toutes les natures de contribution")
    values = [value for _, value in facts]
    assert "tous" not in values
    assert "toutes" not in values
    labels = [label for label, _ in facts]
    assert "Types" not in labels
    assert "Auteurs" not in labels


def test_narrowed_scope_keeps_its_names():
    facts = dict(
        exports.scope_facts(
            [("Rencontres", "Chambéry, Albertville"), ("Auteurs", "Usager·e"), ("Types", "tous")]
        )
    )
    assert facts["Rencontres"] == "Chambéry, Albertville"
    assert facts["Types d'auteur"] == "Usager·e"
    assert facts["Périmètre"] == "Toutes les natures de contribution"


def test_first_page_and_word_file_say_the_scope_in_words(request_ctx):
    html = render_html(tallied_document())
    assert "<dt>Périmètre</dt><dd>Toutes les rencontres" in html
    assert "<dt>Types</dt>" not in html
    assert "<dd>tous</dd>" not in html
    text = docx_text(tallied_document())
    assert "Périmètre : Toutes les rencontres" in text
    assert "Types : tous" not in text


# --- Ideas and isolated contributions add up -------------------------------------------


def test_each_part_says_how_its_contributions_split_between_ideas_and_isolated():
    first, second = tallied_document().sections
    # 6 distinct contributions in 2 ideas (n° 4 in both), 2 isolated: 8 in the part
    assert exports.section_tally(first) == (
        "6 contributions regroupées en 2 idées, 2 isolées (dans aucune idée)."
    )
    assert exports.section_tally(second) == (
        "3 contributions regroupées en 1 idée, 1 isolée (dans aucune idée), "
        "2 dans des idées masquées par l'équipe d'animation."
    )
    lone = _section(3, [], [20])
    assert exports.section_tally(lone) == "1 contribution isolée (dans aucune idée)."
    assert exports.section_tally(_section(4, [], [])) == ""


def test_isolated_contributions_are_each_listed_by_number(request_ctx):
    document = tallied_document()
    document.sections[0].isolated = [7, 8, 20, 21, 22]
    html = render_html(document)
    isolated = html.split('id="synthese-section-1-isolees"')[1].split("</p>")[0]
    for ident in (7, 8, 20, 21, 22):
        assert f"n° {ident}" in isolated
    assert "autre" not in isolated


def test_word_file_lists_isolated_contributions_by_number_too(request_ctx):
    document = tallied_document()
    document.sections[0].isolated = [7, 8, 20]
    document.sections[1].isolated = [30]
    text = docx_text(document)
    assert (
        "3 contributions ne rejoignent aucune idée (elles ne sont pas comptées comme une "
        "idée) — contributions n° 7, n° 8, n° 20."
    ) in text
    assert "— contribution n° 30." in text


def test_key_figures_count_grouped_and_isolated_contributions(request_ctx):
    document = tallied_document()
    assert exports.grouped_count(document) == 9
    assert exports.isolated_count(document) == 3
    html = render_html(document)
    figures = html.split('id="synthese-chiffres"')[1].split("</section>")[0]
    assert "3</span> idées dans 2 parties, qui regroupent 9 contributions" in figures
    assert "3</span> contributions isolées" in figures
    assert "6 contributions regroupées en 2 idées, 2 isolées" in html
    text = docx_text(document)
    assert "Idées : 3 dans 2 parties, qui regroupent 9 contributions" in text
    assert "Contributions isolées (dans aucune idée) : 3" in text
    assert "6 contributions regroupées en 2 idées, 2 isolées (dans aucune idée)." in text


# --- PDF: no heading ends a page alone ---------------------------------------------------

LONG = (
    "Les familles attendent des mois une réponse, elles font des kilomètres pour un rendez-vous "
    "et ne savent pas à qui s'adresser quand un dossier reste sans nouvelles. "
)


def paged_document() -> Document:
    """Enough parts of uneven length that some page breaks fall near a heading."""
    sections, ident = [], 1
    for number in range(1, 15):
        ideas = []
        for rank in range(1 + number % 4):
            ids = list(range(ident, ident + 3))
            ident += 3
            quotes = [
                Quote(i, (LONG * (1 + (i * 7 + number) % 3)).strip()) for i in ids[: 1 + rank % 3]
            ]
            title = f"Une idée que les participants ont exprimée, numéro {rank + 1} de la partie"
            ideas.append(Idea(title, ["terme", "autre"], 3, 0, ids, quotes))
        sections.append(_section(number, ideas, [ident]))
        ident += 1
    return Document(
        title="Synthèse",
        template="concertations",
        scope=UNFILTERED_SCOPE,
        generated_at=datetime(2025, 3, 12, 14, 5, tzinfo=UTC),
        participants=None,
        contributions=ident - 1,
        sections=sections,
    )


# what only introduces what follows it: a part's count and tally under its title, an
# idea's title, its count and its key terms
LEAD_INS = {
    "synthesis-section__count",
    "synthesis-tally",
    "synthesis-idea__label",
    "synthesis-idea__meta",
    "synthesis-idea__terms",
}


def _lead_in(element) -> str:
    """What ``element`` is when it only introduces what follows it ("" otherwise)."""
    text = "".join(element.itertext()).strip()[:40]
    if element.tag in ("h2", "h3", "h4"):
        return f"titre « {text} »"
    classes = set((element.get("class") or "").split())
    if classes & LEAD_INS:
        return f"{' '.join(sorted(classes & LEAD_INS))} « {text} »"
    return ""


def _last_text_block(box):
    """The last box of ``box`` (document order) that holds lines of text."""
    from weasyprint.formatting_structure import boxes

    last = None
    for child in getattr(box, "children", []):
        if isinstance(child, boxes.MarginBox):
            continue
        last = box if isinstance(child, boxes.LineBox) else _last_text_block(child) or last
    return last


def test_pdf_pages_never_end_on_a_heading_or_an_idea_title(request_ctx):
    from weasyprint import HTML

    html = render_html(paged_document())
    pages = HTML(
        string=formatting.french_spacing_html(html),
        base_url="http://localhost/",
        url_fetcher=documents.static_url_fetcher("http://localhost/"),
    ).render()
    assert len(pages.pages) > 5
    stranded = []
    for number, page in enumerate(pages.pages[:-1], start=1):
        block = _last_text_block(page._page_box)
        element = block.element if block is not None else None
        if element is not None and (what := _lead_in(element)):
            stranded.append(f"page {number} : {what}")
    assert stranded == []


def _boxes(box):
    yield box
    for child in getattr(box, "children", []):
        yield from _boxes(child)


def test_pdf_chart_of_many_fiches_fits_on_its_page_with_its_heading(request_ctx):
    """24 fiches of two-line labels drew a chart taller than a page: it ran over the page
    number, and its heading was left alone on the page before."""
    from weasyprint import HTML

    document = tallied_document()
    label = "Fiche {} : Améliorer l'accès aux droits et l'accompagnement des personnes"
    cells = [Cell(label.format(n), 40 - n, [n]) for n in range(1, 25)]
    document.breakdowns = [Breakdown("fiche", "Par fiche action", cells)]
    pages = HTML(
        string=render_html(document),
        base_url="http://localhost/",
        url_fetcher=documents.static_url_fetcher("http://localhost/"),
    ).render()
    found = {}
    for number, page in enumerate(pages.pages, start=1):
        bottom = page._page_box.content_box_y() + page._page_box.height
        for box in _boxes(page._page_box):
            element = getattr(box, "element", None)
            if element is None or not type(box).__name__.startswith("Block"):
                continue
            if str(element.tag).endswith("svg"):
                found["chart"] = number
                assert box.position_y + box.margin_height() <= bottom
            elif element.tag == "h4" and "".join(element.itertext()) == "Par fiche action":
                found["heading"] = number
    assert found["chart"] == found["heading"]


# --- Each quote once; acronyms as written ------------------------------------------------


def quoted_section() -> Section:
    idea = Idea(
        "Un référent stable pour chaque enfant confié",
        ["référent", "ase", "pas logement"],
        3,
        0,
        [1, 2, 3],
        [Quote(1, "Garantir un référent stable."), Quote(2, "Trop de changements à l'ASE.")],
    )
    section = _section(1, [idea], [4])
    section.proposals = [Quote(1, "Garantir un référent stable."), Quote(4, "Un CMP ouvert.")]
    section.questions = [Quote(2, "Trop de changements à l'ASE ?")]
    section.vigilance = [Quote(2, "Trop de changements à l'ASE.", reason="expression négative")]
    return section


def test_propositions_and_questions_already_quoted_under_an_idea_are_not_repeated():
    picks = {
        key: (quotes, left_out)
        for key, _, quotes, left_out in exports.section_picks(quoted_section())
    }
    proposals, left_out = picks["propositions"]
    assert [q.id for q in proposals] == [4]
    assert left_out
    assert "questions" not in picks  # its only question is quoted above
    vigilance, left_out = picks["vigilance"]
    assert [q.id for q in vigilance] == [2]  # a point of vigilance always shows, with why
    assert not left_out


def test_a_part_prints_each_quote_once(request_ctx):
    document = tallied_document()
    document.sections = [quoted_section()]
    html = render_html(document)
    assert html.count("Garantir un référent stable.") == 1
    assert "Hors celles déjà citées sous les idées ci-dessus." in html
    assert 'id="synthese-section-1-questions"' not in html
    assert html.count("Trop de changements à l&#39;ASE.") == 2  # idea quote and vigilance
    text = docx_text(document)
    assert text.count("Garantir un référent stable.") == 1


def test_key_terms_give_acronyms_back_as_written(request_ctx):
    section = quoted_section()
    assert exports.key_terms(section.ideas[0]) == "référent, ASE, pas logement"
    section.ideas[0].terms.append("cmp")
    assert exports.key_terms(section.ideas[0], section).endswith("CMP")  # from a proposal
    document = tallied_document()
    document.sections = [quoted_section()]
    assert "Termes clés : référent, ASE, pas logement" in render_html(document)
    assert "Termes clés : référent, ASE, pas logement" in docx_text(document)


# --- An idea's title is found in one of its quotes ----------------------------------------


def _found(title: str, texts: list[str]):
    from types import SimpleNamespace

    from consult.analysis.ideas import FoundIdea

    found = FoundIdea(title, [], list(range(len(texts))), list(range(len(texts))))
    return found, SimpleNamespace(rows=list(range(len(texts)))), SimpleNamespace(texts=texts)


def test_the_text_an_idea_is_titled_from_comes_first_among_its_quotes():
    from consult.synthesis.analysis import _quoted

    texts = [
        "Mieux informer les élus municipaux sur les dispositifs sociaux.",
        "Faire des réunions d'information dans les salles des fêtes.",
        "Ouvrir des permanences d'aide au numérique dans les maisons sociales.",
        "Proposer un accompagnement pour remplir le dossier MDPH, dans les maisons sociales.",
    ]
    title = "Proposer un accompagnement pour remplir le dossier MDPH dans les maisons sociales"
    assert _quoted(*_found(title, texts)) == [3, 0, 1]
    # already quoted, or taken from no text: the most representative ones, in their order
    assert _quoted(*_found("Faire des réunions d'information", texts)) == [0, 1, 2]
    assert _quoted(*_found("Un titre rédigé par l'équipe", texts)) == [0, 1, 2]


# --- What differs: who is compared, how many ideas ---------------------------------------


def test_a_comparison_says_who_is_left_out_and_how_many_ideas_it_compared(request_ctx):
    from consult.synthesis.document import Difference

    document = tallied_document()
    document.contributions = 235
    document.differences = [
        Difference(
            title="Usagers et professionnels",
            group_a="Usagers et proches aidants",
            group_b="Professionnels, partenaires et agents",
            size_a=87,
            size_b=131,
            tested=40,
            summary="Aucune différence nette entre usagers et professionnels (test du χ²).",
        )
    ]
    html = render_html(document)
    part = html.split('id="synthese-differences"')[1].split("</section>")[0]
    assert "Les 17 autres contributions ne sont dans aucun des deux groupes." in part
    assert "(test du χ²). Idées comparées une à une : 40." in part
    text = docx_text(document)
    assert "Les 17 autres contributions ne sont dans aucun des deux groupes." in text
    assert "Idées comparées une à une : 40." in text


# --- The key figures and main ideas come first ------------------------------------------


def _with_findings() -> Document:
    from consult.synthesis.document import Finding

    document = tallied_document()
    idea = document.sections[0].ideas[0]
    document.findings = [Finding(idea.label, document.sections[0].title, 4, 4 / 15, idea.ids)]
    document.participants = None  # not recorded
    return document


def test_key_figures_and_main_ideas_come_right_after_the_cover(request_ctx):
    html = render_html(_with_findings())
    order = [
        html.index('class="synthesis-cover"'),
        html.index('id="synthese-en-bref"'),
        html.index('id="synthese-chiffres"'),
        html.index('id="synthese-essentiel"'),
        html.index('class="synthesis-toc"'),
        html.index('id="synthese-redigee"'),
        html.index('id="synthese-participants"'),
    ]
    assert order == sorted(order)
    figures = html.split('id="synthese-chiffres"')[1].split("</section>")[0]
    assert "—" not in figures  # participants not recorded: said in words
    assert "non relevé" in figures
    text = docx_text(_with_findings())
    assert text.index("Chiffres clés") < text.index("Les idées principales")
    assert text.index("Les idées principales") < text.index("Partie rédigée par")


def test_pdf_opens_on_the_cover_then_the_key_findings(request_ctx):
    from pypdf import PdfReader

    from consult.synthesis.document import Cell, Finding

    document = paged_document()
    document.participants = 603
    # six main ideas with long titles and long parts, as in the demo: one page still
    document.findings = [
        Finding(
            f"Préparer les fins de placement avec l'enfant et la famille d'accueil, idée {n}",
            "6. La prise en charge des enfants confiés en MECS et chez les assistants familiaux",
            12 - n,
            (12 - n) / 235,
            list(range(1, 13 - n)),
            [Cell("Agent du Département", 6), Cell("Autres", 12 - n - 6)],
            3,
        )
        for n in range(6)
    ]
    pdf = exports.render_pdf(
        document, Editorial(), version=1, status_label="Publiée", base_url="http://localhost/"
    )
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    assert "Chiffres clés" in pages[1]
    assert "Les idées principales" in pages[1]
    assert "Sommaire" in pages[2]
