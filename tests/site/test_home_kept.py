"""The home page under a crowd: its content is kept between visits (issue 17), refreshed
when a meeting opens or closes, a contribution is published or the branding changes;
each visitor gets their own form token."""

import re
from datetime import UTC, datetime

import pytest

from consult.moderation.services import publish
from tests.factories import CSRF_TOKEN, second_visitor_token

NOW = datetime(2026, 12, 5, 12, tzinfo=UTC)
PUBLISHED = re.compile(r'<span class="figures__value">(\d+)</span> contributions publiées')

pytestmark = pytest.mark.usefixtures("figures_kept")


def _home(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_kept_visit_reads_nothing(client, db, make_meeting, make_contribution, statements):
    meeting = make_meeting(status="open", title="Rencontre de Modane")
    make_contribution(meeting=meeting, body="Un accueil de jour le samedi")
    db.session.commit()
    first = _home(client)
    db.session.expunge_all()  # as in production: nothing already loaded by the test
    with statements() as seen:
        again = _home(client)
    assert seen == [], "meetings, schemes and figures come from what is kept"
    assert CSRF_TOKEN.sub("", again) == CSRF_TOKEN.sub("", first)
    assert "Rencontre de Modane" in again


def test_opening_and_closing_a_meeting_shows_at_the_next_visit(
    client, login, db, make_meeting, make_user
):
    draft = make_meeting(status="draft", title="Rencontre de Moûtiers")
    db.session.commit()
    login(make_user(role="facilitator"))  # the team's visit fills what is kept
    assert "Rencontre de Moûtiers" not in _home(client)
    response = client.post(f"/rencontres/{draft.id}/etat", data={"target": "open"})
    assert response.status_code in (302, 303)
    client.post("/deconnexion")
    assert "Rencontre de Moûtiers" in _home(client)

    draft.status = "closed"
    db.session.commit()
    assert "Rencontre de Moûtiers" not in _home(client)


def test_publishing_a_contribution_updates_the_kept_figure(
    client, db, make_meeting, make_contribution, make_user
):
    meeting = make_meeting(status="open")
    make_contribution(meeting=meeting, body="Déjà publiée")
    pending = make_contribution(meeting=meeting, body="En attente", status="pending")
    db.session.commit()
    assert PUBLISHED.search(_home(client)).group(1) == "1"

    publish(pending, actor=make_user(role="admin"), now=NOW)
    db.session.commit()
    assert PUBLISHED.search(_home(client)).group(1) == "2"


def test_a_new_department_name_shows_at_the_next_visit(client, login, make_user):
    assert "Le Département de la Vienne prépare" not in _home(client)
    login(make_user(role="admin"))
    response = client.post(
        "/admin/apparence",
        data={
            "department_name": "Département de la Vienne",
            "platform_name": "Vienne Participe",
            "primary_colour": "#00594f",
            "contact_email": "",
        },
    )
    assert response.status_code == 302
    client.post("/deconnexion")
    assert "Le Département de la Vienne prépare" in _home(client)


def test_each_visitor_gets_their_own_working_token(
    app, client, db, make_contribution, no_rate_limits, monkeypatch
):
    """The kept content holds a marker where the follow-up form needs its token."""
    contribution = make_contribution(status="pending", body="Un accueil de jour le samedi")
    db.session.commit()
    other, token = second_visitor_token(app, _home(client), _home)
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = other.post("/suivi", data={"code": contribution.receipt_code, "csrf_token": token})
    assert response.status_code == 200
    assert "Un accueil de jour le samedi" in response.get_data(as_text=True)
