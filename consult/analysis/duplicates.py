"""Duplicates (the same idea in other words) and campaigns (the same text sent by many)."""

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache

import numpy as np
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from consult.analysis.similarity import is_empty_answer, letters, readable, soft_cosines
from consult.analysis.text import analyzer, strip_accents, terms
from consult.analysis.wordlists import DATA, load_words

# Chosen by 5-fold cross-validation on labelled rewordings (bench/duplicates.py,
# docs/benchmarks.md): the median of the folds' best thresholds for pair F1.
DEFAULT_THRESHOLD = 0.40
# A sector concept (« famille d'accueil » = « assistante familiale ») counts as much as
# this many words: two texts naming the same things in other words meet.
CONCEPT_WEIGHT = 2
LSA_DIMENSIONS = 100
# Words compared by soft cosine: a term also meets its neighbours in word vectors learned
# on the Grand Débat answers (« crèche » / « garde »), not only itself.
SOFT_MATCHING = True
# A pair is proposed only if each text is the other's closest (or the two are very
# close): a text near everything on its theme does not chain unrelated texts into
# one group, and an idea said three times still makes one group.
MUTUAL_RANK = 1
STRONG = 0.6
# Below STRONG, two texts must also share this many things (terms, sector concepts) to
# be proposed: short texts met on one word (« tout seul », « se passer ») read close
# without saying the same thing. Every labelled rewording the detector finds shares 5
# or more (bench/duplicates.py, Savoie dev file).
MIN_SHARED = 3
# Whom or where a text speaks of (concepts of data/sector_synonyms.txt: its public, its
# place). Below STRONG, two texts must also share something they say of it: a concept
# that is not one of these, or a word outside the sector's expressions that is not an
# ambiguous word (« personne », « aide »). « Les aidants des personnes handicapées
# s'épuisent » and « les personnes handicapées seules n'ont personne pour les aider »
# share their public and nothing they say of it.
PUBLICS = frozenset(
    {"handicap", "personnes_agees", "enfance_famille", "jeunes", "mna", "aidant", "rsa"}
    | {"isolement_rural"}
)
# Verbs that say a text proposes something, not what: « Créer des places en établissement
# pour enfants handicapés » and « Créer des lieux d'accueil enfants-parents » propose two
# things. Not words two texts say the same thing by (see :func:`said`).
PROPOSING = (
    "créer développer favoriser renforcer proposer permettre améliorer faciliter multiplier "
    "généraliser instaurer encourager"
)
# A campaign: at least this many near-identical texts, sent within this time.
CAMPAIGN_MIN_SIZE = 5
CAMPAIGN_WINDOW = timedelta(days=7)
CAMPAIGN_SIMILARITY = 0.9
# A proposal and the account of a problem are two ideas, however close their words
# (« les jeunes sortent de l'ASE sans logement » / « réserver des logements aux
# jeunes sortant de l'ASE »); a question can be either.
PROPOSAL, ACCOUNTS = "proposition", frozenset({"constat", "temoignage"})
_WORD = "[0-9a-z-]"


@cache
def _concept_patterns() -> tuple[tuple[str, re.Pattern], ...]:
    """Concepts of ``data/sector_synonyms.txt``: name → one regular expression."""
    found = []
    for line in (DATA / "sector_synonyms.txt").read_text(encoding="utf-8").splitlines():
        name, _, expressions = line.partition(":")
        if line.startswith("#") or not expressions.strip():
            continue
        alternatives = [_pattern(e.split()) for e in expressions.split("|") if e.strip()]
        rx = re.compile(r"(?<= )(?:" + "|".join(alternatives) + ")(?= )")
        found.append((name.strip(), rx))
    return tuple(found)


def _pattern(words: list[str]) -> str:
    def one(word: str) -> str:
        if word.endswith("*"):
            return re.escape(word[:-1]) + _WORD + "*"
        return re.escape(word) + "(?:s|x)?"

    return r"\s".join(one(w) for w in words)


def _plain(text: str) -> str:
    lowered = strip_accents((text or "").lower()).replace("’", "'")
    return " " + " ".join(re.sub(r"[^0-9a-z-]+", " ", lowered).split()) + " "


def concepts(text: str) -> list[str]:
    """The sector concepts ``text`` names, whatever the words (« MNA », « mineur isolé »)."""
    plain = _plain(text)
    return [name for name, rx in _concept_patterns() if rx.search(plain)]


@cache
def _unsaid_terms() -> frozenset[str]:
    """Terms that say nothing of an idea: ambiguous words and :data:`PROPOSING`."""
    return frozenset(terms(" ".join(load_words("ambiguous_words"))) + terms(PROPOSING))


def said(text: str, concepts_: list[str]) -> frozenset[str]:
    """What ``text`` says beyond whom and where it speaks of (see :data:`PUBLICS`).

    Its concepts (``§name``) other than publics and places, and its terms outside any
    sector expression (« sociaux » of « travailleurs sociaux » is that concept, not a
    word to meet « centres sociaux » by), ambiguous words and verbs of proposing aside.
    """
    plain = _plain(text)
    named: Counter[str] = Counter()
    for _, rx in _concept_patterns():
        for match in rx.finditer(plain):
            named.update(terms(_as_written(match.group(0), text)))
    words = set(Counter(terms(text)) - named) - _unsaid_terms()
    return frozenset(words | {f"§{c}" for c in concepts_ if c not in PUBLICS})


def concept_expression(name: str, text: str) -> str:
    """The words of ``text`` that name concept ``name`` (to explain a match)."""
    for concept, rx in _concept_patterns():
        if concept == name and (match := rx.search(_plain(text))):
            return _as_written(match.group(0), text)
    return name


def _as_written(plain: str, text: str) -> str:
    """The words of ``text`` that read ``plain`` once unaccented (« mineurs non accompagnés »)."""
    words = re.findall(r"[^\W_]+(?:-[^\W_]+)*", text)
    size = len(plain.split())
    for start in range(len(words) - size + 1):
        window = " ".join(words[start : start + size])
        if _plain(window).strip() == plain:
            return window.lower()
    return plain


def vectorise(texts: list[str]):
    """TF-IDF of terms, bigrams and sector concepts (l2-normalised rows), and its vectoriser.

    Cheaper than :func:`similarity_matrix` (no dense matrix): for « the closest to this one ».
    """
    vectorizer = TfidfVectorizer(
        analyzer=lambda text: analyzer(text) + [f"§{c}" for c in concepts(text)] * CONCEPT_WEIGHT,
        sublinear_tf=True,
    )
    return vectorizer.fit_transform(texts), vectorizer


def closer_to_first(texts: list[str], first: list[str], second: list[str]) -> list[bool]:
    """For each of ``texts``, whether it reads closer to the texts ``first`` than to the
    texts ``second`` (cosine to the centre of each, words and sector concepts as in
    :func:`vectorise`, fitted on all of them); a tie, or no word in common, is False."""
    try:
        matrix, _ = vectorise(texts + first + second)
    except ValueError:  # not one word to compare by (« RAS », « ? »)
        return [False] * len(texts)
    rows = matrix[: len(texts)]
    centres = [
        normalize(np.asarray(matrix[start:end].mean(axis=0)))
        for start, end in (
            (len(texts), len(texts) + len(first)),
            (len(texts) + len(first), matrix.shape[0]),
        )
    ]
    near_first, near_second = (np.asarray(rows @ centre.T).ravel() for centre in centres)
    return (near_first > near_second).tolist()


@dataclass
class Features:
    """What each text is made of: terms, sector concepts, and its similarity to the others."""

    terms: list[list[str]]
    concepts: list[list[str]]
    scores: np.ndarray  # texts × texts, 0 on the diagonal
    said: list[frozenset[str]] = field(default_factory=list)  # see :func:`said`


def _tokens(terms_: list[str], concepts_: list[str]) -> list[str]:
    return terms_ + [f"§{c}" for c in concepts_] * CONCEPT_WEIGHT


def _cosines(matrix) -> np.ndarray:
    # float32: a meeting of 5,000 texts makes 100 MB matrices, not 200.
    return (matrix @ matrix.T).astype(np.float32).toarray()


def similarity_matrix(texts: list[str]) -> Features:
    """Similarity of every pair of ``texts``: the mean of three cosines.

    Words (lemmas and sector concepts, TF-IDF; soft cosine when :data:`SOFT_MATCHING`:
    a term also meets its neighbours in word vectors), characters (3–5-grams, which see
    « pédopsychiatre » in « pédopsychiatrie » and survive typos) and meaning (LSA
    over the words: texts on the same subject meet even with few words in common).
    """
    term_lists = [terms(t) for t in texts]
    concept_lists = [concepts(t) for t in texts]
    words = TfidfVectorizer(analyzer=lambda i: _tokens(term_lists[i], concept_lists[i]))
    words.set_params(sublinear_tf=True)
    word_matrix = words.fit_transform(range(len(texts)))
    chars = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, preprocessor=_plain
    ).fit_transform(texts)
    if SOFT_MATCHING:
        scores = soft_cosines(word_matrix, words.get_feature_names_out())
    else:
        scores = _cosines(word_matrix)
    scores += _cosines(chars)
    scores += _meaning(word_matrix)
    scores /= 3
    np.fill_diagonal(scores, 0.0)
    return Features(term_lists, concept_lists, scores, list(map(said, texts, concept_lists)))


def _meaning(word_matrix) -> np.ndarray:
    dimensions = min(LSA_DIMENSIONS, min(word_matrix.shape) - 1)
    if dimensions < 2:
        return _cosines(word_matrix)
    # One BLAS thread: on a matrix this small, threads only fight over the cores.
    with threadpool_limits(limits=1):
        reduced = TruncatedSVD(dimensions, random_state=0).fit_transform(word_matrix)
    vectors = normalize(reduced).astype(np.float32)
    return np.clip(vectors @ vectors.T, 0.0, 1.0)


def candidate_pairs(
    scores: np.ndarray, threshold: float, kinds: list[str] | None = None
) -> list[tuple[int, int, float]]:
    """Pairs at or above ``threshold`` where each text is the other's closest, or very close.

    :param kinds: the texts' kinds (constat, proposition…), when known: a proposal
        is never paired with a constat or a témoignage.
    """
    size = len(scores)
    if size < 2:
        return []
    scores = scores.copy()
    if kinds is not None:
        proposal = np.array([k == PROPOSAL for k in kinds])
        account = np.array([k in ACCOUNTS for k in kinds])
        scores[np.outer(proposal, account) | np.outer(account, proposal)] = 0.0
    rank = min(MUTUAL_RANK, size - 1)
    if rank == 1:  # no n × n index matrix for the usual case (200 MB at 5,000 texts)
        closest = scores.argmax(axis=1)[:, None]
    else:
        closest = np.argpartition(-scores, rank - 1, axis=1)[:, :rank]
    near = np.zeros_like(scores, dtype=bool)
    np.put_along_axis(near, closest, True, axis=1)
    chosen = np.triu((scores >= threshold) & ((near & near.T) | (scores >= STRONG)), 1)
    return [(int(a), int(b), float(scores[a, b])) for a, b in np.argwhere(chosen)]


@dataclass
class DuplicateGroup:
    """Indices of texts saying the same thing, how close they are, and why."""

    members: list[int]
    score: float
    reason: str
    shared: list[str] = field(default_factory=list)  # words and expressions in common


def _union_find(size: int):
    parent = list(range(size))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(a: int, b: int) -> None:
        parent[find(a)] = find(b)

    return find, union


def _exact_key(text: str) -> str:
    return "∅" if is_empty_answer(text) else letters(text)


def find_duplicates(
    texts: list[str], threshold: float = DEFAULT_THRESHOLD, kinds: list[str] | None = None
) -> list[DuplicateGroup]:
    """Groups of identical texts, empty answers, and rewordings of one idea.

    ``kinds`` (constat, proposition…, one per text) when known: see :func:`candidate_pairs`.
    Quadratic in memory: callers compare a meeting at a time (a few thousand texts).
    """
    find, union = _union_find(len(texts))
    first_of: dict[str, int] = {}
    for index, text in enumerate(texts):
        union(index, first_of.setdefault(_exact_key(text), index))
    singles = [i for k, i in first_of.items() if k != "∅" and terms(texts[i])]
    pairs: list[tuple[int, int, float]] = []
    features = None
    if len(singles) >= 2:
        features = similarity_matrix([texts[i] for i in singles])
        single_kinds = [kinds[i] for i in singles] if kinds else None
        for a, b, score in candidate_pairs(features.scores, threshold, single_kinds):
            if score < STRONG and (
                _shared(features, a, b) < MIN_SHARED or not features.said[a] & features.said[b]
            ):
                continue
            pairs.append((singles[a], singles[b], score))
            union(singles[a], singles[b])
    clusters: dict[int, list[int]] = {}
    for index in range(len(texts)):
        clusters.setdefault(find(index), []).append(index)
    position = {i: p for p, i in enumerate(singles)}
    return [
        _describe(members, pairs, texts, features, position)
        for members in clusters.values()
        if len(members) > 1
    ]


def _shared(features: Features, a: int, b: int) -> int:
    """How many distinct terms and sector concepts texts ``a`` and ``b`` have in common."""
    terms_ = set(features.terms[a]) & set(features.terms[b])
    return len(terms_) + len(set(features.concepts[a]) & set(features.concepts[b]))


def _describe(members, pairs, texts, features, position) -> DuplicateGroup:
    inside = set(members)
    scores = [s for a, b, s in pairs if a in inside and b in inside]
    if scores:
        shown = [i for i in members if i in position]
        shared = _reasons(
            [features.terms[position[i]] for i in shown],
            [features.concepts[position[i]] for i in shown],
            [texts[i] for i in shown],
        )
        return DuplicateGroup(members, round(max(scores), 2), "même idée, autres mots", shared)
    if is_empty_answer(texts[members[0]]):
        return DuplicateGroup(members, 1.0, "réponses vides")
    return DuplicateGroup(members, 1.0, "textes identiques")


def _reasons(term_lists, concept_lists, texts: list[str]) -> list[str]:
    """Expressions of the sector, then words, that all ``texts`` share (no repeats)."""
    found = [concept_expression(c, texts[0]) for c in _common(concept_lists)]
    expressions = [e for e in found if not any(e != o and letters(e) in letters(o) for o in found)]
    # A word of an expression already shown (« aide » of « aides à domicile ») is no more.
    inside = {t for e in expressions for t in terms(e)}
    words = [readable(t, texts) for t in _common(term_lists) if t not in inside]
    unique: dict[str, str] = {}
    for item in expressions + words:
        unique.setdefault(letters(item), item)
    return list(unique.values())[:8]


def _common(lists: list[list[str]]) -> list[str]:
    common = set(lists[0]).intersection(*map(set, lists[1:]))
    return [item for item in lists[0] if item in common]


def explain_pair(first: str, second: str) -> tuple[float, list[str]]:
    """How close two texts are (0–1, on a two-text scale) and what they share."""
    features = similarity_matrix([first, second])
    shared = _reasons(features.terms, features.concepts, [first, second])
    return round(float(features.scores[0, 1]), 2), shared


@dataclass
class Campaign:
    """Near-identical texts sent together: one text, many senders."""

    members: list[int]  # oldest first
    first_at: datetime
    last_at: datetime


def find_campaigns(
    texts: list[str],
    times: list[datetime],
    *,
    min_size: int = CAMPAIGN_MIN_SIZE,
    window: timedelta = CAMPAIGN_WINDOW,
) -> list[Campaign]:
    """Groups of at least ``min_size`` near-identical texts sent within ``window``.

    Near-identical: the same letters once case, accents and punctuation are gone,
    or character similarity ≥ :data:`CAMPAIGN_SIMILARITY` (a word changed, a
    signature added). Empty answers (« RAS ») are never a campaign.
    """
    keep = [i for i, t in enumerate(texts) if letters(t) and not is_empty_answer(t)]
    find, union = _union_find(len(texts))
    first_of: dict[str, int] = {}
    for index in keep:
        union(index, first_of.setdefault(letters(texts[index]), index))
    distinct = list(first_of.values())
    if len(distinct) >= 2:
        chars = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), preprocessor=_plain
        ).fit_transform([texts[i] for i in distinct])
        close = np.triu(_cosines(chars) >= CAMPAIGN_SIMILARITY, 1)
        for a, b in np.argwhere(close):
            union(distinct[a], distinct[b])
    clusters: dict[int, list[int]] = {}
    for index in keep:
        clusters.setdefault(find(index), []).append(index)
    found = []
    for members in clusters.values():
        found += _bursts(sorted(members, key=lambda i: (times[i], i)), times, min_size, window)
    return sorted(found, key=lambda c: (-len(c.members), c.first_at))


def _bursts(members: list[int], times, min_size: int, window: timedelta) -> list[Campaign]:
    """Runs of ``members`` (sorted by time) whose neighbours are within ``window``."""
    runs: list[list[int]] = [[]]
    for index in members:
        if runs[-1] and times[index] - times[runs[-1][-1]] > window:
            runs.append([])
        runs[-1].append(index)
    return [Campaign(run, times[run[0]], times[run[-1]]) for run in runs if len(run) >= min_size]
