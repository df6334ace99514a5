"""Explainable tag suggestions: which themes and fiches a contribution talks about.

Each label (a theme or a fiche) has a profile built from the scheme's own
texts (titles, objectives, actions, indicators) plus the contributions that
facilitators have already tagged with it — so suggestions learn from their
decisions. A suggestion carries its score and the words that justify it.
"""

from dataclasses import dataclass, field

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from consult.analysis.similarity import readable_label
from consult.analysis.text import analyzer

# A tagged contribution counts as much as this share of the scheme's own text:
# enough for decisions to move suggestions, not enough to drown the scheme.
EXAMPLE_WEIGHT = 0.6


@dataclass
class Label:
    """Something a contribution can be tagged with."""

    key: str
    text: str
    examples: list[str] = field(default_factory=list)


@dataclass
class Suggestion:
    """A proposed tag, how sure we are, and why."""

    key: str
    score: float
    words: list[str]
    learned: bool


class Suggester:
    """TF-IDF profiles of labels; cosine similarity to a contribution."""

    def __init__(self, labels: list[Label], example_weight: float = EXAMPLE_WEIGHT):
        self.labels = labels
        self.example_weight = example_weight
        corpus = [label.text for label in labels] + [e for lb in labels for e in lb.examples]
        self.vectorizer = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True)
        self.vectorizer.fit(corpus or [""])
        self.vocabulary = self.vectorizer.get_feature_names_out()
        self.profiles = normalize(np.vstack([self._profile(label) for label in labels]))

    def _profile(self, label: Label) -> np.ndarray:
        own = self.vectorizer.transform([label.text]).toarray()[0]
        if not label.examples:
            return own
        examples = normalize(self.vectorizer.transform(label.examples)).toarray().mean(axis=0)
        return own + self.example_weight * examples / max(np.linalg.norm(examples), 1e-9)

    def suggest(self, text: str, top: int = 3, minimum: float = 0.05) -> list[Suggestion]:
        """The ``top`` labels closest to ``text`` with a score ≥ ``minimum``."""
        vector = normalize(self.vectorizer.transform([text])).toarray()[0]
        if not vector.any():
            return []
        scores = self.profiles @ vector
        order = np.argsort(scores)[::-1][:top]
        return [
            self._explain(i, float(scores[i]), vector, text) for i in order if scores[i] >= minimum
        ]

    def _explain(self, index: int, score: float, vector: np.ndarray, text: str) -> Suggestion:
        contribution = vector * self.profiles[index]
        best = [i for i in np.argsort(contribution)[::-1][:4] if contribution[i] > 0]
        words = [readable_label(self.vocabulary[i], [text]) for i in best]
        label = self.labels[index]
        return Suggestion(label.key, round(score, 3), words, learned=bool(label.examples))
