"""French text normalisation for matching: tokens, stop words, lemmas, acronyms.

"Les personnes âgées accompagnées" and "personne agee accompagner" give the
same terms; acronyms of the field (RSA, MDPH, ASE, EHPAD…) stay whole terms.
"""

import re
import unicodedata
from functools import lru_cache

import simplemma
import snowballstemmer

from consult.analysis.wordlists import load_words

ACRONYMS = load_words("acronyms")
STOP_WORDS = load_words("stop_words")
_TOKEN = re.compile(r"[0-9A-Za-zÀ-ÖØ-öø-ÿœŒæÆ]+(?:['’\-][0-9A-Za-zÀ-ÖØ-öø-ÿœŒæÆ]+)*")
_ELISION = re.compile(r"^(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu)['’]", re.IGNORECASE)


def strip_accents(text: str) -> str:
    """``"âgées"`` → ``"agees"`` (for matching only, never for display)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_STEMMER = snowballstemmer.stemmer("french")


@lru_cache(maxsize=100_000)
def _lemma(word: str) -> str:
    # Lemmatise first (irregular forms: "allons" → "aller"), then stem the
    # unaccented lemma, so that text typed without accents ("agee") meets
    # the accented form ("âgées"): both give "age".
    return _STEMMER.stemWord(strip_accents(simplemma.lemmatize(word, lang="fr")))


def terms(text: str) -> list[str]:
    """Normalised terms of ``text``: lemmatised, unaccented, stop words removed.

    Acronyms (RSA, MDPH…) are kept as they are; numbers are dropped.
    """
    result = []
    for raw in _TOKEN.findall(text or ""):
        word = _ELISION.sub("", raw).lower().replace("’", "'")
        for part in word.split("-") if "-" in word and len(word) > 12 else [word]:
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
