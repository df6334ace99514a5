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
    page.wait_for_selector("text=fusionnée dans la n°")
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


PHONE = {"width": 375, "height": 740}
WIDE = {"width": 1280, "height": 900}


def _tag_with_a_theme(live_server, contribution_id: int) -> tuple[int, str]:
    """Tag a contribution with its scheme's first theme: that theme's number and title."""
    with live_server.app.app_context():
        contribution = db.session.get(Contribution, contribution_id)
        theme = contribution.meeting.scheme.themes[0]
        db.session.add(ContributionTag(contribution_id=contribution_id, theme_id=theme.id))
        db.session.commit()
        return theme.number, theme.title


def _targets_under_44_px(page) -> list[str]:
    """The queue rows' links, buttons and tick boxes smaller than a 44 px touch target."""
    return page.evaluate(
        """() => [...document.querySelectorAll('table.queue tbody :is(a, button, label.pick)')]
            .filter(e => e.offsetParent !== null)
            .filter(e => { const r = e.getBoundingClientRect();
                           return Math.round(r.width) < 44 || Math.round(r.height) < 44; })
            .map(e => e.outerHTML.slice(0, 80))"""
    )


def _queue_box_scrolls(page) -> bool:
    return page.evaluate(
        """() => { const box = document.querySelector('table.queue').parentNode;
                   return box.scrollWidth > box.clientWidth + 1; }"""
    )


def test_the_queue_reads_as_cards_on_a_phone_and_keeps_its_columns_on_a_wide_screen(
    page, live_server
):
    """At 375 px the queue kept its seven columns and scrolled sideways (« tout cocher »
    in its header kept it from the row-by-row reading of the other tables)."""
    meeting_id, ids = _queue(live_server)
    number, title = _tag_with_a_theme(live_server, ids["keep"])
    login_as(page, live_server, "animateur")
    page.set_viewport_size(PHONE)
    page.goto(f"/moderation/?statut=pending&rencontre={meeting_id}")
    queue = page.locator("table.queue")
    queue.and_(page.locator(".table-stack")).wait_for()
    assert not _queue_box_scrolls(page)
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    assert _targets_under_44_px(page) == []
    rows = queue.locator("tbody tr")
    assert rows.count() == len(TEXTS)
    row = rows.filter(has_text=TEXTS["keep"][:30])
    state = row.get_by_role("cell").nth(4)
    assert state.get_attribute("data-label") == "État"
    assert "État" in state.evaluate("cell => getComputedStyle(cell, '::before').content")
    for cell in row.get_by_role("cell").all():  # each line of the card fits the screen
        box = cell.bounding_box()
        assert 0 <= box["x"] <= box["x"] + box["width"] <= PHONE["width"]
    # Its tag says its theme in full, to the eye and to a screen reader.
    chip = row.locator(".queue__tags li")
    assert chip.locator("[aria-hidden=true]").inner_text() == f"T {number} {title}"
    heard = chip.aria_snapshot()  # - listitem: "Thématique 1 : …", « T 1 » not heard
    assert f"Thématique {number} : {title}" in heard
    assert f"T {number}" not in heard
    # « Tout cocher » is still there, above the cards, and ticks every one.
    page.get_by_label("Tout cocher sur cette page").check()
    assert queue.locator("input[name=ids]:checked").count() == len(TEXTS)
    check_a11y(page)

    page.set_viewport_size(WIDE)
    page.wait_for_function("() => !document.querySelector('table.table-stack')")
    assert not _queue_box_scrolls(page)
    assert queue.locator("thead th").count() == 7
    assert queue.locator("thead").is_visible()
    assert queue.get_by_role("columnheader", name="Étiquettes").is_visible()
    assert page.get_by_label("Tout cocher sur cette page").is_visible()
    assert _targets_under_44_px(page) == []
    check_a11y(page)
