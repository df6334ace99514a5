"""« Fusionner tous les identiques »: a meeting's word-for-word duplicates merged at once."""

from datetime import datetime

from consult.contributions.importing import identical_groups
from consult.moderation import services


def merge_identical(meeting, *, actor, now: datetime) -> tuple[int, int]:
    """Merge every group of identical contributions of ``meeting`` into its first one.

    Each group goes through :func:`consult.moderation.services.merge` (recorded in
    the audit trail, supports added up). Sending it twice merges nothing more.

    :returns: (groups merged, contributions merged into another).
    :raises services.ModerationError: as ``merge`` does.
    """
    groups = identical_groups(meeting.id)
    for group in groups:
        services.merge(group[0], group[1:], actor=actor, now=now)
    return len(groups), sum(len(group) - 1 for group in groups)
