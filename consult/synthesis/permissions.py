"""Who may define syntheses and read their versions."""

STAFF = ("admin", "facilitator")
# Working-group members and partner pilots read what is shared with the groups.
GROUP_READERS = (*STAFF, "member", "partner")


def _role(user) -> str | None:
    return user.role if user.is_authenticated else None


def can_manage(user) -> bool:
    """Administrators and facilitators define, generate, write and share syntheses."""
    return _role(user) in STAFF


def can_read_version(user, version) -> bool:
    """Drafts: the team; shared: the working groups too; published: everyone."""
    if version.status == "published":
        return True
    if version.status == "shared":
        return _role(user) in GROUP_READERS
    return can_manage(user)
