"""Vectors, similarity and key terms over French texts (duplicates: ``analysis.duplicates``)."""

import re
from dataclasses import dataclass
from functools import cache

import numpy as np
from scipy.sparse import csr_matrix, identity
from sklearn.feature_extraction.text import TfidfVectorizer

from consult.analysis.text import analyzer, strip_accents, terms
from consult.analysis.wordlists import DATA

# Answers that say nothing ("RAS", "Non", "Merci") are duplicates of each other
# whatever their spelling: they are grouped by their normalised letters.
EMPTY_ANSWERS = frozenset(
    {
        "ras",
        "rien",
        "rien a ajouter",
        "rien a dire",
        "non",
        "oui",
        "merci",
        "aucun",
        "aucune",
        "neant",
        "sans avis",
        "pas d avis",
        "je ne sais pas",
        "nsp",
        "ok",
        "idem",
    }
)


# What is not a letter or a digit: ``[\W_]`` is exactly the characters ``str.isalnum``
# rejects (re's \w is alphanumeric or "_"); a run of them is one space, in C rather than
# a Python step per character (every short text of a synthesis, every text of duplicates).
_NOT_ALNUM = re.compile(r"[\W_]+")


def letters(text: str) -> str:
    """Lower-case unaccented letters and digits, one space between words."""
    lowered = strip_accents((text or "").lower())
    return " ".join(_NOT_ALNUM.sub(" ", lowered).split())


def is_empty_answer(text: str) -> bool:
    """True for answers such as « RAS », « Non. », « Rien à ajouter »."""
    return letters(text) in EMPTY_ANSWERS


def vectorise(texts: list[str]) -> tuple[csr_matrix, TfidfVectorizer]:
    """TF-IDF vectors (terms and bigrams, sublinear tf, l2-normalised)."""
    vectorizer = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True, min_df=1)
    matrix = vectorizer.fit_transform(texts)
    return matrix, vectorizer


def key_terms(
    matrix: csr_matrix, vectorizer: TfidfVectorizer, rows: list[int], limit: int = 5
) -> list[str]:
    """The terms that weigh most in ``rows`` (to label a group of texts)."""
    if not rows:
        return []
    weights = np.asarray(matrix[rows].sum(axis=0)).ravel()
    vocabulary = vectorizer.get_feature_names_out()
    order = np.argsort(weights)[::-1]
    chosen: list[str] = []
    for index in order[: limit * 4]:
        term = vocabulary[index]
        if weights[index] <= 0:
            break
        if any(term in other or other in term for other in chosen):
            continue
        chosen.append(term)
        if len(chosen) == limit:
            break
    return chosen


def _words(texts: list[str]):
    """The words of ``texts`` as :func:`readable` compares them."""
    for text in texts:
        for word in text.replace("’", "'").split():
            word = word.strip(".,;:!?()«»\"'").lower()
            word = word.split("'")[-1]
            if word:
                yield word


def _most_frequent(counts: dict[str, int]) -> str:
    return max(counts.items(), key=lambda item: (item[1], -len(item[0])))[0]


def readable(term: str, texts: list[str]) -> str:
    """The most frequent word of ``texts`` behind a stemmed ``term`` ("del" → "délais")."""
    counts: dict[str, int] = {}
    for word in _words(texts):
        if terms(word) == [term]:
            counts[word] = counts.get(word, 0) + 1
    if not counts:
        return term
    return _most_frequent(counts)


def readable_words(texts: list[str]) -> dict[str, str]:
    """:func:`readable` of every term at once (term → word; a term absent reads as
    itself): ``texts`` are read once, each word's terms found once, where
    :func:`readable` reads them again for each term (a suggested tag explains itself
    with a dozen terms of one text)."""
    term_of: dict[str, str | None] = {}
    counts: dict[str, dict[str, int]] = {}
    for word in _words(texts):
        if word not in term_of:
            found = terms(word)
            term_of[word] = found[0] if len(found) == 1 else None
        term = term_of[word]
        if term is not None:
            words = counts.setdefault(term, {})
            words[word] = words.get(word, 0) + 1
    return {term: _most_frequent(words) for term, words in counts.items()}


def readable_label(term: str, texts: list[str], words: dict[str, str] | None = None) -> str:
    """A stemmed term or bigram in words people wrote (``words``: the texts'
    :func:`readable_words`, when already known)."""
    if words is not None:
        return " ".join(words.get(part, part) for part in term.split(" "))
    return " ".join(readable(part, texts) for part in term.split(" "))


# --- Word vectors learned on the Grand Débat answers (scripts/train_word_vectors.py) ---------

WORD_VECTORS = DATA / "word_vectors.npz"
# Soft cosine (Sidorov et al. 2014): each term also matches its NEIGHBOURS closest terms,
# as much as cos² of their vectors (gensim's exponent); the rest of the matrix is left out.
NEIGHBOURS = 10
EXPONENT = 2
_ROWS_AT_ONCE = 2_000  # terms compared at a time (bounds memory: 2,000 × vocabulary floats)


@dataclass(frozen=True)
class WordVectors:
    """Terms → unit vectors (float32), learned on a large civic corpus."""

    index: dict[str, int]
    vectors: np.ndarray


@cache
def word_vectors() -> WordVectors:
    """The shipped vectors, loaded on first use, once per process (about 2 MB)."""
    with np.load(WORD_VECTORS) as data:
        words, vectors = data["words"].tolist(), data["vectors"].astype(np.float32)
    return WordVectors({w: i for i, w in enumerate(words)}, vectors)


def term_similarity(names) -> csr_matrix:
    """Terms × terms: 1 on the diagonal, cos² to each known term's closest neighbours.

    ``names``: the terms of a matrix's columns (unknown terms match only themselves).
    """
    model = word_vectors()
    known = [(column, model.index[n]) for column, n in enumerate(names) if n in model.index]
    size = len(names)
    if len(known) < 2:
        return identity(size, format="csr", dtype=np.float32)
    columns = np.array([c for c, _ in known])
    vectors = model.vectors[[i for _, i in known]]
    limit = min(NEIGHBOURS, len(known) - 1)
    rows, cols, values = [], [], []
    for start in range(0, len(known), _ROWS_AT_ONCE):
        sims = vectors[start : start + _ROWS_AT_ONCE] @ vectors.T
        own = np.arange(len(sims))
        sims[own, own + start] = -1.0
        closest = np.argpartition(-sims, limit - 1, axis=1)[:, :limit]
        near = np.take_along_axis(sims, closest, axis=1)
        keep = near > 0
        rows.append(columns[(own + start)[:, None].repeat(limit, axis=1)[keep]])
        cols.append(columns[closest[keep]])
        values.append(near[keep] ** EXPONENT)
    data = (np.concatenate(values), (np.concatenate(rows), np.concatenate(cols)))
    neighbours = csr_matrix(data, shape=(size, size), dtype=np.float32)
    return neighbours.maximum(neighbours.T) + identity(size, format="csr", dtype=np.float32)


def soft_cosines(matrix, names) -> np.ndarray:
    """Soft cosine of every pair of rows of ``matrix`` (texts × ``names``), dense float32.

    Two texts saying the same thing in other words (« crèche » / « garde ») meet;
    texts sharing their words score as with a plain cosine.
    """
    products = (matrix @ term_similarity(names) @ matrix.T).astype(np.float32).toarray()
    norms = np.sqrt(np.clip(np.diag(products), 1e-12, None))
    products /= norms[:, None]
    products /= norms[None, :]
    return np.clip(products, 0.0, 1.0)
