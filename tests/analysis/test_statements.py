"""consult.analysis.statements: a vocabulary taken over from the corpus's words reads the same."""

import numpy as np
import pytest

from consult.analysis.statements import (
    JUDGED,
    LESS,
    MORE,
    NEGATED,
    Read,
    Vocabulary,
    chunk_judgement,
    chunk_prefixes,
    split_statements,
    strip_prefix,
)
from consult.analysis.vectors import Terms, count_matrix

TEXTS = [
    "Je ne suis pas prêt à payer plus d'impôts pour la transition écologique du pays. "
    "Mais le train doit coûter moins cher que la voiture pour aller travailler chaque jour\n"
    "Voilà mon avis",
    "Je suis prêt à payer plus pour le train ; les trains régionaux sont trop rares.",
    "Jamais de pesticides près des écoles !",
    "Plus de pistes cyclables. Des vélos en location dans chaque commune du département.",
]


def _read(statements) -> list[set[str]]:
    """Each statement's terms, by name (ids depend on the order words were first read)."""
    names = statements.vocabulary.names
    counts = statements.counts.tocsr()
    return [
        {names[t] for t in counts.indices[counts.indptr[row] : counts.indptr[row + 1]]}
        for row in range(counts.shape[0])
    ]


def _from_corpus(texts: list[str]) -> tuple[Terms, Vocabulary]:
    corpus = Terms()
    count_matrix(texts, corpus, 1)
    return corpus, Vocabulary.of_chunks(corpus.chunks, corpus.offsets, corpus.flat, corpus.names)


def test_a_vocabulary_of_the_corpus_chunks_gives_the_same_statements_and_terms():
    _, shared = _from_corpus(TEXTS)
    fresh = split_statements(TEXTS, Vocabulary())
    again = split_statements(TEXTS, shared)
    assert np.array_equal(again.source, fresh.source)
    assert np.array_equal(again.spans, fresh.spans)
    assert _read(again) == _read(fresh)
    assert len(fresh.source) > len(TEXTS)  # the long answer was cut into statements
    said = set().union(*_read(again))
    assert "pret" in said
    assert NEGATED + "pret" in said  # « pas prêt » ≠ « prêt »
    assert NEGATED + "pesticid" in said  # « jamais de pesticides »


def test_the_corpus_words_are_not_changed_by_the_statements():
    corpus, shared = _from_corpus(TEXTS)
    chunks, flat, names = dict(corpus.chunks), list(corpus.flat), list(corpus.names)
    split_statements(TEXTS, shared)  # adds "." for the line break and the negated terms
    assert "." in shared.chunk_ids
    assert "." not in corpus.chunks
    assert len(shared.names) > len(names)
    assert corpus.chunks == chunks
    assert corpus.flat == flat
    assert corpus.names == names


def test_a_paragraph_ending_a_sentence_is_a_statement_as_after_a_space():
    first = (
        "Il faut beaucoup plus de trains dans les campagnes et les petites villes du "
        "département, surtout le matin."
    )
    second = "Baisser aussi les prix des billets pour les jeunes et les familles du territoire."
    for joined in (f"{first}\n{second}", f"{first} \n\n{second}", f"{first} {second}"):
        found = split_statements([joined])
        assert len(found.source) == 2, joined
        assert found.text([joined], 0) == first
        assert found.text([joined], 1) == second
        assert found.chunks([joined], 1) == tuple(second.split())
    # a line that ends no sentence still ends one
    lines = split_statements([f"{first[:-1]}\n{second}"])
    assert len(lines.source) == 2


def test_chunks_already_read_by_the_corpus_give_the_same_statements():
    texts = [*TEXTS, "Un texte\nsur deux lignes sans point\n\navec une ligne vide. Fin", "RAS"]
    corpus = Terms(keep_reading=True)
    _, _, _, lengths = count_matrix(texts, corpus, 1)
    read = Read(np.concatenate(corpus.read), lengths)
    assert read.lengths.tolist() == [len(t.split()) for t in texts]
    for positions in ([0, 1, 2, 3, 4, 5], [5, 4, 0, 2], [1], []):
        chosen = [texts[p] for p in positions]
        fresh_vocabulary = Vocabulary.of_chunks(
            corpus.chunks, corpus.offsets, corpus.flat, corpus.names
        )
        fresh = split_statements(chosen, fresh_vocabulary)
        reused_vocabulary = Vocabulary.of_chunks(
            corpus.chunks, corpus.offsets, corpus.flat, corpus.names
        )
        reused = split_statements(chosen, reused_vocabulary, read.of(np.asarray(positions, int)))
        assert np.array_equal(reused.source, fresh.source)
        assert np.array_equal(reused.spans, fresh.spans)
        assert _read(reused) == _read(fresh)
        assert (reused.counts != fresh.counts).nnz == 0  # same term numbers too
        # a text with line breaks is read again ("." after a line that ends no sentence)
        assert ("." in reused_vocabulary.chunk_ids) == (4 in positions or 0 in positions)


def test_the_corpus_chunk_keys_give_the_same_vocabulary():
    corpus = Terms()
    count_matrix([*TEXTS, "« NON », Rien. L’impôt"], corpus, 1)
    args = (corpus.chunks, corpus.offsets, corpus.flat, corpus.names)
    assert len(corpus.chunk_keys) == len(corpus.chunks)
    assert Vocabulary.of_chunks(*args, corpus.chunk_keys) == Vocabulary.of_chunks(*args)


def test_the_corpus_chunks_get_the_negations_and_marks_of_chunks_read_one_by_one():
    text = (
        "Je n'ai pas vu personne, N’a jamais. D'une part qu’aucun dans la Une, plus de "
        "Moins d’impôts ; tout le monde du ne des sans Rien non ni aucune. "
        "Davantage tt nier pasta sansonnet d'ailleurs: cette quelle leur n'importe "
        "augmenter Arreter bonne idée, inutile avancée mauvaise l'arrêt l'État fausse Que peu un "
        "nombre trop assez"
    )
    corpus = Terms()
    count_matrix([text], corpus, 1)
    shared = Vocabulary.of_chunks(corpus.chunks, corpus.offsets, corpus.flat, corpus.names)
    one_by_one = Vocabulary()
    one_by_one.add(text.split())
    assert shared.negator == one_by_one.negator
    assert any(shared.negator)
    assert shared.marks == one_by_one.marks
    assert len(set(shared.marks)) == 26  # no mark and each of the twenty-five


def _terms_of(text: str) -> set[str]:
    return set().union(*_read(split_statements([text])))


def test_pas_du_tout_negates_the_word_after_it():
    """Issue 14: « pas du tout prêt » was read « prêt »."""
    assert NEGATED + "pret" in _terms_of("Je ne suis pas du tout prêt à payer plus.")
    assert "pret" not in _terms_of("Je ne suis pas du tout prêt à payer plus.")
    assert NEGATED + "pret" not in _terms_of("Du tout prêt à cuire.")


def test_ne_plus_is_a_negation():
    assert NEGATED + "nucleair" in _terms_of("Je ne veux plus de nucléaire dans la région.")
    assert NEGATED + "tax" in _terms_of("Ne plus taxer le travail.")
    assert "nucleair" in _terms_of("Je veux du nucléaire dans la région.")


def test_more_of_and_less_of_are_two_positions_not_one_subject():
    more = _terms_of("Il faut plus de tranches d'impôt.")
    less = _terms_of("Il faut moins de tranches d'impôt.")
    plain = _terms_of("Les tranches d'impôt sont mal faites.")
    assert MORE + "tranch" in more
    assert LESS + "tranch" in less
    assert "tranch" in plain
    assert not {MORE + "tranch", LESS + "tranch"} & plain
    # "plus" that compares is no quantity: "plus juste" stays "juste"
    assert "just" in _terms_of("Une fiscalité plus juste pour tous.")


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("Il y a de moins en moins de services publics", "servic"),
        ("De plus en plus de taxes pour les classes moyennes", "tax"),
        ("Dans nos territoires, de moins en moins de médecins", "medecin"),
    ],
)
def test_a_trend_asks_for_no_quantity(text, plain):
    """Issue 14: « de moins en moins de services publics, hélas » (a complaint) read as
    asking for fewer public services, against « maintenir les services publics »; and lost
    its plain « services ». A trend says how things go: the plain term, no quantity."""
    vocabulary = Vocabulary()
    said = {vocabulary.names[t] for t in split_statements([text], vocabulary).counts.indices}
    assert not {n for n in said if n.startswith((MORE, LESS))}
    assert plain in said
    assert not _title_quantities(vocabulary, text)
    assert MORE + "medecin" in _terms_of("Il faut plus de médecins en moins de temps")


def test_raising_and_lowering_are_two_positions_on_one_subject():
    """Issue 14: « Taxer davantage les énergies fossiles » held « Baisser les taxes sur
    l'énergie »: the verb's object counts as a quantity too, beside its own term."""
    raise_ = _terms_of("Il faut augmenter les taxes sur le kérosène.")
    lower = _terms_of("Il faut baisser les taxes sur le kérosène.")
    assert MORE + "tax" in raise_
    assert LESS + "tax" in lower
    assert {"tax", "kerosen"} <= raise_ & lower  # still about the same thing
    assert LESS + "impot" in _terms_of("La baisse des impôts pour les ménages.")
    # a negated verb asks for no more, not for less
    kept = _terms_of("Il ne faut pas augmenter les impôts.")
    assert not {MORE + "impot", LESS + "impot"} & kept


def test_promoting_and_stopping_are_two_positions_on_one_subject():
    """Issue 14: « Développer le nucléaire » sat in the idea « Sortir du nucléaire »:
    promoting asks for more of a thing, stopping or removing it for less (accents typed
    or not); « taxer davantage » asks for more tax, « davantage de » is « plus de »."""
    assert MORE + "nucleair" in _terms_of("Développer le nucléaire.")
    for stop in ("Sortir du nucléaire.", "Arrêter le nucléaire", "arreter le nucleaire"):
        assert LESS + "nucleair" in _terms_of(stop), stop
    assert LESS + "tax" in _terms_of("Arrêter de taxer les retraités.")
    assert LESS + "senat" in _terms_of("Supprimer le Sénat.")
    assert LESS + "central" in _terms_of("Aller vers l'arrêt des centrales.")
    built = _terms_of("Bâtir des centrales nucléaires.")  # the noun and its qualifier
    assert {MORE + "central", MORE + "nucleair", "central", "nucleair"} <= built
    assert MORE + "tax" in _terms_of("Taxer davantage les énergies fossiles.")
    assert MORE + "tax" in _terms_of("Il faut davantage taxer les énergies fossiles.")
    more_of = _terms_of("Davantage de pistes cyclables.")
    assert MORE + "pist" in more_of
    assert "pist" not in more_of
    assert not {MORE + "tax", LESS + "tax"} & _terms_of("Ne pas supprimer la taxe.")


@pytest.mark.parametrize(
    ("text", "quantities"),
    [
        ("En supprimant le Sénat", {LESS + "senat"}),
        ("En réduisant drastiquement le nombre de députés", {LESS + "deput"}),
        ("En supprimant toutes les niches fiscales", {LESS + "nich", LESS + "fiscal"}),
        ("En augmentant les salaires", {MORE + "salair"}),
    ],
)
def test_a_gerund_raises_or_lowers_as_its_verb(text, quantities):
    """Issue 14: « En supprimant le Sénat » (an answer to « comment… ? ») asked for nothing,
    and sat apart from « Supprimer le Sénat »."""
    vocabulary = Vocabulary()
    said = {vocabulary.names[t] for t in split_statements([text], vocabulary).counts.indices}
    assert {n for n in said if n.startswith((MORE, LESS))} == quantities
    assert _title_quantities(vocabulary, text) == quantities


def test_a_gerund_that_stops_a_verb_that_lowers_asks_no_less():
    """« En arrêtant de fermer les services publics » asked for fewer public services."""
    found = _terms_of("En arrêtant de fermer les services publics")
    assert not {LESS + "servic", LESS + "public"} & found


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("Promouvoir l'énergie nucléaire.", MORE + "nucleair"),
        ("Faire la promotion du nucléaire.", MORE + "nucleair"),
        ("Multiplier les pistes cyclables.", MORE + "pist"),
        ("Privilégier les transports en commun.", MORE + "transport"),
        ("Accroître les contrôles aux frontières.", MORE + "control"),
    ],
)
def test_promoting_multiplying_and_preferring_ask_for_more(text, term):
    """Issue 14: « Promouvoir électricité nucléaire » titled a sub-idea of « Sortir du
    nucléaire » (Grand Débat answers): promoting was read as no stance at all."""
    assert term in _terms_of(text)
    assert strip_prefix(term) in _terms_of(text)  # still about the same thing


def test_a_stopped_promoting_verb_asks_for_less():
    """« Arrêter de développer le nucléaire » asks for less nuclear power, not more; a
    stopped lowering verb asks for no quantity, as a negated one; verbs joined by « et » or
    a comma are no stopping."""
    for text in (
        "Il faut arrêter de développer le nucléaire.",
        "L'arrêt du développement du nucléaire.",
    ):
        found = _terms_of(text)
        assert LESS + "nucleair" in found, text
        assert MORE + "nucleair" not in found, text
    assert not {MORE + "impot", LESS + "impot"} & _terms_of("Arrêter de baisser les impôts.")
    for text in ("Réduire et supprimer les taxes.", "Réduire, supprimer les taxes."):
        assert LESS + "tax" in _terms_of(text), text
    kept = _terms_of("Ne pas arrêter de développer le nucléaire.")
    assert MORE + "nucleair" in kept
    assert LESS + "nucleair" not in kept


def test_a_verb_reads_its_object_past_an_adverb_or_words_saying_nothing():
    """Issue 14: « Fermer une fois pour toutes les centrales » read no object, so it sat
    with « Bâtir des centrales »; « Réduire drastiquement le nombre de députés » asked for less of
    « drastiquement »; « Supprimer toutes les niches » asked for nothing."""
    for text, said, unsaid in (
        ("Fermer une fois pour toutes les centrales nucléaires.", LESS + "central", None),
        ("Supprimer toutes les niches fiscales.", LESS + "nich", None),
        ("Réduire drastiquement le nombre de députés.", LESS + "deput", LESS + "drastiqu"),
        ("Augmenter fortement les taxes.", MORE + "tax", MORE + "fort"),
        ("Supprimez toutes les niches.", LESS + "nich", None),
    ):
        found = _terms_of(text)
        assert said in found, text
        assert unsaid not in found, text
    # the object opens on a determiner: « nous » is no object of « arrêter »
    assert not any(
        name.startswith((MORE, LESS))
        for name in _terms_of("Il faut arrêter de nous prendre pour des imbéciles.")
    )
    # a noun that raises, said alone, is as often complained of: no further object
    assert MORE + "csg" not in _terms_of("Je trouve injuste l'augmentation de la CSG.")


def test_stopping_the_raise_a_noun_names_asks_for_less():
    """Issue 14: « Supprimer la hausse de la CSG » asked for more CSG (« hausse ») and sat
    apart from « Supprimer la CSG »; a verb that stops a noun that raises asks for less."""
    for text in (
        "Supprimer la hausse de la CSG pour les retraités.",
        "Supprimer l'augmentation de la CSG.",
        "Annuler l'augmentation de la CSG.",
    ):
        found = _terms_of(text)
        assert LESS + "csg" in found, text
        assert MORE + "csg" not in found, text
    assert not {MORE + "dotat", LESS + "dotat"} & _terms_of("Arrêter la baisse des dotations.")
    # verbs one after the other stay two verbs that lower
    assert LESS + "tax" in _terms_of("Réduire, supprimer les taxes.")


@pytest.mark.parametrize(
    ("text", "quantities"),
    [
        ("Stop à l'augmentation des taxes sur le carburant", {LESS + "tax"}),
        ("Non à l'augmentation des impôts", {LESS + "impot"}),
        ("Halte à la hausse de la CSG pour les retraités", {LESS + "csg"}),
        ("Stop augmentation des taxes", {LESS + "tax"}),
        ("Non à la fermeture des écoles", set()),  # against a cut: no less of them
        ("Je suis contre l'augmentation des taxes", {LESS + "tax"}),
        ("Lutter contre la hausse des prix", {LESS + "prix"}),
        ("Contre la baisse des dotations", set()),
        ("Mettre fin à l'abandon des services publics", set()),
        ("Mettre fin à la hausse des taxes", {LESS + "tax"}),
        ("Augmentation des taxes sur le carburant", {MORE + "tax"}),  # nothing halts it
    ],
)
def test_a_word_that_halts_stops_the_raise_a_noun_names(text, quantities):
    """Issue 14: « Stop à l'augmentation des taxes » asked for more taxes, « Non à
    l'augmentation des taxes » for nothing, « Non à la fermeture des écoles » for fewer
    schools: halting a raise asks for less, as « supprimer l'augmentation » does."""
    vocabulary = Vocabulary()
    said = {vocabulary.names[t] for t in split_statements([text], vocabulary).counts.indices}
    assert {n for n in said if n.startswith((MORE, LESS))} == quantities
    assert _title_quantities(vocabulary, text) == quantities
    assert not any(n.startswith(NEGATED) for n in said)  # « non » negates nothing there


@pytest.mark.parametrize(
    ("text", "quantities"),
    [
        ("Je ne suis pas prêt à renoncer au fioul", set()),
        ("Je ne suis pas prêt à augmenter mes impôts", set()),
        ("Pas question de supprimer le Sénat", set()),
        ("Je ne suis pas d'accord pour supprimer le Sénat", set()),
        ("Je ne suis pas favorable à la hausse des taxes", {LESS + "tax"}),
        ("Je suis prêt à supprimer le Sénat", {LESS + "senat"}),  # no negation
    ],
)
def test_a_negated_word_refuses_the_raise_or_cut_it_governs(text, quantities):
    """Issue 14: « Je ne suis pas prêt à renoncer au fioul » asked for less fuel oil, « Pas
    question de supprimer le Sénat » for less Sénat (827 Grand Débat answers hold « pas
    prêt à », « pas question de », « pas d'accord pour »…): the negation of the word that
    governs the verb refuses it."""
    vocabulary = Vocabulary()
    said = {vocabulary.names[t] for t in split_statements([text], vocabulary).counts.indices}
    assert {n for n in said if n.startswith((MORE, LESS)) and not n.endswith(JUDGED)} == quantities
    assert _title_quantities(vocabulary, text) == quantities


def test_a_judgement_approves_or_condemns_and_a_negation_turns_it_over():
    """Issue 14: « une avancée » and « lamentable », « bonne idée » and « mauvaise idée »
    landed in one idea as if they agreed."""
    approve, condemn = MORE + JUDGED, LESS + JUDGED
    for text in (
        "Le prélèvement à la source est une bonne idée.",
        "Le site internet est une avancée.",
        "Le service civique serait indispensable.",
        "Ce n'est pas inutile.",
    ):
        assert approve in _terms_of(text), text
        assert condemn not in _terms_of(text), text
    for text in (
        "La suppression de l'ISF est une mauvaise idée.",
        "Le service est lamentable.",
        "Ce n'est pas une bonne idée.",
        "Des dépenses inutiles.",
    ):
        assert condemn in _terms_of(text), text
        assert approve not in _terms_of(text), text
    assert condemn in _terms_of("Une fausse bonne idée.")
    assert condemn in _terms_of("Ce n'est pas du tout une bonne idée.")
    # « bon » and « mauvais » judge a measure, not a noun's quality
    for text in ("Il faut du bon sens.", "La mauvaise gestion des deniers.", "Rien à dire."):
        assert not {approve, condemn} & _terms_of(text), text
    # one approving, one condemning: no side
    assert not {approve, condemn} & _terms_of("Une avancée mais un site lamentable.")


def test_a_judged_action_is_no_judgement_and_a_condemned_one_is_not_asked_for():
    """Issue 14: « Il est inutile de baisser les impôts » asked for lower taxes and
    condemned, like « la taxe est inutile »; it says not to lower them. A judgement before
    « de » and an infinitive judges that action: no judged term, and a condemned action
    is negated as « ne pas baisser »; an approved one keeps its stance."""
    approve, condemn = MORE + JUDGED, LESS + JUDGED
    for text, said, unsaid in (
        ("Il est inutile de baisser les impôts.", NEGATED + "baiss", LESS + "impot"),
        ("Inutile d'augmenter les taxes.", NEGATED + "augment", MORE + "tax"),
        ("Il est inutile de les renforcer.", NEGATED + "renforc", "renforc"),
        ("Une mauvaise idée de supprimer le Sénat.", NEGATED + "supprim", LESS + "senat"),
        ("Ce n'est pas une bonne idée de supprimer le Sénat.", "senat", LESS + "senat"),
        ("Il est indispensable de limiter les entrées.", LESS + "entre", NEGATED + "limit"),
        ("Pas inutile de développer le nucléaire.", MORE + "nucleair", NEGATED + "developp"),
    ):
        found = _terms_of(text)
        assert said in found, text
        assert unsaid not in found, text
        assert not {approve, condemn} & found, text
    # a noun's complement is no action: the judgement stays
    for text in (
        "Une consommation inutile de papier.",
        "Pôle emploi, inutile de nos jours.",
        "Le doublon inutile de l'assemblée.",
    ):
        assert condemn in _terms_of(text), text


def test_quantities_read_the_same_through_the_corpus_vocabulary():
    texts = [
        "Plus de pistes cyclables et moins de voitures.",
        "Je ne veux plus d'autoroutes.",
        "Il est inutile de baisser les impôts, inutile d'augmenter la TVA.",
        "Supprimer toutes les niches, réduire drastiquement le nombre d'élus.",
        "Supprimer la hausse de la CSG, annuler l'augmentation des taxes.",
    ]
    _, shared = _from_corpus(texts)
    assert _read(split_statements(texts, shared)) == _read(split_statements(texts))


INDEFINITE = [
    (
        "Personne",  # « personne » meaning nobody
        [
            "Personne ne m'a rappelée après ma demande.",
            "À l'accueil il n'y a personne le samedi.",
            "Je n'ai vu personne depuis trois mois.",
        ],
        # the noun stays: plural, after a determiner, or anywhere else
        [
            "Les personnes ne demandent pas les aides.",
            "La personne n'a pas été prévenue du rendez-vous.",
            "Une personne âgée isolée à la campagne.",
        ],
        ["Personne ne m'a expliqué l'APA.", "Les personnes âgées sont isolées."],
    ),
    (
        "Le monde",  # the « monde » of « tout le monde », everybody
        [
            "Tout le monde devrait cotiser selon ses moyens.",
            "On ne peut pas accueillir tt le monde, non !",
        ],
        # the world stays
        [
            "La France ne peut pas accueillir toute la misère du monde.",
            "S'appuyer sur le monde associatif pour l'intégration.",
            "Le monde entier est concerné.",
        ],
        ["Que tout le monde paie l'impôt.", "Le monde du travail change."],
    ),
    (
        "Sommes",  # « nous sommes »: the verb être, not the noun « somme » (a sum)
        [
            "Nous sommes trop dépendants des grandes entreprises.",
            "Nous ne sommes pas prêts à payer davantage.",
            "Nous en sommes tous responsables.",
        ],
        # the sums stay
        [
            "Des sommes colossales versées aux entreprises.",
            "Les sommes récupérées sur la fraude fiscale.",
        ],
        ["Nous sommes tous concernés.", "Les sommes versées aux actionnaires."],
    ),
]


@pytest.mark.parametrize(("word", "empty", "meant", "corpus"), INDEFINITE)
def test_indefinite_pronouns_say_nothing_of_the_subject(word, empty, meant, corpus):
    (term,) = _terms_of(word)
    assert all(term not in _terms_of(text) for text in empty)
    assert all(term in _terms_of(text) for text in meant)
    _, shared = _from_corpus(corpus)
    assert _read(split_statements(corpus, shared)) == _read(split_statements(corpus))


def test_a_title_is_judged_as_its_statement_is():
    """Titles read their judgement chunk by chunk (:func:`chunk_judgement`), as
    :func:`split_statements` reads a statement's."""
    for text in (
        "Le prélèvement à la source est une bonne idée",
        "Ce n'est pas une bonne idée",
        "Inutile, les élus sont là pour cela",
        "Pas inutile du tout",
        "Une fausse bonne idée",
        "Pas du tout une bonne idée",
        "Une avancée mais un site lamentable",
        "Le bon sens paysan",
        "Les impôts",
        "Il est inutile de taxer les pauvres",
        "Une mauvaise idée de supprimer le Sénat",
        "Une consommation inutile de papier",
    ):
        vocabulary = Vocabulary()
        said = split_statements([text], vocabulary)
        names = {vocabulary.names[t] for t in said.counts.indices}
        judged = chunk_judgement(vocabulary, [vocabulary.chunk_ids[c] for c in text.split()])
        assert {n for n in names if n.endswith(JUDGED)} == ({judged} if judged else set()), text


def _judgement_of(text: str) -> str:
    """The judged term of ``text`` read as a statement, checked against the same text read
    as a title (:func:`chunk_judgement`)."""
    vocabulary = Vocabulary()
    said = split_statements([text], vocabulary)
    names = {vocabulary.names[t] for t in said.counts.indices}
    judged = chunk_judgement(vocabulary, [vocabulary.chunk_ids[c] for c in text.split()])
    assert {n for n in names if n.endswith(JUDGED)} == ({judged} if judged else set()), text
    return judged


DENIED_CLAUSES = [
    ("Je ne pense pas que cela soit une bonne idée", LESS),
    ("Je ne crois pas que ce soit une mauvaise idée", MORE),
    ("Je ne suis pas sûr que ce soit une bonne idée", LESS),
    ("Je n'ai jamais pensé que c'était inutile", MORE),
    ("Je pense que cela est une bonne idée", MORE),  # no negation
    ("Il n'y a pas que des mauvaises idées", LESS),  # not only: the judgement stands
    ("Je ne suis pas d'accord. Que des mauvaises idées", LESS),  # the sentence ended
]


@pytest.mark.parametrize(("text", "stance"), DENIED_CLAUSES)
def test_a_negated_verb_of_opinion_turns_the_judgement_of_its_clause(text, stance):
    assert _judgement_of(text) == stance + JUDGED


@pytest.mark.parametrize(
    ("text", "stance"),
    [
        ("Des mesures aussi peu indispensables", LESS),
        ("Une réforme peu bénéfique", LESS),
        ("Une réforme trop peu ambitieuse, lamentable", LESS),
        ("Un peu ridicule", LESS),  # « un peu » does not turn it
        ("Des mesures indispensables", MORE),
    ],
)
def test_peu_turns_the_judgement_after_it(text, stance):
    assert _judgement_of(text) == stance + JUDGED


@pytest.mark.parametrize(
    ("text", "denied"),
    [
        ("Je ne pense pas qu'il faille augmenter les impôts", True),
        ("Je ne crois pas que l'on doive supprimer le Sénat", True),
        ("Je ne veux pas que la hausse des taxes continue", True),
        ("Je pense qu'il faut augmenter les impôts", False),
        ("Il n'y a pas que les impôts, il faut réduire les dépenses", False),
    ],
)
def test_a_negated_verb_of_opinion_asks_no_quantity_in_its_clause(text, denied):
    vocabulary = Vocabulary()
    said = {vocabulary.names[t] for t in split_statements([text], vocabulary).counts.indices}
    quantities = {n for n in said if n.startswith((MORE, LESS))}
    assert (not quantities) == denied, (text, quantities)
    assert _title_quantities(vocabulary, text) == quantities  # a title reads it so too


@pytest.mark.parametrize(
    ("text", "quantities"),
    [
        (
            "Je ne pense pas que ce soit une bonne idée mais il faut baisser les impôts",
            {LESS + "impot"},
        ),
        (
            "Je ne crois pas qu'il faille augmenter les impôts, mais il faut réduire la dette",
            {LESS + "det"},
        ),
        (
            "Je ne pense pas qu'il faille supprimer le Sénat, cependant il faut réduire le "
            "nombre de sénateurs",
            {LESS + "senateur"},
        ),
    ],
)
def test_an_opposing_word_ends_the_clause_a_negated_verb_of_opinion_denies(text, quantities):
    """Issue 14: the denial of « je ne pense pas que… » ran past « mais » to the sentence's
    end, and what was asked after it was read as denied too."""
    vocabulary = Vocabulary()
    said = {vocabulary.names[t] for t in split_statements([text], vocabulary).counts.indices}
    asked = {n for n in said if n.startswith((MORE, LESS)) and not n.endswith(JUDGED)}
    assert asked == quantities
    assert _title_quantities(vocabulary, text) == quantities  # a title reads it so too


def test_an_opposing_word_ends_the_judgement_a_negated_verb_of_opinion_turns():
    text = "Je ne crois pas que la taxe change grand-chose, mais c'est une bonne idée"
    assert _judgement_of(text) == MORE + JUDGED


def _title_quantities(vocabulary: Vocabulary, text: str) -> set[str]:
    """The terms of quantity of ``text`` read as a title (:func:`chunk_prefixes`)."""
    ids = [vocabulary.chunk_ids[c] for c in text.split()]
    offsets, flat, names = vocabulary.offsets, vocabulary.flat, vocabulary.names
    return {
        prefix + names[t]
        for i, (prefix, _) in zip(ids, chunk_prefixes(vocabulary, ids), strict=True)
        if prefix in (MORE, LESS)
        for t in flat[offsets[i] : offsets[i + 1]]
    }


@pytest.mark.parametrize(
    ("text", "quantities"),
    [
        ("Réduire le nombre de fonctionnaires", {LESS + "fonctionnair"}),
        ("Diminuer le nombre d'élus locaux", {LESS + "elu", LESS + "local"}),
        ("Baisser le taux de TVA sur l'alimentation", {LESS + "tva"}),
        ("Réduire la consommation d'énergie", {LESS + "energ"}),
        ("Baisser le prix des transports", {LESS + "prix"}),  # cheaper, not fewer
        ("La baisse du nombre de députés", {LESS + "deput"}),
        ("Augmenter la part des énergies renouvelables", {MORE + "energ", MORE + "renouvel"}),
        ("Réduire le nombre", {LESS + "nombr"}),  # an amount of nothing said stays
        ("Réduire les dépenses de l'État", {LESS + "depens"}),
    ],
)
def test_raising_an_amount_raises_what_it_measures(text, quantities):
    vocabulary = Vocabulary()
    said = {vocabulary.names[t] for t in split_statements([text], vocabulary).counts.indices}
    assert {n for n in said if n.startswith((MORE, LESS))} == quantities
    assert _title_quantities(vocabulary, text) == quantities


@pytest.mark.parametrize(
    ("text", "quantities"),
    [
        ("Supprimer le Sénat serait une économie", {LESS + "senat"}),
        ("Réduire les impôts serait bien", {LESS + "impot"}),
        ("Baisser les taxes coûterait cher à l'État", {LESS + "tax"}),
        ("Réduire les députés permettrait des économies", {LESS + "deput"}),
        ("Supprimer serait plus simple", set()),
        ("Bâtir des centrales nucléaires", {MORE + "central", MORE + "nucleair"}),
    ],
)
def test_a_conjugated_verb_after_the_object_takes_no_quantity(text, quantities):
    """Issue 14: « serait » after « supprimer le Sénat » was read « moins être », as if
    asking for less of it, and joined every action judged by « serait »."""
    vocabulary = Vocabulary()
    said = {vocabulary.names[t] for t in split_statements([text], vocabulary).counts.indices}
    assert {n for n in said if n.startswith((MORE, LESS))} == quantities
    assert _title_quantities(vocabulary, text) == quantities


@pytest.mark.parametrize(
    ("text", "quantities"),
    [
        ("Il y a trop de fonctionnaires", {LESS + "fonctionnair"}),
        ("Trop d'impôts pour les classes moyennes", {LESS + "impot"}),
        ("Pas assez de médecins à la campagne", {MORE + "medecin"}),
        ("Il y a trop peu de contrôles", {MORE + "control"}),
        ("Il y a assez de taxes comme ça", set()),  # « assez de » alone says no more
        ("Un peu de bon sens", set()),
        ("Il y a trop de taxes et pas assez de services", {LESS + "tax", MORE + "servic"}),
        ("Il n'y a pas trop de contrôles", set()),
        ("On est déjà trop taxés", {LESS + "tax"}),
        ("Des démarches beaucoup trop compliquées", {LESS + "compliqu"}),
        ("Un service trop peu utile", set()),
        # « trop » qualifies the verb before it, not the word after « au »
        ("On attend trop au téléphone", set()),
    ],
)
def test_too_much_asks_for_less_and_not_enough_for_more(text, quantities):
    vocabulary = Vocabulary()
    said = {vocabulary.names[t] for t in split_statements([text], vocabulary).counts.indices}
    assert {n for n in said if n.startswith((MORE, LESS))} == quantities
    assert _title_quantities(vocabulary, text) == quantities
    # what is complained of is still named (« trop de taxes » shares « taxes »)
    assert all(strip_prefix(n) in said for n in quantities)


@pytest.mark.parametrize(
    ("text", "said", "unsaid"),
    [
        ("Pourquoi pas. Une bonne idée", MORE + JUDGED, LESS + JUDGED),
        ("Non. Supprimer le Sénat", LESS + "senat", NEGATED + "supprim"),
        ("Je ne sais pas. Augmenter les impôts", MORE + "impot", NEGATED + "augment"),
        ("Pas une bonne idée.", LESS + JUDGED, MORE + JUDGED),
        ("Je ne suis pas prêt.", NEGATED + "pret", "pret"),
    ],
)
def test_a_negation_ending_its_sentence_negates_nothing_after_it(text, said, unsaid):
    found = _terms_of(text)
    assert said in found, found
    assert unsaid not in found, found
    if said.endswith(JUDGED):
        assert _judgement_of(text) == said  # a title reads it so too
    else:
        vocabulary = Vocabulary()
        split_statements([text], vocabulary)
        assert _title_quantities(vocabulary, text) == {
            n for n in found if n.startswith((MORE, LESS))
        }


def test_a_statements_chunks_are_read_again_without_its_arrays():
    """Titles and key terms read statements one at a time: where each one is, read from
    the arrays once, then from plain lists (same chunks)."""
    texts = [
        "Il faut baisser les impôts. Les services publics doivent rester proches de chez nous.",
        "Moins de taxes !",
    ]
    statements = split_statements(texts)
    where = zip(statements.source.tolist(), statements.spans.tolist(), strict=True)
    expected = [texts[source].split()[start:end] for source, (start, end) in where]
    assert list(statements.chunks(texts, 0)) == expected[0]
    statements.spans = statements.source = None  # no longer read
    assert [list(statements.chunks(texts, s)) for s in range(len(expected))] == expected
    assert statements.text(texts, 1) == " ".join(expected[1])
