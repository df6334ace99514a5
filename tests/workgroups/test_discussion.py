"""Reading a synthesis version as a group: ideas, discussion, co-validation, who reads what."""

import pytest
import sqlalchemy as sa

from consult.synthesis.models import SynthesisValidation
from consult.synthesis.permissions import can_read_version
from consult.workgroups.models import IdeaComment


@pytest.fixture
def version(make_synthesis_version, make_meeting, group, scheme, db):
    """A shared synthesis version, shared with ``group``."""
    version = make_synthesis_version(
        meeting=make_meeting(scheme=scheme), status="shared", group=group
    )
    db.session.commit()
    return version


def first_idea(version):
    for s, section in enumerate(version.document["sections"]):
        if section["ideas"]:
            return s, 0, section["ideas"][0]
    raise AssertionError("the synthesis has no idea")


def page_url(group, version):
    return f"/groupes/{group.id}/syntheses/{version.id}"


def comment_url(group, version, section, idea):
    return f"{page_url(group, version)}/idees/{section}/{idea}/commentaires"


def test_the_group_reads_the_version_idea_by_idea(client, login, group, version):
    login(group.plain)
    page = client.get(page_url(group, version))
    assert page.status_code == 200
    s, i, idea = first_idea(version)
    assert f'id="idee-{s}-{i}"' in page.text
    assert idea["label"] in page.text
    assert idea["quotes"][0]["text"] in page.text
    assert f"/contributions/{idea['ids'][0]}" in page.text  # links to its contributions
    # The form that drafts a fiche from the ideas (helper endpoint of the fiches blueprint).
    assert f'action="/groupes/{group.id}/fiches/nouvelle"' in page.text
    assert f'name="version" value="{version.id}"' in page.text
    assert f'name="idee" id="choix-idee-{s}-{i}" value="{s}-{i}"' in page.text
    assert "Rédiger une fiche à partir des idées cochées" in page.text
    assert page.text.count("<h1") == 1


def test_reading_page_is_hidden_outside_the_group(
    client, login, people, group, version, make_working_group, make_user, scheme, db
):
    stranger = make_user(role="member")
    make_working_group(scheme=scheme, name="Autre groupe", members=[(stranger, "membre")])
    db.session.commit()
    assert client.get(page_url(group, version)).status_code == 302  # anonymous: sign in first
    for user in (people["participant"], people["partner"], people["member"], stranger):
        login(user)
        assert client.get(page_url(group, version)).status_code == 404
    login(people["facilitator"])
    assert client.get(page_url(group, version)).status_code == 200


def test_a_version_not_shared_with_the_group_is_404(
    client,
    login,
    people,
    group,
    version,
    make_synthesis_version,
    make_meeting,
    make_working_group,
    scheme,
    db,
):
    other_group = make_working_group(scheme=scheme, name="Autre groupe")
    elsewhere = make_synthesis_version(
        meeting=make_meeting(scheme=scheme), status="shared", group=other_group
    )
    db.session.commit()
    login(people["admin"])
    assert client.get(page_url(group, elsewhere)).status_code == 404
    assert client.get(page_url(other_group, elsewhere)).status_code == 200
    version.status = "draft"  # taken back by the team
    db.session.commit()
    assert client.get(page_url(group, version)).status_code == 404
    assert client.get(f"/groupes/{group.id}/syntheses/999999").status_code == 404


def test_members_discuss_an_idea(client, login, people, group, version, count):
    s, i, _ = first_idea(version)
    login(group.plain)
    response = client.post(
        comment_url(group, version, s, i), data={"body": '<script>alert("x")</script>Bonne idée'}
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{page_url(group, version)}#idee-{s}-{i}")
    stored = db_comments(version)
    assert [(c.body, c.author_id, c.section, c.idea) for c in stored] == [
        ('alert("x")Bonne idée', group.plain.id, s, i)
    ]
    # Sent twice (double click): kept once.
    client.post(
        comment_url(group, version, s, i), data={"body": '<script>alert("x")</script>Bonne idée'}
    )
    assert len(db_comments(version)) == 1
    login(people["facilitator"])
    client.post(comment_url(group, version, s, i), data={"body": "Merci, <b>noté</b> & relu"})
    page = client.get(page_url(group, version))
    assert "<script>alert" not in page.text
    assert "Marc Membre" in page.text
    assert "Discussion (2 messages)" in page.text
    assert "Merci, noté &amp; relu" in page.text
    assert page.text.index("Bonne idée") < page.text.index("Merci, noté")  # oldest first


def db_comments(version):
    from consult.extensions import db

    return db.session.scalars(
        sa.select(IdeaComment).where(IdeaComment.version_id == version.id).order_by(IdeaComment.id)
    ).all()


def test_a_comment_must_say_something(client, login, group, version, count):
    s, i, _ = first_idea(version)
    login(group.plain)
    for body in ("", "x", "<b></b>", "a" * 2001):
        response = client.post(comment_url(group, version, s, i), data={"body": body})
        assert response.status_code == 422, body
        assert "Votre message n'a pas été envoyé" in response.text
        assert 'aria-invalid="true"' in response.text
    assert count(IdeaComment) == 0


def test_comments_on_a_missing_idea_or_from_outside_are_refused(
    client, login, people, group, version, count
):
    s, i, _ = first_idea(version)
    login(group.plain)
    sections = len(version.document["sections"])
    assert (
        client.post(comment_url(group, version, sections, 0), data={"body": "Oui"}).status_code
        == 404
    )
    assert client.post(comment_url(group, version, s, 999), data={"body": "Oui"}).status_code == 404
    for user in (people["member"], people["partner"], people["participant"]):
        login(user)
        assert (
            client.post(comment_url(group, version, s, i), data={"body": "Oui"}).status_code == 404
        )
    client.post("/deconnexion")
    assert client.post(comment_url(group, version, s, i), data={"body": "Oui"}).status_code == 302
    assert count(IdeaComment) == 0


def test_the_user_representative_validates_once(client, login, group, version, count, db):
    url = f"{page_url(group, version)}/validation"
    login(group.representative)
    page = client.get(page_url(group, version))
    assert "J&#39;ai relu cette synthèse et je la valide" in page.text
    response = client.post(url, data={"comment": "Relu avec le groupe <i>des usagers</i>"})
    assert response.status_code == 303
    assert client.post(url, data={"comment": ""}).status_code == 303  # again: kept once
    rows = db.session.scalars(sa.select(SynthesisValidation)).all()
    assert [(r.user_id, r.working_group_id, r.version_id, r.comment) for r in rows] == [
        (group.representative.id, group.id, version.id, "Relu avec le groupe des usagers")
    ]
    page = client.get(page_url(group, version))
    assert "Relue et validée par Rose Représentante le" in page.text
    assert "J&#39;ai relu cette synthèse et je la valide" not in page.text
    space = client.get(f"/groupes/{group.id}/")
    assert "Relue et validée par Rose Représentante le" in space.text
    synthesis_page = client.get(f"/syntheses/{version.synthesis_id}/v{version.number}")
    assert synthesis_page.status_code == 200
    assert "Relue et validée par Rose Représentante" in synthesis_page.text
    assert count(SynthesisValidation) == 1


def test_validation_comment_is_limited(client, login, group, version, count):
    login(group.representative)
    response = client.post(f"{page_url(group, version)}/validation", data={"comment": "a" * 2001})
    assert response.status_code == 422
    assert "2000 caractères au maximum" in response.text
    assert count(SynthesisValidation) == 0


def test_only_user_representatives_validate(client, login, people, group, version, count):
    url = f"{page_url(group, version)}/validation"
    for user in (group.plain, group.pilot, people["facilitator"]):
        login(user)
        response = client.post(url, data={"comment": ""})
        assert response.status_code == 403
        assert "Seuls les représentants des usagers" in response.text
        page = client.get(page_url(group, version))
        assert "J&#39;ai relu cette synthèse et je la valide" not in page.text
    for user in (people["member"], people["participant"]):
        login(user)
        assert client.post(url, data={"comment": ""}).status_code == 404
    client.post("/deconnexion")
    assert client.post(url, data={"comment": ""}).status_code == 302  # sign in first
    assert count(SynthesisValidation) == 0


def test_shared_versions_are_read_by_the_team_and_the_groups_they_are_shared_with(
    client, login, people, group, version, make_synthesis_version, make_meeting, scheme, db
):
    unshared = make_synthesis_version(meeting=make_meeting(scheme=scheme), status="shared")
    db.session.commit()
    url = f"/syntheses/{version.synthesis_id}/v{version.number}"
    for user in (group.plain, group.representative, people["facilitator"], people["admin"]):
        assert can_read_version(user, version), user.role
        login(user)
        assert client.get(url).status_code == 200
    for user in (people["member"], people["partner"], people["participant"], group.plain):
        assert not can_read_version(user, unshared) or user.role in ("admin", "facilitator")
        login(user)
        other = f"/syntheses/{unshared.synthesis_id}/v{unshared.number}"
        assert client.get(other).status_code == 404
    for user in (people["member"], people["partner"]):
        assert not can_read_version(user, version)
        login(user)
        assert client.get(url).status_code == 404
    client.post("/deconnexion")
    assert client.get(url).status_code == 404
    version.status = "published"
    db.session.commit()
    assert client.get(url).status_code == 200  # published: everyone
    # Validations stay with the team and the group, even once published.
    db.session.add(
        SynthesisValidation(
            working_group_id=group.id, version_id=version.id, user_id=group.representative.id
        )
    )
    db.session.commit()
    assert "Rose Représentante" not in client.get(url).text
    login(people["facilitator"])
    assert "Rose Représentante" in client.get(url).text


def test_the_team_records_a_validation_given_on_paper(client, login, people, group, version, count):
    url = f"{page_url(group, version)}/validation"
    on_paper = {"on_behalf_of": "Mme Girard <b>", "comment": "Relu en réunion, d'accord"}
    login(group.plain)  # a member is not the team: nobody may sign for someone else
    assert client.post(url, data=on_paper).status_code == 403
    login(people["facilitator"])
    assert (
        "Enregistrer une validation donnée sur papier" in client.get(page_url(group, version)).text
    )
    assert client.post(url, data=on_paper).status_code == 303
    assert client.post(url, data=on_paper).status_code == 303  # twice: recorded once
    assert client.post(url, data={**on_paper, "on_behalf_of": "M. Petit"}).status_code == 303
    assert count(SynthesisValidation) == 2
    page = client.get(page_url(group, version)).text
    recorder = people["facilitator"].display_name
    assert f"Mme Girard (validation recueillie par {recorder})" in page  # markup stripped
    assert "M. Petit (validation recueillie par" in page
    login(group.representative)  # the representative still validates in their own name
    assert client.post(url, data={"comment": ""}).status_code == 303
    assert count(SynthesisValidation) == 3


def test_the_group_reads_its_own_theme_first_and_the_others_folded(
    client, login, group, version, db
):
    """Field trial: a group's reading page started with other groups' themes (and ran to
    ~67,000 px on a phone). Its own section comes first; the others follow, folded."""
    from consult.synthesis.services import section_title

    section = version.document["sections"][0]
    other = dict(section, title="9. Un autre sujet")
    own = dict(section, title=section_title(group.theme))
    version.document = dict(version.document, sections=[other, own])
    db.session.commit()
    login(group.plain)
    page = client.get(page_url(group, version)).text
    folded = page.index('<details class="group-others">')
    assert page.index('id="partie-1"') < folded < page.index('id="partie-0"')
    # comments and the fiche form still name a section by its place in the document
    assert f'action="{comment_url(group, version, 1, 0)}"' in page
    assert page.index('id="choix-idee-1-0"') < page.index('id="choix-idee-0-0"')


def test_a_group_without_its_own_section_reads_the_synthesis_as_it_is(
    client, login, group, version
):
    login(group.plain)
    page = client.get(page_url(group, version)).text
    assert "group-others" not in page  # nothing folded: « Toutes les contributions »
