"""Turn the contributions of a synthesis into its generated part (a :class:`Document`).

Pure computation: no database, no Flask, same input → same document (items are read in
id order, every random choice is seeded, every tie is broken by id).

- **Figures**: contributions by meeting, territory, author type, public, kind, channel,
  theme and fiche, each counted with its weight (merged duplicates count). A cell of fewer
  than :data:`MIN_CELL` contributions is never shown alone: small cells are merged into
  "Autres" when that reaches :data:`MIN_CELL`, else only their total is given (``hidden``).
- **Sections** (one per theme, per fiche, or one for everything): the *ideas*
  (:func:`consult.analysis.ideas.find_ideas`: groups of statements saying the same thing,
  titled by one of them, with key terms, sub-ideas and their most representative quotes),
  the *isolated contributions* (in no idea: listed, never counted as an idea), then
  proposals, questions and points of vigilance. The words of the question (``question``)
  and of the section's title never make an idea's title.
- **Differences**: the terms service users use much more than professionals (and the
  reverse), and the same between the two largest territories: chi² of each term's
  2 × 2 table (contributions using it or not, in each group), Benjamini–Hochberg at 5 %,
  only for terms used by at least :data:`MIN_CELL` contributions of the group.

The text analytics are the library's (:mod:`consult.analysis`): vectors
(:mod:`~consult.analysis.vectors`), ideas (:mod:`~consult.analysis.ideas`), phrases
(:mod:`~consult.analysis.phrases`) and tests (:mod:`~consult.analysis.statistics`); this
module builds the document from them.

Speed: the corpus is counted once for the differences (which texts use each term and
bigram of :func:`consult.analysis.text.terms`, each distinct whitespace-separated chunk of
text analysed once); each section's ideas are found on its distinct texts.
"""

import gc
import re
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from itertools import chain
from operator import attrgetter, itemgetter, not_

import numpy as np
from scipy import sparse
from sklearn import config_context

from consult.analysis import statistics
from consult.analysis.ideas import FoundIdea, find_ideas
from consult.analysis.phrases import Phrases
from consult.analysis.similarity import is_empty_answer
from consult.analysis.statements import Read, Vocabulary
from consult.analysis.statistics import FALSE_DISCOVERY
from consult.analysis.text import strip_accents
from consult.analysis.vectors import Numbering, Terms, count_matrix, keep_columns
from consult.synthesis.document import (
    MIN_CELL,
    Breakdown,
    Cell,
    Difference,
    Document,
    Finding,
    Idea,
    IdeaShare,
    Item,
    Quote,
    Section,
    TermContrast,
)

OTHERS = f"Autres (moins de {MIN_CELL} chacun)"
UNKNOWN = "Non renseigné"
OTHER_IDEAS = "Autres idées"  # no longer made: what joins no idea is ``Section.isolated``
ISOLATED = "Contributions isolées"
MIN_DF_ROWS = 2_000  # from this many texts, terms found in a single one are ignored
QUOTE_CHARS = 400
MAX_QUOTES = 3  # per idea
MAX_PICKS = 8  # proposals, questions, points of vigilance per section
MAX_CONTRASTS = 8  # terms per side of a difference
MAX_FINDINGS = 6  # main ideas on the first page

# Points of vigilance, explainable: an alarm word is enough; a negative expression
# needs a report on the contribution or a kind that describes a situation (a testimony,
# an observation), so that a proposal saying "il ne faut pas…" is not one.
# Unaccented, lower case, matched on whole words.
ALARM_WORDS = (
    "attention",
    "alerte",
    "alerter",
    "vigilance",
    "vigilant",
    "vigilants",
    "risque",
    "risques",
    "danger",
    "dangers",
    "dangereux",
    "inquiet",
    "inquiete",
    "inquietes",
    "inquiete",
    "inquietude",
    "inquietudes",
    "crainte",
    "craintes",
    "craindre",
    "maltraitance",
    "detresse",
    "urgence",
)
NEGATIVE_WORDS = (
    "ne pas",
    "ne faut pas",
    "eviter",
    "evitons",
    "manque de",
    "manque d",
    "manquent",
    "impossible",
    "insuffisant",
    "insuffisante",
    "insuffisants",
    "abandonne",
    "abandonnes",
    "isole",
    "isoles",
    "isolee",
    "isolees",
    "trop long",
    "trop longs",
    "trop longues",
    "personne ne",
    "aucun",
    "aucune",
    "plus rien",
    "epuisement",
    "epuise",
    "epuises",
)
SITUATION_KINDS = {"temoignage": "un témoignage", "constat": "un constat"}
# A wait or a want that lasts (« depuis trois ans », « six mois d'attente », « toujours
# pas de réponse »): in a testimony or an observation, a need left unmet.
_DURATION = (
    r"(?:\d+|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|douze|quinze|"
    r"plusieurs|des|quelques)\s+(?:jours|semaines|mois|ans|annees)"
)
_LASTING = re.compile(rf"\b{_DURATION}\s+d\s*attente\b|\btoujours\s+(?:pas|sans|rien)\b")
# « depuis trois ans » says how long only: a wait when its sentence waits or lacks
# (« on attend une place depuis trois ans »), not in « famille d'accueil depuis 12 ans ».
_SINCE = re.compile(rf"\bdepuis\s+(?:plus\s+de\s+|pres\s+de\s+)?{_DURATION}\b")
_WAITING = re.compile(
    r"\b(?:attend\w*|attente|toujours|pas|plus|sans|aucune?|rien|jamais|personne)\b"
)


def _words_pattern(words) -> re.Pattern:
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b")


# « d'urgence » names a service (hébergement, garde, numéro d'urgence), not an alarm.
_ALARM = re.compile(
    r"\b(?:"
    + "|".join(r"(?<!\bd )urgence" if w == "urgence" else re.escape(w) for w in ALARM_WORDS)
    + r")\b"
)
_NEGATIVE = _words_pattern(NEGATIVE_WORDS)


def _parts(words) -> tuple[str, ...]:
    """The ``words`` that hold none of the others: a text holding none of these holds none
    of ``words``, and skips the regular expression (most texts)."""
    return tuple(dict.fromkeys(w for w in words if not any(o != w and o in w for o in words)))


_ALARM_PARTS, _NEGATIVE_PARTS = _parts(ALARM_WORDS), _parts(NEGATIVE_WORDS)
# An alarm word denied a word or two after a negation (« jamais dans l'urgence », « pas de
# danger », « sans risque ») is no alarm; a comma ends the reach of the negation.
_NEGATED_ALARM = re.compile(
    r"\b(?:jamais|pas|sans|aucun|aucune|nul|nulle)(?:\s+\w+){0,2}?\s+" + _ALARM.pattern
)

USERS = ("usager", "proche_aidant")
PROFESSIONALS = ("professionnel", "partenaire", "agent")

# dimension, title, the Item attribute, and whether it holds a list of values
DIMENSIONS = (
    ("meeting", "Par rencontre", "meeting", False),
    ("territory", "Par territoire", "territory", False),
    ("author_type", "Par type d'auteur", "author_type_label", False),
    ("public", "Par public", "publics", True),
    ("kind", "Par nature de contribution", "kind_label", False),
    ("channel", "Par canal", "channel_label", False),
    ("theme", "Par thématique", "themes", True),
    ("fiche", "Par fiche action", "fiches", True),
)
MISSING = {
    "public": "Sans public précisé",
    "theme": "Sans thématique",
    "fiche": "Sans fiche action",
}
SECTION_KINDS = {"theme": ("themes", MISSING["theme"]), "fiche": ("fiches", MISSING["fiche"])}
# The last section's title: contributions with neither a tag nor a stored suggestion.
UNPLACED = {"theme": MISSING["theme"], "fiche": MISSING["fiche"]}

_PUNCTUATION = ".,;:!?()[]{}«»\"'’…*/–—-_<>"
_SENTENCE_END = re.compile(r"[.!?…](?=\s)")


def build_document(
    items: list[Item],
    *,
    title: str,
    template: str,
    scope: list[tuple[str, str]],
    participants: int | None,
    now: datetime,
    group_by: str = "theme",
    question: str = "",
) -> Document:
    """The generated part of a synthesis of ``items`` (see the module's docstring).

    ``group_by`` is "theme", "fiche" or "all" (one section for everything).
    """
    # scikit-learn checks the arguments of each call (a few ms each, hundreds of calls):
    # the calls below are the library's own, with arguments it built itself
    with config_context(skip_parameter_validation=True), _no_cycle_collection():
        return _build(items, title, template, scope, participants, now, group_by, question)


@contextmanager
def _no_cycle_collection():
    """Python's cycle collector paused while the document is built: each of its passes
    walks the young lists, and the analysis makes lists of millions of words (a tenth of
    the processor time at 30,000 answers). The analysis makes no reference cycles worth
    collecting: what it drops is freed at once, as ever, by reference counting."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _build(items, title, template, scope, participants, now, group_by, question) -> Document:
    corpus = _Corpus(items)
    sections = _sections(corpus, group_by, question)
    return Document(
        title=title,
        template=template,
        scope=list(scope),
        generated_at=now,
        participants=participants,
        contributions=int(corpus.weights.sum()),
        breakdowns=[b for b in (_breakdown(corpus, *d) for d in DIMENSIONS) if b],
        sections=sections,
        differences=_differences(corpus, sections),
        findings=_findings(corpus, sections),
        weights={item.id: item.weight for item in corpus.items if item.weight > 1},
        identical=sum(max(item.weight, 1) for item in corpus.items if item.campaign),
    )


# ---------------------------------------------------------------- corpus


class _Corpus:
    """The items (sorted by id), their vectors and the per-item arrays the analysis reads."""

    def __init__(self, items: list[Item]):
        self.items = sorted(items, key=lambda item: item.id)
        self.ids = [item.id for item in self.items]
        self.id_array = np.asarray(self.ids, np.int64)  # the same ids, picked by rows at once
        self.texts = [item.text or "" for item in self.items]
        n = len(self.items)
        # by maps over the items (no generator): weights of at least 1
        weights = np.fromiter(map(attrgetter("weight"), self.items), np.int64, n)
        self.weights = np.maximum(weights, 1)
        self.supports = np.fromiter(map(attrgetter("supports"), self.items), np.int64, n)
        self.kinds = np.array(list(map(attrgetter("kind"), self.items)), dtype=object)
        self.flagged = np.fromiter(map(attrgetter("flagged"), self.items), bool, n)
        self.row_of = dict(zip(self.ids, range(n), strict=True))
        # only a short text may be an empty answer (« rien », « ras », « je ne sais pas »)
        self.empty = np.zeros(n, bool)
        short = np.fromiter(map(len, self.texts), np.int64, n) < 40
        for row in np.flatnonzero(short).tolist():
            self.empty[row] = is_empty_answer(self.texts[row])
        self.duplicate_keys: list[str] | None = None  # see _distinct
        self.kind_rows: dict[str, list[bool]] = {}  # see of_kind
        self.vocabulary = Terms(keep_reading=True)
        min_df = 1 if n < MIN_DF_ROWS else 2
        counts, first, second, self.n_words = count_matrix(self.texts, self.vocabulary, min_df)
        # shared by the sections' ideas; the words already read are not read again
        terms = self.vocabulary
        self.statement_vocabulary = Vocabulary.of_chunks(
            terms.chunks, terms.offsets, terms.flat, terms.names, terms.chunk_keys
        )
        # each text's chunks, so that the statements do not split the texts again
        read = np.concatenate(terms.read) if terms.read else np.zeros(0, np.int32)
        self.read = Read(read, self.n_words)
        terms.read = None
        keep = np.bincount(counts.indices, minlength=counts.shape[1]) >= min_df
        if not keep.all():
            counts, first, second = keep_columns(counts, keep), first[keep], second[keep]
        self.first, self.second = first, second
        # the differences only ask who uses a term: presence, no TF-IDF weights
        data = np.ones(len(counts.data), np.float32)
        self.presence = sparse.csr_matrix((data, counts.indices, counts.indptr), counts.shape)
        self.has_terms = np.diff(counts.indptr) > 0
        self.placed: dict[tuple, tuple] = {}  # see _placed

    def of_kind(self, kind: str) -> list[bool]:
        """Whether each row is of ``kind``, read once per synthesis (each section picks)."""
        if kind not in self.kind_rows:
            self.kind_rows[kind] = (self.kinds == kind).tolist()
        return self.kind_rows[kind]

    def id_list(self, rows) -> list[int]:
        return self.id_array[np.sort(np.asarray(rows, dtype=np.int64))].tolist()

    def feature_terms(self, feature: int) -> tuple[int, ...]:
        second = int(self.second[feature])
        return (int(self.first[feature]),) if second < 0 else (int(self.first[feature]), second)

    def phrases(self, rows) -> Phrases:
        return Phrases(self.texts, self.vocabulary, self.feature_terms, rows)


# ---------------------------------------------------------------- figures


def _breakdown(corpus: _Corpus, dimension: str, title: str, attribute: str, many: bool):
    missing = MISSING.get(dimension, UNKNOWN)
    by_guess = None
    if dimension in SECTION_KINDS:  # counted as the sections place them
        labels, rows_of, by_guess = _placed(corpus, attribute, many, missing)
    else:
        labels, rows_of = _values(corpus.items, attribute, many, missing)
    if labels in ([], [missing]):
        return None
    return Breakdown(dimension, title, *_cells(corpus, labels, rows_of, by_guess))


def _cells(corpus: _Corpus, labels: list[str], rows_of, by_guess=None) -> tuple[list[Cell], int]:
    """One cell per label with its weighted count; small cells merged or hidden.

    ``by_guess`` marks the rows placed by a stored suggestion rather than a tag (none:
    every row counted by its own value)."""
    cells, small = [], []
    for label, cell_rows in zip(labels, rows_of, strict=True):
        count = int(corpus.weights[cell_rows].sum())
        if count >= MIN_CELL:
            cells.append(_cell(corpus, label, count, cell_rows, by_guess))
        else:
            small.append(cell_rows)
    cells.sort(key=lambda c: (-c.count, _natural(c.label)))
    hidden = 0
    if small:
        merged = np.unique(np.concatenate(small))
        count = int(corpus.weights[merged].sum())
        if count >= MIN_CELL:
            cells.append(_cell(corpus, OTHERS, count, merged, by_guess))
        else:
            hidden = count
    return cells, hidden


def _cell(corpus: _Corpus, label: str, count: int, rows: np.ndarray, by_guess) -> Cell:
    suggested = [] if by_guess is None else corpus.id_list(rows[by_guess[rows]])
    return Cell(label, count, corpus.id_list(rows), suggested)


def _values(items: list[Item], attribute: str, many: bool, missing: str):
    """The distinct values of ``attribute`` (``missing`` for none) and the rows of each."""
    return _grouped(list(map(attrgetter(attribute), items)), many, missing)


def _grouped(found: list, many: bool, missing: str):
    """The distinct values of ``found`` (one per row; ``missing`` for none) and their rows."""
    if many:
        lengths = np.fromiter(map(len, found), np.int64, len(found))
        rows = np.repeat(np.arange(len(found)), lengths)
        found = list(chain.from_iterable(found))
        unlabelled = np.flatnonzero(lengths == 0)
        rows = np.concatenate([rows, unlabelled])
        found += [missing] * len(unlabelled)
    else:
        rows = np.arange(len(found))
    if "" in found:  # an empty value is a missing one
        found = [value or missing for value in found]
    codes = {value: n for n, value in enumerate(dict.fromkeys(found))}
    labels = np.fromiter(map(codes.__getitem__, found), np.int64, len(found))
    rows_of = _group_rows(rows, labels, len(codes))
    return list(codes), rows_of


def _group_rows(rows: np.ndarray, labels: np.ndarray, n_labels: int) -> list[np.ndarray]:
    """The distinct rows of each label, in label order."""
    order = np.lexsort((rows, labels))
    rows, labels = rows[order], labels[order]
    distinct = np.ones(len(rows), bool)
    distinct[1:] = (rows[1:] != rows[:-1]) | (labels[1:] != labels[:-1])
    rows, labels = rows[distinct], labels[distinct]
    bounds = np.searchsorted(labels, np.arange(n_labels + 1))
    return [rows[bounds[i] : bounds[i + 1]] for i in range(n_labels)]


def _natural(label: str) -> tuple:
    """Sort key putting "2. …" before "10. …"."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part.lower())
        for part in re.split(r"(\d+)", label)
        if part
    )


# ---------------------------------------------------------------- sections


def _sections(corpus: _Corpus, group_by: str, question: str) -> list[Section]:
    if not corpus.items:
        return []
    if group_by not in SECTION_KINDS:
        rows = np.arange(len(corpus.items))
        return [_section(corpus, "all", "Toutes les contributions", rows, question)]
    attribute, _ = SECTION_KINDS[group_by]
    labels, rows_of, by_guess = _placed(corpus, attribute, True, UNPLACED[group_by])
    by_label = dict(zip(labels, rows_of, strict=True))
    titles = sorted((k for k in labels if k != UNPLACED[group_by]), key=_natural)
    titles += [UNPLACED[group_by]] if UNPLACED[group_by] in by_label else []
    sections = []
    for title in titles:
        rows = by_label[title]
        # a section's own title is its question: its words make no idea title
        section = _section(corpus, group_by, title, rows, f"{question} {title}")
        section.suggested = corpus.id_list(rows[by_guess[rows]])
        sections.append(section)
    return sections


def _placed(corpus: _Corpus, attribute: str, many: bool, missing: str):
    """The labels of the items by ``attribute`` (:func:`_placement`, :func:`_grouped`), the
    rows of each, and which rows a suggestion placed: read once per synthesis, for the
    sections and for their breakdown."""
    key = (attribute, many, missing)
    if key not in corpus.placed:
        placed, by_guess = _placement(corpus, attribute)
        corpus.placed[key] = (*_grouped(placed, many, missing), by_guess)
    return corpus.placed[key]


def _placement(corpus: _Corpus, attribute: str) -> tuple[list[list[str]], np.ndarray]:
    """Each item's sections by ``attribute`` ("themes" or "fiches"): its tags, or else its
    best stored suggestion; and which rows were placed by that suggestion."""
    n = len(corpus.items)
    tagged = list(map(attrgetter(attribute), corpus.items))
    guesses = map(attrgetter(f"suggested_{attribute}"), corpus.items)
    suggested = list(map(itemgetter(slice(1)), guesses))  # the best one: [:1]
    placed = [tags or guess for tags, guess in zip(tagged, suggested, strict=True)]
    untagged = np.fromiter(map(not_, tagged), bool, n)
    by_guess = untagged & np.fromiter(map(bool, suggested), bool, n)
    return placed, by_guess


@dataclass
class _Texts:
    """The distinct texts of a section: one position each, duplicates' weights added up."""

    usable: np.ndarray  # the section's rows that say something
    text_of: np.ndarray  # for each of them, the position of its text
    rows: np.ndarray  # for each text, its first row (smallest id)
    weights: np.ndarray
    people: np.ndarray  # weight + supports: how many people stand behind it
    labels: np.ndarray | None = None  # idea of each text, -1 for "Autres idées"
    closeness: np.ndarray | None = None  # cosine similarity to its idea's centre

    def members(self, positions: np.ndarray) -> np.ndarray:
        """The rows of the texts at ``positions``, duplicates included."""
        chosen = np.zeros(len(self.rows), bool)
        chosen[positions] = True
        return self.usable[chosen[self.text_of]]


def _duplicate_key(text: str) -> str:
    """``text`` as its duplicates write it too: lower case, whitespace runs read as one
    space, no punctuation nor space at its edges."""
    # Most texts hold no whitespace but single spaces (a printable text holds no other
    # kind of whitespace): splitting and joining them again would change nothing but the
    # spaces at their edges, which the strip takes off: no list of words made per text.
    if "  " not in text and text.isprintable():
        return text.lower().strip(_DUPLICATE_EDGES)
    return " ".join(text.lower().split()).strip(_DUPLICATE_EDGES)


_DUPLICATE_EDGES = _PUNCTUATION + " "


def _distinct(corpus: _Corpus, rows: np.ndarray) -> _Texts:
    usable = rows[~corpus.empty[rows] & corpus.has_terms[rows]]
    if corpus.duplicate_keys is None:  # once per synthesis: a row may be in several sections
        corpus.duplicate_keys = list(map(_duplicate_key, corpus.texts))
    keys = Numbering()  # each distinct key numbered in the order it comes
    found = map(corpus.duplicate_keys.__getitem__, usable.tolist())
    text_of = np.fromiter(map(keys.__getitem__, found), np.int64, len(usable))
    firsts = np.full(len(keys), len(corpus.texts), np.int64)
    np.minimum.at(firsts, text_of, usable)
    weights = np.bincount(text_of, weights=corpus.weights[usable], minlength=len(keys))
    supports = np.bincount(text_of, weights=corpus.supports[usable], minlength=len(keys))
    return _Texts(usable, text_of, firsts, weights, weights + supports)


def _section(
    corpus: _Corpus, kind: str, title: str, rows: np.ndarray, question: str = ""
) -> Section:
    texts = _distinct(corpus, rows)
    ideas = _ideas(corpus, texts, question) if len(texts.rows) else []
    in_ideas = {i for idea in ideas for i in idea.ids}
    return Section(
        kind=kind,
        title=title,
        count=int(corpus.weights[rows].sum()),
        ids=corpus.id_list(rows),
        ideas=ideas,
        isolated=[i for i in corpus.id_list(rows) if i not in in_ideas],
        proposals=_pick(corpus, texts, corpus.of_kind("proposition").__getitem__),
        questions=_pick(corpus, texts, corpus.of_kind("question").__getitem__),
        vigilance=_vigilance(corpus, texts, question),
    )


def _vigilance(corpus: _Corpus, texts: _Texts, topic: str = "") -> list[Quote]:
    """Points of vigilance, each with the reason it was picked (``topic``: the section's
    title and question, whose words name what it is about, not an alert)."""
    reasons: dict[int, str] = {}

    def wanted(row: int) -> bool:
        reasons[corpus.ids[row]] = vigilance_reason(
            corpus.texts[row], corpus.kinds[row], bool(corpus.flagged[row]), topic
        )
        return reasons[corpus.ids[row]] != ""

    picked = _pick(corpus, texts, wanted)
    for quote in picked:
        quote.reason = reasons[quote.id]
    return picked


def vigilance_reason(text: str, kind: str, flagged: bool = False, topic: str = "") -> str:
    """Why ``text`` is a point of vigilance (« termes d'alerte : risque »), "" when it is
    not. Three cues, each named with the words as written: an alarm word (enough alone);
    a negative expression, or a wait that lasts (« depuis trois ans »), in a testimony,
    an observation or a reported contribution.

    An alarm word of the ``topic`` (the section's title: « Le repérage et l'évaluation du
    danger ») says what the section is about: « repérer les enfants en danger » there is
    its subject, not an alert."""
    plain = strip_accents(text.lower()).replace("'", " ").replace("’", " ")
    alarms = _alarms(text, plain, topic) if _holds(plain, _ALARM_PARTS) else []
    situation = kind in SITUATION_KINDS or flagged
    if not (alarms or situation):  # most texts: their other cues would not count
        return ""
    negatives = _written(text, plain, _NEGATIVE) if _holds(plain, _NEGATIVE_PARTS) else []
    # _LASTING needs « attente » or « toujours »: most texts have neither
    waiting = "attente" in plain or "toujours" in plain
    lasting = _written(text, plain, _LASTING) if waiting else []
    lasting = sorted(set(lasting + _waits_since(text, plain)))
    if alarms:
        return "termes d'alerte : " + ", ".join(alarms + negatives + lasting)
    if not (negatives or lasting):
        return ""
    cues = [f"expression négative ({', '.join(negatives)})"] if negatives else []
    cues += [f"attente qui dure ({', '.join(lasting)})"] if lasting else []
    context = "une contribution signalée" if flagged else SITUATION_KINDS[kind]
    return f"{' et '.join(cues)} dans {context}"


def _alarms(text: str, plain: str, topic: str) -> list[str]:
    """The alarm words of ``text`` (``plain``: unaccented, lower case) neither denied nor
    words of the ``topic``, as written."""
    subject = _subject(topic)
    affirmed = _NEGATED_ALARM.sub(lambda m: " " * len(m.group()), plain)  # same length
    return [
        word
        for word in _written(text, affirmed, _ALARM)
        if _singular(strip_accents(word)) not in subject
    ]


def _holds(plain: str, parts: tuple[str, ...]) -> bool:
    return any(map(plain.__contains__, parts))  # no generator frame: thousands of texts


@lru_cache(maxsize=64)
def _subject(topic: str) -> frozenset[str]:
    """The words of a section's title and question, unaccented, singular (read once)."""
    return frozenset(_singular(w) for w in re.findall(r"\w+", strip_accents(topic.lower())))


def _singular(word: str) -> str:
    return word[:-1] if len(word) > 3 and word[-1] in "sx" else word


def _waits_since(text: str, plain: str) -> list[str]:
    """« depuis <durée> » in a sentence that waits or lacks something, as written."""
    found = []
    if "depuis" not in plain:  # what _SINCE looks for: most texts have none
        return found
    for sentence in re.finditer(r"[^.!?;…]+", plain):
        if _WAITING.search(sentence.group()) or _NEGATIVE.search(sentence.group()):
            found += _written(text, plain, _SINCE, sentence.start(), sentence.end())
    return found


def _written(
    text: str, plain: str, pattern: re.Pattern, start: int = 0, end: int | None = None
) -> list[str]:
    """The distinct matches of ``pattern`` in ``plain`` (``text`` unaccented, lower case),
    shown as ``text`` writes them (« détresse », not « detresse ») when the two line up."""
    same_length = len(plain) == len(text)
    found = [
        (text[m.start() : m.end()].lower() if same_length else m.group())
        for m in pattern.finditer(plain, start, len(plain) if end is None else end)
    ]
    return sorted(set(found))


# ---------------------------------------------------------------- ideas


def _ideas(corpus: _Corpus, texts: _Texts, question: str) -> list[Idea]:
    """The ideas of a section's distinct texts (:func:`consult.analysis.ideas.find_ideas`);
    sets each text's main idea (``labels``, -1 for none) and rank in it (``closeness``)."""
    texts_of = [corpus.texts[r] for r in texts.rows.tolist()]
    found = find_ideas(
        texts_of,
        texts.weights,
        question,
        corpus.statement_vocabulary,
        corpus.read.of(texts.rows),
    )
    texts.labels = np.full(len(texts.rows), -1)
    texts.closeness = np.zeros(len(texts.rows))
    for number in reversed(range(len(found.ideas))):  # the largest idea is the main one
        representatives = found.ideas[number].representatives
        texts.labels[representatives] = number
        texts.closeness[representatives] = 1 - np.arange(len(representatives)) / len(
            representatives
        )
    return [_idea(corpus, texts, idea) for idea in found.ideas]


def _plain_words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def _quoted(found: FoundIdea, texts: _Texts, corpus: _Corpus) -> list[int]:
    """The positions whose texts an idea quotes: its most representative ones, and first
    the text its title was taken from when it is not among them, so that a reader finds
    the title's words in a quote (the title is chosen among the first forty texts)."""
    best = list(found.representatives[:MAX_QUOTES])
    title = _plain_words(found.title)
    if not title or any(title in _plain_words(corpus.texts[texts.rows[p]]) for p in best):
        return best
    for position in found.representatives[MAX_QUOTES:]:
        if title in _plain_words(corpus.texts[texts.rows[position]]):
            return [position, *best[: MAX_QUOTES - 1]]
    return best


def _idea(corpus: _Corpus, texts: _Texts, found: FoundIdea) -> Idea:
    positions = np.asarray(found.members, np.int64)
    rows = texts.members(positions)
    best = texts.rows[np.asarray(_quoted(found, texts, corpus), np.int64)]
    return Idea(
        label=found.title,
        terms=found.key_terms,
        size=int(texts.weights[positions].sum()),
        supports=int(corpus.supports[rows].sum()),
        ids=corpus.id_list(rows),
        quotes=[_quote(corpus, r) for r in best.tolist()],
        sub_ideas=[_idea(corpus, texts, sub) for sub in found.sub_ideas],
    )


def trim(text: str, limit: int = QUOTE_CHARS) -> str:
    """``text`` cut to at most ``limit`` characters at the end of a sentence, then " …"."""
    text = text.strip()
    if len(text) <= limit:
        return text
    head = text[: limit - 2]
    ends = [m.end() for m in _SENTENCE_END.finditer(head + " ")]
    cut = ends[-1] if ends and ends[-1] >= limit // 3 else head.rfind(" ")
    return head[: cut if cut > 0 else len(head)].rstrip() + " …"


def _quote(corpus: _Corpus, row: int) -> Quote:
    return Quote(
        id=corpus.ids[row],
        text=trim(corpus.texts[row]),
        weight=int(corpus.weights[row]),
        campaign=corpus.items[row].campaign,
    )


# ---------------------------------------------------------------- picks


def _pick(corpus: _Corpus, texts: _Texts, wanted) -> list[Quote]:
    """Up to :data:`MAX_PICKS` quotes that are ``wanted``: texts of four words or more
    first, the most backed (weight and supports), then the most representative.

    A first pass takes at most one per idea, so that the list covers several ideas.
    """
    if texts.labels is None:
        return []
    short = corpus.n_words[texts.rows] < 4
    order = np.lexsort((texts.rows, -texts.closeness, -texts.people, short))
    found: list[int] = []
    rows = texts.rows.tolist()  # Python ints, not a numpy scalar read per text
    for position in order.tolist():
        if wanted(rows[position]):
            found.append(position)
            if len(found) == MAX_PICKS * 3:
                break
    chosen, seen = [], set()
    for position in found:
        if texts.labels[position] not in seen:
            seen.add(texts.labels[position])
            chosen.append(position)
    chosen += [p for p in found if p not in chosen]
    return [_quote(corpus, int(texts.rows[p])) for p in chosen[:MAX_PICKS]]


# ---------------------------------------------------------------- differences


def _differences(corpus: _Corpus, sections: list[Section]) -> list[Difference]:
    types = [it.author_type for it in corpus.items]
    users = np.flatnonzero([t in USERS for t in types])
    pros = np.flatnonzero([t in PROFESSIONALS for t in types])
    found = [
        _difference(
            corpus,
            sections,
            "Usagers et professionnels",
            (USERS_LABEL, users),
            (PROFESSIONALS_LABEL, pros),
        )
    ]
    territories: Counter = Counter()
    for item in corpus.items:
        if item.territory:
            territories[item.territory] += max(item.weight, 1)
    largest = sorted(territories.items(), key=lambda kv: (-kv[1], kv[0]))[:2]
    if len(largest) == 2:
        (first, _), (second, _) = largest
        places = [it.territory for it in corpus.items]
        found.append(
            _difference(
                corpus,
                sections,
                f"{first} et {second}",
                (first, np.flatnonzero([p == first for p in places])),
                (second, np.flatnonzero([p == second for p in places])),
            )
        )
    return [d for d in found if d is not None]


def _difference(corpus: _Corpus, sections, title: str, a, b) -> Difference | None:
    (name_a, rows_a), (name_b, rows_b) = a, b
    size_a, size_b = int(corpus.weights[rows_a].sum()), int(corpus.weights[rows_b].sum())
    if size_a < MIN_CELL or size_b < MIN_CELL:
        return None
    presence_a, presence_b = corpus.presence[rows_a], corpus.presence[rows_b]
    count_a, people_a = statistics.usage(presence_a, corpus.weights[rows_a])
    count_b, people_b = statistics.usage(presence_b, corpus.weights[rows_b])
    over_a = count_a * size_b > count_b * size_a
    eligible = np.where(over_a, people_a, people_b) >= MIN_CELL
    score = statistics.contrast(count_a, count_b, size_a, size_b, eligible)
    counts = (count_a, count_b)
    shares, tested, test = _idea_shares(corpus, sections, rows_a, rows_b)
    return Difference(
        title=title,
        group_a=name_a,
        group_b=name_b,
        size_a=size_a,
        size_b=size_b,
        terms_a=_contrasts(corpus, np.where(over_a, score, 0), rows_a, presence_a, counts),
        terms_b=_contrasts(corpus, np.where(over_a, 0, score), rows_b, presence_b, counts),
        ideas=shares,
        tested=tested,
        summary=_summary(title, len(shares), tested, test),
    )


def _contrasts(corpus: _Corpus, score, rows, presence, counts) -> list[TermContrast]:
    """The best-scoring features written as phrases, none inside another, with their users."""
    candidates = np.flatnonzero(score > 0)
    bigram = corpus.second[candidates] >= 0  # on a tie, "places en crèche" before "crèche"
    order = np.lexsort((candidates, ~bigram, -score[candidates]))
    candidates = candidates[order][: MAX_CONTRASTS * 5]
    columns = presence[:, candidates].tocsc()
    chosen: list[set[int]] = []
    result: list[TermContrast] = []
    for column, feature in enumerate(candidates.tolist()):
        words = set(corpus.feature_terms(feature))
        if any(words <= c or c <= words for c in chosen):
            continue
        users = rows[columns.indices[columns.indptr[column] : columns.indptr[column + 1]]]
        phrase = corpus.phrases(users).get(feature)
        if phrase is None:
            continue
        chosen.append(words)
        result.append(
            TermContrast(
                term=phrase,
                count_a=int(counts[0][feature]),
                count_b=int(counts[1][feature]),
                ids=corpus.id_list(users),
            )
        )
        if len(result) == MAX_CONTRASTS:
            break
    return result


# ---------------------------------------------------------------- main ideas and their shares


def _main_ideas(sections: list[Section]) -> list[tuple[Idea, str]]:
    """Every idea (never the isolated contributions) with its section, largest first."""
    ideas = [(idea, s.title) for s in sections for idea in s.ideas if idea.ids]
    return sorted(ideas, key=lambda pair: (-pair[0].size, pair[0].ids[0]))


def _rows(corpus: _Corpus, ids: list[int]) -> np.ndarray:
    row_of = corpus.row_of
    return np.fromiter(map(row_of.__getitem__, filter(row_of.__contains__, ids)), np.int64)


def _findings(corpus: _Corpus, sections: list[Section]) -> list[Finding]:
    """The first page: the main ideas, their weighted counts and shares, who said them."""
    total = max(int(corpus.weights.sum()), 1)
    found = []
    for idea, section in _main_ideas(sections)[:MAX_FINDINGS]:
        rows = _rows(corpus, idea.ids)
        authors, hidden = _authors(corpus, rows)
        share = idea.size / total
        identical = int(sum(corpus.weights[r] for r in rows if corpus.items[r].campaign))
        found.append(
            Finding(idea.label, section, idea.size, share, idea.ids, authors, hidden, identical)
        )
    return found


USERS_LABEL = "Usagers et proches aidants"
PROFESSIONALS_LABEL = "Professionnels, partenaires et agents"


def _authors(corpus: _Corpus, rows: np.ndarray) -> tuple[list[Cell], int]:
    """Who said an idea: by author type; when no type is large enough to show alone
    (fewer than :data:`MIN_CELL` each), by the two families « Ce qui diffère » compares,
    usagers and proches aidants, professionals, partners and agents (coarser, so no
    smaller than the types). « Plusieurs types d'auteurs » only when neither says more."""
    by_type = _author_cells(corpus, rows, lambda item: item.author_type_label)
    if any(cell.label != OTHERS for cell in by_type[0]):
        return by_type
    by_family = _author_cells(corpus, rows, _family)
    return by_family if any(cell.label != OTHERS for cell in by_family[0]) else by_type


def _family(item: Item) -> str:
    if item.author_type in USERS:
        return USERS_LABEL
    return PROFESSIONALS_LABEL if item.author_type in PROFESSIONALS else item.author_type_label


def _author_cells(corpus: _Corpus, rows: np.ndarray, label_of) -> tuple[list[Cell], int]:
    labels, rows_of = _grouped([label_of(corpus.items[r]) for r in rows], False, "")
    return _cells(corpus, labels, [rows[positions] for positions in rows_of])


def _idea_shares(corpus: _Corpus, sections, rows_a, rows_b):
    """The ideas whose shares differ between groups A and B, how many were compared and
    the test used: chi² (Yates) of each idea's 2 × 2 table, Fisher's exact test when an
    expected count is under 5, Benjamini–Hochberg across the ideas compared."""
    weights = corpus.weights
    size_a, size_b = int(weights[rows_a].sum()), int(weights[rows_b].sum())
    in_a, in_b = np.zeros(len(weights), bool), np.zeros(len(weights), bool)
    in_a[rows_a], in_b[rows_b] = True, True
    tested: list[tuple[Idea, int, int, str, float]] = []
    for idea, _ in _main_ideas(sections):
        rows = _rows(corpus, idea.ids)
        a, b = int(weights[rows[in_a[rows]]].sum()), int(weights[rows[in_b[rows]]].sum())
        if a + b >= MIN_CELL:
            tested.append((idea, a, b, *statistics.table_test([[a, size_a - a], [b, size_b - b]])))
    if not tested:
        return [], 0, "test du χ²"
    adjusted = statistics.corrected([t[4] for t in tested])
    shares = [
        IdeaShare(idea.label, a, b, a / size_a, b / size_b, test, float(p), idea.ids)
        for (idea, a, b, test, _), p in zip(tested, adjusted, strict=True)
        if p <= FALSE_DISCOVERY
    ]
    return shares, len(tested), statistics.name_of_tests({t[3] for t in tested})


def _summary(title: str, differing: int, tested: int, test: str) -> str:
    """The result of a comparison in one plain sentence."""
    between = title[0].lower() + title[1:] if title.startswith("Usagers") else title
    method = f"{test}, seuil 5 % après correction"
    if not tested:
        return f"Aucune idée assez partagée pour comparer {between} ({method})."
    if not differing:
        return f"Aucune différence nette entre {between} ({method})."
    ideas = "idée n'a" if differing == 1 else "idées n'ont"
    return (
        f"{differing} {ideas} pas la même part entre {between}, "
        f"sur {tested} comparée{'s' if tested > 1 else ''} ({method})."
    )
