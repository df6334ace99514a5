"""What an annual report (bilan annuel) is made of, and how it is read from the database.

:func:`build_report` reads a scheme for one year and returns a :class:`ReportDocument`:
plain data (``to_dict`` / ``from_dict``) stored as JSON on the :class:`AnnualReport`, so
that the web page, the PDF and the Word document show the same figures however the
database changes afterwards.

Only what may be public goes in: fiches validated or adopted, Département-wide
measurements, counts of contributions (never their text) and the titles of public fiches.
"""

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime

import sqlalchemy as sa

from consult.contributions.models import Contribution
from consult.core.db import utcnow
from consult.extensions import db
from consult.followup.models import ACTION_STATUSES
from consult.followup.participation import YearFigures, participation_by_year
from consult.followup.services import public_fiches
from consult.meetings.models import Meeting
from consult.schemes.models import (
    FICHE_STATUSES,
    INDICATOR_KINDS,
    PUBLIC_FICHE_STATUSES,
    Action,
    Fiche,
    Indicator,
    Scheme,
    Theme,
)
from consult.tagging.models import ContributionTag
from consult.workgroups.models import (
    DECISION_OUTCOMES,
    Decision,
    FicheContribution,
)

NO_DECISION = "sans_decision"
OUTCOMES = {**DECISION_OUTCOMES, NO_DECISION: "Sans décision pour l'instant"}
VERDICTS = {
    "atteint": "Atteint",
    "en_progres": "En progrès",
    "stable": "Stable",
    "en_recul": "En recul",
    "sans_mesure": "Pas de mesure cette année",
    "qualitatif": "Qualitatif",
    "sans_cible": "Pas de cible fixée",
    "sans_comparaison": "Pas de valeur de comparaison",
}
ON_TRACK = ("atteint", "en_progres")
BEHIND = ("stable", "en_recul")
PARTICIPATION_ROWS = (
    ("meetings", "Rencontres tenues"),
    ("participants", "Participant·es aux rencontres"),
    ("service_users", "dont usagers"),
    ("contributions", "Contributions publiées"),
    ("proposals", "dont propositions"),
    ("retained", "Propositions retenues (totalement ou en partie)"),
    ("not_retained", "Propositions non retenues ou hors champ"),
)

Progress = Callable[[int, str], None]


@dataclass
class MilestoneLine:
    """A milestone due or done during the year."""

    label: str
    due_on: str  # ISO date, "" when none
    done_on: str


@dataclass
class ActionLine:
    """A top-level action of a fiche and how far it has gone."""

    title: str
    progress: int  # 0–100
    status: str
    status_label: str
    milestones: list[MilestoneLine] = field(default_factory=list)


@dataclass
class IndicatorLine:
    """An indicator, its year's value against the baseline and the target, and a verdict.

    ``value`` and ``previous`` are Département-wide figures for the year and the year
    before (``text_value`` / ``previous_text`` for a qualitative indicator); ``gap`` is
    ``value - target``. ``series`` holds every Département-wide value up to the year, as
    ``[year, value]`` pairs, for the chart.
    """

    id: int
    label: str
    kind: str
    kind_label: str
    unit: str
    baseline: float | None
    baseline_year: int | None
    target: float | None
    target_year: int | None
    value: float | None
    previous: float | None
    text_value: str
    previous_text: str
    gap: float | None
    verdict: str
    verdict_label: str
    series: list[list] = field(default_factory=list)


@dataclass
class FicheLine:
    """A validated or adopted fiche in the report."""

    id: int
    number: str
    title: str
    group: str  # the axis (or part) the fiche belongs to
    status: str
    status_label: str
    progress_status: str
    progress_status_label: str
    progress: int | None  # mean of its top actions' progress, None without actions
    actions: list[ActionLine] = field(default_factory=list)
    indicators: list[IndicatorLine] = field(default_factory=list)


@dataclass
class ParticipationLine:
    """One participation figure for the year and the year before."""

    key: str
    label: str
    value: int
    previous: int


@dataclass
class OutcomeCount:
    """How many of the year's contributions got one outcome."""

    outcome: str
    label: str
    count: int


@dataclass
class ThemeOutcomes:
    """The year's contributions tagged with one theme, by outcome."""

    theme: str
    total: int
    counts: list[OutcomeCount] = field(default_factory=list)


@dataclass
class AnsweringFiche:
    """A public fiche that answers contributions (linked by its working group)."""

    id: int
    number: str
    title: str
    contributions: int  # every contribution the fiche answers
    this_year: int  # those of the report's year


@dataclass
class Summary:
    """The report's headline figures."""

    fiches_by_status: list[OutcomeCount] = field(default_factory=list)
    indicators_on_track: int = 0
    indicators_behind: int = 0
    indicators_unmeasured: int = 0
    indicators_other: int = 0  # qualitative, without target or comparison


@dataclass
class ReportDocument:
    """The generated content of one annual report."""

    title: str
    scheme_title: str
    department: str
    year: int
    generated_at: datetime
    summary: Summary
    fiches: list[FicheLine] = field(default_factory=list)
    participation: list[ParticipationLine] = field(default_factory=list)
    contributions: int = 0  # published contributions of the year
    outcomes: list[OutcomeCount] = field(default_factory=list)
    themes: list[ThemeOutcomes] = field(default_factory=list)
    answering_fiches: list[AnsweringFiche] = field(default_factory=list)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["generated_at"] = self.generated_at.isoformat()
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "ReportDocument":
        return cls(
            **{
                **data,
                "generated_at": datetime.fromisoformat(data["generated_at"]),
                "summary": _summary(data["summary"]),
                "fiches": [_fiche(f) for f in data["fiches"]],
                "participation": [ParticipationLine(**p) for p in data["participation"]],
                "outcomes": [OutcomeCount(**o) for o in data["outcomes"]],
                "themes": [
                    ThemeOutcomes(**{**t, "counts": [OutcomeCount(**c) for c in t["counts"]]})
                    for t in data["themes"]
                ],
                "answering_fiches": [AnsweringFiche(**a) for a in data["answering_fiches"]],
            }
        )

    @property
    def groups(self) -> list[tuple[str, list[FicheLine]]]:
        """The fiches under their axis (or part), in order."""
        grouped: dict[str, list[FicheLine]] = {}
        for fiche in self.fiches:
            grouped.setdefault(fiche.group, []).append(fiche)
        return list(grouped.items())


def _summary(data: dict) -> Summary:
    return Summary(
        **{**data, "fiches_by_status": [OutcomeCount(**c) for c in data["fiches_by_status"]]}
    )


def _fiche(data: dict) -> FicheLine:
    actions = [
        ActionLine(**{**a, "milestones": [MilestoneLine(**m) for m in a["milestones"]]})
        for a in data["actions"]
    ]
    indicators = [IndicatorLine(**i) for i in data["indicators"]]
    return FicheLine(**{**data, "actions": actions, "indicators": indicators})


# --- Verdicts ---------------------------------------------------------------------------


def wanted_direction(baseline: float | None, target: float) -> int:
    """+1 when the indicator should rise, -1 when it should fall (target below baseline)."""
    return -1 if baseline is not None and target < baseline else 1


def verdict(
    kind: str,
    value: float | str | None,
    target: float | None,
    baseline: float | None,
    previous: float | None,
) -> str:
    """A plain verdict on the year's value (a key of :data:`VERDICTS`).

    The wanted direction comes from the baseline and the target. A value at or past the
    target is "atteint"; otherwise it is compared with the year before (else the
    baseline): better is "en progrès", worse "en recul", equal "stable".
    """
    if value is None:
        return "sans_mesure"
    if kind == "qualitatif":
        return "qualitatif"
    if target is None:
        return "sans_cible"
    direction = wanted_direction(baseline, target)
    if (value - target) * direction >= 0:
        return "atteint"
    reference = previous if previous is not None else baseline
    if reference is None:
        return "sans_comparaison"
    change = (value - reference) * direction
    if change > 0:
        return "en_progres"
    return "en_recul" if change < 0 else "stable"


# --- Reading the scheme -----------------------------------------------------------------


def _fiche_group(fiche: Fiche) -> str:
    if fiche.axis is not None:
        return f"{fiche.scheme.level('axis')} {fiche.axis.number} : {fiche.axis.title}"
    part = fiche.part.strip()
    return part[:1].upper() + part[1:] if part else "Autres fiches"


def _sort_key(fiche: Fiche) -> tuple:
    axis = fiche.axis.position if fiche.axis is not None else 10**6
    return (axis, fiche.position, fiche.id)


def _in_year(day, year: int) -> bool:
    return day is not None and day.year == year


def _action_line(action: Action, year: int) -> ActionLine:
    milestones = [
        MilestoneLine(
            label=m.label,
            due_on=m.due_on.isoformat() if m.due_on else "",
            done_on=m.done_on.isoformat() if m.done_on else "",
        )
        for m in action.milestones
        if _in_year(m.due_on, year) or _in_year(m.done_on, year)
    ]
    return ActionLine(
        title=action.title,
        progress=action.progress or 0,
        status=action.status,
        status_label=ACTION_STATUSES.get(action.status, action.status),
        milestones=milestones,
    )


def _series(indicator: Indicator, year: int, figures: dict[int, YearFigures]) -> dict:
    """Département-wide values up to ``year``: ``{year: (value, text_value)}``."""
    if indicator.computed:
        return {
            y: (f.value(indicator.computed), "")
            for y, f in figures.items()
            if y <= year and f.value(indicator.computed) is not None
        }
    return {
        m.year: (m.value, m.text_value or "")
        for m in indicator.measurements
        if m.territory_id is None and m.year <= year
    }


def _indicator_line(indicator: Indicator, year: int, figures: dict[int, YearFigures]):
    series = _series(indicator, year, figures)
    value, text_value = series.get(year, (None, ""))
    previous, previous_text = series.get(year - 1, (None, ""))
    measured = value if indicator.kind != "qualitatif" else (text_value or value)
    key = verdict(indicator.kind, measured, indicator.target, indicator.baseline, previous)
    gap = None
    if value is not None and indicator.target is not None:
        gap = round(value - indicator.target, 2)
    return IndicatorLine(
        id=indicator.id,
        label=indicator.label,
        kind=indicator.kind,
        kind_label=INDICATOR_KINDS.get(indicator.kind, indicator.kind),
        unit=indicator.unit,
        baseline=indicator.baseline,
        baseline_year=indicator.baseline_year,
        target=indicator.target,
        target_year=indicator.target_year,
        value=value,
        previous=previous,
        text_value=text_value,
        previous_text=previous_text,
        gap=gap,
        verdict=key,
        verdict_label=VERDICTS[key],
        series=[[y, v] for y, (v, _) in sorted(series.items()) if v is not None],
    )


def _fiche_line(fiche: Fiche, year: int, figures: dict[int, YearFigures]) -> FicheLine:
    top = fiche.top_actions
    progress = round(sum(a.progress or 0 for a in top) / len(top)) if top else None
    return FicheLine(
        id=fiche.id,
        number=fiche.number,
        title=fiche.title,
        group=_fiche_group(fiche),
        status=fiche.status,
        status_label=FICHE_STATUSES.get(fiche.status, fiche.status),
        progress_status=fiche.progress_status,
        progress_status_label=ACTION_STATUSES.get(fiche.progress_status, fiche.progress_status),
        progress=progress,
        actions=[_action_line(a, year) for a in top],
        indicators=[_indicator_line(i, year, figures) for i in fiche.indicators],
    )


def _public_fiches(scheme: Scheme) -> list[Fiche]:
    return sorted(public_fiches(scheme), key=_sort_key)


def _participation(figures: dict[int, YearFigures], year: int) -> list[ParticipationLine]:
    current = figures.get(year) or YearFigures(year)
    before = figures.get(year - 1) or YearFigures(year - 1)
    return [
        ParticipationLine(key, label, getattr(current, key), getattr(before, key))
        for key, label in PARTICIPATION_ROWS
    ]


def _year_contributions(scheme: Scheme, year: int) -> dict[int, str]:
    """Outcome of each of the scheme's published contributions of ``year``, by id.

    As in the participation figures, a contribution belongs to the year its meeting was
    held (a paper form typed in later counts with its meeting), else the year it was made.
    """
    contribution_year = sa.func.coalesce(
        sa.extract("year", Meeting.held_on), sa.extract("year", Contribution.created_at)
    )
    rows = db.session.execute(
        sa.select(Contribution.id, Decision.outcome)
        .join(Meeting, Meeting.id == Contribution.meeting_id)
        .outerjoin(Decision, Decision.contribution_id == Contribution.id)
        .where(
            Meeting.scheme_id == scheme.id,
            Contribution.status == "published",
            contribution_year == year,
        )
    )
    return {ident: outcome or NO_DECISION for ident, outcome in rows}


def _outcome_counts(counter: Counter) -> list[OutcomeCount]:
    return [OutcomeCount(key, label, counter.get(key, 0)) for key, label in OUTCOMES.items()]


def _themes(scheme: Scheme, outcomes: dict[int, str]) -> list[ThemeOutcomes]:
    rows = db.session.execute(
        sa.select(Theme.id, Theme.number, Theme.title, ContributionTag.contribution_id)
        .join(ContributionTag, ContributionTag.theme_id == Theme.id)
        .where(Theme.scheme_id == scheme.id)
        .order_by(Theme.position, Theme.id)
    )
    by_theme: dict[tuple, Counter] = defaultdict(Counter)
    for theme_id, number, title, contribution_id in rows:
        if contribution_id in outcomes:
            by_theme[(theme_id, f"{number}. {title}")][outcomes[contribution_id]] += 1
    return [
        ThemeOutcomes(label, sum(counter.values()), _outcome_counts(counter))
        for (_, label), counter in by_theme.items()
    ]


def _answering_fiches(scheme: Scheme, year_ids: set[int]) -> list[AnsweringFiche]:
    """Public fiches answering published contributions: how many in all, how many this year."""
    rows = db.session.execute(
        sa.select(FicheContribution.fiche_id, FicheContribution.contribution_id)
        .join(Fiche, Fiche.id == FicheContribution.fiche_id)
        .join(Contribution, Contribution.id == FicheContribution.contribution_id)
        .where(
            Fiche.scheme_id == scheme.id,
            Fiche.status.in_(PUBLIC_FICHE_STATUSES),
            Contribution.status == "published",
        )
    )
    totals, this_year = Counter(), Counter()
    for fiche_id, contribution_id in rows:
        totals[fiche_id] += 1
        this_year[fiche_id] += contribution_id in year_ids
    fiches = db.session.scalars(sa.select(Fiche).where(Fiche.id.in_(list(totals)))).all()
    ordered = sorted(fiches, key=_sort_key)
    return [AnsweringFiche(f.id, f.number, f.title, totals[f.id], this_year[f.id]) for f in ordered]


def _fiche_statuses(scheme: Scheme) -> list[OutcomeCount]:
    rows = db.session.execute(
        sa.select(Fiche.status, sa.func.count())
        .where(Fiche.scheme_id == scheme.id)
        .group_by(Fiche.status)
    )
    counter = Counter(dict(rows.all()))
    return [OutcomeCount(key, label, counter.get(key, 0)) for key, label in FICHE_STATUSES.items()]


def _indicator_summary(summary: Summary, fiches: list[FicheLine]) -> Summary:
    verdicts = Counter(i.verdict for f in fiches for i in f.indicators)
    summary.indicators_on_track = sum(verdicts[v] for v in ON_TRACK)
    summary.indicators_behind = sum(verdicts[v] for v in BEHIND)
    summary.indicators_unmeasured = verdicts["sans_mesure"]
    summary.indicators_other = sum(verdicts.values()) - (
        summary.indicators_on_track + summary.indicators_behind + summary.indicators_unmeasured
    )
    return summary


def build_report(
    scheme: Scheme, year: int, *, now: datetime | None = None, progress: Progress | None = None
) -> ReportDocument:
    """Read ``scheme`` for ``year``; ``progress(percent, message)`` is told how far it is."""
    tell = progress or (lambda percent, message: None)
    tell(10, "Lecture de la participation")
    figures = participation_by_year(scheme.id)
    tell(30, "Lecture des fiches, actions et indicateurs")
    fiches = [_fiche_line(f, year, figures) for f in _public_fiches(scheme)]
    tell(70, "Suites données aux contributions")
    outcomes = _year_contributions(scheme, year)
    summary = _indicator_summary(Summary(fiches_by_status=_fiche_statuses(scheme)), fiches)
    return ReportDocument(
        title=f"Bilan annuel {year} — {scheme.title}",
        scheme_title=scheme.title,
        department=scheme.department,
        year=year,
        generated_at=now or utcnow(),
        summary=summary,
        fiches=fiches,
        participation=_participation(figures, year),
        contributions=len(outcomes),
        outcomes=_outcome_counts(Counter(outcomes.values())),
        themes=_themes(scheme, outcomes),
        answering_fiches=_answering_fiches(scheme, set(outcomes)),
    )
