"""French formatting, written once: dates in French local time, numbers and shares (Babel).

The platform stores UTC; people read Europe/Paris time. ``init_app`` makes these Jinja
filters: ``date_fr`` (05/12/2026), ``date_heure`` (05/12/2026 à 19:30), ``heure_locale``
(any strftime pattern), ``date_longue`` (1er mars 2025 à 14 h 05), ``nombre`` (12 345) and
``pluriel`` (« 3 contribution{{ 3|pluriel }} » : the ending of a word agreeing with a count).
"""

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.numbers import format_decimal
from markupsafe import Markup, escape

LOCAL_ZONE = ZoneInfo("Europe/Paris")
LOCALE = "fr_FR"


def local_time(moment: datetime | None) -> datetime | None:
    """``moment`` in French local time (Europe/Paris); naive values are taken as UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LOCAL_ZONE)


def local_time_text(moment: datetime | None, pattern: str = "%d/%m/%Y à %H:%M") -> str:
    """``05/12/2026 à 19:30`` in French local time ("" for no moment)."""
    local = local_time(moment)
    return "" if local is None else local.strftime(pattern)


def short_date(value: date | datetime | None) -> str:
    """``05/12/2026``: a date as is, a stored moment by its French local day."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local_time(value)
    return value.strftime("%d/%m/%Y")


def long_date(moment: date | datetime | None) -> str:
    """``1er mars 2025 à 14 h 05`` (the time only when there is one), French local time."""
    if moment is None:
        return ""
    if isinstance(moment, datetime) and moment.tzinfo is not None:
        moment = local_time(moment)
    day = "1er" if moment.day == 1 else str(moment.day)
    text = f"{day} {format_date(moment, 'MMMM y', locale=LOCALE)}"
    if isinstance(moment, datetime) and (moment.hour or moment.minute):
        text += f" à {moment.hour} h {moment.minute:02d}"
    return text


def number(value: float | None, decimals: int = 0) -> str:
    """``12 345`` or ``1 234,5``: narrow no-break spaces between thousands, a decimal comma,
    at most ``decimals`` decimals (none shown when they are zeros)."""
    if value is None:
        return ""
    pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=LOCALE)


def percent(count: int, total: int) -> str:
    """``12 %`` (one decimal under 10 %), ``—`` when there is no total."""
    if not total:
        return "—"
    value = 100 * count / total
    pattern = "#,##0" if value >= 10 or value == 0 else "#,##0.0"
    return f"{format_decimal(value, format=pattern, locale=LOCALE)}\u202f%"


# French typography: no line may start with « : ; ! ? » or end with « (a space before
# them, or after «, is a no-break one: a normal space for the colon and inside quotes,
# a narrow one before ; ! ?). Only a space already there is changed (« http:// » stays).
_BEFORE_WIDE = re.compile(r"[ \t]+(?=[:»])")
_BEFORE_NARROW = re.compile(r"[ \t]+(?=[;!?])")
_AFTER_OPENING = re.compile(r"(?<=«)[ \t]+")
# Text between tags, outside <style> and <script> (a CSS selector « a :hover » stays).
_HTML_TEXT = re.compile(r"(<(style|script)\b.*?</\2\s*>)|(?<=>)([^<]+)", re.S | re.I)


def french_spacing(text: str) -> str:
    """``text`` with no-break spaces where French typography wants them."""
    text = _BEFORE_WIDE.sub("\u00a0", text)
    text = _BEFORE_NARROW.sub("\u202f", text)
    return _AFTER_OPENING.sub("\u00a0", text)


def french_spacing_html(html: str) -> str:
    """:func:`french_spacing` of the text of ``html`` (tags, styles and scripts as they are)."""
    return _HTML_TEXT.sub(lambda m: m.group(1) if m.group(1) else french_spacing(m.group(3)), html)


def french_spacing_markup(html: str) -> Markup:
    """Template filter ``typographie``: ``{% filter typographie %}…{% endfilter %}`` gives a
    block of rendered HTML the no-break spaces of :func:`french_spacing_html`."""
    safe = escape(html)  # a rendered block is Markup already; any other text is escaped
    return Markup(french_spacing_html(safe))  # noqa: S704 - only spaces of safe HTML change


def plural_ending(count, ending: str = "s") -> str:
    """Template filter ``pluriel``: ``ending`` when ``count`` (a number, or what has a
    length) takes the plural in French — 2 and more; 0 and 1 take the singular."""
    if not isinstance(count, int | float):
        count = len(count)
    return ending if count >= 2 else ""


def init_app(app) -> None:
    app.add_template_filter(french_spacing_markup, "typographie")
    app.add_template_filter(short_date, "date_fr")
    app.add_template_filter(local_time_text, "date_heure")
    app.add_template_filter(local_time_text, "heure_locale")
    app.add_template_filter(long_date, "date_longue")
    app.add_template_filter(number, "nombre")
    app.add_template_filter(plural_ending, "pluriel")
