"""Dense meaning vectors of texts from the shipped word vectors (pure computation).

A text's embedding is the TF-IDF-weighted mean of the vectors of its terms
(:func:`consult.analysis.similarity.word_vectors`, learned on the Grand Débat answers),
the direction common to all the texts of the call removed, l2-normalised: two texts
saying the same thing in other words (« tri sélectif » / « compost ») come close, which
term counts alone never do. A negated term ("non prêt") points the opposite way from
the plain one. Terms without a vector add nothing; a text with none gets a zero row.
"""

import numpy as np
from scipy import sparse

from consult.analysis.similarity import word_vectors
from consult.analysis.statements import NEGATED


def term_vectors(names: list[str], negated_sign: float = 1.0) -> np.ndarray:
    """Terms × dimensions (float32): each term's word vector (times ``negated_sign`` for a
    negated term), zero for a term the word vectors do not know."""
    model = word_vectors()
    result = np.zeros((len(names), model.vectors.shape[1]), np.float32)
    for column, name in enumerate(names):
        bare = name.removeprefix(NEGATED)
        index = model.index.get(bare)
        if index is not None:
            result[column] = model.vectors[index] * (negated_sign if bare != name else 1.0)
    return result


def embed(weights: sparse.csr_matrix, vectors: np.ndarray, centre: bool = True) -> np.ndarray:
    """Rows of ``weights`` (texts × terms) as l2-normalised dense vectors (float32).

    ``vectors``: :func:`term_vectors` of the columns. ``centre``: remove the mean
    direction of the rows first (it is shared by everything and says nothing).
    """
    dense = np.asarray(weights @ vectors, dtype=np.float32)
    empty = ~dense.any(axis=1)
    if centre and (~empty).sum() > 1:
        dense[~empty] -= dense[~empty].mean(axis=0)
    norms = np.linalg.norm(dense, axis=1, keepdims=True)
    dense /= np.maximum(norms, 1e-9)
    dense[empty] = 0
    return dense
