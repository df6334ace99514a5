import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer

from consult.analysis.phrases import Phrases, clean, is_weak
from consult.analysis.text import terms
from consult.analysis.vectors import (
    Terms,
    count_matrix,
    csr,
    diagonal,
    fitted_tfidf,
    keep_columns,
    product,
    take_rows,
    tfidf,
    times,
    transpose,
)

TEXTS = [
    "Plus de places en crèche, vite !",
    "Les places en crèche manquent.",
    "Des bus le soir",
]


def test_each_text_counts_the_terms_of_text_terms_and_their_bigrams():
    vocabulary = Terms()
    counts, first, second, words = count_matrix(TEXTS, vocabulary, min_df=1)
    row = counts[1].toarray().ravel()
    unigrams = sorted(vocabulary.names[f] for f in np.flatnonzero(row) if second[f] < 0)
    assert unigrams == sorted(set(terms(TEXTS[1])))
    bigrams = {(first[f], second[f]) for f in np.flatnonzero(row) if second[f] >= 0}
    assert len(bigrams) == len(terms(TEXTS[1])) - 1
    assert words.tolist() == [len(t.split()) for t in TEXTS]


def test_keep_columns_is_a_column_selection():
    counts, *_ = count_matrix(TEXTS, Terms(), min_df=1)
    keep = np.arange(counts.shape[1]) % 2 == 0
    assert (keep_columns(counts, keep).toarray() == counts.toarray()[:, keep]).all()


def test_transpose_gives_the_arrays_of_scipys_own():
    matrix = sparse.random(30, 50, density=0.1, format="csr", random_state=4, dtype=np.float32)
    ours, theirs = transpose(matrix), matrix.T.tocsr()
    assert ours.shape == theirs.shape == (50, 30)
    for name in ("data", "indices", "indptr"):
        assert np.array_equal(getattr(ours, name), getattr(theirs, name)), name
    assert np.array_equal(ours.indices, matrix.tocsc().indices)


def test_tfidf_is_scikit_learns_sublinear_smooth_l2():
    counts, *_ = count_matrix(TEXTS * 2, Terms(), min_df=1)
    expected = TfidfVectorizer(sublinear_tf=True, analyzer=lambda x: x).fit_transform(
        [
            [str(c) for c, n in zip(row.indices, row.data, strict=True) for _ in range(int(n))]
            for row in counts
        ]
    )
    ours = tfidf(counts.copy())
    assert ours.dtype == np.float32
    assert np.allclose(np.sort(ours.toarray(), axis=1), np.sort(expected.toarray(), axis=1))


def test_tfidf_gives_the_values_of_scikit_learns_transformer_bit_for_bit():
    matrix = sparse.random(60, 40, density=0.2, format="csr", random_state=2, dtype=np.float32)
    matrix.data = np.ceil(matrix.data * 4)
    # values stored in a row's reverse order, as a product by a diagonal matrix leaves them
    reversed_rows = matrix @ sparse.diags(np.ones(40, np.float32))
    for counts in (matrix, reversed_rows, matrix.astype(np.float64)):
        expected = TfidfTransformer(sublinear_tf=True).fit_transform(counts)
        ours = tfidf(counts)
        assert ours.dtype == expected.dtype
        for name in ("indptr", "indices", "data"):
            assert getattr(ours, name).tolist() == getattr(expected, name).tolist()


def test_fitted_tfidf_is_the_vectorizers_transform_bit_for_bit():
    """Issue 17: a tag suggestion transforms its text without scikit-learn's checks of
    the input; the matrix is the one ``TfidfVectorizer.transform`` gives, to the bit."""
    corpus = [" ".join(terms(text)) for text in TEXTS] + ["aide domicile aide", "répit"]
    new = ["aide au répit des aidants, aide à domicile", "rien de connu", "", "répit répit"]
    for options in ({"sublinear_tf": True}, {}, {"sublinear_tf": True, "use_idf": False}):
        for analyzer in ("word", "char_wb"):
            vectorizer = TfidfVectorizer(analyzer=analyzer, **options).fit(corpus)
            expected, ours = vectorizer.transform(new), fitted_tfidf(vectorizer, new)
            assert ours.shape == expected.shape
            assert ours.dtype == expected.dtype
            for name in ("indptr", "indices", "data"):
                assert getattr(ours, name).tolist() == getattr(expected, name).tolist()


def test_phrases_give_terms_back_as_people_wrote_them():
    vocabulary = Terms()
    counts, first, second, _ = count_matrix(TEXTS, vocabulary, min_df=1)

    def feature_terms(feature):
        return (
            (int(first[feature]),)
            if second[feature] < 0
            else (int(first[feature]), int(second[feature]))
        )

    pair = next(
        f
        for f in range(len(first))
        if second[f] >= 0 and vocabulary.names[first[f]].startswith("plac")
    )
    assert Phrases(TEXTS, vocabulary, feature_terms, [0, 1]).get(pair) == "places en crèche"
    assert clean(["manquent."]) == "manquent"
    assert clean(["vite,", "Les"]) == ""
    assert is_weak("suis")
    assert not is_weak("crèche")


def test_take_rows_is_scipy_row_selection():
    matrix = sparse.random(40, 30, density=0.2, format="csr", random_state=1)
    for rows in ([], [3], [5, 0, 5, 39], list(range(39, -1, -2))):
        rows = np.asarray(rows, np.int64)
        taken, expected = take_rows(matrix, rows), matrix[rows]
        assert taken.shape == expected.shape
        for name in ("indptr", "indices", "data"):
            assert getattr(taken, name).tolist() == getattr(expected, name).tolist()


def _same_matrix(found, expected):
    """The same CSR matrix, array for array: values, their order in each row, dtypes."""
    assert type(found) is type(expected)
    assert found.shape == expected.shape
    for name in ("indptr", "indices", "data"):
        found_array, expected_array = getattr(found, name), getattr(expected, name)
        assert found_array.dtype == expected_array.dtype, name
        assert found_array.tolist() == expected_array.tolist(), name


def test_csr_is_scipys_matrix_of_the_same_arrays():
    matrix = sparse.random(20, 15, density=0.3, format="csr", random_state=2)
    data, indices = np.append(matrix.data, 7.0), np.append(matrix.indices, 3)  # one past
    indptr = matrix.indptr.astype(np.int64)
    expected = sparse.csr_matrix((data, indices, indptr), shape=(20, 15))
    _same_matrix(csr(data, indices, indptr, (20, 15)), expected)
    assert (csr(data, indices, indptr, (20, 15)) != expected).nnz == 0


def test_product_gives_scipys_values_in_scipys_order():
    # the order of a row's values decides the last bits of its norm: SciPy's product
    # leaves them unsorted, and so must this one
    for seed in range(20):
        rng = np.random.default_rng(seed)
        left = sparse.random(12, 30, density=0.3, format="csr", random_state=seed)
        right = sparse.random(30, 25, density=0.2, format="csr", random_state=seed + 100)
        right = right.astype(np.float32)
        _same_matrix(product(left, right), left @ right)
        kept = (rng.random(25) < 0.6).astype(np.float32)
        _same_matrix(product(right, diagonal(kept)), right @ sparse.diags(kept))
    nothing, ones = sparse.csr_matrix((3, 4)), sparse.csr_matrix(np.ones((4, 2)))
    _same_matrix(product(nothing, ones), nothing @ ones)


def test_diagonal_is_scipys_diagonal_matrix():
    values = np.array([0.5, 0, 2, 0, 0, 1], np.float32)
    _same_matrix(diagonal(values), sparse.diags(values).tocsr())


def test_times_gives_scipys_dense_products_bit_for_bit():
    matrix = sparse.random(30, 20, density=0.3, format="csr", random_state=3).astype(np.float32)
    rng = np.random.default_rng(3)
    vector, columns = rng.random(20), rng.random((4, 20)).astype(np.float32).T  # F order
    for dense in (vector, vector.astype(np.float32), columns):
        found, expected = times(matrix, dense), matrix @ dense
        assert found.dtype == expected.dtype
        assert found.tobytes() == expected.tobytes()


def test_product_by_a_transposed_matrix_made_csr_is_scipys():
    matrix = sparse.random(8, 40, density=0.3, format="csr", random_state=4)
    _same_matrix(product(matrix, matrix.T.tocsr()), matrix @ matrix.T)


def test_the_words_of_the_dictionary_are_read_in_the_table_not_analysed(monkeypatch):
    from consult.analysis import text, vectors

    texts = ["Les maisons âgées, vite !", "L'accueil de la MDPH… à Chambéry.", "Les maisons"]
    without = Terms()
    expected = without.sequence(texts)
    monkeypatch.setattr(text, "_WORD_TERMS", text._dictionary_terms())
    analysed = []
    real = vectors.chunk_terms
    monkeypatch.setattr(vectors, "chunk_terms", lambda key: analysed.append(key) or real(key))
    vocabulary = Terms()
    found = vocabulary.sequence(texts)
    assert analysed == ["vite", "", "l'accueil", "mdph", "chambéry"]  # not in the dictionary
    assert vocabulary.names == without.names
    for ours, theirs in zip(found, expected, strict=True):
        assert np.array_equal(ours, theirs)
