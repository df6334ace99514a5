"""Near-duplicates and campaigns offered for merge: per meeting, and for one contribution."""

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import sqlalchemy as sa
from flask import current_app
from sklearn.metrics.pairwise import cosine_similarity

from consult.analysis.duplicates import find_campaigns, find_duplicates, vectorise
from consult.contributions.models import Contribution
from consult.extensions import db

MERGEABLE = ("pending", "published")
MAX_COMPARED = 5000  # a meeting at a time: find_duplicates is quadratic in memory
SIMILAR_MINIMUM = 0.25  # only listed, never checked: a facilitator decides


@dataclass
class Group:
    """Contributions saying the same thing, and why they were grouped."""

    contributions: list[Contribution]
    score: float
    reason: str
    shared: list[str] = field(default_factory=list)  # words and expressions in common


@dataclass
class CampaignCandidate:
    """Near-identical contributions sent together, to merge as one campaign."""

    contributions: list[Contribution]  # oldest first: the first one is kept
    first_at: datetime
    last_at: datetime

    @property
    def weight(self) -> int:
        return sum(c.weight for c in self.contributions)


def _candidates(meeting_id: int, limit: int = MAX_COMPARED) -> list[Contribution]:
    return db.session.scalars(
        sa.select(Contribution)
        .where(Contribution.meeting_id == meeting_id, Contribution.status.in_(MERGEABLE))
        .order_by(Contribution.id)
        .limit(limit)
    ).all()


def campaign_candidates(contributions: list[Contribution]) -> list[CampaignCandidate]:
    """Campaigns among ``contributions``: many near-identical texts sent together."""
    found = find_campaigns([c.body for c in contributions], [c.created_at for c in contributions])
    return [
        CampaignCandidate([contributions[i] for i in c.members], c.first_at, c.last_at)
        for c in found
    ]


def duplicate_groups(meeting_id: int) -> tuple[list[CampaignCandidate], list[Group]]:
    """A meeting's campaigns, then its other groups to offer for merge, biggest first.

    Copies that make a campaign are offered as the campaign, not again as a group.
    """
    contributions = _candidates(meeting_id)
    campaigns = campaign_candidates(contributions)
    in_campaign = {c.id for campaign in campaigns for c in campaign.contributions}
    groups = []
    for g in find_duplicates(
        [c.body for c in contributions], kinds=[c.kind for c in contributions]
    ):
        members = [contributions[i] for i in g.members if contributions[i].id not in in_campaign]
        if len(members) > 1:
            groups.append(Group(members, g.score, g.reason, g.shared))
    return campaigns, sorted(groups, key=lambda g: (-len(g.contributions), -g.score))


# Meeting id → (version, ids, TF-IDF rows): the review page is opened hundreds of times in
# a row on the same meeting; publishing keeps the candidates and their texts unchanged.
_vectors: dict[int, tuple[tuple, list[int], object]] = {}
MAX_CACHED_MEETINGS = 8


def _version(meeting_id: int) -> tuple:
    """Changes when a candidate comes, goes (rejected, merged) or has its text edited."""
    return tuple(
        db.session.execute(
            sa.select(
                sa.func.count(Contribution.id),
                sa.func.max(Contribution.id),
                sa.func.max(Contribution.edited_at),
            ).where(Contribution.meeting_id == meeting_id, Contribution.status.in_(MERGEABLE))
        ).one()
    )


def _meeting_vectors(meeting_id: int) -> tuple[list[int], object]:
    # Off with the other per-process caches (REFERENCE_CACHE_SECONDS = 0, as in tests).
    version = _version(meeting_id) if current_app.config.get("REFERENCE_CACHE_SECONDS") else None
    cached = _vectors.get(meeting_id)
    if version is None or cached is None or cached[0] != version:
        candidates = _candidates(meeting_id)
        matrix, _ = vectorise([c.body for c in candidates])
        cached = (version, [c.id for c in candidates], matrix)
        if version is not None:
            if len(_vectors) >= MAX_CACHED_MEETINGS:
                _vectors.pop(next(iter(_vectors)))
            _vectors[meeting_id] = cached
    return cached[1], cached[2]


def similar_to(contribution: Contribution, limit: int = 5) -> list[tuple[Contribution, float]]:
    """The meeting's contributions closest to this one (cosine of TF-IDF vectors)."""
    try:
        ids, matrix = _meeting_vectors(contribution.meeting_id)
    except ValueError:  # nothing but stop words: nothing to compare
        return []
    if contribution.id not in ids or len(ids) < 2:
        return []
    row = ids.index(contribution.id)
    scores = cosine_similarity(matrix[row], matrix).ravel()
    scores[row] = -1.0
    best = [i for i in np.argsort(-scores)[:limit] if scores[i] >= SIMILAR_MINIMUM]
    found = {
        c.id: c
        for c in db.session.scalars(
            sa.select(Contribution).where(Contribution.id.in_([ids[i] for i in best]))
        )
    }
    return [(found[ids[i]], float(scores[i])) for i in best if ids[i] in found]
