"""Participation indicators the platform computes itself (the Savoie's fiche 6).

Per calendar year of a scheme: meetings held, participants (from recorded attendance),
share of service users among them, contributions, and what became of the proposals
(decisions recorded by the working groups). A meeting counts in the year it was held
(``held_on``, else the day it opened), and so do its contributions; draft meetings
never count.
"""

from dataclasses import dataclass

import sqlalchemy as sa

from consult.contributions.counts import NO_OUTCOME, PublishedCount
from consult.extensions import db
from consult.meetings.models import Meeting

# Keys an Indicator.computed may name, with their label and unit.
COMPUTED = {
    "rencontres": ("Nombre de rencontres", ""),
    "participants": ("Nombre de participant·es aux rencontres", "personnes"),
    "part_usagers": ("Part des usagers parmi les participant·es", "%"),
    "contributions": ("Nombre de contributions publiées", ""),
    "propositions_retenues": ("Propositions retenues (totalement ou en partie)", ""),
    "propositions_non_retenues": ("Propositions non retenues ou hors champ", ""),
    "part_propositions_suivies": ("Part des propositions ayant reçu une réponse", "%"),
}
RETAINED = ("retenue", "partiellement_retenue")
NOT_RETAINED = ("non_retenue", "hors_champ")


@dataclass
class YearFigures:
    """What the platform knows about participation in one year."""

    year: int
    meetings: int = 0
    participants: int = 0
    service_users: int = 0
    contributions: int = 0
    proposals: int = 0
    retained: int = 0
    not_retained: int = 0

    def value(self, key: str) -> float | None:
        """The figure an indicator key names (None when it cannot be computed)."""
        if key == "part_usagers":
            return _share(self.service_users, self.participants)
        if key == "part_propositions_suivies":
            return _share(self.retained + self.not_retained, self.proposals)
        return {
            "rencontres": self.meetings,
            "participants": self.participants,
            "contributions": self.contributions,
            "propositions_retenues": self.retained,
            "propositions_non_retenues": self.not_retained,
        }.get(key)


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _meeting_year(meeting: Meeting) -> int | None:
    if meeting.held_on:
        return meeting.held_on.year
    return meeting.opened_at.year if meeting.opened_at else None


def participation_by_year(scheme_id: int) -> dict[int, YearFigures]:
    """Every year with activity in the scheme, in order."""
    years: dict[int, YearFigures] = {}

    def at(year: int) -> YearFigures:
        return years.setdefault(year, YearFigures(year))

    meetings = db.session.scalars(
        sa.select(Meeting).where(Meeting.scheme_id == scheme_id, Meeting.status != "draft")
    )
    for meeting in meetings:
        year = _meeting_year(meeting)
        if year is None:
            continue
        figures = at(year)
        figures.meetings += 1
        attendance = meeting.attendance_by_type or {}
        figures.participants += sum(int(n) for n in attendance.values())
        figures.service_users += int(attendance.get("usagers", 0))
    for year, kind, outcome, count in _contribution_rows(scheme_id):
        figures = at(year)
        figures.contributions += count
        if kind != "proposition":
            continue
        figures.proposals += count
        figures.retained += count if outcome in RETAINED else 0
        figures.not_retained += count if outcome in NOT_RETAINED else 0
    return dict(sorted(years.items()))


def _contribution_rows(scheme_id: int):
    """(year, kind, decision outcome or None, how many) over the published contributions.

    A contribution counts in the year of its meeting (when the meeting has a date), so
    that a paper form typed in later still counts with the meeting it was written at.
    Read from the counts the database keeps (``consult.contributions.counts``): a few
    rows per meeting, where counting the contributions themselves took 330-430 ms at
    100,000 of them.
    """
    year = sa.func.coalesce(sa.extract("year", Meeting.held_on), PublishedCount.year)
    how_many = sa.func.sum(PublishedCount.count)
    rows = db.session.execute(
        sa.select(year, PublishedCount.kind, PublishedCount.outcome, how_many)
        .join(Meeting, Meeting.id == PublishedCount.meeting_id)
        .where(Meeting.scheme_id == scheme_id)
        .group_by(year, PublishedCount.kind, PublishedCount.outcome)
        .having(how_many > 0)
    )
    return (
        (int(y), kind, outcome if outcome != NO_OUTCOME else None, int(count))
        for y, kind, outcome, count in rows
    )
