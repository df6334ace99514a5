"""Who may see, run and close a meeting."""

import sqlalchemy as sa

from consult.core.security import is_staff
from consult.meetings.models import Meeting


def can_view_meeting(user, meeting) -> bool:
    """Meetings in preparation are seen by administrators and facilitators only."""
    if meeting.status != "draft":
        return True
    return is_staff(user)


def visible_meeting_clause(user):
    """:func:`can_view_meeting` as a query condition, for every list of meetings.

    Not even the members of a working group see its meetings in preparation.
    """
    return sa.true() if is_staff(user) else Meeting.status != "draft"


def can_create_meeting(user) -> bool:
    """Administrators and facilitators create meetings."""
    return is_staff(user)


def can_manage_meeting(user, meeting) -> bool:
    """Administrators and facilitators run meetings (management page, lifecycle)."""
    return is_staff(user)


def can_edit_meeting(user, meeting) -> bool:
    """Details can change until the meeting is archived (then it is frozen)."""
    return is_staff(user) and meeting.status != "archived"


def can_record_attendance(user, meeting) -> bool:
    """Head counts are taken during the meeting, and corrected after it closed."""
    return is_staff(user) and meeting.status in ("open", "closed")


def can_close_meeting(user, meeting) -> bool:
    """Only an open meeting is closed, with its minutes and head counts."""
    return is_staff(user) and meeting.status == "open"


def can_view_join_code(user, meeting) -> bool:
    """The code, QR code and poster lead to an open meeting; staff prepare them earlier."""
    return meeting.status == "open" or is_staff(user)


def can_edit_minutes(user, meeting) -> bool:
    """A closed meeting's minutes are corrected (an open one's go through closing)."""
    return is_staff(user) and meeting.status == "closed"
