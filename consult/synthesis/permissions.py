"""Who may define syntheses and read their versions."""

from consult.core.security import STAFF
from consult.workgroups.services import is_shared_with


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
