"""The moderators' desk over HTTP: queue, decisions, tags, merges, bulk actions, reports."""

import csv
import io

import pytest
import sqlalchemy as sa

from consult.contributions.models import Contribution, Report
from consult.contributions.services import Draft, submit_contribution
from consult.core.db import utcnow
from consult.extensions import db as _db
from consult.history.models import ModerationEvent
from consult.history.services import snapshot
from consult.moderation import duplicates
from consult.moderation.services import reject
from consult.tagging.models import ContributionTag, TagSuggestion

PHONE_TEXT = "Appelez-moi au 06 12 34 56 78 pour parler du transport à la demande"


@pytest.fixture
def meeting(make_meeting):
    return make_meeting(status="open")


def submit(meeting, body):
    """A participant's contribution, committed (and its suggestion job queued)."""
    contribution, _ = submit_contribution(meeting, Draft(body=body), now=utcnow())
    _db.session.commit()
    return contribution


def events(db, contribution) -> list[ModerationEvent]:
    return db.session.scalars(
        sa.select(ModerationEvent)
        .where(ModerationEvent.contribution_id == contribution.id)
        .order_by(ModerationEvent.id)
    ).all()


@pytest.mark.parametrize("role", ["participant", "partner", "member"])
def test_only_staff_reach_the_desk(client, make_user, login, make_contribution, role):
    contribution = make_contribution(status="pending")
    login(make_user(role=role))
    assert client.get("/moderation/").status_code == 403
    assert client.get(f"/moderation/{contribution.id}").status_code == 403
    response = client.post(f"/moderation/{contribution.id}/decision", data={"action": "publish"})
    assert response.status_code == 403


def test_anonymous_is_sent_to_login(client, make_contribution):
    contribution = make_contribution(status="pending")
    response = client.post(f"/moderation/{contribution.id}/decision", data={"action": "publish"})
    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]


def test_queue_filters_by_meeting_and_keeps_filters_in_links(
    client, facilitator, make_meeting, make_contribution
):
    first, second = make_meeting(), make_meeting()
    mine = make_contribution(meeting=first, body="Des navettes pour les aînés", status="pending")
    make_contribution(meeting=second, body="Autre rencontre, autre sujet", status="pending")
    page = client.get(f"/moderation/?statut=pending&rencontre={first.id}")
    assert page.status_code == 200
    assert "Des navettes pour les aînés" in page.text
    assert "Autre rencontre" not in page.text
    assert f"/moderation/{mine.id}?statut=pending&amp;rencontre={first.id}" in page.text


def test_publish_goes_to_the_next_contribution_of_the_queue(client, facilitator, meeting, db):
    first = submit(meeting, "Plus de places en crèche le mercredi")
    second = submit(meeting, "Un accueil de jour pour les personnes âgées")
    response = client.post(
        f"/moderation/{first.id}/decision?statut=pending", data={"action": "publish"}
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/moderation/{second.id}?statut=pending")
    db.session.refresh(first)
    assert first.status == "published"
    assert [e.action for e in events(db, first)] == ["publish"]


def test_reject_needs_a_reason_from_the_list(client, facilitator, meeting, db):
    contribution = submit(meeting, "Texte hors sujet sur la météo")
    refused = client.post(
        f"/moderation/{contribution.id}/decision", data={"action": "reject", "reason": ""}
    )
    assert refused.status_code == 422
    assert "Choisissez un motif de rejet" in refused.text
    client.post(
        f"/moderation/{contribution.id}/decision",
        data={"action": "reject", "reason": "hors_sujet", "note": "Parle de la météo"},
    )
    db.session.refresh(contribution)
    assert (contribution.status, contribution.rejection_reason) == ("rejected", "hors_sujet")
    assert contribution.rejection_note == "Parle de la météo"


def test_phone_number_is_offered_for_masking_and_masked(client, facilitator, meeting, db):
    contribution = submit(meeting, PHONE_TEXT)
    page = client.get(f"/moderation/{contribution.id}")
    assert "<mark>06 12 34 56 78</mark>" in page.text
    response = client.post(f"/moderation/{contribution.id}/decision", data={"action": "mask"})
    assert response.headers["Location"].endswith(f"/moderation/{contribution.id}")
    db.session.refresh(contribution)
    assert "06 12 34 56 78" not in contribution.body
    assert contribution.original_body == PHONE_TEXT
    assert client.get(f"/contributions/{contribution.id}/signaler").status_code == 404


def test_edit_keeps_the_original_for_moderators(client, facilitator, meeting, db):
    contribution = submit(meeting, "Plus de bus le dimanch")
    client.post(
        f"/moderation/{contribution.id}/decision",
        data={"action": "edit", "body": "Plus de bus le dimanche", "edit_reason": "coquille"},
    )
    db.session.refresh(contribution)
    assert contribution.body == "Plus de bus le dimanche"
    page = client.get(f"/moderation/{contribution.id}")
    assert "Texte d&#39;origine" in page.text or "Texte d'origine" in page.text
    assert "Plus de bus le dimanch\n" in page.text or "Plus de bus le dimanch<" in page.text


def _suggestion_pages(client, contribution) -> tuple:
    """Where a suggestion's words show: the review page, the queue and the bulk preview."""
    return (
        client.get(f"/moderation/{contribution.id}"),
        client.get("/moderation/"),
        client.post(
            "/moderation/lot",
            data={"ids": [contribution.id], "action": "accept_suggestions", "minimum": "80"},
        ),
    )


def test_suggestions_arrive_by_a_job_and_are_accepted_with_their_reason(
    client, facilitator, meeting, db, jobs
):
    contribution = submit(meeting, "Il manque des places en EHPAD et en accueil de jour")
    assert jobs.sweeps == ["suggestions"]
    jobs.run_all()
    suggestions = db.session.scalars(
        sa.select(TagSuggestion).where(TagSuggestion.contribution_id == contribution.id)
    ).all()
    assert suggestions
    best = max(suggestions, key=lambda s: s.score)
    page = client.get(f"/moderation/{contribution.id}")
    assert "car :" in page.text
    assert best.words[0] in page.text
    client.post(f"/moderation/{contribution.id}/etiquettes", data={"accept": best.id})
    tag = db.session.scalars(sa.select(ContributionTag)).one()
    assert tag.from_suggestion
    assert (tag.theme_id, tag.fiche_id) == (best.theme_id, best.fiche_id)
    assert [e.action for e in events(db, contribution)] == ["tag"]
    assert "consult.tagging.jobs.refresh_suggestions" in [c.path for c in jobs.calls]


def test_a_contribution_its_suggestions_found_nothing_for_says_so(
    client, facilitator, meeting, db, jobs
):
    """Typed into the demo: « Le mec de l'accueil m'a mal parlé » names no theme nor
    fiche; its suggestions were computed, none found, and its page still said « Pas
    encore de suggestion : elles sont calculées en arrière-plan »."""
    contribution = submit(meeting, "Le mec de l'accueil m'a mal parlé")
    page = client.get(f"/moderation/{contribution.id}").text
    assert "Pas encore de suggestion" in page  # not computed yet
    jobs.run_all()
    db.session.refresh(contribution)
    assert contribution.suggested_at is not None

    page = client.get(f"/moderation/{contribution.id}").text

    assert "Pas encore de suggestion" not in page
    assert "Aucune suggestion" in page


def test_words_of_an_idea_the_text_says_otherwise_say_so(
    client, facilitator, meeting, make_contribution, db
):
    """Typed into the demo: « Envoyer les courriers en langage simple » read « L'accès aux
    droits » 91 % « car : accès aux droits, courriers, langage simple », and « Les jeunes
    retraités isolés… » « car : personne âgée, … »: words nowhere in the text, shown as
    if they were. They are sector ideas the text says otherwise, and now say so, on the
    review page, in the queue and in bulk preview; the text's own words are left alone."""
    contribution = make_contribution(
        meeting=meeting, body="Envoyer les courriers en langage simple", status="pending"
    )
    db.session.add(
        TagSuggestion(
            contribution_id=contribution.id,
            score=0.91,
            words=["accès aux droits", "courriers", "langage simple"],
            theme_id=meeting.scheme.themes[0].id,
        )
    )
    db.session.commit()
    marked = 'accès aux droits <span class="suggestion__public" title="Ce mot n'
    for page in _suggestion_pages(client, contribution):
        assert marked in page.text
        assert page.text.count("(sens voisin)") == 1


def test_words_a_suggestion_takes_from_the_publics_say_so(
    client, facilitator, meeting, make_contribution, make_public, db
):
    """« car : mineurs non accompagnés » is not in the text: the facilitator is told it is
    the public the author ticked, on the review page, in the queue and in bulk preview."""
    minors = make_public(label="Mineurs non accompagnés", code="mna")
    contribution = make_contribution(
        meeting=meeting, body="Les délais sont trop longs", status="pending", publics=[minors]
    )
    db.session.add(
        TagSuggestion(
            contribution_id=contribution.id,
            score=0.9,
            words=["mineurs non accompagnés", "délais"],
            theme_id=meeting.scheme.themes[0].id,
        )
    )
    db.session.commit()
    marked = 'mineurs non accompagnés <span class="suggestion__public">(public indiqué)</span>'
    for page in _suggestion_pages(client, contribution):
        assert marked in page.text
        assert "délais <span" not in page.text


def test_tag_is_added_then_removed_and_both_are_audited(client, facilitator, meeting, db):
    contribution = submit(meeting, "Aider les aidants")
    theme = meeting.scheme.themes[0]
    client.post(f"/moderation/{contribution.id}/etiquettes", data={"add": f"theme:{theme.id}"})
    tag = db.session.scalars(sa.select(ContributionTag)).one()
    assert (tag.theme_id, tag.from_suggestion) == (theme.id, False)
    client.post(f"/moderation/{contribution.id}/etiquettes", data={"remove": tag.id})
    assert db.session.scalars(sa.select(ContributionTag)).all() == []
    assert [e.action for e in events(db, contribution)] == ["tag", "untag"]


def test_tag_from_another_scheme_is_refused(client, facilitator, meeting, make_scheme, db):
    other = make_scheme(department="Vienne test")
    contribution = submit(meeting, "Aider les aidants")
    response = client.post(
        f"/moderation/{contribution.id}/etiquettes",
        data={"add": f"theme:{other.themes[0].id}"},
        follow_redirects=True,
    )
    assert "Choix d&#39;étiquette invalide" in response.text or "invalide" in response.text
    assert db.session.scalars(sa.select(ContributionTag)).all() == []


def test_similar_contributions_are_offered_and_merged(client, facilitator, meeting, db):
    kept = submit(meeting, "Il faut plus de transports en commun le soir en Maurienne")
    twin = submit(meeting, "Plus de transports en commun le soir en Maurienne, il le faut")
    twin.support_count = 2
    submit(meeting, "Les horaires de la PMI ne conviennent pas")
    page = client.get(f"/moderation/{kept.id}")
    assert f'name="sources" value="{twin.id}"' in page.text
    client.post("/moderation/fusion", data={"target": kept.id, "sources": [twin.id]})
    db.session.refresh(kept)
    db.session.refresh(twin)
    assert (twin.status, twin.merged_into_id) == ("merged", kept.id)
    assert kept.support_count == 2


def test_duplicates_page_groups_identical_and_empty_answers(client, facilitator, meeting):
    for body in ("RAS", "Ras.", "Rien à signaler", "Plus de bus", "Plus de bus"):
        submit(meeting, body)
    page = client.get(f"/moderation/doublons?rencontre={meeting.id}")
    assert "2 groupes de doublons" in page.text
    assert "réponses vides" in page.text
    assert "textes identiques" in page.text


def test_bulk_publish_and_bulk_reject_without_reason(client, facilitator, meeting, db):
    items = [submit(meeting, f"Contribution numéro {n} sur le logement") for n in range(3)]
    ids = [c.id for c in items]
    client.post(
        "/moderation/lot", data={"ids": ids[:2], "action": "publish", "back": "/moderation/"}
    )
    statuses = [db.session.get(Contribution, i).status for i in ids]
    assert statuses == ["published", "published", "pending"]
    page = client.post(
        "/moderation/lot",
        data={"ids": ids[2:], "action": "reject", "reason": "", "back": "https://evil.example/"},
        follow_redirects=False,
    )
    assert page.headers["Location"].endswith("/moderation/")  # never an outside address
    assert db.session.get(Contribution, ids[2]).status == "pending"


def test_bulk_accepts_suggestions_above_the_threshold(client, facilitator, meeting, db):
    contribution = submit(meeting, "Des places en EHPAD")
    fiche = meeting.scheme.fiches[0]
    for score, target in (
        (0.9, {"fiche_id": fiche.id}),
        (0.2, {"theme_id": meeting.scheme.themes[0].id}),
    ):
        db.session.add(
            TagSuggestion(contribution_id=contribution.id, score=score, words=["ehpad"], **target)
        )
    db.session.flush()
    planned = db.session.scalars(sa.select(TagSuggestion.id).where(TagSuggestion.score > 0.5))
    client.post(
        "/moderation/lot",
        data={
            "ids": [contribution.id],
            "action": "accept_suggestions",
            "minimum": "50",
            "confirm": "1",
            "suggestions": list(planned),
        },
    )
    tags = db.session.scalars(sa.select(ContributionTag)).all()
    assert [(t.fiche_id, t.from_suggestion) for t in tags] == [(fiche.id, True)]


def test_participant_reports_a_published_contribution_into_the_queue(
    client, meeting, make_contribution, make_user, login, db
):
    contribution = make_contribution(
        meeting=meeting, body="Un texte avec une insulte", status="published"
    )
    page = client.get(f"/contributions/{contribution.id}/signaler")
    assert page.status_code == 200
    missing = client.post(f"/contributions/{contribution.id}/signaler", data={"reason": ""})
    assert missing.status_code == 422
    client.post(f"/contributions/{contribution.id}/signaler", data={"reason": "injurieux"})
    client.post(f"/contributions/{contribution.id}/signaler", data={"reason": "injurieux"})
    assert db.session.scalars(sa.select(Report)).all()[0].reason == "injurieux"
    assert len(db.session.scalars(sa.select(Report)).all()) == 1
    login(make_user(role="facilitator"))
    queue = client.get("/moderation/?signalee=1")
    assert "Un texte avec une insulte" in queue.text
    assert "1 signalement<" in queue.text
    client.post(
        f"/moderation/{contribution.id}/decision", data={"action": "reject", "reason": "injurieux"}
    )
    assert db.session.scalars(sa.select(Report)).one().status == "handled"
    assert "Un texte avec une insulte" not in client.get("/moderation/?signalee=1").text


def test_audit_trail_reconstructs_every_change(client, facilitator, meeting, db):
    contribution = submit(meeting, PHONE_TEXT)
    twin = submit(meeting, "Doublon à fusionner")
    theme = meeting.scheme.themes[0]
    url = f"/moderation/{contribution.id}"
    client.post(f"{url}/decision", data={"action": "mask"})
    client.post(f"{url}/decision", data={"action": "edit", "body": "Transport à la demande : oui"})
    client.post(f"{url}/etiquettes", data={"add": f"theme:{theme.id}"})
    client.post(f"{url}/decision", data={"action": "reject", "reason": "autre", "note": "test"})
    client.post(f"{url}/decision", data={"action": "publish"})
    client.post("/moderation/fusion", data={"target": contribution.id, "sources": [twin.id]})
    trail = events(db, contribution)
    assert [e.action for e in trail] == ["mask", "edit", "tag", "reject", "publish", "merge"]
    assert trail[0].before["body"] == PHONE_TEXT
    for earlier, later in zip(trail, trail[1:], strict=False):
        assert later.before == earlier.after  # nothing changed outside the trail
    db.session.refresh(contribution)
    assert trail[-1].after == snapshot(contribution)
    assert {e.actor_id for e in trail} == {facilitator.id}


def test_audit_log_csv_has_the_texts_and_tags_before_and_after(client, make_user, login, meeting):
    contribution = submit(meeting, '=HYPERLINK("http://x") Avis sur le transport')
    login(make_user(role="admin"))
    client.post(f"/moderation/{contribution.id}/decision", data={"action": "publish"})
    csv_text = client.get("/admin/journal-moderation.csv").text.lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(csv_text), delimiter=";"))
    assert rows[0]["texte avant"].startswith("'=HYPERLINK")  # never run as a formula
    assert (rows[0]["état avant"], rows[0]["état après"]) == ("pending", "published")
    assert rows[0]["étiquettes après"] == ""


def test_menu_link_opens_on_what_waits_for_a_decision(client, facilitator, make_contribution):
    make_contribution(body="Déjà publiée sur le logement", status="published")
    make_contribution(body="En attente sur le logement", status="pending")
    page = client.get("/moderation/").text
    assert "En attente sur le logement" in page
    assert "Déjà publiée" not in page
    everything = client.get("/moderation/?statut=").text
    assert "Déjà publiée sur le logement" in everything


def test_similar_contributions_reuse_the_meetings_vectors_until_they_change(
    app, db, meeting, facilitator, monkeypatch
):
    monkeypatch.setitem(app.config, "REFERENCE_CACHE_SECONDS", 30)
    duplicates._vectors.clear()
    calls = []
    real = duplicates.vectorise
    monkeypatch.setattr(duplicates, "vectorise", lambda texts: calls.append(1) or real(texts))
    kept = submit(meeting, "Il faut plus de transports en commun le soir en Maurienne")
    twin = submit(meeting, "Plus de transports en commun le soir en Maurienne, il le faut")
    other = submit(meeting, "Les horaires de la PMI ne conviennent pas")
    assert [c.id for c, _ in duplicates.similar_to(kept)] == [twin.id]
    assert [c.id for c, _ in duplicates.similar_to(twin)] == [kept.id]
    assert len(calls) == 1  # the second page reused the meeting's vectors
    reject(other, actor=facilitator, reason="hors_sujet", now=utcnow())
    db.session.flush()
    duplicates.similar_to(kept)
    assert len(calls) == 2  # a candidate left: the vectors are rebuilt
    duplicates._vectors.clear()


def test_queue_row_flags_a_campaign_and_links_to_the_duplicates_page(
    client, facilitator, make_meeting, make_contribution
):
    meeting = make_meeting()
    for _ in range(5):
        make_contribution(
            meeting=meeting, body="Gardez la PMI de Modane ouverte !", status="pending"
        )
    make_contribution(meeting=meeting, body="Une idée à moi", status="pending")

    page = client.get(f"/moderation/?rencontre={meeting.id}").text

    assert page.count("campagne : texte identique envoyé par 5 personnes") == 5
    assert f"/moderation/doublons?rencontre={meeting.id}" in page


def test_queue_tags_say_their_theme_or_fiche_in_full(client, facilitator, meeting, db):
    """A chip read « T 13 » and nothing else: a screen reader heard « T 13 », and nobody
    saw which theme that is without opening the contribution."""
    contribution = submit(meeting, "Des places d'accueil de jour près de chez nous")
    theme, fiche = meeting.scheme.themes[0], meeting.scheme.fiches[0]
    db.session.add(ContributionTag(contribution_id=contribution.id, theme_id=theme.id))
    db.session.add(ContributionTag(contribution_id=contribution.id, fiche_id=fiche.id))
    db.session.commit()
    page = client.get(f"/moderation/?rencontre={meeting.id}").text
    for letter, kind, target in (("T", "Thématique", theme), ("F", "Fiche", fiche)):
        seen = f'<span aria-hidden="true">{letter} {target.number} <span class="tag__title">'
        assert seen in page  # the title follows the short label for the eye
        heard = f'<span class="visually-hidden">{kind} {target.number} : {target.title}</span>'
        assert heard.replace("'", "&#39;") in page


def test_queue_header_holds_no_control_so_phones_read_it_row_by_row(client, facilitator, meeting):
    """site.js reads a table row by row on a phone unless its header holds controls: the
    queue's « tout cocher » stood in its header, so its columns overflowed at 375 px."""
    submit(meeting, "Un accueil de jour le samedi")
    page = client.get(f"/moderation/?rencontre={meeting.id}").text
    head = page[page.index("<thead>") : page.index("</thead>")]
    assert "<input" not in head
    assert "<button" not in head
    assert "Tout cocher sur cette page</label>" in page  # above the table, a visible label
