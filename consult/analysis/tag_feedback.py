"""Tag suggestions whose labels also learn how people write, from untagged contributions.

A fiche's text weighs its words as the scheme uses them; contributions tell which of
them people use when they mean that fiche (« transport » said with « familles » leans
towards the families' fiche, though both fiches name it). Before anyone tags
anything, the contributions already received tell it: each untagged contribution is
shared among the labels its text is closest to
(a softmax of the cosines, :data:`SHARPNESS`), and each label's profile gets the
centroid of its share (:data:`FEEDBACK_WEIGHT`) — pseudo-relevance feedback
(Rocchio), no tag needed. The vocabulary stays the scheme's and the tags' (a word
only contributions use still decides nothing), so the words that justify a suggestion
are read as before; the feedback only re-weighs them.

Everything else is :class:`consult.analysis.suggest.Suggester`: the learned part,
children, rejections; the learned part's weight and the calibration are chosen on
held-out scores of models built the same way (:func:`out_of_fold`). One change to
the learned part: its regression weighs each label as much as the others
(``class_weight="balanced"``), however many contributions facilitators tagged with it,
so a theme tagged often does not win every close call.
"""

from dataclasses import dataclass

import numpy as np
from sklearn.preprocessing import normalize

from consult.analysis import suggest
from consult.analysis.suggest import Calibration, Label, Suggester

# A contribution's share of each label: softmax of SHARPNESS × cosine (20: a label
# 0.05 closer than another gets e ≈ 2.7 times its share). A label's feedback counts
# m / (m + HEARD) of FEEDBACK_WEIGHT, m the shares it got: a label that heard only
# crumbs of texts other labels took (m ≪ 0.1) learns nothing from them. On the Savoie
# dev set, the cold fiche top-3 was 0.68 to 0.74 for every sharpness (10 to 40),
# weight (0.5, 1) and HEARD (0, 1, 3) tried (0.67 without feedback), also for
# contributions the feedback never saw; HEARD = 1 with weight 1 cost the learned
# fiche suggestions two points, hence the small HEARD (docs/benchmarks.md, issue 15,
# fourth pass).
SHARPNESS = 20.0
FEEDBACK_WEIGHT = 0.5
HEARD = 0.1
MAX_UNLABELLED = 2000  # the newest untagged contributions are enough to learn the wording


class FeedbackSuggester(Suggester):
    """:class:`Suggester` whose label profiles are pulled towards the untagged
    contributions closest to them (``unlabelled``: their texts)."""

    class_weight = "balanced"  # each label weighs the same, however often it was tagged

    def __init__(
        self,
        labels: list[Label],
        *args,
        unlabelled: list[str] = (),
        **kwargs,
    ):
        super().__init__(labels, *args, **kwargs)
        texts = [t for t in unlabelled[:MAX_UNLABELLED] if t and t.strip()]
        self.feedback = np.zeros_like(self.profiles)
        if texts:
            self.feedback = feedback(self.profiles, normalize(self.vectorizer.transform(texts)))
        self.profiles = normalize(self.profiles + FEEDBACK_WEIGHT * self.feedback)


def feedback(profiles: np.ndarray, texts) -> np.ndarray:
    """Per label, the unit centroid of the texts, each text shared among the labels
    by a softmax of its cosines to them (texts with no word of any label: none),
    times m / (m + :data:`HEARD`), m the shares the label got."""
    if texts.shape[0] == 0:
        return np.zeros_like(profiles)
    cosines = np.asarray(texts @ profiles.T)
    heard = cosines.max(axis=1) > 0
    cosines = cosines[heard]
    shares = np.exp(SHARPNESS * (cosines - cosines.max(axis=1, keepdims=True)))
    shares /= shares.sum(axis=1, keepdims=True)
    centroids = np.asarray(texts[np.flatnonzero(heard)].T @ shares).T
    mass = shares.sum(axis=0)
    return normalize(centroids) * (mass / (mass + HEARD))[:, None]


def out_of_fold(
    labels: list[Label],
    unlabelled: list[str] = (),
    folds: int = 5,
    top: int = 3,
    children: list[Label] | None = None,
) -> tuple[float, Calibration]:
    """:func:`consult.analysis.suggest.out_of_fold` with models that hear ``unlabelled``
    (the held-out texts are not among them, as a new contribution would not be)."""

    def build(kept: list[Label], kept_children: list[Label] | None) -> FeedbackSuggester:
        # the children are built here, so that they learn as the final model's children do
        below = FeedbackSuggester(kept_children) if kept_children else None
        return FeedbackSuggester(kept, unlabelled=list(unlabelled), children=below)

    return suggest.out_of_fold(labels, folds=folds, top=top, children=children, build=build)


# A held-out estimate (the learned part's weight, the calibration) is kept while the
# tagged examples it was measured on changed by at most this share of them: it costs
# ten model fits (9 of the 10 s of CPU of a rebuild on the demo's 221 fiche tags), and
# a tag or two more move it less than the noise of its own folds. The final model
# always learns every tag. The untagged contributions the models hear are not compared:
# they arrive all the time, and only nudge the labels' profiles.
ESTIMATE_SLACK = 0.1
KEPT_ESTIMATES = 64  # scheme levels a process keeps estimates for


@dataclass
class HeldOut:
    """An :func:`out_of_fold` estimate and what it was measured on: the labels' texts
    (their keys and own text: a fiche rewritten is measured again) and the tagged
    examples, as (label, text) pairs, children's too."""

    structure: tuple
    examples: frozenset
    learned_weight: float
    calibration: Calibration

    def fits(self, structure: tuple, examples: frozenset) -> bool:
        """Whether it still holds for labels with ``structure`` and ``examples``."""
        changed = len(self.examples ^ examples)
        return structure == self.structure and changed <= ESTIMATE_SLACK * len(self.examples)


class HeldOutEstimates:
    """:func:`out_of_fold` estimates, one per ``key`` (a scheme's level), measured
    again only when they no longer fit (:meth:`HeldOut.fits`); ``key=None``: always."""

    def __init__(self):
        self._kept: dict = {}

    def clear(self) -> None:
        self._kept.clear()

    def __call__(
        self,
        key,
        labels: list[Label],
        unlabelled: list[str] = (),
        children: list[Label] | None = None,
    ) -> tuple[float, Calibration]:
        structure = _structure(labels) + _structure(children or [])
        examples = _pairs(labels, "") | _pairs(children or [], "child:")
        kept = self._kept.get(key)
        if kept is not None and kept.fits(structure, examples):
            return kept.learned_weight, kept.calibration
        weight, calibration = out_of_fold(labels, unlabelled, children=children)
        if key is not None:
            self._kept.pop(key, None)
            self._kept[key] = HeldOut(structure, examples, weight, calibration)
            while len(self._kept) > KEPT_ESTIMATES:  # the oldest first (a scheme re-imported)
                del self._kept[next(iter(self._kept))]
        return weight, calibration


def _structure(labels: list[Label]) -> tuple:
    return tuple((label.key, label.text) for label in labels)


def _pairs(labels: list[Label], prefix: str) -> frozenset:
    return frozenset((prefix + label.key, text) for label in labels for text in label.examples)
