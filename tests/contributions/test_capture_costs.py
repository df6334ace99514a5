"""Issue 17 #1: the capture POST costs few statements and keeps every guarantee.

One ``INSERT … ON CONFLICT DO NOTHING`` stores a contribution (no look-up before it, no
savepoint), nothing is read again after the commit, the receipt is the POST's answer,
and the blank form's HTML is kept apart from its tokens. What watched ``session.new``
before (open-data rebuilds, public figures) still hears of a published contribution.
"""

import re

import pytest
import sqlalchemy as sa
from flask import g

from consult.contributions.models import Contribution
from consult.core.cache import figures_store
from consult.core.jobs import JobRun
from tests.contributions.test_views import BODY, answers, form_key

FORM = "/rencontres/{}/contribuer"
CODE = re.compile(r"[A-Z2-9]{5}-[A-Z2-9]{5}")
TRANSACTION = re.compile(r"^(BEGIN|SAVEPOINT|RELEASE|ROLLBACK|COMMIT|PRAGMA)", re.I)


@pytest.fixture
def statements(db):
    """The SQL statements the code under test sends (transaction control left out)."""
    seen = []

    def record(_conn, _cursor, statement, *_args):
        if not TRANSACTION.match(statement.strip()):
            seen.append(" ".join(statement.split()))

    sa.event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    sa.event.remove(db.engine, "before_cursor_execute", record)


def _post(client, meeting, key, **overrides):
    return client.post(FORM.format(meeting.id), data=answers(key, **overrides))


def test_a_new_contribution_costs_one_insert_and_no_read_after_commit(
    client, make_meeting, statements
):
    meeting = make_meeting(status="open")
    key = form_key(client.get(FORM.format(meeting.id)))
    statements.clear()
    response = _post(client, meeting, key)
    assert response.status_code == 200
    assert CODE.search(response.text)
    tables = [re.match(r"(SELECT .*? FROM (\w+)|INSERT INTO (\w+))", s) for s in statements]
    # Reference lists (publics, territories, branding) are kept 30 s outside the tests.
    touched = [m.group(2) or m.group(3) for m in tables]
    assert [t for t in touched if t in ("contributions", "job_runs")] == [
        "contributions",  # INSERT … ON CONFLICT (idempotency_key) DO NOTHING RETURNING
    ]  # no job row: its suggestions are pending in its own row, swept by the worker
    assert touched.count("meetings") <= 1  # read once (here already in the session)
    assert sum("ON CONFLICT" in s for s in statements) == 1


def test_the_same_form_twice_stores_one_contribution_and_shows_one_code(
    client, make_meeting, count
):
    meeting = make_meeting(status="open")
    key = form_key(client.get(FORM.format(meeting.id)))
    first, second = _post(client, meeting, key), _post(client, meeting, key)
    assert count(Contribution) == 1
    assert count(JobRun) == 0  # no job per contribution, nor for the repeat
    assert CODE.search(first.text).group(0) == CODE.search(second.text).group(0)


def test_publics_are_stored_with_the_contribution(client, make_meeting, db, make_public):
    meeting = make_meeting(status="open")
    chosen = [make_public(label="Personnes âgées"), make_public(label="Aidants")]
    key = form_key(client.get(FORM.format(meeting.id)))
    _post(client, meeting, key, public_ids=[str(p.id) for p in chosen])
    db.session.expire_all()
    stored = db.session.query(Contribution).one()
    assert {p.id for p in stored.publics} == {p.id for p in chosen}


def test_a_published_contribution_rebuilds_open_data_and_public_figures(
    app, client, make_meeting, jobs, monkeypatch, db
):
    monkeypatch.setitem(app.config, "OPENDATA_AUTO", True)
    moderated = make_meeting(status="open", publish_immediately=False)
    published = make_meeting(status="open", publish_immediately=True)
    db.session.commit()
    jobs.calls.clear()
    store = figures_store(app)
    before = store.local
    _post(client, moderated, form_key(client.get(FORM.format(moderated.id))))
    assert "consult.opendata.jobs.build_open_data" not in [c.path for c in jobs.calls]
    assert store.local == before  # a pending contribution changes no public figure
    _post(client, published, form_key(client.get(FORM.format(published.id))), body=BODY + " !")
    paths = [call.path for call in jobs.calls]
    assert paths.count("consult.opendata.jobs.build_open_data") == 1
    assert store.local == before + 1


def test_personal_data_still_waits_for_a_moderator(client, make_meeting, db):
    meeting = make_meeting(status="open", publish_immediately=True)
    key = form_key(client.get(FORM.format(meeting.id)))
    _post(client, meeting, key, body="Appelez-moi au 06 12 34 56 78 pour le bus")
    stored = db.session.query(Contribution).one()
    assert (stored.status, stored.has_personal_data) == ("pending", True)


# --- The blank form kept apart from its tokens ---------------------------------------


@pytest.fixture
def cached_form(app, monkeypatch):
    monkeypatch.setitem(app.config, "REFERENCE_CACHE_SECONDS", 30)
    app.extensions.pop("consult_token_pages", None)
    yield
    app.extensions.pop("consult_token_pages", None)


def _csrf(page) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)


def _get(client, url):
    g.pop("csrf_token", None)  # the tests' requests share one app context (and ``g``)
    return client.get(url)


def test_each_visitor_gets_fresh_tokens_from_the_kept_form(
    app, make_meeting, cached_form, db, monkeypatch
):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    meeting = make_meeting(status="open")
    one, two = app.test_client(), app.test_client()
    first, second = _get(one, FORM.format(meeting.id)), _get(two, FORM.format(meeting.id))
    assert _csrf(first) != _csrf(second)
    assert form_key(first) != form_key(second)
    blank = first.text.replace(form_key(first), "K").replace(_csrf(first), "C")
    assert blank == second.text.replace(form_key(second), "K").replace(_csrf(second), "C")
    data = answers(form_key(second), csrf_token=_csrf(second))
    assert two.post(FORM.format(meeting.id), data=data).status_code == 200
    refused = one.post(FORM.format(meeting.id), data={**data, "csrf_token": "x"})
    assert refused.status_code == 400  # CSRF still checked on every POST
    assert db.session.query(Contribution).count() == 1


def test_the_kept_form_follows_the_meeting_and_never_serves_a_signed_in_partner(
    client, make_meeting, cached_form, make_user, make_organisation, login, db
):
    meeting = make_meeting(status="open", title="Rencontre de Modane")
    assert "Rencontre de Modane" in client.get(FORM.format(meeting.id)).text
    meeting.title = "Rencontre de Saint-Jean"
    db.session.flush()
    assert "Rencontre de Saint-Jean" in client.get(FORM.format(meeting.id)).text
    partner = make_user(role="partner", organisation=make_organisation(name="CAF de la Savoie"))
    login(partner)
    page = client.get(FORM.format(meeting.id))  # after the anonymous pages were kept
    assert "au nom de <strong>CAF de la Savoie</strong>" in page.text
