"""French normalisation: accents, plurals, verb forms, stop words, acronyms."""

import unicodedata

import pytest
import simplemma
from hypothesis import given
from hypothesis import strategies as st

from consult.analysis import text as text_module
from consult.analysis.text import (
    _french,
    analyzer,
    lemmatize,
    load_lemmas,
    set_territories,
    strip_accents,
    tag_terms,
    terms,
    territory_places,
    word_terms,
)


def test_plural_feminine_and_accents_meet():
    assert terms("Les personnes âgées accompagnées") == terms("personne agee accompagner")


def test_stop_words_and_numbers_are_dropped():
    assert terms("Il y a 3 fois plus de demandes pour les EHPAD") == ["demand", "ehpad"]


def test_acronyms_stay_whole_terms():
    assert terms("Le RSA, la MDPH et l'ASE") == ["rsa", "mdph", "ase"]


def test_elisions_are_removed():
    assert terms("l'accueil d'urgence") == ["accueil", "urgenc"]


def test_verb_forms_meet_their_infinitive():
    assert terms("ils travaillent la nuit") == terms("travailler de nuit")


def test_analyzer_adds_bigrams():
    assert analyzer("aide domicile") == ["aid", "domicil", "aid domicil"]


def test_lemmatize_gives_simplemmas_lemma_for_every_word():
    # dictionary words as written and with a capital, and words it does not hold as
    # written: numbers, decomposed accents, elisions, hyphens, unknown words
    held = list(_french())[::97]
    others = ["123", "½", "Été", "e\u0301te\u0301", "aujourd'hui", "l'école", "peut-être"]
    others += ["allons", "MAISONS", "geothermie", "zzxq", "2ème", "chevaux"]
    words = held + [w.capitalize() for w in held] + others
    assert [lemmatize(w) for w in words] == [simplemma.lemmatize(w, lang="fr") for w in words]


def test_lemmatize_reads_a_plain_word_missing_from_the_dictionary_without_simplemma(monkeypatch):
    # words of answers that the dictionary does not hold as written: invariable words,
    # a typo, a name held with its capital, numbers; simplemma's own search gives the same
    words = ["pays", "déjà", "oui", "seulement", "srtictes", "espagne", "1905", "3ème"]
    assert all(_french().get(word) is None or word.isnumeric() for word in words)
    expected = [simplemma.lemmatize(word, lang="fr") for word in words]
    assert [lemmatize(word) for word in words] == expected
    if not text_module._plain_search():  # a newer simplemma: asked itself, as it must be
        pytest.skip(f"simplemma {simplemma.__version__}: the shortcut was read for 2.0.0")

    def searched(word, lang):
        raise AssertionError(f"simplemma searched {word!r}")

    monkeypatch.setattr(text_module.simplemma, "lemmatize", searched)
    assert [lemmatize(word) for word in words] == expected


def test_another_simplemma_is_asked_itself_for_a_plain_word(monkeypatch):
    # its search may have changed: the shortcut read for simplemma 2.0.0 is not taken
    asked = []
    real = simplemma.lemmatize
    monkeypatch.setattr(simplemma, "__version__", "9.0.0")
    monkeypatch.setattr(text_module, "_plain_search", text_module._plain_search.__wrapped__)
    monkeypatch.setattr(
        text_module.simplemma, "lemmatize", lambda w, lang: asked.append(w) or real(w, lang=lang)
    )
    assert lemmatize("pays") == real("pays", lang="fr")
    assert asked == ["pays"]


def test_strip_accents():
    assert strip_accents("Élève âgée où") == "Eleve agee ou"


@given(st.text())
def test_strip_accents_removes_exactly_the_combining_marks(text):
    decomposed = unicodedata.normalize("NFKD", text)
    expected = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    assert strip_accents(text) == (text if text.isascii() else expected)


def test_strip_accents_of_accented_latin_text_removes_exactly_the_combining_marks():
    # ASCII and the accents of U+0300–U+036F take the short way; the grapheme joiner U+034F
    # (not a combining mark) and letters decomposing elsewhere must not
    latin = [chr(code) for code in (*range(0x80, 0x370), *range(0x1E00, 0x1F00))]
    texts = [f"Une {ch}t{ch} là-bas" for ch in latin] + ["".join(latin), "e\u034f\u0301te\u0301"]
    for text in texts:
        decomposed = unicodedata.normalize("NFKD", text)
        expected = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        assert strip_accents(text) == expected, text


def test_strip_accents_beyond_the_basic_plane():
    # a combining mark of another plane (musical stem) goes too, an emoji stays
    assert strip_accents("é\U0001d165 🙂") == "e 🙂"


def test_stop_word_terms_hold_the_lemmas_of_stop_words_not_content_words():
    from consult.analysis.text import stop_word_terms

    assert {"avoir", "aller"} <= stop_word_terms()
    assert terms("crèches")[0] not in stop_word_terms()


def test_strip_accents_keeps_ascii_and_letters_without_marks():
    assert strip_accents("ehpad rsa") == "ehpad rsa"
    assert strip_accents("Œuvre à cœur ß") == "Œuvre a cœur ß"


@given(st.text(alphabet="lLdDjJqQuU'’aébx -", max_size=30))
def test_terms_drop_elisions_as_the_pattern_alone_did(text):
    # the elision pattern only runs on words with an apostrophe: same terms as running it
    # on every word
    from consult.analysis import text as module

    expected = []
    for raw in module._TOKEN.findall(text):
        word = module._ELISION.sub("", raw).lower().replace("’", "'")
        for part in word.split("-") if "-" in word and len(word) > 12 else [word]:
            if len(part) < 2 or part.isdigit() or part in module.STOP_WORDS:
                continue
            if part in module.ACRONYMS:
                expected.append(part)
            elif strip_accents(part) not in module.STOP_WORDS:
                expected.append(module._lemma(part))
    assert terms(text) == expected


@pytest.mark.parametrize(
    ("written", "term"),
    [
        ("Une aide-ménagère deux heures par semaine", "aide_domicile"),
        ("l'aide ménagère ne vient plus", "aide_domicile"),
        ("Des places pour les tout-petits", "accueil_jeune_enfant"),
        ("Lutter contre le non-recours", "acces_droits"),
        ("Une place en institut médico-éducatif", "ime"),
    ],
)
def test_a_hyphenated_sector_expression_is_found_however_it_is_written(written, term):
    assert term in tag_terms(written)


@pytest.mark.parametrize(
    "written", ["pour mon père", "Ma mère est entrée en EHPAD", "ma grand-mère a 90 ans"]
)
def test_a_relative_of_the_writer_says_whom_they_write_for_not_parenthood(written):
    found = tag_terms(written)
    assert "proche_parent" in found
    assert not {"pere", "mere", "grand"} & set(found)


def test_a_household_help_is_no_relative():
    found = tag_terms("ma femme de ménage ne vient plus le mardi")
    assert "aide_domicile" in found
    assert "proche_parent" not in found


def test_a_parent_speaking_of_their_child_keeps_the_child():
    assert "enfant" in tag_terms("mes enfants vont au centre de loisirs")
    assert "proche_parent" not in tag_terms("mes enfants vont au centre de loisirs")


# --- Places: where, never what ------------------------------------------------------------


@pytest.fixture
def territories():
    """Set the Département's territories for one test, and forget them after."""
    yield set_territories
    set_territories([])


@pytest.mark.parametrize(
    ("written", "place"),
    [
        ("En Maurienne, les jeunes n'ont pas de transport", "maurienn"),  # a listed valley
        ("À Albertville, pas de crèche le samedi", "albertvill"),
        ("A Chambery le RSA tarde", "chambery"),  # typed without its accent
        ("à Saint-Jean-de-Maurienne la PMI est fermée", "jean"),  # written like a commune
        ("à St Jean de Maurienne la PMI est fermée", "jean"),
        ("à Saint Pierre d'Albigny la PMI est fermée", "albigny"),
        ("Au Pont-de-Beauvoisin la PMI est fermée", "beauvoisin"),
        ("les foyers de Haute-Vienne sont pleins", "vienn"),
        ("Beaucoup de MNA arrivent de Libye, traumatisés", "liby"),  # a country
        ("des familles venues de Côte d'Ivoire attendent un logement", "ivoir"),
        ("les jeunes venus d'Afghanistan n'ont pas de tuteur", "afghan"),
        ("en Suède les aidants sont payés", "sued"),
        ("aux Pays-Bas, l'habitat partagé", "bas"),
    ],
)
def test_a_place_names_no_tag_term(written, place):
    found = tag_terms(written)
    assert not any(place in term or term in {"saint", "st", "haut"} for term in found), found
    assert found  # what the text is about is still read


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ("Ma mère a Alzheimer, en Maurienne", "alzheim"),  # a capitalised word is no place
        ("La MDPH de Chambéry ne répond pas", "mdph"),
        ("Le RSA en Tarentaise", "rsa"),
        ("L'APA à Modane", "apa"),
        ("une Aide-Soignante à Ugine", "soign"),  # hyphenated, capitalised, no place
        ("s'inscrire à Pole-Emploi", "emploi"),
        ("St Jean de Maurienne et la PMI", "pmi"),  # a saint's name stops at what is no name
        ("qu'il vienne à la maison sociale", "maison"),
        ("un accident bénin à la crèche", "benin"),  # a country's name that is a common word
        ("s'inscrire à France Travail", "franc"),  # France names services too
    ],
)
def test_a_term_beside_a_place_is_kept(written, kept):
    assert kept in tag_terms(written)


def test_the_departements_territories_are_places(territories):
    text = "Dans l'Oisans et en Trièves les familles d'accueil manquent"
    assert {"oisan", "triev"} <= set(tag_terms(text))  # no place the project ships
    territories(["Oisans", "Bassin du Trièves"])
    found = tag_terms(text)
    assert not {"oisan", "triev", "bassin"} & set(found), found
    assert "assistant_familial" in found


def test_a_territorys_name_gives_its_places_not_its_kind_of_place():
    places = territory_places(
        ["Bassin chambérien", "Combe de Savoie et Albertville-Ugine", "Tarentaise-Vanoise"]
    )
    assert {"chambérien", "Savoie", "Albertville", "Ugine", "Albertville-Ugine"} <= places
    assert {"Tarentaise", "Vanoise"} <= places
    assert not {"Bassin", "Combe", "de", "et"} & places


def test_a_file_alone_says_no_fiche_its_phrase_still_does():
    """« le dossier de ma fille » was the word that put the MDPH complaint under the
    fiche whose one tagged example spoke of « le dossier »: every right has its file."""
    found = tag_terms("J'ai appelé la MDPH pour le dossier de ma fille")
    assert "mdph" in found
    assert not [t for t in found if t.startswith("dossi")]
    assert "acces_droits" in tag_terms("un dossier administratif trop long")


# --- The terms of the dictionary's words, read once per process (load_lemmas) --------------


@pytest.fixture(scope="module")
def dictionary_terms() -> dict[str, tuple[str, ...]]:
    return text_module._dictionary_terms()


def test_each_word_of_the_table_has_the_terms_that_terms_gives_it(monkeypatch, dictionary_terms):
    monkeypatch.setattr(text_module, "_WORD_TERMS", {})  # terms() analyses each word itself
    special = [w for w, found in dictionary_terms.items() if len(found) != 1 or found[0] == w]
    sample = [*list(dictionary_terms)[::7], *special]
    assert len(dictionary_terms) > 200_000
    assert {"les", "à", "dès", "sûr", "de"} <= {w for w in special if not dictionary_terms[w]}
    assert {w: dictionary_terms[w] for w in sample} == {w: tuple(terms(w)) for w in sample}


def test_the_table_holds_plain_words_only(dictionary_terms):
    assert dictionary_terms["maisons"] == ("maison",)
    assert dictionary_terms["âgées"] == tuple(terms("agee"))
    assert not [w for w in dictionary_terms if w != w.lower() or "'" in w or "-" in w]
    assert "aujourd'hui" in _french()
    assert "aujourd'hui" not in dictionary_terms


def test_load_lemmas_fills_the_table_once(monkeypatch, dictionary_terms):
    monkeypatch.setattr(text_module, "_WORD_TERMS", {})
    assert word_terms() == {}
    load_lemmas()
    assert word_terms() == dictionary_terms
    monkeypatch.setattr(text_module, "_dictionary_terms", lambda: pytest.fail("built again"))
    load_lemmas()


def test_terms_read_the_words_of_the_table_without_lemmatising_them(monkeypatch, dictionary_terms):
    expected = terms("Les maisons âgées, l'accueil et la MDPH à Chambéry-le-Vieux")
    monkeypatch.setattr(text_module, "_WORD_TERMS", dictionary_terms)
    lemmatised = []
    real = text_module._lemma
    monkeypatch.setattr(text_module, "_lemma", lambda word: lemmatised.append(word) or real(word))
    found = terms("Les maisons âgées, l'accueil et la MDPH à Chambéry-le-Vieux")
    assert found == expected
    assert lemmatised == ["chambéry"]  # the one word the dictionary does not hold


def test_words_are_unaccented_together_as_each_alone():
    words = [*_french(), "cœur", "x\U0001f600é", "e\u0301te\u0301", "Ça", "a\u034fb", "", "âge"]
    assert text_module._unaccented(words) == list(map(strip_accents, words))
    assert text_module._unaccented(["a\nb", "é"]) == ["a\nb", "e"]  # a line break: one by one


def test_a_dictionary_kept_as_strings_gives_its_table_too(monkeypatch):
    """simplemma 2 keeps its dictionaries as bytes; any other mapping is read as it is."""
    french = {"maisons": "maison", "Paris": "Paris", "l'eau": "eau", "âgées": "âgé", "les": "le"}
    monkeypatch.setattr(text_module, "_french", lambda: french)
    assert text_module._dictionary_terms() == {
        "maisons": (_stem("maison"),),
        "âgées": (_stem("age"),),
        "les": (),
    }


def _stem(word: str) -> str:
    return text_module._STEMMER.stemWord(word)
