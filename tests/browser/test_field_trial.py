"""What a first field trial found (issue 16): keyboard, decision forms, phone layout."""

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from consult.accounts.models import User
from consult.contributions.models import Contribution
from consult.contributions.services import Draft, submit_contribution
from consult.core.db import utcnow
from consult.extensions import db
from consult.meetings.models import Meeting
from consult.schemes.models import Membership
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
    # A contribution with no fiche chosen yet (the demo's answers retain some in a fiche).
    undecided = page.evaluate(
        "() => [...document.querySelectorAll('form.decision-form')]"
        ".findIndex(f => f.querySelector('select[name=fiche_id]').value === '0')"
    )
    assert undecided >= 0
    form = page.locator("form.decision-form").nth(undecided)
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


SHOTS = Path(__file__).resolve().parents[2] / "instance" / "screenshots"


def _shot(page, name: str, full_page: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def test_phone_menu_is_compact_and_works_with_the_keyboard(page, live_server):
    """Item 8: at 375 px the menu folds behind one button; at 1280 px it is all there."""
    page.set_viewport_size({"width": 375, "height": 667})
    page.goto("/")
    toggle = page.locator(".menu-toggle")
    assert toggle.is_visible()
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not page.locator(".main-nav").is_visible()
    header = page.locator(".site-header").bounding_box()
    assert header["height"] < 667 * 0.2
    _shot(page, "menu-375-closed")
    check_a11y(page)
    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.get_by_role("link", name="Rencontres", exact=True).is_visible()
    assert page.get_by_role("link", name="Se connecter").is_visible()
    _shot(page, "menu-375-open")
    check_a11y(page)
    page.keyboard.press("Tab")  # into the menu's first link
    assert page.evaluate("document.activeElement.closest('#site-menu') !== null")
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.classList.contains('menu-toggle')")

    page.set_viewport_size({"width": 1280, "height": 800})
    assert not toggle.is_visible()
    assert page.get_by_role("link", name="Rencontres", exact=True).is_visible()
    _shot(page, "menu-1280")


def test_menu_without_javascript_stays_open(browser, live_server):
    context = browser.new_context(
        java_script_enabled=False,
        base_url=live_server.base_url,
        viewport={"width": 375, "height": 667},
    )
    page = context.new_page()
    page.goto("/")
    assert not page.locator(".menu-toggle").is_visible()
    assert page.get_by_role("link", name="Rencontres", exact=True).is_visible()
    context.close()


def test_support_on_a_phone_confirms_next_to_the_contribution(page, live_server):
    """Item 9: after « Je soutiens » the thanks are on screen, by the contribution."""
    page.set_viewport_size({"width": 375, "height": 667})
    page.goto("/contributions/")
    card = page.locator("article.contribution").nth(4)
    card_id = card.get_attribute("id")
    card.get_by_role("button", name="Je soutiens").click()
    page.wait_for_url(re.compile(rf"/contributions/.*#{card_id}-confirmation$"))
    confirmation = page.locator(f"#{card_id}-confirmation")
    assert "soutien" in confirmation.inner_text()
    assert confirmation.is_visible()
    assert page.evaluate(f"document.activeElement.id === '{card_id}-confirmation'")
    box = confirmation.bounding_box()
    assert 0 < box["y"] < 667 - box["height"]  # on screen, not at the top of another page
    _shot(page, "support-375", full_page=False)  # what the participant sees
    check_a11y(page)


def _closed_meeting_code(live_server) -> str:
    with live_server.app.app_context():
        return db.session.scalar(
            sa.select(Meeting.join_code).where(Meeting.status == "closed").order_by(Meeting.id)
        )


@pytest.mark.parametrize("width", [375, 1280])
def test_closed_meeting_qr_code_shows_its_results(page, live_server, width):
    """Item 10: the QR code of a meeting that is over leads to what it produced."""
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"/r/{_closed_meeting_code(live_server)}")
    page.wait_for_url(re.compile(r"/rencontres/\d+/resultats$"))
    main = page.inner_text("main")
    assert "Cette rencontre est terminée" in main
    assert "Ce qui a été dit" in main
    assert "Ce qui a été décidé" in main
    assert "erreur" not in main.lower()
    _shot(page, f"results-{width}")
    check_a11y(page)


@pytest.mark.parametrize("width", [375, 1280])
def test_easy_read_receipt_and_follow_up_stay_easy_read(page, live_server, width):
    """Items 11 and 12: the easy-read receipt, its code card, and a follow-up link."""
    with live_server.app.app_context():
        meeting_id = add_open_meeting("Université sociale facile").id
        db.session.commit()
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"/rencontres/{meeting_id}/contribuer/facile")
    page.click("text=Je suis aidé par le Département")
    page.click("button:has-text('Suivant')")
    page.click("text=J'ai une idée")
    page.click("button:has-text('Suivant')")
    page.fill("#body", "Je voudrais un bus le dimanche pour voir ma fille")
    page.click("button:has-text('Suivant')")
    page.click("button:has-text('Suivant')")
    page.check("#consent")
    page.click("button:has-text('Envoyer mon avis')")
    page.wait_for_selector("text=Nous avons bien reçu votre avis.")  # the POST's answer
    main = page.inner_text("main")
    assert "Nous avons bien reçu votre avis." in main
    assert "Noter mon code" in main
    # Shown by the page's script once it has run (printing needs it): wait for it.
    page.get_by_role("button", name="Imprimer mon code").wait_for(state="visible")
    _shot(page, f"receipt-easy-{width}")
    check_a11y(page)
    page.click("text=Suivre mon avis")
    page.wait_for_url(re.compile(r"/suivi/[A-Z0-9]{5}-[A-Z0-9]{5}\?facile=1$"))
    main = page.inner_text("main")
    assert "L'équipe n'a pas encore lu votre avis" in main
    assert "JSON" not in main
    assert "À modérer" not in main
    assert "J'ai une idée" in main  # the words chosen, not « Proposition »
    assert "Proposition" not in main
    for radio in page.locator(".erase-form input[type=radio]").all():  # not squeezed
        assert radio.bounding_box()["width"] >= 20
    _shot(page, f"suivi-easy-{width}")
    check_a11y(page)
    page.goto("/")
    assert page.get_by_role("heading", name="Suivre ma contribution").is_visible()
    _shot(page, f"home-{width}")
    check_a11y(page)


def test_poster_prints_on_one_a4_page(page, live_server):
    """Item 13: a print button, the promises, the easy-read version; one A4 sheet."""
    with live_server.app.app_context():
        meeting_id = add_open_meeting("Concertation affichée").id
        db.session.commit()
    login_as(page, live_server, "animateur")
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/rencontres/{meeting_id}/affiche")
        assert page.get_by_role("button", name="Imprimer l'affiche").is_visible()
        assert "Sans compte" in page.inner_text(".poster__promises")
        _shot(page, f"poster-{width}")
        check_a11y(page)
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1


@pytest.mark.parametrize("width", [375, 1280])
def test_facilitator_lands_on_the_to_do_page(page, live_server, width):
    """Item 18: after signing in, staff see what waits for them."""
    page.set_viewport_size({"width": width, "height": 900})
    login_as(page, live_server, "animateur")
    assert page.url.endswith("/a-faire")
    main = page.inner_text("main")
    for heading in (
        "Contributions à modérer",
        "Rencontres à clore",
        "Synthèses à terminer",
        "Décisions en attente",
    ):
        assert heading in main
    _shot(page, f"todo-{width}")
    check_a11y(page)
