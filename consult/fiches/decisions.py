"""What became of each contribution a working group answers (suite donnée).

A group answers the contributions its fiches were drafted from (:class:`FicheContribution`)
and the published contributions tagged with its theme or its fiches. Each contribution
has one current :class:`Decision`; deciding again updates it.
"""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from consult.contributions.models import KINDS, Contribution
from consult.core.db import add_once
from consult.core.errors import DomainError, NotFoundError
from consult.core.pagination import paginate
from consult.core.sanitize import clean_text, safe_cell
from consult.extensions import db
from consult.schemes.models import Action, Fiche, WorkingGroup
from consult.workgroups.models import (
    DECISION_OUTCOMES,
    OUTCOMES_WITH_REASON,
    Decision,
    FicheContribution,
)
from consult.workgroups.services import group_fiches, scope_ids

PER_PAGE = 25
RETAINED = ("retenue", "partiellement_retenue")
FILTERS = {
    "sans": "Sans décision",
    "avec": "Avec décision",
    "toutes": "Toutes",
}
REASON_HELP = "Expliquez en quelques mots pourquoi — la personne le lira."


class DecisionError(DomainError):
    """A decision cannot be recorded; the message names the field, in French."""

    def __init__(self, message: str, *, field: str = "outcome"):
        super().__init__(message, field=field)


def _in_scope(group: WorkingGroup):
    return sa.and_(
        Contribution.id.in_(sa.select(scope_ids(group).subquery().c[0])),
        Contribution.status == "published",
    )


def contribution_in_scope_or_404(group: WorkingGroup, contribution_id: int) -> Contribution:
    """The published contribution the group answers; a merged one leads to its target."""
    contribution = db.session.get(Contribution, contribution_id)
    if contribution is not None and contribution.merged_into_id:
        contribution = db.session.get(Contribution, contribution.merged_into_id)
    if contribution is None:
        raise NotFoundError
    found = db.session.scalar(
        sa.select(Contribution.id).where(Contribution.id == contribution.id, _in_scope(group))
    )
    if found is None:
        raise NotFoundError
    return contribution


@dataclass
class Row:
    contribution: Contribution
    decision: Decision | None


@dataclass
class Listing:
    rows: list[Row]
    total: int
    page: int
    pages: int


def listing(group: WorkingGroup, *, which: str = "toutes", kind: str = "", page: int = 1):
    """The group's contributions with their decision, 25 a page, oldest first."""
    query = (
        sa.select(Contribution)
        .outerjoin(Decision, Decision.contribution_id == Contribution.id)
        .where(_in_scope(group))
    )
    if which == "sans":
        # on the joined key: PostgreSQL then plans an anti-join (bench/followup.py)
        query = query.where(Decision.contribution_id.is_(None))
    elif which == "avec":
        query = query.where(Decision.contribution_id.is_not(None))
    if kind in KINDS:
        query = query.where(Contribution.kind == kind)
    found = paginate(query.order_by(Contribution.id), page, PER_PAGE)
    decisions = _decisions_of([contribution.id for contribution in found.items])
    rows = [Row(contribution, decisions.get(contribution.id)) for contribution in found.items]
    return Listing(rows=rows, total=found.total, page=found.number, pages=found.pages)


def _decisions_of(ids: list[int]) -> dict[int, Decision]:
    decisions = db.session.scalars(sa.select(Decision).where(Decision.contribution_id.in_(ids)))
    return {decision.contribution_id: decision for decision in decisions}


def decidable_fiches(group: WorkingGroup) -> list[Fiche]:
    """The group's fiches, then the scheme's adopted fiches."""
    own = group_fiches(group)
    seen = {fiche.id for fiche in own}
    adopted = db.session.scalars(
        sa.select(Fiche)
        .where(Fiche.scheme_id == group.scheme_id, Fiche.status == "adoptee")
        .order_by(Fiche.position, Fiche.id)
    ).all()
    return [*own, *(fiche for fiche in adopted if fiche.id not in seen)]


def _checked(group, outcome, fiche_id, action_id, reason):
    if outcome not in DECISION_OUTCOMES:
        raise DecisionError("Choisissez une suite dans la liste.")
    reason = clean_text(reason)
    if outcome in OUTCOMES_WITH_REASON and not reason:
        raise DecisionError(
            f"Le motif est obligatoire pour cette suite. {REASON_HELP}", field="reason"
        )
    if outcome not in RETAINED:
        return outcome, None, None, reason
    fiche = next((f for f in decidable_fiches(group) if f.id == fiche_id), None)
    if fiche is None:
        raise DecisionError(
            "Choisissez la fiche action qui reprend cette contribution.", field="fiche_id"
        )
    action = db.session.get(Action, action_id) if action_id else None
    if action_id and (action is None or action.fiche_id != fiche.id):
        raise DecisionError("Cette action n'appartient pas à la fiche choisie.", field="action_id")
    return outcome, fiche, action, reason


def decide(
    group: WorkingGroup,
    contribution: Contribution,
    *,
    outcome: str,
    fiche_id: int | None,
    action_id: int | None,
    reason: str,
    actor,
    now,
) -> Decision:
    """Record (or update) the one decision on the contribution.

    A retained contribution names its fiche (and, if wished, one of its actions) and is
    linked to that fiche. The other outcomes say why, for the person who wrote it.

    :raises DecisionError: a choice is missing or wrong.
    """
    outcome, fiche, action, reason = _checked(group, outcome, fiche_id, action_id, reason)
    values = {
        "outcome": outcome,
        "reason": reason,
        "fiche_id": fiche.id if fiche else None,
        "action_id": action.id if action else None,
        "working_group_id": group.id,
        "decided_by_id": actor.id,
        "decided_at": now,
    }
    decision = _upsert(contribution.id, values)
    if fiche is not None:
        _link(fiche, contribution)
    return decision


def _current(contribution_id: int) -> Decision | None:
    return db.session.scalar(sa.select(Decision).where(Decision.contribution_id == contribution_id))


def _upsert(contribution_id: int, values: dict) -> Decision:
    """Update the existing decision, or insert; a concurrent insert is updated instead."""
    decision = _current(contribution_id)
    if decision is None:
        try:
            with db.session.begin_nested():
                decision = Decision(contribution_id=contribution_id, **values)
                db.session.add(decision)
                db.session.flush()
            return decision
        except IntegrityError:
            decision = _current(contribution_id)
            if decision is None:
                raise
    for name, value in values.items():
        setattr(decision, name, value)
    db.session.flush()
    return decision


def _link(fiche: Fiche, contribution: Contribution) -> None:
    """Link the contribution to the fiche that retains it, once."""
    exists = db.session.scalar(
        sa.select(FicheContribution.id).where(
            FicheContribution.fiche_id == fiche.id,
            FicheContribution.contribution_id == contribution.id,
        )
    )
    if exists is not None:
        return
    # Already linked by a concurrent request meanwhile: nothing more to do.
    add_once(db.session, FicheContribution(fiche_id=fiche.id, contribution_id=contribution.id))


def answered(fiche: Fiche) -> list[Row]:
    """The published contributions a fiche answers, with their current decision."""
    results = db.session.execute(
        sa.select(Contribution, Decision)
        .join(FicheContribution, FicheContribution.contribution_id == Contribution.id)
        .outerjoin(Decision, Decision.contribution_id == Contribution.id)
        .where(FicheContribution.fiche_id == fiche.id, Contribution.status == "published")
        .order_by(Contribution.id)
    ).all()
    return [Row(contribution, decision) for contribution, decision in results]


EXPORT_COLUMNS = [
    "contribution",
    "date",
    "rencontre",
    "type",
    "texte publié",
    "suite donnée",
    "motif",
    "fiche",
    "action",
    "décidée le",
]


def export_rows(group: WorkingGroup):
    """Every contribution the group answers, with its decision, as spreadsheet cells
    (texts neutralised: no formula reaches the spreadsheet)."""
    query = (
        sa.select(Contribution, Decision)
        .outerjoin(Decision, Decision.contribution_id == Contribution.id)
        .where(_in_scope(group))
        .order_by(Contribution.id)
        .execution_options(yield_per=500)
    )
    for contribution, decision in db.session.execute(query):
        fiche = decision.fiche if decision else None
        action = decision.action if decision else None
        yield [
            contribution.id,
            contribution.created_at.strftime("%Y-%m-%d"),
            safe_cell(contribution.meeting.title),
            safe_cell(contribution.kind_label),
            safe_cell(contribution.body),
            safe_cell(decision.outcome_label if decision else "sans décision"),
            safe_cell(decision.reason if decision else ""),
            safe_cell(f"{fiche.number} : {fiche.title}" if fiche else ""),
            safe_cell(action.title if action else ""),
            decision.decided_at.strftime("%Y-%m-%d") if decision else "",
        ]
