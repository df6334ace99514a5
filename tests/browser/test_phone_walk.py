"""A fresh walk at 375 px (issue 16's check): what a phone user met on top of the list."""

import pytest

from consult.contributions.models import Contribution
from consult.core.db import utcnow
from consult.extensions import db
from tests.browser.conftest import add_open_meeting, check_a11y, login_as

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}


def _overflow(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.mark.parametrize(
    ("account", "path"),
    [
        (None, "/donnees-ouvertes/"),
        ("admin", "/admin/comptes"),
        ("admin", "/suivi-du-schema/fiches/6"),
        ("animateur", "/moderation/"),
        ("animateur", "/rencontres/5/affiche"),
    ],
)
def test_wide_tables_scroll_inside_their_box_on_a_phone(page, live_server, account, path):
    """A wide table scrolls in its own box (with the keyboard too), never the whole page."""
    if account:
        login_as(page, live_server, account)
    page.set_viewport_size(PHONE)
    page.goto(path)
    assert _overflow(page) <= 0
    check_a11y(page)  # a box that scrolls is a named region the keyboard can reach


def _boxes_that_scroll(page) -> list[str]:
    return page.evaluate(
        """() => [...document.querySelectorAll('.table-scroll')]
            .filter(box => box.scrollWidth > box.clientWidth + 1)
            .map(box => box.querySelector('caption, th')?.textContent.trim())"""
    )


def test_tables_that_fit_are_no_tab_stop(page):
    """At 1280 px a table is a table, no tab stop; on a phone it is read row by row."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/suite/fiches/6")
    assert page.locator(".table-scroll").count() > 0
    assert page.locator(".table-scroll[tabindex]").count() == 0
    assert page.locator("table.table-stack").count() == 0
    page.set_viewport_size(PHONE)
    page.locator("table.table-stack").first.wait_for()
    assert _boxes_that_scroll(page) == []
    assert page.locator(".table-scroll[tabindex]").count() == 0
    check_a11y(page)


def test_key_findings_read_row_by_row_on_a_phone(page):
    """Each idea of the published synthesis says who expressed it, without sideways scrolling."""
    page.set_viewport_size(PHONE)
    page.goto("/syntheses/1/v1")
    findings = page.locator("table.synthesis-table--findings")
    findings.and_(page.locator(".table-stack")).wait_for()
    assert _boxes_that_scroll(page) == []
    said_by = findings.locator("tbody tr").first.get_by_role("cell").nth(2)
    assert said_by.get_attribute("data-label") == "Exprimée par"
    before = said_by.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert "Exprimée par" in before
    assert said_by.is_visible()
    assert said_by.bounding_box()["x"] >= 0
    assert page.locator("table.synthesis-table--findings thead").get_attribute("role") == "rowgroup"
    check_a11y(page)


def _smallest_chart_text(page) -> float:
    """The smallest chart label as drawn, in CSS pixels (0 when no chart is shown)."""
    return page.evaluate(
        """() => Math.min(Infinity, ...[...document.querySelectorAll('.synthesis-chart svg')]
            .filter(svg => svg.getBoundingClientRect().width > 0)
            .flatMap(svg => [...svg.querySelectorAll('text')])
            .map(text => text.getBoundingClientRect().height)) || 0"""
    )


def test_synthesis_charts_are_never_shrunk_below_reading_size(page):
    """At 1280 px the breakdown charts are drawn full size; on a phone they would shrink
    their labels to a few pixels, and give way to their tables (the same figures)."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/syntheses/1/v1")
    assert page.locator(".synthesis-breakdown .synthesis-chart svg").first.is_visible()
    assert _smallest_chart_text(page) >= 12
    page.set_viewport_size(PHONE)
    smallest = _smallest_chart_text(page)
    assert smallest == 0 or smallest >= 12, f"chart labels {smallest:.1f} px high"
    assert page.locator(".synthesis-breakdown table").first.is_visible()


def test_synthesis_tools_stand_apart_from_the_document(page, live_server):
    """The facilitator's share button sat on the document's first line."""
    login_as(page, live_server, "animateur")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/syntheses/1/v1")
    tools = page.locator(".synthesis-toolbar").bounding_box()
    cover = page.locator(".synthesis-cover").bounding_box()
    assert cover["y"] - (tools["y"] + tools["height"]) >= 16


def test_synthesis_first_page_facts_use_the_phone_width(page):
    """« Périmètre » is a sentence: on a phone it reads under its label, not in a column
    as narrow as what the longest label leaves."""
    page.set_viewport_size(PHONE)
    page.goto("/syntheses/1/v1")
    value = page.locator(".synthesis-facts dd").nth(3).bounding_box()
    assert value["width"] >= 0.7 * PHONE["width"]


def test_wide_screens_keep_tables_as_tables(page):
    """At 1280 px the bilan's wide indicator tables keep their columns and scroll in the
    regions its template declares; on a phone, read row by row, they are no tab stops."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/bilans/1")
    assert _boxes_that_scroll(page) != []
    assert page.locator("table.table-stack").count() == 0
    regions = page.locator(".table-scroll[tabindex='0'][role=region]")
    declared = regions.count()
    assert declared > 0
    page.set_viewport_size(PHONE)
    page.locator("table.table-stack").first.wait_for()
    assert page.locator(".table-scroll[tabindex]:has(> table.table-stack)").count() == 0
    assert page.locator(".table-scroll[aria-labelledby]:has(> table.table-stack)").count() == 0
    check_a11y(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.wait_for_function(
        f"() => document.querySelectorAll('.table-scroll[role=region]').length >= {declared}"
    )


def test_home_offers_to_give_an_opinion_on_the_first_screen(page):
    page.set_viewport_size(PHONE)
    page.goto("/")
    give = page.locator(".hero").get_by_role("link", name="Donner mon avis")
    box = give.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"]
    assert box["height"] >= 44
    # One meeting open: straight to its form; several: to their list, each with its button.
    assert give.get_attribute("href").endswith(("/contribuer", "#titre-rencontres"))
    form_link = page.locator(".card").first.get_by_role("link", name="Donner mon avis")
    assert form_link.get_attribute("href").endswith("/contribuer")


def test_consent_box_sits_beside_its_sentence(page, live_server):
    with live_server.app.app_context():
        meeting_id = add_open_meeting("Concertation au téléphone").id
        db.session.commit()
    page.set_viewport_size(PHONE)
    page.goto(f"/rencontres/{meeting_id}/contribuer")
    box = page.locator("#consent").bounding_box()
    label = page.locator("label[for=consent]").bounding_box()
    assert label["x"] > box["x"] + box["width"]  # beside, not under
    assert label["y"] < box["y"] + box["height"]
    for radio in ("kind-0", "author_type-4"):  # the whole pill is the target, ≥ 44 px
        assert page.locator(f"label[for={radio}]").bounding_box()["height"] >= 44


def test_members_land_on_their_working_groups(page, live_server):
    login_as(page, live_server, "membre")
    assert page.url.endswith("/groupes/")


def test_the_menu_marks_the_committee_page_as_current(page, live_server):
    login_as(page, live_server, "admin")
    page.goto("/comite/")
    current = page.locator(".main-nav [aria-current=page]")
    assert current.count() == 1
    assert current.inner_text() == "Comité de pilotage"


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/connexion", "Mot de passe oublié"),
        ("/connexion", "Créer un compte participant·e"),
        ("/rejoindre", "Voir toutes les rencontres"),
    ],
)
def test_links_alone_on_their_line_are_44_px_targets(page, path, name):
    page.set_viewport_size(PHONE)
    page.goto(path)
    assert page.get_by_role("link", name=name).bounding_box()["height"] >= 44


def test_moderation_queue_boxes_are_44_px_targets(page, live_server):
    login_as(page, live_server, "animateur")
    page.set_viewport_size(PHONE)
    page.goto("/moderation/")
    pick = page.locator("td .pick").first
    box = pick.bounding_box()
    assert box["width"] >= 44
    assert box["height"] >= 44
    pick.click(position={"x": 2, "y": 2})  # a corner of the square, off the box itself
    assert pick.locator("input").is_checked()


def test_committee_address_field_looks_like_the_other_fields(page, live_server):
    """The deliberation's address (type url) had the browser's bare 21 px box."""
    login_as(page, live_server, "admin")
    page.set_viewport_size(PHONE)
    page.goto("/comite/")
    address = page.locator("input[type=url]").first
    assert address.bounding_box()["height"] >= 44


def test_duplicates_to_merge_are_big_targets_on_a_phone(page, live_server):
    """Choosing which contribution to keep and which to merge, with a thumb."""
    login_as(page, live_server, "animateur")
    page.set_viewport_size(PHONE)
    page.goto("/moderation/doublons?rencontre=6")
    for control in ("input[name=target]", "input[name=sources]"):
        box = page.locator(f".duplicate-group {control}").first.bounding_box()
        assert min(box["width"], box["height"]) >= 24  # 1.5rem, as the queue's boxes
    assert _overflow(page) <= 0


# A rewording pair typed into the demo: « départementale » is the long word.
REWORDING = (
    "Les délais de la MDPH sont beaucoup trop longs pour renouveler l'AAH, on attend des mois "
    "sans réponse.",
    "Six mois d'attente à la maison départementale des personnes handicapées pour un simple "
    "renouvellement d'allocation, c'est trop long.",
    "Envoyer les courriers en langage simple",
    "Plus de transports !",
)


def test_a_group_of_duplicates_with_a_long_word_fits_a_phone(page, live_server):
    """A fieldset is as wide as its content by default: the group of this pair pushed the
    page 3 px past a 375 px screen, and its table past the group's border."""
    with live_server.app.app_context():
        meeting = add_open_meeting("Doublons au téléphone")
        db.session.add_all(
            Contribution(
                meeting_id=meeting.id, body=body, status="published", published_at=utcnow()
            )
            for body in REWORDING
        )
        db.session.commit()
        meeting_id = meeting.id
    login_as(page, live_server, "animateur")
    page.set_viewport_size(PHONE)
    page.goto(f"/moderation/doublons?rencontre={meeting_id}")
    group = page.locator(".duplicate-group").first
    assert group.locator("input[name=sources]").count() == 2  # the pair, found
    assert _overflow(page) <= 0
    assert group.evaluate("box => box.scrollWidth <= box.clientWidth")
