"""build_report: fiches, indicator values and verdicts, participation, outcomes."""

import json

import pytest

from consult.reports.services import ReportDocument, build_report, verdict
from tests.reports.conftest import YEAR


def _lines(document):
    return {line.id: line for fiche in document.fiches for line in fiche.indicators}


@pytest.fixture
def document(followed):
    return build_report(followed.scheme, YEAR)


def test_only_validated_or_adopted_fiches_in_scheme_order(document, followed):
    numbers = [f.number for f in document.fiches]
    assert followed.draft.number not in numbers
    assert len(numbers) == len(followed.scheme.fiches) - 1
    assert numbers[:2] == ["1", "2"]
    assert all(group for group, _ in document.groups)


def test_fiche_progress_actions_and_milestones_of_the_year(document, followed):
    fiche = next(f for f in document.fiches if f.id == followed.fiche.id)
    top = followed.fiche.top_actions
    assert fiche.progress == round((40 + 80 + sum(a.progress for a in top[2:])) / len(top))
    first = fiche.actions[0]
    assert (first.progress, first.status_label) == (40, "En cours")
    assert [m.label for m in first.milestones] == ["Premier comité", "Formation"]
    assert first.milestones[1].done_on == f"{YEAR}-06-15"


def test_increase_wanted_in_progress(document, followed):
    line = _lines(document)[followed.rising.id]
    assert (line.value, line.previous, line.gap) == (150, 120, -50)
    assert (line.baseline, line.baseline_year, line.target, line.target_year) == (
        100,
        2024,
        200,
        2029,
    )
    assert line.verdict == "en_progres"
    assert line.verdict_label == "En progrès"
    assert line.series == [[YEAR - 1, 120], [YEAR, 150]]  # next year's value left out


def test_decrease_wanted_going_up_is_a_setback(document, followed):
    line = _lines(document)[followed.falling.id]
    assert (line.value, line.previous, line.gap) == (28, 25, 18)
    assert line.verdict == "en_recul"


def test_decrease_wanted_below_target_is_reached(document, followed):
    line = _lines(document)[followed.reached.id]
    assert (line.value, line.previous, line.gap) == (7.5, None, -0.5)
    assert line.verdict == "atteint"


def test_missing_year_ignores_territory_values(document, followed):
    line = _lines(document)[followed.missing.id]
    assert (line.value, line.previous, line.gap) == (None, 10, None)
    assert line.verdict_label == "Pas de mesure cette année"


def test_qualitative_indicator_keeps_its_text(document, followed):
    line = _lines(document)[followed.qualitative.id]
    assert line.text_value == "Partenariat renforcé avec la CAF"
    assert line.verdict == "qualitatif"


@pytest.mark.parametrize(
    ("value", "target", "baseline", "previous", "expected"),
    [
        (50, 40, 10, 30, "atteint"),
        (35, 40, 10, 30, "en_progres"),
        (30, 40, 10, 30, "stable"),
        (20, 40, 10, 30, "en_recul"),
        (5, 2, 10, 8, "en_progres"),  # decrease wanted, going down
        (9, 2, 10, 8, "en_recul"),
        (2, 2, 10, None, "atteint"),
        (6, 2, 10, None, "en_progres"),  # compared with the baseline
        (6, 20, None, None, "sans_comparaison"),
        (6, None, 10, 5, "sans_cible"),
        (None, 20, 10, 5, "sans_mesure"),
    ],
)
def test_verdict_rule(value, target, baseline, previous, expected):
    assert verdict("nombre", value, target, baseline, previous) == expected


def test_summary_counts_indicators_and_fiches(document, followed):
    summary = document.summary
    assert summary.indicators_on_track == 2  # rising, reached
    assert summary.indicators_behind == 1  # falling
    others = sum(len(f.indicators) for f in document.fiches) - 3
    assert summary.indicators_unmeasured + summary.indicators_other == others
    assert summary.indicators_other >= 1  # the qualitative one
    statuses = {s.outcome: s.count for s in summary.fiches_by_status}
    assert statuses["brouillon"] == 1
    assert statuses["adoptee"] == len(followed.scheme.fiches) - 1


def test_participation_this_year_and_the_year_before(document):
    figures = {p.key: (p.previous, p.value) for p in document.participation}
    assert figures["meetings"] == (1, 1)
    assert figures["participants"] == (5, 28)
    assert figures["service_users"] == (5, 20)
    assert figures["contributions"] == (1, 5)
    assert figures["proposals"] == (1, 4)
    assert figures["retained"] == (0, 2)
    assert figures["not_retained"] == (0, 1)


def test_what_became_of_the_contributions(document, followed):
    assert document.contributions == 5  # published, this year's meeting
    outcomes = {o.outcome: o.count for o in document.outcomes}
    assert outcomes == {
        "retenue": 1,
        "partiellement_retenue": 1,
        "non_retenue": 1,
        "hors_champ": 0,
        "sans_decision": 2,
    }
    [theme] = document.themes
    assert theme.theme.endswith(followed.scheme.themes[0].title)
    assert theme.total == 2
    assert {c.outcome: c.count for c in theme.counts}["sans_decision"] == 1
    [answering] = document.answering_fiches  # the draft fiche is not shown
    assert (answering.id, answering.contributions, answering.this_year) == (
        followed.fiche.id,
        2,
        1,
    )


def test_previous_year_report_reads_that_year(followed):
    document = build_report(followed.scheme, YEAR - 1)
    assert document.contributions == 1
    line = _lines(document)[followed.rising.id]
    assert (line.value, line.previous, line.verdict) == (120, None, "en_progres")


def test_document_survives_json(document):
    data = json.loads(json.dumps(document.to_dict()))
    assert ReportDocument.from_dict(data) == document
