"""Keyboard-only journeys: skip link, sign-in, invitation, scheme import errors."""

import json

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import check_a11y, login_as

pytestmark = pytest.mark.browser


def _tab_to(page, predicate, limit=60):
    """Press Tab until the focused element satisfies ``predicate`` (a JS expression)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return {predicate}; }})()"):
            return
    pytest.fail(f"focus never reached: {predicate}")


def test_first_tab_reaches_the_skip_link_which_moves_to_content(page):
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Aller au contenu"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"


def test_focus_is_visible(page):
    page.goto("/")
    _tab_to(page, "el.matches('main a')")
    style = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert style != "none"


def test_facilitator_signs_in_with_the_keyboard_only(page, live_server):
    page.goto("/connexion")
    _tab_to(page, "el.id === 'email'")
    page.keyboard.type("animateur@demo.consult.fr")
    page.keyboard.press("Tab")
    page.keyboard.type(live_server.logins["animateur@demo.consult.fr"])
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Bienvenue, Karim Animateur")


def test_admin_invites_a_partner_with_the_keyboard_only(page, live_server):
    login_as(page, live_server, "admin")
    page.goto("/admin/comptes")
    _tab_to(page, "el.id === 'display_name'")
    page.keyboard.type("Nadia Partenaire")
    page.keyboard.press("Tab")
    page.keyboard.type("nadia@caf73.example")
    page.keyboard.press("Tab")
    page.keyboard.type("Partenaire")  # typing selects the matching option
    page.keyboard.press("Tab")
    page.keyboard.type("CAF")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Invitation envoyée à nadia@caf73.example")
    check_a11y(page)


def test_broken_scheme_upload_names_the_fiche(page, live_server, tmp_path):
    document = {
        "format": "consult-scheme/1",
        "department": "Test",
        "title": "Schéma test",
        "fiches": [{"number": "1", "title": "Fiche un"}, {"number": "2"}],
    }
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    login_as(page, live_server, "admin")
    page.goto("/admin/schemas/importer")
    page.set_input_files("#document", str(path))
    page.focus("#document")
    _tab_to(page, "el.type === 'submit' && el.textContent.includes('importer')")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert").first).to_contain_text("Fiche 2 : champ « title » manquant")
    check_a11y(page)
