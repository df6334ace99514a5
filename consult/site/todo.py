"""The staff's « à faire » page: what waits for them across the platform."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from consult.contributions.models import Contribution
from consult.extensions import db
from consult.fiches import decisions
from consult.meetings.models import Meeting
from consult.schemes.models import Fiche, WorkingGroup
from consult.synthesis.models import Synthesis, SynthesisVersion

LISTED = 20


@dataclass
class Todo:
    """Counts and the first items of each kind of work waiting."""

    to_moderate: list[tuple[Meeting, int]]
    to_close: list[Meeting]
    syntheses: list[Synthesis]
    proposed_fiches: int
    undecided: list[tuple[WorkingGroup, int]]

    @property
    def empty(self) -> bool:
        return not (
            self.to_moderate
            or self.to_close
            or self.syntheses
            or self.proposed_fiches
            or self.undecided
        )


def _to_moderate() -> list[tuple[Meeting, int]]:
    pending = sa.func.count(Contribution.id)
    rows = db.session.execute(
        sa.select(Meeting, pending)
        .join(Contribution, Contribution.meeting_id == Meeting.id)
        .where(Contribution.status == "pending")
        .group_by(Meeting.id)
        .order_by(pending.desc(), Meeting.id)
        .limit(LISTED)
    ).all()
    return [(meeting, count) for meeting, count in rows]


def _to_close(today: date) -> list[Meeting]:
    """Open meetings whose day is past: their minutes and head counts wait."""
    return db.session.scalars(
        sa.select(Meeting)
        .where(Meeting.status == "open", Meeting.held_on < today)
        .order_by(Meeting.held_on, Meeting.id)
        .limit(LISTED)
    ).all()


def _unfinished_syntheses() -> list[Synthesis]:
    """Syntheses none of whose versions is shared or published yet."""
    finished = sa.select(SynthesisVersion.id).where(
        SynthesisVersion.synthesis_id == Synthesis.id,
        SynthesisVersion.status.in_(("shared", "published")),
    )
    return db.session.scalars(
        sa.select(Synthesis).where(~finished.exists()).order_by(Synthesis.id.desc()).limit(LISTED)
    ).all()


def _undecided() -> list[tuple[WorkingGroup, int]]:
    groups = db.session.scalars(sa.select(WorkingGroup).order_by(WorkingGroup.name)).all()
    counts = [(group, decisions.listing(group, which="sans").total) for group in groups]
    return [(group, count) for group, count in counts if count]


def staff_todo(today: date) -> Todo:
    """What waits for the team on ``today``."""
    return Todo(
        to_moderate=_to_moderate(),
        to_close=_to_close(today),
        syntheses=_unfinished_syntheses(),
        proposed_fiches=db.session.scalar(
            sa.select(sa.func.count(Fiche.id)).where(Fiche.status == "proposee")
        ),
        undecided=_undecided(),
    )
