"""Near-duplicates and key terms on contributions written in different words."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from consult.analysis import duplicates
from consult.analysis.duplicates import (
    DEFAULT_THRESHOLD,
    closer_to_first,
    concepts,
    explain_pair,
    find_campaigns,
    find_duplicates,
)
from consult.analysis.similarity import (
    is_empty_answer,
    key_terms,
    letters,
    readable,
    readable_label,
    readable_words,
    vectorise,
)
from consult.analysis.text import strip_accents, terms

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
    groups = {tuple(g.members): g.reason for g in find_duplicates(TEXTS)}
    assert groups[(0, 2, 5)] == "même idée, autres mots"
    assert groups[(1, 4)] == "réponses vides"
    assert groups[(3, 6)] == "même idée, autres mots"
    assert not any(7 in members for members in groups)


def test_identical_copies_alone_are_called_identical():
    groups = find_duplicates(["Plus de bus.", "plus de bus !", "Des crèches."])
    assert [(g.members, g.reason) for g in groups] == [([0, 1], "textes identiques")]


def test_key_terms_label_a_group():
    matrix, vectorizer = vectorise(TEXTS)
    labels = [readable_label(t, TEXTS) for t in key_terms(matrix, vectorizer, [3, 6], limit=3)]
    assert "mdph" in labels
    assert "délais" in labels


# ---------------------------------------------------------------- rewordings, campaigns

REWORDINGS = [
    # 0 and 1: the same idea, few words in common (sector synonyms do the work)
    "On manque de familles d'accueil : beaucoup d'assistantes familiales partent à la retraite.",
    "Pénurie d'assistants familiaux, les départs en retraite ne sont pas remplacés.",
    "Créer des places en crèche à horaires décalés pour les parents qui travaillent tôt.",
    "Les délais de la MDPH pour renouveler l'AAH sont beaucoup trop longs.",
    "Ouvrir des permanences d'aide au numérique dans les maisons sociales le samedi.",
    "Un référent unique pour les allocataires du RSA, qui ne change pas tous les six mois.",
    "Plus de bus entre les villages et la ville, le soir et le week-end.",
    "Les mineurs non accompagnés attendent des semaines avant un bilan de santé.",
]


def test_sector_concepts_are_found_whatever_the_words():
    assert "mna" in concepts("Les MNA arrivent sans papiers.")
    assert "mna" in concepts("Un mineur non accompagné arrive sans papiers.")
    assert "assfam" in concepts("Les familles d’accueil manquent.")
    assert "assfam" not in concepts("Les familles attendent.")


@pytest.mark.parametrize(
    "text",
    [
        "J'ai appelé trois fois pour mon père, personne ne m'a rappelée.",
        "Impossible de joindre la MDPH, le standard ne répond jamais.",
        "On passe des heures au téléphone avant d'avoir quelqu'un.",
    ],
)
def test_not_reaching_the_service_is_one_concept_whatever_the_words(text):
    assert "joindre_service" in concepts(text)


def test_widowhood_and_old_age_are_named_however_they_are_said():
    assert "veuvage" in concepts("Ma voisine est seule depuis la mort de son mari.")
    assert "personnes_agees" in concepts("Ma voisine de 80 ans ne sort plus.")
    assert "personnes_agees" not in concepts("Il a 18 ans depuis mars.")
    assert "joindre_service" not in concepts("Il faut rappeler les règles à tout le monde.")


def test_a_rewording_is_grouped_and_explained_and_topics_alone_are_not():
    groups = find_duplicates(REWORDINGS)
    assert [g.members for g in groups] == [[0, 1]]
    (group,) = groups
    assert group.reason == "même idée, autres mots"
    assert group.score >= DEFAULT_THRESHOLD
    assert "retraite" in group.shared
    assert any("famil" in s for s in group.shared)  # « assistantes familiales » / concept


def test_copies_and_empty_answers_are_grouped_with_their_reason():
    groups = find_duplicates(["RAS", "Plus de bus.", "plus de bus !", "Non.", "Des crèches."])
    found = {tuple(g.members): g.reason for g in groups}
    assert found == {(0, 3): "réponses vides", (1, 2): "textes identiques"}


def test_explain_pair_says_what_two_texts_share():
    score, shared = explain_pair(REWORDINGS[3], "La MDPH met six mois à renouveler mon AAH.")
    assert "mdph" in [s.lower() for s in shared]
    assert 0 < score <= 1


def test_a_campaign_is_many_near_identical_texts_sent_together():
    start = datetime(2026, 3, 1, 9, tzinfo=UTC)
    slogan = "Non à la fermeture du foyer de Moûtiers ! Signé : un habitant"
    texts = [slogan] * 6 + [slogan.replace("un habitant", "une habitante")] + REWORDINGS
    times = [start + timedelta(minutes=i) for i in range(len(texts))]
    (campaign,) = find_campaigns(texts, times)
    assert campaign.members == list(range(7))
    assert (campaign.first_at, campaign.last_at) == (times[0], times[6])


def test_identical_texts_spread_over_months_or_too_few_are_not_a_campaign():
    start = datetime(2026, 3, 1, 9, tzinfo=UTC)
    texts = ["Plus de bus le soir."] * 6 + ["RAS"] * 10
    spread = [start + timedelta(days=30 * i) for i in range(6)] + [start] * 10
    assert find_campaigns(texts, spread) == []
    assert find_campaigns(texts[:4], [start] * 4) == []


def test_readable_words_read_every_term_as_readable_reads_each():
    texts = [
        *TEXTS,
        "Les aidants, l'aidant, des Aidants ; aidante (aidantes) : « aidant » !",
        "délai, délais, délai, délais — une Crèche, des crèches",
        "Le bus-navette de nuit et l’auto-stop organisé",
    ]
    found = readable_words(texts)
    every_term = {term for text in texts for term in terms(text)} | {"zzz", "transport zzz"}

    assert found  # most terms are read from the texts
    for term in every_term:
        assert found.get(term, term) == readable(term, texts), term
        assert readable_label(term, texts, found) == readable_label(term, texts), term


def _meeting(name: str) -> list[dict]:
    """A demo meeting's texts, as its « Doublons » page compares them."""
    return json.loads((Path(__file__).parents[1] / "fixtures" / f"{name}.json").read_text("utf-8"))


# The demo's « Université sociale 2019 » meeting, as its « Doublons » page compares it.
MEETING = _meeting("universite-sociale-2019")


def _proposed_in_meeting(meeting: list[dict] = MEETING) -> set[frozenset[int]]:
    found = find_duplicates([c["text"] for c in meeting], kinds=[c["kind"] for c in meeting])
    return {frozenset(meeting[i]["id"] for i in g.members) for g in found}


@pytest.mark.parametrize(
    "met_on_one_thing",
    [
        {185, 217},  # « mon appartement à moi tout seul » / « je fais tout seule, la nuit »
        {195, 200},  # « est-ce qu'on peut choisir… se passe » / « qu'est-ce qui se passe »
    ],
)
def test_short_texts_met_on_one_word_are_not_proposed_as_the_same_idea(
    met_on_one_thing, monkeypatch
):
    assert frozenset(met_on_one_thing) not in _proposed_in_meeting()
    monkeypatch.setattr(duplicates, "MIN_SHARED", 0)
    assert frozenset(met_on_one_thing) in _proposed_in_meeting()  # close by the scores alone


def test_a_rewording_sharing_several_things_is_still_proposed():
    # « Pourquoi les aides à domicile changent tout le temps ? » / « Toujours la même aide
    # à domicile, ou au moins une petite équipe »
    assert frozenset({179, 180}) in _proposed_in_meeting()


def test_a_text_reads_closer_to_the_part_it_shares_its_subject_with():
    housing = ["Les loyers sont trop chers pour les jeunes", "Construire des logements sociaux"]
    childcare = ["Plus de places en crèche", "Des crèches ouvertes aux horaires décalés"]
    texts = ["Aider les jeunes à trouver un premier logement", "Une crèche ouverte le samedi"]
    assert closer_to_first(texts, housing, childcare) == [True, False]
    assert closer_to_first(texts, childcare, housing) == [False, True]
    assert closer_to_first(["RAS"], ["?"], ["…"]) == [False]  # no word to compare by


@pytest.mark.parametrize(
    ("meeting", "pair"),
    [
        # « Les aidants des personnes handicapées vieillissantes s'épuisent » / « Les personnes
        # handicapées qui vivent seules n'ont souvent personne pour les aider… dossier MDPH »
        ("concertation-bassin-chamberien", {35, 43}),
        # « Que les personnes au RSA puissent témoigner dans les formations des travailleurs
        # sociaux » / « Des groupes d'entraide entre personnes au RSA, dans les centres sociaux »
        ("universite-sociale-2019", {187, 189}),
    ],
)
def test_texts_sharing_only_whom_they_speak_of_are_not_the_same_idea(meeting, pair, monkeypatch):
    texts = _meeting(meeting)
    assert frozenset(pair) not in _proposed_in_meeting(texts)
    everything = lambda text, found: frozenset(terms(text) + [f"§{c}" for c in found])  # noqa: E731
    monkeypatch.setattr(duplicates, "said", everything)
    assert frozenset(pair) in _proposed_in_meeting(texts)  # close by scores and shared terms


def test_what_a_text_says_leaves_out_its_public_and_the_words_of_expressions():
    text = "Des groupes d'entraide entre personnes au RSA, dans les centres sociaux."
    assert duplicates.said(text, concepts(text)) == {*terms("entraide groupes centres sociaux")}
    text = "Former les travailleurs sociaux aux aidants des personnes handicapées."
    assert duplicates.said(text, concepts(text)) == {"§travailleur_social", "§formation"}


def test_publics_are_concepts_of_the_sector():
    names = {name for name, _ in duplicates._concept_patterns()}
    assert names >= duplicates.PUBLICS


@pytest.mark.parametrize(
    ("meeting", "pair"),
    [
        ("concertation-combe-de-savoie", {92, 93}),  # handicap psychique: invisible, unknown
        ("concertation-combe-de-savoie", {103, 104}),  # the child heard on its projet
    ],
)
def test_rewordings_that_say_the_same_of_one_public_are_still_proposed(meeting, pair):
    assert frozenset(pair) in _proposed_in_meeting(_meeting(meeting))


@pytest.fixture
def unsaid_terms_reread():
    duplicates._unsaid_terms.cache_clear()
    yield
    duplicates._unsaid_terms.cache_clear()


def test_two_proposals_sharing_only_their_verb_of_proposing_are_not_the_same_idea(
    monkeypatch, unsaid_terms_reread
):
    # « Créer des places en établissement pour enfants handicapés plus proches des familles
    # en Tarentaise » / « Créer des lieux d'accueil enfants-parents dans les vallées »
    texts = _meeting("concertation-tarentaise")
    assert frozenset({132, 145}) not in _proposed_in_meeting(texts)
    monkeypatch.setattr(duplicates, "PROPOSING", "")
    duplicates._unsaid_terms.cache_clear()
    assert frozenset({132, 145}) in _proposed_in_meeting(texts)  # met on « créer »


def test_a_group_shows_a_shared_expression_without_its_words_again():
    groups = find_duplicates([c["text"] for c in MEETING], kinds=[c["kind"] for c in MEETING])
    (group,) = [g for g in groups if {MEETING[i]["id"] for i in g.members} == {179, 180}]
    assert group.shared == ["aides à domicile"]  # not « aide » again


def test_letters_keeps_what_isalnum_keeps():
    # underscore, superscript and fraction digits, letters of other scripts, combining
    # marks and punctuation: each kept or made a space as str.isalnum says
    text = "Mots_clés : x² ½ ٣ Ωmega — l’État, «RAS»\u0301!"
    expected = " ".join(
        "".join(ch if ch.isalnum() else " " for ch in strip_accents(text.lower())).split()
    )
    assert letters(text) == expected
