"""Issue 12 #18: other groups' draft fiches never show through « Fiches liées »; draft
meetings are the team's only, even for the members of their working group."""

from html import unescape

import pytest
import sqlalchemy as sa

from consult.fiches import services as fiche_services
from consult.meetings.services import visible_meetings
from consult.schemes.models import Fiche, FicheLink
from consult.workgroups import services

SECRET = "Projet confidentiel du groupe voisin"
DRAFT_MEETING = "Réunion encore en préparation"
FIELDS = {"title": "Des crèches aux horaires décalés", "part": "transversale"}


@pytest.fixture
def world(make_scheme, make_user, make_working_group, make_meeting, db):
    scheme = make_scheme()
    alice, bob = make_user(role="member"), make_user(role="member")
    ours = make_working_group(scheme=scheme, members=[(alice, "pilote")])
    theirs = make_working_group(scheme=scheme, members=[(bob, "pilote")])
    secret = Fiche(
        scheme=scheme,
        number=f"GT{theirs.id}-1",
        title=SECRET,
        status="brouillon",
        working_group_id=theirs.id,
        position=100,
    )
    db.session.add(secret)
    make_meeting(scheme=scheme, status="draft", title=DRAFT_MEETING, working_group_id=ours.id)
    make_meeting(scheme=scheme, status="open", title="Réunion ouverte du groupe")
    db.session.commit()
    return {"scheme": scheme, "alice": alice, "ours": ours, "secret": secret}


def draft_fiche(client, group, links: str):
    return client.post(
        f"/groupes/{group.id}/fiches/nouvelle",
        data={**FIELDS, "links": links, "form_key": "k" * 24},
    )


def our_fiche(db, group) -> Fiche:
    return db.session.scalars(sa.select(Fiche).where(Fiche.working_group_id == group.id)).one()


def test_typing_another_groups_number_links_nothing_and_shows_no_title(client, login, world, db):
    login(world["alice"])
    response = draft_fiche(client, world["ours"], f"{world['secret'].number}, 31")
    assert response.status_code == 303
    fiche = our_fiche(db, world["ours"])
    links = {link.target_number: link.target for link in fiche.links}
    assert links[world["secret"].number] is None  # like a number no fiche has
    assert links["31"].number == "31"
    page = unescape(client.get(response.headers["Location"]).get_data(as_text=True))
    assert SECRET not in page
    assert links["31"].title in page


def test_public_page_of_a_validated_fiche_shows_only_public_linked_fiches(
    client, login, world, make_user, db
):
    login(world["alice"])
    draft_fiche(client, world["ours"], "31")
    fiche = our_fiche(db, world["ours"])
    # The team may link any fiche: the link stays, but shows where it may be read only.
    fiche.links.append(FicheLink(target_number=world["secret"].number, target=world["secret"]))
    fiche.status = "validee"
    db.session.commit()
    public_url = f"/schemas/{world['scheme'].slug}/fiches/{fiche.number}"
    for viewer in (None, world["alice"], make_user(role="facilitator")):
        client.post("/deconnexion")
        if viewer is not None:
            login(viewer)
        page = unescape(client.get(public_url).get_data(as_text=True))
        assert fiche.title in page
        assert SECRET not in page
    group_page = f"/groupes/{world['ours'].id}/fiches/{fiche.id}"
    assert SECRET in unescape(client.get(group_page).get_data(as_text=True))  # the team
    client.post("/deconnexion")
    login(world["alice"])
    assert SECRET not in unescape(client.get(group_page).get_data(as_text=True))


def test_a_members_edit_keeps_the_teams_link(client, login, world, db):
    login(world["alice"])
    draft_fiche(client, world["ours"], "31")
    fiche = our_fiche(db, world["ours"])
    fiche.links.append(FicheLink(target_number=world["secret"].number, target=world["secret"]))
    db.session.commit()
    links = f"31, {world['secret'].number}"
    response = client.post(
        f"/groupes/{world['ours'].id}/fiches/{fiche.id}/modifier",
        data={**FIELDS, "links": links},
    )
    assert response.status_code in (302, 303)
    db.session.refresh(fiche)
    assert [link.target for link in fiche.links] == [
        db.session.scalars(sa.select(Fiche).where(Fiche.number == "31")).first(),
        world["secret"],
    ]


def test_members_do_not_see_their_groups_draft_meetings(client, login, world, make_user):
    login(world["alice"])
    group_page = unescape(client.get(f"/groupes/{world['ours'].id}/").get_data(as_text=True))
    assert "Rencontres du groupe" in group_page
    assert DRAFT_MEETING not in group_page
    facilitator = make_user(role="facilitator")
    client.post("/deconnexion")
    login(facilitator)
    group_page = unescape(client.get(f"/groupes/{world['ours'].id}/").get_data(as_text=True))
    assert DRAFT_MEETING in group_page


def test_every_list_of_meetings_follows_the_same_rule(world, make_user):
    facilitator, scheme_id = make_user(role="facilitator"), world["scheme"].id
    for titles_of in (
        lambda user: services.group_meetings(world["ours"], user),
        lambda user: fiche_services.scheme_meetings(scheme_id, user),
        lambda user: visible_meetings(user),
    ):
        assert DRAFT_MEETING not in [meeting.title for meeting in titles_of(world["alice"])]
        assert DRAFT_MEETING in [meeting.title for meeting in titles_of(facilitator)]
