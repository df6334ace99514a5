"""Every page of the foundation, in Chromium, checked by axe-core."""

import pytest

from tests.browser.conftest import check_a11y, login_as

pytestmark = pytest.mark.browser

PUBLIC_PAGES = [
    "/",
    "/schemas/",
    "/schemas/savoie-2020-2024/",
    "/schemas/savoie-2020-2024/fiches/26",
    "/schemas/savoie-2020-2024/fiches/6",
    "/territoires/",
    "/rencontres/",
    "/contributions/",
    "/contributions/?type=proposition",
    "/contributions/1",
    "/rencontres/5/contribuer",
    "/rencontres/5/contribuer/facile",
    "/rejoindre",
    "/suivi",
    "/syntheses/",
    "/syntheses/1/v1",
    "/connexion",
    "/inscription",
    "/mot-de-passe-oublie",
    "/accessibilite",
    "/donnees-personnelles",
    "/donnees-ouvertes/",
    "/suite/",
    "/suite/rencontres/1",
    "/suite/thematiques/10",
    "/suite/fiches/31",
    "/suivi-du-schema/",
    "/suivi-du-schema/savoie-2020-2024/",
    "/suivi-du-schema/savoie-2020-2024/participation",
    "/suivi-du-schema/fiches/6",
    "/bilans/",
    "/bilans/1",
]
ADMIN_PAGES = [
    "/mon-compte",
    "/admin/",
    "/admin/comptes",
    "/admin/schemas/importer",
    "/admin/apparence",
    "/admin/schemas/savoie-2020-2024/niveaux",
    "/admin/territoires",
    "/admin/journal-moderation",
    "/admin/api",
    "/moderation/",
    "/moderation/1",
    "/moderation/doublons?rencontre=5",
    "/syntheses/nouvelle",
    "/syntheses/1",
    "/rencontres/5/saisie",
    "/rencontres/5/import",
    "/groupes/",
    "/groupes/nouveau",
    "/groupes/1/",
    "/groupes/1/modifier",
    "/groupes/1/syntheses/1",
    "/groupes/1/decisions",
    "/groupes/1/fiches/34",
    "/groupes/1/fiches/34/modifier",
    "/comite/",
    "/suivi-du-schema/fiches/31",
    "/suivi-du-schema/savoie-2020-2024/import",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_is_accessible(page, path):
    response = page.goto(path)
    assert response.status == 200
    assert page.locator("h1").first.is_visible()
    check_a11y(page)


def test_meeting_page_is_accessible(page):
    page.goto("/rencontres/")
    page.locator("main a[href^='/rencontres/']").first.click()
    assert page.locator("h1").is_visible()
    check_a11y(page)


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_page_is_accessible(page, live_server, path):
    login_as(page, live_server, "admin")
    response = page.goto(path)
    assert response.status == 200
    assert page.locator("h1").is_visible()
    check_a11y(page)


def test_not_found_page_is_accessible(page):
    response = page.goto("/nulle-part")
    assert response.status == 404
    assert "Page introuvable" in page.locator("h1").inner_text()
    check_a11y(page)


def test_failed_login_shows_accessible_errors(page):
    page.goto("/connexion")
    page.fill("#email", "personne@exemple.fr")
    page.fill("#password", "mauvais")
    page.click("button[type=submit] >> text=Se connecter")
    assert page.get_by_role("alert").first.is_visible()
    check_a11y(page)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/schemas/savoie-2020-2024/fiches/26",
        "/contributions/",
        "/suite/",
        "/suite/fiches/31",
        "/suivi-du-schema/fiches/6",
        "/bilans/1",
    ],
)
def test_phone_viewport_has_no_horizontal_scroll(browser, live_server, path):
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, locale="fr-FR", base_url=live_server.base_url
    )
    phone = context.new_page()
    phone.goto(path)
    overflow = phone.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    context.close()
    assert overflow <= 0
