"""Vectors, similarity, near-duplicate groups and key terms over French texts."""

from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

from consult.analysis.text import analyzer, strip_accents, terms

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


def letters(text: str) -> str:
    """Lower-case unaccented letters and digits, one space between words."""
    lowered = strip_accents((text or "").lower())
    return " ".join("".join(ch if ch.isalnum() else " " for ch in lowered).split())


def is_empty_answer(text: str) -> bool:
    """True for answers such as « RAS », « Non. », « Rien à ajouter »."""
    return letters(text) in EMPTY_ANSWERS


def vectorise(texts: list[str]) -> tuple[csr_matrix, TfidfVectorizer]:
    """TF-IDF vectors (terms and bigrams, sublinear tf, l2-normalised)."""
    vectorizer = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True, min_df=1)
    matrix = vectorizer.fit_transform(texts)
    return matrix, vectorizer


@dataclass
class DuplicateGroup:
    """Indices of texts saying the same thing, and how close they are."""

    members: list[int]
    score: float
    reason: str


def _union_find(size: int):
    parent = list(range(size))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(a, b):
        parent[find(a)] = find(b)

    return find, union


def _similar_pairs(texts: list[str], indices: list[int], threshold: float):
    if len(indices) < 2:
        return []
    matrix, _ = vectorise([texts[i] for i in indices])
    similarity = cosine_similarity(matrix)
    np.fill_diagonal(similarity, 0)
    return [
        (indices[a], indices[b], float(similarity[a, b]))
        for a, b in np.argwhere(np.triu(similarity) >= threshold)
    ]


def near_duplicates(texts: list[str], threshold: float = 0.3) -> list[DuplicateGroup]:
    """Group texts that are identical, empty answers, or whose similarity ≥ ``threshold``.

    Quadratic in memory: callers group a meeting or a theme at a time (a few
    thousand texts), not the whole corpus at once.
    """
    find, union = _union_find(len(texts))
    first_of: dict[str, int] = {}
    for index, text in enumerate(texts):
        key = "∅" if is_empty_answer(text) else letters(text)
        if key in first_of:
            union(index, first_of[key])
        else:
            first_of[key] = index
    representatives = [i for k, i in first_of.items() if k != "∅" and terms(texts[i])]
    pairs = _similar_pairs(texts, representatives, threshold)
    for a, b, _score in pairs:
        union(a, b)
    best = {}
    for a, _b, score in pairs:
        best[find(a)] = max(best.get(find(a), 0.0), score)
    clusters: dict[int, list[int]] = {}
    for index in range(len(texts)):
        clusters.setdefault(find(index), []).append(index)
    return [
        _describe(members, best.get(root), texts)
        for root, members in clusters.items()
        if len(members) > 1
    ]


def _describe(members: list[int], score: float | None, texts: list[str]) -> DuplicateGroup:
    if score is not None:
        return DuplicateGroup(members, score, "même idée, autres mots")
    if is_empty_answer(texts[members[0]]):
        return DuplicateGroup(members, 1.0, "réponses vides")
    return DuplicateGroup(members, 1.0, "textes identiques")


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


def readable(term: str, texts: list[str]) -> str:
    """The most frequent word of ``texts`` behind a stemmed ``term`` ("del" → "délais")."""
    counts: dict[str, int] = {}
    for text in texts:
        for word in text.replace("’", "'").split():
            word = word.strip(".,;:!?()«»\"'").lower()
            word = word.split("'")[-1]
            if word and terms(word) == [term]:
                counts[word] = counts.get(word, 0) + 1
    if not counts:
        return term
    return max(counts.items(), key=lambda item: (item[1], -len(item[0])))[0]


def readable_label(term: str, texts: list[str]) -> str:
    """A stemmed term or bigram in words people wrote."""
    return " ".join(readable(part, texts) for part in term.split(" "))
