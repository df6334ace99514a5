"""Issue 12 #17: dropping cookies cannot inflate anonymous supports and reports.

Each fresh browser used to count as a new supporter (25 supports in seconds
pushed a quote to the top of a synthesis). They are now bounded per source,
the client address as the rate limiter sees it, as well as per browser.
"""

import pytest
from limits import parse_many

from consult.contributions.models import Report
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.usefixtures("limits_on")
ATTEMPTS = 25


def _bound(app, setting: str) -> int:
    return min(item.amount for item in parse_many(app.config[setting]))


def _fresh_browser(app, address="203.0.113.7"):
    """A new browser (no cookie) behind the same client address."""
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = address
    return browser


def test_supports_from_fresh_browsers_are_bounded_per_address(app, db, make_contribution):
    contribution = make_contribution(status="published")
    db.session.commit()
    url = f"/contributions/{contribution.id}/soutenir"
    answers = [_fresh_browser(app).post(url, follow_redirects=True) for _ in range(ATTEMPTS)]
    db.session.refresh(contribution)
    bound = _bound(app, "ANON_SUPPORT_LIMIT_SOURCE")
    assert bound < ATTEMPTS
    assert contribution.support_count == bound
    assert "connexion" in answers[-1].text
    _fresh_browser(app, "198.51.100.9").post(url)  # another place still counts
    db.session.refresh(contribution)
    assert contribution.support_count == bound + 1


def test_reports_from_fresh_browsers_are_bounded_per_address(app, db, make_contribution, count):
    contribution = make_contribution(status="published")
    db.session.commit()
    url = f"/contributions/{contribution.id}/signaler"
    for _ in range(ATTEMPTS):
        _fresh_browser(app).post(url, data={"reason": "hors_sujet"})
    bound = _bound(app, "ANON_REPORT_LIMIT_SOURCE")
    assert bound < ATTEMPTS
    assert count(Report, Report.contribution_id == contribution.id) == bound


def test_signed_in_supporters_are_not_bounded_by_address(
    app, db, make_contribution, make_user, monkeypatch
):
    contribution = make_contribution(status="published")
    users = [make_user(role="participant") for _ in range(3)]
    db.session.commit()
    monkeypatch.setitem(app.config, "ANON_SUPPORT_LIMIT_SOURCE", "1 per day")
    for user in users:
        browser = _fresh_browser(app)
        browser.post("/connexion", data={"email": user.email, "password": DEFAULT_PASSWORD})
        browser.post(f"/contributions/{contribution.id}/soutenir")
    db.session.refresh(contribution)
    assert contribution.support_count == 3
