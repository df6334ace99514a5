"""Drafting fiches from a shared synthesis, editing them, moving them to the comité."""

from html import unescape

import pytest
import sqlalchemy as sa

from consult.core.errors import NotFoundError
from consult.fiches.services import drafted_fiche_or_404, group_fiche_or_404
from consult.schemes.models import Action, Fiche, FicheLink, Indicator
from consult.workgroups.models import FicheContribution, FicheIdea, FicheStatusChange

FIELDS = {
    "title": "Des crèches aux horaires décalés",
    "part": "politique publique",
    "policy": "Enfance jeunesse famille (EJF)",
    "context": "Les places manquent\nLes horaires ne vont pas",
    "objectives": "Ouvrir plus tôt\nOuvrir plus tard",
    "actions": "Recenser les besoins\n- Enquête auprès des parents\nOuvrir deux crèches",
    "pilots": "CD73",
    "partners": "CAF",
    "indicators": "Nombre de places créées | nombre | places | 120 | 200\nSatisfaction des parents",
    "schedule": "2026-2028",
    "links": "1, 12, 99",
}


def new_url(group, version=None, ideas=()):
    url = f"/groupes/{group.id}/fiches/nouvelle"
    if version is not None:
        url += f"?version={version.id}" + "".join(f"&idee={key}" for key in ideas)
    return url


def draft(client, group, version=None, ideas=("0-0", "0-1"), **changes):
    data = {**FIELDS, "form_key": "k" * 24, **changes}
    return client.post(new_url(group, version, ideas), data=data)


def drafted(db, group):
    return db.session.scalars(sa.select(Fiche).where(Fiche.working_group_id == group.id)).all()


def test_form_is_prefilled_from_the_chosen_ideas(client, login, people, group, version):
    login(people["membre"])
    response = client.get(new_url(group, version, ["0-0", "0-1"]))
    assert response.status_code == 200
    page = unescape(response.text)
    label = first_idea_label(version)  # the synthesis's own title for the idea
    assert f'value="{label[:1].upper()}{label[1:]}"' in page
    assert "« Un bus le soir pour rentrer du travail serait bien »" in page
    assert 'name="form_key"' in page
    assert 'name="csrf_token"' in page


def test_draft_from_two_ideas_links_ideas_and_contributions(
    client, login, people, group, version, db, count
):
    login(people["membre"])
    response = draft(client, group, version)
    assert response.status_code == 303, unescape(response.text)
    (fiche,) = drafted(db, group)
    assert fiche.status == "brouillon"
    assert fiche.number == f"GT{group.id}-1"
    assert fiche.scheme_id == group.scheme_id
    ideas = db.session.scalars(sa.select(FicheIdea).where(FicheIdea.fiche_id == fiche.id)).all()
    assert sorted((i.section, i.idea, i.size) for i in ideas) == [(0, 0, 3), (0, 1, 3)]
    expected = {i for s in version.document["sections"] for idea in s["ideas"] for i in idea["ids"]}
    linked = set(
        db.session.scalars(
            sa.select(FicheContribution.contribution_id).where(
                FicheContribution.fiche_id == fiche.id
            )
        )
    )
    assert linked == expected
    assert len(linked) == 6
    assert [a.title for a in fiche.top_actions] == ["Recenser les besoins", "Ouvrir deux crèches"]
    assert [s.title for s in fiche.top_actions[0].sub_actions] == ["Enquête auprès des parents"]
    first = fiche.indicators[0]
    assert (first.kind, first.unit, first.baseline, first.target) == ("nombre", "places", 120, 200)
    links = {link.target_number: link.target for link in fiche.links}
    assert set(links) == {"1", "12", "99"}
    assert links["99"] is None
    assert links["1"].number == "1"
    assert response.headers["Location"].endswith(f"/groupes/{group.id}/fiches/{fiche.id}")
    assert count(FicheLink, FicheLink.fiche_id == fiche.id) == 3


def test_second_fiche_gets_the_next_number(client, login, people, group, db):
    login(people["pilote"])
    draft(client, group, form_key="a" * 24)
    draft(client, group, form_key="b" * 24)
    assert sorted(f.number for f in drafted(db, group)) == [f"GT{group.id}-1", f"GT{group.id}-2"]


def test_double_submit_makes_one_fiche(client, login, people, group, version, db, count):
    login(people["membre"])
    first = draft(client, group, version)
    second = draft(client, group, version)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert len(drafted(db, group)) == 1
    assert count(FicheIdea) == 2


def test_ideas_of_a_synthesis_not_shared_with_the_group_are_ignored(
    client, login, people, group, make_synthesis_version, meeting, db, count
):
    other = make_synthesis_version(meeting=meeting, status="shared")
    db.session.commit()
    login(people["membre"])
    page = unescape(client.get(new_url(group, other, ["0-0"])).text)
    assert "ne viennent pas d'une synthèse partagée avec le groupe" in page
    assert draft(client, group, other).status_code == 303
    assert count(FicheIdea) == 0
    assert count(FicheContribution) == 0


def test_bad_input_gives_a_french_message_and_saves_nothing(client, login, people, group, db):
    login(people["membre"])
    response = draft(client, group, indicators="Places | kilos")
    assert response.status_code == 422
    assert "le type « kilos » est inconnu" in unescape(response.text)
    response = draft(client, group, actions="- sous-action orpheline")
    assert response.status_code == 422
    assert "doit suivre une action" in unescape(response.text)
    response = draft(client, group, title="")
    assert response.status_code == 422
    assert "Ce champ est obligatoire" in unescape(response.text)
    assert drafted(db, group) == []


def test_hostile_text_is_cleaned_and_escaped(client, login, people, group, db):
    login(people["membre"])
    draft(client, group, title='<script>alert("x")</script>Crèches <b>ouvertes</b>')
    (fiche,) = drafted(db, group)
    assert fiche.title == 'alert("x")Crèches ouvertes'
    page = client.get(f"/groupes/{group.id}/fiches/{fiche.id}").text
    assert "<script>alert" not in page
    assert "Crèches ouvertes" in page


@pytest.fixture
def fiche(client, login, people, group, version, db):
    login(people["membre"])
    draft(client, group, version)
    (fiche,) = drafted(db, group)
    client.post("/deconnexion")
    return fiche


def first_idea_label(version) -> str:
    return version.document["sections"][0]["ideas"][0]["label"]


def test_show_page_lists_ideas_contributions_and_status(
    client, login, people, group, version, fiche
):
    login(people["membre"])
    response = client.get(f"/groupes/{group.id}/fiches/{fiche.id}")
    assert response.status_code == 200
    page = unescape(response.text)
    assert "Brouillon" in page
    assert first_idea_label(version).lower() in page.lower()
    assert "Un bus le soir pour rentrer du travail serait bien" in page
    assert "Pas encore de décision" in page
    assert "Modifier la fiche" in page


def test_group_space_partial_lists_the_fiche(client, login, people, group, fiche, app):
    login(people["membre"])
    html = client.get(f"/groupes/{group.id}/").text  # the group space includes the partial
    assert f"Fiche {fiche.number} : {fiche.title}" in html
    assert f"/groupes/{group.id}/fiches/{fiche.id}" in html
    assert f"/groupes/{group.id}/decisions" in html


def test_edit_keeps_actions_whose_title_is_unchanged(client, login, people, group, fiche, db):
    kept = fiche.top_actions[0]
    kept.progress = 40
    indicator_id = fiche.indicators[0].id
    db.session.commit()
    login(people["membre"])
    data = {
        **FIELDS,
        "title": "Titre revu",
        "actions": "Nouvelle action\nRecenser les besoins\n- Enquête auprès des parents",
        "indicators": "Nombre de places créées | nombre | places | 100 | 250",
    }
    response = client.post(f"/groupes/{group.id}/fiches/{fiche.id}/modifier", data=data)
    assert response.status_code == 303, unescape(response.text)
    db.session.expire_all()
    fiche = db.session.get(Fiche, fiche.id)
    assert fiche.title == "Titre revu"
    assert [a.title for a in fiche.top_actions] == ["Nouvelle action", "Recenser les besoins"]
    assert db.session.get(Action, kept.id).progress == 40
    assert db.session.get(Action, kept.id).position == 1
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Action)
            .where(Action.title == "Ouvrir deux crèches", Action.fiche_id == fiche.id)
        )
        == 0
    )
    indicator = db.session.get(Indicator, indicator_id)
    assert (indicator.baseline, indicator.target) == (100, 250)
    assert len(fiche.indicators) == 1


def test_edit_form_shows_current_fields(client, login, people, group, fiche):
    login(people["pilote"])
    page = unescape(client.get(f"/groupes/{group.id}/fiches/{fiche.id}/modifier").text)
    assert "Nombre de places créées | nombre | places | 120 | 200" in page
    assert "- Enquête auprès des parents" in page


def test_validated_fiche_is_no_longer_edited(client, login, people, group, fiche, db):
    fiche.status = "validee"
    db.session.commit()
    login(people["membre"])
    url = f"/groupes/{group.id}/fiches/{fiche.id}/modifier"
    assert client.get(url).status_code == 409
    response = client.post(url, data={**FIELDS, "title": "Autre titre"})
    assert response.status_code == 409
    assert "elle ne se modifie plus" in unescape(response.text)
    db.session.expire_all()
    assert db.session.get(Fiche, fiche.id).title == FIELDS["title"]


def move(client, group, fiche, target, note="", meeting_id=0):
    return client.post(
        f"/groupes/{group.id}/fiches/{fiche.id}/etat",
        data={"target": target, "note": note, "meeting_id": meeting_id},
    )


def status_of(db, fiche):
    db.session.expire_all()
    return db.session.get(Fiche, fiche.id).status


def test_pilot_proposes_and_takes_back(client, login, people, group, fiche, db, count):
    login(people["pilote"])
    assert move(client, group, fiche, "proposee").status_code == 303
    assert status_of(db, fiche) == "proposee"
    assert move(client, group, fiche, "brouillon", "À revoir").status_code == 303
    assert status_of(db, fiche) == "brouillon"
    assert count(FicheStatusChange, FicheStatusChange.fiche_id == fiche.id) == 2


def test_plain_member_cannot_propose(client, login, people, group, fiche, db, count):
    login(people["membre"])
    assert move(client, group, fiche, "proposee").status_code == 403
    assert status_of(db, fiche) == "brouillon"
    assert count(FicheStatusChange) == 0


def test_pilot_cannot_validate(client, login, people, group, fiche, db):
    fiche.status = "proposee"
    db.session.commit()
    login(people["pilote"])
    response = move(client, group, fiche, "validee", "On valide")
    assert response.status_code == 403
    assert "Seule l'équipe du Département" in unescape(response.text)
    assert status_of(db, fiche) == "proposee"


def test_illegal_move_is_refused(client, login, people, group, fiche, db, count):
    login(people["admin"])
    response = move(client, group, fiche, "adoptee", "Adoptée directement")
    assert response.status_code == 409
    assert "Passage impossible" in unescape(response.text)
    assert status_of(db, fiche) == "brouillon"
    assert count(FicheStatusChange) == 0


def test_staff_validates_with_a_note_and_a_meeting(
    client, login, people, group, fiche, meeting, db
):
    fiche.status = "proposee"
    db.session.commit()
    login(people["facilitator"])
    response = move(client, group, fiche, "validee")
    assert response.status_code == 422
    assert "Écrivez la décision" in unescape(response.text)
    assert status_of(db, fiche) == "proposee"
    response = move(client, group, fiche, "validee", "Validée par le COPIL du 3 mars", meeting.id)
    assert response.status_code == 303
    assert status_of(db, fiche) == "validee"
    change = db.session.scalar(sa.select(FicheStatusChange))
    assert (change.from_status, change.to_status) == ("proposee", "validee")
    assert change.note == "Validée par le COPIL du 3 mars"
    assert change.meeting_id == meeting.id
    assert change.decided_by_id == people["facilitator"].id
    page = unescape(client.get(f"/groupes/{group.id}/fiches/{fiche.id}").text)
    assert "Validée par le COPIL du 3 mars" in page


def test_meeting_of_another_scheme_is_refused(
    client, login, people, group, fiche, make_meeting, db
):
    fiche.status = "proposee"
    elsewhere = make_meeting()
    db.session.commit()
    login(people["admin"])
    response = move(client, group, fiche, "validee", "Validée", elsewhere.id)
    assert response.status_code == 422
    assert "n'appartient pas au schéma" in unescape(response.text)
    assert status_of(db, fiche) == "proposee"


def test_committee_page_is_for_the_team(client, login, people, group, fiche, db):
    fiche.status = "proposee"
    db.session.commit()
    response = client.get("/comite/")
    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]
    for role in ("participant", "partner", "pilote", "membre"):
        login(people[role])
        assert client.get("/comite/").status_code == 403, role
    for role in ("facilitator", "admin"):
        login(people[role])
        page = client.get("/comite/")
        assert page.status_code == 200
        assert f"Fiche {fiche.number} : {fiche.title}" in page.text


def test_committee_decision_returns_to_the_committee(client, login, people, group, fiche, db):
    fiche.status = "validee"
    db.session.commit()
    login(people["admin"])
    response = client.post(
        f"/groupes/{group.id}/fiches/{fiche.id}/etat",
        data={"target": "adoptee", "note": "Adoptée avec le schéma", "back": "comite"},
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/comite/")
    assert status_of(db, fiche) == "adoptee"
    page = unescape(client.get("/comite/").text)
    assert "Adoptée avec le schéma" in page


def test_routes_are_hidden_from_non_members(client, login, people, group, fiche, version):
    base = f"/groupes/{group.id}/fiches"
    gets = [
        f"{base}/nouvelle",
        f"{base}/{fiche.id}",
        f"{base}/{fiche.id}/modifier",
        f"/groupes/{group.id}/decisions",
    ]
    posts = [
        (f"{base}/nouvelle", FIELDS),
        (f"{base}/{fiche.id}/modifier", FIELDS),
        (f"{base}/{fiche.id}/etat", {"target": "proposee"}),
        (f"/groupes/{group.id}/contributions/1/decision", {"outcome": "hors_champ"}),
    ]
    for url in gets:
        response = client.get(url)
        assert response.status_code == 302
        assert "/connexion" in response.headers["Location"]
    for role in ("participant", "partner", "outsider"):
        login(people[role])
        for url in gets:
            assert client.get(url).status_code == 404, (role, url)
        for url, data in posts:
            assert client.post(url, data=data).status_code == 404, (role, url)
    for role in ("membre", "pilote", "facilitator", "admin"):
        login(people[role])
        for url in gets:
            assert client.get(url).status_code == 200, (role, url)


def test_fiche_of_another_group_is_hidden(
    client, login, people, group, fiche, make_working_group, db
):
    other = make_working_group(scheme=group.scheme, members=[(people["membre"], "pilote")])
    db.session.commit()
    login(people["membre"])
    response = client.get(f"/groupes/{other.id}/fiches/{fiche.id}")
    assert response.status_code == 404
    assert "Cette page n'existe pas" in unescape(response.get_data(as_text=True))
    assert (
        client.post(
            f"/groupes/{other.id}/fiches/{fiche.id}/etat", data={"target": "proposee"}
        ).status_code
        == 404
    )


def test_the_group_getters_raise_not_found_for_another_group_s_fiche(
    people, group, fiche, make_working_group, db
):
    other = make_working_group(scheme=group.scheme, members=[(people["membre"], "pilote")])
    db.session.flush()
    assert group_fiche_or_404(group, fiche.id) is fiche
    for getter in (group_fiche_or_404, drafted_fiche_or_404):
        with pytest.raises(NotFoundError):
            getter(other, fiche.id)
        with pytest.raises(NotFoundError):
            getter(group, 999999)


def test_edit_moves_a_kept_sub_action_under_another_action(client, login, people, group, fiche, db):
    sub = fiche.top_actions[0].sub_actions[0]
    removed = fiche.top_actions[0].id
    login(people["pilote"])
    data = {**FIELDS, "actions": "Ouvrir deux crèches\n- Enquête auprès des parents"}
    response = client.post(f"/groupes/{group.id}/fiches/{fiche.id}/modifier", data=data)
    assert response.status_code == 303
    db.session.expire_all()
    fiche = db.session.get(Fiche, fiche.id)
    assert [a.title for a in fiche.top_actions] == ["Ouvrir deux crèches"]
    assert [s.id for s in fiche.top_actions[0].sub_actions] == [sub.id]
    assert db.session.get(Action, removed) is None


def test_tampered_form_key_gets_a_french_message(client, login, people, group, db):
    login(people["membre"])
    response = draft(client, group, form_key="<bad>")
    assert response.status_code == 422
    assert "Le formulaire était incomplet" in unescape(response.text)
    assert drafted(db, group) == []
