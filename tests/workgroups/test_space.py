"""Working groups over HTTP: list, create and edit, private space, members, sharing."""

from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from markupsafe import escape

from consult.schemes.models import Membership, WorkingGroup
from consult.synthesis.models import GroupSynthesis
from consult.tagging.models import ContributionTag


def sign_out(client):
    client.post("/deconnexion")


# --- The list ------------------------------------------------------------------------


def test_list_needs_an_account(client, group):
    response = client.get("/groupes/")
    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]


def test_member_sees_only_their_groups(client, login, group, make_working_group, scheme, db):
    other = make_working_group(scheme=scheme, name="Logement des jeunes")
    db.session.commit()
    login(group.plain)
    page = client.get("/groupes/")
    assert page.status_code == 200
    assert "Accès aux droits" in page.text
    assert "Logement des jeunes" not in page.text
    assert "Votre rôle" in page.text
    assert "Membre" in page.text
    assert "CAF de la Savoie" in page.text
    assert "Créer un groupe de travail" not in page.text
    assert f"/groupes/{other.id}/" not in page.text


def test_staff_see_every_group_by_scheme(client, login, people, group, make_working_group, db):
    other = make_working_group(name="Logement des jeunes")  # another scheme
    db.session.commit()
    for role in ("facilitator", "admin"):
        login(people[role])
        page = client.get("/groupes/")
        assert "Accès aux droits" in page.text
        assert "Logement des jeunes" in page.text
        assert page.text.index(group.scheme.department) < page.text.index("Accès aux droits")
        assert page.text.index(other.scheme.department) < page.text.index("Logement des jeunes")
        assert "Créer un groupe de travail" in page.text


def test_account_without_group_gets_an_explanation(client, login, people, group):
    login(people["partner"])
    page = client.get("/groupes/")
    assert page.status_code == 200
    assert "Vous ne faites partie d'aucun groupe de travail" in page.text
    assert "Accès aux droits" not in page.text


# --- Creating and editing --------------------------------------------------------------


def group_data(scheme, **overrides):
    data = {
        "scheme_id": scheme.id,
        "name": "Aller vers les publics",
        "description": "Pour les <b>publics</b> éloignés",
        "theme_id": scheme.themes[1].id,
        "fiche_ids": [scheme.fiches[0].id, scheme.fiches[1].id],
        "pilot_organisation_id": 0,
        "copilot_organisation_id": 0,
    }
    return data | overrides


def test_facilitator_creates_a_group(client, login, people, scheme, make_organisation, db, count):
    caf = make_organisation(name="CAF")
    db.session.commit()
    login(people["facilitator"])
    form = client.get("/groupes/nouveau")
    assert form.status_code == 200
    assert escape(scheme.themes[1].title) in form.text
    assert escape(scheme.fiches[1].title) in form.text
    response = client.post(
        "/groupes/nouveau", data=group_data(scheme, pilot_organisation_id=caf.id)
    )
    assert response.status_code == 303
    group = db.session.scalars(sa.select(WorkingGroup)).one()
    assert response.headers["Location"].endswith(f"/groupes/{group.id}/")
    assert (group.name, group.theme_id, group.pilot_organisation_id) == (
        "Aller vers les publics",
        scheme.themes[1].id,
        caf.id,
    )
    assert group.description == "Pour les publics éloignés"  # sanitised
    assert {f.id for f in group.fiches} == {scheme.fiches[0].id, scheme.fiches[1].id}
    assert group.created_by_id == people["facilitator"].id
    # The same form sent again: a French message, no second group.
    again = client.post("/groupes/nouveau", data=group_data(scheme))
    assert again.status_code == 422
    assert "s&#39;appelle déjà" in again.text
    assert count(WorkingGroup) == 1


def test_create_refuses_bad_input(client, login, people, scheme, make_scheme, db, count):
    other = make_scheme(department="Haute-Savoie")
    db.session.commit()
    login(people["admin"])
    short = client.post("/groupes/nouveau", data=group_data(scheme, name="A"))
    assert short.status_code == 422
    assert "Entre 3 et 200 caractères" in short.text
    wrong_theme = client.post(
        "/groupes/nouveau", data=group_data(scheme, theme_id=other.themes[0].id)
    )
    assert wrong_theme.status_code == 422
    assert "Choisissez une thématique du schéma du groupe" in wrong_theme.text
    wrong_fiche = client.post(
        "/groupes/nouveau", data=group_data(scheme, fiche_ids=[other.fiches[0].id])
    )
    assert wrong_fiche.status_code == 422
    assert "fiches actions du schéma du groupe" in wrong_fiche.text
    assert count(WorkingGroup) == 0


@pytest.mark.parametrize("role", ["participant", "partner", "member"])
def test_only_staff_create_or_edit(client, login, people, group, scheme, role, count):
    assert client.get("/groupes/nouveau").status_code == 302  # anonymous: sign in
    login(people[role])
    assert client.get("/groupes/nouveau").status_code == 403
    assert client.post("/groupes/nouveau", data=group_data(scheme)).status_code == 403
    assert client.get(f"/groupes/{group.id}/modifier").status_code == 403
    assert client.post(f"/groupes/{group.id}/modifier", data=group_data(scheme)).status_code == 403
    assert count(WorkingGroup) == 1
    login(group.pilot)  # even the group's pilot: the team manages groups
    assert client.get(f"/groupes/{group.id}/modifier").status_code == 403


def test_edit_a_group(client, login, people, group, make_working_group, scheme, db):
    make_working_group(scheme=scheme, name="Logement des jeunes")
    db.session.commit()
    login(people["facilitator"])
    form = client.get(f"/groupes/{group.id}/modifier")
    assert form.status_code == 200
    assert 'value="Accès aux droits"' in form.text
    taken = client.post(
        f"/groupes/{group.id}/modifier", data=group_data(scheme, name="Logement des jeunes")
    )
    assert taken.status_code == 422
    assert "s&#39;appelle déjà" in taken.text
    same = client.post(f"/groupes/{group.id}/modifier", data=group_data(scheme, name=group.name))
    assert same.status_code == 303  # keeping its own name is fine
    renamed = client.post(
        f"/groupes/{group.id}/modifier", data=group_data(scheme, name="Accès aux droits 2")
    )
    assert renamed.status_code == 303
    db.session.refresh(group)
    assert group.name == "Accès aux droits 2"
    assert group.theme_id == scheme.themes[1].id
    assert len(group.members) == 3  # members untouched
    assert client.get("/groupes/999999/modifier").status_code == 404


# --- The private space -----------------------------------------------------------------


def test_members_and_staff_see_the_space(client, login, people, group):
    for user in (group.plain, group.pilot, group.representative, people["facilitator"]):
        login(user)
        page = client.get(f"/groupes/{group.id}/")
        assert page.status_code == 200, user.role
        assert "Le groupe se réunit un mardi sur deux." in page.text
        assert "Rose Représentante" in page.text
        assert "Représentant·e des usagers" in page.text
        assert escape(group.scheme.themes[0].title) in page.text
        assert f"Fiche {group.scheme.fiches[0].number} : " in page.text
        assert "CAF de la Savoie" in page.text
    assert "Ajouter au groupe" in page.text  # staff manage members
    login(group.plain)
    page = client.get(f"/groupes/{group.id}/")
    assert "Ajouter au groupe" not in page.text
    assert "Retirer " not in page.text
    assert "Partager avec le groupe" not in page.text


def test_the_space_is_hidden_from_everyone_else(
    client, login, people, group, make_working_group, make_user, scheme, db
):
    stranger = make_user(role="member")
    make_working_group(scheme=scheme, name="Autre groupe", members=[(stranger, "pilote")])
    db.session.commit()
    for path in (f"/groupes/{group.id}/", "/groupes/999999/"):  # anonymous: same answer
        response = client.get(path)
        assert response.status_code == 302
        assert urlsplit(response.headers["Location"]).path == "/connexion"
    for user in (people["participant"], people["partner"], people["member"], stranger):
        login(user)
        assert client.get(f"/groupes/{group.id}/").status_code == 404, user.role
    login(people["admin"])
    assert client.get("/groupes/999999/").status_code == 404


def test_contributions_in_the_groups_scope(
    client, login, group, make_meeting, make_contribution, scheme, db
):
    meeting = make_meeting(scheme=scheme)
    themed = make_contribution(meeting=meeting, body="Simplifier les dossiers de la CAF")
    by_fiche = make_contribution(meeting=meeting, body="Un guichet unique pour les aides")
    untagged = make_contribution(meeting=meeting, body="Plus de bancs au parc")
    pending = make_contribution(meeting=meeting, body="Idée en attente", status="pending")
    other_theme = make_contribution(meeting=meeting, body="Des crèches ouvertes tard")
    db.session.add_all(
        [
            ContributionTag(contribution=themed, theme=scheme.themes[0]),
            ContributionTag(contribution=by_fiche, fiche=scheme.fiches[0]),
            ContributionTag(contribution=pending, theme=scheme.themes[0]),
            ContributionTag(contribution=other_theme, theme=scheme.themes[5]),
        ]
    )
    db.session.commit()
    login(group.plain)
    page = client.get(f"/groupes/{group.id}/")
    assert "Contributions du groupe (2)" in page.text
    assert themed.body in page.text
    assert by_fiche.body in page.text
    assert untagged.body not in page.text
    assert pending.body not in page.text
    assert other_theme.body not in page.text


def test_contributions_are_paginated_newest_first(
    client, login, group, make_meeting, make_contribution, scheme, db
):
    meeting = make_meeting(scheme=scheme)
    for n in range(23):
        c = make_contribution(meeting=meeting, body=f"Proposition numéro {n:02d}")
        db.session.add(ContributionTag(contribution=c, theme=scheme.themes[0]))
    db.session.commit()
    login(group.plain)
    first = client.get(f"/groupes/{group.id}/")
    assert "Contributions du groupe (23)" in first.text
    assert "Proposition numéro 22" in first.text
    assert "Proposition numéro 02" not in first.text
    assert "Page 1 sur 2" in first.text
    second = client.get(f"/groupes/{group.id}/?page=2")
    assert "Proposition numéro 02" in second.text
    assert "Proposition numéro 22" not in second.text


def test_the_groups_meetings_are_listed(client, login, group, make_meeting, scheme, db):
    make_meeting(scheme=scheme, title="Réunion du groupe n° 1", working_group_id=group.id)
    make_meeting(scheme=scheme, title="Concertation de Chambéry")
    db.session.commit()
    login(group.plain)
    page = client.get(f"/groupes/{group.id}/")
    assert "Réunion du groupe n° 1" in page.text
    assert "Concertation de Chambéry" not in page.text


# --- Members ---------------------------------------------------------------------------


def test_staff_add_and_remove_members(client, login, people, group, make_user, db, count):
    newcomer = make_user(role="partner", email="nouvelle@exemple.fr", display_name="Nina Nouvelle")
    db.session.commit()
    login(people["facilitator"])
    url = f"/groupes/{group.id}/membres"
    response = client.post(url, data={"email": "Nouvelle@Exemple.fr ", "role": "copilote"})
    assert response.status_code == 303
    member = db.session.scalar(sa.select(Membership).where(Membership.user_id == newcomer.id))
    assert (member.working_group_id, member.role) == (group.id, "copilote")
    again = client.post(url, data={"email": "nouvelle@exemple.fr", "role": "membre"})
    assert again.status_code == 422
    assert "fait déjà partie du groupe" in again.text
    unknown = client.post(url, data={"email": "personne@exemple.fr", "role": "membre"})
    assert unknown.status_code == 422
    assert "Aucun compte n&#39;utilise" in unknown.text
    bad_role = client.post(url, data={"email": "nouvelle@exemple.fr", "role": "chef"})
    assert bad_role.status_code == 422
    assert count(Membership, Membership.working_group_id == group.id) == 4
    removed = client.post(f"/groupes/{group.id}/membres/{member.id}/retirer")
    assert removed.status_code == 303
    assert count(Membership, Membership.user_id == newcomer.id) == 0
    twice = client.post(f"/groupes/{group.id}/membres/{member.id}/retirer")
    assert twice.status_code == 404  # already gone: names nothing any more, nothing else removed
    assert count(Membership, Membership.working_group_id == group.id) == 3
    login(newcomer)
    assert client.get(f"/groupes/{group.id}/").status_code == 404


def test_a_member_cannot_remove_from_another_group(
    client, login, people, group, make_working_group, make_user, scheme, db, count
):
    other = make_working_group(scheme=scheme, name="Autre", members=[(make_user(), "membre")])
    db.session.commit()
    login(people["admin"])
    client.post(f"/groupes/{group.id}/membres/{other.members[0].id}/retirer")
    assert count(Membership, Membership.working_group_id == other.id) == 1


@pytest.mark.parametrize("role", ["participant", "partner", "member"])
def test_only_staff_manage_members_and_sharing(client, login, people, group, role, count):
    membership_id = group.members[1].id
    posts = [
        (f"/groupes/{group.id}/membres", {"email": people[role].email, "role": "membre"}),
        (f"/groupes/{group.id}/membres/{membership_id}/retirer", {}),
        (f"/groupes/{group.id}/syntheses", {"synthesis_id": 1}),
    ]
    for url, data in posts:
        response = client.post(url, data=data)
        assert response.status_code == 302
        assert "/connexion" in response.headers["Location"]
    for user in (people[role], group.pilot):
        login(user)
        for url, data in posts:
            assert client.post(url, data=data).status_code == 403
    assert count(Membership, Membership.working_group_id == group.id) == 3
    assert count(GroupSynthesis) == 0


# --- Sharing syntheses -------------------------------------------------------------------


def test_staff_share_a_synthesis_once(
    client, login, people, group, make_synthesis_version, make_meeting, scheme, db, count
):
    version = make_synthesis_version(meeting=make_meeting(scheme=scheme), status="shared")
    draft = make_synthesis_version(meeting=make_meeting(scheme=scheme), status="draft")
    elsewhere = make_synthesis_version(status="published")  # another scheme
    db.session.commit()
    login(people["facilitator"])
    page = client.get(f"/groupes/{group.id}/")
    assert version.synthesis.title in page.text
    assert draft.synthesis.title not in page.text  # a draft cannot be shared
    assert elsewhere.synthesis.title not in page.text
    url = f"/groupes/{group.id}/syntheses"
    assert client.post(url, data={"synthesis_id": version.synthesis_id}).status_code == 303
    again = client.post(url, data={"synthesis_id": version.synthesis_id}, follow_redirects=True)
    assert "Synthèse déjà partagée." in again.text
    assert count(GroupSynthesis) == 1
    for refused in (draft, elsewhere):
        response = client.post(url, data={"synthesis_id": refused.synthesis_id})
        assert response.status_code == 422
        assert "partagée ou publiée par l&#39;équipe" in response.text
    assert count(GroupSynthesis) == 1
    login(group.plain)
    space = client.get(f"/groupes/{group.id}/")
    assert f"/groupes/{group.id}/syntheses/{version.id}" in space.text
    assert f"Lire la version {version.number} de" in space.text


def test_the_group_fiches_are_listed_once_each(client, login, group, scheme):
    login(group.plain)
    page = client.get(f"/groupes/{group.id}/").text
    followed = scheme.fiches[0]
    assert page.count(f'/groupes/{group.id}/fiches/{followed.id}"') == 1
    assert "(suivie par le groupe)" in page
