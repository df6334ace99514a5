"""Who prepares the annual reports and who reads a draft one."""

from types import SimpleNamespace

import pytest
from flask_login import AnonymousUserMixin

from consult.reports.permissions import can_manage_reports, can_read_report


@pytest.mark.parametrize(
    ("role", "manages"),
    [("admin", True), ("facilitator", True), ("partner", False), ("participant", False)],
)
def test_the_team_manages_and_reads_drafts(db, make_user, role, manages):
    user = make_user(role=role)
    assert can_manage_reports(user) is manages
    assert can_read_report(user, SimpleNamespace(status="draft")) is manages
    assert can_read_report(user, SimpleNamespace(status="published"))


def test_a_visitor_reads_only_published_reports():
    visitor = AnonymousUserMixin()
    assert not can_manage_reports(visitor)
    assert not can_read_report(visitor, SimpleNamespace(status="draft"))
    assert can_read_report(visitor, SimpleNamespace(status="published"))
