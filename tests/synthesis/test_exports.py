"""Synthesis exports: chart, web/PDF template, PDF, DOCX, JSON, CSV and XLSX.

Documents are built by hand: no analysis, no database rows (the app fixture is only
there for url_for and render_template).
"""

import csv
import io
import json
import os
import re
import subprocess
import sys
import tracemalloc
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import docx
import openpyxl
import pytest
from flask import render_template

from consult.core import documents
from consult.synthesis import exports
from consult.synthesis.charts import bar_chart_svg, shown_cells
from consult.synthesis.document import (
    Breakdown,
    Cell,
    Difference,
    Document,
    Editorial,
    Idea,
    Quote,
    Section,
    TermContrast,
)

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
RTL = "\u202e"
BELL = "\x07"
HOSTILE = f"{SCRIPT} {IMG} fin{RTL}gnp.exe{BELL} a < b & c"


def contribution_url(ident: int) -> str:
    return f"/contributions/{ident}"


def make_document(hostile: bool = False) -> Document:
    extra = f" {HOSTILE}" if hostile else ""
    return Document(
        title="Enfance et familles, printemps 2025" + extra,
        template="concertations",
        scope=[("Rencontres", "Chambéry, Albertville" + extra), ("Territoires", "Tous")],
        generated_at=datetime(2025, 3, 12, 14, 5, tzinfo=UTC),
        participants=42,
        contributions=120,
        breakdowns=[
            Breakdown(
                dimension="territory",
                title="Par territoire",
                cells=[
                    Cell("Chambéry" + extra, 60, list(range(1, 61))),
                    Cell("Albertville", 40, list(range(61, 101))),
                    Cell("Hameau isolé", 3, [101, 102, 103]),  # too small: never shown
                ],
                hidden=17,
            ),
            Breakdown(
                dimension="author_type",
                title="Par type d'auteur",
                cells=[Cell("Usagers", 70, list(range(1, 71))), Cell("Professionnels", 50, [])],
            ),
        ],
        sections=[
            Section(
                kind="theme",
                title="3. Accès aux droits",
                count=80,
                ids=list(range(1, 81)),
                ideas=[
                    Idea(
                        label="places en crèche, horaires du soir" + extra,
                        terms=["crèche", "horaire"],
                        size=24,
                        supports=7,
                        ids=list(range(10, 34)),
                        quotes=[
                            Quote(12, "Il manque des places en crèche après 18 heures." + extra),
                            Quote(15, "Les horaires ne collent pas avec le travail posté."),
                        ],
                    ),
                    Idea(
                        label="transport scolaire",
                        terms=["transport"],
                        size=9,
                        supports=0,
                        ids=[40, 41, 42, 43, 44, 45, 46, 47, 48],
                        quotes=[Quote(40, "Le car passe trop tôt.")],
                    ),
                ],
                proposals=[Quote(50, "Ouvrir une permanence le samedi matin.")],
                questions=[Quote(51, "Qui finance les places supplémentaires ?")],
                vigilance=[Quote(52, "Attention aux zones blanches du réseau mobile.")],
            ),
            Section(kind="theme", title="5. Logement", count=40, ids=list(range(81, 121))),
        ],
        differences=[
            Difference(
                title="Usagers et professionnels",
                group_a="Usagers",
                group_b="Professionnels",
                size_a=70,
                size_b=50,
                terms_a=[TermContrast("attente" + extra, 20, 2, [1, 2, 3, 4, 5, 6])],
                terms_b=[TermContrast("dispositif", 3, 25, [80, 81, 82])],
            )
        ],
    )


def make_editorial(hostile: bool = False) -> Editorial:
    extra = f"<p>{HOSTILE}</p><p onclick='x()'>clic</p>" if hostile else ""
    return Editorial(
        introduction="<p>Bienvenue à ce <strong>groupe de travail</strong>.</p>"
        "<ul><li>premier point</li><li>second point</li></ul>" + extra,
        analysis="",
        conclusions="<p>Nous retenons trois priorités.</p>",
    )


@pytest.fixture
def request_ctx(app):
    with app.test_request_context("/"):
        yield


def render_html(document: Document, editorial: Editorial) -> str:
    return render_template(
        "synthesis/pdf.html",
        **exports.document_context(
            document,
            editorial,
            version=3,
            status_label="Partagée",
            contribution_url=contribution_url,
        ),
    )


def render_pdf(document: Document, editorial: Editorial) -> bytes:
    return exports.render_pdf(
        document,
        editorial,
        version=3,
        status_label="Partagée",
        base_url="http://localhost/",
        contribution_url=contribution_url,
    )


# --- Chart ------------------------------------------------------------------------------


def parse_svg(svg: str) -> ET.Element:
    """The chart must be well-formed XML (WeasyPrint parses it as such)."""
    return ET.fromstring(svg)  # noqa: S314 - our own output, not untrusted input


def test_chart_is_an_accessible_svg_with_the_figures():
    svg = str(bar_chart_svg(make_document().breakdowns[0], chart_id="graphique-1"))
    root = parse_svg(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "graphique-1-titre graphique-1-desc"
    assert root.find(f"{ns}title").text == "Par territoire"
    desc = root.find(f"{ns}desc").text
    assert "Chambéry : 60 contributions" in desc
    assert "Albertville : 40 contributions" in desc
    # the 3-contribution cell is neither drawn nor named, only counted with the hidden ones
    assert "Hameau" not in svg
    assert "20 contributions dans des catégories de moins de 5" in desc
    assert len(root.findall(f"{ns}g/{ns}rect")) == 2
    lowered = svg.lower()
    assert "<script" not in lowered
    assert "href" not in lowered
    assert "url(" not in lowered


def test_chart_escapes_labels_and_strips_markup():
    breakdown = Breakdown(
        dimension="public",
        title=f"Par public {SCRIPT}",
        cells=[Cell(f'a < b & "c" {IMG}', 8, [1]), Cell(f"x{RTL}y", 6, [2])],
    )
    svg = str(bar_chart_svg(breakdown))
    parse_svg(svg)
    assert "a &lt; b &amp; &#34;c&#34;" in svg
    assert "<script" not in svg
    assert "<img" not in svg
    assert "onerror" not in svg
    assert RTL not in svg
    assert "xy" in svg


def test_chart_without_any_showable_cell_says_so():
    breakdown = Breakdown("kind", "Par type", cells=[Cell("Rare", 2, [1, 2])], hidden=1)
    svg = str(bar_chart_svg(breakdown))
    parse_svg(svg)
    assert "Aucune catégorie assez grande" in svg
    assert "Rare" not in svg
    assert shown_cells(breakdown) == ([], 3)


# --- Web page and PDF template ------------------------------------------------------------


class Outline(HTMLParser):
    """Headings, ids, in-page links and table headers of a page."""

    def __init__(self):
        super().__init__()
        self.headings: list[int] = []
        self.ids: set[str] = set()
        self.anchors: list[str] = []
        self.th_scopes: list[str | None] = []
        self.blockquote_cites: list[str | None] = []
        self.html_lang = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        elif tag == "a" and attrs.get("href", "").startswith("#"):
            self.anchors.append(attrs["href"][1:])
        elif tag == "th":
            self.th_scopes.append(attrs.get("scope"))
        elif tag == "blockquote":
            self.blockquote_cites.append(attrs.get("cite"))
        elif tag == "html":
            self.html_lang = attrs.get("lang")


def test_page_structure_is_accessible_and_traceable(request_ctx):
    html = render_html(make_document(), make_editorial())
    outline = Outline()
    outline.feed(html)
    assert outline.html_lang == "fr"
    assert outline.headings.count(1) == 1
    assert outline.headings[0] == 1
    for previous, current in zip(outline.headings, outline.headings[1:], strict=False):
        assert current <= previous + 1, outline.headings  # no heading level skipped
    assert outline.anchors, "the table of contents links to the parts"
    assert set(outline.anchors) <= outline.ids
    assert outline.th_scopes
    assert all(s in ("col", "row") for s in outline.th_scopes)
    assert outline.blockquote_cites
    assert all(c and c.startswith("/contributions/") for c in outline.blockquote_cites)
    for heading in (
        "Partie rédigée par l'équipe d'animation",
        "Ce que les participants ont dit",
        "Ce qui diffère entre les groupes",
        "Méthode",
    ):
        assert heading in html
    # every quote links to its contribution, every idea to its first ones
    assert '<a href="/contributions/12">Contribution n° 12</a>' in html
    assert '<a href="/contributions/10">n° 10</a>' in html
    assert "et 21 autres" in html  # 24 contributions: 3 linked, then the count
    assert "24 contributions, 7 soutiens" in html
    assert "0 soutien" not in html  # an idea nobody supported says nothing of supports
    assert "<strong>groupe de travail</strong>" in html  # editorial HTML kept
    assert "Hameau" not in html  # small cell neither in the chart nor in the table
    assert "moins de 5 contributions" in html
    assert "12 mars 2025 à 15 h 05" in html  # 14 h 05 UTC, read in Paris (winter time)


def test_page_renders_without_contribution_links(request_ctx):
    html = render_template(
        "synthesis/pdf.html",
        **exports.document_context(
            make_document(),
            Editorial(),
            version=1,
            status_label="Brouillon",
            contribution_url=None,
        ),
    )
    assert "Contribution n° 12" in html
    assert "/contributions/12" not in html
    assert "pas encore rédigé cette partie" in html


def test_hostile_text_never_becomes_markup_in_the_page(request_ctx):
    html = render_html(make_document(hostile=True), make_editorial(hostile=True))
    lowered = html.lower()
    assert "<script" not in lowered
    assert "<img" not in lowered
    assert "onerror" not in lowered
    assert "onclick" not in lowered
    assert RTL not in html
    assert BELL not in html
    assert "a &lt; b &amp; c" in html  # plain text is escaped, not lost


# --- PDF --------------------------------------------------------------------------------


def test_pdf_has_pages_title_and_page_numbers(request_ctx, caplog):
    pypdf = pytest.importorskip("pypdf")
    pdf = render_pdf(make_document(), make_editorial())
    assert pdf.startswith(b"%PDF")
    # WeasyPrint logs what it ignores (unknown CSS, refused resources)
    assert [r.getMessage() for r in caplog.records if r.name == "weasyprint"] == []
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    assert len(pages) >= 4
    assert "Enfance et familles, printemps 2025" in pages[0]
    assert reader.metadata.title.startswith("Enfance et familles, printemps 2025")
    assert f"2 / {len(pages)}" in pages[1]
    assert f"{len(pages)} / {len(pages)}" in pages[-1]
    # the table of contents gives the page where each part starts
    method_page = next(i for i, text in enumerate(pages) if text.startswith("Méthode"))
    toc = pages[2]  # after the cover and the key findings
    assert "Sommaire" in toc
    assert re.search(rf"Méthode[ .]*{method_page + 1}\b", toc), toc
    assert b"/JavaScript" not in pdf


def test_pdf_page_count_without_pypdf(request_ctx):
    from weasyprint import HTML

    html = exports.render_pdf_html(
        make_document(), make_editorial(), version=3, status_label="Partagée"
    )
    fetcher = documents.static_url_fetcher("http://localhost/")
    rendered = HTML(string=html, base_url="http://localhost/", url_fetcher=fetcher).render()
    assert len(rendered.pages) >= 4  # title page and contents each on a page of their own


def test_pdf_reads_only_static_files(request_ctx, monkeypatch):
    fetched = []
    real = documents.static_url_fetcher

    def recording(base_url):
        fetcher = real(base_url)
        original = fetcher.fetch

        def fetch(url, headers=None):
            fetched.append(url)
            return original(url, headers)

        fetcher.fetch = fetch
        return fetcher

    monkeypatch.setattr(documents, "static_url_fetcher", recording)
    render_pdf(make_document(), make_editorial())
    assert fetched == ["http://localhost/static/css/document.css"]


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/logo.png",
        "https://localhost.example.org/static/css/document.css",
        "file:///etc/passwd",
        "http://localhost/static/../config.py",
        "http://localhost/static/%2e%2e/config.py",
        "http://localhost/theme.css",
    ],
)
def test_pdf_fetcher_refuses_everything_else(request_ctx, url):
    fetcher = documents.static_url_fetcher("http://localhost/")
    with pytest.raises(ValueError, match="refusée"):
        fetcher.fetch(url)


def test_pdf_fetcher_serves_static_files_and_data(request_ctx):
    fetcher = documents.static_url_fetcher("http://localhost/")
    response = fetcher.fetch("http://localhost/static/css/document.css")
    assert response.content_type == "text/css"
    assert b"@page" in response.read()
    assert fetcher.fetch("data:text/plain,bonjour").read() == b"bonjour"


def test_hostile_text_never_becomes_markup_in_the_pdf(request_ctx):
    pypdf = pytest.importorskip("pypdf")
    pdf = render_pdf(make_document(hostile=True), make_editorial(hostile=True))
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "<script" not in text
    assert "<img" not in text
    assert "onerror" not in text
    assert RTL not in text
    assert "a < b & c" in text
    assert b"/JavaScript" not in pdf
    assert b"/JS " not in pdf


# --- DOCX -------------------------------------------------------------------------------


def docx_texts(data: bytes) -> tuple[list, list[str]]:
    document = docx.Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return document.paragraphs, cells


def test_docx_has_headings_editorial_ideas_and_quotes():
    data = exports.render_docx(
        make_document(), make_editorial(), version=3, status_label="Partagée"
    )
    paragraphs, cells = docx_texts(data)
    by_style = [(p.style.name, p.text) for p in paragraphs]
    assert ("Title", "Enfance et familles, printemps 2025") in by_style
    assert ("Heading 1", "Partie rédigée par l'équipe d'animation") in by_style
    assert ("Heading 1", "Ce que les participants ont dit") in by_style
    assert ("Heading 2", "3. Accès aux droits") in by_style
    # editorial HTML became plain paragraphs, one per block
    texts = [p.text for p in paragraphs]
    assert "Bienvenue à ce groupe de travail." in texts
    assert "– premier point" in texts
    assert "Nous retenons trois priorités." in texts
    idea = next(p for p in paragraphs if p.text.startswith("places en crèche"))
    assert idea.runs[0].bold
    assert "24 contributions, 7 soutiens" in idea.text
    unsupported = next(p for p in paragraphs if p.text.startswith("transport scolaire"))
    assert unsupported.text.endswith("— 9 contributions")  # no « 0 soutien »
    quote = next(p for p in paragraphs if "(contribution n° 12)" in p.text)
    assert quote.runs[0].italic
    assert "Il manque des places en crèche" in quote.runs[0].text
    # breakdown tables, without the small cell
    assert "Chambéry" in cells
    assert "Non affichées (catégories de moins de 5 contributions)" in cells
    assert "Hameau isolé" not in cells
    assert "attente" in cells


def test_docx_is_declared_french():
    data = exports.render_docx(make_document(), Editorial(), version=1, status_label="Brouillon")
    document = docx.Document(io.BytesIO(data))
    assert document.core_properties.language == "fr-FR"
    assert 'w:val="fr-FR"' in document.styles.element.xml
    assert any("pas encore rédigé" in p.text for p in document.paragraphs)


def test_hostile_text_never_becomes_markup_in_the_docx():
    data = exports.render_docx(
        make_document(hostile=True), make_editorial(hostile=True), version=1, status_label="x"
    )
    paragraphs, cells = docx_texts(data)
    text = "\n".join([p.text for p in paragraphs] + cells)
    assert "<script" not in text
    assert "<img" not in text
    assert "onerror" not in text
    assert "onclick" not in text
    assert RTL not in text
    assert BELL not in text
    assert "a < b & c" in text


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>Un</p><p>Deux</p>", ["Un", "Deux"]),
        ("<p>a<br>b</p>", ["a", "b"]),
        ("<h2>Titre</h2><ol><li>x</li><li>y</li></ol>", ["Titre", "– x", "– y"]),
        (f"<p>{SCRIPT}ok</p>", ["alert(1)ok"]),
        ("<p>a &lt; b &amp; c</p>", ["a < b & c"]),
        ("", []),
    ],
)
def test_editorial_paragraphs(html, expected):
    assert exports.editorial_paragraphs(html) == expected


# --- JSON -------------------------------------------------------------------------------


def test_json_round_trips():
    document = make_document()
    data = json.loads(exports.render_json(document, make_editorial(), version=3))
    assert data["version"] == 3
    assert Document.from_dict(data["document"]) == document
    assert data["editorial"]["conclusions"] == "<p>Nous retenons trois priorités.</p>"
    assert "Chambéry" in exports.render_json(document, Editorial(), version=1).decode("utf-8")


# --- Contributions: CSV and XLSX ---------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://evil","x")', "+1", "-1", "@SUM(A1:A2)", "\tx", "\rx"]


def export_row(ident: int, text: str = "Un texte.", **overrides) -> exports.ExportRow:
    row: exports.ExportRow = {
        "id": ident,
        "created_at": datetime(2025, 3, 12, 14, 5, tzinfo=UTC),
        "meeting": "Rencontre de Chambéry",
        "territory": "Bassin chambérien",
        "kind": "Proposition",
        "author": "Usager",
        "publics": ["Familles", "Jeunes"],
        "themes": ["3. Accès aux droits"],
        "fiches": [],
        "ideas": ["places en crèche"],
        "supports": 2,
        "text": text,
    }
    row.update(overrides)
    return row


def hostile_rows():
    yield export_row(1, FORMULAS[0], meeting="=1+1", ideas=["@idée", "transport"])
    for ident, formula in enumerate(FORMULAS[1:], start=2):
        yield export_row(ident, formula, territory="-2", publics=["+3", "x"])
    yield export_row(9, f"bip{BELL}=", author="Usager")


def test_safe_cell_neutralises_formulas():
    for formula in FORMULAS:
        assert exports.safe_cell(formula) == "'" + formula
    assert exports.safe_cell("Un texte = simple") == "Un texte = simple"
    assert exports.safe_cell(None) == ""
    assert exports.safe_cell(f"{BELL}=1") == "'=1"  # a hidden control cannot shield it


def test_idea_index_lists_every_idea_a_contribution_supports():
    document = make_document()
    crèche, transport = document.sections[0].ideas
    transport.ids.append(12)  # one answer saying two things
    index = exports.idea_index(document)
    assert index[12] == ["places en crèche, horaires du soir", "transport scolaire"]
    assert index[44] == ["transport scolaire"]
    assert 1 not in index
    transport.hidden = True
    assert exports.idea_index(document)[12] == ["places en crèche, horaires du soir"]


def test_xlsx_reopens_with_neutralised_cells(tmp_path):
    path = tmp_path / "contributions.xlsx"
    exports.write_xlsx(hostile_rows(), path)
    sheet = openpyxl.load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == exports.COLUMNS
    first = rows[1]
    assert first[0] == 1
    assert first[1] == datetime(2025, 3, 12, 14, 5)
    assert first[2] == "'=1+1"
    assert first[6] == "Familles ; Jeunes"
    assert first[9] == "'@idée ; transport"
    assert first[10] == 2
    assert first[11] == "'" + FORMULAS[0]
    texts = [row[11] for row in rows[1:]]
    assert texts[:6] == ["'" + f for f in FORMULAS]
    assert texts[6] == "bip="
    assert {row[3] for row in rows[2:7]} == {"'-2"}
    assert {row[6] for row in rows[2:7]} == {"'+3 ; x"}
    for row in sheet.iter_rows(min_row=2):
        assert all(cell.data_type != "f" for cell in row)


def test_xlsx_writes_to_a_file_object():
    buffer = io.BytesIO()
    exports.write_xlsx([export_row(7)], buffer)
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active
    assert sheet.max_row == 2
    assert sheet.cell(2, 1).value == 7


def test_csv_streams_chunks_and_neutralises():
    chunks = list(exports.stream_csv(export_row(i, f"Texte n° {i}") for i in range(1, 2001)))
    assert len(chunks) >= 4
    assert chunks[0].startswith("\ufeff")
    rows = list(csv.reader(io.StringIO("".join(chunks).removeprefix("\ufeff")), delimiter=";"))
    assert rows[0] == list(exports.COLUMNS)
    assert len(rows) == 2001
    assert rows[1][:2] == ["1", "2025-03-12 14:05"]

    rows = list(
        csv.reader(
            io.StringIO("".join(exports.stream_csv(hostile_rows())).removeprefix("\ufeff")),
            delimiter=";",
        )
    )
    assert [row[11] for row in rows[1:7]] == ["'" + f for f in FORMULAS]
    assert rows[1][2] == "'=1+1"
    assert rows[1][9] == "'@idée ; transport"
    assert rows[2][3] == "'-2"


def test_csv_stream_is_lazy():
    pulled = []

    def rows():
        for i in range(1, 1001):
            pulled.append(i)
            yield export_row(i)

    stream = exports.stream_csv(rows(), chunk_rows=100)
    next(stream)
    assert len(pulled) == 100  # the first chunk went out before the rest was read


def many_rows(count: int):
    filler = "Il faudrait davantage de places d'accueil et des horaires adaptés. " * 6
    for i in range(1, count + 1):
        yield export_row(i, f"{i} {filler}", meeting=f"Rencontre {i % 50}")


def peak_memory(work) -> int:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_csv_of_100000_rows_streams_in_little_memory():
    def work():
        total = 0
        for chunk in exports.stream_csv(many_rows(100_000)):
            total += len(chunk)
        assert total > 40_000_000  # the whole file would not fit under the limit

    assert peak_memory(work) < 50 * 1024 * 1024


# Under tracemalloc openpyxl runs five times slower (a minute and more for 100,000 rows):
# the XLSX is measured instead in a child process, by how much its peak resident memory
# grows, which also counts what lxml allocates outside Python's allocator.
XLSX_MEMORY = """
import resource, sys
from consult.core import documents
from consult.synthesis import exports
from tests.synthesis.test_exports import many_rows
exports.write_xlsx(many_rows(1_000), sys.argv[1])  # imports and first use
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
exports.write_xlsx(many_rows(100_000), sys.argv[1])
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
"""


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in kilobytes on Linux")
def test_xlsx_of_100000_rows_writes_in_little_memory(tmp_path):
    path = tmp_path / "big.xlsx"
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", XLSX_MEMORY, str(path)],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        check=True,
    )
    grown_kb = int(result.stdout.split()[-1])
    assert grown_kb < 50 * 1024
    assert path.stat().st_size > 1_000_000


def _with_sub_ideas() -> Document:
    document = make_document()
    document.sections[0].ideas[0].sub_ideas = [
        Idea(
            label="Ouvrir les crèches le soir",
            terms=["soir"],
            size=6,
            supports=0,
            ids=[10, 11, 12, 13, 14, 15],
            quotes=[],
        ),
        Idea(
            label="Des places pour les bébés",
            terms=["bébé"],
            size=5,
            supports=0,
            ids=[16, 17, 18, 19, 20],
            quotes=[],
        ),
    ]
    return document


def test_sub_ideas_and_key_terms_show_under_their_idea(request_ctx):
    html = render_html(_with_sub_ideas(), make_editorial())
    idea = html.index("places en crèche, horaires du soir")
    terms = html.index("Termes clés : crèche, horaire")
    first, second = (
        html.index("Ouvrir les crèches le soir"),
        html.index("Des places pour les bébés"),
    )
    assert idea < terms < first < second < html.index("transport scolaire")
    assert "Ouvrir les crèches le soir</strong> — 6 contributions" in html
    assert html.count('synthesis-sub-idea"') == 2


def test_docx_lists_sub_ideas_under_their_idea():
    data = exports.render_docx(
        _with_sub_ideas(), make_editorial(), version=3, status_label="Partagée"
    )
    texts = [p.text for p in docx_texts(data)[0]]
    idea = next(n for n, t in enumerate(texts) if t.startswith("places en crèche"))
    assert texts.index("Ouvrir les crèches le soir — 6 contributions") > idea
    assert texts.index("Des places pour les bébés — 5 contributions") < next(
        n for n, t in enumerate(texts) if t.startswith("transport scolaire")
    )
    assert "Termes clés : crèche, horaire" in texts


def test_long_chart_labels_take_two_lines_cut_at_their_dash():
    labels = [
        "Concertation territoriale — Aix-les-Bains et Grand Lac",
        "Rencontre — Maurienne",
        "Consultation en ligne sur le schéma des solidarités de la Savoie",
    ]
    breakdown = Breakdown("meeting", "Par rencontre", cells=[Cell(t, 9, []) for t in labels])
    svg = str(bar_chart_svg(breakdown))
    # before: « Concertation… — Aix-les-Bains et… », « Consultation en ligne sur le sché… »
    assert ">Concertation territoriale —</tspan>" in svg
    assert ">Aix-les-Bains et Grand Lac</tspan>" in svg
    assert ">Consultation en ligne sur le</tspan>" in svg
    assert ">schéma des solidarités de la…</tspan>" in svg  # still too long: cut, said
    assert ">Rencontre — Maurienne</text>" in svg  # short enough: whole, one line
    assert "…" not in svg.split("</desc>")[0]  # the description reads every label whole
    assert "Concertation territoriale — Aix-les-Bains et Grand Lac : 9 contributions" in svg
