"""Factory fixtures: callables with overridable defaults.

Default texts carry markup and script so that sanitising is exercised everywhere.
"""

import itertools
import json
import os
import re
import threading
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from flask import g
from sqlalchemy.orm import Session

from config import TestConfig, _normalise_db_url
from consult import create_app
from consult.accounts.models import Organisation, User
from consult.accounts.passwords import hash_password
from consult.contributions.models import Contribution
from consult.core.db import utcnow
from consult.extensions import db as _db
from consult.meetings.models import Meeting
from consult.schemes.importer import import_scheme
from consult.schemes.models import Public, Territory

FIXTURES = Path(__file__).parent / "fixtures"
DEFAULT_PASSWORD = "Correct-Cheval-Batterie-42"
HOSTILE_TEXT = '<script>alert("x")</script>Plus de <b>transports</b> à Modane'
_HASH = hash_password(DEFAULT_PASSWORD)  # Argon2 is slow on purpose: hash once
_seq = itertools.count(1)


def recreated_postgresql(url: str, suffix: str) -> str:
    """The URL of the PostgreSQL database named as ``url``'s + ``_suffix``, dropped and made
    anew: a database of its own, for tests that commit for real or serve a browser."""
    server, _, name = url.rpartition("/")
    scratch = f"{name}_{suffix}"
    with psycopg.connect(f"{server}/postgres".replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{scratch}"')
    return _normalise_db_url(f"{server}/{scratch}")


def own_database_url(tmp_path_factory, suffix: str) -> str:
    """A database of a test module's own, for tests that commit for real: on PostgreSQL
    when the suite runs there (:func:`recreated_postgresql`), else a fresh SQLite file."""
    base = os.environ.get("CONSULT_TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp_path_factory.mktemp(suffix) / f'{suffix}.db'}"
    return recreated_postgresql(base, suffix)


@contextmanager
def scratch_postgresql(suffix: str, why: str):
    """A scratch PostgreSQL database (the test database's name + ``suffix``) whose rows
    every connection sees once committed, with an app on it: for tests of transactions
    at once. Without PostgreSQL the test is skipped, saying ``why``."""
    url = os.environ.get("CONSULT_TEST_DATABASE_URL", "")
    if not url.startswith(("postgresql", "postgres:")):
        pytest.skip(f"{why} : PostgreSQL seulement")
    uri = recreated_postgresql(url, suffix)
    config = type(
        "ScratchConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": uri, "REDIS_URL": None}
    )
    app = create_app(config)
    with app.app_context():
        _db.create_all()
        yield _db
        _db.session.remove()
        _db.engine.dispose()


def at_once(shared, first_change, second_change) -> None:
    """``first_change`` in an open transaction on ``shared`` (a :func:`scratch_postgresql`
    database), ``second_change`` from another connection meanwhile (it may wait for the
    first's locks), then both commit. The second is given time to reach its lock, then
    waited for until done, however busy the machine."""
    first, second = Session(shared.engine), Session(shared.engine)
    first_change(first)
    first.flush()
    waiting = threading.Thread(target=lambda: (second_change(second), second.commit()))
    waiting.start()
    waiting.join(0.5)  # the second is blocked, or done: either way the first commits now
    first.commit()
    waiting.join()
    first.close()
    second.close()


def load_fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture
def make_organisation(db):
    def _make(name=None, kind="association"):
        org = Organisation(name=name or f"Association {next(_seq)}", kind=kind)
        db.session.add(org)
        db.session.flush()
        return org

    return _make


@pytest.fixture
def make_user(db, make_organisation):
    def _make(
        role="participant",
        email=None,
        display_name=None,
        organisation=None,
        password_hash=_HASH,
        **extra,
    ):
        n = next(_seq)
        if role == "partner" and organisation is None:
            organisation = make_organisation()
        user = User(
            email=email or f"{role}{n}@exemple.fr",
            display_name=display_name or f"{role.capitalize()} {n}",
            role=role,
            organisation=organisation,
            password_hash=password_hash,
            **extra,
        )
        db.session.add(user)
        db.session.flush()
        return user

    return _make


@pytest.fixture
def facilitator(make_user, login):
    """A facilitator, signed in (``login`` is in tests/conftest.py)."""
    user = make_user(role="facilitator")
    login(user)
    return user


@pytest.fixture
def make_scheme(db):
    def _make(fixture="savoie.json", **overrides):
        document = load_fixture(fixture)
        document.update(overrides)
        return import_scheme(document, now=utcnow())

    return _make


@pytest.fixture
def make_territory(db):
    def _make(name=None, code=None):
        n = next(_seq)
        territory = Territory(code=code or f"territoire-{n}", name=name or f"Territoire {n}")
        db.session.add(territory)
        db.session.flush()
        return territory

    return _make


@pytest.fixture
def make_public(db):
    def _make(label=None, code=None):
        n = next(_seq)
        public = Public(code=code or f"public-{n}", label=label or f"Public {n}")
        db.session.add(public)
        db.session.flush()
        return public

    return _make


@pytest.fixture
def make_meeting(db, make_scheme):
    def _make(scheme=None, status="open", kind="concertation_territoriale", **extra):
        meeting = Meeting(
            scheme=scheme or make_scheme(department=f"Dépt {next(_seq)}"),
            kind=kind,
            status=status,
            title=extra.pop("title", f"Rencontre {next(_seq)}"),
            **extra,
        )
        db.session.add(meeting)
        db.session.flush()
        return meeting

    return _make


@pytest.fixture
def make_contribution(db, make_meeting):
    def _make(meeting=None, body=HOSTILE_TEXT, status="published", **extra):
        contribution = Contribution(
            meeting=meeting or make_meeting(), body=body, status=status, **extra
        )
        db.session.add(contribution)
        db.session.flush()
        return contribution

    return _make


@pytest.fixture
def make_working_group(db, make_scheme):
    """A working group; ``members`` is a list of ``(user, role)`` pairs."""
    from consult.schemes.models import Membership, WorkingGroup

    def _make(scheme=None, members=(), theme=None, **extra):
        group = WorkingGroup(
            scheme=scheme or make_scheme(department=f"Dépt {next(_seq)}"),
            name=extra.pop("name", f"Groupe de travail {next(_seq)}"),
            theme=theme,
            **extra,
        )
        db.session.add(group)
        for user, role in members:
            group.members.append(Membership(user=user, role=role))
        db.session.flush()
        return group

    return _make


SYNTHESIS_TEXTS = [
    "Il faut plus de places en crèche pour les parents qui travaillent tôt le matin",
    "Les places en crèche manquent, surtout pour les horaires décalés",
    "Ouvrir des crèches avec des horaires décalés pour les parents",
    "Plus de transports en commun le soir pour aller au travail",
    "Les transports en commun ne passent plus le soir après 20 heures",
    "Un bus le soir pour rentrer du travail serait bien",
]


@pytest.fixture
def make_synthesis_version(db, make_meeting, make_contribution):
    """A generated synthesis version (run in-process) over a meeting's published contributions.

    Returns the :class:`SynthesisVersion`; ``version.synthesis.scope`` names the meeting.
    """
    from consult.synthesis import services
    from consult.synthesis.analysis import build_document

    def _make(meeting=None, status="shared", texts=SYNTHESIS_TEXTS, group=None):
        meeting = meeting or make_meeting(status="open")
        for n, text in enumerate(texts):
            author = "usager" if n % 2 else "professionnel"
            make_contribution(meeting=meeting, body=text, status="published", author_type=author)
        synthesis = services.create_synthesis(
            scheme=meeting.scheme,
            title=f"Synthèse {next(_seq)}",
            template="rencontre",
            scope=services.Scope(meeting_ids=[meeting.id]),
            actor=None,
        )
        items = services.collect_items(synthesis)
        document = build_document(
            items,
            title=synthesis.title,
            template="rencontre",
            scope=services.describe_scope(synthesis),
            participants=None,
            now=utcnow(),
            group_by="all",
        )
        version = services.add_version(synthesis, document.to_dict(), len(items), now=utcnow())
        version.status = status
        if group is not None:
            from consult.synthesis.models import GroupSynthesis

            db.session.add(GroupSynthesis(group=group, synthesis=synthesis))
        db.session.flush()
        return version

    return _make


def download(client, jobs, url: str):
    """A stored PDF or Word file (synthesis, annual report): « en cours de préparation »
    (202) until its job has run."""
    response = client.get(url)
    if response.status_code == 202:
        assert "en cours de préparation" in response.text
        jobs.run_all()
        response = client.get(url)
    assert response.status_code == 200, url
    return response


CSRF_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def second_visitor_token(app, first_page: str, visit) -> tuple[object, str]:
    """A second visitor of a kept page and their own CSRF token, never the first one's.

    ``visit(client)`` answers the page's HTML; ``first_page`` is what the first visitor got.
    """
    g.pop("csrf_token", None)  # the tests share one application context between requests
    other = app.test_client()
    second = visit(other)
    first_tokens, second_tokens = CSRF_TOKEN.findall(first_page), CSRF_TOKEN.findall(second)
    assert first_tokens
    assert second_tokens
    assert not set(first_tokens) & set(second_tokens), "a kept page never holds another's token"
    assert "\x00" not in second
    g.pop("csrf_token", None)
    return other, second_tokens[0]
