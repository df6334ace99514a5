"""Who moves a drafted fiche through its states, and who records the comité's decisions."""

from consult.core.security import is_staff
from consult.schemes.models import FICHE_TRANSITIONS, Fiche, WorkingGroup
from consult.workgroups.permissions import LEADS, membership

# Moves only the Département's team may record: the comité de pilotage's decisions.
COMMITTEE_MOVES = {("proposee", "validee"), ("validee", "adoptee"), ("validee", "proposee")}


def can_record_committee_decisions(user) -> bool:
    """The Département's team writes down what the comité de pilotage decided."""
    return is_staff(user)


def can_move_fiche(group: WorkingGroup, user) -> bool:
    """Who may change a fiche's state at all: the group's pilots and the team."""
    if is_staff(user):
        return True
    member = membership(group, user)
    return member is not None and member.role in LEADS


def is_committee_move(fiche: Fiche, target: str) -> bool:
    """Whether moving the fiche to ``target`` is a decision of the comité de pilotage."""
    return (fiche.status, target) in COMMITTEE_MOVES


def allowed_targets(fiche: Fiche, group: WorkingGroup, user) -> list[str]:
    """The states the user may move the fiche to, in order."""
    targets = FICHE_TRANSITIONS.get(fiche.status, ())
    if can_record_committee_decisions(user):
        return list(targets)
    if not can_move_fiche(group, user):
        return []
    return [t for t in targets if not is_committee_move(fiche, t)]
