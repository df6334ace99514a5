"""A synthesis version as a PDF, a Word document, JSON, and its contributions as CSV or XLSX.

The web page and the PDF share one template, ``synthesis/document.html``; it needs the
helpers of :func:`template_tools` under the name ``synthesis_tools`` (register them with
``bp.app_context_processor(exports.template_tools)``, or pass
``**exports.template_tools()`` to ``render_template``).

What participants wrote is plain text: it is escaped wherever it is shown, and cleaned
again before rendering (``core.documents.plain_document``) so that no control character
or bidirectional override reaches a page, a PDF or a Word file. The editorial part is sanitised HTML
(``clean_html`` on input, and again here before it is rendered as is).

The contributions export streams: :func:`stream_csv` yields chunks as rows come, and
:func:`write_xlsx` uses openpyxl's write-only mode, so that 100,000 rows never sit in
memory at once. Every text cell is neutralised against spreadsheet formulas
(:func:`safe_cell`).
"""

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, TypedDict

from flask import render_template
from markupsafe import Markup

from consult.core.documents import (
    DocumentTools,
    docx_bytes,
    docx_method,
    docx_table,
    number,
    pdf_from_html,
    plain_document,
    word_document,
)
from consult.core.formatting import long_date, percent
from consult.core.sanitize import clean_html, clean_text, safe_cell
from consult.synthesis.analysis import OTHERS, PROFESSIONALS_LABEL, UNPLACED, USERS_LABEL
from consult.synthesis.charts import bar_chart_svg, shown_cells
from consult.synthesis.document import MIN_CELL, Document, Editorial

ContributionUrl = Callable[[int], str]

EDITORIAL_PARTS = (
    ("introduction", "Introduction"),
    ("analysis", "Analyse"),
    ("conclusions", "Conclusions"),
)


def editorial_parts(editorial: Editorial) -> list[tuple[str, str, Markup]]:
    """The non-empty editorial parts as ``(key, heading, sanitised HTML)``.

    The HTML was sanitised when it was saved; it goes through ``clean_html`` once more
    here so that the templates can render it as is whatever its origin.
    """
    parts = []
    for key, heading in EDITORIAL_PARTS:
        html = clean_html(getattr(editorial, key, "") or "")
        if html:
            parts.append((key, heading, Markup(html)))  # noqa: S704 - clean_html allow-list
    return parts


def editorial_paragraphs(html: str) -> list[str]:
    """Editorial HTML as plain paragraphs (one per block: paragraph, heading, list item)."""
    cleaned = clean_html(html)
    # clean_html writes tags in one canonical form; breaks go after the blocks it allows,
    # then the sanitiser strips every tag.
    for tag in ("</p>", "</h2>", "</h3>", "</h4>", "</li>", "</blockquote>", "<br>"):
        cleaned = cleaned.replace(tag, tag + "\n")
    cleaned = cleaned.replace("<li>", "<li>– ")
    return [line for line in clean_text(cleaned).split("\n") if line.strip()]


# How the synthesis was made: the same words in the page, the PDF and the Word document.
METHOD = (
    "Les contributions lues sont celles que la synthèse retient (rencontres, territoires, "
    "thématiques choisis), après modération ; les données personnelles repérées par les "
    "modérateurs sont masquées.",
    "Les idées regroupent les contributions qui emploient les mêmes termes clés (mots "
    "ramenés à leur forme de base, mots vides retirés, négations gardées) ; une "
    "contribution qui dit plusieurs choses peut soutenir plusieurs idées. Chaque idée est "
    "titrée par la phrase la plus représentative de ses propres contributions (14 mots au "
    "plus), ses termes clés à côté ; l'équipe d'animation peut la renommer, la fusionner, "
    "la scinder ou la masquer. Sa taille compte ses contributions, doublons fusionnés "
    "compris ; les soutiens sont les « Je soutiens » reçus. Les contributions qui ne "
    "rejoignent aucune idée sont listées à part, comme « contributions isolées ».",
    "Les citations sont choisies parmi les plus représentatives de chaque idée et "
    "reproduites telles que publiées. Elles ne sont jamais signées : seul le numéro de la "
    "contribution est donné.",
    f"Aucune catégorie de moins de {MIN_CELL} contributions n'est montrée dans les "
    "répartitions : elle est regroupée dans « Autres » ou comptée parmi les contributions "
    "non affichées, pour que personne ne puisse y être reconnu.",
    "Les contributions pas encore étiquetées sont placées dans une partie par la meilleure "
    "suggestion enregistrée (score calibré suffisant), et signalées « placée par "
    "suggestion, à vérifier » ; les autres sont réunies dans une partie à part. Les "
    "tableaux par thématique et par fiche action les comptent de la même façon, en disant "
    "combien sont placées par suggestion.",
    "Ce qui diffère entre les groupes compare la part de chaque idée chez les usagers et "
    "chez les professionnels, puis entre les deux territoires qui ont le plus contribué : "
    "test du χ² (test exact de Fisher quand un effectif attendu est inférieur à 5), seuil "
    "de 5 % après correction de Benjamini–Hochberg sur l'ensemble des idées comparées. "
    "Les termes qu'un groupe emploie nettement plus que l'autre sont donnés en complément.",
    "Un point de vigilance contient un terme d'alerte (risque, danger, inquiétude…), ou, "
    "dans un témoignage, un constat ou une contribution signalée, une expression négative "
    "(manque de, impossible, isolé…) ou une attente qui dure (« depuis trois ans », "
    "« toujours pas ») ; la raison est indiquée sous chaque citation. Un terme d'alerte nié "
    "(« jamais dans l'urgence », « pas de danger ») ou qui nomme le sujet même de la partie "
    "(« danger » dans « Le repérage et l'évaluation du danger ») n'en fait pas un.",
    "La liste complète des contributions, avec leurs étiquettes et toutes les idées que "
    "chacune soutient, est disponible en export tableur (CSV ou Excel).",
)


UNPLACED_TITLES = tuple(UNPLACED.values())
FEW_AUTHORS_NOTE = (
    f"Un type d'auteur qui compte moins de {MIN_CELL} contributions dans une idée n'est pas "
    "nommé, pour que personne ne soit reconnaissable : il est compté dans « plusieurs types "
    "d'auteurs » ou dans « autres types »."
)
BY_FAMILY_NOTE = (
    "Quand aucun type n'est assez nombreux, l'idée dit ses auteurs par famille (usagers et "
    "proches aidants ; professionnels, partenaires et agents)."
)


def few_authors_note(findings) -> str:
    """Why author types go unnamed; and, when an idea says its authors by family, that too
    (said only then: the first page must hold on one page)."""
    families = {USERS_LABEL, PROFESSIONALS_LABEL}
    if any(cell.label in families for f in findings for cell in f.authors):
        return f"{FEW_AUTHORS_NOTE} {BY_FAMILY_NOTE}"
    return FEW_AUTHORS_NOTE


NO_COMPARISON = (
    f"Pas de comparaison : il faut au moins {MIN_CELL} contributions dans chacun des "
    "groupes comparés (usagers et professionnels, deux territoires)."
)


# --- Template helpers -------------------------------------------------------------------


def authors(finding) -> str:
    """« Usager (12), Professionnel (5), autres types (3) »: who said a main idea.

    Author types too small to show alone, merged, read as such (not as a type « Autres »):
    « Plusieurs types d'auteurs (10) »; :data:`FEW_AUTHORS_NOTE` says why once, under
    the table.
    """
    merged = "plusieurs types d'auteurs"
    parts = [
        f"{merged if cell.label == OTHERS else cell.label} ({number(cell.count)})"
        for cell in finding.authors
    ]
    if finding.authors_hidden:
        parts.append(f"autres types ({number(finding.authors_hidden)})")
    text = ", ".join(parts) or "—"
    return text[:1].upper() + text[1:]


def masks_authors(findings) -> bool:
    """True when a main idea merges or leaves out author types too small to show."""
    return any(
        f.authors_hidden or any(cell.label == OTHERS for cell in f.authors) for f in findings
    )


def p_value(value: float) -> str:
    """« 0,003 » or « < 0,001 »."""
    if value < 0.001:
        return "< 0,001"
    return f"{value:.3f}".replace(".", ",")


def retired_text(retired: int) -> str:
    """« 1 contribution retirée depuis … » (empty when none was)."""
    if retired == 1:
        return (
            "1 contribution retirée depuis la génération de cette version (retirée par "
            "son auteur, rejetée ou dépubliée) : elle n'est plus ni citée ni comptée."
        )
    if retired > 1:
        return (
            f"{number(retired)} contributions retirées depuis la génération de cette "
            "version (retirées par leur auteur, rejetées ou dépubliées) : elles ne sont "
            "plus ni citées ni comptées."
        )
    return ""


def _counted(count: int, singular: str, plural: str) -> str:
    return f"{number(count)} {singular if count <= 1 else plural}"


def _weighed(ids, weights: dict[int, int] | None) -> int:
    """How many contributions ``ids`` are, each counting the people who sent it (a
    campaign's kept text counts its senders, as in the part's count and the ideas')."""
    return sum((weights or {}).get(ident, 1) for ident in ids)


def section_tally(section, weights: dict[int, int] | None = None) -> str:
    """« 38 contributions regroupées en 8 idées, 3 isolées. »: what becomes of a part's
    contributions, so that a reader can check that ideas and isolated ones add up.

    Each contribution counts once (one that supports several ideas too), as many times
    as people sent it (``weights``: :attr:`Document.weights`); those of ideas the team
    hid are said apart. Empty when the part has no idea and none isolated.
    """
    ideas = [i for i in section.ideas if not i.hidden]
    grouped_ids = {ident for idea in ideas for ident in idea.ids}
    hidden_ids = {ident for i in section.ideas if i.hidden for ident in i.ids} - grouped_ids
    grouped, hidden = _weighed(grouped_ids, weights), _weighed(hidden_ids, weights)
    isolated = _weighed(set(section.isolated) - grouped_ids, weights)
    if not grouped and not isolated and not hidden:
        return ""
    parts = []
    if grouped:
        parts.append(
            _counted(grouped, "contribution regroupée", "contributions regroupées")
            + f" en {_counted(len(ideas), 'idée', 'idées')}"
        )
    if isolated:
        word = "isolée" if isolated == 1 else "isolées"
        what = word if grouped else ("contribution " if isolated == 1 else "contributions ") + word
        parts.append(f"{number(isolated)} {what} (dans aucune idée)")
    if hidden:
        parts.append(
            _counted(hidden, "dans une idée masquée", "dans des idées masquées")
            + " par l'équipe d'animation"
        )
    return ", ".join(parts) + "."


def _grouped_ids(document: Document) -> set[int]:
    return {
        ident
        for section in document.sections
        for idea in section.ideas
        if not idea.hidden
        for ident in idea.ids
    }


def grouped_count(document: Document) -> int:
    """Contributions in at least one visible idea (each counted once, as many times as
    people sent it: with the isolated ones, they add up to the contributions counted)."""
    return _weighed(_grouped_ids(document), document.weights)


def isolated_count(document: Document) -> int:
    """Contributions isolated in their part(s) and in no visible idea of any part."""
    isolated = {i for s in document.sections for i in s.isolated} - _grouped_ids(document)
    return _weighed(isolated, document.weights)


def identical_sent(document: Document) -> str:
    """« , dont 50 envois d'un même texte (campagne) » after the first page's count of
    contributions, when a campaign weighs in it; else ""."""
    if document.identical <= 1:
        return ""
    return f", dont {number(document.identical)} envois d'un même texte (campagne)"


def _quoted_in_ideas(section) -> set[int]:
    def quoted(ideas) -> set[int]:
        found = set()
        for idea in ideas:
            if not idea.hidden:
                found |= {q.id for q in idea.quotes} | quoted(idea.sub_ideas)
        return found

    return quoted(section.ideas)


def section_picks(section) -> list[tuple[str, str, list, bool]]:
    """The part's propositions, questions and points of vigilance as
    ``(key, heading, quotes, some_left_out)``, the empty ones left out.

    A proposition or a question already quoted under one of the part's ideas is not
    printed a second time (the demo repeated 6 of its 8 propositions on « Du domicile à
    l'EHPAD »); a point of vigilance always is: it comes with the reason it was picked.
    """
    already = _quoted_in_ideas(section)
    picks = []
    for key, heading, quotes, repeat in (
        ("propositions", "Propositions", section.proposals, False),
        ("questions", "Questions", section.questions, False),
        ("vigilance", "Points de vigilance", section.vigilance, True),
    ):
        shown = list(quotes) if repeat else [q for q in quotes if q.id not in already]
        if shown:
            picks.append((key, heading, shown, len(shown) < len(quotes)))
    return picks


_WORD = re.compile(r"[^\W\d_]+")


def key_terms(idea, section=None) -> str:
    """An idea's key terms as written by its contributors: the analysis lower-cases them
    (« ase, cmp, mdph »), the quotes give the acronyms back (« ASE, CMP, MDPH »)."""
    quotes = list(idea.quotes)
    if section is not None:
        quotes += [q for i in section.ideas for q in i.quotes]
        quotes += section.proposals + section.questions + section.vigilance
    capitals = {}
    for quote in quotes:
        for word in _WORD.findall(quote.text):
            if len(word) > 1 and word.isupper():
                capitals.setdefault(word.lower(), word)
    written = [
        " ".join(capitals.get(word, word) for word in term.split(" ")) for term in idea.terms
    ]
    return ", ".join(written)


# What the first page says when the synthesis reads everything of a kind.
_UNFILTERED = {
    "Rencontres": "toutes les rencontres",
    "Territoires": "tous les territoires",
    "Thématiques": "toutes les thématiques",
    "Fiches": "toutes les fiches actions",
    "Publics": "tous les publics",
    "Auteurs": "tous les types d'auteur",
    "Types": "toutes les natures de contribution",
}
_SCOPE_LABELS = {
    "Fiches": "Fiches actions",
    "Auteurs": "Types d'auteur",
    "Types": "Natures de contribution",
    "Contributions": "Contributions retenues",
}


def scope_facts(scope) -> list[tuple[str, str]]:
    """The scope as a reader needs it on the first page: what was narrowed, by its name,
    and everything not narrowed in one sentence (« Toutes les rencontres, tous les
    territoires… ») rather than seven lines of « tous »."""
    facts, unfiltered = [], []
    for label, value in scope:
        if label in _UNFILTERED and value.strip().lower() in ("tous", "toutes"):
            unfiltered.append(_UNFILTERED[label])
        else:
            facts.append((_SCOPE_LABELS.get(label, label), value))
    if unfiltered:
        text = ", ".join(unfiltered[:-1]) + (" et " if len(unfiltered) > 1 else "")
        text += unfiltered[-1]
        position = 1 if facts and facts[0][0] == "Schéma" else 0
        facts.insert(position, ("Périmètre", text[:1].upper() + text[1:]))
    return facts


def outside_groups(outside: int) -> str:
    """« Les 17 autres contributions ne sont dans aucun des deux groupes. »"""
    if outside == 1:
        return "L'autre contribution n'est dans aucun des deux groupes."
    return f"Les {number(outside)} autres contributions ne sont dans aucun des deux groupes."


def senders(quote) -> str:
    """Who sent a quoted contribution, when more than its author did: « envoyée par 12
    personnes » (merged duplicates), « texte identique envoyé par 50 personnes
    (campagne) »; else ""."""
    if quote.weight <= 1:
        return ""
    if quote.campaign:
        return f"texte identique envoyé par {number(quote.weight)} personnes (campagne)"
    return f"envoyée par {number(quote.weight)} personnes"


def identical(finding) -> str:
    """« dont 50 envois d'un même texte (campagne) » for a main idea a campaign weighs in."""
    if finding.identical <= 1:
        return ""
    return f"dont {number(finding.identical)} envois d'un même texte (campagne)"


class _Tools(DocumentTools):
    """What ``synthesis/document.html`` calls (``synthesis_tools`` in its context)."""

    editorial_parts = staticmethod(editorial_parts)
    shown_cells = staticmethod(shown_cells)
    retired_text = staticmethod(retired_text)
    min_cell = MIN_CELL
    method = METHOD
    unplaced = UNPLACED_TITLES
    no_comparison = NO_COMPARISON
    p_value = staticmethod(p_value)
    authors = staticmethod(authors)
    masks_authors = staticmethod(masks_authors)
    few_authors_note = staticmethod(few_authors_note)
    section_tally = staticmethod(section_tally)
    isolated_count = staticmethod(isolated_count)
    identical_sent = staticmethod(identical_sent)
    grouped_count = staticmethod(grouped_count)
    scope_facts = staticmethod(scope_facts)
    section_picks = staticmethod(section_picks)
    key_terms = staticmethod(key_terms)
    outside_groups = staticmethod(outside_groups)
    senders = staticmethod(senders)
    identical = staticmethod(identical)
    # isolated contributions are each listed by number (a part's ideas and counts show
    # their first three): « et 1 autre » read as a hidden bucket
    isolated_shown = 50

    @staticmethod
    def bar_chart(breakdown, *, chart_id: str | None = None) -> Markup:
        return bar_chart_svg(breakdown, chart_id=chart_id)


TOOLS = _Tools()


def template_tools() -> dict:
    """Context for ``synthesis/document.html``: usable as a Flask context processor."""
    return {"synthesis_tools": TOOLS}


def document_context(
    document: Document,
    editorial: Editorial,
    *,
    version: int,
    status_label: str,
    contribution_url: ContributionUrl | None,
    retired: int = 0,
) -> dict:
    """Everything ``synthesis/document.html`` (and ``synthesis/pdf.html``) expects.

    ``retired``: contributions of the version withdrawn, rejected or taken back since
    it was generated (already removed from ``document``); the document says how many.
    """
    return {
        "document": document,
        "editorial": editorial,
        "version": version,
        "status_label": status_label,
        "contribution_url": contribution_url,
        "retired": retired,
        **template_tools(),
    }


# --- PDF --------------------------------------------------------------------------------


def render_pdf_html(
    document: Document,
    editorial: Editorial,
    *,
    version: int,
    status_label: str,
    contribution_url: ContributionUrl | None = None,
    retired: int = 0,
) -> str:
    """The standalone HTML that :func:`render_pdf` prints (useful to preview or test)."""
    return render_template(
        "synthesis/pdf.html",
        **document_context(
            document,
            editorial,
            version=version,
            status_label=status_label,
            contribution_url=contribution_url,
            retired=retired,
        ),
    )


def render_pdf(
    document: Document,
    editorial: Editorial,
    *,
    version: int,
    status_label: str,
    base_url: str,
    contribution_url: ContributionUrl | None = None,
    retired: int = 0,
) -> bytes:
    """The synthesis as a tagged PDF (PDF/UA-1): title page, contents with page numbers.

    ``base_url`` is the site's root URL (``request.host_url``): relative links resolve
    against it, and only its ``/static/`` files are read. Needs an app context (and a
    request context, or ``SERVER_NAME``, for ``url_for``). Without ``contribution_url``
    the contribution numbers are printed without links.
    """
    html = render_pdf_html(
        document,
        editorial,
        version=version,
        status_label=status_label,
        contribution_url=contribution_url,
        retired=retired,
    )
    return pdf_from_html(html, base_url)


# --- DOCX -------------------------------------------------------------------------------


def _docx_quote(doc, quote, style: str | None = None, guessed=()) -> None:
    from docx.shared import Cm

    paragraph = doc.add_paragraph(style=style)
    if style is None:
        paragraph.paragraph_format.left_indent = Cm(1)
    paragraph.add_run(f"« {quote.text} »").italic = True
    paragraph.add_run(f" (contribution n° {quote.id})")
    if sent := senders(quote):
        paragraph.add_run(f" — {sent}")
    if quote.id in guessed:
        paragraph.add_run(" — placée par suggestion, à vérifier")
    if quote.reason:
        paragraph.add_run(f" — {quote.reason}")


def _docx_cover(doc, document: Document, *, version: int, status_label: str, retired=0) -> None:
    doc.add_heading(document.title, level=0)
    doc.add_paragraph(f"Version {version} — {status_label}")
    doc.add_paragraph(f"Générée le {long_date(document.generated_at)}")
    for label, value in scope_facts(document.scope):
        doc.add_paragraph(f"{label} : {value}")
    if retired:
        doc.add_paragraph(retired_text(retired))


def _docx_editorial(doc, editorial: Editorial) -> None:
    doc.add_heading("Partie rédigée par l'équipe d'animation", level=1)
    note = doc.add_paragraph()
    note.add_run(
        "Cette partie est écrite par l'équipe d'animation : elle n'est pas produite à partir "
        "des contributions."
    ).bold = True
    written = False
    for key, heading in EDITORIAL_PARTS:
        paragraphs = editorial_paragraphs(getattr(editorial, key, "") or "")
        if paragraphs:
            written = True
            doc.add_heading(heading, level=2)
            for text in paragraphs:
                doc.add_paragraph(text)
    if not written:
        doc.add_paragraph("L'équipe d'animation n'a pas encore rédigé cette partie.")


def _docx_breakdowns(doc, document: Document) -> None:
    doc.add_heading("Qui a contribué, et où", level=2)
    for breakdown in document.breakdowns:
        cells, hidden = shown_cells(breakdown)
        doc.add_heading(breakdown.title, level=3)
        rows = [[c.label, number(c.count), percent(c.count, document.contributions)] for c in cells]
        if hidden:
            label = f"Non affichées (catégories de moins de {MIN_CELL} contributions)"
            rows.append([label, number(hidden), percent(hidden, document.contributions)])
        _docx_breakdown_table(doc, cells, rows)


def _docx_breakdown_table(doc, cells, rows: list[list[str]]) -> None:
    """The table of one breakdown; with the share placed by suggestion (themes, fiches)."""
    guessed = sum(len(c.suggested) for c in cells)
    if not guessed:
        docx_table(doc, ["Catégorie", "Contributions", "Part"], rows)
        return
    for row, cell in zip(rows, [*cells, None], strict=False):  # then the hidden row
        row.insert(2, number(len(cell.suggested)) if cell else "—")
    docx_table(doc, ["Catégorie", "Contributions", "Dont par suggestion", "Part"], rows)
    doc.add_paragraph(
        "Comptées comme dans les parties : les contributions étiquetées, et celles pas "
        f"encore étiquetées que leur suggestion place (dont {_count(guessed, 'contribution')}"
        f" placée{'s' if guessed > 1 else ''} par suggestion, à vérifier)."
    )


def _docx_findings(doc, document: Document) -> None:
    if not document.findings:
        return
    doc.add_heading("Les idées principales", level=2)
    rows = [
        [
            f"{f.label} ({identical(f)})" if identical(f) else f.label,
            number(f.count),
            percent(f.count, document.contributions),
            authors(f),
            f.section,
        ]
        for f in document.findings
    ]
    docx_table(doc, ["Idée", "Contributions", "Part", "Exprimée par", "Partie"], rows)
    if masks_authors(document.findings):
        doc.add_paragraph(few_authors_note(document.findings))


def _docx_section_notes(doc, section, weights: dict[int, int]) -> None:
    if tally := section_tally(section, weights):
        doc.add_paragraph(tally)
    guessed = section.suggested or []
    if guessed:
        doc.add_paragraph(
            f"Dont {_count(len(guessed), 'contribution')} pas encore étiquetée"
            f"{'s' if len(guessed) > 1 else ''} : placée{'s' if len(guessed) > 1 else ''} "
            "ici par suggestion, à vérifier."
        )
    if section.title in UNPLACED_TITLES:
        doc.add_paragraph("Contributions ni étiquetées ni placées par une suggestion.")


def _docx_sub_ideas(doc, sub_ideas) -> None:
    """The nuances of an idea, one line each under it."""
    if sub_ideas:
        doc.add_paragraph("Dont :")
    for sub in sub_ideas:
        paragraph = doc.add_paragraph(style="List Bullet")
        paragraph.add_run(sub.label).bold = True
        paragraph.add_run(f" — {_count(sub.size, 'contribution')}")


def _docx_isolated(doc, isolated: list[int]) -> None:
    """A part's isolated contributions, each by its number as on the page and in the PDF
    (a count alone read as a hidden bucket)."""
    doc.add_heading("Contributions isolées", level=3)
    shown = isolated[: TOOLS.isolated_shown]
    more = len(isolated) - len(shown)
    refs = ", ".join(f"n° {ident}" for ident in shown)
    if more:
        refs += f" et {_count(more, 'autre')}"
    doc.add_paragraph(
        f"{_count(len(isolated), 'contribution')} "
        + (
            "ne rejoignent aucune idée (elles ne sont pas comptées comme une idée) — "
            f"contributions {refs}."
            if len(isolated) > 1
            else f"ne rejoint aucune idée (elle n'est pas comptée comme une idée) — "
            f"contribution {refs}."
        )
    )


def _docx_sections(doc, document: Document) -> None:
    for section in document.sections:
        doc.add_heading(section.title, level=2)
        doc.add_paragraph(f"{_count(section.count, 'contribution')}.")
        _docx_section_notes(doc, section, document.weights)
        if section.ideas:
            doc.add_heading("Idées principales", level=3)
        for idea in (i for i in section.ideas if not i.hidden):
            paragraph = doc.add_paragraph(style="List Number")
            paragraph.add_run(idea.label).bold = True
            supports = f", {_count(idea.supports, 'soutien')}" if idea.supports else ""
            paragraph.add_run(f" — {_count(idea.size, 'contribution')}{supports}")
            if idea.terms:
                doc.add_paragraph(f"Termes clés : {key_terms(idea, section)}")
            for quote in idea.quotes:
                _docx_quote(doc, quote, guessed=section.suggested)
            _docx_sub_ideas(doc, idea.sub_ideas)
        if section.isolated:
            _docx_isolated(doc, section.isolated)
        for _, heading, quotes, some_left_out in section_picks(section):
            doc.add_heading(heading, level=3)
            if some_left_out:
                doc.add_paragraph("Hors celles déjà citées sous les idées ci-dessus.")
            for quote in quotes:
                _docx_quote(doc, quote, style="List Bullet", guessed=section.suggested)


def _docx_difference(doc, difference, total: int) -> None:
    doc.add_heading(difference.title, level=2)
    outside = total - difference.size_a - difference.size_b
    doc.add_paragraph(
        f"{difference.group_a} : {_count(difference.size_a, 'contribution')} ; "
        f"{difference.group_b} : {_count(difference.size_b, 'contribution')}."
        + (f" {outside_groups(outside)}" if outside > 0 else "")
    )
    if difference.summary:
        compared = ""
        if not difference.ideas and difference.tested:
            compared = f" Idées comparées une à une : {number(difference.tested)}."
        doc.add_paragraph(difference.summary + compared)
    if difference.ideas:
        header = ["Idée", difference.group_a, difference.group_b, "Test"]
        rows = [
            [
                s.label,
                f"{percent(s.count_a, difference.size_a)} ({number(s.count_a)})",
                f"{percent(s.count_b, difference.size_b)} ({number(s.count_b)})",
                f"{s.test}, p corrigé {p_value(s.p_value)}",
            ]
            for s in difference.ideas
        ]
        docx_table(doc, header, rows)
    for group, terms in (
        (difference.group_a, difference.terms_a),
        (difference.group_b, difference.terms_b),
    ):
        if terms:
            doc.add_paragraph(f"Termes plus employés par : {group}")
            header = ["Terme", difference.group_a, difference.group_b]
            rows = [[t.term, number(t.count_a), number(t.count_b)] for t in terms]
            docx_table(doc, header, rows)


def _docx_differences(doc, document: Document) -> None:
    doc.add_heading("Ce qui diffère entre les groupes", level=1)
    if not document.differences:
        doc.add_paragraph(NO_COMPARISON)
    for difference in document.differences:
        _docx_difference(doc, difference, document.contributions)


def _count(value: int, word: str) -> str:
    return f"{number(value)} {word}{'s' if value > 1 else ''}"


def render_docx(
    document: Document, editorial: Editorial, *, version: int, status_label: str, retired: int = 0
) -> bytes:
    """The synthesis as an editable Word document (headings, tables, quotes in italic)."""
    document = plain_document(document)
    doc = word_document(document.title, f"Synthèse, version {version} ({status_label})")
    _docx_cover(doc, document, version=version, status_label=status_label, retired=retired)
    _docx_essentials(doc, document)
    _docx_editorial(doc, editorial)

    doc.add_heading("Ce que les participants ont dit", level=1)
    doc.add_paragraph(
        "Cette partie est produite à partir des contributions : chaque citation porte le "
        "numéro de la contribution d'où elle vient."
    )
    _docx_sections(doc, document)
    if document.breakdowns:  # the detail of who took part, after what they said
        _docx_breakdowns(doc, document)
    _docx_differences(doc, document)

    docx_method(doc, METHOD)
    return docx_bytes(doc)


def _docx_essentials(doc, document: Document) -> None:
    """Right after the cover: the key figures and the main ideas."""
    doc.add_heading("L'essentiel", level=1)
    doc.add_paragraph(
        "Produit à partir des contributions, comme toute la partie « Ce que les "
        "participants ont dit »."
    )
    doc.add_heading("Chiffres clés", level=2)
    participants = document.participants
    doc.add_paragraph(
        f"Participants aux rencontres : {number(participants)}"
        if participants is not None
        else "Participants aux rencontres : nombre non relevé"
    )
    contributions = number(document.contributions)
    doc.add_paragraph(f"Contributions : {contributions}{identical_sent(document)}")
    if document.sections:
        ideas = sum(not i.hidden for s in document.sections for i in s.ideas)
        parts = _count(len(document.sections), "partie")
        grouped = _count(grouped_count(document), "contribution")
        doc.add_paragraph(f"Idées : {number(ideas)} dans {parts}, qui regroupent {grouped}")
        doc.add_paragraph(
            f"Contributions isolées (dans aucune idée) : {number(isolated_count(document))}"
        )
    _docx_findings(doc, document)


# --- JSON -------------------------------------------------------------------------------


def render_json(
    document: Document, editorial: Editorial, *, version: int, retired: int = 0
) -> bytes:
    """The version as JSON: ``{"version", "document", "editorial"}`` (UTF-8).

    ``Document.from_dict(data["document"])`` gives the document back;
    ``contributions_retirees`` counts those removed since generation.
    """
    data = {
        "format": "consult.synthese/1",
        "version": version,
        "contributions_retirees": retired,
        "document": document.to_dict(),
        "editorial": asdict(editorial),
    }
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


# --- Contributions: CSV and XLSX ---------------------------------------------------------

COLUMNS = (
    "N°",
    "Date (UTC)",
    "Rencontre",
    "Territoire",
    "Type",
    "Auteur",
    "Publics",
    "Thématiques",
    "Fiches",
    "Idées de la synthèse",
    "Soutiens",
    "Texte",
)


class ExportRow(TypedDict):
    """One contribution as the contributions export reads it (plain values, no ORM).

    ``author`` is how the author is shown publicly (author type, or "on behalf of"
    group), never a name or an e-mail; ``ideas`` are the labels of the synthesis ideas the
    contribution supports (see :func:`idea_index`), none when it is isolated. Lists are
    labels, joined with ``" ; "`` in the file.
    """

    id: int
    created_at: datetime | None
    meeting: str
    territory: str
    kind: str
    author: str
    publics: list[str]
    themes: list[str]
    fiches: list[str]
    ideas: list[str]
    supports: int
    text: str


def idea_index(document: Document) -> dict[int, list[str]]:
    """Contribution id → labels of every synthesis idea it supports, largest first.

    A contribution that says several things supports several ideas (a third to two
    thirds of the answers of a Grand Débat question): filtering the spreadsheet on one
    idea finds all of its contributions, not only those for which it came first."""
    index: dict[int, list[str]] = {}
    for section in document.sections:
        for idea in section.ideas:
            for ident in [] if idea.hidden else idea.ids:
                labels = index.setdefault(ident, [])
                if idea.label not in labels:
                    labels.append(idea.label)
    return index


def _utc(moment: datetime | None) -> datetime | None:
    """Naive UTC (spreadsheets have no time zones)."""
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def contributions_rows(rows: Iterable[ExportRow]) -> Iterator[list[Any]]:
    """Export rows as cell values in :data:`COLUMNS` order, texts neutralised.

    Numbers stay numbers and the date a naive UTC datetime; everything else is text.
    """
    for row in rows:
        yield [
            row["id"],
            _utc(row.get("created_at")),
            safe_cell(row.get("meeting")),
            safe_cell(row.get("territory")),
            safe_cell(row.get("kind")),
            safe_cell(row.get("author")),
            safe_cell(" ; ".join(row.get("publics") or ())),
            safe_cell(" ; ".join(row.get("themes") or ())),
            safe_cell(" ; ".join(row.get("fiches") or ())),
            safe_cell(" ; ".join(row.get("ideas") or ())),
            row.get("supports") or 0,
            safe_cell(row.get("text")),
        ]


def stream_csv(rows: Iterable[ExportRow], *, chunk_rows: int = 500) -> Iterator[str]:
    """The contributions as CSV (``;``, UTF-8 with BOM for Excel), yielded in chunks.

    Each chunk holds at most ``chunk_rows`` rows, so a Flask
    ``Response(stream_with_context(stream_csv(rows)))`` sends them as they are read.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(COLUMNS)
    pending = 0
    for values in contributions_rows(rows):
        if values[1] is not None:
            values[1] = values[1].strftime("%Y-%m-%d %H:%M")
        writer.writerow(values)
        pending += 1
        if pending >= chunk_rows:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    if buffer.tell():
        yield buffer.getvalue()


XLSX_WIDTHS = (8, 17, 28, 18, 14, 18, 24, 28, 28, 32, 9, 80)


def write_xlsx(rows: Iterable[ExportRow], target: str | Path | IO[bytes]) -> None:
    """Write the contributions as an Excel workbook to a path or a binary file.

    openpyxl's write-only mode writes each row out as it is appended (inline strings,
    no shared-string table), so memory stays flat however many rows come.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Contributions")
    for index, width in enumerate(XLSX_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for title in COLUMNS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for values in contributions_rows(rows):
        sheet.append(values)  # plain values: a styled cell per row would double the time
    workbook.save(target)
