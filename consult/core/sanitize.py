"""The one place that sanitises user input (the only module that imports bleach).

bleach is deprecated upstream (2023): keeping it behind this module means a
swap to nh3 touches one file.
"""

import html
import re
import threading
import unicodedata

import bleach

PROFILES: dict[str, dict] = {
    # Editorial rich text (syntheses, meeting minutes): structure and links only.
    "rich": {
        "tags": {
            "p",
            "br",
            "strong",
            "em",
            "ul",
            "ol",
            "li",
            "a",
            "h2",
            "h3",
            "h4",
            "blockquote",
        },
        "attributes": {"a": ["href", "title"]},
        "protocols": {"http", "https", "mailto"},
    },
}

# C0/C1 controls except tab and newline, and the bidirectional overrides and
# isolates that can make text read differently from what it is (CVE-2021-42574).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"[ \t]+")
# Every HTML element name (current and obsolete), and SVG's and MathML's:
# only these make ``<name`` markup. Anything else in angle brackets (« Il faut
# <plus> de places ») is the participant's words, kept as text.
_ELEMENT_NAMES = """
a abbr acronym address applet area article aside audio b base basefont bdi bdo
bgsound big blink blockquote body br button canvas caption center cite code col
colgroup command content data datalist dd del details dfn dialog dir div dl dt
element em embed fieldset figcaption figure font footer form frame frameset h1 h2
h3 h4 h5 h6 head header hgroup hr html i iframe image img input ins isindex kbd
keygen label layer legend li link listing main map mark marquee math menu menuitem
meta meter multicol nav nextid nobr noembed noframes noscript object ol optgroup
option output p param picture plaintext portal pre progress q rb rp rt rtc ruby s
samp script search section select shadow slot small source spacer span strike
strong style sub summary sup svg table tbody td template textarea tfoot th thead
time title tr track tt u ul var video wbr xml xmp
animate animatemotion animatetransform circle clippath defs desc ellipse filter
foreignobject g line lineargradient marker mask metadata mpath path pattern polygon
polyline radialgradient rect set stop switch symbol text tspan use view
annotation annotation-xml maction menclose merror mfenced mfrac mi mmultiscripts mn
mo mover mpadded mphantom mroot mrow ms mspace msqrt mstyle msub msubsup msup mtable
mglyph malignmark mtd mtext mtr munder munderover semantics
"""
HTML_ELEMENTS = frozenset(_ELEMENT_NAMES.split())
_ELEMENT = "|".join(sorted(HTML_ELEMENTS, key=len, reverse=True))
# ``<`` that opens markup: an element's start or end tag, a comment, a declaration.
_OPENS_MARKUP = rf"/?(?:{_ELEMENT})(?:[\s/>]|$)|[!?]"
_TAG_START = re.compile(rf"<(?={_OPENS_MARKUP})", re.IGNORECASE)
_NOT_MARKUP = re.compile(rf"<(?!{_OPENS_MARKUP})", re.IGNORECASE)
_BLANK_LINES = re.compile(r"\n{3,}")


_cleaners = threading.local()  # bleach's Cleaner keeps parser state: one per thread


def _strip_markup(text: str) -> str:
    """bleach with no tag allowed, its entities decoded back (a Cleaner built once per thread)."""
    cleaner = getattr(_cleaners, "plain", None)
    if cleaner is None:
        cleaner = _cleaners.plain = bleach.Cleaner(tags=set(), attributes={}, strip=True)
    return html.unescape(cleaner.clean(text))


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub("", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def clean_text(text: str | None) -> str:
    """Return plain text: no markup, no control characters, tidy whitespace.

    HTML tags are removed (``<script>x</script>`` keeps only ``x``); words in
    angle brackets that are no HTML element (``<plus>``) are kept; entities are
    decoded back so that ``a < b`` stays ``a < b``: the text is stored plain
    and escaped by Jinja (or the export writer) wherever it is shown.
    """
    if not text:
        return ""
    text = _CONTROL.sub("", text)
    if "<" not in text and "&" not in text:
        return _normalise(text)  # no markup and no entity: bleach would give it back as is
    # Repeat until stable: "<<script>script>" hides a tag behind another one.
    for _ in range(5):
        # A "<" that opens no HTML element is escaped, so bleach keeps it as text.
        kept = _NOT_MARKUP.sub("&lt;", text)
        stripped = _strip_markup(kept)
        if stripped == text:
            break
        text = stripped
    # What bleach left of an unclosed tag ("<img src=x onerror=…") must never read as one.
    text = _TAG_START.sub("< ", text)
    return _normalise(text)


def clean_line(text: str | None) -> str:
    """Return a single line of plain text (names, titles): newlines become spaces."""
    return " ".join(clean_text(text).split())


def clean_html(text: str | None, profile: str = "rich") -> str:
    """Return HTML reduced to the allow-list of ``profile``; safe to render as is."""
    if not text:
        return ""
    rules = PROFILES[profile]
    cleaned = bleach.clean(
        _CONTROL.sub("", text),
        tags=rules["tags"],
        attributes=rules["attributes"],
        protocols=rules["protocols"],
        strip=True,
    )
    return cleaned.strip()


# --- Output to spreadsheets ---------------------------------------------------------------

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Characters an XLSX (XML) cell cannot hold: C0 controls but tab, newline and CR.
_CELL_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def safe_cell(value) -> str:
    """Text for a CSV or XLSX cell: never read as a formula, no illegal characters.

    A cell starting with ``= + - @``, a tab or a carriage return gets a leading
    apostrophe (OWASP "CSV injection"). Every export of the platform uses it.
    """
    text = _CELL_ILLEGAL.sub("", "" if value is None else str(value))
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text
