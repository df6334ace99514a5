"""Who may contribute, record on someone's behalf, import and support."""

from consult.core.security import is_staff


def can_record_for_others(user, meeting) -> bool:
    """Facilitators type in what was said in the room or written on paper."""
    return is_staff(user) and meeting.status == "open"


def can_import(user, meeting) -> bool:
    """Facilitators import paper forms typed in a spreadsheet, into an open meeting."""
    return is_staff(user) and meeting.status == "open"


def can_support(user, contribution) -> bool:
    """Published contributions can be supported while their meeting is not archived."""
    return contribution.status == "published" and contribution.meeting.status != "archived"
