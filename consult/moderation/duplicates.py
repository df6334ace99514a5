"""Near-duplicates offered for merge: per meeting, and for one contribution."""

from dataclasses import dataclass

import numpy as np
import sqlalchemy as sa
from sklearn.metrics.pairwise import cosine_similarity

from consult.analysis.similarity import near_duplicates, vectorise
from consult.contributions.models import Contribution
from consult.extensions import db

MERGEABLE = ("pending", "published")
MAX_COMPARED = 5000  # a meeting at a time: near_duplicates is quadratic in memory
SIMILAR_MINIMUM = 0.3


@dataclass
class Group:
    """Contributions saying the same thing, and why they were grouped."""

    contributions: list[Contribution]
    score: float
    reason: str


def _candidates(meeting_id: int, limit: int = MAX_COMPARED) -> list[Contribution]:
    return db.session.scalars(
        sa.select(Contribution)
        .where(Contribution.meeting_id == meeting_id, Contribution.status.in_(MERGEABLE))
        .order_by(Contribution.id)
        .limit(limit)
    ).all()


def duplicate_groups(meeting_id: int) -> list[Group]:
    """Groups of a meeting's contributions to offer for merge, biggest first."""
    contributions = _candidates(meeting_id)
    groups = near_duplicates([c.body for c in contributions])
    found = [Group([contributions[i] for i in g.members], g.score, g.reason) for g in groups]
    return sorted(found, key=lambda g: (-len(g.contributions), -g.score))


def similar_to(contribution: Contribution, limit: int = 5) -> list[tuple[Contribution, float]]:
    """The meeting's contributions closest to this one (cosine of TF-IDF vectors)."""
    others = [c for c in _candidates(contribution.meeting_id) if c.id != contribution.id]
    if not others:
        return []
    try:
        matrix, _ = vectorise([contribution.body] + [c.body for c in others])
    except ValueError:  # nothing but stop words: nothing to compare
        return []
    scores = cosine_similarity(matrix[0], matrix[1:]).ravel()
    best = np.argsort(-scores)[:limit]
    return [(others[i], float(scores[i])) for i in best if scores[i] >= SIMILAR_MINIMUM]
