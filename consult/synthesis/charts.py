"""Accessible bar charts as inline SVG, for the synthesis web page and its PDF.

The SVG is self-contained (no script, no external reference, no CSS class that the
page must define): it renders the same in a browser and in WeasyPrint. Screen readers
get ``role="img"`` with a ``<title>`` and a ``<desc>`` that reads every figure; the
table printed beside each chart carries the same figures for everyone else.

Cells counting fewer than :data:`~consult.synthesis.document.MIN_CELL` contributions
are never drawn, even if the analysis let one through: they are added to the
"non affichées" count instead.
"""

from markupsafe import Markup, escape

from consult.core.documents import (
    AXIS_COLOUR,
    BAR_COLOUR,
    TEXT_COLOUR,
    chart_slug,
    number,
    svg_start,
)
from consult.core.sanitize import clean_line
from consult.synthesis.document import MIN_CELL, Breakdown, Cell

ROW_HEIGHT = 30
TWO_LINE_ROW_HEIGHT = 42  # rows of a chart whose labels take two lines
BAR_HEIGHT = 20
PADDING = 8
# A label line longer than this is cut (the table keeps labels whole); 38 overflowed the
# label column in the PDF for wide letters. A longer label takes two lines.
LABEL_CHARS = 34
LINE_GAP = 8  # each of two lines sits this far above or below the row's middle


def shown_cells(breakdown: Breakdown) -> tuple[list[Cell], int]:
    """The cells that may be shown, and how many contributions are left out.

    Cells under :data:`MIN_CELL` should already be merged or hidden by the analysis;
    any that slipped through is counted with :attr:`Breakdown.hidden` rather than shown.
    """
    cells = [c for c in breakdown.cells if c.count >= MIN_CELL]
    hidden = breakdown.hidden + sum(c.count for c in breakdown.cells if c.count < MIN_CELL)
    return cells, hidden


def _lines(label: str) -> list[str]:
    """The label as drawn, on one line or two: « Concertation territoriale — Aix-les-Bains
    et Grand Lac » is cut at its dash (each part tells the bars apart), a longer label
    between words; a line still too long ends with « … »."""
    if len(label) <= LABEL_CHARS:
        return [label]
    head, dash, tail = label.partition(" — ")
    if dash and head.strip() and tail.strip():
        lines = [f"{head} —", tail]
    else:
        words, first = label.split(), ""
        while words and len(f"{first} {words[0]}".strip()) <= LABEL_CHARS:
            first = f"{first} {words.pop(0)}".strip()
        lines = [first, " ".join(words)] if first else [label]
    return [_fitted(line) for line in lines if line]


def _fitted(line: str) -> str:
    """``line``, or its words that fit followed by « … » (a word is never cut)."""
    if len(line) <= LABEL_CHARS:
        return line
    head = line[:LABEL_CHARS]
    head = head.rsplit(" ", 1)[0] if " " in head.strip() else head[: LABEL_CHARS - 1]
    return head.rstrip(" ,;:—-") + "…"


def _label_svg(lines: list[str], x: int, middle: float) -> str:
    """The ``<text>`` of a bar's label, right-aligned on ``x``, centred on ``middle``."""
    common = f'text-anchor="end" dominant-baseline="middle" fill="{TEXT_COLOUR}"'
    if len(lines) == 1:
        return f'<text x="{x}" y="{middle:g}" {common}>{escape(lines[0])}</text>'
    first, second = (escape(line) for line in lines)
    line = 'dominant-baseline="middle"'  # SVG 1.1 readers don't pass it down to a tspan
    return (
        f"<text {common}>"
        f'<tspan x="{x}" y="{middle - LINE_GAP:g}" {line}>{first}</tspan>'
        f'<tspan x="{x}" y="{middle + LINE_GAP:g}" {line}>{second}</tspan></text>'
    )


def _plural(count: int, word: str) -> str:
    return f"{number(count)} {word}{'s' if count > 1 else ''}"


def _description(title: str, cells: list[Cell], hidden: int) -> str:
    parts = [f"{clean_line(c.label)} : {_plural(c.count, 'contribution')}" for c in cells]
    if not parts:
        parts.append("aucune catégorie assez grande pour être affichée")
    text = f"{title}. " + " ; ".join(parts) + "."
    if hidden:
        text += (
            f" {_plural(hidden, 'contribution')} dans des catégories de moins de "
            f"{MIN_CELL} contributions, non affichées."
        )
    return text


def bar_chart_svg(breakdown: Breakdown, *, width: int = 640, chart_id: str | None = None) -> Markup:
    """Return a horizontal bar chart of ``breakdown`` as an inline ``<svg>`` element.

    ``chart_id`` must be unique in the page (it prefixes the ids of ``<title>`` and
    ``<desc>``); it defaults to one made from the breakdown's dimension.
    """
    cells, hidden = shown_cells(breakdown)
    title = clean_line(breakdown.title) or "Répartition des contributions"
    uid = chart_slug(chart_id or f"graphique-{breakdown.dimension}")
    label_width = round(width * 0.4)
    value_width = 64
    bar_space = max(width - label_width - value_width - 2 * PADDING, 40)
    biggest = max((c.count for c in cells), default=0) or 1
    rows = max(len(cells), 1)
    labels = [_lines(clean_line(cell.label)) for cell in cells]
    row_height = TWO_LINE_ROW_HEIGHT if any(len(lines) > 1 for lines in labels) else ROW_HEIGHT
    height = 2 * PADDING + rows * row_height

    parts = svg_start(uid, title, _description(title, cells, hidden), width=width, height=height)
    axis_x = PADDING + label_width
    for index, (cell, lines) in enumerate(zip(cells, labels, strict=True)):
        top = PADDING + index * row_height
        middle = top + row_height / 2
        bar = max(round(bar_space * cell.count / biggest), 2)
        parts.append(
            f"<g>{_label_svg(lines, axis_x - 6, middle)}"
            f'<rect x="{axis_x}" y="{top + (row_height - BAR_HEIGHT) / 2:g}" '
            f'width="{bar}" height="{BAR_HEIGHT}" fill="{BAR_COLOUR}"/>'
            f'<text x="{axis_x + bar + 6}" y="{middle:g}" dominant-baseline="middle" '
            f'fill="{TEXT_COLOUR}" font-weight="bold">{number(cell.count)}</text></g>'
        )
    if not cells:
        parts.append(
            f'<text x="{PADDING}" y="{PADDING + ROW_HEIGHT / 2:g}" dominant-baseline="middle" '
            f'fill="{TEXT_COLOUR}">Aucune catégorie assez grande pour être affichée.</text>'
        )
    parts.append(
        f'<line x1="{axis_x}" y1="{PADDING}" x2="{axis_x}" y2="{height - PADDING}" '
        f'stroke="{AXIS_COLOUR}" stroke-width="1"/>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above went through escape()
