"""Who may contribute, record on someone's behalf, import and support."""

from consult.core.security import STAFF


def can_record_for_others(user, meeting) -> bool:
    """Facilitators type in what was said in the room or written on paper."""
    return bool(user.is_authenticated and user.role in STAFF and meeting.status == "open")


def can_import(user, meeting) -> bool:
    """Facilitators import paper forms typed in a spreadsheet, into an open meeting."""
    return bool(user.is_authenticated and user.role in STAFF and meeting.status == "open")


def can_support(user, contribution) -> bool:
    """Published contributions can be supported while their meeting is not archived."""
    return contribution.status == "published" and contribution.meeting.status != "archived"
