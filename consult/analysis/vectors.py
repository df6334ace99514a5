"""Texts as vectors: each text's terms and bigrams counted, then weighted by TF-IDF.

Terms are those of :func:`consult.analysis.text.terms` (lemmatised, unaccented, stop
words out); each distinct whitespace-separated chunk of text is analysed once
(:class:`Terms`), which keeps a corpus of millions of answers fast. Pure computation.
"""

from itertools import accumulate, chain, count, filterfalse, islice, repeat

import numpy as np
from scipy import sparse
from scipy.sparse import _sparsetools
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2

from consult.analysis.phrases import clean
from consult.analysis.statements import chunk_terms
from consult.analysis.text import word_terms

BATCH = 50_000  # texts tokenised at a time (bounds the memory of temporary strings)
SPLIT = 1_000  # texts split into words at a time, within a batch (see Terms.sequence)
_PUNCTUATION = ".,;:!?()[]{}«»\"'’…*/–—-_<>"


class Terms:
    """Whitespace-separated pieces of text (“chunks”) → term ids, each chunk analysed once.

    ``terms(text)`` is the concatenation of ``terms(chunk)`` over ``text.split()`` (a
    token never spans a space), so analysing each distinct chunk once gives exactly the
    terms of :func:`consult.analysis.text.terms`, much faster on a large corpus.
    """

    def __init__(self, keep_reading: bool = False):
        # keep_reading: keep each text's chunk ids (``read``), for a second pass over the
        # same texts (the statements) that should not split and look them up again.
        self.read: list[np.ndarray] | None = [] if keep_reading else None
        self.chunks: dict[str, int] = Numbering()
        self.chunk_keys: list[str] = []  # each chunk lower-cased, edge punctuation off
        self.keys: dict[str, list[int]] = {}
        self.frequency: list[int] = []
        self.term_ids: dict[str, int] = {}
        self.names: list[str] = []
        self.offsets: list[int] = [0]
        self.flat: list[int] = []
        self._surfaces: list[str] | None = None

    def of(self, chunk: str) -> list[int]:
        index = self.chunks.get(chunk)
        if index is None:
            self._add([chunk])
            index = self.chunks[chunk]
        return self.flat[self.offsets[index] : self.offsets[index + 1]]

    def _add(self, chunks) -> None:
        """Number the ``chunks`` (distinct) not seen yet, and their terms, in order."""
        new = list(filterfalse(self.chunks.__contains__, chunks))
        if new:
            start = len(self.chunks)
            self.chunks.update(zip(new, range(start, start + len(new)), strict=True))
            self._analyse(new)

    def _analyse(self, new: list[str]) -> None:
        """The terms of the ``new`` chunks, numbered already (the last ones of ``chunks``),
        in order; by whole lists, each step a map in C (no Python call per chunk or term)."""
        self.frequency.extend([0] * len(new))
        # Case and the punctuation around a word change nothing to its terms.
        keys = list(map(str.strip, map(str.lower, new), repeat(_PUNCTUATION)))
        self.chunk_keys.extend(keys)
        known, ids = self.keys, self.term_ids
        # each key not seen yet analysed once, in the order its chunks come
        fresh = list(filterfalse(known.__contains__, dict.fromkeys(keys)))
        found = _chunk_terms(fresh)
        names = list(chain.from_iterable(found))
        # a new term takes the next number, in the order its keys come
        added = list(filterfalse(ids.__contains__, dict.fromkeys(names)))
        ids.update(zip(added, count(len(ids))))
        self.names.extend(added)
        # each fresh key's term ids: its slice of them, between the running ends of the
        # keys' lengths (a slice of a list per key costs less than an islice made per key)
        numbered = list(map(ids.__getitem__, names))
        bounds = list(accumulate(map(len, found), initial=0))
        parts = map(numbered.__getitem__, map(slice, bounds, islice(bounds, 1, None)))
        known.update(zip(fresh, parts, strict=True))
        found = list(map(known.__getitem__, keys))
        self.flat.extend(chain.from_iterable(found))
        ends = accumulate(map(len, found), initial=self.offsets[-1])
        self.offsets.extend(islice(ends, 1, None))  # the first is the last offset already

    def sequence(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The terms of ``texts`` in order, the text each comes from, and chunks per text."""
        start = len(self.chunks)
        words, found = [], []  # per few texts: chunks per text, their chunk ids
        # a few texts split at a time: the words that are no new chunk are freed at once,
        # and the next texts' words take their memory (no fresh pages for all the words)
        for begin in range(0, len(texts), SPLIT):
            split = list(map(str.split, texts[begin : begin + SPLIT]))
            words.append(np.fromiter(map(len, split), np.int64, len(split)))
            # one look-up per chunk, which numbers the new ones as they come
            flat = map(self.chunks.__getitem__, chain.from_iterable(split))
            found.append(np.fromiter(flat, np.int64, int(words[-1].sum())))
        lengths = np.concatenate(words) if words else np.zeros(0, np.int64)
        chunk_ids = np.concatenate(found) if found else np.zeros(0, np.int64)
        if len(self.chunks) > start:
            self._analyse(list(islice(self.chunks, start, None)))
        if self.read is not None:
            self.read.append(chunk_ids.astype(np.int32))
        seen = np.bincount(chunk_ids, minlength=len(self.frequency))
        self.frequency = (np.asarray(self.frequency, np.int64) + seen).tolist()
        offsets = np.asarray(self.offsets, dtype=np.int64)
        counts = np.diff(offsets)[chunk_ids]
        ends = np.cumsum(counts)
        starts = offsets[chunk_ids] - (ends - counts)
        positions = np.repeat(starts, counts) + np.arange(ends[-1] if len(ends) else 0)
        docs = np.repeat(np.repeat(np.arange(len(texts), dtype=np.int32), lengths), counts)
        return np.asarray(self.flat, dtype=np.int32)[positions], docs, lengths

    def surface(self, term: int) -> str:
        """The word people wrote most often for ``term`` ("délais" for "del")."""
        if self._surfaces is None:
            best: dict[int, tuple[int, int, str]] = {}
            for chunk, index in self.chunks.items():
                start, end = self.offsets[index], self.offsets[index + 1]
                word = clean([chunk])
                if end - start != 1 or not word or " " in word:
                    continue
                candidate = (self.frequency[index], -len(word), word)
                best[self.flat[start]] = max(best.get(self.flat[start], candidate), candidate)
            self._surfaces = [best[t][2] if t in best else n for t, n in enumerate(self.names)]
        return self._surfaces[term]


def _chunk_terms(keys: list[str]) -> list[tuple[str, ...]]:
    """``chunk_terms`` of each key: a plain word of the dictionary's read in the table that
    :func:`load_lemmas` fills once per process (a look-up in C per key), the others
    analysed."""
    found = list(map(word_terms().get, keys))
    for index in [i for i, terms in enumerate(found) if terms is None]:
        found[index] = chunk_terms(keys[index])
    return found


class Numbering(dict):
    """Keys → their numbers: a key not seen yet takes the next one when looked up
    (``dict`` otherwise; a hit stays a plain look-up in C)."""

    def __missing__(self, key) -> int:
        self[key] = number = len(self)
        return number


def count_matrix(texts: list[str], vocabulary: Terms, min_df: int):
    """Counts of terms and bigrams per text (CSR), each feature's term ids, words per text."""
    rows, cols, bigram_rows, bigram_keys, words = [], [], [], [], []
    for start in range(0, len(texts), BATCH):
        sequence, docs, lengths = vocabulary.sequence(texts[start : start + BATCH])
        docs += start
        rows.append(docs)
        cols.append(sequence)
        words.append(lengths)
        same = docs[1:] == docs[:-1]
        bigram_rows.append(docs[1:][same])
        bigram_keys.append((sequence[:-1][same].astype(np.int64) << 32) | sequence[1:][same])
    n_terms = len(vocabulary.names)
    keys = np.concatenate(bigram_keys) if bigram_keys else np.zeros(0, np.int64)
    pairs, inverse, frequency = np.unique(keys, return_inverse=True, return_counts=True)
    frequent = frequency >= min_df  # a bigram said fewer times is in fewer texts
    renumber = np.cumsum(frequent) - 1 + n_terms
    keep = frequent[inverse]
    rows.append(np.concatenate(bigram_rows)[keep] if bigram_rows else np.zeros(0, np.int32))
    cols.append(renumber[inverse][keep].astype(np.int32))
    pairs = pairs[frequent]
    first = np.concatenate([np.arange(n_terms), pairs >> 32]).astype(np.int32)
    second = np.concatenate([np.full(n_terms, -1), pairs & 0xFFFFFFFF]).astype(np.int32)
    row, col = np.concatenate(rows), np.concatenate(cols)
    del rows, cols, keys, inverse, keep
    shape = (len(texts), len(first))
    counts = sparse.csr_matrix((np.ones(len(row), np.float32), (row, col)), shape=shape)
    counts.sum_duplicates()
    n_words = np.concatenate(words) if words else np.zeros(0, np.int64)
    return counts, first, second, n_words


def keep_columns(matrix, keep: np.ndarray):
    """``matrix[:, keep]`` for a boolean mask, in one pass over the stored values."""
    renumber = (np.cumsum(keep) - 1).astype(np.int32)
    kept = keep[matrix.indices]
    # values kept before each position: a row starts where the values kept before it end
    before = np.zeros(len(kept) + 1, np.int64)
    np.cumsum(kept, out=before[1:])
    indptr = before[matrix.indptr]
    shape = (matrix.shape[0], int(keep.sum()))
    return csr(matrix.data[kept], renumber[matrix.indices[kept]], indptr, shape)


def take_rows(matrix, rows: np.ndarray) -> sparse.csr_matrix:
    """``matrix[rows]`` for a CSR matrix and an array of row numbers: the same values in the
    same order, without SciPy's checks of the index (an idea takes its rows many times)."""
    starts = matrix.indptr[rows]
    counts = matrix.indptr[rows + 1] - starts
    indptr = np.zeros(len(rows) + 1, np.int64)
    counts.cumsum(out=indptr[1:])  # the methods: numpy's functions wrap them in Python
    where = (starts - indptr[:-1]).repeat(counts) + np.arange(indptr[-1])
    return csr(matrix.data[where], matrix.indices[where], indptr, (len(rows), matrix.shape[1]))


def distinct(values: np.ndarray) -> np.ndarray:
    """``np.unique(values)``: the sorted values, each once. Numpy's own goes through a hash
    table and checks of its arguments, which cost more than the work on the small arrays
    of the clustering rounds (hundreds of calls in a synthesis)."""
    values = np.sort(values)
    first = np.ones(len(values), bool)
    np.not_equal(values[1:], values[:-1], out=first[1:])
    return values[first]


def tfidf(counts):
    """Sublinear tf × smooth idf, rows l2-normalised: the arithmetic of scikit-learn's
    ``TfidfTransformer(sublinear_tf=True).fit_transform`` on a CSR matrix (same operations in
    the same dtype, values stored in the same order), without its checks of the input: the
    first of them in a process looks for dataframe plug-ins among the installed packages."""
    if not counts.nnz:
        return counts
    dtype = counts.dtype if counts.dtype in (np.float32, np.float64) else np.float64
    df = np.bincount(counts.indices, minlength=counts.shape[1]).astype(dtype)
    df += 1.0
    idf = np.full_like(df, counts.shape[0] + 1, dtype=dtype)
    idf /= df
    np.log(idf, out=idf)
    idf += 1.0
    data = np.log(counts.data.astype(dtype))
    data += 1.0
    data *= idf[counts.indices]
    weighted = csr(data, counts.indices.copy(), counts.indptr.copy(), counts.shape)
    inplace_csr_row_normalize_l2(weighted)
    return weighted


def fitted_tfidf(vectorizer, texts: list[str]) -> sparse.csr_matrix:
    """``vectorizer.transform(texts)`` for a fitted ``TfidfVectorizer`` with l2 rows: the
    same counts (its own ``CountVectorizer.transform``), then the arithmetic of its
    ``TfidfTransformer.transform`` (float64, sublinear tf, × idf, rows l2-normalised) in
    the same order, without its checks of the input. A tag suggestion transforms one text
    a few times; the checks (looking for dataframe libraries, validating parameters) cost
    more than the work: half the processor time of a suggestion."""
    counts = CountVectorizer.transform(vectorizer, texts)
    data = counts.data.astype(np.float64)
    if vectorizer.sublinear_tf:
        np.log(data, out=data)
        data += 1.0
    if vectorizer.use_idf:
        data *= vectorizer.idf_[counts.indices]
    weighted = csr(data, counts.indices, counts.indptr, counts.shape)
    if vectorizer.norm == "l2":
        inplace_csr_row_normalize_l2(weighted)
    elif vectorizer.norm is not None:
        raise ValueError(f"fitted_tfidf: norm {vectorizer.norm!r} is not l2")
    return weighted


def unit_rows(matrix) -> sparse.csr_matrix:
    """``matrix`` (sparse, freshly built: it is changed in place) with rows of length 1.

    What ``sklearn.preprocessing.normalize`` does, without its checks of the input: a
    synthesis normalises a few hundred small matrices, and the checks cost more than the
    work (6 % of a 3,000-answer synthesis)."""
    matrix = matrix.tocsr()
    if matrix.data.dtype not in (np.float32, np.float64):
        matrix = matrix.astype(np.float64)
    inplace_csr_row_normalize_l2(matrix)
    return matrix


def csr(data: np.ndarray, indices: np.ndarray, indptr: np.ndarray, shape) -> sparse.csr_matrix:
    """``sparse.csr_matrix((data, indices, indptr), shape=shape)`` for arrays made right here
    (1-D, ``indptr`` rising from 0, column indices within ``shape``): the same matrix —
    the same arrays, indices and index pointers as int32 as SciPy keeps them for any shape
    under 2³¹, values past ``indptr[-1]`` left out — without SciPy's checks of the
    arrays, which cost more than the work on the small matrices of a synthesis (its
    clustering rounds make hundreds)."""
    matrix = sparse.csr_matrix.__new__(sparse.csr_matrix)
    end = int(indptr[-1])
    matrix.data = data if len(data) == end else data[:end]
    matrix.indices = (indices if len(indices) == end else indices[:end]).astype(
        np.int32, copy=False
    )
    matrix.indptr = indptr.astype(np.int32, copy=False)
    matrix._shape = (int(shape[0]), int(shape[1]))
    matrix.maxprint = _MAXPRINT
    return matrix


_MAXPRINT = sparse.csr_matrix((1, 1)).maxprint


def product(left: sparse.csr_matrix, right: sparse.csr_matrix) -> sparse.csr_matrix:
    """``left @ right`` for two CSR matrices with int32 indices: SciPy's own routine, so the
    same values in the same order in each row (the order of the sums of a row's squares,
    hence the last bits of its norm), without SciPy's checks and conversions around it."""
    rows, columns = left.shape[0], right.shape[1]
    size = _sparsetools.csr_matmat_maxnnz(
        rows, columns, left.indptr, left.indices, right.indptr, right.indices
    )
    indptr, indices = np.empty(rows + 1, np.int32), np.empty(size, np.int32)
    data = np.empty(size, np.promote_types(left.dtype, right.dtype))
    _sparsetools.csr_matmat(
        rows,
        columns,
        left.indptr,
        left.indices,
        left.data,
        right.indptr,
        right.indices,
        right.data,
        indptr,
        indices,
        data,
    )
    return csr(data, indices, indptr, (rows, columns))


def transpose(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """``matrix.T.tocsr()`` for a CSR matrix with int32 indices (its columns as rows, the
    arrays of ``matrix.tocsc()``): SciPy's own routine, the same arrays, without the
    checks of the two conversions around it (a clustering round makes a few)."""
    rows, columns = matrix.shape
    nnz = int(matrix.indptr[-1])
    indptr, indices = np.empty(columns + 1, np.int32), np.empty(nnz, np.int32)
    data = np.empty(nnz, matrix.dtype)
    _sparsetools.csr_tocsc(
        rows, columns, matrix.indptr, matrix.indices, matrix.data, indptr, indices, data
    )
    return csr(data, indices, indptr, (columns, rows))


def times(matrix: sparse.csr_matrix, dense: np.ndarray) -> np.ndarray:
    """``matrix @ dense`` for a CSR matrix and a dense vector or matrix: SciPy's own routine
    (the same sums in the same order), without the dispatch and checks around it."""
    rows, columns = matrix.shape
    dtype = np.promote_types(matrix.dtype, dense.dtype)
    if dense.ndim == 1:
        result = np.zeros(rows, dtype)
        _sparsetools.csr_matvec(
            rows, columns, matrix.indptr, matrix.indices, matrix.data, dense, result
        )
        return result
    result = np.zeros((rows, dense.shape[1]), dtype)
    _sparsetools.csr_matvecs(
        rows,
        columns,
        dense.shape[1],
        matrix.indptr,
        matrix.indices,
        matrix.data,
        dense.ravel(),
        result.ravel(),
    )
    return result


def diagonal(values: np.ndarray) -> sparse.csr_matrix:
    """``sparse.diags(values).tocsr()``: the square matrix of ``values`` on its diagonal,
    the zero ones not stored (a product by it scales columns: :func:`product`)."""
    kept = np.flatnonzero(values)
    indptr = np.zeros(len(values) + 1, np.int32)
    np.cumsum(values != 0, out=indptr[1:])
    return csr(values[kept], kept, indptr, (len(values), len(values)))
