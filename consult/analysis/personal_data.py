"""Find and mask personal data in a contribution: names, phones, e-mails, addresses.

Detection proposes, a moderator decides: every hit carries its kind and span
so the interface can show it highlighted and offer to mask it.
"""

import re
from dataclasses import dataclass

from consult.analysis.wordlists import load_words

KIND_LABELS = {
    "email": "e-mail",
    "phone": "téléphone",
    "address": "adresse",
    "name": "nom",
}
MASKS = {
    "email": "[e-mail masqué]",
    "phone": "[téléphone masqué]",
    "address": "[adresse masquée]",
    "name": "[nom masqué]",
}

_UPPER = "A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸ"
_WORD = rf"[{_UPPER}][a-zàâäçéèêëîïôöùûüÿ'’\-]+"
_NAME = rf"{_WORD}(?:[ \-]{_WORD}){{0,2}}"
_STREET_TYPES = (
    "rue|avenue|av\\.|boulevard|bd|allée|allee|chemin|route|impasse|place|quai|cours|"
    "square|résidence|residence|lotissement|hameau|montée|montee|voie|passage|faubourg|"
    "lieu-dit|chez"
)

EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+", re.UNICODE)
PHONE = re.compile(r"(?<!\d)(?:\+33[\s.\-]?|0033[\s.\-]?|0)[1-9](?:[\s.\-]?\d{2}){4}(?!\d)")
ADDRESS = re.compile(
    rf"\b\d{{1,4}}(?:\s?(?:bis|ter))?,?\s+(?:{_STREET_TYPES})\b"
    rf"(?:\s+(?:de la|de l'|du|des|de|d'|la|le|les|l')?\s*{_WORD}){{1,4}}",
    re.IGNORECASE,
)
# Civilities and introductions that announce a person's name. "Je suis" and
# "Contact :" need two capitalised words ("Je suis Bénéficiaire du RSA" is no name).
CIVILITY = re.compile(
    rf"\b(?:Mme|Mlle|Madame|Mademoiselle|Monsieur|M\.|Mr|Docteur|Dr)\s+(?P<name>{_NAME})"
)
INTRODUCTION = re.compile(
    rf"\b(?:[Jj]e m['’]appelle|[Mm]oi c'est|[Mm]on nom est|[Ss]igné\s*:?)\s+(?P<name>{_NAME})"
)
SELF_DESCRIPTION = re.compile(rf"\b(?:[Jj]e suis|[Cc]ontact\s*:)\s+(?P<name>{_WORD}[ \-]{_WORD})")
FIRST_NAMES = load_words("first_names")
FIRST_NAME_THEN_SURNAME = re.compile(rf"\b(?P<first>{_WORD})\s+(?P<last>[{_UPPER}][\w'’\-]+)\b")


@dataclass(frozen=True)
class Finding:
    """One piece of personal data found in a text."""

    kind: str
    start: int
    end: int
    text: str

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]


def _matches(pattern, text, kind, group=0):
    return [
        Finding(kind, m.start(group), m.end(group), m.group(group)) for m in pattern.finditer(text)
    ]


def _first_name_pairs(text: str) -> list[Finding]:
    found = []
    for match in FIRST_NAME_THEN_SURNAME.finditer(text):
        if match.group("first").lower() in FIRST_NAMES and not match.group("last").isupper():
            found.append(Finding("name", match.start(), match.end(), match.group(0)))
    return found


def find_personal_data(text: str) -> list[Finding]:
    """Every personal-data span in ``text``, in order, overlaps resolved (longest wins)."""
    candidates = (
        _matches(EMAIL, text, "email")
        + _matches(PHONE, text, "phone")
        + _matches(ADDRESS, text, "address")
        + _matches(CIVILITY, text, "name", "name")
        + _matches(INTRODUCTION, text, "name", "name")
        + _matches(SELF_DESCRIPTION, text, "name", "name")
        + _first_name_pairs(text)
    )
    candidates.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[Finding] = []
    for finding in candidates:
        if kept and finding.start < kept[-1].end:
            continue
        kept.append(finding)
    return kept


def mask_personal_data(text: str, findings: list[Finding] | None = None) -> str:
    """Replace each finding with a readable mask (« [téléphone masqué] »)."""
    findings = find_personal_data(text) if findings is None else findings
    for finding in sorted(findings, key=lambda f: f.start, reverse=True):
        text = text[: finding.start] + MASKS[finding.kind] + text[finding.end :]
    return text
