"""Train the word vectors of duplicate detection on a large French corpus (Grand Débat answers).

    PYTHONPATH=. .venv/bin/python scripts/train_word_vectors.py \
        /work/shared/data/grand-debat/comments.csv.gz [--sample N] [--out PATH]

Distributional vectors, the count-based way (Levy, Goldberg & Dagan 2015): terms are those
of :func:`consult.analysis.text.terms` (lemmatised, stemmed, unaccented, stop words out),
so they match what the app compares; co-occurrences within ``WINDOW`` terms of one answer,
weighted 1/distance; positive PMI with smoothed context frequencies (α = 0.75); truncated
SVD, rows = U·√Σ, l2-normalised. The file (``consult/analysis/data/word_vectors.npz``) holds
the terms and their float16 vectors.

The shipped file was made from the whole file (``--sample 0``, the default: 343,440
non-empty answers, 9,990 terms seen at least 5 times): 12 to 28 seconds on the shared
2-core machine (tokenising about half of it). Deterministic (seeded sample and SVD).
"""

import argparse
import csv
import gzip
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.decomposition import TruncatedSVD
from threadpoolctl import threadpool_limits

from consult.analysis.text import terms
from consult.analysis.wordlists import DATA

VOCABULARY = 25_000
MIN_COUNT = 5
DIMENSIONS = 100
WINDOW = 5
CONTEXT_SMOOTHING = 0.75


def read_answers(path: str, sample: int) -> list[str]:
    """A seeded random sample of ``sample`` answer texts of the CSV (id, theme, text)."""
    csv.field_size_limit(sys.maxsize)
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        texts = [row["text"] for row in csv.DictReader(handle) if row.get("text")]
    if sample and sample < len(texts):
        chosen = np.random.default_rng(0).choice(len(texts), sample, replace=False)
        texts = [texts[i] for i in np.sort(chosen)]
    return texts


def tokenise(texts: list[str]) -> list[list[str]]:
    """Terms of each text, each distinct whitespace chunk analysed once (same result)."""
    cache: dict[str, list[str]] = {}
    result = []
    for text in texts:
        words: list[str] = []
        for chunk in text.split():
            found = cache.get(chunk)
            if found is None:
                found = cache[chunk] = terms(chunk)
            words.extend(found)
        result.append(words)
    return result


def vocabulary(documents: list[list[str]]) -> list[str]:
    """The ``VOCABULARY`` most frequent terms seen at least ``MIN_COUNT`` times."""
    counts = Counter(t for words in documents for t in words)
    return [t for t, c in counts.most_common(VOCABULARY) if c >= MIN_COUNT]


def cooccurrences(documents: list[list[str]], words: list[str]) -> sparse.csr_matrix:
    """Symmetric counts of terms within ``WINDOW`` of each other in one answer (1/distance)."""
    index = {w: i for i, w in enumerate(words)}
    ids, doc = [], []
    for number, document in enumerate(documents):
        # Out-of-vocabulary terms keep their place (distances stay true) but count for nothing.
        ids.extend(index.get(t, -1) for t in document)
        doc.extend([number] * len(document))
    ids_, doc_ = np.array(ids), np.array(doc)
    rows, cols, weights = [], [], []
    for distance in range(1, WINDOW + 1):
        a, b = ids_[:-distance], ids_[distance:]
        keep = (doc_[:-distance] == doc_[distance:]) & (a >= 0) & (b >= 0)
        rows += [a[keep], b[keep]]
        cols += [b[keep], a[keep]]
        weights += [np.full(2 * keep.sum(), 1.0 / distance)]
    size = len(words)
    return sparse.coo_matrix(
        (np.concatenate(weights), (np.concatenate(rows), np.concatenate(cols))), (size, size)
    ).tocsr()


def ppmi(counts: sparse.csr_matrix) -> sparse.csr_matrix:
    """Positive PMI, context frequencies raised to ``CONTEXT_SMOOTHING``."""
    total = counts.sum()
    row = np.asarray(counts.sum(axis=1)).ravel()
    context = np.asarray(counts.sum(axis=0)).ravel() ** CONTEXT_SMOOTHING
    context /= context.sum()
    coo = counts.tocoo()
    pmi = np.log(coo.data * total / (row[coo.row] * total * context[coo.col]))
    keep = pmi > 0
    return sparse.csr_matrix((pmi[keep], (coo.row[keep], coo.col[keep])), counts.shape)


def embed(matrix: sparse.csr_matrix) -> np.ndarray:
    """Rows = U·√Σ of a truncated SVD, l2-normalised."""
    with threadpool_limits(limits=1):
        svd = TruncatedSVD(DIMENSIONS, n_iter=7, random_state=0)
        reduced = svd.fit_transform(matrix) / np.sqrt(svd.singular_values_)
    return reduced / np.maximum(np.linalg.norm(reduced, axis=1, keepdims=True), 1e-9)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", help="CSV (gzip) with a text column")
    parser.add_argument("--sample", type=int, default=0, help="answers drawn (0: all)")
    parser.add_argument("--out", default=str(DATA / "word_vectors.npz"))
    args = parser.parse_args()
    started = time.perf_counter()

    def step(name: str) -> None:
        print(f"{time.perf_counter() - started:6.1f} s  {name}", flush=True)

    documents = tokenise(read_answers(args.corpus, args.sample))
    step(f"{len(documents)} answers tokenised")
    words = vocabulary(documents)
    matrix = ppmi(cooccurrences(documents, words))
    step(f"{len(words)} terms, {matrix.nnz} positive PMI cells")
    vectors = embed(matrix)
    step(f"{DIMENSIONS} dimensions")
    np.savez_compressed(args.out, words=np.array(words), vectors=vectors.astype(np.float16))
    step(f"written {args.out} ({Path(args.out).stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
