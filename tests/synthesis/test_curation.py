"""The team curates the ideas (rename, merge, split, move, quotes, hide): kept, recorded, read."""

from html import unescape

import pytest
import sqlalchemy as sa

from consult.contributions.models import Contribution
from consult.core.db import utcnow
from consult.synthesis import services
from consult.synthesis.current import current_version
from consult.synthesis.document import Document, Finding, Idea, Quote, Section
from consult.synthesis.models import IdeaCuration
from consult.workgroups.services import idea_at

TEXTS = [
    "Il faut plus de places en crèche pour les parents qui travaillent tôt",
    "Les places en crèche manquent, surtout pour les horaires décalés",
    "Ouvrir des crèches avec des horaires décalés pour les parents",
    "Plus de transports en commun le soir pour aller au travail",
    "Les transports en commun ne passent plus le soir après 20 heures",
    "Un bus le soir pour rentrer du travail serait bien",
    "Les loyers sont trop chers pour les jeunes du territoire",
    "Construire des logements sociaux près des gares",
    "Aider les jeunes à trouver un premier logement",
]


def idea(label: str, ids: list[int], texts: dict[int, str]) -> Idea:
    quotes = [Quote(id=ids[0], text=texts[ids[0]])]
    return Idea(label=label, terms=[label], size=len(ids), supports=0, ids=ids, quotes=quotes)


def handmade(ideas: list[Idea], ids: list[int]) -> dict:
    """A stored document whose ideas are known (not what the analysis happens to find)."""
    section = Section(kind="all", title="Toutes les contributions", count=len(ids), ids=ids)
    section.ideas = ideas
    document = Document(
        title="Synthèse",
        template="rencontre",
        scope=[("Rencontres", "Chambéry")],
        generated_at=utcnow(),
        participants=None,
        contributions=len(ids),
        sections=[section],
    )
    return document.to_dict()


@pytest.fixture
def world(make_synthesis_version, make_meeting, make_working_group, make_user, db):
    """A draft version shared with a group, with three ideas: crèches, transports, logement."""
    member = make_user(role="member")
    meeting = make_meeting(status="open")
    group = make_working_group(
        scheme=meeting.scheme, members=[(member, "pilote")], theme=meeting.scheme.themes[0]
    )
    version = make_synthesis_version(meeting=meeting, status="shared", texts=TEXTS, group=group)
    rows = db.session.execute(
        sa.select(Contribution.id, Contribution.body)
        .where(Contribution.meeting_id == meeting.id)
        .order_by(Contribution.id)
    ).all()
    ids, texts = [r.id for r in rows], {r.id: r.body for r in rows}
    ideas = [
        idea("places en crèche", ids[0:3], texts),
        idea("transports soir", ids[3:6], texts),
        idea("logement jeunes", ids[6:9], texts),
    ]
    version.document = handmade(ideas, ids)
    db.session.commit()
    return {"version": version, "ids": ids, "texts": texts, "group": group, "member": member}


def curate(client, version, **data):
    url = f"/syntheses/{version.synthesis_id}/v{version.number}/idees"
    return client.post(url, data=data)


def labels(version) -> list[str]:
    ideas = current_version(version).document.sections[0].ideas
    return [i.label for i in ideas if not i.hidden]


def test_rename_is_shown_recorded_and_a_double_submit_counts_once(client, facilitator, world, db):
    version = world["version"]
    for _ in range(2):
        response = curate(client, version, action="rename", idea="0-0", title="Des crèches")
        assert response.status_code == 303
    assert labels(version) == ["Des crèches", "transports soir", "logement jeunes"]
    (row,) = db.session.scalars(sa.select(IdeaCuration)).all()
    assert (row.action, row.author_id) == ("rename", facilitator.id)
    page = unescape(client.get(f"/syntheses/{version.synthesis_id}/v1").text)
    assert "Idée renommée : « places en crèche » → « Des crèches »" in page  # the history
    assert facilitator.display_name in page
    assert '<label for="titre-0-0">Nouveau titre de l\'idée</label>' in page


def test_the_first_page_shows_the_titles_the_team_gave(client, facilitator, world, db):
    version = world["version"]
    stored = Document.from_dict(version.document)
    stored.findings = [
        Finding(label=i.label, section="Toutes", count=i.size, share=i.size / 9, ids=i.ids)
        for i in stored.sections[0].ideas
    ]
    version.document = stored.to_dict()
    db.session.commit()
    curate(client, version, action="rename", idea="0-0", title="Des crèches")
    curate(client, version, action="merge", idea="0-1", other="0-2")
    findings = current_version(version).document.findings
    assert [f.label for f in findings] == ["Des crèches", "transports soir"]


def test_bad_input_gets_a_french_message_and_changes_nothing(client, facilitator, world, db):
    version = world["version"]
    for data, message in [
        ({"action": "rename", "idea": "0-0", "title": " "}, "au moins 3 caractères"),
        ({"action": "rename", "idea": "0-9", "title": "Titre"}, "n'existe pas"),
        ({"action": "merge", "idea": "0-0", "other": "0-0"}, "une autre idée"),
        ({"action": "move", "idea": "0-0", "contribution": "999999"}, "pas dans cette synthèse"),
        ({"action": "explode", "idea": "0-0"}, "Action inconnue"),
    ]:
        page = client.post(
            f"/syntheses/{version.synthesis_id}/v1/idees", data=data, follow_redirects=True
        )
        assert page.status_code == 200
        assert message in unescape(page.text), data
    assert db.session.scalar(sa.select(sa.func.count(IdeaCuration.id))) == 0


def test_merge_split_move_quotes_and_hide(client, facilitator, world):
    version, ids, texts = world["version"], world["ids"], world["texts"]
    curate(client, version, action="merge", idea="0-0", other="0-1")
    ideas = current_version(version).document.sections[0].ideas
    assert ideas[0].ids == ids[0:6]
    assert ideas[1].hidden  # positions kept (comments are keyed by them), merged one hidden
    curate(client, version, action="split", idea="0-0", ids=ids[3:6], title="Le bus du soir")
    curate(client, version, action="move", idea="0-3", contribution=str(ids[8]))
    curate(client, version, action="quotes", idea="0-2", ids=[ids[7]])
    curate(client, version, action="hide", idea="0-0")
    ideas = current_version(version).document.sections[0].ideas
    assert [i.label for i in ideas if not i.hidden] == ["logement jeunes", "Le bus du soir"]
    assert ideas[3].ids == ids[3:6] + [ids[8]]
    assert ideas[2].ids == ids[6:8]
    assert ideas[2].size == 2
    assert [(q.id, q.text) for q in ideas[2].quotes] == [(ids[7], texts[ids[7]])]
    assert ideas[0].hidden
    page = unescape(client.get(f"/syntheses/{version.synthesis_id}/v1").text)
    published_part = page.split('id="synthese-participants"')[1].split('id="curation"')[0]
    assert "Le bus du soir" in published_part
    assert "places en crèche" not in published_part  # hidden: not in the document
    exported = client.get(f"/syntheses/{version.synthesis_id}/v1.json").get_json()
    shown = [i["label"] for i in exported["document"]["sections"][0]["ideas"]]
    assert shown == ["logement jeunes", "Le bus du soir"]


def test_regenerated_version_keeps_the_curation(client, facilitator, world, db):
    version, ids, texts = world["version"], world["ids"], world["texts"]
    curate(client, version, action="rename", idea="0-0", title="Des places en crèche")
    curate(client, version, action="merge", idea="0-1", other="0-2")
    curate(client, version, action="split", idea="0-1", ids=ids[6:8], title="Se loger")
    # New contributions, ideas found again in another order with other members.
    new = ids + [ids[-1] + 1000]
    texts[new[-1]] = "Encore une crèche"
    regenerated = [
        idea("transports bus", ids[3:6], texts),
        idea("logement loyers", ids[6:9], texts),
        idea("crèches horaires", ids[0:3] + [new[-1]], texts),
    ]
    second = services.add_version(
        version.synthesis, handmade(regenerated, new), len(new), now=utcnow()
    )
    db.session.commit()
    ideas = current_version(second).document.sections[0].ideas
    assert ideas[2].label == "Des places en crèche"  # the idea sharing most contributions
    assert ideas[1].hidden  # merged again into the transports idea …
    assert [i.label for i in ideas if not i.hidden] == [
        "transports bus",
        "Des places en crèche",
        "Se loger",  # … and split off again by its contributions
    ]
    assert ideas[3].ids == ids[6:8]


def test_group_reading_and_fiche_drafting_take_the_curated_titles(
    client, login, facilitator, world
):
    version, group = world["version"], world["group"]
    curate(client, version, action="rename", idea="0-1", title="Des bus le soir")
    curate(client, version, action="hide", idea="0-2")
    assert idea_at(version, 0, 1)["label"] == "Des bus le soir"
    assert idea_at(version, 0, 2) is None  # hidden: neither discussed nor drafted
    login(world["member"])
    page = unescape(client.get(f"/groupes/{group.id}/syntheses/{version.id}").text)
    assert "Des bus le soir" in page
    assert "transports soir" not in page
    assert "logement jeunes" not in page
    url = f"/groupes/{group.id}/fiches/nouvelle?version={version.id}&idee=0-1"
    drafting = unescape(client.get(url).text)
    assert 'value="Des bus le soir"' in drafting


def test_curation_is_for_the_team_only(client, login, make_user, world, db):
    version = world["version"]
    assert curate(client, version, action="hide", idea="0-0").status_code == 302  # sign in
    for role in ("participant", "member", "partner"):
        login(make_user(role=role))
        assert curate(client, version, action="hide", idea="0-0").status_code in (403, 404)
    assert db.session.scalar(sa.select(sa.func.count(IdeaCuration.id))) == 0


def test_a_published_version_no_longer_changes(client, facilitator, world, db):
    version = world["version"]
    curate(client, version, action="rename", idea="0-0", title="Avant publication")
    version.editorial = {"introduction": "<p>Intro</p>"}
    services.change_status(version, "published", actor=facilitator, now=utcnow())
    db.session.commit()
    page = curate(client, version, action="rename", idea="0-0", title="Après")
    assert page.status_code == 303
    assert labels(version)[0] == "Avant publication"
    assert db.session.scalar(sa.select(sa.func.count(IdeaCuration.id))) == 1


def test_the_confirmation_shows_in_the_idea_panel_opened_again(client, facilitator, world):
    version = world["version"]
    answer = curate(client, version, action="rename", idea="0-1", title="Des bus le soir")
    assert answer.headers["Location"].endswith("#retouche-0-1")
    page = unescape(client.get(answer.headers["Location"]).text)
    panel = page.split('id="retouche-0-1"')[1].split("</details>")[0]
    assert panel.startswith(" open>")
    assert "Idée renommée : « transports soir » → « Des bus le soir »." in panel
    refused = curate(client, version, action="merge", idea="0-1", other="")
    page = unescape(client.get(refused.headers["Location"]).text)
    assert "Choisissez dans la liste l'idée à fusionner dans celle-ci." in page


def test_a_new_draft_is_shared_with_the_groups_already_reading_the_synthesis(
    client, facilitator, world, db
):
    version, group = world["version"], world["group"]
    draft = services.add_version(version.synthesis, version.document, 9, now=utcnow())
    db.session.commit()
    url = f"/syntheses/{version.synthesis_id}/v{draft.number}"
    page = unescape(client.get(url).text)
    assert "pas ce brouillon : cochez-les pour leur partager cette version" in page
    assert f'value="{group.id}" checked' in page
    answer = client.post(
        f"{url}/etat", data={"target": "shared", "group_ids": [group.id]}, follow_redirects=True
    )
    assert f"Version {draft.number} partagée avec : {group.name}." in unescape(answer.text)
    assert draft.status == "shared"


def test_the_group_numbers_the_ideas_it_reads_without_gaps(client, login, facilitator, world):
    version, group = world["version"], world["group"]
    curate(client, version, action="hide", idea="0-0")
    login(world["member"])
    page = unescape(client.get(f"/groupes/{group.id}/syntheses/{version.id}").text)
    assert "relues par l'équipe d'animation (1 retouche : titres" in page
    assert "Idée 1 : transports soir" in page
    assert "Idée 2 : logement jeunes" in page
    assert "9 contributions, 2 idées." in page


def _regenerated(version, ideas: list[Idea], ids: list[int], db):
    second = services.add_version(version.synthesis, handmade(ideas, ids), len(ids), now=utcnow())
    db.session.commit()
    return second


def test_a_moved_contribution_rejected_since_does_not_come_back(client, facilitator, world, db):
    version, ids = world["version"], world["ids"]
    curate(client, version, action="move", idea="0-0", contribution=str(ids[8]))
    assert ids[8] in current_version(version).document.sections[0].ideas[0].ids
    db.session.get(Contribution, ids[8]).status = "rejected"
    db.session.commit()
    live = current_version(version)
    assert all(ids[8] not in idea.ids for idea in live.document.sections[0].ideas)
    assert live.document.sections[0].ideas[0].size == 3
    page = unescape(client.get(f"/syntheses/{version.synthesis_id}/v1").text)
    assert f"contribution n° {ids[8]} — <strong>non reprise dans cette version</strong>" in page


def test_a_change_this_version_cannot_carry_is_said_plainly(client, login, facilitator, world, db):
    version, ids, texts = world["version"], world["ids"], world["texts"]
    curate(client, version, action="rename", idea="0-0", title="Des places en crèche")
    curate(client, version, action="rename", idea="0-2", title="Se loger quand on est jeune")
    # The new version no longer groups the logement contributions as an idea.
    second = _regenerated(
        version, [idea("crèches", ids[0:3], texts), idea("bus", ids[3:6], texts)], ids, db
    )
    live = current_version(second)
    assert [i.label for i in live.document.sections[0].ideas] == ["Des places en crèche", "bus"]
    assert len(live.not_carried) == 1
    page = unescape(client.get(f"/syntheses/{version.synthesis_id}/v2").text)
    assert "1 retouche n'a pas pu être reprise dans cette version</strong>" in page
    history = page.split('id="curation-historique"')[1]
    assert "« Se loger quand on est jeune » — <strong>non reprise dans cette version" in history
    assert "« Des places en crèche » — non reprise" not in history
    first = unescape(client.get(f"/syntheses/{version.synthesis_id}/v1").text)
    assert "pas pu être reprise" not in first  # the version they were made on carries both
    second.status = "shared"
    db.session.commit()
    login(world["member"])
    group_page = unescape(client.get(f"/groupes/{world['group'].id}/syntheses/{second.id}").text)
    assert "relues par l'équipe d'animation (1 retouche : titres" in group_page  # not 2


def test_chosen_quotes_gone_elsewhere_leave_the_idea_its_own(client, facilitator, world, db):
    version, ids, texts = world["version"], world["ids"], world["texts"]
    curate(client, version, action="quotes", idea="0-2", ids=[ids[7]])
    page = unescape(client.get(f"/syntheses/{version.synthesis_id}/v1").text)
    assert "3 contributions — retouchée" in page.split('id="retouche-0-2"')[1][:400]
    second = _regenerated(
        version,
        [idea("loyers", [ids[6], ids[8]], texts), idea("crèches", ids[0:3] + [ids[7]], texts)],
        ids,
        db,
    )
    live = current_version(second)
    assert [q.id for q in live.document.sections[0].ideas[0].quotes] == [ids[6]]
    assert len(live.not_carried) == 1


def test_a_split_the_new_version_found_by_itself_keeps_its_title(client, facilitator, world, db):
    version, ids, texts = world["version"], world["ids"], world["texts"]
    curate(client, version, action="split", idea="0-2", ids=ids[6:8], title="Se loger")
    second = _regenerated(
        version,
        [idea("loyers gares", ids[6:8], texts), idea("premier logement", ids[8:9], texts)],
        ids,
        db,
    )
    live = current_version(second)
    assert [i.label for i in live.document.sections[0].ideas] == ["Se loger", "premier logement"]
    assert live.not_carried == []


def test_a_new_contribution_follows_the_side_of_a_split_it_resembles(
    client, facilitator, world, db
):
    version, ids, texts = world["version"], world["ids"], world["texts"]
    mixed = idea("places en crèche", ids[0:3] + ids[6:8], texts)
    version.document = handmade([mixed, idea("transports soir", ids[3:6], texts)], ids)
    db.session.commit()
    curate(client, version, action="split", idea="0-0", ids=ids[6:8], title="Se loger")
    # The next version groups them again, with « Aider les jeunes à trouver un premier
    # logement », in no idea when the team split: it goes with the housing part.
    second = _regenerated(
        version,
        [idea("places en crèche", ids[0:3] + ids[6:9], texts), idea("bus", ids[3:6], texts)],
        ids,
        db,
    )
    ideas_now = {i.label: i.ids for i in current_version(second).document.sections[0].ideas}
    assert ideas_now == {
        "places en crèche": ids[0:3],
        "bus": ids[3:6],
        "Se loger": ids[6:9],
    }


def test_a_published_version_says_where_its_ideas_are_curated(client, facilitator, world, db):
    version, ids, texts = world["version"], world["ids"], world["texts"]
    draft_page = unescape(client.get(f"/syntheses/{version.synthesis_id}/v1").text)
    assert '<a href="#curation">Retoucher les idées</a>' in draft_page
    version.editorial = {"introduction": "<p>Intro</p>"}
    services.change_status(version, "published", actor=facilitator, now=utcnow())
    db.session.commit()
    page = unescape(client.get(f"/syntheses/{version.synthesis_id}/v1").text)
    assert "Cette version est publiée : ses idées ne se retouchent plus." in page
    assert f'<a href="/syntheses/{version.synthesis_id}">générez une nouvelle version</a>' in page
    _regenerated(version, [idea("crèches", ids[0:3], texts)], ids, db)
    page = unescape(client.get(f"/syntheses/{version.synthesis_id}/v1").text)
    link = f'<a href="/syntheses/{version.synthesis_id}/v2#curation">'
    assert f"{link}retouchez celles de la version 2</a>" in page


def test_two_ideas_cannot_bear_the_same_title(client, facilitator, world, db):
    version, ids = world["version"], world["ids"]
    url = f"/syntheses/{version.synthesis_id}/v1/idees"
    for data, message in [
        (
            {"action": "rename", "idea": "0-0", "title": "Transports  SOIR"},
            "Une autre idée porte déjà le titre « transports soir » : choisissez-en un autre,"
            " ou fusionnez les deux idées.",
        ),
        (
            {"action": "split", "idea": "0-2", "ids": [ids[6]], "title": "places en crèche"},
            "Une autre idée porte déjà le titre « places en crèche »",
        ),
        (
            {"action": "split", "idea": "0-2", "ids": [ids[6]], "title": ""},
            "Donnez un titre d'au moins 3 caractères à la nouvelle idée.",
        ),
    ]:
        page = client.post(url, data=data, follow_redirects=True)
        assert message in unescape(page.text), data
    assert db.session.scalar(sa.select(sa.func.count(IdeaCuration.id))) == 0
    curate(client, version, action="rename", idea="0-0", title="Places en crèche")  # its own
    assert labels(version)[0] == "Places en crèche"


def test_a_refused_change_offers_again_what_was_typed(client, facilitator, world):
    version, ids = world["version"], world["ids"]
    refused = curate(client, version, action="split", idea="0-2", ids=ids[6:8], title="Lo")
    page = unescape(client.get(refused.headers["Location"]).text)
    panel = page.split('id="retouche-0-2"')[1].split("</details>")[0]
    assert "Donnez un titre d'au moins 3 caractères à la nouvelle idée." in panel
    for ident in ids[6:8]:
        assert f'id="choix-0-2-{ident}" checked>' in panel
    assert f'id="choix-0-2-{ids[8]}">' in panel
    assert 'aria-describedby="scinder-0-2-aide" value="Lo">' in panel
    refused = curate(client, version, action="rename", idea="0-1", title="places en crèche")
    page = unescape(client.get(refused.headers["Location"]).text)
    assert ">places en crèche</textarea>" in page.split('id="retouche-0-1"')[1]
    again = unescape(client.get(refused.headers["Location"]).text)  # once only
    assert ">transports soir</textarea>" in again.split('id="retouche-0-1"')[1]


def test_a_split_part_found_apart_from_its_idea_keeps_its_title(client, facilitator, world, db):
    version, ids, texts = world["version"], world["ids"], world["texts"]
    curate(client, version, action="split", idea="0-2", ids=[ids[8]], title="Un premier logement")
    second = _regenerated(
        version,
        [idea("loyers gares", ids[6:8], texts), idea("premier", ids[8:9], texts)],
        ids,
        db,
    )
    live = current_version(second)
    labels_now = [i.label for i in live.document.sections[0].ideas]
    assert labels_now == ["loyers gares", "Un premier logement"]
    assert live.not_carried == []


def test_a_scattered_idea_lends_its_title_to_no_unrelated_idea(client, facilitator, world, db):
    version, ids, texts = world["version"], world["ids"], world["texts"]
    curate(client, version, action="rename", idea="0-0", title="Des places en crèche")
    curate(client, version, action="merge", idea="0-1", other="0-2")
    # The new version scatters the crèche and logement contributions: one of each lands in
    # an unrelated idea, which must not take the crèche title nor be merged away.
    second = _regenerated(
        version,
        [
            idea("bus du soir", [ids[0]] + ids[3:6], texts),
            idea("horaires", [ids[1], ids[6]], texts),
            idea("loyers", [ids[2], ids[7]], texts),
            idea("gares", [ids[8]], texts),
        ],
        ids,
        db,
    )
    live = current_version(second)
    ideas = live.document.sections[0].ideas
    assert [i.label for i in ideas if not i.hidden] == [
        "bus du soir",
        "horaires",
        "loyers",
        "gares",
    ]
    assert ideas[0].ids == [ids[0]] + ids[3:6]  # nothing absorbed into the transports idea
    assert len(live.not_carried) == 2  # both said, not silently lost or misplaced
    page = unescape(client.get(f"/syntheses/{version.synthesis_id}/v2").text)
    assert "2 retouches n'ont pas pu être reprises dans cette version</strong>" in page
    # Two of the three crèche contributions, drowned in an idea of eight: not the same idea.
    third = _regenerated(
        version, [idea("tout", ids[0:2] + ids[3:9], texts), idea("seul", [ids[2]], texts)], ids, db
    )
    assert "Des places en crèche" not in labels(third)
    # The crèche idea grown by a new contribution, even regrouped: still the crèche idea.
    fourth = _regenerated(
        version,
        [idea("crèches", ids[0:3] + [ids[6]], texts), idea("bus", ids[3:6] + ids[7:9], texts)],
        ids,
        db,
    )
    assert labels(fourth) == ["Des places en crèche", "bus"]


def test_undoing_a_merge_gives_the_contributions_back_once(client, facilitator, world, db):
    version, ids, texts = world["version"], world["ids"], world["texts"]
    curate(client, version, action="merge", idea="0-0", other="0-1")
    page = unescape(client.get(f"/syntheses/{version.synthesis_id}/v1").text)
    panel = page.split('id="retouche-0-1"')[1].split("</details>")[0]
    assert "3 contributions — fusionnée" in panel
    assert "Cette idée a été fusionnée dans « places en crèche »" in panel
    assert "Défaire la fusion</button>" in panel
    curate(client, version, action="show", idea="0-1")
    ideas = current_version(version).document.sections[0].ideas
    assert [(i.label, i.ids, i.hidden) for i in ideas] == [
        ("places en crèche", ids[0:3], False),
        ("transports soir", ids[3:6], False),
        ("logement jeunes", ids[6:9], False),
    ]  # each contribution counted once: the keeper lost what it had absorbed
    assert ideas[0].size == 3
    assert [q.id for q in ideas[0].quotes] == [ids[0]]
    history = unescape(client.get(f"/syntheses/{version.synthesis_id}/v1").text)
    history = history.split('id="curation-historique"')[1]
    assert (
        "« transports soir » — fusion défaite : 3 contributions quittent « places en crèche »"
        in history
    )
    # A regenerated version undoes it too; a hidden idea shown again is only shown.
    curate(client, version, action="hide", idea="0-2")
    curate(client, version, action="show", idea="0-2")
    second = _regenerated(
        version,
        [idea("bus", ids[3:6], texts), idea("crèche", ids[0:3], texts)]
        + [idea("loyers", ids[6:9], texts)],
        ids,
        db,
    )
    live = current_version(second)
    assert [(i.ids, i.hidden) for i in live.document.sections[0].ideas] == [
        (ids[3:6], False),
        (ids[0:3], False),
        (ids[6:9], False),
    ]
    assert live.not_carried == []


def test_the_history_of_one_split_off_contribution_and_one_quote_is_singular(
    client, facilitator, world
):
    version, ids = world["version"], world["ids"]
    curate(client, version, action="split", idea="0-2", ids=[ids[8]], title="Un premier logement")
    curate(client, version, action="quotes", idea="0-0", ids=[ids[1]])
    page = unescape(client.get(f"/syntheses/{version.synthesis_id}/v1").text)
    history = page.split('id="curation-historique"')[1]
    assert "« Un premier logement » (1 contribution)" in history
    assert "« places en crèche » (1 citation)" in history
    assert "(1 contributions)" not in page
    assert "(1 citations)" not in page


def test_a_long_contribution_beside_its_box_is_cut_between_words(client, facilitator, world, db):
    version, ids = world["version"], world["ids"]
    long_text = "Les familles monoparentales " + "attendent une place en crèche " * 8
    db.session.get(Contribution, ids[0]).body = long_text
    db.session.commit()
    page = unescape(client.get(f"/syntheses/{version.synthesis_id}/v1").text)
    panel = page.split('id="retouche-0-0"')[1].split("</details>")[0]
    label = panel.split(f'for="choix-0-0-{ids[0]}">')[1].split("</label>")[0]
    start = label.split("</strong> — ")[1]
    assert start.endswith(" …")
    whole = " ".join(long_text.split())
    kept = start.removesuffix(" …")
    assert whole.startswith(kept)
    assert whole[len(kept)] == " "  # cut between two words, never inside one
