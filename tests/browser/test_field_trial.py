"""What a first field trial found (issue 16): keyboard, decision forms, phone layout."""

import re

import pytest
import sqlalchemy as sa

from consult.accounts.models import User
from consult.contributions.models import Contribution
from consult.contributions.services import Draft, submit_contribution
from consult.core.db import utcnow
from consult.extensions import db
from consult.workgroups.models import Membership
from tests.browser.conftest import add_open_meeting, check_a11y, login_as

pytestmark = pytest.mark.browser

PENDING = "Il faudrait un accueil de jour le samedi pour les personnes âgées"


def _pending_contribution(live_server) -> int:
    with live_server.app.app_context():
        meeting = add_open_meeting("Concertation à corriger")
        contribution, _ = submit_contribution(
            meeting, Draft(body=PENDING), now=utcnow(), suggest=False
        )
        db.session.commit()
        return contribution.id


def _status(live_server, contribution_id: int) -> tuple[str, str]:
    with live_server.app.app_context():
        contribution = db.session.get(Contribution, contribution_id)
        return contribution.status, contribution.body


def test_correcting_focuses_the_text_and_letters_typed_are_text(page, live_server):
    """Item 6: `e` puts the caret in the text box; `p` typed there does not publish."""
    contribution_id = _pending_contribution(live_server)
    login_as(page, live_server, "animateur")
    page.goto(f"/moderation/{contribution_id}")
    page.locator("body").focus()
    page.keyboard.press("e")
    assert page.evaluate("document.activeElement.tagName") == "TEXTAREA"
    assert page.evaluate("document.activeElement.name") == "body"
    page.keyboard.type(" pour")  # p would publish if shortcuts acted while typing
    assert page.input_value("textarea[name=body]").endswith(" pour")
    assert re.search(rf"/moderation/{contribution_id}(\?|$)", page.url)
    assert _status(live_server, contribution_id) == ("pending", PENDING)
    page.keyboard.press("Escape")  # out of the field, shortcuts work again
    page.keyboard.press("p")
    page.wait_for_url(lambda url: not re.search(rf"/moderation/{contribution_id}(\?|$)", url))
    assert _status(live_server, contribution_id)[0] == "published"


def _group_of(live_server, email: str) -> int:
    with live_server.app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        return db.session.scalar(
            sa.select(Membership.working_group_id).where(Membership.user_id == user.id)
        )


def test_decision_form_offers_only_the_chosen_fiche_actions(page, live_server):
    """Items 5 and 15: the action list follows the fiche; radios are styled."""
    group_id = _group_of(live_server, "membre@demo.consult.fr")
    login_as(page, live_server, "membre")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/groupes/{group_id}/decisions?filtre=toutes")
    form = page.locator("form.decision-form").first
    fiche = form.locator("select[name=fiche_id]")
    action = form.locator("select[name=action_id]")
    # Before a fiche is chosen, no fiche's action is offered.
    assert action.locator("optgroup").count() == 0
    offered = {}
    for value in fiche.locator("option").evaluate_all("o => o.map(x => x.value)"):
        fiche.select_option(value)
        groups = action.locator("optgroup").evaluate_all("g => g.map(x => x.dataset.fiche)")
        assert set(groups) <= {value}
        offered[value] = action.locator("option").count() - 1
    assert offered["0"] == 0
    assert max(offered.values()) >= 2  # some fiche has actions, and only its own are listed
    radio = form.locator("input[name=outcome]").first
    assert radio.evaluate("r => getComputedStyle(r).width") == "24px"
    bullets = form.locator(".choices__list").first
    assert bullets.evaluate("l => getComputedStyle(l).listStyleType") == "none"
    check_a11y(page)
