"""Who may define syntheses and read their versions."""

import sqlalchemy as sa

from consult.core.security import STAFF
from consult.extensions import db
from consult.schemes.models import Membership
from consult.synthesis.models import GroupSynthesis


def _role(user) -> str | None:
    return user.role if user.is_authenticated else None


def can_manage(user) -> bool:
    """Administrators and facilitators define, generate, write and share syntheses."""
    return _role(user) in STAFF


def can_read_version(user, version) -> bool:
    """Drafts: the team; shared: the team and the groups it is shared with; published: all."""
    if version.status == "published":
        return True
    if version.status == "shared":
        return can_manage(user) or is_shared_with(version.synthesis_id, user)
    return can_manage(user)


def is_shared_with(synthesis_id: int, user) -> bool:
    """Whether the synthesis is shared with a group the user belongs to."""
    if not user.is_authenticated:
        return False
    return (
        db.session.scalar(
            sa.select(GroupSynthesis.synthesis_id)
            .join(Membership, Membership.working_group_id == GroupSynthesis.working_group_id)
            .where(GroupSynthesis.synthesis_id == synthesis_id, Membership.user_id == user.id)
            .limit(1)
        )
        is not None
    )
