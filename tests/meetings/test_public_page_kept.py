"""A meeting's public page under a crowd: its body is kept between visits (issue 17),
refreshed when something is published or supported, never served unchecked."""

import re
from datetime import UTC, datetime

from consult.moderation.services import publish
from tests.factories import CSRF_TOKEN, second_visitor_token

NOW = datetime(2026, 12, 5, 12, tzinfo=UTC)
HEADING = re.compile(r"Contributions publiées \((\d+)\)")


def _published(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200
    return int(HEADING.search(response.get_data(as_text=True)).group(1))


def test_statements_per_visit_do_not_grow_with_contributions(
    client, db, make_meeting, make_contribution, make_public, make_territory, statements
):
    """Without the cache (as in the other tests): as many statements for 2 contributions
    as for 45 with their territories and publics (no count or load per card)."""
    territory, public = make_territory(), make_public()
    seen = {}
    for many in (2, 45):
        meeting = make_meeting(status="closed", territory=territory)
        for n in range(many):
            contribution = make_contribution(
                meeting=meeting, body=f"Contribution {n}", territory=territory
            )
            contribution.publics.append(public)
        db.session.commit()
        url = f"/rencontres/{meeting.id}"
        client.get(url)  # a first request may set things up
        db.session.expunge_all()  # as in production: nothing already loaded by the test
        with statements() as seen[many]:
            assert client.get(url).status_code == 200
    assert len(seen[45]) == len(seen[2]), seen[45]


def test_a_kept_visit_reads_nothing(
    client, db, make_meeting, make_contribution, make_territory, statements, figures_kept
):
    meeting = make_meeting(status="open", territory=make_territory(name="Maurienne"))
    for n in range(30):
        make_contribution(meeting=meeting, body=f"Contribution numéro {n}")
    db.session.commit()
    url = f"/rencontres/{meeting.id}"
    first = client.get(url).get_data(as_text=True)
    db.session.expunge_all()  # as in production: nothing already loaded by the test
    with statements() as seen:
        again = client.get(url).get_data(as_text=True)
    assert seen == [], "facts, access and body come from what is kept"
    assert CSRF_TOKEN.sub("", again) == CSRF_TOKEN.sub("", first)
    assert "Contribution numéro 29" in again
    assert "<dt>Territoire</dt><dd>Maurienne</dd>" in again


def test_publishing_a_contribution_refreshes_the_kept_page(
    client, db, make_meeting, make_contribution, make_user, figures_kept
):
    meeting = make_meeting(status="open")
    make_contribution(meeting=meeting, body="Déjà publiée")
    pending = make_contribution(meeting=meeting, body="Une navette le dimanche", status="pending")
    db.session.commit()
    url = f"/rencontres/{meeting.id}"
    assert _published(client, url) == 1
    assert "Une navette le dimanche" not in client.get(url).get_data(as_text=True)

    publish(pending, actor=make_user(role="admin"), now=NOW)
    db.session.commit()

    assert _published(client, url) == 2
    assert "Une navette le dimanche" in client.get(url).get_data(as_text=True)


def test_a_support_shows_its_confirmation_then_the_new_count_to_everyone(
    app, client, db, make_meeting, make_contribution, figures_kept, no_rate_limits
):
    meeting = make_meeting(status="open")
    contribution = make_contribution(meeting=meeting, body="Des bancs à l'ombre")
    db.session.commit()
    url = f"/rencontres/{meeting.id}"
    assert "0 soutien<" in client.get(url).get_data(as_text=True)

    response = client.post(f"/contributions/{contribution.id}/soutenir?retour={url}")
    assert response.status_code == 303
    page = client.get(url).get_data(as_text=True)
    assert f'id="contribution-{contribution.id}-confirmation"' in page, "the supporter's card"
    assert "1 soutien<" in page

    other = app.test_client()
    page = other.get(url).get_data(as_text=True)
    assert "1 soutien<" in page
    assert "confirmation" not in page, "someone else's message is never kept"


def test_each_visitor_gets_their_own_form_token(
    app, client, db, make_meeting, make_contribution, figures_kept, no_rate_limits, monkeypatch
):
    """The kept body holds a marker where the « je soutiens » forms need a token: each
    visitor gets theirs, and it works."""
    meeting = make_meeting(status="open")
    contribution = make_contribution(meeting=meeting, body="Des bancs à l'ombre")
    db.session.commit()
    url = f"/rencontres/{meeting.id}"
    first = client.get(url).get_data(as_text=True)
    other, token = second_visitor_token(app, first, lambda c: c.get(url).get_data(as_text=True))
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = other.post(
        f"/contributions/{contribution.id}/soutenir?retour={url}", data={"csrf_token": token}
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert contribution.support_count == 1


def test_the_kept_page_links_back_to_itself_not_to_the_first_request(
    client, db, make_meeting, make_contribution, figures_kept
):
    meeting = make_meeting(status="open")
    make_contribution(meeting=meeting, body="Des bancs à l'ombre")
    db.session.commit()
    client.get(f"/rencontres/{meeting.id}?suivi=lettre-info")
    page = client.get(f"/rencontres/{meeting.id}").get_data(as_text=True)
    assert "lettre-info" not in page
    assert f"retour=/rencontres/{meeting.id}" in page


def test_a_kept_page_is_still_refused_to_who_may_not_see_it(
    client, login, make_meeting, make_user, db, figures_kept
):
    draft = make_meeting(status="draft", title="Rencontre en préparation")
    db.session.commit()
    url = f"/rencontres/{draft.id}"
    login(make_user(role="facilitator"))
    assert "Rencontre en préparation" in client.get(url).get_data(as_text=True)
    client.post("/deconnexion")
    assert client.get(url).status_code == 404, "the kept body is never served unchecked"


def test_the_team_link_is_not_kept(client, login, make_meeting, make_user, db, figures_kept):
    meeting = make_meeting(status="open")
    db.session.commit()
    url = f"/rencontres/{meeting.id}"
    login(make_user(role="facilitator"))
    assert "Gérer la rencontre" in client.get(url).get_data(as_text=True)
    client.post("/deconnexion")
    assert "Gérer la rencontre" not in client.get(url).get_data(as_text=True)


def test_opening_a_kept_draft_shows_it_to_everyone(
    client, login, make_meeting, make_user, db, figures_kept
):
    """Access is decided on the kept status: a change of status refreshes it."""
    draft = make_meeting(status="draft", title="Rencontre en préparation")
    db.session.commit()
    url = f"/rencontres/{draft.id}"
    assert client.get(url).status_code == 404
    login(make_user(role="facilitator"))
    response = client.post(f"/rencontres/{draft.id}/etat", data={"target": "open"})
    assert response.status_code in (302, 303)
    client.post("/deconnexion")
    page = client.get(url).get_data(as_text=True)
    assert "Rencontre en préparation" in page
    assert "Participer : donner mon avis" in page


def test_a_deleted_meeting_is_not_kept(client, make_meeting, db, figures_kept):
    meeting = make_meeting(status="open")
    db.session.commit()
    url = f"/rencontres/{meeting.id}"
    assert client.get(url).status_code == 200
    db.session.delete(meeting)
    db.session.commit()
    assert client.get(url).status_code == 404
