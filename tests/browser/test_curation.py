"""A facilitator curates the ideas of a synthesis; the curation outlives a regeneration.

Rename, merge, split, move a contribution, hide; a contribution arrives, a new version is
generated and still carries every change; a working group reads the curated version and
drafts a fiche from the curated titles.
"""

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from consult.contributions.models import Contribution
from consult.core.db import utcnow
from consult.extensions import db
from consult.synthesis.models import GroupSynthesis, Synthesis, SynthesisVersion
from tests.browser.conftest import JOB_DONE_MS, check_a11y, login_as, press_for_a_job

pytestmark = pytest.mark.browser

DEMO_SYNTHESIS = "Synthèse des concertations territoriales (démonstration)"
RENAMED = "Le quotidien des familles, vu par les habitants"
SPLIT_OFF = "Une partie à part, détachée par l'équipe"
SCREENSHOTS = Path(tempfile.gettempdir())  # curation-<name>-<width>.png, to look at


@dataclass
class IdeaPanel:
    """One idea as the curation panel lists it: its position key, title and contributions."""

    key: str
    label: str
    ids: list[int]


def _panels(page) -> list[IdeaPanel]:
    """The visible ideas of the curation panel, in page order."""
    panels = []
    for details in page.locator("details.synthesis-curation__idea").all():
        if "synthesis-curation__idea--hidden" in (details.get_attribute("class") or ""):
            continue
        boxes = details.locator("input[name=ids]")
        ids = [int(v) for v in boxes.evaluate_all("boxes => boxes.map(b => b.value)")]
        label = details.locator("[name=title]").first.input_value()
        panels.append(IdeaPanel(details.get_attribute("id").removeprefix("retouche-"), label, ids))
    return panels


def _open(page, key: str):
    """The idea's panel, opened by keyboard (the panels need no mouse)."""
    details = page.locator(f"#retouche-{key}")
    page.wait_for_load_state()  # a key pressed while the page still loads may go nowhere
    for _ in range(3):
        if details.get_attribute("open") is not None:
            return details
        details.locator("summary").focus()
        page.keyboard.press("Enter")
        try:
            page.wait_for_function(
                "key => document.getElementById('retouche-' + key).open", arg=key
            )
        except PlaywrightTimeout:
            continue  # the key press was lost: focus the summary and press again
    assert details.get_attribute("open") is not None, f"le panneau {key} ne s'ouvre pas"
    return details


def _confirmed(page, text: str) -> None:
    page.locator(".flash--success", has_text=text).wait_for()
    page.wait_for_load_state()


def _focused(page, kind: str, text: str) -> None:
    """The curation's confirmation (or refusal) has the focus: a screen reader reads it."""
    try:
        page.wait_for_function(
            """([kind, text]) => {
                const here = document.activeElement;
                return here && here.matches('.flash--' + kind + '[role][tabindex="-1"]')
                    && here.textContent.includes(text);
            }""",
            arg=[kind, text],
            timeout=5000,
        )
    except PlaywrightTimeout:
        here = page.evaluate("(document.activeElement?.outerHTML || '').slice(0, 120)")
        raise AssertionError(f"le focus n'est pas sur le message de la retouche : {here}") from None


def _curated(page, text: str) -> None:
    _confirmed(page, text)
    _focused(page, "success", text)


def _version_page(page, synthesis_id: int, number: int) -> None:
    page.goto(f"/syntheses/{synthesis_id}/v{number}")
    page.locator("#curation").wait_for()


def _regenerate(page, synthesis_id: int, number: int) -> None:
    page.goto(f"/syntheses/{synthesis_id}")
    press_for_a_job(page, "button:has-text('Générer une nouvelle version')")
    page.locator(f"a:has-text('Version {number}')").wait_for(timeout=JOB_DONE_MS)
    _version_page(page, synthesis_id, number)


def _screenshots(page, name: str) -> None:
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=SCREENSHOTS / f"curation-{name}-{width}.png")


def _pick(panels: list[IdeaPanel]) -> dict[str, IdeaPanel]:
    """Six different ideas: enough contributions to split one and move one out of another."""
    roomy = [p for p in panels if len(p.ids) >= 3]
    assert len(roomy) >= 6, [(p.key, len(p.ids)) for p in panels]
    roles = ("renamed", "keeper", "absorbed", "split", "giver", "hidden")
    return dict(zip(roles, roomy[: len(roles)], strict=True))


def _curate(page, picked: dict[str, IdeaPanel]) -> None:
    renamed, keeper, absorbed = picked["renamed"], picked["keeper"], picked["absorbed"]
    details = _open(page, renamed.key)
    details.get_by_label("Nouveau titre de l'idée").fill(RENAMED)
    details.get_by_role("button", name="Renommer l'idée").click()
    _curated(page, f"« {RENAMED} »")

    details = _open(page, keeper.key)
    details.get_by_label("Idée à fusionner dans celle-ci").select_option(absorbed.key)
    details.get_by_role("button", name="Fusionner les deux idées").click()
    _curated(page, f"+ « {absorbed.label} »")

    split = picked["split"]
    details = _open(page, split.key)
    for ident in split.ids[:2]:
        details.locator(f"#choix-{split.key}-{ident}").check()
    details.get_by_label("Titre de la nouvelle idée").fill(SPLIT_OFF)
    details.get_by_role("button", name="Scinder : créer la nouvelle idée").click()
    _curated(page, f"« {SPLIT_OFF} » (2 contributions)")

    moved = picked["giver"].ids[-1]
    details = _open(page, renamed.key)
    details.get_by_label("Numéro de la contribution à déplacer ici").fill(str(moved))
    details.get_by_role("button", name="Déplacer ici").click()
    _curated(page, f"contribution n° {moved}")

    details = _open(page, picked["hidden"].key)
    details.get_by_role("button", name="Masquer cette idée").click()
    _curated(page, f"« {picked['hidden'].label} »")


def _refused_in_french(page, key: str) -> None:
    details = _open(page, key)
    details.get_by_label("Numéro de la contribution à déplacer ici").fill("999999")
    details.get_by_role("button", name="Déplacer ici").click()
    page.locator(".flash--error", has_text="n'est pas dans cette synthèse").wait_for()
    page.wait_for_load_state()
    _focused(page, "error", "n'est pas dans cette synthèse")


def _a_contribution_arrives(live_server, like: int) -> int:
    """A new published contribution, in the meeting and words of contribution ``like``."""
    with live_server.app.app_context():
        model = db.session.get(Contribution, like)
        arrived = Contribution(
            meeting_id=model.meeting_id,
            body=f"{model.body} Je le redis ici.",
            status="published",
            published_at=utcnow(),
            author_type=model.author_type,
            territory_id=model.territory_id,
        )
        db.session.add(arrived)
        db.session.commit()
        return arrived.id


def _demo_synthesis(live_server) -> tuple[int, int]:
    """The demo synthesis and the working group it is shared with."""
    with live_server.app.app_context():
        synthesis = db.session.scalar(sa.select(Synthesis).where(Synthesis.title == DEMO_SYNTHESIS))
        group_id = db.session.scalar(
            sa.select(GroupSynthesis.working_group_id).where(
                GroupSynthesis.synthesis_id == synthesis.id
            )
        )
        return synthesis.id, group_id


def _version(live_server, synthesis_id: int, number: int) -> tuple[int, set[int]]:
    """The version's id and the contributions it read."""
    with live_server.app.app_context():
        version = db.session.scalar(
            sa.select(SynthesisVersion).where(
                SynthesisVersion.synthesis_id == synthesis_id, SynthesisVersion.number == number
            )
        )
        read = {i for section in version.document["sections"] for i in section["ids"]}
        return version.id, read


def _published_titles(page) -> list[str]:
    """The ideas' titles as readers get them (the curation panel below is the team's)."""
    return page.locator(".synthesis-idea__label").all_inner_texts()


def _check_kept(page, picked: dict[str, IdeaPanel], moved: int) -> None:
    panels = {p.label: p for p in _panels(page)}
    assert RENAMED in panels, list(panels)
    assert moved in panels[RENAMED].ids  # the move, found again
    assert SPLIT_OFF in panels
    assert set(panels[SPLIT_OFF].ids) == set(picked["split"].ids[:2])
    assert picked["absorbed"].label not in panels  # merged away again
    assert picked["hidden"].label not in panels
    readable = _published_titles(page)
    assert RENAMED in readable
    assert SPLIT_OFF in readable
    assert picked["hidden"].label not in readable
    assert picked["absorbed"].label not in readable
    history = page.locator(".synthesis-curation__history").inner_text()
    for action in ("Idée renommée", "Idées fusionnées", "Idée scindée", "Idée masquée"):
        assert action in history


def _share_with_the_group(page) -> None:
    share = page.locator("form.synthesis-share")
    share.get_by_role("button", name=re.compile("Partager")).click()
    _confirmed(page, "partagée")


def test_facilitator_curates_regenerates_and_the_group_drafts_from_the_curated_titles(
    page, live_server
):
    synthesis_id, group_id = _demo_synthesis(live_server)
    login_as(page, live_server, "animateur")
    _regenerate(page, synthesis_id, 2)  # the published version 1 no longer changes
    check_a11y(page)
    picked = _pick(_panels(page))
    details = _open(page, picked["renamed"].key)
    check_a11y(page)  # an idea's panel, open
    _screenshots(page, "panel")
    details.locator("legend").scroll_into_view_if_needed()
    _screenshots(page, "choices")  # the contributions to quote or split off
    _curate(page, picked)
    _screenshots(page, "done")  # the last confirmation, in the hidden idea's panel
    _refused_in_french(page, picked["keeper"].key)
    _screenshots(page, "after")
    check_a11y(page)

    moved = picked["giver"].ids[-1]
    arrived = _a_contribution_arrives(live_server, like=picked["renamed"].ids[0])
    _regenerate(page, synthesis_id, 3)
    _check_kept(page, picked, moved)
    version_id, read = _version(live_server, synthesis_id, 3)
    assert arrived in read  # the new version read the new contribution
    check_a11y(page)
    _share_with_the_group(page)

    login_as(page, live_server, "membre")
    page.goto(f"/groupes/{group_id}/syntheses/{version_id}")
    ideas = page.locator("article.group-idea h3").all_text_contents()  # some folded
    assert any(RENAMED in title for title in ideas), ideas
    assert any(SPLIT_OFF in title for title in ideas)
    assert not any(picked["hidden"].label in title for title in ideas)
    assert not any(picked["absorbed"].label in title for title in ideas)
    check_a11y(page)
    _screenshots(page, "group")

    drafting = page.locator("section.group-draft")
    drafting.get_by_label(RENAMED).check()
    drafting.get_by_label(SPLIT_OFF).check()
    drafting.get_by_role("button", name=re.compile("Rédiger une fiche")).click()
    page.wait_for_url(re.compile(r"/fiches/nouvelle"))
    taken = page.locator("section[aria-labelledby=idees-reprises]").inner_text()
    assert RENAMED in taken
    assert SPLIT_OFF in taken
    assert page.locator("#title").input_value() in (RENAMED, SPLIT_OFF)  # suggested title
    check_a11y(page)
