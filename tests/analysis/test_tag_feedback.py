"""Labels learn how people write from untagged contributions (pseudo-relevance feedback)."""

import numpy as np
import pytest
from sklearn.preprocessing import normalize

from consult.analysis import tag_feedback
from consult.analysis.suggest import Label, Suggester
from consult.analysis.tag_feedback import (
    HEARD,
    FeedbackSuggester,
    HeldOutEstimates,
    feedback,
    out_of_fold,
)

LABELS = [
    Label("familles", "Soutenir les familles : formation, écoute, cantine."),
    Label("jeunes", "Loger les jeunes : habitat, foyer, cantine."),
]
# What people wrote before anyone tagged: « cantine » goes with the families here.
UNTAGGED = [
    "Les familles n'ont aucun cantine pour la formation",
    "Une formation pour les familles et un cantine",
    "Écoute et cantine pour les familles, vite",
]


def test_untagged_contributions_teach_which_label_a_shared_word_belongs_to():
    text = "Il faudrait un cantine le soir"
    before = Suggester(LABELS).raw_scores(text)
    assert before[1] >= before[0]  # « cantine » is in both texts
    after = FeedbackSuggester(LABELS, unlabelled=UNTAGGED)
    scores = after.raw_scores(text)
    assert scores[0] > scores[1] + 0.01
    best = after.suggest(text)[0]
    assert best.key == "familles"
    assert best.words == ["cantine"]  # still explained by the contribution's own words


def test_without_untagged_contributions_nothing_changes():
    text = "Des places en foyer pour les jeunes"
    plain = Suggester(LABELS).raw_scores(text)
    assert np.allclose(FeedbackSuggester(LABELS, unlabelled=[]).raw_scores(text), plain)
    unrelated = ["Le match de foot était super hier soir"]
    assert np.allclose(FeedbackSuggester(LABELS, unlabelled=unrelated).raw_scores(text), plain)


def test_each_text_is_shared_among_the_labels_it_is_closest_to():
    profiles = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    texts = normalize(np.array([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]]))
    found = feedback(profiles, texts)
    # The first text is the first label's; the second has no word of either: ignored.
    # One text heard (m ≈ 1) counts m / (m + HEARD) of a full feedback.
    unit = normalize(np.array([[1.0, 0.0, 1.0]]))[0]
    assert found[0] == pytest.approx(unit / (1 + HEARD), abs=1e-3)
    assert found[1, 2] < found[0, 2]
    assert np.allclose(feedback(profiles, np.zeros((0, 3))), 0)


def test_weight_and_calibration_come_from_held_out_models_hearing_the_same_texts():
    labels = [
        Label(lb.key, lb.text, [f"{word} {n}" for n in range(12)])
        for lb, word in zip(LABELS, ("familles épuisées", "jeunes sans logement"), strict=True)
    ]
    weight, calibration = out_of_fold(labels, UNTAGGED)
    assert weight > 0
    assert calibration.fitted


def test_a_label_tagged_often_does_not_drown_one_tagged_rarely():
    often = [f"Les familles ont besoin de cantine, cas {n}" for n in range(12)]
    rarely = ["Les jeunes ont besoin d'un foyer", "Un foyer pour les jeunes"]
    labels = [
        Label("familles", LABELS[0].text, often),
        Label("jeunes", LABELS[1].text, rarely),
    ]
    text = "Les jeunes ont besoin de cantine"
    plain = Suggester(labels)._probabilities(text)
    balanced = FeedbackSuggester(labels)._probabilities(text)
    assert balanced[1] > plain[1] + 0.02


def _tagged(count: int, text: str = "") -> list[Label]:
    words = ("familles épuisées", "jeunes sans logement")
    return [
        Label(lb.key, text or lb.text, [f"{word} {n}" for n in range(count)])
        for lb, word in zip(LABELS, words, strict=True)
    ]


@pytest.fixture
def measured(monkeypatch):
    """Held-out estimates whose measures are counted."""
    calls = []

    def counted(*args, **kwargs):
        calls.append(args)
        return out_of_fold(*args, **kwargs)

    monkeypatch.setattr(tag_feedback, "out_of_fold", counted)
    return HeldOutEstimates(), calls


def test_an_estimate_is_kept_while_the_tags_changed_little(measured):
    estimates, calls = measured
    first = estimates("level", _tagged(30), UNTAGGED)
    assert estimates("level", _tagged(31), UNTAGGED) == first  # 2 tags more out of 60
    assert len(calls) == 1
    assert estimates("other level", _tagged(31), UNTAGGED) is not None
    assert len(calls) == 2  # each key its own estimate
    estimates(None, _tagged(31), UNTAGGED)
    estimates(None, _tagged(31), UNTAGGED)
    assert len(calls) == 4  # no key: measured each time


def test_an_estimate_is_measured_again_when_the_tags_changed_enough(measured):
    estimates, calls = measured
    estimates("level", _tagged(30), UNTAGGED)
    estimates("level", _tagged(34), UNTAGGED)  # 8 tags more out of 60: more than 10 %
    assert len(calls) == 2
    estimates("level", _tagged(34), UNTAGGED)
    assert len(calls) == 2


def test_an_estimate_is_measured_again_when_a_label_changed(measured):
    estimates, calls = measured
    estimates("level", _tagged(30), UNTAGGED)
    estimates("level", _tagged(30, text="Une fiche réécrite par le groupe de travail"))
    assert len(calls) == 2
    estimates("level", _tagged(30, text="Une fiche réécrite par le groupe de travail"))
    estimates("level", _tagged(30)[:1])  # a label fewer
    assert len(calls) == 3
    estimates.clear()
    estimates("level", _tagged(30)[:1])
    assert len(calls) == 4


def test_a_first_tag_is_always_measured(measured):
    estimates, calls = measured
    estimates("level", _tagged(0), UNTAGGED)
    estimates("level", _tagged(1), UNTAGGED)
    assert len(calls) == 2


def test_a_process_keeps_the_estimates_of_its_latest_schemes_only(measured, monkeypatch):
    monkeypatch.setattr(tag_feedback, "KEPT_ESTIMATES", 2)
    estimates, calls = measured
    for key in ("scheme 1", "scheme 2", "scheme 3", "scheme 2"):
        estimates(key, _tagged(30), UNTAGGED)
    assert len(calls) == 3  # « scheme 2 » was kept
    estimates("scheme 1", _tagged(30), UNTAGGED)
    assert len(calls) == 4  # « scheme 1 » was not: the oldest
