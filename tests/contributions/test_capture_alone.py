"""Issue 17 #1: a contribution that is the only row its POST writes is stored by its
INSERT alone, in autocommit (one round trip instead of ``BEGIN``, INSERT, ``COMMIT``),
on PostgreSQL.

Only when nothing else goes with it: a contribution published at once (its open-data
rebuild job is written in the same transaction), one with publics (a second table), a
news address (another row) keep one transaction. These tests commit for real (the
INSERT runs on a connection of its own), so they run on a scratch database of their
own: a SQLite file, or a sibling PostgreSQL database when CONSULT_TEST_DATABASE_URL is
set.
"""

import pytest
import sqlalchemy as sa

from config import TestConfig
from consult import create_app
from consult.contributions.models import Contribution, contribution_publics
from consult.core.db import utcnow
from consult.core.jobs import JobRun, dispatcher_for
from consult.extensions import db
from consult.meetings.models import Meeting
from consult.schemes.importer import import_scheme
from consult.schemes.models import Public
from tests.contributions.test_views import answers, form_key
from tests.factories import load_fixture, own_database_url

FORM = "/rencontres/{}/contribuer"


@pytest.fixture(scope="module")
def alone_app(tmp_path_factory):
    config = type(
        "AloneConfig",
        (TestConfig,),
        {
            "SQLALCHEMY_DATABASE_URI": own_database_url(tmp_path_factory, "alone"),
            "REDIS_URL": None,
            "JOBS_INLINE": True,
            "OPENDATA_AUTO": True,
            "REFERENCE_CACHE_SECONDS": 30,  # publics, territories: kept, as in production
        },
    )
    app = create_app(config)
    with app.app_context():
        db.drop_all()
        db.create_all()
        scheme = import_scheme(load_fixture("savoie.json"), now=utcnow())
        for publish in (False, True):
            meeting = Meeting(scheme=scheme, kind="concertation_territoriale", status="open")
            meeting.title, meeting.publish_immediately = f"Rencontre {publish}", publish
            db.session.add(meeting)
        db.session.add(Public(code="aidants", label="Aidants", position=1))
        db.session.commit()
        db.session.remove()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def wire(alone_app, monkeypatch):
    """What reaches the database during the POST: statements and commits (the sweeper
    that runs after the answer without a worker left out)."""
    monkeypatch.setattr(dispatcher_for(alone_app), "sweep", lambda name: None)
    with alone_app.app_context():
        seen = []
        engine = db.engine

        def statement(_conn, _cursor, text, *_args):
            seen.append(text.split()[0].upper())

        listeners = [
            ("before_cursor_execute", statement),
            ("commit", lambda _conn: seen.append("COMMIT")),
        ]
        for name, listener in listeners:
            sa.event.listen(engine, name, listener)
        yield seen
        for name, listener in listeners:
            sa.event.remove(engine, name, listener)


def _meeting(published: bool) -> int:
    return db.session.scalar(
        sa.select(Meeting.id).where(Meeting.publish_immediately.is_(published))
    )


def _post(app, wire, meeting_id: int, body: str, **extra):
    """GET the form, then POST it with only the POST's traffic in ``wire`` (after a first
    POST: the process then keeps a copy of the meeting, read by none of the next)."""
    client = app.test_client()
    first = client.get(FORM.format(meeting_id))
    client.post(FORM.format(meeting_id), data=answers(form_key(first), body=body + " (1)"))
    key = form_key(client.get(FORM.format(meeting_id)))
    db.session.remove()  # the test's reads done: the POST starts as a request's session
    wire.clear()
    response = client.post(FORM.format(meeting_id), data=answers(key, body=body, **extra))
    assert response.status_code == 200
    return client, key


def _stored(body: str) -> list:
    with db.engine.connect() as connection:  # a connection of its own: what is committed
        return connection.execute(
            sa.select(Contribution.id, Contribution.status).where(Contribution.body == body)
        ).all()


def test_a_pending_contribution_is_inserted_alone(alone_app, wire):
    with alone_app.app_context():
        meeting_id = _meeting(published=False)
        body = "Des bus le dimanche pour aller voir ma mère, s'il vous plaît"
        client, key = _post(alone_app, wire, meeting_id, body)
        inserts = [s for s in wire if s in ("INSERT", "COMMIT", "BEGIN")]
        if db.engine.dialect.name == "postgresql":
            assert inserts == ["INSERT"]  # no BEGIN, no COMMIT: the statement is the transaction
        else:  # SQLite keeps its transaction (see core.idempotency._alone_possible)
            assert inserts == ["BEGIN", "INSERT", "COMMIT"]
        assert [status for _id, status in _stored(body)] == ["pending"]
        again = client.post(FORM.format(meeting_id), data=answers(key, body=body))
        assert again.status_code == 200  # the same form again: its receipt, no second row
        assert len(_stored(body)) == 1


def test_a_published_contribution_commits_with_its_open_data_job(alone_app, wire):
    with alone_app.app_context():
        before = db.session.scalar(sa.select(sa.func.count()).select_from(JobRun))
        body = "Un accueil de jour pour les aidants dans chaque vallée"
        _post(alone_app, wire, _meeting(published=True), body)
        assert "COMMIT" in wire
        assert [status for _id, status in _stored(body)] == ["published"]
        after = db.session.scalar(sa.select(sa.func.count()).select_from(JobRun))
        assert after > before  # the open-data rebuild, in the contribution's transaction


def test_publics_and_news_keep_one_transaction(alone_app, wire):
    with alone_app.app_context():
        public_id = db.session.scalar(sa.select(Public.id))
        body = "Plus de places en accueil de répit pour les aidants"
        _post(alone_app, wire, _meeting(published=False), body, public_ids=[str(public_id)])
        assert wire.count("COMMIT") == 1
        (row,) = _stored(body)
        with db.engine.connect() as connection:
            publics = connection.execute(
                sa.select(contribution_publics.c.public_id).where(
                    contribution_publics.c.contribution_id == row.id
                )
            ).all()
        assert publics == [(public_id,)]
