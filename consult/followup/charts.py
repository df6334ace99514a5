"""Accessible charts of the follow-up as inline SVG, for the web pages and the annual report PDF.

Like :mod:`consult.synthesis.charts`: self-contained SVG (no script, no external
reference, no CSS class the page must define), so it renders the same in a browser
and in WeasyPrint. Screen readers get ``role="img"`` with a ``<title>`` and a
``<desc>`` reading every figure (each year's value, the baseline and the target);
the table of measurements printed beside each chart carries them for everyone else.

The baseline and the target are drawn as dashed horizontal lines of different dash
patterns, each labelled in words: nothing relies on colour alone.
"""

from markupsafe import Markup, escape

from consult.core import formatting
from consult.core.documents import (
    AXIS_COLOUR,
    BAR_COLOUR,
    FONT_SIZE,
    TEXT_COLOUR,
    chart_slug,
    svg_start,
)
from consult.core.sanitize import clean_line
from consult.followup.participation import COMPUTED

# Target line: 7.6:1 on white (WCAG 1.4.11 asks 3:1 for graphical objects).
TARGET_COLOUR = "#8a2b0e"
BASELINE_COLOUR = AXIS_COLOUR  # 5.3:1
PADDING = 10
PLOT_HEIGHT = 180
YEAR_BAND = 28  # room under the bars for the year labels
VALUE_BAND = 22  # room above the tallest bar for its value
LEGEND_WIDTH = 220  # right-hand room for the baseline and target labels
MAX_BAR_WIDTH = 56


def figure(value: float | int | None, unit: str = "") -> str:
    """A measured value the French way: ``1 234,5 %`` (narrow no-break spaces)."""
    if value is None:
        return "non renseigné"
    text = formatting.number(value, decimals=2)
    unit = clean_line(unit)
    return f"{text}\u202f{unit}" if unit else text


def _empty(message: str) -> Markup:
    return Markup('<p class="chart-empty">{}</p>').format(message)


def indicator_svg(indicator, *, width: int = 640, chart_id: str | None = None) -> Markup:
    """A bar chart of the indicator's yearly values for the whole Département.

    Qualitative indicators and indicators without any numeric value get a short
    sentence instead of an empty chart.
    """
    title = clean_line(indicator.label) or "Indicateur"
    if indicator.kind == "qualitatif":
        return _empty(
            "Indicateur qualitatif : pas de graphique, les constats de chaque année "
            "sont dans le tableau des mesures."
        )
    points = sorted(
        (m.year, m.value)
        for m in indicator.measurements
        if m.territory_id is None and m.value is not None
    )
    if not points:
        return _empty("Aucune valeur mesurée pour le Département pour l'instant.")
    references = []
    if indicator.baseline is not None:
        references.append(_Reference("Référence", indicator.baseline_year, indicator.baseline))
    if indicator.target is not None:
        references.append(_Reference("Cible", indicator.target_year, indicator.target))
    return year_bars_svg(
        title,
        points,
        unit=indicator.unit or "",
        references=references,
        width=width,
        chart_id=chart_id or f"indicateur-{indicator.id}",
    )


def participation_svg(
    figures_by_year: dict, key: str, *, width: int = 640, chart_id: str | None = None
) -> Markup:
    """A bar chart of one platform-computed participation figure (``COMPUTED`` key) per year."""
    label, unit = COMPUTED[key]
    points = [
        (year, figures.value(key))
        for year, figures in sorted(figures_by_year.items())
        if figures.value(key) is not None
    ]
    if not points:
        return _empty("Pas encore de donnée pour cet indicateur.")
    return year_bars_svg(
        label, points, unit=unit, width=width, chart_id=chart_id or f"participation-{key}"
    )


class _Reference:
    """A labelled horizontal line: the baseline or the target."""

    def __init__(self, name: str, year: int | None, value: float):
        self.name, self.year, self.value = name, year, value
        self.dash = "8 4" if name == "Référence" else "3 3"
        self.colour = BASELINE_COLOUR if name == "Référence" else TARGET_COLOUR

    def label(self, unit: str) -> str:
        year = f" {self.year}" if self.year else ""
        return f"{self.name}{year} : {figure(self.value, unit)}"

    def sentence(self, unit: str) -> str:
        name = "valeur de référence" if self.name == "Référence" else "cible"
        year = f" ({self.year})" if self.year else ""
        return f"{name}{year} : {figure(self.value, unit)}"


def _description(title: str, points, unit: str, references) -> str:
    values = " ; ".join(f"{year} : {figure(value, unit)}" for year, value in points)
    text = f"{title}. Valeurs mesurées, {values}."
    if references:
        sentence = " ; ".join(ref.sentence(unit) for ref in references)
        text += f" {sentence[0].upper()}{sentence[1:]}."
    return text


def year_bars_svg(
    title: str,
    points: list[tuple[int, float]],
    *,
    unit: str = "",
    references: list[_Reference] = (),
    width: int = 640,
    chart_id: str = "graphique",
) -> Markup:
    """Vertical bars, one per year, with the value over each bar and optional reference lines."""
    uid = chart_slug(chart_id)
    title = clean_line(title)
    height = 2 * PADDING + VALUE_BAND + PLOT_HEIGHT + YEAR_BAND
    all_values = [value for _, value in points] + [ref.value for ref in references]
    low, high = min(0.0, *all_values), max(0.0, *all_values)
    if high == low:
        high = low + 1
    plot_left = PADDING
    plot_width = max(width - LEGEND_WIDTH - 2 * PADDING, 80)
    plot_top = PADDING + VALUE_BAND
    zero_y = plot_top + PLOT_HEIGHT * high / (high - low)

    def y_of(value: float) -> float:
        return plot_top + PLOT_HEIGHT * (high - value) / (high - low)

    slot = plot_width / len(points)
    bar_width = min(MAX_BAR_WIDTH, slot * 0.6)
    parts = svg_start(
        uid, title, _description(title, points, unit, references), width=width, height=height
    )
    for index, (year, value) in enumerate(points):
        centre = plot_left + slot * (index + 0.5)
        top, bottom = sorted((y_of(value), zero_y))
        bar_height = max(bottom - top, 1)
        parts.append(
            f'<g><rect x="{centre - bar_width / 2:.1f}" y="{top:.1f}" width="{bar_width:.1f}" '
            f'height="{bar_height:.1f}" fill="{BAR_COLOUR}"/>'
            f'<text x="{centre:.1f}" y="{top - 6:.1f}" text-anchor="middle" '
            f'fill="{TEXT_COLOUR}" font-weight="bold">{escape(figure(value, unit))}</text>'
            f'<text x="{centre:.1f}" y="{plot_top + PLOT_HEIGHT + 18:.1f}" '
            f'text-anchor="middle" fill="{TEXT_COLOUR}">{year}</text></g>'
        )
    parts.append(
        f'<line x1="{plot_left}" y1="{zero_y:.1f}" x2="{plot_left + plot_width:.1f}" '
        f'y2="{zero_y:.1f}" stroke="{AXIS_COLOUR}" stroke-width="1"/>'
    )
    parts.extend(_reference_lines(references, unit, y_of, plot_left, plot_width))
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above went through escape()


def _reference_lines(references, unit, y_of, left, plot_width) -> list[str]:
    parts, last_label_y = [], None
    for ref in sorted(references, key=lambda r: -r.value):
        y = y_of(ref.value)
        label_y = y + 4 if last_label_y is None else max(y + 4, last_label_y + FONT_SIZE + 3)
        last_label_y = label_y
        parts.append(
            f'<g><line x1="{left}" y1="{y:.1f}" x2="{left + plot_width:.1f}" y2="{y:.1f}" '
            f'stroke="{ref.colour}" stroke-width="2" stroke-dasharray="{ref.dash}"/>'
            f'<text x="{left + plot_width + 6:.1f}" y="{label_y:.1f}" '
            f'fill="{ref.colour}">{escape(ref.label(unit))}</text></g>'
        )
    return parts


# --- The same indicator, territory by territory -----------------------------------------

ROW_HEIGHT = 28
LABEL_WIDTH = 230
VALUE_WIDTH = 90


def territory_year(indicator) -> int | None:
    """The latest year measured in at least two territories (None: nothing to compare)."""
    counts: dict[int, int] = {}
    for m in indicator.measurements:
        if m.territory_id is not None and m.value is not None:
            counts[m.year] = counts.get(m.year, 0) + 1
    years = [year for year, count in counts.items() if count >= 2]
    return max(years) if years else None


def territory_svg(indicator, year: int, *, width: int = 640) -> Markup:
    """Horizontal bars: the indicator's value in each territory for ``year``."""
    rows = sorted(
        (m.territory.name, m.value)
        for m in indicator.measurements
        if m.year == year and m.territory_id is not None and m.value is not None
    )
    uid = chart_slug(f"indicateur-{indicator.id}-territoires")
    title = clean_line(f"{indicator.label} — {year}, par territoire")
    values = " ; ".join(f"{name} : {figure(value, indicator.unit)}" for name, value in rows)
    height = 2 * PADDING + ROW_HEIGHT * len(rows)
    high = max([value for _, value in rows] + [0.0]) or 1.0
    room = width - LABEL_WIDTH - VALUE_WIDTH - 2 * PADDING
    parts = svg_start(uid, title, f"{title}. {values}.", width=width, height=height)
    for index, (name, value) in enumerate(rows):
        y = PADDING + ROW_HEIGHT * index
        length = max(room * max(value, 0.0) / high, 1)
        label = name if len(name) <= 30 else name[:29] + "…"
        parts.append(
            f'<g><text x="{PADDING}" y="{y + 18}" fill="{TEXT_COLOUR}">{escape(label)}</text>'
            f'<rect x="{PADDING + LABEL_WIDTH}" y="{y + 5}" width="{length:.1f}" height="18" '
            f'fill="{BAR_COLOUR}"/>'
            f'<text x="{PADDING + LABEL_WIDTH + length + 6:.1f}" y="{y + 18}" '
            f'fill="{TEXT_COLOUR}" font-weight="bold">{escape(figure(value, indicator.unit))}'
            "</text></g>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above went through escape()
