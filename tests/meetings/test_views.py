"""Meeting pages: facilitators' management, join code, QR code, attendance, closing, wall."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from consult.core.db import utcnow
from consult.meetings.models import Meeting
from consult.meetings.views import qr_svg
from tests.factories import HOSTILE_TEXT

NON_STAFF = ("participant", "member", "partner")


@pytest.fixture
def facilitator(make_user, login, db):
    """A signed-in facilitator (signing in commits what the test created before)."""
    user = make_user(role="facilitator")
    login(user)
    return user


def _commit(db):
    """Make the test's rows survive a view's rollback (a refused change)."""
    db.session.commit()


def _meeting_data(scheme, **overrides):
    data = {
        "kind": "concertation_territoriale",
        "title": "Concertation du bassin chambérien",
        "held_on": "2026-03-12",
        "place": "Salle des fêtes, Chambéry",
        "territory_id": "0",
        "scheme_id": str(scheme.id),
        "theme_ids": [str(scheme.themes[0].id), str(scheme.themes[1].id)],
        "user_groups": "",
    }
    data.update(overrides)
    return data


# --- Create and edit ----------------------------------------------------------------


def test_facilitator_sees_the_new_meeting_form_with_themes(client, make_scheme, facilitator):
    scheme = make_scheme()
    body = client.get("/rencontres/nouvelle").get_data(as_text=True)
    assert 'name="theme_ids"' in body
    assert scheme.themes[0].title.replace("'", "&#39;") in body
    assert "Publier les contributions sans modération préalable" in body
    assert "Université sociale" in body


def _only_meeting(db) -> Meeting:
    return db.session.scalars(sa.select(Meeting)).one()


def test_facilitator_creates_a_draft_meeting(client, make_scheme, facilitator, db):
    scheme = make_scheme()
    data = _meeting_data(scheme, title=HOSTILE_TEXT, publish_immediately="y")
    response = client.post("/rencontres/nouvelle", data=data)
    assert response.status_code == 302
    stored = _only_meeting(db)
    assert response.headers["Location"] == f"/rencontres/{stored.id}/gestion"
    assert stored.title == 'alert("x")Plus de transports à Modane'
    assert stored.status == "draft"
    assert stored.publish_immediately is True
    assert [t.id for t in stored.themes] == [scheme.themes[0].id, scheme.themes[1].id]
    assert stored.created_by_id == facilitator.id
    assert len(stored.join_code) == 6


def _form_key(client, path="/rencontres/nouvelle") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="form_key" type="hidden" value="([^"]+)"', page).group(1)


def test_double_submitted_meeting_form_creates_one_meeting(client, make_scheme, facilitator, db):
    scheme = make_scheme()
    data = _meeting_data(scheme, form_key=_form_key(client))
    first = client.post("/rencontres/nouvelle", data=data)
    second = client.post("/rencontres/nouvelle", data=data)
    meeting = _only_meeting(db)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert second.headers["Location"] == f"/rencontres/{meeting.id}/gestion"


def test_two_meeting_forms_create_two_meetings(client, make_scheme, facilitator, db):
    scheme = make_scheme()
    for _ in range(2):
        client.post("/rencontres/nouvelle", data=_meeting_data(scheme, form_key=_form_key(client)))
    assert len(db.session.scalars(sa.select(Meeting)).all()) == 2


def test_meeting_title_is_shown_escaped(client, make_scheme, facilitator, db):
    scheme = make_scheme()
    title = "Enfance & familles <3 ans> : « parlons-en »"
    client.post("/rencontres/nouvelle", data=_meeting_data(scheme, title=title))
    body = client.get(f"/rencontres/{_only_meeting(db).id}/gestion").get_data(as_text=True)
    assert "Enfance &amp; familles" in body
    assert "<3 ans>" not in body


def test_user_groups_are_kept_for_universite_sociale_only(client, make_scheme, facilitator, db):
    scheme = make_scheme()
    groups = "Personnes âgées\n\nJeunes accueillis <b>ASE</b>\n"
    client.post(
        "/rencontres/nouvelle",
        data=_meeting_data(
            scheme, kind="universite_sociale", user_groups=groups, title="Université"
        ),
    )
    client.post(
        "/rencontres/nouvelle", data=_meeting_data(scheme, user_groups=groups, title="Concertation")
    )
    groups_by_title = {m.title: m.user_groups for m in db.session.scalars(sa.select(Meeting))}
    assert groups_by_title == {
        "Université": ["Personnes âgées", "Jeunes accueillis ASE"],
        "Concertation": [],
    }


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Ce champ est obligatoire."),
        ({"title": "ab"}, "Entre 3 et 300 caractères"),
        ({"kind": "fete_foraine"}, "Type de rencontre"),
        ({"held_on": "31/02/2026"}, "Date"),
        ({"theme_ids": ["999999"]}, "Thématiques abordées"),
    ],
)
def test_bad_meeting_form_is_refused_in_french(
    client, make_scheme, facilitator, count, overrides, message
):
    scheme = make_scheme()
    response = client.post("/rencontres/nouvelle", data=_meeting_data(scheme, **overrides))
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Le formulaire contient" in body
    assert message.replace("'", "&#39;") in body
    assert count(Meeting) == 0


def test_facilitator_edits_a_meeting(client, make_meeting, facilitator, db):
    meeting = make_meeting(status="open", title="Ancien titre")
    scheme = meeting.scheme
    page = client.get(f"/rencontres/{meeting.id}/modifier").get_data(as_text=True)
    assert 'value="Ancien titre"' in page
    data = _meeting_data(scheme, title="Nouveau titre", theme_ids=[str(scheme.themes[2].id)])
    response = client.post(f"/rencontres/{meeting.id}/modifier", data=data)
    assert response.status_code == 302
    db.session.refresh(meeting)
    assert meeting.title == "Nouveau titre"
    assert meeting.themes == [scheme.themes[2]]
    assert meeting.status == "open"


def test_archived_meeting_cannot_be_edited(client, make_meeting, facilitator, db):
    meeting = make_meeting(status="archived", title="Figée")
    response = client.post(
        f"/rencontres/{meeting.id}/modifier", data=_meeting_data(meeting.scheme, title="Autre")
    )
    assert response.status_code == 302
    db.session.refresh(meeting)
    assert meeting.title == "Figée"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "archivée ne peut plus être modifiée" in page


# --- Lifecycle ----------------------------------------------------------------------


def test_management_page_shows_code_links_and_allowed_steps(client, make_meeting, facilitator):
    meeting = make_meeting(status="draft", join_code="ABC234")
    body = client.get(f"/rencontres/{meeting.id}/gestion").get_data(as_text=True)
    assert "ABC234" in body
    assert f"/rencontres/{meeting.id}/affiche" in body
    assert f"/rencontres/{meeting.id}/mur" in body
    assert f"http://localhost/rencontres/{meeting.id}/contribuer" in body
    assert 'value="open"' in body
    assert 'value="archived"' not in body


def test_facilitator_opens_then_archives_after_closing(client, make_meeting, facilitator, db):
    meeting = make_meeting(status="draft")
    response = client.post(f"/rencontres/{meeting.id}/etat", data={"target": "open"})
    assert response.status_code == 302
    db.session.refresh(meeting)
    assert meeting.status == "open"
    assert meeting.opened_at is not None
    assert "maintenant « ouverte aux contributions »" in client.get(
        f"/rencontres/{meeting.id}/gestion"
    ).get_data(as_text=True)


@pytest.mark.parametrize(
    ("status", "target"), [("draft", "archived"), ("draft", "closed"), ("archived", "open")]
)
def test_refused_transition_says_why(client, make_meeting, facilitator, db, status, target):
    meeting = make_meeting(status=status)
    _commit(db)
    response = client.post(f"/rencontres/{meeting.id}/etat", data={"target": target})
    assert response.status_code == 422
    assert "ne peut pas passer" in response.get_data(as_text=True)
    db.session.refresh(meeting)
    assert meeting.status == status


def test_unknown_target_status_is_refused(client, make_meeting, facilitator, db):
    meeting = make_meeting(status="draft")
    _commit(db)
    response = client.post(f"/rencontres/{meeting.id}/etat", data={"target": "supprimee"})
    assert response.status_code == 422
    assert "Cette étape n&#39;existe pas" in response.get_data(as_text=True)


# --- Joining ------------------------------------------------------------------------


def test_join_page_offers_a_phone_friendly_field(client):
    response = client.get("/rejoindre")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'autocapitalize="characters"' in body
    assert 'inputmode="text"' in body
    assert 'method="get"' in body
    assert "Code de la rencontre" in body


@pytest.mark.parametrize("typed", ["ABC234", " abc 234 ", "abc-234"])
def test_join_code_leads_to_the_participant_form(client, make_meeting, typed):
    meeting = make_meeting(status="open", join_code="ABC234")
    response = client.get("/rejoindre", query_string={"code": typed})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/rencontres/{meeting.id}/contribuer"


def test_join_code_of_a_meeting_in_preparation_gets_a_french_message(client, make_meeting):
    # A closed meeting's code leads to its results (test_closed_meeting_qr_code_leads_...).
    make_meeting(status="draft", join_code="ABC234")
    response = client.get("/rejoindre?code=ABC234")
    assert response.status_code == 422
    assert "Aucune rencontre ouverte ne correspond à ce code" in response.get_data(as_text=True)


@pytest.mark.parametrize(("typed", "message"), [("ZZZZZZ", "Aucune rencontre"), ("", "Tapez")])
def test_unknown_or_empty_join_code_gets_a_french_message(client, typed, message):
    response = client.get("/rejoindre", query_string={"code": typed})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in body
    assert 'aria-invalid="true"' in body


def test_short_link_redirects_like_the_join_form(client, make_meeting):
    meeting = make_meeting(status="open", join_code="KQR7DE")
    response = client.get("/r/kqr7de")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/rencontres/{meeting.id}/contribuer"
    unknown = client.get("/r/NOPE99")
    assert unknown.status_code == 422
    assert "Aucune rencontre ouverte" in unknown.get_data(as_text=True)


# --- QR code and poster ---------------------------------------------------------------


def test_qr_code_is_an_svg_of_the_short_link(client, make_meeting, app):
    meeting = make_meeting(status="open", join_code="ABC234")
    response = client.get(f"/rencontres/{meeting.id}/qr.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.data.lstrip().startswith(b"<svg")
    # segno is deterministic: the same URL gives the same drawing, another URL does not.
    assert response.data == qr_svg("http://localhost/r/ABC234")
    assert response.data != qr_svg("http://localhost/r/ABC235")


def test_poster_shows_code_and_address(client, make_meeting):
    meeting = make_meeting(
        status="open", join_code="ABC234", title="Forum <i>social</i>", place="Modane"
    )
    body = client.get(f"/rencontres/{meeting.id}/affiche").get_data(as_text=True)
    assert "ABC234" in body
    assert "localhost/rejoindre" in body
    assert "http://localhost/r/ABC234" in body
    assert f"/rencontres/{meeting.id}/qr.svg" in body
    assert "Forum &lt;i&gt;social&lt;/i&gt;" in body
    assert "css/wall.css" in body


@pytest.mark.parametrize("path", ["qr.svg", "affiche"])
def test_qr_and_poster_only_for_open_meetings_or_staff(
    client, make_meeting, make_user, login, path
):
    closed = make_meeting(status="closed")
    draft = make_meeting(status="draft")
    assert client.get(f"/rencontres/{closed.id}/{path}").status_code == 404
    assert client.get(f"/rencontres/{draft.id}/{path}").status_code == 404
    login(make_user(role="facilitator"))
    assert client.get(f"/rencontres/{draft.id}/{path}").status_code == 200


# --- Attendance and closing -----------------------------------------------------------


def test_facilitator_records_attendance(client, make_meeting, facilitator, db):
    meeting = make_meeting(status="open", user_groups=["Personnes âgées", "Parents"])
    data = {
        "presences-type_usagers": "12",
        "presences-type_elus": "",
        "presences-type_agents": "0",
        "presences-group_1": "7",
    }
    response = client.post(f"/rencontres/{meeting.id}/presences", data=data)
    assert response.status_code == 302
    db.session.refresh(meeting)
    assert meeting.attendance_by_type == {"usagers": 12}
    assert meeting.attendance_by_group == {"Parents": 7}
    page = client.get(f"/rencontres/{meeting.id}/gestion").get_data(as_text=True)
    assert 'value="12"' in page  # the form shows what was recorded


@pytest.mark.parametrize("value", ["-3", "douze", "2.5", "100001"])
def test_bad_attendance_is_refused_in_french(client, make_meeting, facilitator, db, value):
    meeting = make_meeting(status="open", attendance_by_type={"usagers": 4})
    _commit(db)
    response = client.post(
        f"/rencontres/{meeting.id}/presences", data={"presences-type_usagers": value}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Effectifs non enregistrés" in body
    assert "nombre entier" in body or "100000 personnes au maximum" in body
    db.session.refresh(meeting)
    assert meeting.attendance_by_type == {"usagers": 4}


def test_attendance_of_a_draft_meeting_is_refused(client, make_meeting, facilitator, db):
    meeting = make_meeting(status="draft")
    _commit(db)
    response = client.post(
        f"/rencontres/{meeting.id}/presences", data={"presences-type_usagers": "3"}
    )
    assert response.status_code == 422
    db.session.refresh(meeting)
    assert meeting.attendance_by_type in ({}, None)


def test_facilitator_closes_with_minutes_and_counts(client, make_meeting, facilitator, db):
    meeting = make_meeting(status="open", user_groups=["Parents"])
    data = {
        "cloture-minutes": "Trois priorités :\nle transport\n\nEt l'accès <aux droits> & plus",
        "cloture-type_usagers": "40",
        "cloture-type_professionnels": "12",
        "cloture-group_0": "9",
    }
    response = client.post(f"/rencontres/{meeting.id}/cloture", data=data)
    assert response.status_code == 302
    db.session.refresh(meeting)
    assert meeting.status == "closed"
    assert meeting.closed_at is not None
    assert meeting.attendance_by_type == {"usagers": 40, "professionnels": 12}
    assert meeting.attendance_by_group == {"Parents": 9}
    assert meeting.minutes == (
        "<p>Trois priorités :<br>le transport</p>"
        "<p>Et l&#39;accès &lt;aux droits&gt; &amp; plus</p>"
    )
    public = client.get(f"/rencontres/{meeting.id}").get_data(as_text=True)
    assert "Relevé de conclusions" in public
    assert "<p>Trois priorités :<br>le transport</p>" in public
    assert "Participants : 52 personnes" in public
    assert "Groupe « Parents »" in public


def test_minutes_with_markup_are_sanitised(client, make_meeting, facilitator, db):
    meeting = make_meeting(status="open")
    minutes = (
        '<p>Bien <strong>noté</strong></p><script>alert(1)</script><a href="javascript:x">l</a>'
    )
    client.post(f"/rencontres/{meeting.id}/cloture", data={"cloture-minutes": minutes})
    db.session.refresh(meeting)
    assert meeting.status == "closed"
    public = client.get(f"/rencontres/{meeting.id}").get_data(as_text=True)
    assert "<p>Bien <strong>noté</strong></p>" in public
    assert "<script>alert(1)" not in public
    assert "javascript:" not in public


def test_bad_counts_keep_the_meeting_open(client, make_meeting, facilitator, db):
    meeting = make_meeting(status="open")
    _commit(db)
    response = client.post(
        f"/rencontres/{meeting.id}/cloture",
        data={"cloture-minutes": "Relevé important", "cloture-type_elus": "-1"},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "La rencontre n&#39;a pas été close" in body
    assert "Relevé important" in body  # what was typed is not lost
    db.session.refresh(meeting)
    assert meeting.status == "open"
    assert meeting.minutes in ("", None)


def test_only_open_meetings_can_be_closed(client, make_meeting, facilitator, db):
    meeting = make_meeting(status="draft")
    _commit(db)
    response = client.post(f"/rencontres/{meeting.id}/cloture", data={"cloture-minutes": "x"})
    assert response.status_code == 422
    assert "Seule une rencontre ouverte peut être close" in response.get_data(as_text=True)


def _close(client, meeting, minutes):
    return client.post(f"/rencontres/{meeting.id}/cloture", data={"cloture-minutes": minutes})


def test_closing_again_with_empty_minutes_keeps_them(client, make_meeting, facilitator, db):
    meeting = make_meeting(status="open")
    _close(client, meeting, "Première conclusion\nsur deux lignes\n\nEt l'accès <aux droits>")
    client.post(f"/rencontres/{meeting.id}/etat", data={"target": "open"})
    form_page = client.get(f"/rencontres/{meeting.id}/gestion").get_data(as_text=True)
    # The close form shows the minutes as they were typed, not empty and not as HTML.
    assert "Première conclusion\nsur deux lignes\n\nEt l&#39;accès &lt;aux droits&gt;" in form_page
    assert _close(client, meeting, "").status_code == 302
    db.session.refresh(meeting)
    assert meeting.status == "closed"
    assert "Première conclusion" in meeting.minutes


def test_closing_again_with_the_shown_minutes_changes_nothing(
    client, make_meeting, facilitator, db
):
    meeting = make_meeting(status="open")
    _close(client, meeting, "Conclusion\nune\n\ndeux & trois")
    stored = meeting.minutes
    client.post(f"/rencontres/{meeting.id}/etat", data={"target": "open"})
    _close(client, meeting, "Conclusion\nune\n\ndeux & trois")
    db.session.refresh(meeting)
    assert meeting.minutes == stored
    assert client.get(f"/rencontres/{meeting.id}/gestion").status_code == 200
    body = client.get(f"/rencontres/{meeting.id}/gestion").get_data(as_text=True)
    assert "Versions précédentes du relevé" not in body


def test_minutes_of_a_closed_meeting_are_edited_with_history(client, make_meeting, facilitator, db):
    meeting = make_meeting(status="open")
    _close(client, meeting, "Version un")
    page = client.get(f"/rencontres/{meeting.id}/gestion").get_data(as_text=True)
    assert 'href="#titre-releve">Modifier le relevé de conclusions' in page
    edit_page = client.get(f"/rencontres/{meeting.id}/modifier").get_data(as_text=True)
    assert f"/rencontres/{meeting.id}/gestion#titre-releve" in edit_page
    assert 'name="releve-minutes"' in page
    assert "Version un</textarea>" in page
    response = client.post(
        f"/rencontres/{meeting.id}/releve", data={"releve-minutes": "Version deux"}
    )
    assert response.status_code == 302
    db.session.refresh(meeting)
    assert meeting.minutes == "<p>Version deux</p>"
    page = client.get(f"/rencontres/{meeting.id}/gestion").get_data(as_text=True)
    assert "Versions précédentes du relevé" in page
    assert "<p>Version un</p>" in page
    public = client.get(f"/rencontres/{meeting.id}").get_data(as_text=True)
    assert "<p>Version deux</p>" in public
    assert "Version un" not in public


def test_minutes_of_an_open_meeting_are_not_edited_apart(client, make_meeting, facilitator, db):
    meeting = make_meeting(status="open")
    _commit(db)
    response = client.post(f"/rencontres/{meeting.id}/releve", data={"releve-minutes": "x"})
    assert response.status_code == 422
    db.session.refresh(meeting)
    assert meeting.minutes in ("", None)


@pytest.mark.parametrize("role", NON_STAFF)
def test_minutes_edit_is_staff_only(client, make_meeting, make_user, login, role, db):
    meeting = make_meeting(status="closed", minutes="<p>Gardé</p>")
    login(make_user(role=role))
    response = client.post(f"/rencontres/{meeting.id}/releve", data={"releve-minutes": "x"})
    assert response.status_code in (302, 403)
    db.session.refresh(meeting)
    assert meeting.minutes == "<p>Gardé</p>"


@pytest.mark.parametrize("status", ["closed", "archived"])
def test_closed_meeting_qr_code_leads_to_its_results(
    client, make_meeting, make_contribution, status
):
    meeting = make_meeting(status=status, join_code="ABC234", minutes="<p>Un bus le dimanche</p>")
    make_contribution(meeting=meeting, body="Il manque des bus le dimanche soir")
    for path in ("/r/abc234", "/rejoindre?code=ABC+234"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"] == f"/rencontres/{meeting.id}/resultats"
    page = client.get(f"/rencontres/{meeting.id}/resultats").get_data(as_text=True)
    assert "Cette rencontre est terminée" in page
    assert "Ce qui a été dit" in page
    assert "Ce qui a été décidé" in page
    assert "<p>Un bus le dimanche</p>" in page
    assert "Il manque des bus le dimanche soir" in page
    assert f'/suite/rencontres/{meeting.id}"' in page
    assert "Le formulaire contient" not in page


def test_draft_meeting_code_stays_unknown(client, make_meeting):
    make_meeting(status="draft", join_code="ABC234")
    response = client.get("/r/ABC234")
    assert response.status_code == 422
    assert "Aucune rencontre ouverte ne correspond" in response.get_data(as_text=True)


def test_open_meeting_results_page_sends_to_the_meeting(client, make_meeting):
    meeting = make_meeting(status="open")
    response = client.get(f"/rencontres/{meeting.id}/resultats")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/rencontres/{meeting.id}"


def test_poster_has_a_print_button_and_says_what_to_expect(client, make_meeting, facilitator):
    meeting = make_meeting(status="open")
    page = client.get(f"/rencontres/{meeting.id}/affiche").get_data(as_text=True)
    assert "Imprimer l'affiche" in page
    assert "data-print" in page
    for promise in ("Sans compte", "Anonyme", "2 minutes"):
        assert f"<li>{promise}</li>" in page
    assert "facile à lire et à comprendre" in page
    assert "js/site.js" in page


# --- Live wall ------------------------------------------------------------------------


def _feed(client, meeting, **params):
    response = client.get(f"/rencontres/{meeting.id}/mur.json", query_string=params)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def test_wall_feed_returns_only_this_meetings_published_items_after_the_cursor(
    client, make_meeting, make_contribution
):
    meeting = make_meeting(status="open")
    other = make_meeting(status="open")
    t0 = utcnow() - timedelta(minutes=10)
    first = make_contribution(meeting=meeting, published_at=t0, body="Premier")
    second = make_contribution(meeting=meeting, published_at=t0 + timedelta(minutes=1))
    make_contribution(meeting=meeting, status="pending", body="En attente")
    make_contribution(meeting=meeting, status="rejected", body="Rejetée", published_at=t0)
    make_contribution(meeting=other, published_at=t0 + timedelta(minutes=2), body="Ailleurs")

    everything = _feed(client, meeting)
    assert [i["id"] for i in everything["items"]] == [first.id, second.id]

    later = _feed(client, meeting, since=first.published_at.isoformat(), after=first.id)
    assert [i["id"] for i in later["items"]] == [second.id]
    item = later["items"][0]
    # Plain text as stored: the wall inserts it with textContent, so no HTML escaping here.
    assert item["body"] == HOSTILE_TEXT
    assert item["kind_label"] == "Proposition"
    assert item["signature"] == "Participant·e anonyme"
    assert later["cursor"] == {"since": item["published_at"], "after": second.id}

    nothing = _feed(client, meeting, **later["cursor"])
    assert nothing["items"] == []
    assert nothing["cursor"] == later["cursor"]


def test_wall_feed_refuses_a_broken_cursor(client, make_meeting):
    meeting = make_meeting(status="open")
    response = client.get(f"/rencontres/{meeting.id}/mur.json?since=hier")
    assert response.status_code == 400


def test_wall_page_shows_latest_items_escaped_and_the_join_code(
    client, make_meeting, make_contribution
):
    meeting = make_meeting(status="open", join_code="ABC234")
    published = make_contribution(meeting=meeting, published_at=utcnow())
    make_contribution(meeting=meeting, status="pending", body="Pas encore publiée")
    response = client.get(f"/rencontres/{meeting.id}/mur")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="fr">' in body
    assert "ABC234" in body
    assert "&lt;script&gt;alert" in body
    assert "<script>alert" not in body
    assert "Pas encore publiée" not in body
    assert 'aria-live="polite"' in body
    assert "js/wall.js" in body
    assert f'data-wall-after="{published.id}"' in body
    assert re.search(r'data-wall-since="[0-9-]+T[0-9:.]+\+00:00"', body)


def test_wall_of_a_closed_meeting_has_no_join_code(client, make_meeting):
    meeting = make_meeting(status="closed", join_code="ABC234")
    body = client.get(f"/rencontres/{meeting.id}/mur").get_data(as_text=True)
    assert "ABC234" not in body
    assert "accepte plus de contributions" in body


# --- Who may do what ------------------------------------------------------------------


def _management_requests(meeting_id):
    return [
        ("get", "/rencontres/nouvelle"),
        ("post", "/rencontres/nouvelle"),
        ("get", f"/rencontres/{meeting_id}/gestion"),
        ("get", f"/rencontres/{meeting_id}/modifier"),
        ("post", f"/rencontres/{meeting_id}/modifier"),
        ("post", f"/rencontres/{meeting_id}/etat"),
        ("post", f"/rencontres/{meeting_id}/presences"),
        ("post", f"/rencontres/{meeting_id}/cloture"),
    ]


@pytest.mark.parametrize("role", NON_STAFF)
def test_non_staff_get_403_on_management_routes(client, make_meeting, make_user, login, role):
    meeting = make_meeting(status="open")
    login(make_user(role=role))
    for method, path in _management_requests(meeting.id):
        response = getattr(client, method)(path, data={"target": "closed"})
        assert response.status_code == 403, (method, path)
    assert meeting.status == "open"


def test_anonymous_visitors_are_sent_to_sign_in(client, make_meeting):
    meeting = make_meeting(status="open")
    for method, path in _management_requests(meeting.id):
        response = getattr(client, method)(path)
        assert response.status_code == 302, (method, path)
        assert response.headers["Location"].startswith("/connexion")


@pytest.mark.parametrize("role", [None, *NON_STAFF])
def test_draft_meetings_are_404_for_non_staff(client, make_meeting, make_user, login, role):
    meeting = make_meeting(status="draft")
    if role:
        login(make_user(role=role))
    for suffix in ("", "/mur", "/mur.json", "/qr.svg", "/affiche"):
        assert client.get(f"/rencontres/{meeting.id}{suffix}").status_code == 404, suffix


def test_staff_see_drafts_and_management_links(client, make_meeting, facilitator):
    meeting = make_meeting(status="draft", title="Rencontre à préparer")
    index = client.get("/rencontres/").get_data(as_text=True)
    assert "Rencontre à préparer" in index
    assert "/rencontres/nouvelle" in index
    assert f"/rencontres/{meeting.id}/gestion" in index
    show = client.get(f"/rencontres/{meeting.id}").get_data(as_text=True)
    assert f"/rencontres/{meeting.id}/gestion" in show
    assert client.get(f"/rencontres/{meeting.id}/mur").status_code == 200


def test_public_pages_link_to_join_but_not_to_management(client, make_meeting):
    meeting = make_meeting(status="open")
    index = client.get("/rencontres/").get_data(as_text=True)
    assert "/rejoindre" in index
    assert "/rencontres/nouvelle" not in index
    show = client.get(f"/rencontres/{meeting.id}").get_data(as_text=True)
    assert "/rejoindre" in show
    assert f"/rencontres/{meeting.id}/contribuer" in show
    assert "/gestion" not in show


# --- CSRF ---------------------------------------------------------------------------


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def test_management_posts_need_the_page_token(client, make_meeting, facilitator, csrf_on, db):
    meeting = make_meeting(status="draft")
    _commit(db)
    for path in ("nouvelle", f"{meeting.id}/etat", f"{meeting.id}/presences"):
        response = client.post(f"/rencontres/{path}", data={"target": "open"})
        assert response.status_code == 400, path
    page = client.get(f"/rencontres/{meeting.id}/gestion").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(
        f"/rencontres/{meeting.id}/etat", data={"target": "open", "csrf_token": token}
    )
    assert response.status_code == 302
    db.session.refresh(meeting)
    assert meeting.status == "open"
    page = client.get(f"/rencontres/{meeting.id}/gestion").get_data(as_text=True)
    assert 'name="presences-csrf_token"' in page
    assert 'name="cloture-csrf_token"' in page


def test_a_working_group_meeting_belongs_to_its_group(
    client, make_scheme, make_working_group, facilitator, db
):
    scheme = make_scheme()
    group = make_working_group(scheme=scheme)
    other_scheme_group = make_working_group()
    db.session.commit()
    data = _meeting_data(
        scheme, kind="groupe_de_travail", title="Séance 1", working_group_id=group.id
    )
    assert client.post("/rencontres/nouvelle", data=data).status_code == 302
    concertation = _meeting_data(scheme, title="Concertation", working_group_id=group.id)
    assert client.post("/rencontres/nouvelle", data=concertation).status_code == 302
    by_title = {m.title: m.working_group_id for m in db.session.scalars(sa.select(Meeting))}
    assert by_title == {"Séance 1": group.id, "Concertation": None}

    wrong = _meeting_data(
        scheme, kind="groupe_de_travail", title="Ailleurs", working_group_id=other_scheme_group.id
    )
    response = client.post("/rencontres/nouvelle", data=wrong)
    assert response.status_code == 422
    assert "Choisissez un groupe de travail du schéma de la rencontre." in response.text


def test_a_group_meeting_is_prepared_from_the_group_page(
    client, make_scheme, make_working_group, facilitator, db
):
    scheme = make_scheme()
    group = make_working_group(scheme=scheme, name="Accès aux droits", theme=scheme.themes[2])
    db.session.commit()
    page = client.get(f"/groupes/{group.id}/").text
    assert f"/rencontres/nouvelle?type=groupe_de_travail&amp;groupe={group.id}" in page
    form = client.get(f"/rencontres/nouvelle?type=groupe_de_travail&groupe={group.id}").text
    assert f'<option selected value="{group.id}">Accès aux droits</option>' in form
    assert "Groupe de travail « Accès aux droits » — séance" in form
    assert client.get("/rencontres/nouvelle?groupe=99999999999999999999").status_code == 200
