"""Explainable tag suggestions: which themes and fiches a contribution talks about.

Two parts, added up, both linear over the same terms (lemmas and sector
expressions, see :func:`consult.analysis.text.tag_terms`) so each suggestion is
justified by the words that weigh most for it:

* a **prior** from the scheme's own texts: cosine between the contribution and
  the label's text (a fiche's title, constats, objectives, actions, indicators);
  it alone works on the first day (cold start);
* a **learned** part: a logistic regression over the contributions facilitators
  tagged (each tag says "this label", and "not the others") and over the label's
  own passages (a fiche's objectives, actions… as light pseudo-examples), on
  lemmas plus character n-grams of lemmas (« handicap », « handicapé »,
  « polyhandicap » share most of their letters); fitted once per model;
* for a parent level (themes), the **children's** learned probabilities (fiches)
  carried up through the co-tags facilitators set (a contribution tagged with
  fiche 9 was mostly tagged with theme 13 too): ``P(theme) = Σ P(fiche) ·
  P(theme | fiche)``, averaged with the theme's own learned part;
* for a parent level with no co-tag yet, the children's **prior** carried up,
  averaged with the parent's own: a theme is a bare title, its fiches have whole
  texts (``Σ max(0, prior(fiche)) · P(theme | fiche)``, :data:`CARRIED_WEIGHT`), each
  fiche shared among the themes whose title is closest to its text
  (:func:`text_links`);
* a **rejection** penalty: a suggestion a facilitator turned down lowers that
  label for texts like the rejected one (cosine to the closest rejected text).

Scores become probabilities through a :class:`Calibration` fitted on
out-of-fold scores (:func:`out_of_fold`), so "80 %" means right about 4 times
in 5 on held-out contributions.
"""

import re
import warnings
from dataclasses import dataclass, field
from functools import lru_cache, wraps

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from consult.analysis.duplicates import concept_expression, concepts
from consult.analysis.similarity import readable_label
from consult.analysis.text import (
    EXPRESSION_NAMES,
    as_written,
    set_territories,
    strip_accents,
    tag_terms,
    without_places,
    without_relatives,
    written_terms,
)
from consult.analysis.vectors import fitted_tfidf, unit_rows

# How much the scheme's text counts beside what was learned, and how freely the
# regression fits (5-fold cross-validation on the Savoie dev set; themes, whose
# scheme text is a bare title, give the learned part twice the weight).
PRIOR_WEIGHT = 1.0
LEARNED_WEIGHT = 0.5
REGULARISATION = 20.0
EXAMPLE_WEIGHT = 1.0  # the examples' centroid beside the label's own text, in the prior
# A passage of the scheme (one objective, one action) counts as this much of a tagged
# contribution in the regression: enough to know every label before it is ever tagged,
# little enough that what facilitators did soon decides.
PASSAGE_WEIGHT = 0.3
CHAR_SIZES = (3, 4, 5)
CHAR_MIN_DF = 3  # a letter sequence seen in fewer texts is noise, and costs fitting time
CHAR_MIN_TEXTS = 50  # … once there are enough texts to tell
CO_TAG_SMOOTHING = 0.1  # added to every (parent, child) co-tag count
# A rejected suggestion takes this much off the label for a text as close as the
# rejected one (cosine 1); a text sharing a few words with it loses a little.
REJECTION_WEIGHT = 1.0
# Weights of the learned part tried on held-out scores (:func:`choose_weight`):
# from "the scheme's text decides" to "what facilitators did decides".
WEIGHT_CHOICES = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0)
# The weight is chosen again on this many resamples of the held-out items (drawn with
# replacement, always the same draws) and the choices' geometric mean kept: the count of
# right labels first over ~190 items is coarse, and one choice jumped from 0.25 to 8
# between folds of the same data. Savoie dev set, 10 splits × 5 folds
# (``bench/weight_variants.py``, builds of ``tagging_folds.py``): spread of the chosen
# weight (sd of log2) 1.2-1.9 → 0.7-1.1;
# text alone, theme / fiche top-1 / fiche top-3 0.690 / 0.607 / 0.830 → 0.690 / 0.609 /
# 0.832; with the publics read 0.781 / 0.650 / 0.898 → 0.782 / 0.658 / 0.902, mean worst
# calibration gap 0.065 → 0.033 (text alone 0.032 → 0.041, one split at 0.112).
WEIGHT_DRAWS = 30
# Before any co-tag, a parent's prior is averaged with its children's, carried up, at the
# weight of its own (fixed beforehand, not tuned); a child is shared among the parents by
# a softmax of LINK_SHARPNESS × cosine (parent's text, child's profile): the sharpness the
# feedback of ``tag_feedback`` uses. Savoie dev set: cold theme top-1 0.42 → 0.47, top-3
# 0.57 → 0.68 (0.36 / 0.47 → 0.45 / 0.68 without sector concepts). Once co-tags exist,
# carrying the prior too cost the learned themes (5 splits × 5 folds, with concepts:
# top-1 0.695 → 0.688, worst theme calibration gap 0.061 → 0.127): it stops there.
CARRIED_WEIGHT = 1.0
LINK_SHARPNESS = 20.0
MIN_CALIBRATION_POINTS = 20
# The share of the logistic curve in a calibrated score, beside the isotonic steps
# (:class:`Calibration`): halves, not tuned.
CALIBRATION_CURVE = 0.5
WORDS_SHOWN = 4


@dataclass
class Label:
    """Something a contribution can be tagged with; ``examples`` are texts tagged with it."""

    key: str
    text: str
    examples: list[str] = field(default_factory=list)
    passages: list[str] = field(default_factory=list)  # the text's parts, as pseudo-examples
    rejected: list[str] = field(default_factory=list)  # texts it was suggested for, refused


@dataclass
class Suggestion:
    """A proposed tag, how sure we are (a probability once calibrated), and why."""

    key: str
    score: float
    words: list[str]
    learned: bool


class Calibration:
    """Raw score → share of suggestions with that score that were right.

    Two readings of the held-out suggestions, averaged:

    * isotonic steps: each step a group of held-out suggestions and the share of them
      that were right, told as « k + 1 right out of n + 2 » (Laplace's rule of
      succession), so that the 6 suggestions of the top step, all right, read 88 %, not a
      certainty: a facilitator never sees 100 % (nor 0 %) from a handful of cases;
    * a logistic curve of the score's logarithm (Platt's scaling, his targets told as
      cases the same way): smooth, where the steps jump at the few suggestions that
      happen to end a step.

    The steps alone followed the held-out suggestions too closely: a band of scores
    read 50 % where 73 % were right, because the step it fell in ended on wrong ones.
    Savoie dev set, learned fiches, largest gap between a band of 0.1 holding ≥ 10 % of
    the contributions and its share right (``bench/tagging_folds.py``), 10 splits × 5
    folds: with the publics read, mean 0.082 → 0.065, splits past 0.10: 4 → 1 (and one
    at 0.100; seeds 0-4: worst 0.127 → 0.097); text alone, mean 0.041 → 0.033, none past
    0.10; Brier score lower for fiches and themes in both modes; rankings unchanged. The
    measure is noisy: percentages exactly right would still pass 0.10 on 1 split in 6 to
    8 of this 240-contribution set.
    """

    def __init__(self, scores: list[float], right: list[bool]):
        self.fitted = len(scores) >= MIN_CALIBRATION_POINTS and 0 < sum(right) < len(right)
        if self.fitted:
            x, y = np.asarray(scores, float), np.asarray(right, float)
            steps = IsotonicRegression(out_of_bounds="clip").fit(x, y).predict(x)
            self.model = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
            self.model.fit(x, _told_as_cases(steps, y))
            self.curve = _platt(x, y.astype(bool)) if CALIBRATION_CURVE else None

    def __call__(self, scores: np.ndarray) -> np.ndarray:
        if not self.fitted:
            return np.clip(scores, 0.0, 1.0)
        scores = np.asarray(scores, float)
        steps = _predicted(self.model, scores)
        if self.curve is None:
            return steps
        slope, intercept = self.curve
        curve = 1.0 / (1.0 + np.exp(-(slope * _log_score(scores) + intercept)))
        return (1 - CALIBRATION_CURVE) * steps + CALIBRATION_CURVE * curve


def _predicted(model: IsotonicRegression, scores: np.ndarray) -> np.ndarray:
    """``model.predict(scores)`` (1-D, finite scores) through its documented step function
    ``f_``, the same clip and interpolation, without the checks of the input that cost
    more than the work for the few scores of one suggestion."""
    scores = np.asarray(scores, model.X_thresholds_.dtype).reshape(-1)
    return model.f_(np.clip(scores, model.X_min_, model.X_max_)).astype(scores.dtype)


def _log_score(scores: np.ndarray) -> np.ndarray:
    return np.log(np.clip(scores, 1e-3, None))


def _platt(scores: np.ndarray, right: np.ndarray) -> tuple[float, float] | None:
    """Platt's sigmoid of the log score (slope, intercept), fitted on his targets: a right
    suggestion counts as (k + 1) / (k + 2) right, a wrong one as 1 / (m + 2) (k right, m
    wrong); None when the score does not grow with the share right (the steps then read
    alone)."""
    high, low = (right.sum() + 1) / (right.sum() + 2), 1 / ((~right).sum() + 2)
    told = np.where(right, high, low)
    features = _log_score(np.concatenate([scores, scores]))[:, None]
    target = np.r_[np.ones(len(scores)), np.zeros(len(scores))]
    curve = LogisticRegression(C=1e4).fit(features, target, sample_weight=np.r_[told, 1 - told])
    slope, intercept = float(curve.coef_[0, 0]), float(curve.intercept_[0])
    return (slope, intercept) if slope > 0 else None


def _told_as_cases(steps: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Each point's step value, (right + 1) / (cases + 2) over the points of its step (the
    steps stay in order: a larger step moves less)."""
    told = np.empty_like(steps)
    for value in np.unique(steps):
        members = steps == value
        told[members] = (right[members].sum() + 1) / (members.sum() + 2)
    return told


# A sector concept a text names (``data/sector_synonyms.txt``: « éducatrice », « éduc »
# → educateur; « pas assez de personnel », « recrutement » → penurie) is one more term,
# beside the words: people and the scheme say the same thing in other words.
# Its letters stay in the character n-grams (« c_aide_domicile » shares « domicil »
# with the lemma): without them, 5 splits: fiche top-1 / top-3 0.596 / 0.835 and worst
# calibration gap 0.074 (2 splits of 5 past 0.10), against 0.609 / 0.844 and 0.065.
CONCEPT = "c_"


@lru_cache(maxsize=4096)
def _terms(text: str) -> tuple[str, ...]:
    # Each text is read by two vectorizers, and again by every out-of-fold model.
    # A place names no concept either (:func:`consult.analysis.text.without_places`).
    named = concepts(without_relatives(without_places(text)))
    return tuple(tag_terms(text)) + tuple(CONCEPT + name for name in named)


def use_territories(names) -> None:
    """Read the Département's territories (their names) as places, never as a reason
    for a tag (:func:`consult.analysis.text.set_territories`); texts already read are
    read again when they changed."""
    if set_territories(names):
        _terms.cache_clear()


@lru_cache(maxsize=1024)
def _written_terms(text: str) -> dict[str, str]:
    # A text's words are shown by the fiches' suggester, then the themes' (read-only).
    return written_terms(text)


def _analyzer(text: str) -> list[str]:
    return list(_terms(text))


def _char_analyzer(text: str) -> list[str]:
    """Character n-grams of each lemma (`` handicap `` → `` ha``, ``han``…)."""
    grams = []
    for term in _terms(text):
        padded = f" {term} "
        for size in CHAR_SIZES:
            grams += [padded[i : i + size] for i in range(len(padded) - size + 1)]
    return grams


def _last_batch(method):
    """Keep what ``method(texts)`` gave for the last texts it was given (arrays read-only).

    A batch's texts are read as lemma vectors for the prior, the rejections and the
    learned part, and scored again by the level above (themes hear their fiches'
    probabilities): the same matrices each time, worked out once. The model never
    changes once built, so a result kept for the same texts is the result."""
    name = method.__name__

    @wraps(method)
    def remembered(self, texts):
        key = tuple(texts)
        kept = self.__dict__.setdefault("_kept", {})
        found = kept.get(name)
        if found is not None and found[0] == key:
            return found[1]
        value = method(self, texts)
        if isinstance(value, np.ndarray):
            value.flags.writeable = False
        kept[name] = (key, value)
        return value

    return remembered


class Suggester:
    """Prior (scheme text) + learned (tags) linear scores over lemmas; explained.

    :param children: the level below (a theme's fiches, as labels or as their
        suggester already built), their examples being the same contributions'
        texts: their learned probabilities are carried up.
    """

    class_weight: str | None = None  # in the regression, each tagged example counts once

    def __init__(
        self,
        labels: list[Label],
        calibration: Calibration | None = None,
        learned_weight: float = LEARNED_WEIGHT,
        children: "list[Label] | Suggester | None" = None,
    ):
        self.labels = labels
        self.learned_weight = learned_weight
        corpus = [label.text for label in labels] + [e for lb in labels for e in lb.examples]
        corpus = [t for t in corpus if t.strip()] or ["vide"]
        self.vectorizer = TfidfVectorizer(analyzer=_analyzer, sublinear_tf=True).fit(corpus)
        rare = CHAR_MIN_DF if len(corpus) >= CHAR_MIN_TEXTS else 1
        self.chars = TfidfVectorizer(analyzer=_char_analyzer, sublinear_tf=True, min_df=rare)
        self.chars.fit(corpus)
        self.vocabulary = self.vectorizer.get_feature_names_out()
        self.profiles = normalize(np.vstack([self._profile(label) for label in labels]))
        self.coef, self.intercept = self._learn()
        self.below = _below(children)
        self.children, self.links = _hierarchy(labels, self.below) if self.learned else (None, None)
        self.carried = self._carried_links()
        self.rejected = [
            unit_rows(fitted_tfidf(self.vectorizer, lb.rejected)) if lb.rejected else None
            for lb in labels
        ]
        self.calibration = calibration or Calibration([], [])

    def _carried_links(self) -> np.ndarray | None:
        """``P(label | child)`` from the texts, for the prior, until co-tags say it (then
        the children's learned probabilities are carried up through them instead)."""
        if self.below is None or self.links is not None:
            return None
        return text_links(self.labels, self.below)

    def _profile(self, label: Label) -> np.ndarray:
        """The label's text, plus the centroid of its tagged examples."""
        own = unit_rows(fitted_tfidf(self.vectorizer, [label.text])).toarray()[0]
        if not label.examples:
            return own
        centroid = unit_rows(fitted_tfidf(self.vectorizer, label.examples)).toarray().mean(axis=0)
        return own + EXAMPLE_WEIGHT * centroid / max(np.linalg.norm(centroid), 1e-9)

    @property
    def learned(self) -> bool:
        return self.coef is not None

    @_last_batch
    def _word_rows(self, texts: list[str]):
        """The texts' lemma vectors (sparse unit rows)."""
        return unit_rows(fitted_tfidf(self.vectorizer, texts))

    @_last_batch
    def _features(self, texts: list[str]):
        """Lemmas and their character n-grams, each half a unit vector."""
        words = self._word_rows(texts)
        return unit_rows(sp.hstack([words, unit_rows(fitted_tfidf(self.chars, texts))]).tocsr())

    def _learn(self) -> tuple[np.ndarray | None, np.ndarray | None]:
        """Logistic regression over the tagged examples and the labels' passages
        (light pseudo-examples, so even a single tagged label has others to differ from)."""
        if not any(lb.examples for lb in self.labels):
            return None, None
        texts = [e for lb in self.labels for e in lb.examples]
        targets = [i for i, lb in enumerate(self.labels) for _ in lb.examples]
        weights = [1.0] * len(texts)
        for i, lb in enumerate(self.labels):
            passages = [p for p in lb.passages if p.strip()] or [lb.text]
            texts += passages
            targets += [i] * len(passages)
            weights += [PASSAGE_WEIGHT] * len(passages)
        if len(self.labels) < 2:  # a scheme with one theme: nothing to tell apart
            return None, None
        model = LogisticRegression(C=REGULARISATION, max_iter=300, class_weight=self.class_weight)
        # One BLAS thread: on a busy machine, threads fighting for cores made this
        # small fit 30 times slower (2.8 s instead of 0.07 s on the Savoie dev set).
        with warnings.catch_warnings(), threadpool_limits(limits=1):
            # Not fully converged is good enough for ranking.
            warnings.simplefilter("ignore", ConvergenceWarning)
            # Few examples per label is the normal case here, not a regression problem.
            warnings.filterwarnings("ignore", "The number of unique classes", UserWarning)
            model.fit(self._features(texts), targets, sample_weight=weights)
        coef = np.zeros((len(self.labels), model.coef_.shape[1]))
        intercept = np.full(len(self.labels), -1e3)  # a label never seen is never learned
        rows = _binary(model.coef_) if len(model.classes_) == 2 else model.coef_
        heads = _binary(model.intercept_) if len(model.classes_) == 2 else model.intercept_
        coef[model.classes_], intercept[model.classes_] = rows, heads
        return coef, intercept

    def parts(self, text: str, vector=None) -> tuple[np.ndarray, np.ndarray | None]:
        """The prior (cosine to the label's text, less rejections) and the learned
        probabilities (with the children's carried up, when there are children)."""
        vectors = None if vector is None else np.asarray(vector)[None, :]
        prior, learned = self._parts_of([text], vectors)
        return prior[0], None if learned is None else learned[0]

    def _parts_of(self, texts: list[str], vectors=None) -> tuple[np.ndarray, np.ndarray | None]:
        """:meth:`parts` of many texts at once (one row each), in a few matrix products."""
        prior = self._prior_of(texts, vectors)
        if self.carried is not None and CARRIED_WEIGHT:
            # a weighted mean, not a sum: a score stays on the scale of a cosine, and
            # before any tag (no calibration) a theme does not read 100 % for a few words
            carried = self._carried_of(texts)
            prior = (prior + CARRIED_WEIGHT * carried) / (1 + CARRIED_WEIGHT)
        if not self.learned:
            return prior, None
        learned = self._probabilities_of(texts)
        if self.children is not None and self.children.learned:
            learned = (learned + self.children._probabilities_of(texts) @ self.links.T) / 2
        return prior, learned

    def _prior_of(self, texts: list[str], vectors=None) -> np.ndarray:
        """Cosine to each label's profile, less rejections (one row per text)."""
        vectors = self._vectors(texts) if vectors is None else vectors
        return PRIOR_WEIGHT * (vectors @ self.profiles.T) - self._rejections(texts)

    def _carried_of(self, texts: list[str]) -> np.ndarray:
        """The children's priors (positive part), carried up to each label."""
        below = np.clip(self.below._prior_of(texts), 0.0, None)
        return below @ self.carried.T

    def _probabilities(self, text: str) -> np.ndarray:
        return self._probabilities_of([text])[0]

    @_last_batch
    def _probabilities_of(self, texts: list[str]) -> np.ndarray:
        logits = np.asarray(self._features(texts) @ self.coef.T) + self.intercept
        logits = np.exp(logits - logits.max(axis=1, keepdims=True))
        return logits / logits.sum(axis=1, keepdims=True)

    def _rejection(self, text: str) -> np.ndarray:
        """Per label, how close ``text`` is to a text that label was refused for."""
        return self._rejections([text])[0]

    def _rejections(self, texts: list[str]) -> np.ndarray:
        """:meth:`_rejection` of many texts (one row each)."""
        penalty = np.zeros((len(texts), len(self.labels)))
        if not any(r is not None for r in self.rejected):
            return penalty
        vectors = self._word_rows(texts)
        for index, refused in enumerate(self.rejected):
            if refused is not None:
                closeness = (refused @ vectors.T).toarray()
                penalty[:, index] = REJECTION_WEIGHT * closeness.max(axis=0)
        return penalty

    def raw_scores(self, text: str, vector=None) -> np.ndarray:
        """Uncalibrated score of every label (``vector``: the text's, when known)."""
        prior, learned = self.parts(text, vector)
        return prior if learned is None else prior + self.learned_weight * learned

    def vector(self, text: str) -> np.ndarray:
        return self._vectors([text])[0]

    def _vectors(self, texts: list[str]) -> np.ndarray:
        return self._word_rows(texts).toarray()

    def suggest(
        self, text: str, top: int = 3, minimum: float = 0.0, exclude=frozenset()
    ) -> list[Suggestion]:
        """The ``top`` labels closest to ``text`` (keys in ``exclude`` left out).

        A label needs a calibrated score ≥ ``minimum`` and at least one justifying word.
        """
        return self.suggest_many([text], top=top, minimum=minimum, excludes=[exclude])[0]

    def suggest_many(
        self, texts: list[str], top: int = 3, minimum: float = 0.0, excludes=None
    ) -> list[list[Suggestion]]:
        """:meth:`suggest` of each text (``excludes``: each one's keys left out), the
        scores of all computed together: a batch costs a few matrix products, not one
        round of vectorizers and regressions per text."""
        if not texts:
            return []
        excludes = [frozenset()] * len(texts) if excludes is None else excludes
        vectors = self._vectors(texts)
        prior, learned = self._parts_of(texts, vectors)
        raw = prior if learned is None else prior + self.learned_weight * learned
        probabilities = self.calibration(raw.ravel()).reshape(raw.shape)
        return [
            self._pick(text, *row, exclude, top, minimum)
            for text, *row, exclude in zip(
                texts, vectors, raw, probabilities, excludes, strict=True
            )
        ]

    def _pick(
        self, text: str, vector, raw, probabilities, exclude, top: int, minimum: float
    ) -> list[Suggestion]:
        """The best labels of one text, from its scores."""
        if not vector.any() and not self._heard_below(text):
            return []
        found = []
        reader = _Reader(text)
        for index in np.argsort(-raw, kind="stable"):
            if len(found) == top:
                break
            if self.labels[index].key in exclude or probabilities[index] < minimum:
                continue
            words = self._words(index, vector, text, reader)
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

    def _words(self, index: int, vector: np.ndarray, text: str, reader=None) -> list[str]:
        reader = reader or _Reader(text)
        weight = PRIOR_WEIGHT * self.profiles[index]
        if self.learned:
            words = self.coef[index, : len(self.vocabulary)]  # lemmas, not their letters
            weight = weight + self.learned_weight * np.clip(words, 0, None) / 10
        share = vector * weight
        best = [i for i in np.argsort(-share)[: 3 * WORDS_SHOWN] if share[i] > 0]
        if not best and self._heard_below(text):
            return self._children_words(index, text, reader)
        return _distinct([reader(self.vocabulary[i]) for i in best])[:WORDS_SHOWN]

    def _heard_below(self, text: str) -> bool:
        return self.below is not None and bool(self.below.vector(text).any())

    def _children_words(self, index: int, text: str, reader=None) -> list[str]:
        """The words of the child that carries this label most for ``text`` (its
        prior, and its learned probability once it learned)."""
        weight = np.clip(self.below._prior_of([text])[0], 0.0, None)
        if self.children is not None and self.children.learned:
            weight = weight + self.children._probabilities(text)
        links = self.carried if self.carried is not None else self.links
        child = int(np.argmax(links[index] * weight))
        return self.below._words(child, self.below.vector(text), text, reader)


class _Reader:
    """How the terms of one text read to people: the text's own words, as written
    (:func:`written_terms`: a sector expression's words, « famille d'accueil » and not
    the name « assistant familial » nor « famille d accueil »; the word written most
    often behind a lemma, never a stem such as « rendr »; a sector concept's words);
    the text is read once, when the first term is shown, however many terms its
    suggestions (fiches', then themes') show."""

    def __init__(self, text: str):
        self.text, self.words = text, None
        self.concepts: dict[str, str] = {}  # each concept read in the text once

    def __call__(self, term: str) -> str:
        if term.startswith(CONCEPT):  # the text's own words that name it
            shown = self.concepts.get(term)
            if shown is None:
                found = concept_expression(term.removeprefix(CONCEPT), self.text)
                shown = self.concepts[term] = as_written(found, self.text)
            return shown
        if self.words is None:
            self.words = _written_terms(self.text)
        if term in self.words:
            return self.words[term]
        if term in EXPRESSION_NAMES:
            return EXPRESSION_NAMES[term]
        return readable_label(term, [self.text])


def _key_words(word: str) -> tuple[str, ...]:
    """A shown word's words in matching form: no accents, case, plural « s »/« x » nor
    apostrophe (« Familles d'accueil » → ``famille``, ``d``, ``accueil``)."""
    return tuple(w.rstrip("sx") or w for w in _WORDS.findall(strip_accents(word.lower())))


_WORDS = re.compile(r"[0-9a-z]+")


def _distinct(words: list[str]) -> list[str]:
    """Each word once: a term and the concept or expression it is part of often read
    alike (« MDPH » / « mdph », « aidant » / « aidants », « personne âgée » /
    « personnes âgées »); and a word that is part of a longer phrase among ``words`` is
    shown as that phrase, in its place (« sociaux », « travailleurs », « travailleurs
    sociaux » → « travailleurs sociaux »; « RSA », « bénéficiaires du RSA »)."""
    keys = [_key_words(word) for word in words]
    found, seen = [], set()
    for key, word in zip(keys, words, strict=True):
        longer = [n for n, other in enumerate(keys) if _inside(key, other)]
        if longer:  # the longest phrase that holds it
            n = max(longer, key=lambda n: len(keys[n]))
            key, word = keys[n], words[n]
        if key not in seen:
            seen.add(key)
            found.append(word)
    return found


def _inside(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    """``short``'s words follow one another in ``long``, which has more."""
    return len(long) > len(short) and any(
        long[i : i + len(short)] == short for i in range(len(long) - len(short) + 1)
    )


def _binary(values: np.ndarray) -> np.ndarray:
    """Two classes: scikit-learn keeps one row; give each class its own."""
    return np.concatenate([-values, values])


def _below(children: "list[Label] | Suggester | None") -> "Suggester | None":
    """The children's suggester (built from their labels when not given built)."""
    if isinstance(children, Suggester) or not children:
        return children or None
    return Suggester(children)


def text_links(labels: list[Label], below: "Suggester") -> np.ndarray:
    """``P(label | child)`` before any co-tag: each child shared among the labels by a
    softmax of :data:`LINK_SHARPNESS` × cosine (label's text, child's profile)."""
    own = unit_rows(fitted_tfidf(below.vectorizer, [label.text for label in labels]))
    cosines = np.asarray(own @ below.profiles.T)
    shares = np.exp(LINK_SHARPNESS * (cosines - cosines.max(axis=0, keepdims=True)))
    return shares / shares.sum(axis=0, keepdims=True)


def _hierarchy(labels: list[Label], children: "Suggester | None"):
    """The children's suggester and ``P(parent | child)`` from co-tags: a parent and
    a child tagged on the same contribution share an example text."""
    if children is None or not any(child.examples for child in children.labels):
        return None, None
    built, children = children, children.labels
    counts = np.full((len(labels), len(children)), CO_TAG_SMOOTHING)
    tagged_with = {}
    for c, child in enumerate(children):
        for text in child.examples:
            tagged_with.setdefault(text, set()).add(c)
    for p, label in enumerate(labels):
        for text in label.examples:
            for c in tagged_with.get(text, ()):
                counts[p, c] += 1
    return built, counts / counts.sum(axis=0, keepdims=True)


def _plain(labels: list[Label], children: list[Label] | None) -> "Suggester":
    return Suggester(labels, children=children)


def out_of_fold(
    labels: list[Label],
    folds: int = 5,
    top: int = 3,
    learned_weight: float | None = None,
    children: list[Label] | None = None,
    build=_plain,
) -> tuple[float, Calibration]:
    """The learned part's weight and the calibration, both from held-out scores.

    Each label's examples are split into ``folds``; a model learns from the
    others (children too: their examples that are held-out texts are left out)
    and scores the held-out ones. The weight (unless given) is the one of
    :data:`WEIGHT_CHOICES` whose blend ranks the right label first most often, averaged
    over resamples of the held-out items (:func:`choose_weight`);
    with it, each held-out item's ``top`` suggestions are right or not. ``build(labels,
    children)`` makes each fold's model (a :class:`Suggester` unless told otherwise).
    """
    held = _held_out_parts(labels, folds, children, build)
    if learned_weight is None:
        learned_weight = choose_weight(held)
    return learned_weight, calibration_of(held, learned_weight, top)


def calibration_of(held: list[tuple], learned_weight: float, top: int = 3) -> Calibration:
    """The calibration of the blend with ``learned_weight``, fitted on each held-out item's
    ``top`` suggestions (``held``: (prior, learned, right label ids) per item), right or not."""
    scores, right = [], []
    for prior, learned, tagged in held:
        raw = prior + learned_weight * learned
        for index in np.argsort(-raw)[:top]:
            scores.append(float(raw[index]))
            right.append(int(index) in tagged)
    return Calibration(scores, right)


def _without(labels: list[Label], texts: set[str]) -> list[Label]:
    return [
        Label(lb.key, lb.text, [e for e in lb.examples if e not in texts], lb.passages)
        for lb in labels
    ]


def _tagged_texts(labels: list[Label]) -> list[tuple[str, frozenset[int]]]:
    """Each example text once, with every label it was tagged with (a contribution
    tagged with two fiches is one text, and both are right for it)."""
    tags: dict[str, set[int]] = {}
    for index, label in enumerate(labels):
        for text in label.examples:
            tags.setdefault(text, set()).add(index)
    return [(text, frozenset(found)) for text, found in tags.items()]


def _held_out_parts(labels: list[Label], folds: int, children=None, build=_plain):
    """``(prior, learned, labels it was tagged with)`` of every example text, scored by a
    model that learned from the other folds (items without a learned part are left out).

    A held-out text is left out of every label's examples, not only the one it is held
    out for: a model that learned it under its other tag would find it too easily."""
    items = _tagged_texts(labels)
    found = []
    for fold in range(folds):
        held = [item for n, item in enumerate(items) if n % folds == fold]
        if not held:
            continue
        held_texts = {text for text, _ in held}
        model = build(
            _without(labels, held_texts),
            _without(children, held_texts) if children else None,
        )
        if not model.learned:
            continue
        # the fold's texts scored together: a few matrix products, not a round per text
        priors, learned = model._parts_of([text for text, _ in held])
        found += [(p, q, tagged) for p, q, (_, tagged) in zip(priors, learned, held, strict=True)]
    return found


def choose_weight(held: list[tuple], choices=None, draws: int = WEIGHT_DRAWS) -> float:
    """The weight of the learned part that puts a right label first most often on
    held-out items (ties: a right label in the top 3, then the smaller weight), chosen
    on ``draws`` resamples of the items and averaged (geometric mean; ``draws=0``: the
    items' own choice, one of ``choices``); an item's right labels are one index or a
    set of them."""
    choices = WEIGHT_CHOICES if choices is None else tuple(choices)
    if not held:
        return LEARNED_WEIGHT
    ranks = np.array(
        [[_rank(prior + w * learned, wanted) for prior, learned, wanted in held] for w in choices]
    )
    first, top3 = (ranks == 0).astype(float), (ranks < 3).astype(float)

    def best(counts: np.ndarray) -> float:
        # counts: how often each item is drawn; the best weight for those draws
        quality = [(first[c] @ counts, top3[c] @ counts, -w) for c, w in enumerate(choices)]
        return choices[max(range(len(choices)), key=quality.__getitem__)]

    if not draws:
        return best(np.ones(len(held)))
    rng = np.random.RandomState(0)
    picks = [
        best(np.bincount(rng.randint(len(held), size=len(held)), minlength=len(held)))
        for _ in range(draws)
    ]
    return float(np.exp(np.mean(np.log(picks))))


def _rank(raw: np.ndarray, wanted) -> int:
    """How many labels score above the best right one (0: a right label first)."""
    right = [wanted] if isinstance(wanted, int | np.integer) else list(wanted)
    return int(np.sum(raw > raw[right].max()))
