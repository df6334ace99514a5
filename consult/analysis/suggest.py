"""Explainable tag suggestions: which themes and fiches a contribution talks about.

Two parts, added up, both linear over the same terms (lemmas and sector
expressions, see :func:`consult.analysis.text.tag_terms`) so each suggestion is
justified by the words that weigh most for it:

* a **prior** from the scheme's own texts: cosine between the contribution and
  the label's text (a fiche's title, constats, objectives, actions, indicators);
  it alone works on the first day (cold start);
* a **learned** part: a logistic regression over the contributions facilitators
  tagged (each tag says "this label", and "not the others": accepted, corrected
  and rejected suggestions all teach it), fitted once per model.

Scores become probabilities through a :class:`Calibration` fitted on
out-of-fold scores (:func:`out_of_fold`), so "80 %" means right about 4 times
in 5 on held-out contributions.
"""

import warnings
from dataclasses import dataclass, field

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from consult.analysis.similarity import readable_label
from consult.analysis.text import EXPRESSION_NAMES, tag_terms

# How much the scheme's text counts beside what was learned, and how freely the
# regression fits (5-fold cross-validation on the Savoie dev set; themes, whose
# scheme text is a bare title, give the learned part twice the weight).
PRIOR_WEIGHT = 1.0
LEARNED_WEIGHT = 0.5
REGULARISATION = 20.0
EXAMPLE_WEIGHT = 1.0  # the examples' centroid beside the label's own text, in the prior
# Weights of the learned part tried on held-out scores (:func:`choose_weight`):
# from "the scheme's text decides" to "what facilitators did decides".
WEIGHT_CHOICES = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0)
MIN_CALIBRATION_POINTS = 20
WORDS_SHOWN = 4


@dataclass
class Label:
    """Something a contribution can be tagged with; ``examples`` are texts tagged with it."""

    key: str
    text: str
    examples: list[str] = field(default_factory=list)


@dataclass
class Suggestion:
    """A proposed tag, how sure we are (a probability once calibrated), and why."""

    key: str
    score: float
    words: list[str]
    learned: bool


class Calibration:
    """Raw score → share of suggestions with that score that were right (isotonic)."""

    def __init__(self, scores: list[float], right: list[bool]):
        self.fitted = len(scores) >= MIN_CALIBRATION_POINTS and 0 < sum(right) < len(right)
        if self.fitted:
            self.model = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
            self.model.fit(np.asarray(scores, float), np.asarray(right, float))

    def __call__(self, scores: np.ndarray) -> np.ndarray:
        if not self.fitted:
            return np.clip(scores, 0.0, 1.0)
        return self.model.predict(np.asarray(scores, float))


def _analyzer(text: str) -> list[str]:
    return tag_terms(text)


class Suggester:
    """Prior (scheme text) + learned (tags) linear scores over lemmas; explained."""

    def __init__(
        self,
        labels: list[Label],
        calibration: Calibration | None = None,
        learned_weight: float = LEARNED_WEIGHT,
    ):
        self.labels = labels
        self.learned_weight = learned_weight
        corpus = [label.text for label in labels] + [e for lb in labels for e in lb.examples]
        self.vectorizer = TfidfVectorizer(analyzer=_analyzer, sublinear_tf=True)
        self.vectorizer.fit([t for t in corpus if t.strip()] or ["vide"])
        self.vocabulary = self.vectorizer.get_feature_names_out()
        self.profiles = normalize(np.vstack([self._profile(label) for label in labels]))
        self.coef, self.intercept = self._learn()
        self.calibration = calibration or Calibration([], [])

    def _profile(self, label: Label) -> np.ndarray:
        """The label's text, plus the centroid of its tagged examples."""
        own = normalize(self.vectorizer.transform([label.text])).toarray()[0]
        if not label.examples:
            return own
        centroid = normalize(self.vectorizer.transform(label.examples)).toarray().mean(axis=0)
        return own + EXAMPLE_WEIGHT * centroid / max(np.linalg.norm(centroid), 1e-9)

    @property
    def learned(self) -> bool:
        return self.coef is not None

    def _learn(self) -> tuple[np.ndarray | None, np.ndarray | None]:
        """Logistic regression over the tagged examples, each label's own text included
        (one more example each, so even a single tagged label has others to differ from)."""
        if not any(lb.examples for lb in self.labels):
            return None, None
        texts = [e for lb in self.labels for e in lb.examples]
        targets = [i for i, lb in enumerate(self.labels) for _ in lb.examples]
        texts += [lb.text for lb in self.labels]
        targets += list(range(len(self.labels)))
        model = LogisticRegression(C=REGULARISATION, max_iter=300)
        # One BLAS thread: on a busy machine, threads fighting for cores made this
        # small fit 30 times slower (2.8 s instead of 0.07 s on the Savoie dev set).
        with warnings.catch_warnings(), threadpool_limits(limits=1):
            # Not fully converged is good enough for ranking.
            warnings.simplefilter("ignore", ConvergenceWarning)
            # Few examples per label is the normal case here, not a regression problem.
            warnings.filterwarnings("ignore", "The number of unique classes", UserWarning)
            model.fit(normalize(self.vectorizer.transform(texts)), targets)
        if len(self.labels) == 2:
            return _binary(model.coef_), _binary(model.intercept_)
        return model.coef_, model.intercept_

    def parts(self, vector: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """The prior (cosine to the label's text) and the learned probabilities."""
        prior = PRIOR_WEIGHT * (self.profiles @ vector)
        if not self.learned:
            return prior, None
        logits = self.coef @ vector + self.intercept
        logits = np.exp(logits - logits.max())
        return prior, logits / logits.sum()

    def raw_scores(self, vector: np.ndarray) -> np.ndarray:
        """Uncalibrated score of every label for a normalised term vector."""
        prior, learned = self.parts(vector)
        return prior if learned is None else prior + self.learned_weight * learned

    def vector(self, text: str) -> np.ndarray:
        return normalize(self.vectorizer.transform([text])).toarray()[0]

    def suggest(
        self, text: str, top: int = 3, minimum: float = 0.0, exclude=frozenset()
    ) -> list[Suggestion]:
        """The ``top`` labels closest to ``text`` (keys in ``exclude`` left out).

        A label needs a calibrated score ≥ ``minimum`` and at least one justifying word.
        """
        vector = self.vector(text)
        if not vector.any():
            return []
        raw = self.raw_scores(vector)
        probabilities = self.calibration(raw)
        found = []
        for index in np.argsort(-raw, kind="stable"):
            if len(found) == top:
                break
            if self.labels[index].key in exclude or probabilities[index] < minimum:
                continue
            words = self._words(index, vector, text)
            if words:
                found.append(
                    Suggestion(
                        self.labels[index].key,
                        round(float(probabilities[index]), 3),
                        words,
                        learned=self.learned and bool(self.labels[index].examples),
                    )
                )
        return found

    def _words(self, index: int, vector: np.ndarray, text: str) -> list[str]:
        weight = PRIOR_WEIGHT * self.profiles[index]
        if self.learned:
            weight = weight + self.learned_weight * np.clip(self.coef[index], 0, None) / 10
        share = vector * weight
        best = [i for i in np.argsort(-share)[:WORDS_SHOWN] if share[i] > 0]
        return [self._readable(self.vocabulary[i], text) for i in best]

    @staticmethod
    def _readable(term: str, text: str) -> str:
        if term in EXPRESSION_NAMES:
            return EXPRESSION_NAMES[term]
        return readable_label(term, [text])


def _binary(values: np.ndarray) -> np.ndarray:
    """Two classes: scikit-learn keeps one row; give each class its own."""
    return np.concatenate([-values, values])


def out_of_fold(
    labels: list[Label], folds: int = 5, top: int = 3, learned_weight: float | None = None
) -> tuple[float, Calibration]:
    """The learned part's weight and the calibration, both from held-out scores.

    Each label's examples are split into ``folds``; a model learns from the
    others and scores the held-out ones. The weight (unless given) is the one of
    :data:`WEIGHT_CHOICES` whose blend ranks the right label first most often;
    with it, each held-out item's ``top`` suggestions are right or not.
    """
    held = _held_out_parts(labels, folds)
    if learned_weight is None:
        learned_weight = choose_weight(held)
    scores, right = [], []
    for prior, learned, wanted in held:
        raw = prior + learned_weight * learned
        for index in np.argsort(-raw)[:top]:
            scores.append(float(raw[index]))
            right.append(bool(index == wanted))
    return learned_weight, Calibration(scores, right)


def _held_out_parts(labels: list[Label], folds: int) -> list[tuple]:
    """``(prior, learned, right label)`` of every example, scored by a model that
    learned from the other folds (items without a learned part are left out)."""
    items = [(text, i) for i, lb in enumerate(labels) for text in lb.examples]
    found = []
    for fold in range(folds):
        held = [item for n, item in enumerate(items) if n % folds == fold]
        if not held:
            continue
        kept: list[list[str]] = [[] for _ in labels]
        for n, (text, i) in enumerate(items):
            if n % folds != fold:
                kept[i].append(text)
        model = Suggester([Label(lb.key, lb.text, kept[i]) for i, lb in enumerate(labels)])
        if not model.learned:
            continue
        for text, wanted in held:
            prior, learned = model.parts(model.vector(text))
            found.append((prior, learned, wanted))
    return found


def choose_weight(held: list[tuple], choices=None) -> float:
    """The weight of the learned part that puts the right label first most often
    on held-out items (ties: right label in the top 3, then the smaller weight)."""
    choices = WEIGHT_CHOICES if choices is None else choices
    if not held:
        return LEARNED_WEIGHT

    def quality(weight: float) -> tuple[int, int, float]:
        ranks = [
            int(np.sum(prior + weight * learned > (prior + weight * learned)[wanted]))
            for prior, learned, wanted in held
        ]
        return sum(r == 0 for r in ranks), sum(r < 3 for r in ranks), -weight

    return max(choices, key=quality)
