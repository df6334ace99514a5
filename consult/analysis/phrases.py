"""Terms written back as people wrote them: "places en crèche" for the bigram "plac crech".

Labels and key terms are never made of stems: each is the way most people wrote it in
a few of the texts that use it, without edge punctuation, elision or capitals (acronyms
excepted), and never a mere form of a stop word ("suis", "doit"). Pure computation.
"""

import re
from collections import Counter
from functools import cache, lru_cache

import simplemma
import snowballstemmer

from consult.analysis.text import ACRONYMS, lemmatize, stop_word_terms, strip_accents

PHRASE_ROWS = 60  # texts read to find how people wrote a term
_PUNCTUATION = ".,;:!?()[]{}«»\"'’…*/–—-_<>"
_ELISION = re.compile(r"^(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu)['’]", re.IGNORECASE)
_STEMMER = snowballstemmer.stemmer("french")
# _stem keeps each word's stem: PyStemmer's own cache (when installed) would keep the same
# words a second time, at a cost on every call (half of the stemming time).
_STEMMER.maxCacheSize = 0
_BREAK = re.compile(r"[,;:.!?()«»\"\[\]/]")


class Phrases:
    """How people wrote terms and bigrams in a few texts ("places en crèche" for "plac crech")."""

    def __init__(self, texts: list[str], vocabulary, feature_terms, rows):
        """``vocabulary``: a :class:`consult.analysis.vectors.Terms`; ``feature_terms``:
        a feature's term ids (one for a term, two for a bigram); ``rows``: texts to read."""
        self.vocabulary = vocabulary
        self.feature_terms = feature_terms
        self.spans: dict[tuple[int, ...], list[tuple[list[str], int, int]]] = {}
        for row in rows[:PHRASE_ROWS]:
            chunks = texts[row].split()
            sequence = [(t, i) for i, c in enumerate(chunks) for t in vocabulary.of(c)]
            for (term, i), (following, j) in zip(sequence, sequence[1:], strict=False):
                if j - i < 4:
                    self.spans.setdefault((term, following), []).append((chunks, i, j))
            for term, i in sequence:
                self.spans.setdefault((term,), []).append((chunks, i, i))

    def get(self, feature: int) -> str | None:
        """The most frequent way of writing ``feature``; None for a bigram nobody wrote as a
        phrase (its words on either side of a comma or a full stop), or a term that is
        only a form of a stop word ("suis")."""
        wanted = self.feature_terms(feature)
        found = Counter(clean(chunks[i : j + 1]) for chunks, i, j in self.spans.get(wanted, []))
        found.pop("", None)
        if not found and len(wanted) == 1:
            found[self.vocabulary.surface(wanted[0])] = 1
        for phrase in [p for p in found if any(is_weak(w) for w in p.split())]:
            del found[phrase]
        if not found:
            return None
        return max(found.items(), key=lambda kv: (kv[1], -len(kv[0]), kv[0]))[0]


@cache
def _stem(word: str) -> str:
    return _STEMMER.stemWord(strip_accents(word.lower()))


@lru_cache(maxsize=10_000)
def is_weak(word: str) -> bool:
    """True for another form of a stop word: "suis", "soient" (être), "doit" (devoir).

    Such words say nothing of an idea: no label or term is made of them. The lemma itself
    is a noun as often as not ("le pouvoir d'achat") and is kept.
    """
    lemma = lemmatize(word)
    if _stem(lemma) not in stop_word_terms():
        return False
    return lemma.lower() != word.lower() or not simplemma.is_known(word, lang="fr")  # "étre"


def clean(words: list[str]) -> str:
    """Words as people wrote them, for a label: no edge punctuation, elision or capitals.

    "" when punctuation separates them ("répondre, les délais" is no phrase).
    """
    text = _ELISION.sub("", " ".join(words).strip(_PUNCTUATION))
    if _BREAK.search(text) or any(not w.strip(_PUNCTUATION) for w in text.split()):
        return ""
    shown = []
    for word in text.split():
        bare = word.strip(_PUNCTUATION).lower()
        shown.append(word.upper() if bare in ACRONYMS else word.lower())
    return " ".join(shown).strip(_PUNCTUATION)
