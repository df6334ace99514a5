"""Who may see, run and close a meeting: role × status matrix."""

from types import SimpleNamespace

import pytest
from flask_login import AnonymousUserMixin

from consult.meetings.models import STATUSES, Meeting
from consult.meetings.permissions import (
    can_close_meeting,
    can_create_meeting,
    can_edit_meeting,
    can_manage_meeting,
    can_record_attendance,
    can_view_join_code,
    can_view_meeting,
)

ROLES = ("anonymous", "participant", "partner", "member", "facilitator", "admin")
EVERYONE = frozenset(ROLES)
STAFF = frozenset({"facilitator", "admin"})
NOBODY = frozenset()

# For each permission and meeting status: the roles that are allowed.
EXPECTED = {
    can_view_meeting: {"draft": STAFF, "open": EVERYONE, "closed": EVERYONE, "archived": EVERYONE},
    can_manage_meeting: {"draft": STAFF, "open": STAFF, "closed": STAFF, "archived": STAFF},
    can_edit_meeting: {"draft": STAFF, "open": STAFF, "closed": STAFF, "archived": NOBODY},
    can_record_attendance: {"draft": NOBODY, "open": STAFF, "closed": STAFF, "archived": NOBODY},
    can_close_meeting: {"draft": NOBODY, "open": STAFF, "closed": NOBODY, "archived": NOBODY},
    can_view_join_code: {"draft": STAFF, "open": EVERYONE, "closed": STAFF, "archived": STAFF},
}


def _user(role: str):
    if role == "anonymous":
        return AnonymousUserMixin()
    return SimpleNamespace(is_authenticated=True, role=role)


@pytest.mark.parametrize("permission", list(EXPECTED), ids=lambda f: f.__name__)
@pytest.mark.parametrize("status", list(STATUSES))
@pytest.mark.parametrize("role", ROLES)
def test_meeting_permission_matrix(permission, status, role):
    allowed = role in EXPECTED[permission][status]
    assert permission(_user(role), Meeting(status=status)) is allowed


@pytest.mark.parametrize("role", ROLES)
def test_only_facilitators_and_admins_create_meetings(role):
    assert can_create_meeting(_user(role)) is (role in STAFF)
