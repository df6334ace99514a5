"""A facilitator runs a meeting: create, open, join on a phone, live wall, close."""

import re
import secrets

import pytest

from tests.browser.conftest import JOB_DONE_MS, check_a11y, login_as, press_for_a_job

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
WALL_BODY = 'Des <b>navettes</b> le soir & le week-end "pour tous"'
EASY_BODY = "Je veux voir mon fils plus souvent."


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
    page.check("#publish_immediately")
    page.click("button:has-text('Créer la rencontre')")
    page.wait_for_url(re.compile(r"/rencontres/\d+/gestion$"))
    meeting_id = int(re.search(r"/rencontres/(\d+)/gestion", page.url).group(1))
    assert "En préparation" in page.inner_text(".facts")
    check_a11y(page)
    page.click("button:has-text('Ouvrir la rencontre aux contributions')")
    page.wait_for_selector("text=maintenant « ouverte aux contributions »")
    check_a11y(page)
    return meeting_id, page.inner_text(".join-code").strip()


def _contribute_on_phone(mobile) -> str:
    """The standard form, with the thumb: returns the receipt code."""
    mobile.fill("#body", WALL_BODY)
    mobile.check("input[name=kind][value=proposition]")
    mobile.check("input[name=author_type][value=proche_aidant]")
    mobile.fill("#pseudonym", "Jo")
    mobile.check("#consent")
    # The test server makes the contribution's tag suggestions in the POST (JOBS_INLINE):
    # on a busy machine its answer, the receipt, can come after an action's timeout.
    press_for_a_job(mobile, "button:has-text('Envoyer ma contribution')")
    mobile.wait_for_selector(".receipt__code", timeout=JOB_DONE_MS)  # the POST's answer
    check_a11y(mobile)
    receipt = mobile.inner_text(".receipt__code [aria-hidden=true]").strip()
    assert re.fullmatch(r"[A-Z0-9]{5}-[A-Z0-9]{5}", receipt)
    assert "déjà visible" in mobile.inner_text("main")
    return receipt


def _contribute_easy_read(mobile, meeting_id: int) -> None:
    """The easy-read form: one question per screen, big buttons, a recap before sending."""
    mobile.goto(f"/rencontres/{meeting_id}/contribuer/facile")
    check_a11y(mobile)
    mobile.click("text=Je suis aidé par le Département")
    mobile.click("button:has-text('Suivant')")
    assert "Étape 2 sur 5" in mobile.inner_text("main")
    mobile.click("button:has-text('Suivant')")  # nothing chosen: the question stays
    assert "Choisissez une réponse" in mobile.inner_text("main")
    check_a11y(mobile)
    mobile.click("text=J'ai une idée")
    mobile.click("button:has-text('Suivant')")
    check_a11y(mobile)
    mobile.fill("#body", EASY_BODY)
    mobile.click("button:has-text('Suivant')")
    mobile.click("button:has-text('Suivant')")  # no first name: that is fine
    assert EASY_BODY in mobile.inner_text(".recap")
    check_a11y(mobile)
    mobile.check("#consent")
    mobile.click("button:has-text('Envoyer mon avis')")
    mobile.wait_for_selector("text=Nous avons bien reçu votre avis.")  # stays easy-read
    assert EASY_BODY in mobile.inner_text("main")


def test_facilitator_runs_a_meeting_from_creation_to_closing(browser, page, live_server):
    meeting_id, code = _create_and_open(page, live_server)
    assert re.fullmatch(r"[A-Z0-9]{6}", code)

    page.goto(f"/rencontres/{meeting_id}/affiche")
    assert code in page.inner_text(".poster__code")
    assert page.locator("img.poster__qr").evaluate("img => img.naturalWidth") > 0
    check_a11y(page)

    # The room's projector shows the live wall; a participant joins on a phone.
    page.goto(f"/rencontres/{meeting_id}/mur")
    check_a11y(page)
    page.evaluate("window.wallMarker = 'same page'")
    phone = browser.new_context(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        locale="fr-FR",
        base_url=live_server.base_url,
    )
    mobile = phone.new_page()
    mobile.set_default_timeout(30_000)
    mobile.goto("/rejoindre?code=NOPE22")
    assert "Aucune rencontre ouverte" in mobile.inner_text("main")
    check_a11y(mobile)
    mobile.goto("/rejoindre")
    check_a11y(mobile)
    assert mobile.get_attribute("#code", "autocapitalize") == "characters"
    mobile.fill("#code", f"{code[:3].lower()} {code[3:].lower()}")
    mobile.click("button:has-text('Participer')")
    mobile.wait_for_url(live_server.url(f"/rencontres/{meeting_id}/contribuer"))
    check_a11y(mobile)
    receipt = _contribute_on_phone(mobile)
    _contribute_easy_read(mobile, meeting_id)

    # Both contributions reach the wall without a reload, as text, never as markup.
    for text in (WALL_BODY, EASY_BODY):
        item = page.locator(".wall-item", has_text=text.split("<")[0])
        item.wait_for()  # the wall polls: wait for the state, not a clock
    assert page.locator(".wall-item b").count() == 0
    assert page.evaluate("window.wallMarker") == "same page"
    assert "nouvelle contribution" in page.inner_text("#wall-status")
    check_a11y(page)

    # Later, the participant follows the contribution with the receipt code.
    mobile.goto("/suivi")
    mobile.fill("#code", receipt.lower())
    mobile.click("button:has-text('Voir ma contribution')")
    assert "Publiée" in mobile.inner_text(".tracked")
    check_a11y(mobile)
    phone.close()

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
