"""An annual report as a web page, a PDF (PDF/UA) and a Word document.

The web page and the PDF share one template, ``reports/document.html``, with the helpers
of :func:`template_tools` (``report_tools`` in its context). Both files are made by the
pipeline the syntheses use (:mod:`consult.core.documents`), with the shared document
stylesheet (``static/css/document.css``): title page, contents with page numbers, running
footer, no network request.
Texts of the document are plain and escaped; :func:`plain_document` strips control and
bidi characters again before any rendering.
"""

from collections.abc import Callable
from datetime import date
from types import SimpleNamespace

from flask import render_template
from markupsafe import Markup

from consult.core import documents
from consult.core.documents import docx_table, number
from consult.core.formatting import long_date, percent, plural_ending
from consult.followup.charts import figure, indicator_svg
from consult.followup.services import indicator_snapshot
from consult.reports.services import (
    IndicatorLine,
    ReportDocument,
    wanted_direction,
)

FicheUrl = Callable[[int], str]

# How the report is made: the same words on the page, in the PDF and in the Word file.
METHOD = (
    "Le bilan présente les fiches actions validées par le comité de pilotage ou adoptées, "
    "dans l'ordre du schéma. L'avancement d'une fiche est la moyenne de celui de ses actions.",
    "Les valeurs des indicateurs sont celles mesurées pour tout le Département. Les "
    "indicateurs de participation sont calculés par la plateforme.",
    "Le sens attendu d'un indicateur se lit de sa valeur de référence à sa cible : une cible "
    "plus basse que la référence veut dire qu'on cherche à faire baisser l'indicateur.",
    "« Atteint » : la valeur de l'année atteint ou dépasse la cible dans le sens attendu. "
    "Sinon, la valeur est comparée à celle de l'année précédente (à défaut, à la valeur de "
    "référence) : « en progrès » si elle va dans le sens attendu, « en recul » sinon, "
    "« stable » si elle n'a pas changé.",
    "Les contributions comptées sont celles publiées après modération, rattachées à l'année "
    "de leur rencontre. Aucun texte de contribution ni aucun nom ne figure dans le bilan.",
)


def day(iso: str) -> str:
    """``2026-03-12`` as ``12 mars 2026`` ("" stays "")."""
    if not iso:
        return ""
    return long_date(date.fromisoformat(iso))


def gap_text(line: IndicatorLine) -> str:
    """The distance to the target in words ("" when there is nothing to compare)."""
    if line.gap is None or line.target is None:
        return ""
    direction = wanted_direction(line.baseline, line.target)
    ahead = line.gap * direction
    if ahead == 0:
        return "Cible atteinte"
    shown = figure(abs(line.gap), line.unit)
    if ahead > 0:
        return f"Cible dépassée de {shown}"
    if direction > 0:
        return f"Il manque {shown} pour atteindre la cible"
    return f"{shown} au-dessus de la cible"


def reference_text(value: float | None, year: int | None, unit: str) -> str:
    """A baseline or a target with its year: ``120 (2024)``, or ``—``."""
    if value is None:
        return "—"
    return figure(value, unit) + (f" ({year})" if year else "")


def measured_text(value: float | None, text_value: str, unit: str) -> str:
    """A year's value: the number, or the qualitative text, or "pas de mesure"."""
    if text_value:
        return text_value
    return figure(value, unit) if value is not None else "pas de mesure"


def indicator_chart(line: IndicatorLine, *, chart_id: str) -> Markup:
    """The indicator's chart, drawn from the values frozen in the report (not today's)."""
    snapshot = indicator_snapshot(
        line,
        [SimpleNamespace(year=year, value=value, territory_id=None) for year, value in line.series],
    )
    return indicator_svg(snapshot, chart_id=chart_id)


class _Tools(documents.DocumentTools):
    """What ``reports/document.html`` calls (``report_tools`` in its context)."""

    day = staticmethod(day)
    gap_text = staticmethod(gap_text)
    reference_text = staticmethod(reference_text)
    measured_text = staticmethod(measured_text)
    chart = staticmethod(indicator_chart)
    method = METHOD


TOOLS = _Tools()


def template_tools() -> dict:
    return {"report_tools": TOOLS}


def document_context(
    document: ReportDocument, *, status_label: str, fiche_url: FicheUrl | None
) -> dict:
    """Everything ``reports/document.html`` (and ``reports/pdf.html``) expects."""
    return {
        "document": document,
        "status_label": status_label,
        "fiche_url": fiche_url,
        **template_tools(),
    }


# --- PDF --------------------------------------------------------------------------------


def render_pdf_html(
    document: ReportDocument, *, status_label: str, fiche_url: FicheUrl | None = None
) -> str:
    """The standalone HTML that :func:`render_pdf` prints."""
    return render_template(
        "reports/pdf.html",
        **document_context(document, status_label=status_label, fiche_url=fiche_url),
    )


def render_pdf(
    document: ReportDocument,
    *,
    status_label: str,
    base_url: str,
    fiche_url: FicheUrl | None = None,
) -> bytes:
    """The report as a tagged PDF (PDF/UA-1); only the site's static files are read."""
    html = render_pdf_html(document, status_label=status_label, fiche_url=fiche_url)
    return documents.pdf_from_html(html, base_url)


# --- DOCX -------------------------------------------------------------------------------


def _docx_summary(doc, document: ReportDocument) -> None:
    summary = document.summary
    doc.add_heading("L'essentiel", level=1)
    for item in summary.fiches_by_status:
        fiches = f"{number(item.count)} fiche{plural_ending(item.count)}"
        doc.add_paragraph(f"{item.label} : {fiches}", style="List Bullet")
    for label, value in (
        ("Indicateurs atteints ou en progrès", summary.indicators_on_track),
        ("Indicateurs stables ou en recul", summary.indicators_behind),
        ("Indicateurs sans mesure cette année", summary.indicators_unmeasured),
        ("Autres indicateurs (qualitatifs, sans cible)", summary.indicators_other),
    ):
        doc.add_paragraph(f"{label} : {number(value)}", style="List Bullet")


def _docx_indicators(doc, document: ReportDocument, indicators: list[IndicatorLine]) -> None:
    year = document.year
    header = ["Indicateur", "Référence", "Cible", str(year - 1), str(year), "Écart", "Verdict"]
    rows = [
        [
            line.label,
            reference_text(line.baseline, line.baseline_year, line.unit),
            reference_text(line.target, line.target_year, line.unit),
            measured_text(line.previous, line.previous_text, line.unit),
            measured_text(line.value, line.text_value, line.unit),
            gap_text(line) or "—",
            line.verdict_label,
        ]
        for line in indicators
    ]
    docx_table(doc, header, rows)


def _docx_fiches(doc, document: ReportDocument) -> None:
    doc.add_heading("Avancement des fiches actions", level=1)
    if not document.fiches:
        doc.add_paragraph("Aucune fiche validée ou adoptée pour l'instant.")
    for group, fiches in document.groups:
        doc.add_heading(group, level=2)
        for fiche in fiches:
            doc.add_heading(f"Fiche {fiche.number} : {fiche.title}", level=3)
            progress = "—" if fiche.progress is None else f"{fiche.progress} %"
            doc.add_paragraph(
                f"{fiche.status_label} — {fiche.progress_status_label} — avancement : {progress}"
            )
            if fiche.actions:
                doc.add_heading("Actions", level=4)
                for action in fiche.actions:
                    doc.add_paragraph(
                        f"{action.title} — {action.status_label}, {action.progress} %",
                        style="List Bullet",
                    )
                    for milestone in action.milestones:
                        done = f"réalisé le {day(milestone.done_on)}" if milestone.done_on else ""
                        due = f"prévu le {day(milestone.due_on)}" if milestone.due_on else ""
                        when = ", ".join(part for part in (due, done) if part)
                        doc.add_paragraph(f"Jalon : {milestone.label} ({when})", style="List 2")
            if fiche.indicators:
                doc.add_heading("Indicateurs : valeur et cible", level=4)
                _docx_indicators(doc, document, fiche.indicators)


def _docx_participation(doc, document: ReportDocument) -> None:
    year = document.year
    doc.add_heading(f"La participation en {year}", level=1)
    rows = [
        [line.label, number(line.previous), number(line.value)] for line in document.participation
    ]
    docx_table(doc, ["", str(year - 1), str(year)], rows)


def _docx_contributions(doc, document: ReportDocument) -> None:
    doc.add_heading("Ce que sont devenues les contributions", level=1)
    total = document.contributions
    doc.add_paragraph(f"Contributions publiées en {document.year} : {number(total)}")
    rows = [[o.label, number(o.count), percent(o.count, total)] for o in document.outcomes]
    docx_table(doc, ["Suite donnée", "Contributions", "Part"], rows)
    if document.themes:
        doc.add_heading("Par thématique", level=2)
        header = ["Thématique", "Total", *(o.label for o in document.outcomes)]
        rows = [
            [t.theme, number(t.total), *(number(c.count) for c in t.counts)]
            for t in document.themes
        ]
        docx_table(doc, header, rows)
    doc.add_heading("Les fiches qui répondent aux contributions", level=2)
    if not document.answering_fiches:
        doc.add_paragraph("Aucune fiche n'est encore reliée à des contributions.")
    rows = [
        [f"Fiche {f.number} : {f.title}", number(f.contributions), number(f.this_year)]
        for f in document.answering_fiches
    ]
    if rows:
        header = ["Fiche", "Contributions", f"dont {document.year}"]
        docx_table(doc, header, rows)


def render_docx(document: ReportDocument, *, status_label: str) -> bytes:
    """The report as an editable Word document (headings and tables; charts stay in the PDF)."""
    document = documents.plain_document(document)
    doc = documents.word_document(document.title, f"Bilan annuel {document.year} ({status_label})")
    doc.add_heading(document.title, level=0)
    doc.add_paragraph(f"{document.department} — {document.scheme_title}")
    doc.add_paragraph(f"{status_label} — généré le {long_date(document.generated_at)}")
    _docx_summary(doc, document)
    _docx_fiches(doc, document)
    _docx_participation(doc, document)
    _docx_contributions(doc, document)
    documents.docx_method(doc, METHOD)
    return documents.docx_bytes(doc)
