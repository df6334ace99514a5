"""Droit de suite, end to end: a working group turns a synthesis into a fiche and answers
the contributions; the comité adopts the fiche; a participant reads the answer with their
receipt code; the public fiche page shows the contributions it answers."""

import re

import pytest
import sqlalchemy as sa

from consult.contributions.models import Contribution
from consult.extensions import db
from consult.fiches import decisions
from consult.schemes.models import Fiche, WorkingGroup
from consult.workgroups.models import Decision, FicheContribution, FicheIdea
from tests.browser.conftest import check_a11y, login_as

pytestmark = pytest.mark.browser

GROUP = "Accès aux droits (proximité, numérique)"
TITLE = "Des permanences d'accès aux droits dans chaque bassin de vie"
REASON = "Une autre fiche du schéma prévoit déjà cette aide ; nous la ferons mieux connaître."


def _answered(live_server, fiche_id: int) -> list[tuple[int, str, str]]:
    """(id, receipt code, text) of the published contributions the fiche answers that
    have no decision yet (the demo already answered a few)."""
    with live_server.app.app_context():
        rows = db.session.execute(
            sa.select(Contribution.id, Contribution.receipt_code, Contribution.body)
            .join(FicheContribution, FicheContribution.contribution_id == Contribution.id)
            .outerjoin(Decision, Decision.contribution_id == Contribution.id)
            .where(
                FicheContribution.fiche_id == fiche_id,
                Contribution.status == "published",
                Decision.id.is_(None),
            )
            .order_by(Contribution.id)
        ).all()
        return [tuple(row) for row in rows]


def _page_of(live_server, group_id: int, contribution_id: int) -> int:
    """The page of the group's "sans décision" list that shows the contribution."""
    with live_server.app.app_context():
        group = db.session.get(WorkingGroup, group_id)
        page = 1
        while True:
            listing = decisions.listing(group, which="sans", page=page)
            if contribution_id in [row.contribution.id for row in listing.rows]:
                return page
            assert page < listing.pages, f"contribution {contribution_id} absente de la liste"
            page += 1


def _decide(page, live_server, group_id, contribution_id, outcome, *, fiche=None, reason=""):
    page.goto(
        f"/groupes/{group_id}/decisions?page={_page_of(live_server, group_id, contribution_id)}"
    )
    check_a11y(page)
    page.check(f"#suite-{contribution_id}-{outcome}")
    if fiche is not None:
        page.select_option(f"#fiche-{contribution_id}", str(fiche))
    if reason:
        page.fill(f"#motif-{contribution_id}", reason)
    page.click(
        f"button:has-text('Enregistrer la suite donnée à la contribution n° {contribution_id}')"
    )
    page.wait_for_selector(f"text=Contribution n° {contribution_id} :")


def _committee(page, fiche_id: int, number: str, target: str, note: str) -> None:
    page.goto("/comite/")
    check_a11y(page)
    page.check(f"#etat-{fiche_id}-{target}")
    page.fill(f"#note-{fiche_id}", note)
    with page.expect_navigation():
        page.click(f"button:has-text('Enregistrer le nouvel état de la fiche {number}')")


def test_from_synthesis_ideas_to_a_fiche_and_back_to_the_participant(browser, live_server):
    context = browser.new_context(locale="fr-FR", base_url=live_server.base_url)
    page = context.new_page()
    page.set_default_timeout(30_000)

    # A member opens the group's synthesis and drafts a fiche from two of its ideas.
    login_as(page, live_server, "membre")
    page.goto("/groupes/")
    check_a11y(page)
    page.click(f"a:has-text('{GROUP}')")
    check_a11y(page)
    group_id = int(re.search(r"/groupes/(\d+)/", page.url).group(1))
    page.click("a:has-text('Lire la version 1')")
    check_a11y(page)
    boxes = page.locator("input[name=idee]")
    chosen = [boxes.nth(0).get_attribute("value"), boxes.nth(1).get_attribute("value")]
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.click("button:has-text('Rédiger une fiche à partir des idées cochées')")
    page.wait_for_url(re.compile(r"/fiches/nouvelle\?"))
    check_a11y(page)
    page.fill("#title", TITLE)
    page.fill("#actions", "Ouvrir une permanence par bassin de vie\n- Former les agents d'accueil")
    page.click("button:has-text('Enregistrer la fiche en brouillon')")
    page.wait_for_url(re.compile(r"/groupes/\d+/fiches/\d+$"))
    check_a11y(page)
    fiche_id = int(page.url.rsplit("/", 1)[1])
    with live_server.app.app_context():
        ideas = db.session.scalars(sa.select(FicheIdea).where(FicheIdea.fiche_id == fiche_id)).all()
        assert sorted(f"{i.section}-{i.idea}" for i in ideas) == sorted(chosen)
        assert db.session.get(Fiche, fiche_id).status == "brouillon"
    answered = _answered(live_server, fiche_id)
    assert len(answered) >= 2

    # The member records what becomes of two of the contributions the fiche answers.
    (kept_id, kept_code, kept_text), (refused_id, refused_code, _) = answered[:2]
    _decide(page, live_server, group_id, kept_id, "retenue", fiche=fiche_id)
    _decide(page, live_server, group_id, refused_id, "non_retenue", reason=REASON)

    # The co-pilot proposes the fiche; the comité de pilotage validates then adopts it.
    page.goto(f"/groupes/{group_id}/fiches/{fiche_id}")
    page.check(f"#etat-{fiche_id}-proposee")
    with page.expect_navigation():
        page.click("button:has-text('Enregistrer le nouvel état de la fiche')")
    with live_server.app.app_context():
        fiche = db.session.get(Fiche, fiche_id)
        assert fiche.status == "proposee"
        number = fiche.number
    context.clear_cookies()
    login_as(page, live_server, "animateur")
    _committee(page, fiche_id, number, "validee", "Validée par le comité de pilotage du 12 mars.")
    _committee(page, fiche_id, number, "adoptee", "Adoptée avec le schéma.")
    with live_server.app.app_context():
        assert db.session.get(Fiche, fiche_id).status == "adoptee"
        outcomes = dict(
            db.session.execute(
                sa.select(Decision.contribution_id, Decision.outcome).where(
                    Decision.contribution_id.in_([kept_id, refused_id])
                )
            ).all()
        )
        assert outcomes == {kept_id: "retenue", refused_id: "non_retenue"}
    context.clear_cookies()

    # A participant types their receipt code and reads the answer.
    page.goto("/suivi")
    check_a11y(page)
    page.fill("#code", kept_code)
    page.click("button[type=submit]:has-text('Voir')")
    answer = page.inner_text("#suite-donnee")
    assert "retenue" in answer
    assert TITLE in answer
    check_a11y(page)
    page.goto("/suivi")
    page.fill("#code", refused_code)
    page.click("button[type=submit]:has-text('Voir')")
    answer = page.inner_text("#suite-donnee")
    assert "n'a pas été retenue" in answer
    assert REASON in answer

    # The public page of the fiche shows the contributions it answers.
    page.goto(f"/suite/fiches/{fiche_id}")
    check_a11y(page)
    main = page.inner_text("main")
    assert TITLE in main
    assert kept_text[:60] in main
    assert "Retenue" in main
    context.close()
