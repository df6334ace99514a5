"""Word vectors learned on the Grand Débat answers: shipped, loaded, and matching rewordings."""

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from consult.analysis import duplicates
from consult.analysis.similarity import soft_cosines, term_similarity, word_vectors
from consult.analysis.text import terms

CHILDCARE = "Manque de places en crèche."
REWORDED = "Pas assez de solutions de garde pour les bébés."
UNRELATED = "Il faut réparer les routes départementales."


def _soft(texts: list[str]) -> np.ndarray:
    vectorizer = TfidfVectorizer(analyzer=terms)
    matrix = vectorizer.fit_transform(texts)
    return soft_cosines(matrix, vectorizer.get_feature_names_out())


def test_vectors_load_once_with_the_app_terms():
    model = word_vectors()
    assert word_vectors() is model
    assert len(model.index) > 5_000
    assert model.vectors.shape == (len(model.index), 100)
    for word in ("crèche", "logement", "transports"):
        assert terms(word)[0] in model.index
    norms = np.linalg.norm(model.vectors, axis=1)
    assert np.allclose(norms, 1.0, atol=0.01)


def test_rewordings_without_a_shared_word_score_above_unrelated_texts():
    assert not set(terms(CHILDCARE)) & set(terms(REWORDED))
    scores = _soft([CHILDCARE, REWORDED, UNRELATED])
    assert scores[0, 1] > 2 * scores[0, 2]
    assert scores[0, 1] > 2 * scores[1, 2]


def test_shared_words_score_as_a_plain_cosine_would():
    scores = _soft(["Plus de bus le soir.", "Plus de bus le soir !"])
    assert abs(scores[0, 1] - 1.0) < 1e-5


def test_unknown_terms_match_only_themselves():
    similarity = term_similarity(["zzqx", "wwyk"]).toarray()
    assert np.array_equal(similarity, np.eye(2))


def test_duplicate_scores_use_the_word_vectors(monkeypatch):
    texts = [CHILDCARE, REWORDED, UNRELATED]
    monkeypatch.setattr(duplicates, "SOFT_MATCHING", True)
    with_vectors = duplicates.similarity_matrix(texts).scores
    monkeypatch.setattr(duplicates, "SOFT_MATCHING", False)
    without = duplicates.similarity_matrix(texts).scores
    assert with_vectors[0, 1] > without[0, 1]
