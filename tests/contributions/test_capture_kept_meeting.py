"""Issue 17: the capture POST reads nothing before its INSERT, and refuses exactly as before.

Each process keeps a copy of the meeting it was posted to (``views._post``); the INSERT
itself checks that the meeting's row still holds what the copy says (open, territory,
publication rule, version: ``MeetingForPosting.unchanged``). When it does not (closed,
changed, deleted, or the same form sent again), nothing is written, the meeting is read
in the transaction and everything goes on as without a copy.
"""

import re

import pytest
import sqlalchemy as sa

from consult.contributions.models import Contribution
from consult.meetings.models import Meeting
from tests.contributions.test_views import BODY, answers, form_key

FORM = "/rencontres/{}/contribuer"
CODE = re.compile(r"[A-Z2-9]{5}-[A-Z2-9]{5}")
CONTROL = re.compile(r"^(BEGIN|SAVEPOINT|RELEASE|ROLLBACK|COMMIT|PRAGMA)", re.I)


@pytest.fixture
def copies(app):
    """This process's copies of the meetings posted to, empty at the start of the test
    (the app is shared by the whole run; rolled-back tests reuse ids)."""
    app.extensions.pop("consult_posting_meetings", None)
    yield app.extensions.setdefault("consult_posting_meetings", {})
    app.extensions.pop("consult_posting_meetings", None)


@pytest.fixture
def statements(db):
    seen = []

    def record(_conn, _cursor, statement, *_args):
        if not CONTROL.match(statement.strip()) and "FROM site_settings" not in statement:
            seen.append(" ".join(statement.split()))

    sa.event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    sa.event.remove(db.engine, "before_cursor_execute", record)


def _post(client, meeting_id, **overrides):
    key = form_key(client.get(FORM.format(meeting_id)))
    return client.post(FORM.format(meeting_id), data=answers(key, **overrides))


def _stored(db):
    db.session.expire_all()
    return db.session.scalars(sa.select(Contribution).order_by(Contribution.id)).all()


def test_once_the_meeting_is_kept_a_post_is_one_insert(client, make_meeting, copies, statements):
    meeting = make_meeting(status="open")
    assert _post(client, meeting.id).status_code == 200  # reads the meeting, keeps a copy
    key = form_key(client.get(FORM.format(meeting.id)))
    statements.clear()
    response = client.post(FORM.format(meeting.id), data=answers(key, body=BODY + " !"))
    assert response.status_code == 200
    assert CODE.search(response.text)
    # Reference lists (publics, territories) are kept 30 s outside the tests.
    touched = [s for s in statements if "meetings" in s or "contributions" in s]
    assert len(touched) == 1, touched
    assert touched[0].startswith("INSERT INTO contributions")
    assert "FROM meetings" in touched[0]  # the copy is checked by the INSERT itself


def test_a_meeting_closed_after_it_was_kept_still_refuses(client, make_meeting, copies, db):
    meeting = make_meeting(status="open")
    assert _post(client, meeting.id).status_code == 200
    assert copies[meeting.id].is_open
    meeting.status = "closed"
    db.session.commit()
    response = client.post(FORM.format(meeting.id), data=answers("k" * 32, body="Mon texte"))
    assert response.status_code == 409
    assert "votre texte n'a pas été enregistré" in response.text
    assert "Mon texte" in response.text
    assert len(_stored(db)) == 1
    assert not copies[meeting.id].is_open  # read again: the copy follows


def test_a_meeting_closed_behind_the_orm_still_refuses(client, make_meeting, copies, db):
    """Even a change that leaves ``updated_at`` as it was (SQL written by hand)."""
    meeting = make_meeting(status="open")
    assert _post(client, meeting.id).status_code == 200
    db.session.execute(
        sa.text("UPDATE meetings SET status = 'closed' WHERE id = :id"), {"id": meeting.id}
    )
    db.session.expire_all()  # the test's session is the requests' one
    response = client.post(FORM.format(meeting.id), data=answers("k" * 32, body="Mon texte"))
    assert response.status_code == 409
    assert len(_stored(db)) == 1


def test_a_repeat_after_closing_is_refused_as_before_and_stores_nothing(
    client, make_meeting, copies, db
):
    meeting = make_meeting(status="open")
    key = form_key(client.get(FORM.format(meeting.id)))
    first = client.post(FORM.format(meeting.id), data=answers(key))
    assert first.status_code == 200
    meeting.status = "closed"
    db.session.commit()
    again = client.post(FORM.format(meeting.id), data=answers(key))
    assert again.status_code == 409
    assert len(_stored(db)) == 1


def test_a_repeat_on_an_open_meeting_shows_the_same_code(client, make_meeting, copies, db):
    meeting = make_meeting(status="open")
    assert _post(client, meeting.id).status_code == 200  # the copy is kept
    key = form_key(client.get(FORM.format(meeting.id)))
    first = client.post(FORM.format(meeting.id), data=answers(key, body=BODY + " ?"))
    second = client.post(FORM.format(meeting.id), data=answers(key, body=BODY + " ?"))
    assert CODE.search(first.text).group(0) == CODE.search(second.text).group(0)
    assert len(_stored(db)) == 2


def test_the_publication_rule_and_territory_are_the_meetings_at_the_insert(
    client, make_meeting, make_territory, copies, db
):
    meeting = make_meeting(status="open", publish_immediately=False)
    assert _post(client, meeting.id).status_code == 200
    territory = make_territory(name="Maurienne")
    db.session.execute(
        sa.update(Meeting)
        .where(Meeting.id == meeting.id)
        .values(publish_immediately=True, territory_id=territory.id)
    )
    assert _post(client, meeting.id, body=BODY + " !").status_code == 200
    first, second = _stored(db)
    assert first.status == "pending"
    assert (second.status, second.territory_id) == ("published", territory.id)
    assert second.published_at is not None


def test_a_deleted_or_unpublished_meeting_is_not_found(client, make_meeting, copies, db):
    meeting = make_meeting(status="open")
    assert _post(client, meeting.id).status_code == 200
    db.session.execute(
        sa.text("UPDATE meetings SET status = 'draft' WHERE id = :id"), {"id": meeting.id}
    )
    refused = client.post(FORM.format(meeting.id), data=answers("k" * 32))
    assert refused.status_code == 404
    db.session.execute(sa.delete(Contribution))
    db.session.execute(sa.delete(Meeting).where(Meeting.id == meeting.id))
    assert client.post(FORM.format(meeting.id), data=answers("l" * 32)).status_code == 404
    assert meeting.id not in copies
    assert _stored(db) == []


# --- The form's CSRF token signed only when the form is shown --------------------------


def _csrf(page) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)


def test_a_post_answered_with_its_receipt_signs_no_csrf_token(app, make_meeting, monkeypatch):
    from flask import g
    from flask_wtf import csrf

    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    meeting = make_meeting(status="open")
    client = app.test_client()
    page = client.get(FORM.format(meeting.id))
    signed = []
    sign = csrf.generate_csrf
    monkeypatch.setattr(csrf, "generate_csrf", lambda *a, **k: signed.append(1) or sign(*a, **k))
    g.pop("csrf_token", None)  # the tests' requests share one app context (and ``g``)
    data = answers(form_key(page), csrf_token=_csrf(page))
    response = client.post(FORM.format(meeting.id), data=data)
    assert response.status_code == 200
    assert CODE.search(response.text)
    assert signed == []
    refused = client.post(FORM.format(meeting.id), data={**data, "csrf_token": "faux"})
    assert refused.status_code == 400  # the token sent is still checked


def test_a_form_shown_again_carries_a_token_that_is_accepted(app, make_meeting, monkeypatch, db):
    from flask import g

    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    meeting = make_meeting(status="open")
    client = app.test_client()
    page = client.get(FORM.format(meeting.id))
    g.pop("csrf_token", None)
    data = answers(form_key(page), csrf_token=_csrf(page))
    again = client.post(FORM.format(meeting.id), data={**data, "consent": None})
    assert again.status_code == 422  # consent missing: the form is shown again
    token = _csrf(again)
    assert token
    g.pop("csrf_token", None)
    sent = client.post(FORM.format(meeting.id), data={**data, "csrf_token": token})
    assert sent.status_code == 200
    assert len(_stored(db)) == 1
