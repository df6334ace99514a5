"""Who may see a meeting."""

STAFF = ("admin", "facilitator")


def can_view_meeting(user, meeting) -> bool:
    """Meetings in preparation are seen by administrators and facilitators only."""
    if meeting.status != "draft":
        return True
    return bool(user.is_authenticated and user.role in STAFF)
