"""The answer to one contribution: the participant's receipt page, data export and account.

The decision recorded on the contribution, or on the one it was merged into; a fiche is
named only once it is public. The public pages of the droit de suite are
``consult.suite``.
"""

from dataclasses import dataclass

import sqlalchemy as sa

from consult.contributions.models import Contribution
from consult.extensions import db
from consult.schemes.models import PUBLIC_FICHE_STATUSES, Fiche
from consult.workgroups.models import RECEIPT_SENTENCES, Decision

# The same, in easy-to-read French (FALC): short words, one idea per sentence.
EASY_SENTENCES = {
    "retenue": "Le Département a lu votre idée. Il va la mettre en place.",
    "partiellement_retenue": (
        "Le Département a lu votre idée. Il va mettre en place une partie de votre idée."
    ),
    "non_retenue": (
        "Le Département a lu votre idée. Il ne va pas la mettre en place. "
        "Il explique pourquoi ci-dessous."
    ),
    "hors_champ": (
        "Le Département a lu votre idée. Ce n'est pas le Département qui peut agir. "
        "Il explique pourquoi ci-dessous."
    ),
}
WAITING = "Pas encore de réponse : les groupes de travail étudient les contributions."
WAITING_EASY = "Votre idée est en train d'être lue. Vous aurez une réponse plus tard."


# --- The participant's receipt ------------------------------------------------------------


@dataclass
class Answer:
    """What the receipt page says about a contribution's decision."""

    decision: Decision | None
    merged: bool = False  # the decision is the one on the contribution it was merged into

    @property
    def sentence(self) -> str:
        if self.decision is None:
            return WAITING
        return RECEIPT_SENTENCES.get(self.decision.outcome, self.decision.outcome_label)

    @property
    def easy(self) -> str:
        if self.decision is None:
            return WAITING_EASY
        return EASY_SENTENCES.get(self.decision.outcome, "")

    @property
    def public_fiche(self) -> Fiche | None:
        fiche = self.decision.fiche if self.decision else None
        return fiche if fiche is not None and fiche.status in PUBLIC_FICHE_STATUSES else None


MERGE_DEPTH = 5  # a merge chain longer than this is a data error: stop following it


def answer_for(contribution: Contribution) -> Answer:
    """The decision on the contribution, or on the one it was merged into."""
    decision = _decision_of(contribution.id)
    current, merged = contribution, False
    for _ in range(MERGE_DEPTH):
        if decision is not None or current.merged_into_id is None:
            break
        current, merged = db.session.get(Contribution, current.merged_into_id), True
        if current is None:
            break
        decision = _decision_of(current.id)
    return Answer(decision=decision, merged=merged and decision is not None)


def _decision_of(contribution_id: int) -> Decision | None:
    return db.session.scalar(sa.select(Decision).where(Decision.contribution_id == contribution_id))


def export_answer(contribution: Contribution) -> dict | None:
    """The decision, as the participant's data export (RGPD) writes it."""
    answer = answer_for(contribution)
    decision = answer.decision
    if decision is None:
        return None
    return {
        "reponse": decision.outcome_label,
        "motif": decision.reason or None,
        "fiche_action": f"{decision.fiche.number} : {decision.fiche.title}"
        if answer.public_fiche
        else None,
        "decidee_le": decision.decided_at.isoformat() if decision.decided_at else None,
        "decision_de_la_contribution_regroupee": answer.merged,
    }


def answers_for_author(user_id: int, limit: int = 50) -> list[tuple[Contribution, Answer]]:
    """An account holder's own contributions, newest first, each with its answer."""
    contributions = db.session.scalars(
        sa.select(Contribution)
        .where(Contribution.author_id == user_id)
        .order_by(Contribution.created_at.desc(), Contribution.id.desc())
        .limit(limit)
    ).all()
    return [(contribution, answer_for(contribution)) for contribution in contributions]
