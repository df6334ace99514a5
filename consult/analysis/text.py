"""French text normalisation for matching: tokens, stop words, lemmas, acronyms.

"Les personnes âgées accompagnées" and "personne agee accompagner" give the
same terms; acronyms of the field (RSA, MDPH, ASE, EHPAD…) stay whole terms.
"""

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache
from itertools import compress, islice

import simplemma
import snowballstemmer
from simplemma.strategies import DEFAULT_DICTIONARY_FACTORY

from consult.analysis.personal_data import MASKS, find_personal_data
from consult.analysis.wordlists import DATA, load_words

ACRONYMS = load_words("acronyms")
STOP_WORDS = load_words("stop_words")
_TOKEN = re.compile(r"[0-9A-Za-zÀ-ÖØ-öø-ÿœŒæÆ]+(?:['’\-][0-9A-Za-zÀ-ÖØ-öø-ÿœŒæÆ]+)*")
_ELISION = re.compile(r"^(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu)['’]", re.IGNORECASE)


def _combining_marks() -> re.Pattern:
    """Every combining mark of the Basic Multilingual Plane, as one character class."""
    codes = [code for code in range(0x10000) if unicodedata.combining(chr(code))]
    spans, first = [], codes[0]
    for previous, code in zip(codes, codes[1:] + [None], strict=True):
        if code != previous + 1:
            spans.append(
                re.escape(chr(first)) + ("-" + re.escape(chr(previous)) if previous > first else "")
            )
            first = code
    return re.compile("[" + "".join(spans) + "]")


# Deleted by one regular expression (in C) instead of a Python test per character: whole
# answers go through here (points of vigilance, duplicates).
_COMBINING = _combining_marks()
# A character beyond the BMP, searched in C (``max(text)`` made and compared one string per
# character: half the cost of this function on whole answers).
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
# A character that is neither ASCII nor an accent of U+0300–U+036F (the common accents; the
# grapheme joiner U+034F is not a combining mark): a text without one, decomposed, loses
# exactly its characters beyond ASCII, which encoding to ASCII drops faster than the regex.
_BEYOND_ACCENTS = re.compile(
    "[^\x00-\x7f"
    + "".join(
        re.escape(chr(code)) for code in range(0x300, 0x370) if unicodedata.combining(chr(code))
    )
    + "]"
)


def strip_accents(text: str) -> str:
    """``"âgées"`` → ``"agees"`` (for matching only, never for display)."""
    if text.isascii():  # most words: nothing to strip, and much faster
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    if _BEYOND_ACCENTS.search(decomposed) is None:  # most French text
        return decomposed.encode("ascii", "ignore").decode("ascii")
    if _ASTRAL.search(decomposed) is None:
        return _COMBINING.sub("", decomposed)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))  # rare planes


_STEMMER = snowballstemmer.stemmer("french")
# _lemma keeps each word's stem: PyStemmer's own cache (when installed) would keep the same
# words a second time, at a cost on every call (half of the stemming time).
_STEMMER.maxCacheSize = 0


def lemmatize(word: str) -> str:
    """``simplemma.lemmatize(word, lang="fr")``. A word that simplemma's French dictionary
    holds as written is looked up there at once: that lookup is the first step of
    simplemma's search for a French word (after a number, which is its own lemma), and
    the layers of calls around it cost more than the lookup (most words of a corpus)."""
    found = _french().get(word)
    if found is not None and not word.isnumeric() and unicodedata.is_normalized("NFC", word):
        return found
    if _PLAIN_WORD.fullmatch(word) and _plain_search():
        return _plain_lemma(word)
    return simplemma.lemmatize(word, lang="fr")


def _plain_lemma(word: str) -> str:
    """simplemma's French lemma of a plain word (:data:`_PLAIN_WORD`) that its dictionary
    does not hold as written (« pays », « déjà », a typo: a thousand words of a corpus,
    each searched through some fifty calls in simplemma): a number is its own lemma;
    else the entry of the word with a capital (« espagne » → « Espagne »), else the word.
    All that simplemma's search finds for such a word in French (:func:`_plain_search`)."""
    if word.isnumeric():
        return word
    return _french().get(word.capitalize()) or word


# The simplemma whose French search :func:`_plain_search` was read in (another one, even
# with the same tables, may search otherwise: it is then asked itself).
_READ_SIMPLEMMA = "2.0.0"


@lru_cache(maxsize=1)
def _plain_search() -> bool:
    """Whether simplemma's French search of a plain word reduces to :func:`_plain_lemma`:
    none of its rules, prefixes, affixes, morphemes, apostrophe boundaries, enclitics or
    folding of characters is French, and its last resort keeps the word as it is (its
    other steps need an apostrophe or a hyphen, which a plain word has not). False with
    another simplemma than the one read (simplemma itself is asked then)."""
    if getattr(simplemma, "__version__", None) != _READ_SIMPLEMMA:
        return False
    try:
        from simplemma.lemmatizer import _legacy_lemmatizer_for
        from simplemma.strategies.affix_decomposition import AFFIX_LANGS
        from simplemma.strategies.apostrophe_boundary import APOSTROPHE_BOUNDARY_LANGS
        from simplemma.strategies.clitic_decomposition import CLITIC_LANGS
        from simplemma.strategies.default import DefaultStrategy
        from simplemma.strategies.defaultprefixes import DEFAULT_KNOWN_PREFIXES
        from simplemma.strategies.defaultrules import RULE_FUNCTIONS
        from simplemma.strategies.fallback.to_lowercase import ToLowercaseFallbackStrategy
        from simplemma.strategies.morpheme_decomposition import MORPHEME_LANGS
        from simplemma.utils import _CANON_TABLES

        lemmatizer = _legacy_lemmatizer_for(False, False)
        strategy = lemmatizer._lemmatization_strategy
        last = lemmatizer._fallback_lemmatization_strategy
        greedy, lowered = strategy._greedy_dictionary_lookup, last._langs_to_lower
    except (ImportError, AttributeError):
        return False
    tables = (
        AFFIX_LANGS,
        APOSTROPHE_BOUNDARY_LANGS,
        CLITIC_LANGS,
        DEFAULT_KNOWN_PREFIXES,
        RULE_FUNCTIONS,
        MORPHEME_LANGS,
        _CANON_TABLES,
        lowered,
    )
    return (
        type(strategy) is DefaultStrategy
        and greedy is None
        and type(last) is ToLowercaseFallbackStrategy
        and all("fr" not in table for table in tables)
    )


@lru_cache(maxsize=1)
def _french():
    """simplemma's French dictionary: the one its ``lemmatize`` reads (loaded once)."""
    return DEFAULT_DICTIONARY_FACTORY.get_dictionary("fr")


@lru_cache(maxsize=100_000)
def _lemma(word: str) -> str:
    # Lemmatise first (irregular forms: "allons" → "aller"), then stem the
    # unaccented lemma, so that text typed without accents ("agee") meets
    # the accented form ("âgées"): both give "age".
    return _STEMMER.stemWord(strip_accents(lemmatize(word)))


@lru_cache(maxsize=1)
def stop_word_terms() -> frozenset[str]:
    """The terms of stop words' lemmas ("etre", "avoir", "pouvoir"…): another form of a
    stop word ("suis", "doit") gives one of them and says nothing of an idea."""
    return frozenset(
        _STEMMER.stemWord(strip_accents(lemmatize(word).lower())) for word in STOP_WORDS
    )


def load_lemmas() -> None:
    """Load the French lemma dictionary now, and the terms of its plain words
    (:func:`word_terms`), once per process (well under a second): a worker does it before
    forking the work horse of a job, which then inherits both."""
    _lemma.__wrapped__("maisons")
    if not _WORD_TERMS:
        _WORD_TERMS.update(_dictionary_terms())


# Each plain word of the French dictionary (lower case, letters and digits only) → its
# :func:`terms`, filled by :func:`load_lemmas`: a text's words are mostly there, and a
# look-up costs much less than lemmatising and stemming each distinct word of a corpus
# anew in each job.
_WORD_TERMS: dict[str, tuple[str, ...]] = {}
# a word that :data:`_TOKEN` reads whole, already in lower case, with neither apostrophe
# nor hyphen (NFC, as every character of this class is: simplemma's look-up applies)
_PLAIN_WORD = re.compile(r"[0-9a-zß-öø-ÿœæ]+")


def word_terms() -> dict[str, tuple[str, ...]]:
    """The terms of the dictionary's plain words (``terms(word)`` as a tuple), once
    :func:`load_lemmas` has run (empty before)."""
    return _WORD_TERMS


def _dictionary_terms() -> dict[str, tuple[str, ...]]:
    """:func:`terms` of each plain word of the French dictionary, by whole lists: each
    distinct lemma unaccented and stemmed once (a term is its word's lemma's stem), then
    the words that :func:`terms` leaves out or keeps whole."""
    words, lemmas, decode = _dictionary_pairs()
    plain = list(map(bool, map(_PLAIN_WORD.fullmatch, words)))
    words, lemmas = list(compress(words, plain)), list(compress(lemmas, plain))
    distinct = dict.fromkeys(lemmas)
    stems = _STEMMER.stemWords(_unaccented(list(map(decode, distinct))))
    terms_of = dict(zip(distinct, zip(stems), strict=True))  # a lemma → (its stem,)
    table = dict(zip(words, map(terms_of.__getitem__, lemmas), strict=True))
    # As terms() reads a word: short, a number or a stop word: nothing; else an acronym:
    # itself; else a stop word once unaccented: nothing (set in the reverse order). Only
    # a word with an accent may become another once unaccented, and never a shorter one
    # (each letter of these words loses its accent alone).
    longest = max(map(len, STOP_WORDS))
    accented = [word for word in words if len(word) <= longest and not word.isascii()]
    stopped = map(STOP_WORDS.__contains__, _unaccented(accented))
    table.update(dict.fromkeys(compress(accented, stopped), ()))
    table.update((word, (word,)) for word in ACRONYMS if word in table)
    table.update(dict.fromkeys(STOP_WORDS.intersection(table), ()))
    table.update(dict.fromkeys(filter(str.isdigit, words), ()))
    table.update(dict.fromkeys((word for word in words if len(word) < 2), ()))
    return table


def _unaccented(words: list[str]) -> list[str]:
    """``strip_accents`` of each of ``words``, in one call over them all, a line each: the
    same strings (a word's accents go with it, a line break has none; one word that needs
    the slower way of :func:`strip_accents` takes them all there, which leaves the others
    as the faster way would), without a quarter of a million calls."""
    found = strip_accents("\n".join(words)).split("\n")
    return found if len(found) == len(words) else list(map(strip_accents, words))


def _dictionary_pairs() -> tuple[list[str], list, type]:
    """The French dictionary's words, their lemmas, and what makes a lemma a string.
    simplemma 2 keeps the dictionary as bytes, decoded at each look-up: read as kept,
    each distinct lemma is decoded once (a quarter of a million look-ups otherwise)."""
    french = _french()
    kept = getattr(french, "_dict", None)
    if isinstance(kept, dict) and all(isinstance(k, bytes) for k in islice(kept, 10)):
        return list(map(bytes.decode, kept)), list(kept.values()), bytes.decode
    words = list(french)
    return words, list(map(french.__getitem__, words)), str


def terms(text: str) -> list[str]:
    """Normalised terms of ``text``: lemmatised, unaccented, stop words removed.

    Acronyms (RSA, MDPH…) are kept as they are; numbers are dropped.
    """
    result = []
    for raw in _TOKEN.findall(text or ""):
        if "'" in raw or "’" in raw:  # what an elision needs: most words have neither
            raw = _ELISION.sub("", raw).replace("’", "'")
        word = raw.lower()
        for part in word.split("-") if "-" in word and len(word) > 12 else [word]:
            known = _WORD_TERMS.get(part)  # a word of the dictionary (most)
            if known is not None:
                result.extend(known)
                continue
            if len(part) < 2 or part.isdigit() or part in STOP_WORDS:
                continue
            if part in ACRONYMS:
                result.append(part)
                continue
            if strip_accents(part) not in STOP_WORDS:
                result.append(_lemma(part))
    return result


def analyzer(text: str) -> list[str]:
    """Terms plus adjacent pairs (bigrams): a scikit-learn ``analyzer`` callable."""
    words = terms(text)
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


# --- Terms for tag suggestions ------------------------------------------------------------

AMBIGUOUS = frozenset(strip_accents(w) for w in load_words("ambiguous_words"))
_NEGATIONS = frozenset({"ne", "n", "pas", "plus", "jamais", "aucun", "aucune", "sans"})


def _key(word: str) -> str:
    """Matching form of a word: unaccented, lower case, no plural ``s``/``x``."""
    word = strip_accents(word.lower().replace("’", "'"))
    return word[:-1] if len(word) > 3 and word[-1] in "sx" else word


def _load_expressions() -> dict[tuple[str, ...], list[str]]:
    """``data/expressions.txt``: each variant's words (matching form) → its terms.

    ``langage_simple acces_droits = langage simple | falc``: the expression is the
    term ``langage_simple`` and also means ``acces_droits`` (fiches say « accès aux
    droits », people write « en langage simple »).

    ``- = au lieu de | tout de suite``: a phrase of the language whose words, read
    together, say nothing of a tag (no term; « lieu » alone, « suite » alone still do).
    """
    found = {}
    for line in load_words("expressions"):
        names, _, variants = line.partition("=")
        terms_ = [] if names.strip() == NO_TERM else names.split()
        if terms_:  # further names: terms the expression also means
            term = terms_[0]
            shown = term.upper() if term in ACRONYMS else variants.split("|")[0].strip()
            EXPRESSION_NAMES.setdefault(term, shown)
        for variant in variants.split("|"):
            # Hyphens and apostrophes split words as in the texts (« aide-ménagère »).
            words = tuple(_key(w) for w in _TOKEN.findall(re.sub(r"['’-]", " ", variant)))
            if words:
                found[words] = terms_
    return found


NO_TERM = "-"  # data/expressions.txt: phrases that say nothing of a tag


# A term → how it reads (« accueil_jour » → « accueil de jour »), for explanations.
EXPRESSION_NAMES: dict[str, str] = {}
EXPRESSIONS = _load_expressions()
_LONGEST = max((len(words) for words in EXPRESSIONS), default=1)


def _unwanted(word: str) -> bool:
    return word in STOP_WORDS or word in AMBIGUOUS


_ELIDED = re.compile(r"[^'’]+")
_PART = re.compile(r"[^\-]+")


def _token_spans(text: str) -> Iterator[tuple[str, int, int, int, int]]:
    """The words of ``text`` as tag terms read them (cut at apostrophes and hyphens:
    « d'accueil » → « d », « accueil »), each with where it starts and ends in ``text``,
    and where its hyphenated word starts and ends (« rendez-vous »)."""
    for match in _TOKEN.finditer(text or ""):
        for elided in _ELIDED.finditer(match.group(0)):
            whole = match.start() + elided.start(), match.start() + elided.end()
            for part in _PART.finditer(elided.group(0)):
                start = whole[0] + part.start()
                yield part.group(0), start, start + len(part.group(0)), *whole


def _tokens(text: str) -> list[str]:
    return [span[0] for span in _token_spans(text)]


def _expression_at(keys: list[str], start: int) -> tuple[list[str], int] | None:
    for size in range(min(_LONGEST, len(keys) - start), 0, -1):
        term = EXPRESSIONS.get(tuple(keys[start : start + size]))
        if term is not None:
            return term, size
    return None


def _read(text: str) -> Iterator[tuple[list[str], list[str] | None]]:
    """The words of ``text`` in order, a sector expression's together: ``(its words, its
    terms)``, or ``([a word], None)`` outside expressions (the longest expression first)."""
    words = _tokens(text)
    keys = [_key(w) for w in words]
    index = 0
    while index < len(words):
        found = _expression_at(keys, index)
        size = found[1] if found else 1
        yield words[index : index + size], found[0] if found else None
        index += size


def tag_terms(text: str) -> list[str]:
    """Terms that may decide a tag: sector expressions as one term, then lemmas.

    Expressions (« accueil de jour », « revenu de solidarité active » → ``rsa``)
    are found first; stop words and ambiguous words alone (« personne ne m'a
    rappelée », « rien », « accueil ») are dropped, so they never decide a tag, and so
    is personal data (:func:`without_personal_data`).
    """
    result = []
    for words, expression in _read(without_places(without_personal_data(text))):
        if expression is not None:  # a phrase that says nothing has no term
            result.extend(expression)
            continue
        lemma = _word_term(words[0].lower())
        if lemma:
            result.append(lemma)
    return result


_HOUR = re.compile(r"\d+h\d*")  # « 17h », « 1h15 »: when, like a number


def _word_term(word: str) -> str:
    """The tag term of one lower-case word outside expressions, or ``""`` when it may not
    decide a tag (short, a number or an hour, a negation, a stop word, an ambiguous
    word)."""
    if len(word) < 3 or word.isdigit() or _HOUR.fullmatch(word) or word in _NEGATIONS:
        return ""
    if word in STOP_WORDS or _unwanted(strip_accents(word)):
        return ""
    return _tag_lemma(word)


_WORD = re.compile(r"[^\W_]+")


def shown(written: str) -> str:
    """Words of a text as a suggestion's reason shows them: as written (« famille
    d'accueil », « week-end »), in lower case but for acronyms (« MDPH »)."""

    def one(match: re.Match) -> str:
        word = match.group(0)
        return word if len(word) > 1 and word.isupper() else word.lower()

    return _WORD.sub(one, written)


def written_terms(text: str) -> dict[str, str]:
    """How each term :func:`tag_terms` finds in ``text`` is written there: a sector
    expression's own words (« famille d'accueil », « Mon père », not the expression's
    name; the further names of ``langage_simple acces_droits = …`` are another idea,
    read by their name), a word's most frequent form (« aidants », never a stem such as
    « rendr »), as :func:`shown`; a hyphenated word whole when only one of its parts is a
    term (« rendez-vous », not « rendez »). A reason of a suggestion is what the text says."""
    spans = list(_token_spans(text))
    keys = [_key(span[0]) for span in spans]
    termed = Counter(span[3:] for span in spans if _word_term(span[0].lower()))
    found: dict[str, str] = {}
    forms: dict[str, dict[str, int]] = {}
    index = 0
    while index < len(spans):
        expression = _expression_at(keys, index)
        if expression:
            names, size = expression
            if names:  # its further names are ideas, read by name (« accès aux droits »)
                found.setdefault(
                    names[0], shown(text[spans[index][1] : spans[index + size - 1][2]])
                )
            index += size
            continue
        word, _start, _end, *whole = spans[index]
        term = _word_term(word.lower())
        if term:
            form = shown(text[whole[0] : whole[1]] if termed[tuple(whole)] == 1 else word)
            counts = forms.setdefault(term, {})
            counts[form] = counts.get(form, 0) + 1
        index += 1
    for term, counts in forms.items():
        found.setdefault(term, max(counts.items(), key=lambda item: (item[1], -len(item[0])))[0])
    return found


def as_written(phrase: str, text: str) -> str:
    """``phrase`` (unaccented, lower case, its apostrophes lost: « famille d accueil »)
    as ``text`` writes it (« famille d'accueil »), :func:`shown`; else ``phrase``."""
    wanted = _WORD.findall(strip_accents(phrase.lower()))
    spans, plain = _plain_spans(text)
    for start in range(len(spans) - len(wanted) + 1):
        if wanted and plain[start : start + len(wanted)] == wanted:
            return shown(text[spans[start][1] : spans[start + len(wanted) - 1][2]])
    return phrase


@lru_cache(maxsize=256)
def _plain_spans(text: str) -> tuple[list, list[str]]:
    """``text``'s word spans and their words unaccented, lower case: a text's concepts
    are looked for in it one after the other (:func:`as_written`)."""
    spans = list(_token_spans(text))
    return spans, [strip_accents(span[0].lower()) for span in spans]


RELATIVE = "proche_parent"  # the term of « mon père », « ma mère »… (data/expressions.txt)


def without_relatives(text: str) -> str:
    """The words of ``text`` without those that name the writer's relatives (« pour mon
    père »): whom they write for, never what the text is about — not even through a sector
    concept (« père » names « enfance, famille »). Expressions are read as
    :func:`tag_terms` reads them."""
    kept = [w for words, terms_ in _read(text) if RELATIVE not in (terms_ or ()) for w in words]
    return " ".join(kept)


def without_personal_data(text: str) -> str:
    """``text`` without the personal data found in it (an address's « rue », an e-mail's
    « example ») nor the masks a moderator put in its place (« [nom masqué] »): they say
    who wrote, never what a contribution is about."""
    for finding in reversed(find_personal_data(text)):
        text = f"{text[: finding.start]} {text[finding.end :]}"
    return _MASK.sub(" ", text)


_MASK = re.compile("|".join(re.escape(mask) for mask in MASKS.values()))


@lru_cache(maxsize=100_000)
def _tag_lemma(word: str) -> str:
    """The word's term, or ``""`` when its lemma is ambiguous (« rien », « aider »)."""
    if word in ACRONYMS:
        return word
    lemma = lemmatize(word)
    # simplemma gives some participles as their own lemma (« rappelée » → « rappelé »),
    # whose lemma is the verb the list names (« rappeler »)
    if strip_accents(lemma) in AMBIGUOUS or strip_accents(lemmatize(lemma)) in AMBIGUOUS:
        return ""
    return _lemma(word)


# --- Places: where, never what ------------------------------------------------------------


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# A place's name (a commune, a valley, the Département's own territories) says where a
# contribution comes from, never what it is about: it never makes a tag term. Three
# sources: ``data/places.txt`` (the Savoie's valleys and communes, the régions, the
# départements and the countries whose name is no common word), the Département's
# territories (:func:`set_territories`), and names written like a commune's,
# « Saint-Jean-de-Maurienne », « Aix-les-Bains », « Saint Pierre d'Albigny »
# (:func:`place_spans`). A capitalised word alone is not taken for a place: « Alzheimer »,
# « MDPH » say what a text is about.
_PLACE_PARTICLES = _word_set("de du des d la le les l sur sous en lès lez et aux au à")
# Words of a territory's name that say what kind of place it is, not which.
_PLACE_KINDS = _word_set(
    "bassin bassins pays combe val vallée vallées haut haute hautes bas basse grand grande "
    "petit petite nord sud est ouest centre territoire territoires canton communauté "
    "agglomération métropole ville vie secteur zone plaine plateau massif lac rive côte "
    "montagne arrondissement avant cœur coeur saint sainte"
)
_SAINTS = _word_set("Saint Sainte St Ste")
_TITLE = re.compile(r"[A-ZÀ-ÖØ-ÞŒ][a-zß-öø-ÿœ]+")
# « Saint Jean de Maurienne », « St Pierre d'Albigny »: a saint's name and what follows
_SAINT = re.compile(
    r"(?<![\w-])(?:Saint|Sainte|St|Ste)\.?[ -]+{title}"
    r"(?:(?:[ -]+(?:de|du|des|la|le|les|sur|en|lès)[ -]+|[ -]+d['’]|-){title})*".format(
        title=r"[A-ZÀ-ÖØ-ÞŒ][a-zß-öø-ÿœ]+(?!\w)"
    )
)
# a word of several joined by hyphens or apostrophes (« Aix-les-Bains »), as _TOKEN reads it
_JOINED = re.compile(r"[0-9A-Za-zÀ-ÖØ-öø-ÿœŒæÆ]+(?:['’\-][0-9A-Za-zÀ-ÖØ-öø-ÿœŒæÆ]+)+")
_territory_names: frozenset[str] = frozenset()


def _place_key(name: str) -> tuple[str, ...]:
    """A place's words in matching form (« Saint-Jean-de-Maurienne » → ``saint``, ``jean``,
    ``de``, ``maurienne``): people type it in any case, with its accents or not, its words
    apart by spaces, hyphens or apostrophes."""
    return tuple(strip_accents(w.lower()) for w in _TOKEN.findall(re.sub(r"['’-]", " ", name)))


def _listed_places() -> frozenset[str]:
    """``data/places.txt``'s names, as written."""
    lines = (DATA / "places.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


def territory_places(names) -> frozenset[str]:
    """The place names a territory's name holds: itself (« Combe de Savoie et
    Albertville-Ugine »), its hyphenated names (« Albertville-Ugine ») and their parts,
    and its words that are no common French word (« Maurienne », « chambérien ») or that
    it capitalises after its first word (« Albanais », « Savoie »), but never a word
    that only says what kind of place it is (« Bassin », « Pays », « Combe »), a stop
    word, an acronym, nor a sector expression."""
    found = set()
    for name in names:
        name = (name or "").strip()
        if not name:
            continue
        found.add(name)
        for index, token in enumerate(_TOKEN.findall(name)):
            parts = re.split(r"['’-]", token)
            if len(parts) > 1 and _compound_place(token):
                found.add(token)
            for part in parts:
                lower = part.lower()
                if (
                    len(part) < 2
                    or lower in _PLACE_KINDS
                    or lower in _PLACE_PARTICLES
                    or lower in STOP_WORDS
                    or lower in ACRONYMS
                    or (_key(part),) in EXPRESSIONS
                ):
                    continue
                unknown = not simplemma.is_known(lower, lang="fr")
                if unknown or (index > 0 and _TITLE.fullmatch(part)):
                    found.add(part)
    return frozenset(found)


def _compound_place(token: str) -> bool:
    """« Aix-les-Bains », « Bourg-Saint-Maurice », « Albertville-Ugine »: hyphenated
    words, two or more capitalised and the others particles (« de », « les »…), none an
    acronym, one at least no common word; and joined by a particle or a saint
    (« Aix-les-Bains », « Saint-Alban ») or else all no common word (« Alsace-Moselle »):
    « Aide-Soignante », « Pole-Emploi », « Education-Recherche » are no places."""
    parts = [p for p in re.split(r"['’-]", token) if p]
    titled = [p for p in parts if _TITLE.fullmatch(p)]
    if len(titled) < 2 or any(p.lower() in ACRONYMS for p in titled):
        return False
    if any(p not in titled and p.lower() not in _PLACE_PARTICLES for p in parts):
        return False
    known = [simplemma.is_known(p.lower(), lang="fr") for p in titled]
    if all(known):
        return False
    joined = len(titled) < len(parts) or any(p in _SAINTS for p in titled)
    return joined or not any(known)


def _place_keys(names) -> tuple[frozenset, int, frozenset[str], frozenset[str]]:
    """The names' matching forms, the most words one has, their first words, and the
    longest word of each (a text without one of those names none)."""
    keys = frozenset(key for key in map(_place_key, names) if key)
    anchors = frozenset(max(key, key=len) for key in keys)
    return keys, max(map(len, keys), default=0), frozenset(key[0] for key in keys), anchors


PLACES = _listed_places()
_places = _place_keys(PLACES)


def set_territories(names) -> bool:
    """Read the names of the Département's territories as places from now on (a
    process serves one Département); whether they changed."""
    global _territory_names, _places
    places = territory_places(names)
    if places == _territory_names:
        return False
    _territory_names = places
    _places = _place_keys(PLACES | places)
    return True


def place_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` names a place (start, end), in order, apart."""
    spans = list(_named_places(text))
    spans += [m.span() for m in _SAINT.finditer(text)]
    spans += [m.span() for m in _JOINED.finditer(text) if _compound_place(m.group(0))]
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def _named_places(text: str) -> Iterator[tuple[int, int]]:
    """Where ``text`` names a place of the list or of the territories (longest first)."""
    keys, longest, firsts, anchors = _places
    if anchors.isdisjoint(_WORD.findall(strip_accents(text.lower()))):
        return  # most texts name no place: one pass of C code tells
    words = list(_token_spans(text))
    plain = [strip_accents(word[0].lower()) for word in words]
    index = 0
    while index < len(words):
        if plain[index] not in firsts:
            index += 1
            continue
        for size in range(min(longest, len(words) - index), 0, -1):
            if tuple(plain[index : index + size]) in keys:
                yield words[index][1], words[index + size - 1][2]
                index += size - 1
                break
        index += 1


def without_places(text: str) -> str:
    """``text`` without the places it names (:func:`place_spans`)."""
    if not text:
        return text
    for start, end in reversed(place_spans(text)):
        text = f"{text[:start]} {text[end:]}"
    return text
