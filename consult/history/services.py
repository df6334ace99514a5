"""Write and read a contribution's audit trail (tagging, moderation and privacy write to it)."""

import sqlalchemy as sa
from blinker import Namespace

from consult.contributions.models import Contribution
from consult.extensions import db
from consult.history.models import ModerationEvent

# Sent for every change recorded in the audit trail (publish, reject, mask, withdraw…):
# later domains (stored synthesis documents) subscribe instead of being imported here.
contribution_changed = Namespace().signal("contribution-changed")
# Sent with the contribution at each snapshot: a domain above that keeps more of a
# contribution (tagging: its tags) returns a dict of what the trail keeps of it.
snapshot_taken = Namespace().signal("snapshot-taken")


def snapshot(contribution: Contribution) -> dict:
    """What the audit trail keeps of a contribution, before and after each change."""
    kept = {
        "status": contribution.status,
        "body": contribution.body,
        "support_count": contribution.support_count,
        "rejection_reason": contribution.rejection_reason,
        "rejection_note": contribution.rejection_note,
        "merged_into_id": contribution.merged_into_id,
        "weight": contribution.weight,
    }
    for _, more in snapshot_taken.send(contribution):
        kept.update(more)
    return kept


def record(contribution, actor, action, before, *, reason="", now) -> ModerationEvent:
    """Add one event to the audit trail (``before`` from :func:`snapshot`)."""
    event = ModerationEvent(
        contribution_id=contribution.id if contribution else None,
        actor_id=actor.id if actor else None,
        action=action,
        before=before,
        after=snapshot(contribution) if contribution else {},
        reason=reason,
        at=now,
    )
    db.session.add(event)
    contribution_changed.send(contribution, action=action)
    return event


def history(contribution: Contribution) -> list[ModerationEvent]:
    """Every decision about a contribution, oldest first."""
    return db.session.scalars(
        sa.select(ModerationEvent)
        .where(ModerationEvent.contribution_id == contribution.id)
        .order_by(ModerationEvent.at, ModerationEvent.id)
    ).all()
