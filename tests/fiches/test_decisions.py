"""Suite donnée: one decision per contribution the group answers."""

import csv
import io
import logging
from html import unescape

import pytest
import sqlalchemy as sa

from consult.contributions.models import Contribution
from consult.tagging.models import ContributionTag
from consult.workgroups.models import Decision, FicheContribution


@pytest.fixture
def contributions(make_contribution, meeting, group, db):
    """Two contributions tagged with the group's theme, one outside, one not yet published."""
    theme = group.theme
    tagged = [
        make_contribution(meeting=meeting, body=text, kind=kind)
        for text, kind in [
            ("Des crèches ouvertes le samedi", "proposition"),
            ("Les bus ne passent pas le soir", "constat"),
        ]
    ]
    pending = make_contribution(meeting=meeting, body="Pas encore publiée", status="pending")
    outside = make_contribution(meeting=meeting, body="Rien à voir avec le groupe")
    for contribution in [*tagged, pending]:
        db.session.add(ContributionTag(contribution=contribution, theme=theme))
    db.session.commit()
    return {"proposal": tagged[0], "finding": tagged[1], "pending": pending, "outside": outside}


@pytest.fixture
def adopted(scheme):
    """An adopted fiche of the scheme (imported) and one of its actions."""
    fiche = scheme.fiches[0]
    return fiche, fiche.actions[0]


def decide(client, group, contribution, **data):
    return client.post(f"/groupes/{group.id}/contributions/{contribution.id}/decision", data=data)


def decision_of(db, contribution):
    db.session.expire_all()
    return db.session.scalar(sa.select(Decision).where(Decision.contribution_id == contribution.id))


def test_list_shows_the_group_contributions_only(client, login, people, group, contributions):
    login(people["membre"])
    response = client.get(f"/groupes/{group.id}/decisions?filtre=toutes")
    assert response.status_code == 200
    page = unescape(response.text)
    assert "Des crèches ouvertes le samedi" in page
    assert "Les bus ne passent pas le soir" in page
    assert "Rien à voir avec le groupe" not in page
    assert "Pas encore publiée" not in page
    assert "Suite donnée à la contribution n° " in page
    kind_page = unescape(
        client.get(f"/groupes/{group.id}/decisions?filtre=toutes&type=constat").text
    )
    assert "Les bus ne passent pas le soir" in kind_page
    assert "Des crèches ouvertes le samedi" not in kind_page


def test_retained_needs_a_fiche_and_links_it(
    client, login, people, group, contributions, adopted, db, count
):
    fiche, action = adopted
    proposal = contributions["proposal"]
    login(people["membre"])
    response = decide(client, group, proposal, outcome="retenue", fiche_id=0, reason="")
    assert response.status_code == 422
    assert "Choisissez la fiche action" in unescape(response.text)
    assert decision_of(db, proposal) is None
    response = decide(
        client, group, proposal, outcome="retenue", fiche_id=fiche.id, action_id=action.id
    )
    assert response.status_code == 303
    decision = decision_of(db, proposal)
    assert (decision.outcome, decision.fiche_id, decision.action_id) == (
        "retenue",
        fiche.id,
        action.id,
    )
    assert decision.working_group_id == group.id
    assert decision.decided_by_id == people["membre"].id
    assert (
        count(
            FicheContribution,
            FicheContribution.fiche_id == fiche.id,
            FicheContribution.contribution_id == proposal.id,
        )
        == 1
    )


def test_action_must_belong_to_the_fiche(client, login, people, group, contributions, scheme, db):
    fiche, other_action = scheme.fiches[0], scheme.fiches[1].actions[0]
    login(people["pilote"])
    response = decide(
        client,
        group,
        contributions["proposal"],
        outcome="partiellement_retenue",
        fiche_id=fiche.id,
        action_id=other_action.id,
        reason="En partie seulement",
    )
    assert response.status_code == 422
    assert "n'appartient pas à la fiche choisie" in unescape(response.text)
    assert decision_of(db, contributions["proposal"]) is None


@pytest.mark.parametrize("outcome", ["partiellement_retenue", "non_retenue", "hors_champ"])
def test_reason_is_required(client, login, people, group, contributions, adopted, db, outcome):
    fiche, _ = adopted
    login(people["membre"])
    response = decide(client, group, contributions["finding"], outcome=outcome, fiche_id=fiche.id)
    assert response.status_code == 422
    assert "Le motif est obligatoire" in unescape(response.text)
    assert decision_of(db, contributions["finding"]) is None
    response = decide(
        client,
        group,
        contributions["finding"],
        outcome=outcome,
        fiche_id=fiche.id,
        reason="Le Département <b>ne gère pas</b> les bus",
    )
    assert response.status_code == 303
    decision = decision_of(db, contributions["finding"])
    assert decision.outcome == outcome
    assert decision.reason == "Le Département ne gère pas les bus"
    assert (decision.fiche_id is not None) == (outcome == "partiellement_retenue")


def test_unknown_outcome_is_refused(client, login, people, group, contributions, db):
    login(people["membre"])
    response = decide(client, group, contributions["finding"], outcome="peut_etre")
    assert response.status_code == 422
    assert decision_of(db, contributions["finding"]) is None


def test_deciding_again_updates_the_one_decision(
    client, login, people, group, contributions, adopted, db, count
):
    fiche, _ = adopted
    proposal = contributions["proposal"]
    login(people["membre"])
    decide(client, group, proposal, outcome="non_retenue", reason="Trop coûteux")
    login(people["facilitator"])
    assert decide(client, group, proposal, outcome="retenue", fiche_id=fiche.id).status_code == 303
    assert count(Decision, Decision.contribution_id == proposal.id) == 1
    decision = decision_of(db, proposal)
    assert (decision.outcome, decision.reason) == ("retenue", "")
    assert decision.decided_by_id == people["facilitator"].id


def test_filters_with_and_without_decision(client, login, people, group, contributions, db):
    login(people["membre"])
    decide(
        client, group, contributions["finding"], outcome="hors_champ", reason="Compétence de l'État"
    )
    without = unescape(client.get(f"/groupes/{group.id}/decisions").text)
    assert "Des crèches ouvertes le samedi" in without
    assert "Les bus ne passent pas le soir" not in without
    with_decision = unescape(client.get(f"/groupes/{group.id}/decisions?filtre=avec").text)
    assert "Les bus ne passent pas le soir" in with_decision
    assert "Compétence de l'État" in with_decision
    assert "Des crèches ouvertes le samedi" not in with_decision


def test_out_of_scope_contribution_is_hidden(
    client, login, people, group, contributions, make_working_group, db, count
):
    login(people["membre"])
    for key in ("outside", "pending"):
        response = decide(client, group, contributions[key], outcome="hors_champ", reason="Non")
        assert response.status_code == 404, key
    response = client.post(
        f"/groupes/{group.id}/contributions/999999/decision",
        data={"outcome": "hors_champ", "reason": "Non"},
    )
    assert response.status_code == 404
    login(people["outsider"])
    response = decide(client, group, contributions["proposal"], outcome="hors_champ", reason="x")
    assert response.status_code == 404
    assert count(Decision) == 0


def test_contributions_of_the_group_fiches_are_in_scope(client, login, people, group, version, db):
    """Drafting a fiche from ideas brings their contributions to the decisions page."""
    login(people["membre"])
    response = client.post(
        f"/groupes/{group.id}/fiches/nouvelle?version={version.id}&idee=0-1",
        data={"title": "Des bus le soir", "part": "transversale", "form_key": "z" * 24},
    )
    assert response.status_code == 303
    page = unescape(client.get(f"/groupes/{group.id}/decisions").text)
    assert "Un bus le soir pour rentrer du travail serait bien" in page
    assert "Ouvrir des crèches avec des horaires décalés" not in page


def test_merged_contribution_is_decided_on_its_target(
    client, login, people, group, contributions, make_contribution, meeting, db
):
    twin = make_contribution(
        meeting=meeting,
        body="Des crèches le samedi",
        status="merged",
        merged_into_id=contributions["proposal"].id,
    )
    db.session.commit()
    login(people["membre"])
    assert (
        decide(client, group, twin, outcome="non_retenue", reason="Déjà prévu").status_code == 303
    )
    assert decision_of(db, contributions["proposal"]).outcome == "non_retenue"
    assert decision_of(db, twin) is None


def test_hostile_contribution_text_is_escaped(
    client, login, people, group, make_contribution, meeting, db
):
    hostile = make_contribution(meeting=meeting)  # the factory's default body is hostile
    db.session.add(ContributionTag(contribution=hostile, theme=group.theme))
    db.session.commit()
    login(people["membre"])
    page = client.get(f"/groupes/{group.id}/decisions").text
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;" in page


def test_concurrent_insert_updates_instead_of_failing(
    people, group, contributions, db, monkeypatch
):
    """A decision inserted meanwhile by another request is updated, never duplicated."""
    from consult.core.db import utcnow
    from consult.fiches import decisions

    proposal = contributions["proposal"]
    db.session.add(Decision(contribution_id=proposal.id, outcome="non_retenue", reason="Avant"))
    db.session.flush()
    real = decisions._current
    calls = []

    def stale_then_real(contribution_id):
        calls.append(contribution_id)
        return None if len(calls) == 1 else real(contribution_id)

    monkeypatch.setattr(decisions, "_current", stale_then_real)
    decision = decisions.decide(
        group,
        db.session.get(Contribution, proposal.id),
        outcome="hors_champ",
        fiche_id=None,
        action_id=None,
        reason="Après",
        actor=people["admin"],
        now=utcnow(),
    )
    assert (decision.outcome, decision.reason) == ("hors_champ", "Après")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Decision)) == 1


def test_the_group_downloads_its_answers_as_a_spreadsheet(
    client, login, people, group, contributions, db
):
    proposal = contributions["proposal"]
    proposal.body = '=HYPERLINK("http://exemple.fr") des crèches le samedi'
    db.session.add(Decision(contribution=proposal, outcome="hors_champ", reason="Compétence CAF"))
    db.session.commit()
    login(people["membre"])

    response = client.get(f"/groupes/{group.id}/decisions.csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:6] == [
        "contribution",
        "date",
        "rencontre",
        "type",
        "texte publié",
        "suite donnée",
    ]
    by_id = {row[0]: row for row in rows[1:]}
    assert set(by_id) == {str(proposal.id), str(contributions["finding"].id)}  # scope only
    assert by_id[str(proposal.id)][4].startswith("'=HYPERLINK")  # no formula in the sheet
    assert by_id[str(proposal.id)][5:7] == ["Hors du champ du schéma", "Compétence CAF"]
    assert by_id[str(contributions["finding"].id)][5] == "sans décision"

    login(people["outsider"])  # a member of no group here
    assert client.get(f"/groupes/{group.id}/decisions.csv").status_code == 404


# --- The authors are told -------------------------------------------------------------


def test_authors_with_an_account_are_told_the_answer(
    client, login, people, group, contributions, make_user, make_contribution, db, jobs, caplog
):
    author = make_user(role="participant", display_name="Odile")
    twin_author = make_user(role="participant", display_name="Marcel")
    proposal = contributions["proposal"]
    proposal.author_id = author.id
    twin = make_contribution(meeting=proposal.meeting, body="Pareil", author_id=twin_author.id)
    twin.status, twin.merged_into_id = "merged", proposal.id
    db.session.commit()
    login(people["membre"])

    response = decide(client, group, proposal, outcome="non_retenue", reason="Déjà financé")
    assert response.status_code == 303
    assert [c.path for c in jobs.calls] == ["consult.fiches.jobs.mail_answer"]
    with caplog.at_level(logging.WARNING, logger="consult.mail"):
        assert jobs.run_all() == [True]

    sent = [r.getMessage() for r in caplog.records if r.name == "consult.mail"]
    assert len(sent) == 2  # the author and the author of the merged duplicate
    assert any(author.email in m and "n'a pas été retenue" in m for m in sent)
    assert any(twin_author.email in m and "Pourquoi : Déjà financé" in m for m in sent)
    assert all("/mon-compte" in m for m in sent)


def test_no_mail_without_an_account_and_none_when_refused(
    client, login, people, group, contributions, db, jobs, count
):
    login(people["membre"])
    refused = decide(client, group, contributions["proposal"], outcome="non_retenue")  # no reason
    assert refused.status_code == 422
    assert jobs.calls == []
    assert count(Decision) == 0
    decide(client, group, contributions["proposal"], outcome="hors_champ", reason="État")
    assert jobs.run_all() == [True]  # the job runs, finds no account, sends nothing
