"""What a synthesis is made of: the contributions it reads, and the document it produces.

The analysis (``consult.synthesis.analysis``) turns a list of :class:`Item` into a
:class:`Document`; the exports (``consult.synthesis.exports``) render a Document as a
web page, PDF, DOCX, XLSX, CSV or JSON. A Document is plain data (``to_dict`` /
``from_dict``) so that each version is stored as JSON and rendered again identically.

Every figure, idea and quote carries the ids of the contributions behind it, so that
every statement can be traced. Texts are already masked (personal data a moderator
masked never reaches an Item). Breakdown cells counting fewer than
:data:`MIN_CELL` contributions are never shown on their own.
"""

from dataclasses import asdict, dataclass, field
from datetime import datetime

MIN_CELL = 5  # fewer people than this in a breakdown cell could be recognised


@dataclass
class Item:
    """One contribution as the synthesis reads it (published text, never the raw original)."""

    id: int
    text: str
    kind: str  # constat, proposition, question, temoignage
    kind_label: str
    author_type: str  # usager, proche_aidant, professionnel, partenaire, elu, agent
    author_type_label: str
    channel_label: str
    meeting: str  # meeting title
    territory: str  # territory name, "" when unknown
    publics: list[str] = field(default_factory=list)  # public labels
    themes: list[str] = field(default_factory=list)  # "3. Accès aux droits"
    fiches: list[str] = field(default_factory=list)  # "Fiche 12 : Aller vers les publics…"
    group: str = ""  # "on behalf of" group, or the user group of an université sociale
    supports: int = 0
    weight: int = 1  # 1 + the number of duplicates merged into it (their authors count)
    created_at: datetime | None = None
    # Best stored suggestion where no tag is set yet: places it, marked "à vérifier".
    suggested_themes: list[str] = field(default_factory=list)
    suggested_fiches: list[str] = field(default_factory=list)
    flagged: bool = False  # reported by a participant or partner (a report was filed)
    campaign: bool = False  # a campaign's texts, word for word the same, merged into it


@dataclass
class Cell:
    """One bar of a breakdown: a label, how many contributions, which ones."""

    label: str
    count: int
    ids: list[int] = field(default_factory=list)
    # of ``ids``, those placed by a stored suggestion (not tagged yet): themes and fiches
    suggested: list[int] = field(default_factory=list)


@dataclass
class Breakdown:
    """Contributions by one dimension; small cells are merged into "Autres" or hidden."""

    dimension: str  # meeting, territory, author_type, public, kind, channel, theme, fiche
    title: str  # "Par territoire"
    cells: list[Cell] = field(default_factory=list)
    hidden: int = 0  # contributions in cells too small to show, even merged


@dataclass
class Quote:
    """A verbatim (masked) sentence or text, and the contribution it comes from."""

    id: int
    text: str
    weight: int = 1  # people who sent it (a campaign merged into one contribution: all)
    campaign: bool = False  # its ``weight`` people sent this very text (a campaign)
    reason: str = ""  # why it was picked (points of vigilance: the words and the kind)


@dataclass
class Idea:
    """Contributions saying the same thing: a short label, its weight and its best quotes."""

    label: str  # made of its key terms, readable: "places en crèche, horaires"
    terms: list[str]
    size: int  # contributions (weighted by merged duplicates)
    supports: int
    ids: list[int]
    quotes: list[Quote] = field(default_factory=list)  # 1 to 3, most representative first
    sub_ideas: list["Idea"] = field(default_factory=list)  # label: a title, terms beside
    hidden: bool = False  # hidden or merged away by the team (kept: positions are keys)
    curated: bool = False  # renamed, split or reshaped by the team


@dataclass
class Section:
    """What participants said about one theme or fiche (or everything, when untagged)."""

    kind: str  # theme, fiche or all
    title: str
    count: int
    ids: list[int]
    ideas: list[Idea] = field(default_factory=list)
    isolated: list[int] = field(default_factory=list)  # "contributions isolées": no idea
    proposals: list[Quote] = field(default_factory=list)
    questions: list[Quote] = field(default_factory=list)
    vigilance: list[Quote] = field(default_factory=list)
    suggested: list[int] = field(default_factory=list)  # placed by a suggestion, to check


@dataclass
class Finding:
    """One main idea on the first page: its weight, its share and who said it."""

    label: str
    section: str
    count: int  # contributions, weighted (a campaign counts its senders)
    share: float  # of all the contributions read, 0 to 1
    ids: list[int]
    authors: list[Cell] = field(default_factory=list)  # by author type, small cells merged
    authors_hidden: int = 0  # in author types too small to show, even merged
    identical: int = 0  # of ``count``, senders of one same text (campaigns merged)


@dataclass
class IdeaShare:
    """The share of one idea in two groups, and the test that compared them."""

    label: str
    count_a: int
    count_b: int
    share_a: float
    share_b: float
    test: str  # "χ²" or "exact de Fisher"
    p_value: float  # adjusted (Benjamini–Hochberg across the ideas compared)
    ids: list[int] = field(default_factory=list)


@dataclass
class TermContrast:
    """A term said much more by one group than by the other."""

    term: str
    count_a: int
    count_b: int
    ids: list[int]  # contributions of the over-representing group using the term


@dataclass
class Difference:
    """What distinguishes two groups of authors (or two territories)."""

    title: str  # "Usagers et professionnels"
    group_a: str
    group_b: str
    size_a: int
    size_b: int
    terms_a: list[TermContrast] = field(default_factory=list)  # over-represented in A
    terms_b: list[TermContrast] = field(default_factory=list)
    ideas: list[IdeaShare] = field(default_factory=list)  # shares that differ clearly
    tested: int = 0  # ideas compared
    summary: str = ""  # the result in one sentence, also when nothing differs


@dataclass
class Document:
    """The generated part of one synthesis version (the editorial part is kept apart)."""

    title: str
    template: str  # concertations, universite_sociale, groupe_de_travail, rencontre
    scope: list[tuple[str, str]]  # ("Rencontres", "Chambéry, Albertville") … human-readable
    generated_at: datetime
    participants: int | None  # from meetings' attendance, None when not recorded
    contributions: int
    breakdowns: list[Breakdown] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # the first page's main ideas
    # Contributions sent by more than one person (merged duplicates, campaigns): id → how
    # many, so that ideas and isolated ones add up to ``contributions``, which counts them.
    weights: dict[int, int] = field(default_factory=dict)
    identical: int = 0  # of ``contributions``, senders of one same text (campaigns merged)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["generated_at"] = self.generated_at.isoformat()
        data["scope"] = [list(pair) for pair in self.scope]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "Document":
        return cls(
            title=data["title"],
            template=data["template"],
            scope=[tuple(pair) for pair in data["scope"]],
            generated_at=datetime.fromisoformat(data["generated_at"]),
            participants=data["participants"],
            contributions=data["contributions"],
            breakdowns=[
                Breakdown(**{**b, "cells": [Cell(**c) for c in b["cells"]]})
                for b in data["breakdowns"]
            ],
            sections=[_section(s) for s in data["sections"]],
            differences=[_difference(d) for d in data["differences"]],
            findings=[_finding(f) for f in data.get("findings", [])],
            # JSON keys are strings; versions generated before these fields have neither
            weights={int(k): v for k, v in data.get("weights", {}).items()},
            identical=data.get("identical", 0),
        )


def _quotes(items: list[dict]) -> list[Quote]:
    return [Quote(**q) for q in items]


def _idea(data: dict) -> Idea:
    subs = [_idea(s) for s in data.get("sub_ideas", [])]
    return Idea(**{**data, "quotes": _quotes(data["quotes"]), "sub_ideas": subs})


def _section(data: dict) -> Section:
    return Section(
        **{
            **data,
            "ideas": [_idea(i) for i in data["ideas"]],
            "proposals": _quotes(data["proposals"]),
            "questions": _quotes(data["questions"]),
            "vigilance": _quotes(data["vigilance"]),
        }
    )


def _finding(data: dict) -> Finding:
    return Finding(**{**data, "authors": [Cell(**c) for c in data.get("authors", [])]})


def _difference(data: dict) -> Difference:
    return Difference(
        **{
            **data,
            "terms_a": [TermContrast(**t) for t in data["terms_a"]],
            "terms_b": [TermContrast(**t) for t in data["terms_b"]],
            "ideas": [IdeaShare(**i) for i in data.get("ideas", [])],
        }
    )


@dataclass
class Editorial:
    """The facilitator's own words, sanitised HTML, shown apart from the generated part."""

    introduction: str = ""
    analysis: str = ""
    conclusions: str = ""
