"""One document pipeline for syntheses and annual reports: plain texts, HTML → PDF, Word.

Both documents are built the same way (issue 13): their texts are made plain again just
before rendering (:func:`plain_document`: no markup, no control or bidirectional
character reaches a page, a PDF or a Word file); one HTML template gives the web page
and, printed by WeasyPrint, a tagged PDF (PDF/UA-1) that reads nothing but the site's
static files (:func:`pdf_from_html`); the Word file starts from :func:`word_document`,
in French. Their charts share one look (colours, font, ids, counts).

WeasyPrint and python-docx are imported when a file is made, not when the app starts
(a web process that serves no file never loads them).
"""

import io
import mimetypes
import re
from dataclasses import fields, is_dataclass, replace
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote, urljoin, urlsplit

from flask import current_app, url_for
from markupsafe import escape

from consult.core import formatting
from consult.core.sanitize import clean_text

T = TypeVar("T")

# Colours checked against the white background (WCAG 2.1): bars 8.9:1 (1.4.11 asks
# 3:1), text 17.4:1 and the axis 5.3:1 (1.4.3 asks 4.5:1).
BAR_COLOUR = "#1d4f91"
TEXT_COLOUR = "#1a1a1a"
AXIS_COLOUR = "#6b6b6b"
FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
FONT_SIZE = 13

# Only strings with one of these are passed to the sanitiser (the others are already
# plain): markup or entity starts, C0/C1 controls but tab and newline, bidi controls.
_SUSPECT = re.compile(r"[<&\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _plain(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value) if _SUSPECT.search(value) else value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    if is_dataclass(value) and not isinstance(value, type):
        return replace(value, **{f.name: _plain(getattr(value, f.name)) for f in fields(value)})
    return value


def plain_document(document: T) -> T:
    """A copy of ``document`` (dataclasses, lists, strings) whose texts are plain."""
    return _plain(document)


def number(value: int | None) -> str:
    """A count the French way: ``12 345`` (narrow no-break space between thousands)."""
    if value is None:
        return "non relevé"
    return formatting.number(value)


class DocumentTools:
    """The helpers both document templates call (``synthesis_tools``, ``report_tools``);
    each document's exports module subclasses it with its own."""

    plain_document = staticmethod(plain_document)
    number = staticmethod(number)
    percent = staticmethod(formatting.percent)
    french_date = staticmethod(formatting.long_date)


def chart_slug(text: str) -> str:
    """An id for a chart's title and description (``aria-labelledby``)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "graphique"


def svg_start(uid: str, title: str, description: str, *, width: int, height: int) -> list[str]:
    """The opening of a chart: an image named by its title and its description
    (``aria-labelledby``), on a white background. The caller closes it (``</svg>``)."""
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{uid}-titre {uid}-desc" '
        f'font-family="{FONT}" font-size="{FONT_SIZE}">',
        f'<title id="{uid}-titre">{escape(title)}</title>',
        f'<desc id="{uid}-desc">{escape(description)}</desc>',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]


# --- PDF --------------------------------------------------------------------------------


def static_url_fetcher(base_url: str):
    """A WeasyPrint URL fetcher that reads the project's static files and ``data:`` only.

    Anything else (another host, ``file:``, a page of the site) is refused: rendering a
    PDF never makes a network request nor reads a file outside ``static/``.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    static_prefix = urljoin(base_url, url_for("static", filename=""))
    static_dir = Path(current_app.static_folder).resolve()

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith(static_prefix):
                relative = unquote(urlsplit(url[len(static_prefix) :]).path)
                path = (static_dir / relative).resolve()
                if path.is_relative_to(static_dir) and path.is_file():
                    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(
                        url, path.read_bytes(), headers={"Content-Type": content_type}
                    )
            raise ValueError(f"Ressource refusée lors de la création du PDF : {url[:200]}")

    return StaticOnlyFetcher(timeout=1, allowed_protocols={"data", "http", "https"})


def pdf_from_html(html: str, base_url: str) -> bytes:
    """Print ``html`` as a tagged PDF (PDF/UA-1), reading only the site's static files.

    Its text gets French no-break spaces (:func:`consult.core.formatting.french_spacing_html`:
    a printed line never starts with « : » or « ? »). ``base_url`` is the site's root URL
    (``request.host_url``): relative links resolve against it. Needs an app context (and a
    request context, or ``SERVER_NAME``).
    """
    from weasyprint import HTML

    page = HTML(
        string=formatting.french_spacing_html(html),
        base_url=base_url,
        url_fetcher=static_url_fetcher(base_url),
    )
    return page.write_pdf(pdf_variant="pdf/ua-1")


# --- DOCX -------------------------------------------------------------------------------


def word_document(title: str, subject: str):
    """A new Word document titled ``title``, in French for spelling and screen readers
    (python-docx's default template says en-US)."""
    from docx import Document as WordDocument
    from docx.oxml.ns import qn

    doc = WordDocument()
    for lang in doc.styles.element.xpath("w:docDefaults/w:rPrDefault/w:rPr/w:lang"):
        lang.set(qn("w:val"), "fr-FR")
    doc.core_properties.title = title
    doc.core_properties.language = "fr-FR"
    doc.core_properties.subject = subject
    return doc


def docx_table(doc, header: list[str], rows: list[list[str]]) -> None:
    """A table with a bold header row, followed by an empty paragraph."""
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for values in rows:
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text
    doc.add_paragraph()


def docx_method(doc, method: tuple[str, ...]) -> None:
    """The closing « Méthode » part: one bullet a paragraph of ``method``."""
    doc.add_heading("Méthode", level=1)
    for text in method:
        doc.add_paragraph(text, style="List Bullet")


def docx_bytes(doc) -> bytes:
    """The Word document as the bytes of a ``.docx`` file."""
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
