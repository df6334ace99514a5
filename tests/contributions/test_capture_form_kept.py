"""Issue 17 #1: the blank form of a crowded meeting reads nothing from the database.

What the form needs of its meeting (status, version) is kept like the public figures
(``core.cache.public_figures``: until a meeting, or anything public, changes), the
page's HTML apart from its tokens (``page_with_tokens``). A change of the meeting
(closed, renamed, deleted) is seen at the next visit; a meeting in preparation is
never shown to a visitor.
"""

import re
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask import g
from markupsafe import escape

from consult.contributions.models import Contribution
from tests.contributions.test_views import answers, form_key

FORM = "/rencontres/{}/contribuer"


@pytest.fixture
def kept(figures_kept, app, monkeypatch):
    """The caches as in production, empty at the start of the test: the public figures'
    (``figures_kept``), the reference data's and the kept form pages'."""
    monkeypatch.setitem(app.config, "REFERENCE_CACHE_SECONDS", 30)
    monkeypatch.delitem(app.extensions, "consult_token_pages", raising=False)
    monkeypatch.delitem(app.extensions, "consult_marked_pages", raising=False)
    yield
    app.extensions.pop("consult_token_pages", None)
    app.extensions.pop("consult_marked_pages", None)


@pytest.fixture
def statements(db):
    @contextmanager
    def _watch():
        seen = []

        def note(_conn, _cursor, statement, *_args):
            if "FROM site_settings" not in statement:  # kept per process (reference_cache)
                seen.append(" ".join(statement.split()))

        sa.event.listen(db.engine, "before_cursor_execute", note)
        try:
            yield seen
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", note)

    return _watch


def _get(client, url):
    g.pop("csrf_token", None)  # the tests' requests share one app context (and ``g``)
    return client.get(url)


def test_a_kept_form_reads_nothing_and_still_gets_fresh_tokens(
    app, make_meeting, db, kept, statements
):
    meeting = make_meeting(status="open", title="Rencontre de Modane")
    db.session.commit()
    url = FORM.format(meeting.id)
    first = _get(app.test_client(), url)
    db.session.expunge_all()  # as in production: nothing already loaded by the test
    with statements() as seen:
        second = _get(app.test_client(), url)
    assert seen == []
    assert second.status_code == 200
    assert "Rencontre de Modane" in second.text
    assert form_key(first) != form_key(second)


def test_closing_the_meeting_is_seen_at_the_next_visit(app, client, make_meeting, db, kept):
    meeting = make_meeting(status="open", title="Rencontre de Modane")
    db.session.commit()
    url = FORM.format(meeting.id)
    assert "Donner mon avis" in _get(client, url).text
    meeting.title = "Rencontre de Saint-Jean"
    db.session.commit()
    assert "Rencontre de Saint-Jean" in _get(client, url).text
    meeting.status = "closed"
    db.session.commit()
    page = _get(client, url)
    assert "n'accepte pas de contributions" in page.text
    assert not re.search(r'name="body"', page.text)


def test_a_meeting_in_preparation_or_deleted_is_never_served(app, client, make_meeting, db, kept):
    draft = make_meeting(status="draft")
    opened = make_meeting(status="open")
    db.session.commit()
    assert _get(client, FORM.format(draft.id)).status_code == 404
    assert _get(client, FORM.format(draft.id)).status_code == 404  # kept, still refused
    assert _get(client, FORM.format(opened.id)).status_code == 200
    db.session.delete(opened)
    db.session.commit()
    assert _get(client, FORM.format(opened.id)).status_code == 404


def test_a_kept_receipt_shows_each_participant_their_own_code_and_text(app, make_meeting, db, kept):
    meeting = make_meeting(status="open")
    db.session.commit()
    url = FORM.format(meeting.id)
    texts = [
        "Plus de bus le dimanche pour aller voir ma mère",
        "<b>Des horaires</b> & RECUcodeMARQUE « PMI » plus larges, s'il vous plaît",
    ]
    pages = []
    for text in texts:
        client = app.test_client()
        key = form_key(_get(client, url))
        g.pop("csrf_token", None)
        pages.append(client.post(url, data=answers(key, body=text)))

    stored = db.session.execute(
        sa.select(Contribution.body, Contribution.receipt_code).order_by(Contribution.id)
    ).all()
    assert len(stored) == len(texts)
    for (body, code), page in zip(stored, pages, strict=True):
        assert page.status_code == 200
        assert page.headers["Cache-Control"] == "no-store"
        assert f'<span aria-hidden="true">{code}</span>' in page.text
        assert " ".join(code) in page.text
        assert f"/suivi/{code}" in page.text
        assert f'<blockquote class="kept-text">{escape(body)}</blockquote>' in page.text
        assert "\x00" not in page.text
    assert "RECUcodeMARQUE" in stored[1].body  # the participant's text, as written
    assert "<b>" not in pages[1].text
    assert "RECUcodeMARQUE" not in pages[0].text
    statuses = set(db.session.scalars(sa.select(Contribution.status)))
    assert len(app.extensions["consult_marked_pages"]) == len(statuses)  # one page per status


def test_a_kept_receipt_follows_the_address_the_site_is_reached_at(app, make_meeting, db, kept):
    """Its links are absolute: one kept page per scheme, host and root."""
    meeting = make_meeting(status="open")
    db.session.commit()
    url = FORM.format(meeting.id)
    for base in ("http://localhost", "https://concertation.example", "http://localhost/appli"):
        client = app.test_client()
        key = form_key(client.get(url, base_url=base))
        g.pop("csrf_token", None)
        page = client.post(url, data=answers(key), base_url=base)
        assert page.status_code == 200
        code = re.search(r"/suivi/([A-Z2-9]{5}-[A-Z2-9]{5})</a>", page.text).group(1)
        assert f"{base}/suivi/{code}</a>" in page.text
