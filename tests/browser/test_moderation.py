"""A moderator works through a queue with the keyboard alone."""

import re

import pytest
import sqlalchemy as sa

from consult.contributions.models import Contribution
from consult.contributions.services import Draft, submit_contribution
from consult.core.db import utcnow
from consult.extensions import db
from consult.tagging.models import ContributionTag
from consult.tagging.services import build_suggesters, store_suggestions
from tests.browser.conftest import add_open_meeting, check_a11y, login_as

pytestmark = pytest.mark.browser

TEXTS = {
    "publish": "Il faudrait plus de places en crèche pour les parents qui travaillent tôt",
    "reject": "Le match de foot de dimanche était vraiment nul",
    "phone": "Je suis aidante, rappelez-moi au 06 12 34 56 78 pour l'accueil de jour en EHPAD",
    "keep": "Il manque des transports en commun le soir pour aller travailler en Maurienne",
    "twin": "Pas de transports en commun le soir en Maurienne pour aller travailler",
}


def _queue(live_server) -> tuple[int, dict[str, int]]:
    """An open meeting with five pending contributions and their suggestions."""
    with live_server.app.app_context():
        meeting = add_open_meeting("Concertation à modérer")
        ids = {}
        for key, text in TEXTS.items():
            contribution, _ = submit_contribution(
                meeting, Draft(body=text), now=utcnow(), suggest=False
            )
            ids[key] = contribution.id
        suggesters = build_suggesters(meeting.scheme)
        for contribution_id in ids.values():
            store_suggestions(
                db.session.get(Contribution, contribution_id), suggesters, now=utcnow()
            )
        db.session.commit()
        return meeting.id, ids


def _state(live_server, contribution_id: int) -> tuple[Contribution, list[ContributionTag]]:
    with live_server.app.app_context():
        contribution = db.session.get(Contribution, contribution_id)
        tags = db.session.scalars(
            sa.select(ContributionTag).where(ContributionTag.contribution_id == contribution_id)
        ).all()
        db.session.expunge_all()
        return contribution, tags


def _shortcuts_ready(page) -> None:
    """The shortcuts script is deferred: a key pressed before it runs does nothing."""
    page.wait_for_selector("html[data-shortcuts=ready]", state="attached")


def _on(page, contribution_id: int) -> None:
    page.wait_for_url(re.compile(rf"/moderation/{contribution_id}(\?|$)"))
    _shortcuts_ready(page)


def test_moderator_processes_the_queue_with_the_keyboard_only(page, live_server):
    meeting_id, ids = _queue(live_server)
    login_as(page, live_server, "animateur")
    page.goto(f"/moderation/?statut=pending&rencontre={meeting_id}")
    check_a11y(page)
    _shortcuts_ready(page)
    page.locator("body").focus()
    page.keyboard.press("j")  # first line of the queue
    assert TEXTS["publish"][:40] in page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")
    _on(page, ids["publish"])
    check_a11y(page)

    page.keyboard.press("p")  # publish, then the next contribution opens
    _on(page, ids["reject"])
    assert "publiée" in page.inner_text(".flashes")

    page.keyboard.press("r")  # the reason list takes the focus
    assert page.evaluate("document.activeElement.name") == "reason"
    page.keyboard.press("h")  # « Hors sujet »
    page.keyboard.press("Tab")
    page.keyboard.type("Sans rapport avec les solidarités")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # « Rejeter »
    _on(page, ids["phone"])

    assert "06 12 34 56 78" in page.inner_text("mark")
    page.keyboard.press("m")  # mask the phone number; the same contribution stays open
    page.wait_for_selector("text=Données personnelles masquées")
    _shortcuts_ready(page)
    assert "06 12 34 56 78" not in page.inner_text("#texte")
    check_a11y(page)
    first_suggestion = page.inner_text(".suggestions li:first-child .suggestion__label")
    page.keyboard.press("1")  # accept the best suggestion
    page.wait_for_selector("text=Suggestion acceptée")
    _shortcuts_ready(page)
    assert first_suggestion in page.inner_text(".tag-list")
    page.keyboard.press("p")
    _on(page, ids["keep"])

    page.keyboard.press("f")  # the first similar contribution's box
    assert page.evaluate("document.activeElement.value") == str(ids["twin"])
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # « Fusionner les contributions cochées »
    page.wait_for_selector("text=fusionnée(s) dans la n°")
    check_a11y(page)

    published, _ = _state(live_server, ids["publish"])
    rejected, _ = _state(live_server, ids["reject"])
    masked, tags = _state(live_server, ids["phone"])
    twin, _ = _state(live_server, ids["twin"])
    assert published.status == "published"
    assert (rejected.status, rejected.rejection_reason) == ("rejected", "hors_sujet")
    assert rejected.rejection_note == "Sans rapport avec les solidarités"
    assert masked.status == "published"
    assert "06 12 34 56 78" not in masked.body
    assert [t.from_suggestion for t in tags] == [True]
    assert (twin.status, twin.merged_into_id) == ("merged", ids["keep"])
