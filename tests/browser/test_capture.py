"""Facilitators capture paper contributions: 50 typed with the keyboard alone, and an import."""

import re

import pytest
import sqlalchemy as sa

from consult.accounts.models import User
from consult.contributions.models import Contribution
from consult.extensions import db
from tests.browser.conftest import add_open_meeting, check_a11y, login_as

pytestmark = pytest.mark.browser

PAPER_COUNT = 50
GOOD_AND_BAD = (
    "Texte;Type;Auteur;Atelier\n"
    "Un accueil sans rendez-vous à la MDPH;proposition;usager;Table 1\n"
    ";constat;usager;Table 1\n"
    "Des permanences en mairie;opinion;élu;Table 2\n"
)
FIXED = GOOD_AND_BAD.replace(";constat", "Trop d'attente au téléphone;constat").replace(
    "opinion", "question"
)


def _open_meeting(live_server) -> int:
    with live_server.app.app_context():
        meeting = add_open_meeting("Concertation papier")
        db.session.commit()
        return meeting.id


def _stored(live_server, meeting_id: int) -> list[Contribution]:
    with live_server.app.app_context():
        rows = db.session.scalars(
            sa.select(Contribution)
            .where(Contribution.meeting_id == meeting_id)
            .order_by(Contribution.id)
        ).all()
        db.session.expunge_all()
        return rows


def _user_id(live_server, email: str) -> int:
    with live_server.app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.email == email))


def _focus_lands_on(page, element_id: str) -> None:
    """Autofocus is applied once the page is shown: wait for it (fails after the timeout).

    A function, not an expression: Playwright polls an expression with eval(), which the
    page's Content Security Policy forbids (the wait failed only when it had to poll).
    """
    page.wait_for_function(
        "(id) => document.activeElement && document.activeElement.id === id", arg=element_id
    )


def test_facilitator_types_50_paper_contributions_with_the_keyboard_only(page, live_server):
    meeting_id = _open_meeting(live_server)
    login_as(page, live_server, "animateur")
    page.goto(f"/rencontres/{meeting_id}/saisie")
    check_a11y(page)
    _focus_lands_on(page, "body")
    # Type, author, channel and group are chosen once, with the keyboard: nothing is
    # chosen in advance (a professional counted as « usager » would skew the figures).
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "kind"
    assert page.input_value("#kind") == ""
    page.keyboard.press("ArrowDown")  # "Constat"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "author_type"
    assert page.input_value("#author_type") == ""
    page.keyboard.press("ArrowDown")  # "Usager·e"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "channel"
    page.keyboard.press("ArrowDown")  # "Écrit sur papier"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "on_behalf_of"
    page.keyboard.type("Table des aidants")
    page.keyboard.press("Enter")  # Enter in a one-line field submits: refused, text empty
    page.wait_for_selector(".field__error")
    _focus_lands_on(page, "body")  # autofocus on the text
    for number in range(1, PAPER_COUNT + 1):
        page.keyboard.type(f"Post-it {number} : il faut des horaires d'ouverture le samedi")
        with page.expect_navigation():
            page.keyboard.press("Control+Enter")
        assert "Contribution n°" in page.inner_text(".flashes")
        _focus_lands_on(page, "body")
    assert f"{PAPER_COUNT} contributions saisies par vous" in page.inner_text(".rapid-count")
    check_a11y(page)
    rows = _stored(live_server, meeting_id)
    assert len(rows) == PAPER_COUNT
    assert [r.body for r in rows][:2] == [
        "Post-it 1 : il faut des horaires d'ouverture le samedi",
        "Post-it 2 : il faut des horaires d'ouverture le samedi",
    ]
    facilitator = _user_id(live_server, "animateur@demo.consult.fr")
    assert {(r.on_behalf_of, r.channel, r.recorded_by_id) for r in rows} == {
        ("Table des aidants", "papier", facilitator)
    }
    assert {(r.kind, r.author_type) for r in rows} == {("constat", "usager")}


def test_import_shows_bad_rows_then_imports_the_corrected_file_all_at_once(
    page, live_server, tmp_path
):
    meeting_id = _open_meeting(live_server)
    login_as(page, live_server, "animateur")
    page.goto(f"/rencontres/{meeting_id}/gestion")
    page.click("text=Importer un fichier CSV ou Excel")
    check_a11y(page)
    bad = tmp_path / "papiers.csv"
    bad.write_bytes(GOOD_AND_BAD.encode("cp1252"))
    page.set_input_files("#file", str(bad))
    page.click("button:has-text('Déposer le fichier')")
    page.wait_for_url(re.compile(r"/import/\d+$"))
    check_a11y(page)
    refused = page.locator(".error-summary tbody tr")
    assert refused.count() == 2
    assert refused.nth(0).inner_text().startswith("3")
    assert "opinion" in refused.nth(1).inner_text()
    assert page.locator("button:has-text('Importer les')").count() == 0
    assert _stored(live_server, meeting_id) == []

    page.click("text=Déposer un fichier corrigé")
    fixed = tmp_path / "papiers-corriges.csv"
    fixed.write_bytes(FIXED.encode("cp1252"))
    page.set_input_files("#file", str(fixed))
    page.click("button:has-text('Déposer le fichier')")
    page.wait_for_url(re.compile(r"/import/\d+$"))
    assert page.input_value("#groupe") == "3"  # "Atelier" was recognised as the group
    page.click("button:has-text('Importer les 3 contributions')")
    page.wait_for_selector("text=3 contributions importées")
    check_a11y(page)
    rows = _stored(live_server, meeting_id)
    assert [(r.body, r.kind, r.on_behalf_of) for r in rows] == [
        ("Un accueil sans rendez-vous à la MDPH", "proposition", "Table 1"),
        ("Trop d'attente au téléphone", "constat", "Table 1"),
        ("Des permanences en mairie", "question", "Table 2"),
    ]
