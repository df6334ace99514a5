"""The one place that sanitises user input (the only module that imports bleach).

bleach is deprecated upstream (2023): keeping it behind this module means a
swap to nh3 touches one file.
"""

import html
import re
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
_TAG_START = re.compile(r"<(?=[A-Za-z!/?])")
_BLANK_LINES = re.compile(r"\n{3,}")


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub("", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def clean_text(text: str | None) -> str:
    """Return plain text: no markup, no control characters, tidy whitespace.

    Tags are removed (``<script>x</script>`` keeps only ``x``); entities are
    decoded back so that ``a < b`` stays ``a < b``: the text is stored plain
    and escaped by Jinja (or the export writer) wherever it is shown.
    """
    if not text:
        return ""
    text = _CONTROL.sub("", text)
    # Repeat until stable: "<<script>script>" hides a tag behind another one.
    for _ in range(5):
        stripped = html.unescape(bleach.clean(text, tags=set(), attributes={}, strip=True))
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
