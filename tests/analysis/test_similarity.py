"""Near-duplicates and key terms on contributions written in different words."""

from consult.analysis.similarity import (
    is_empty_answer,
    key_terms,
    near_duplicates,
    readable_label,
    vectorise,
)

TEXTS = [
    "Plus de transports en commun entre les villages et la ville.",  # 0
    "RAS",  # 1
    "Il faudrait davantage de transports en commun pour relier les villages à la ville.",  # 2
    "Les délais de la MDPH sont beaucoup trop longs.",  # 3
    "Non.",  # 4
    "Plus de transports en commun entre les villages et la ville.",  # 5 (copy of 0)
    "La MDPH met des mois à répondre, les délais sont trop longs.",  # 6
    "Créer des places en crèche à horaires décalés.",  # 7
]


def test_empty_answers_are_recognised():
    assert is_empty_answer("R.A.S") is False  # letters joined with dots: kept for a human
    assert is_empty_answer(" ras ")
    assert is_empty_answer("Rien à ajouter.")
    assert not is_empty_answer("Rien ne va à la MDPH")


def test_copies_rewordings_and_empty_answers_are_grouped():
    groups = {tuple(g.members): g.reason for g in near_duplicates(TEXTS, threshold=0.3)}
    assert groups[(0, 2, 5)] == "même idée, autres mots"
    assert groups[(1, 4)] == "réponses vides"
    assert groups[(3, 6)] == "même idée, autres mots"
    assert not any(7 in members for members in groups)


def test_identical_copies_alone_are_called_identical():
    groups = near_duplicates(["Plus de bus.", "plus de bus !", "Des crèches."])
    assert [(g.members, g.reason) for g in groups] == [([0, 1], "textes identiques")]


def test_key_terms_label_a_group():
    matrix, vectorizer = vectorise(TEXTS)
    labels = [readable_label(t, TEXTS) for t in key_terms(matrix, vectorizer, [3, 6], limit=3)]
    assert "mdph" in labels
    assert "délais" in labels
