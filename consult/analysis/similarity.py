"""Vectors, similarity and key terms over French texts (duplicates: ``analysis.duplicates``)."""

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfVectorizer

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
