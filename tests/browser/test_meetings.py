"""A facilitator runs a meeting: create, open, join on a phone, live wall, close."""

import re
import secrets

import pytest

from consult.contributions.models import Contribution
from consult.core.db import utcnow
from consult.extensions import db
from tests.browser.conftest import check_a11y, login_as

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
WALL_BODY = 'Des <b>navettes</b> le soir & le week-end "pour tous"'


def _create_and_open(page, live_server) -> tuple[int, str]:
    """The facilitator creates a meeting, opens it; returns its id and join code."""
    login_as(page, live_server, "animateur")
    page.goto("/rencontres/")
    check_a11y(page)
    page.click("text=Nouvelle rencontre")
    check_a11y(page)
    page.select_option("#kind", "universite_sociale")
    page.fill("#title", f"Université sociale {secrets.token_hex(3)}")
    page.fill("#held_on", "2026-03-12")
    page.fill("#place", "Salle polyvalente, Chambéry")
    page.locator("input[name=theme_ids]").first.check()
    page.fill("#user_groups", "Personnes âgées\nParents d'enfants confiés")
    page.click("button:has-text('Créer la rencontre')")
    page.wait_for_url(re.compile(r"/rencontres/\d+/gestion$"))
    meeting_id = int(re.search(r"/rencontres/(\d+)/gestion", page.url).group(1))
    assert "En préparation" in page.inner_text(".facts")
    check_a11y(page)
    page.click("button:has-text('Ouvrir la rencontre aux contributions')")
    page.wait_for_selector("text=maintenant « ouverte aux contributions »")
    check_a11y(page)
    return meeting_id, page.inner_text(".join-code").strip()


def _publish(live_server, meeting_id: int) -> int:
    """A contribution published in the live server's database (as moderation would)."""
    with live_server.app.app_context():
        contribution = Contribution(
            meeting_id=meeting_id,
            body=WALL_BODY,
            kind="proposition",
            status="published",
            published_at=utcnow(),
        )
        db.session.add(contribution)
        db.session.commit()
        return contribution.id


def test_facilitator_runs_a_meeting_from_creation_to_closing(browser, page, live_server):
    meeting_id, code = _create_and_open(page, live_server)
    assert re.fullmatch(r"[A-Z0-9]{6}", code)

    page.goto(f"/rencontres/{meeting_id}/affiche")
    assert code in page.inner_text(".poster__code")
    assert page.locator("img.poster__qr").evaluate("img => img.naturalWidth") > 0
    check_a11y(page)

    # A participant types the code on a phone, in lower case with a space.
    phone = browser.new_context(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        locale="fr-FR",
        base_url=live_server.base_url,
    )
    mobile = phone.new_page()
    mobile.goto("/rejoindre?code=NOPE22")
    assert "Aucune rencontre ouverte" in mobile.inner_text("main")
    check_a11y(mobile)
    mobile.goto("/rejoindre")
    check_a11y(mobile)
    assert mobile.get_attribute("#code", "autocapitalize") == "characters"
    mobile.fill("#code", f"{code[:3].lower()} {code[3:].lower()}")
    with mobile.expect_navigation() as navigation:
        mobile.click("button:has-text('Participer')")
    assert mobile.url == live_server.url(f"/rencontres/{meeting_id}/contribuer")
    if navigation.value.status == 200:  # the participant form may not be built yet (404)
        check_a11y(mobile)
    phone.close()

    # The live wall shows a newly published contribution without reloading.
    page.goto(f"/rencontres/{meeting_id}/mur")
    check_a11y(page)
    page.evaluate("window.wallMarker = 'same page'")
    with page.expect_response(re.compile(r"/mur\.json")):
        pass  # publish just after a poll: the next one comes 1.5 s later
    contribution_id = _publish(live_server, meeting_id)
    item = page.locator(f'.wall-item[data-id="{contribution_id}"]')
    item.wait_for(timeout=2_000)
    assert item.locator(".wall-item__body").inner_text() == WALL_BODY
    assert item.locator("b").count() == 0  # inserted as text, never as markup
    assert page.evaluate("window.wallMarker") == "same page"
    assert "nouvelle contribution" in page.inner_text("#wall-status")
    check_a11y(page)

    # Closing, with minutes and head counts, then the public page shows them.
    page.goto(f"/rencontres/{meeting_id}/gestion")
    page.fill("#cloture-minutes", "Trois priorités.\n\nLe transport, d'abord.")
    page.fill("#cloture-type_usagers", "-4")
    page.click("button:has-text('Clore la rencontre')")
    assert "La rencontre n'a pas été close" in page.inner_text("main")
    check_a11y(page)
    page.fill("#cloture-type_usagers", "31")
    page.fill("#cloture-type_professionnels", "9")
    page.fill("#cloture-group_1", "6")
    page.click("button:has-text('Clore la rencontre')")
    page.wait_for_selector("text=Rencontre close")
    check_a11y(page)
    page.goto(f"/rencontres/{meeting_id}")
    summary = page.inner_text("main")
    assert "Participants : 40 personnes" in summary
    assert "Groupe « Parents d'enfants confiés »" in summary
    assert "Le transport, d'abord." in summary
    check_a11y(page)
