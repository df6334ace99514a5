"""Droit de suite: what was said, and what was done with it.

The public pages (``consult.suite.views``) read their facts here; one contribution's
answer (the participant's receipt) is ``consult.followup.tracing``. Only what the public
may read ever leaves this module: published contributions (their moderated, masked
``body``) of meetings that are not in preparation, fiches that are validated or adopted,
syntheses' published versions.

Which syntheses "cover" a meeting or a theme is kept simple:

- a meeting: the latest published version of each synthesis of its scheme whose scope
  names the meeting, or names no meeting at all (a synthesis of the whole scheme);
- a theme: the latest published version of each synthesis of its scheme whose scope
  names the theme (all its ideas), and, in the others, the sections written for that
  theme (a section of kind ``theme`` titled "<number>. <title>").

The figures of the public pages (how many contributions, how many answered, which
fiches answer them) are read from counts the database keeps by meeting
(``consult.contributions.counts``) and by theme and fiche (``consult.suite.counts``):
a few rows each, not every contribution. They are kept by ``core.cache.public_figures``
until a contribution is published or changed, a decision recorded, a fiche, a meeting
or a synthesis changed (``watch_public_figures`` below), and pages read only the page
of contributions they show.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from consult.contributions.counts import PublishedCount
from consult.contributions.models import Contribution
from consult.contributions.services import PER_PAGE
from consult.core.cache import public_figures, watch_public_figures
from consult.core.pagination import Page, paginate
from consult.extensions import db
from consult.meetings.models import Meeting
from consult.schemes.models import (
    PUBLIC_FICHE_STATUSES,
    Action,
    Fiche,
    Scheme,
    Territory,
    Theme,
    WorkingGroup,
)
from consult.suite.counts import FicheCount, ThemeCount, ThemeFicheCount
from consult.synthesis.models import Synthesis, SynthesisVersion
from consult.tagging.models import ContributionTag
from consult.workgroups.models import (
    DECISION_OUTCOMES,
    Decision,
    FicheContribution,
    FicheIdea,
    FicheStatusChange,
)

# A commit writing one of these refreshes the public figures and pages (core.cache);
# any other change shows within PUBLIC_FIGURES_SECONDS.
watch_public_figures(
    Decision,
    Fiche,
    Action,
    FicheIdea,
    FicheContribution,
    FicheStatusChange,
    ContributionTag,
    Meeting,
    Scheme,
    Theme,
    Territory,
    Synthesis,
    SynthesisVersion,
    WorkingGroup,
)
watch_public_figures(Contribution, new_only_if=lambda c: c.status == "published")


# --- Contributions and their decisions ----------------------------------------------------


@dataclass
class Traced:
    """A published contribution and the decision on it (None: no answer yet)."""

    contribution: Contribution
    decision: Decision | None


def _public_filters() -> list:
    return [Contribution.status == "published", Meeting.status != "draft"]


def _public_ids(*where) -> sa.Select:
    """Ids of the published contributions matching ``where``."""
    return sa.select(Contribution.id).join(Meeting).where(*_public_filters(), *where)


def decisions_by_contribution(ids: list[int]) -> dict[int, Decision]:
    """The decision on each contribution that has one."""
    if not ids:
        return {}
    decisions = db.session.scalars(
        sa.select(Decision)
        .where(Decision.contribution_id.in_(ids))
        .options(selectinload(Decision.fiche))
    )
    return {d.contribution_id: d for d in decisions}


def traced_page(ids: sa.Select, page: int, total: int | None = None) -> Page:
    """One page of the published contributions in ``ids``, newest first, with decisions.

    ``total`` (how many ``ids`` selects) comes from the cached figures when known. A
    page number past the end shows the last page; 0 or less shows the first.
    """
    if total is None:
        total = db.session.scalar(sa.select(sa.func.count()).select_from(ids.subquery())) or 0
    found = paginate(
        ids.with_only_columns(Contribution)  # the same filters, without an IN over all ids
        .order_by(Contribution.created_at.desc(), Contribution.id.desc())
        .options(
            selectinload(Contribution.publics),
            selectinload(Contribution.organisation),
            selectinload(Contribution.territory),
            selectinload(Contribution.meeting),
        ),
        page,
        PER_PAGE,
        total=total,
    )
    decisions = decisions_by_contribution([c.id for c in found.items])
    found.items = [Traced(c, decisions.get(c.id)) for c in found.items]
    return found


def meeting_ids(meeting: Meeting) -> sa.Select:
    return _public_ids(Contribution.meeting_id == meeting.id)


def theme_ids(theme: Theme) -> sa.Select:
    """Published contributions tagged with the theme."""
    tagged = sa.select(ContributionTag.contribution_id).where(ContributionTag.theme_id == theme.id)
    return _public_ids(Contribution.id.in_(tagged))


def fiche_ids(fiche: Fiche) -> sa.Select:
    """Published contributions the fiche answers (linked to it, or decided with it)."""
    linked = sa.select(FicheContribution.contribution_id).where(
        FicheContribution.fiche_id == fiche.id
    )
    decided = sa.select(Decision.contribution_id).where(Decision.fiche_id == fiche.id)
    return _public_ids(sa.or_(Contribution.id.in_(linked), Contribution.id.in_(decided)))


@dataclass
class Outcomes:
    """How many of a set of published contributions got each answer, and how many wait."""

    total: int
    counts: dict[str, int] = field(default_factory=dict)  # outcome → number, every outcome

    @property
    def waiting(self) -> int:
        return self.total - sum(self.counts.values())

    def rows(self) -> list[tuple[str, int]]:
        """(label, number) for each outcome, then the contributions still waiting."""
        rows = [(DECISION_OUTCOMES[key], n) for key, n in self.counts.items()]
        return [*rows, ("En attente de réponse", self.waiting)]


def outcomes(ids: sa.Select) -> Outcomes:
    """Decision counts over the published contributions in ``ids``."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(ids.subquery())) or 0
    found = Counter(
        dict(
            db.session.execute(
                sa.select(Decision.outcome, sa.func.count())
                .where(Decision.contribution_id.in_(ids))
                .group_by(Decision.outcome)
            ).all()
        )
    )
    return Outcomes(total=total, counts={key: found.get(key, 0) for key in DECISION_OUTCOMES})


def counted_outcomes(*where) -> Outcomes:
    """:func:`outcomes` of the published contributions of the public meetings matching
    ``where``, read from the counts the database keeps (``consult.contributions.counts``):
    a few rows per meeting instead of every contribution and decision (a scheme's
    overview, a meeting's page), recomputed after each publication or decision."""
    rows = db.session.execute(
        sa.select(PublishedCount.outcome, sa.func.sum(PublishedCount.count))
        .join(Meeting, Meeting.id == PublishedCount.meeting_id)
        .where(Meeting.status != "draft", *where)
        .group_by(PublishedCount.outcome)
    )
    found = {outcome: int(count) for outcome, count in rows}
    return Outcomes(
        total=sum(found.values()), counts={key: found.get(key, 0) for key in DECISION_OUTCOMES}
    )


@dataclass(frozen=True)
class Figures:
    """What a public page counts (plain values: kept between requests, never ORM objects)."""

    outcomes: Outcomes
    fiche_ids: tuple[int, ...] = ()


def fiches_by_id(ids: tuple[int, ...]) -> list[Fiche]:
    """The public fiches among ``ids``, in the public pages' order."""
    return _public_fiches(Fiche.id.in_(ids)) if ids else []


def meeting_figures(meeting: Meeting) -> Figures:
    """The meeting's answers and the fiches answering its contributions (cached)."""

    def compute() -> Figures:
        fiches = public_fiches_answering(meeting_ids(meeting))
        return Figures(counted_outcomes(Meeting.id == meeting.id), tuple(f.id for f in fiches))

    return public_figures(("meeting", meeting.id), compute)


def theme_outcomes(theme: Theme) -> Outcomes:
    """:func:`outcomes` of :func:`theme_ids`, read from the counts the database keeps
    (``consult.suite.counts``): a few rows per meeting instead of every tag."""
    rows = db.session.execute(
        sa.select(ThemeCount.outcome, sa.func.sum(ThemeCount.count))
        .join(Meeting, Meeting.id == ThemeCount.meeting_id)
        .where(ThemeCount.theme_id == theme.id, Meeting.status != "draft")
        .group_by(ThemeCount.outcome)
    )
    found = {outcome: int(count) for outcome, count in rows}
    return Outcomes(
        total=sum(found.values()), counts={key: found.get(key, 0) for key in DECISION_OUTCOMES}
    )


def theme_figures(theme: Theme) -> Figures:
    """The theme's answers and its public fiches (cached)."""

    def compute() -> Figures:
        return Figures(theme_outcomes(theme), tuple(f.id for f in theme_fiches(theme)))

    return public_figures(("theme", theme.id), compute)


def counted_fiche_total(fiche: Fiche) -> int:
    """How many published contributions :func:`fiche_ids` selects, read from the counts
    the database keeps (``consult.suite.counts``)."""
    total = db.session.scalar(
        sa.select(sa.func.sum(FicheCount.count))
        .join(Meeting, Meeting.id == FicheCount.meeting_id)
        .where(FicheCount.fiche_id == fiche.id, Meeting.status != "draft")
    )
    return int(total or 0)


def fiche_total(fiche: Fiche) -> int:
    """How many published contributions the fiche answers (cached)."""
    return public_figures(("fiche", fiche.id), lambda: counted_fiche_total(fiche))


def public_fiches_answering(ids: sa.Select) -> list[Fiche]:
    """Public fiches that answer any of the contributions in ``ids``."""
    linked = sa.select(FicheContribution.fiche_id).where(FicheContribution.contribution_id.in_(ids))
    decided = sa.select(Decision.fiche_id).where(
        Decision.contribution_id.in_(ids), Decision.fiche_id.is_not(None)
    )
    return _public_fiches(sa.or_(Fiche.id.in_(linked), Fiche.id.in_(decided)))


def _public_fiches(*where) -> list[Fiche]:
    return db.session.scalars(
        sa.select(Fiche)
        .where(Fiche.status.in_(PUBLIC_FICHE_STATUSES), *where)
        .order_by(Fiche.scheme_id, Fiche.position, Fiche.id)
    ).all()


def theme_fiches(theme: Theme) -> list[Fiche]:
    """Public fiches of the working groups on the theme, and those answering its
    contributions (linked to one, or deciding one: read from the counts the database
    keeps, ``consult.suite.counts``)."""
    groups = sa.select(WorkingGroup.id).where(WorkingGroup.theme_id == theme.id)
    answering = (
        sa.select(ThemeFicheCount.fiche_id)
        .join(Meeting, Meeting.id == ThemeFicheCount.meeting_id)
        .where(ThemeFicheCount.theme_id == theme.id, Meeting.status != "draft")
        .group_by(ThemeFicheCount.fiche_id)
        .having(sa.func.sum(ThemeFicheCount.count) > 0)
    )
    return _public_fiches(sa.or_(Fiche.working_group_id.in_(groups), Fiche.id.in_(answering)))


# --- Syntheses' ideas ---------------------------------------------------------------------


@dataclass
class IdeaLine:
    """One idea of a published synthesis, as the public pages list it."""

    label: str
    size: int


@dataclass
class SynthesisIdeas:
    """The ideas a published synthesis version brings to a page."""

    synthesis: Synthesis
    version: SynthesisVersion
    ideas: list[IdeaLine]


def _latest_published(synthesis: Synthesis) -> SynthesisVersion | None:
    return next((v for v in synthesis.versions if v.status == "published"), None)


def _published_syntheses(scheme_id: int) -> list[tuple[Synthesis, SynthesisVersion]]:
    syntheses = db.session.scalars(
        sa.select(Synthesis)
        .where(
            Synthesis.scheme_id == scheme_id,
            Synthesis.versions.any(SynthesisVersion.status == "published"),
        )
        .order_by(Synthesis.id.desc())
    ).all()
    return [(s, v) for s in syntheses if (v := _latest_published(s)) is not None]


def _ideas(version: SynthesisVersion, keep_section) -> list[IdeaLine]:
    sections = (version.document or {}).get("sections", [])
    return [
        IdeaLine(label=idea.get("label", ""), size=int(idea.get("size", 0)))
        for section in sections
        if keep_section(section)
        for idea in section.get("ideas", [])
    ]


def meeting_syntheses(meeting: Meeting) -> list[SynthesisIdeas]:
    """Published syntheses whose scope names the meeting, or names no meeting."""
    found = []
    for synthesis, version in _published_syntheses(meeting.scheme_id):
        named = (synthesis.scope or {}).get("meeting_ids") or []
        if named and meeting.id not in named:
            continue
        ideas = _ideas(version, lambda section: True)
        if ideas:
            found.append(SynthesisIdeas(synthesis, version, ideas))
    return found


def theme_syntheses(theme: Theme) -> list[SynthesisIdeas]:
    """Published syntheses on the theme, or their sections written for it."""
    title = f"{theme.number}. {theme.title}"

    def about_theme(section: dict) -> bool:
        return section.get("kind") == "theme" and section.get("title") == title

    found = []
    for synthesis, version in _published_syntheses(theme.scheme_id):
        named = theme.id in ((synthesis.scope or {}).get("theme_ids") or [])
        ideas = _ideas(version, (lambda section: True) if named else about_theme)
        if ideas:
            found.append(SynthesisIdeas(synthesis, version, ideas))
    return found


# --- A fiche ------------------------------------------------------------------------------


def adopted_on(fiche: Fiche) -> datetime | None:
    """When the fiche was adopted, when its validation was recorded on the platform."""
    return db.session.scalar(
        sa.select(FicheStatusChange.decided_at)
        .where(FicheStatusChange.fiche_id == fiche.id, FicheStatusChange.to_status == "adoptee")
        .order_by(FicheStatusChange.decided_at.desc())
        .limit(1)
    )


# --- The overview -------------------------------------------------------------------------


@dataclass
class SchemeTrace:
    """One scheme on the "droit de suite" home page."""

    scheme: Scheme
    outcomes: Outcomes
    adopted: int
    meetings: list[Meeting]
    themes: list[Theme]
    fiches: list[Fiche]


def scheme_trace(scheme: Scheme) -> SchemeTrace:
    fiches = _public_fiches(Fiche.scheme_id == scheme.id)
    meetings = db.session.scalars(
        sa.select(Meeting)
        .where(Meeting.scheme_id == scheme.id, Meeting.status != "draft")
        .order_by(Meeting.held_on.desc().nulls_last(), Meeting.id.desc())
    ).all()
    return SchemeTrace(
        scheme=scheme,
        outcomes=public_figures(
            ("scheme", scheme.id), lambda: counted_outcomes(Meeting.scheme_id == scheme.id)
        ),
        adopted=sum(1 for f in fiches if f.status == "adoptee"),
        meetings=meetings,
        themes=list(scheme.themes),
        fiches=fiches,
    )


def overview() -> list[SchemeTrace]:
    """Every scheme, newest first."""
    schemes = db.session.scalars(sa.select(Scheme).order_by(Scheme.id.desc())).all()
    return [scheme_trace(s) for s in schemes]
