"""The generated part of a synthesis: figures, ideas, quotes, picks and differences."""

import json
import random
from datetime import datetime

import pytest

from consult.synthesis.analysis import OTHER_IDEAS, OTHERS, build_document, trim
from consult.synthesis.document import MIN_CELL, Document, Item

NOW = datetime(2026, 3, 2, 10, 30)
TYPE_LABELS = {
    "usager": "Usager",
    "proche_aidant": "Proche ou aidant",
    "professionnel": "Professionnel",
    "partenaire": "Partenaire",
    "agent": "Agent",
    "elu": "Élu",
}
KIND_LABELS = {
    "constat": "Constat",
    "proposition": "Proposition",
    "question": "Question",
    "temoignage": "Témoignage",
}


def item(ident, text, **fields) -> Item:
    kind = fields.pop("kind", "constat")
    author = fields.pop("author", "usager")
    return Item(
        id=ident,
        text=text,
        kind=kind,
        kind_label=KIND_LABELS[kind],
        author_type=author,
        author_type_label=TYPE_LABELS[author],
        channel_label=fields.pop("channel", "En ligne"),
        meeting=fields.pop("meeting", "Rencontre de Chambéry"),
        territory=fields.pop("territory", "Chambéry"),
        **fields,
    )


def build(items, group_by="theme") -> Document:
    return build_document(
        items,
        title="Synthèse des concertations",
        template="concertations",
        scope=[("Rencontres", "Chambéry, Albertville")],
        participants=42,
        now=NOW,
        group_by=group_by,
    )


CRECHE = [
    "Il faut plus de places en crèche avec des horaires d'ouverture élargis.",
    "Les places en crèche manquent et les horaires d'ouverture ne collent pas au travail.",
    "Ouvrir des places en crèche le soir, avec des horaires d'ouverture adaptés.",
    "Pas assez de places en crèche dans la vallée, et des horaires trop courts.",
]
MDPH = [
    "Les délais de la MDPH sont beaucoup trop longs pour les familles.",
    "La MDPH met des mois à répondre : les délais sont trop longs.",
    "Réduire les délais de traitement des dossiers MDPH.",
    "Comment réduire les délais de réponse de la MDPH ?",
]
TRANSPORT = [
    "Plus de transports en commun entre les villages et la ville.",
    "Davantage de transports en commun pour relier les villages à la ville.",
    "Des transports en commun le soir entre les villages.",
]


def section_items() -> list[Item]:
    """Twelve contributions on one theme: three ideas in other words, and a "RAS"."""
    texts = [*CRECHE, *MDPH, *TRANSPORT, "RAS"]
    kinds = ["proposition", "constat"] * 3 + ["proposition"] + ["question"] * 4 + ["constat"]
    return [
        item(n, text, kind=kind, themes=["1. Social"])
        for n, (text, kind) in enumerate(zip(texts, kinds, strict=True), start=1)
    ]


def test_figures_count_each_contribution_with_its_weight():
    items = [item(n, f"Texte numéro {n} sur le logement.", weight=1) for n in range(1, 4)]
    items += [item(4, "Un texte fusionné avec deux doublons.", weight=3)]
    items += [item(5, "Un autre texte.", weight=2, territory="Albertville")]
    document = build(items)
    assert document.contributions == 8
    territory = next(b for b in document.breakdowns if b.dimension == "territory")
    assert territory.title == "Par territoire"
    assert [(c.label, c.count, c.ids) for c in territory.cells] == [("Chambéry", 6, [1, 2, 3, 4])]
    assert territory.hidden == 2  # Albertville: one contribution that stands for 2 people


def test_missing_values_have_a_cell_of_their_own():
    items = [item(n, f"Texte {n}", territory="", themes=["1. Social"]) for n in range(1, 6)]
    items += [item(n, f"Texte {n}", territory="Chambéry") for n in range(6, 12)]
    breakdowns = {b.dimension: b for b in build(items).breakdowns}
    assert [(c.label, c.count) for c in breakdowns["territory"].cells] == [
        ("Chambéry", 6),
        ("Non renseigné", 5),
    ]
    assert [(c.label, c.count) for c in breakdowns["theme"].cells] == [
        ("Sans thématique", 6),
        ("1. Social", 5),
    ]
    assert "public" not in breakdowns  # nobody said which public: no breakdown at all


def test_a_cell_of_four_is_merged_into_others_when_the_small_cells_reach_five():
    places = ["Chambéry"] * 6 + ["Albertville"] * 4 + ["Maurienne"] * 3
    items = [item(n, f"Contribution {n}", territory=p) for n, p in enumerate(places, start=1)]
    territory = next(b for b in build(items).breakdowns if b.dimension == "territory")
    assert [(c.label, c.count) for c in territory.cells] == [("Chambéry", 6), (OTHERS, 7)]
    assert territory.cells[1].ids == list(range(7, 14))
    assert territory.hidden == 0
    assert all(c.count >= MIN_CELL for c in territory.cells)


def test_a_cell_of_four_alone_is_hidden():
    places = ["Chambéry"] * 6 + ["Albertville"] * 4
    items = [item(n, f"Contribution {n}", territory=p) for n, p in enumerate(places, start=1)]
    territory = next(b for b in build(items).breakdowns if b.dimension == "territory")
    assert [(c.label, c.count) for c in territory.cells] == [("Chambéry", 6)]
    assert territory.hidden == 4
    assert not any(7 in c.ids for c in territory.cells)


def test_cells_are_sorted_by_count_and_multi_valued_dimensions_count_in_each_value():
    items = [item(n, f"Texte {n}", publics=["Personnes âgées"]) for n in range(1, 6)]
    items += [
        item(n, f"Texte {n}", publics=["Personnes âgées", "Personnes handicapées"])
        for n in range(6, 12)
    ]
    public = next(b for b in build(items).breakdowns if b.dimension == "public")
    assert [(c.label, c.count) for c in public.cells] == [
        ("Personnes âgées", 11),
        ("Personnes handicapées", 6),
    ]
    # no breakdown for a dimension nobody filled in
    assert "fiche" not in [b.dimension for b in build(items).breakdowns]


def test_ideas_group_reworded_repeats_and_keep_every_id():
    section = build(section_items()).sections[0]
    assert section.title == "1. Social"
    assert section.ids == list(range(1, 13))
    assert section.count == 12
    groups = [set(idea.ids) for idea in section.ideas]
    assert {1, 2, 3, 4} in groups
    assert {5, 6, 7, 8} in groups
    assert {9, 10, 11} in groups
    in_ideas = [i for idea in section.ideas for i in idea.ids]
    assert sorted(in_ideas) == list(range(1, 12))  # each once; "RAS" (12) says nothing
    assert section.isolated == [12]  # listed apart, not an idea
    creche = next(idea for idea in section.ideas if 1 in idea.ids)
    assert "crèche" in creche.terms
    # the title is one of the idea's own contributions (or a clause of it), as written
    assert any(creche.label.lower() in text.lower() for text in CRECHE), creche.label
    assert len(creche.label.split()) <= 14
    assert creche.size == 4
    assert section.ideas[0] is creche  # the largest first


def test_idea_sizes_count_weights_and_exact_copies_are_merged():
    items = section_items()
    items.append(item(13, CRECHE[0].upper() + "  ", themes=["1. Social"], weight=2, supports=3))
    section = build(items).sections[0]
    creche = next(idea for idea in section.ideas if 1 in idea.ids)
    assert 13 in creche.ids
    assert creche.size == 4 + 2
    assert creche.supports == 3
    quoted = [q.id for q in creche.quotes]
    assert not {1, 13} <= set(quoted)  # one text, quoted once


def test_forms_of_stop_words_never_name_an_idea():
    texts = [
        "Je suis seule le soir.",
        "Je suis seul la nuit.",
        "Nous sommes seuls le soir.",
        "Je suis très seule.",
    ]
    (section,) = build([item(n, t, themes=["A"]) for n, t in enumerate(texts, 1)]).sections
    (idea,) = section.ideas
    assert idea.ids == [1, 2, 3, 4]
    assert idea.terms
    assert all("suis" not in term.split() for term in idea.terms)


def test_quotes_are_verbatim_and_link_to_their_contribution():
    items = section_items()
    by_id = {i.id: i.text for i in items}
    section = build(items).sections[0]
    quotes = [q for idea in section.ideas for q in idea.quotes]
    assert quotes
    for idea in section.ideas:
        assert 1 <= len(idea.quotes) <= 3
        for quote in idea.quotes:
            assert quote.id in idea.ids
            assert quote.text == by_id[quote.id]


def test_long_quotes_are_cut_at_a_sentence():
    sentence = "Les familles attendent une réponse de la MDPH depuis des mois. "
    text = sentence * 10
    assert len(text) > 400
    cut = trim(text)
    assert len(cut) <= 400
    assert cut.endswith(". …")
    assert text.startswith(cut.removesuffix(" …"))
    assert trim("Court.") == "Court."
    no_sentence = "mot " * 150
    assert trim(no_sentence).endswith("mot …")


def test_proposals_and_questions_follow_the_kind():
    items = section_items()
    kinds = {i.id: i.kind for i in items}
    section = build(items).sections[0]
    assert {q.id for q in section.proposals} == {1, 3, 5, 7}
    assert {q.id for q in section.questions} == {8, 9, 10, 11}
    assert all(kinds[q.id] == "question" for q in section.questions)


def test_points_of_vigilance_are_found_by_their_wording():
    items = [
        item(1, "Attention au risque d'épuisement des aidants familiaux.", themes=["A"]),
        item(2, "Il ne faut pas oublier les personnes sans voiture.", themes=["A"]),
        item(3, "Le manque de places en EHPAD inquiète les familles.", themes=["A"]),
        item(4, "Les aidants familiaux ont besoin de répit.", themes=["A"]),
        item(5, "Des places en EHPAD plus proches.", themes=["A"]),
    ]
    section = build(items).sections[0]
    assert {q.id for q in section.vigilance} == {1, 2, 3}


def difference_items(users=8, professionals=8, first=1) -> list[Item]:
    user_texts = [
        "Les places en crèche manquent à {}.",
        "Trouver des places en crèche est impossible à {}.",
        "On attend des places en crèche depuis un an à {}.",
        "Des places en crèche pour les parents qui travaillent à {}.",
    ]
    pro_texts = [
        "Les délais de la MDPH sont trop longs à {}.",
        "Il faut réduire les délais de la MDPH à {}.",
        "Les dossiers MDPH attendent des mois à {}.",
        "Les délais de traitement MDPH pèsent sur le travail à {}.",
    ]
    towns = ["Chambéry", "Albertville", "Moûtiers", "Modane", "Aix", "Ugine", "Yenne", "Bozel"]
    items = [
        item(
            n, user_texts[n % 4].format(towns[n % 8]), author="usager" if n % 3 else "proche_aidant"
        )
        for n in range(first, first + users)
    ]
    items += [
        item(
            100 + n,
            pro_texts[n % 4].format(towns[n % 8]),
            author=("professionnel", "partenaire", "agent")[n % 3],
        )
        for n in range(first, first + professionals)
    ]
    return items


def test_differences_find_what_only_users_say():
    document = build(difference_items())
    difference = next(d for d in document.differences if d.title == "Usagers et professionnels")
    assert (difference.size_a, difference.size_b) == (8, 8)
    users = {t.term: t for t in difference.terms_a}
    assert any("crèche" in term for term in users)
    for contrast in difference.terms_a:
        assert contrast.count_b == 0
        assert contrast.count_a == len(contrast.ids) >= MIN_CELL
        assert all(i < 100 for i in contrast.ids)
    professionals = {t.term for t in difference.terms_b}
    assert any("MDPH" in term or "délais" in term for term in professionals)
    assert not any("crèche" in term for term in professionals)


def test_no_difference_when_a_group_is_too_small():
    document = build(difference_items(users=4))
    assert "Usagers et professionnels" not in [d.title for d in document.differences]


def test_rare_terms_are_never_shown_as_a_difference():
    items = difference_items()
    # four contributions standing for 12 people: still too few to be told apart
    items += [item(50 + n, "Le bus de nuit à Bozel.", author="usager", weight=3) for n in range(4)]
    document = build(items)
    difference = next(d for d in document.differences if d.title == "Usagers et professionnels")
    assert not any("bus" in t.term or "nuit" in t.term for t in difference.terms_a)


def test_differences_between_the_two_largest_territories():
    items = [
        item(n, "Les transports en commun manquent dans la vallée.", territory="Maurienne")
        for n in range(1, 8)
    ]
    items += [
        item(n, "Le logement est trop cher en ville.", territory="Chambéry") for n in range(8, 15)
    ]
    items += [item(15, "Autre chose.", territory="Bauges")]
    difference = next(
        d for d in build(items).differences if d.group_a != "Usagers et proches aidants"
    )
    assert {difference.group_a, difference.group_b} == {"Maurienne", "Chambéry"}
    terms = {t.term for t in difference.terms_a} | {t.term for t in difference.terms_b}
    assert any("transports" in t for t in terms)
    assert any("logement" in t for t in terms)


def test_sections_by_fiche_and_all():
    items = [item(1, "Des places en crèche.", fiches=["Fiche 2 : Petite enfance"])]
    items += [item(2, "Des bus.", fiches=["Fiche 10 : Mobilité"]), item(3, "Rien ne va.")]
    by_fiche = build(items, group_by="fiche").sections
    assert [(s.kind, s.title, s.ids) for s in by_fiche] == [
        ("fiche", "Fiche 2 : Petite enfance", [1]),
        ("fiche", "Fiche 10 : Mobilité", [2]),
        ("fiche", "Sans fiche action", [3]),
    ]
    (everything,) = build(items, group_by="all").sections
    assert (everything.kind, everything.ids) == ("all", [1, 2, 3])


def test_lone_contributions_are_listed_as_isolated_never_as_an_idea():
    # 48 texts that share no word: none makes an idea
    lone = [f"Zorb{chr(97 + n // 26)}{chr(97 + n % 26)}ique !" for n in range(48)]
    items = [item(n, text, themes=["A"]) for n, text in enumerate(CRECHE + lone, start=1)]
    (section,) = build(items).sections
    assert set(section.ideas[0].ids) == {1, 2, 3, 4}
    assert OTHER_IDEAS not in [idea.label for idea in section.ideas]
    assert len(section.isolated) >= 40
    assert set(section.isolated) <= set(range(5, 53))
    in_ideas = {i for idea in section.ideas for i in idea.ids}
    assert in_ideas | set(section.isolated) == set(range(1, 53))


def test_large_sections_are_clustered_into_ideas_that_keep_every_id():
    rng = random.Random(3)
    topics = {
        "crèche": ["places en crèche", "horaires de la crèche", "crèche municipale"],
        "mdph": ["délais de la MDPH", "dossier MDPH", "réponse de la MDPH"],
        "bus": ["transports en commun", "bus scolaire", "ligne de bus"],
    }
    fillers = ["vraiment", "souvent", "encore", "toujours", "ici", "partout"]
    items, topic_of = [], {}
    for n in range(1, 331):
        topic = list(topics)[n % 3]
        phrase = rng.choice(topics[topic])
        text = f"Il faut améliorer {phrase} {rng.choice(fillers)}, numéro {n} de {topic}."
        items.append(item(n, text, themes=["Grand thème"]))
        topic_of[n] = topic
    section = build(items).sections[0]
    assert len(section.ideas) >= 3
    ids = {i for idea in section.ideas for i in idea.ids}
    assert sorted(ids | set(section.isolated)) == list(range(1, 331))
    assert len(section.isolated) <= 330 * 0.15
    for idea in section.ideas[:3]:
        assert idea.label != OTHER_IDEAS
        topics_inside = {topic_of[i] for i in idea.ids}
        assert len(topics_inside) == 1


def test_same_input_gives_the_same_document_whatever_the_order():
    items = section_items() + difference_items(first=20)
    first = build(items).to_dict()
    again = build(list(reversed(items))).to_dict()
    assert first == again


def test_document_survives_a_json_round_trip():
    document = build(section_items() + difference_items(first=20))
    data = json.loads(json.dumps(document.to_dict()))
    assert Document.from_dict(data) == document
    assert data["generated_at"] == "2026-03-02T10:30:00"
    assert data["participants"] == 42


def test_no_author_or_group_name_reaches_the_document():
    items = section_items()
    for it in items:
        it.group = "Association des amis de Jeanne Martin"
    text = json.dumps(build(items).to_dict(), ensure_ascii=False)
    assert "Jeanne" not in text
    assert "Martin" not in text


def test_empty_input_gives_an_empty_document():
    document = build([])
    assert document.contributions == 0
    assert (document.breakdowns, document.sections, document.differences) == ([], [], [])
    assert Document.from_dict(json.loads(json.dumps(document.to_dict()))) == document


@pytest.mark.parametrize("text", ["RAS", "Non.", "", "   "])
def test_sections_of_empty_answers_have_no_ideas(text):
    section = build([item(1, text, themes=["A"]), item(2, "Rien à ajouter", themes=["A"])])
    assert section.sections[0].ids == [1, 2]
    assert section.sections[0].ideas == []


def test_the_cycle_collector_is_paused_while_building_and_left_as_it_was(monkeypatch):
    import gc

    import consult.synthesis.analysis as analysis

    seen, real = [], analysis._build

    def spy(*args):
        seen.append(gc.isenabled())
        return real(*args)

    monkeypatch.setattr(analysis, "_build", spy)
    try:
        assert gc.isenabled()
        build([item(1, CRECHE[0], themes=["Petite enfance"])])
        assert gc.isenabled()
        gc.disable()
        build([item(1, CRECHE[0], themes=["Petite enfance"])])
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert seen == [False, False]


def test_duplicates_are_keyed_alike_whatever_their_spacing():
    from consult.synthesis.analysis import _PUNCTUATION, _duplicate_key

    spaces = [chr(c) for c in range(0x3001) if chr(c).isspace()]
    texts = ["Plus de bus.", " « Plus  de bus » ", "PLUS DE BUS !", "İstanbul , oui"]
    texts += [f"Plus{space}de bus{space}" for space in spaces]
    for text in texts:  # the short path gives the key of the long one
        assert _duplicate_key(text) == " ".join(text.lower().split()).strip(_PUNCTUATION + " ")
    assert len({_duplicate_key(text) for text in texts[:3]}) == 1


def test_the_table_of_the_dictionarys_words_changes_nothing_in_the_document(monkeypatch):
    """A worker reads the terms of the dictionary's words once before forking a job
    (``load_lemmas``): the document is the one each word analysed in the job gives."""
    from consult.analysis import text

    items = section_items() + difference_items(first=20)
    monkeypatch.setattr(text, "_WORD_TERMS", {})
    analysed = build(items)
    monkeypatch.setattr(text, "_WORD_TERMS", text._dictionary_terms())
    assert build(items) == analysed
