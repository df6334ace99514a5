"""The issue's five contributions, against the Savoie scheme, from its text alone."""

import pytest

from consult.analysis.suggest import use_territories
from consult.core.db import utcnow
from consult.tagging.services import (
    add_tag,
    build_suggesters,
    store_suggestions,
    suggestions_of,
    words_from_publics,
    words_not_in_text,
)

# (text, fiches accepted first or second, a word that must justify it, a word that must not)
EXAMPLES = [
    (
        "J'ai déposé un dossier à la MDPH pour ma fille il y a six mois, j'ai appelé trois "
        "fois et personne ne m'a rappelée.",
        {"31", "32"},
        "MDPH",
        "personne",
    ),
    (
        "Il faudrait plus de places d'accueil de jour et de répit pour les aidants, ma mère "
        "a Alzheimer et je suis épuisée.",
        {"9"},
        "aidants",
        "accueil",
    ),
    (
        "Les jeunes retraités isolés dans les villages n'ont plus de lien social depuis la "
        "fermeture du café.",
        {"24", "25"},
        "jeunes retraités",  # the text's words, not the name of the public « personne âgée »
        "jeunes",
    ),
    (
        "Les courriers du Département devraient être écrits en langage simple, je ne "
        "comprends rien à l'administration.",
        {"31", "32"},
        "accès aux droits",
        "administration",
    ),
    (
        # the same complaint with no file named: not reaching the service is what it says
        "J'ai appelé trois fois le Département pour mon père, personne ne m'a rappelée.",
        {"31", "32"},
        "personne ne m'a rappelée",
        "personne",
    ),
    (
        "Je touche le RSA depuis deux ans et mon référent ne m'a jamais proposé de formation.",
        {"23"},
        "RSA",
        "ans",
    ),
]


@pytest.mark.parametrize(("text", "fiches", "why", "never"), EXAMPLES)
def test_issue_examples_get_the_right_fiche_with_words_that_justify_it(
    db, make_scheme, make_meeting, make_contribution, text, fiches, why, never
):
    meeting = make_meeting(scheme=make_scheme())
    contribution = make_contribution(meeting=meeting, body=text)
    store_suggestions(contribution, build_suggesters(meeting.scheme), now=utcnow())

    found = [s for s in suggestions_of(contribution) if s.fiche_id]
    numbers = [s.fiche.number for s in found]
    right = next(s for s in found[:2] if s.fiche.number in fiches)
    assert set(numbers[:2]) & fiches, numbers
    assert why in right.words
    assert all(never not in s.words for s in found)


SLOW = "Il faudrait un accompagnement plus rapide, les délais sont trop longs."


def _themes(meeting, contribution) -> list:
    store_suggestions(contribution, build_suggesters(meeting.scheme), now=utcnow())
    return [s for s in suggestions_of(contribution) if s.theme_id]


def test_the_publics_a_contribution_concerns_inform_its_suggestions(
    db, make_scheme, make_meeting, make_contribution, make_public
):
    """The text alone does not say whom it is about; its author ticked « Mineurs non
    accompagnés »: that theme comes first, justified by the public's words."""
    meeting = make_meeting(scheme=make_scheme())
    minors = make_public(label="Mineurs non accompagnés", code="mna")
    alone = make_contribution(meeting=meeting, body=SLOW)
    ticked = make_contribution(meeting=meeting, body=SLOW, publics=[minors])

    without, with_public = _themes(meeting, alone), _themes(meeting, ticked)

    assert without[0].theme.number != "7"
    assert with_public[0].theme.number == "7"  # La prise en charge des Mineurs Non Accompagnés
    assert "mineurs non accompagnés" in with_public[0].words
    assert ticked.body == SLOW  # read with its publics, never changed


def test_a_public_meaning_everyone_or_a_text_saying_nothing_gets_no_public_suggestion(
    db, make_scheme, make_meeting, make_contribution, make_public
):
    """« Tous publics » names no one: its word « publics » made « L'accès aux droits » read
    90 % for an e-mail address. And an empty text is not tagged by its public alone."""
    meeting = make_meeting(scheme=make_scheme())
    everyone = make_public(label="Tous publics", code="tous")
    elderly = make_public(label="Personnes âgées", code="personnes_agees")
    address = make_contribution(
        meeting=meeting, body="écrivez moi à jeanne@example.org", publics=[everyone]
    )
    empty = make_contribution(meeting=meeting, body="RAS", publics=[elderly])
    slow = make_contribution(meeting=meeting, body=SLOW, publics=[everyone])

    assert _themes(meeting, address) == []
    assert _themes(meeting, empty) == []
    assert all("publics" not in s.words for s in _themes(meeting, slow))


def test_words_taken_from_the_publics_are_told_apart_from_the_text():
    publics = ["Mineurs non accompagnés (MNA)", "Tous publics"]
    body = "Les délais d'accueil des MNA sont trop longs au gymnase."
    words = ["mineurs non accompagnés", "délais", "mna", "publics", "accueil"]
    assert words_from_publics(words, body, publics) == {"mineurs non accompagnés", "publics"}
    # a public's word hidden inside another word of the text is not said by the text
    assert words_from_publics(["mna"], "Au gymnase.", publics) == {"mna"}
    assert words_from_publics(["Délais"], "les delais", ["Délais"]) == set()


def test_words_the_text_does_not_say_are_told_apart():
    """Sector ideas the text says otherwise; another ending of a word of the text is said."""
    body = "Les jeunes retraités isolés ne savent pas où s'adresser"
    words = ["personne âgée", "retraités", "isolés", "adresser", "jeunes"]
    assert words_not_in_text(words, body) == {"personne âgée"}
    rural = "un transport à la demande pour les personnes âgées en zone rurale"
    assert words_not_in_text(["personne âgée", "zone rurale", "transports"], rural) == set()
    assert words_not_in_text(["aidant", "accueil de jour"], "le répit des aidants") == {
        "accueil de jour"
    }
    # the publics' words are told apart by words_from_publics, not twice
    publics = ["Mineurs non accompagnés (MNA)"]
    assert words_not_in_text(["mineurs non accompagnés"], "Trop long.", publics) == set()


@pytest.fixture
def territories_forgotten():
    yield
    use_territories([])  # the next test's suggesters read their own territories


def test_the_departements_territories_never_justify_a_fiche(
    db,
    make_scheme,
    make_meeting,
    make_contribution,
    make_territory,
    make_user,
    territories_forgotten,
):
    """The access fiche's tagged contributions all came from the Trièves, a territory the
    project ships no word of: its name is a place, never a reason for that fiche."""
    make_territory(name="Bassin du Trièves")
    meeting = make_meeting(scheme=make_scheme())
    access = next(f for f in meeting.scheme.fiches if f.number == "31")
    facilitator = make_user(role="facilitator")
    for body in [
        "Dans le Trièves, la maison sociale est à une heure de route.",
        "Une permanence sociale dans le Trièves, une fois par semaine.",
        "Le Trièves n'a plus de guichet d'accueil depuis deux ans.",
    ]:
        tagged = make_contribution(meeting=meeting, body=body, status="published")
        add_tag(tagged, fiche=access, actor=facilitator, now=utcnow())
    contribution = make_contribution(
        meeting=meeting, body="Dans le Trièves, les assistantes maternelles manquent."
    )
    store_suggestions(contribution, build_suggesters(meeting.scheme), now=utcnow())

    found = suggestions_of(contribution)
    assert found
    assert all("trièves" not in " ".join(s.words).lower() for s in found), [
        (s.fiche.number if s.fiche else s.theme.number, s.words) for s in found
    ]
