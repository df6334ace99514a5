"""The database itself backs every "only once" invariant.

First, each constraint is broken directly with INSERTs (IntegrityError expected),
on SQLite and PostgreSQL. Then real concurrent requests (threads against a live
server, PostgreSQL only) try to double a contribution, a support, a report and
a tag through the application's own paths.
"""

import http.client
import os
import re
import threading
import urllib.parse

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from werkzeug.serving import make_server

from config import TestConfig
from consult import create_app
from consult.accounts.models import User
from consult.accounts.passwords import hash_password
from consult.contributions.models import Contribution, Report, Support
from consult.core.db import utcnow
from consult.extensions import db as _db
from consult.followup.models import Measurement
from consult.meetings.models import Meeting
from consult.reports.models import AnnualReport
from consult.schemes.importer import import_scheme
from consult.schemes.models import Membership, WorkingGroup
from consult.synthesis.models import SynthesisValidation
from consult.tagging.models import ContributionTag
from consult.workgroups.models import Decision, FicheContribution
from tests.factories import DEFAULT_PASSWORD, load_fixture, recreated_postgresql

THREADS = 12


def _insert(db, table, **values):
    db.session.execute(sa.insert(table).values(**values))


def _refused(db, table, **values):
    """The INSERT breaks a constraint: the database says no, the test goes on."""
    with pytest.raises(IntegrityError), db.session.begin_nested():
        _insert(db, table, **values)


@pytest.fixture
def published(make_contribution):
    return make_contribution(status="published")


# --- Broken directly -------------------------------------------------------------------


def test_receipt_codes_are_unique(db, make_contribution):
    first = make_contribution()
    second = make_contribution(meeting=first.meeting)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(
            sa.update(Contribution)
            .where(Contribution.id == second.id)
            .values(receipt_code=first.receipt_code)
        )


def test_idempotency_keys_are_unique(db, published):
    db.session.execute(
        sa.update(Contribution).where(Contribution.id == published.id).values(idempotency_key="k1")
    )
    _refused(
        db,
        Contribution.__table__,
        meeting_id=published.meeting_id,
        body="Le même formulaire, envoyé deux fois",
        receipt_code="AAAAA-BBBBB",
        idempotency_key="k1",
        kind="proposition",
        author_type="usager",
        channel="en_ligne",
        status="pending",
        pseudonym="",
        on_behalf_of="",
        support_count=0,
        rejection_reason="",
        rejection_note="",
        has_personal_data=False,
        created_at=utcnow(),
        updated_at=utcnow(),
    )


def test_one_support_per_supporter(db, published):
    values = {"contribution_id": published.id, "supporter_key": "b:abc", "created_at": utcnow()}
    _insert(db, Support.__table__, **values)
    _refused(db, Support.__table__, **values)
    _insert(db, Support.__table__, **{**values, "supporter_key": "b:autre"})


def test_one_report_per_reporter(db, published):
    values = {
        "contribution_id": published.id,
        "reporter_key": "b:abc",
        "reason": "injurieux",
        "note": "",
        "status": "open",
        "created_at": utcnow(),
    }
    _insert(db, Report.__table__, **values)
    _refused(db, Report.__table__, **values)


def _tag(contribution, **target):
    return {
        "contribution_id": contribution.id,
        "theme_id": None,
        "fiche_id": None,
        "from_suggestion": False,
        "created_at": utcnow(),
        **target,
    }


def test_one_tag_per_theme_and_per_fiche(db, published):
    scheme = published.meeting.scheme
    theme, fiche = scheme.themes[0], scheme.fiches[0]
    table = ContributionTag.__table__
    _insert(db, table, **_tag(published, theme_id=theme.id))
    _refused(db, table, **_tag(published, theme_id=theme.id))
    _insert(db, table, **_tag(published, fiche_id=fiche.id))
    _refused(db, table, **_tag(published, fiche_id=fiche.id))


def test_a_tag_has_exactly_one_target(db, published):
    scheme = published.meeting.scheme
    table = ContributionTag.__table__
    _refused(db, table, **_tag(published))
    _refused(
        db, table, **_tag(published, theme_id=scheme.themes[1].id, fiche_id=scheme.fiches[1].id)
    )


def test_meeting_join_codes_are_unique(db, make_meeting):
    first = make_meeting()
    second = make_meeting(scheme=first.scheme)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(
            sa.update(Meeting).where(Meeting.id == second.id).values(join_code=first.join_code)
        )


def test_one_decision_per_contribution(db, published):
    _insert(db, Decision, contribution_id=published.id, outcome="retenue", reason="")
    _refused(db, Decision, contribution_id=published.id, outcome="non_retenue", reason="Non")


def test_one_membership_per_person_and_group(db, make_working_group, make_user):
    user = make_user()
    group = make_working_group(members=[(user, "membre")])
    _refused(db, Membership, working_group_id=group.id, user_id=user.id, role="pilote")


def test_one_validation_per_representative_and_version(
    db, make_working_group, make_synthesis_version, make_user
):
    user = make_user()
    group = make_working_group(members=[(user, "representant_usagers")])
    version = make_synthesis_version(group=group)
    values = {"working_group_id": group.id, "version_id": version.id, "user_id": user.id}
    _insert(db, SynthesisValidation, comment="", **values)
    _refused(db, SynthesisValidation, comment="Relu", **values)


def test_a_fiche_answers_a_contribution_once(db, published, make_scheme):
    fiche = make_scheme().fiches[0]
    _insert(db, FicheContribution, fiche_id=fiche.id, contribution_id=published.id)
    _refused(db, FicheContribution, fiche_id=fiche.id, contribution_id=published.id)


def test_one_measurement_per_indicator_year_and_territory(db, make_scheme, make_territory):
    indicator = make_scheme().fiches[0].indicators[0]
    territory = make_territory()
    _insert(db, Measurement, indicator_id=indicator.id, year=2023, value=1)
    _refused(db, Measurement, indicator_id=indicator.id, year=2023, value=2)  # Département
    _insert(db, Measurement, indicator_id=indicator.id, year=2023, territory_id=territory.id)
    _refused(db, Measurement, indicator_id=indicator.id, year=2023, territory_id=territory.id)
    _refused(db, Measurement, indicator_id=indicator.id, year=1789, value=3)  # no such year


def test_one_annual_report_per_scheme_and_year(db, make_scheme):
    scheme = make_scheme()
    _insert(db, AnnualReport, scheme_id=scheme.id, year=2023, status="draft")
    _refused(db, AnnualReport, scheme_id=scheme.id, year=2023, status="published")


# --- Parallel requests (PostgreSQL) ---------------------------------------------------

DATABASE_URL = os.environ.get("CONSULT_TEST_DATABASE_URL", "")
postgresql_only = pytest.mark.skipif(
    not DATABASE_URL.startswith(("postgresql", "postgres:")),
    reason="requêtes parallèles : PostgreSQL seulement (SQLite sérialise toutes les "
    "écritures ; définir CONSULT_TEST_DATABASE_URL)",
)


class NoJobs:
    """The live app records its background jobs and runs none (not what is tested here)."""

    def __init__(self):
        self.calls = []

    def dispatch(self, call):
        self.calls.append(call)

    def sweep(self, name):
        """Nothing runs: the suggestions stay pending."""

    def run_pending(self):
        """Nothing runs."""


class Live:
    """The app on a free port, with its own PostgreSQL database and seeded objects."""

    def __init__(self, app, server, ids):
        self.app, self.server, self.ids = app, server, ids
        self.port = server.server_port

    def request(self, method, path, data=None, cookie=""):
        """One HTTP request on a connection of its own: (status, headers, body)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": cookie} if cookie else {}
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            return response.status, response.getheaders(), response.read().decode()
        finally:
            conn.close()

    def parallel(self, method, path, data=None, cookie="", count=THREADS) -> list[int]:
        """``count`` identical requests released together; their statuses."""
        barrier = threading.Barrier(count)
        statuses = []
        lock = threading.Lock()

        def send():
            barrier.wait()
            try:
                status = self.request(method, path, data, cookie)[0]
            except OSError as error:
                status = f"erreur réseau : {error}"
            with lock:
                statuses.append(status)

        threads = [threading.Thread(target=send) for _ in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        return statuses

    def scalar(self, query):
        with self.app.app_context():
            try:
                return _db.session.scalar(query)
            finally:
                _db.session.remove()


def _cookie(headers) -> str:
    """The ``session=…`` pair from the Set-Cookie headers of a response."""
    for name, value in headers:
        if name.lower() == "set-cookie" and value.startswith("session="):
            return value.split(";", 1)[0]
    raise AssertionError("no session cookie in the response")


def _seed() -> dict:
    now = utcnow()
    scheme = import_scheme(load_fixture("savoie.json"), now=now)
    meeting = Meeting(scheme=scheme, kind="concertation_territoriale", status="open")
    meeting.title = "Rencontre sous charge"
    published = [
        Contribution(meeting=meeting, body=f"Publiée n° {n}", status="published", published_at=now)
        for n in range(3)
    ]
    facilitator = User(
        email="animatrice@exemple.fr",
        display_name="Animatrice",
        role="facilitator",
        password_hash=hash_password(DEFAULT_PASSWORD),
    )
    answered = Contribution(meeting=meeting, body="À laquelle répondre", status="published")
    group = WorkingGroup(scheme=scheme, name="Groupe sous charge", fiches=[scheme.fiches[0]])
    _db.session.add_all([meeting, *published, facilitator, answered, group])
    _db.session.flush()
    _db.session.add(FicheContribution(fiche_id=scheme.fiches[0].id, contribution=answered))
    _db.session.commit()
    return {
        "group": group.id,
        "answered": answered.id,
        "indicator": scheme.fiches[0].indicators[0].id,
        "meeting": meeting.id,
        "warm_up": published[0].id,
        "supported": published[1].id,
        "tagged": published[2].id,
        "theme": scheme.themes[0].id,
        "facilitator": facilitator.email,
    }


@pytest.fixture(scope="module")
def live():
    if not DATABASE_URL.startswith(("postgresql", "postgres:")):
        pytest.skip("requêtes parallèles : PostgreSQL seulement")
    config = type(
        "ConcurrencyConfig",
        (TestConfig,),
        {
            "SQLALCHEMY_DATABASE_URI": recreated_postgresql(DATABASE_URL, "constraints"),
            "REDIS_URL": None,
            "JOBS_INLINE": True,
        },
    )
    app = create_app(config)
    app.extensions["consult_jobs"] = NoJobs()
    with app.app_context():
        _db.drop_all()
        _db.create_all()
        ids = _seed()
        _db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Live(app, server, ids)
    server.shutdown()
    server.server_close()
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


@postgresql_only
def test_same_form_posted_in_parallel_makes_one_contribution(live):
    path = f"/rencontres/{live.ids['meeting']}/contribuer"
    form = live.request("GET", path)[2]
    key = re.search(r'name="form_key"[^>]*value="([^"]+)"', form) or re.search(
        r'value="([^"]+)"[^>]*name="form_key"', form
    )
    data = {
        "body": "Douze envois du même formulaire, une seule contribution",
        "kind": "proposition",
        "author_type": "usager",
        "consent": "y",
        "territory_id": "0",
        "form_key": key.group(1),
    }

    statuses = live.parallel("POST", path, data)

    assert statuses == [200] * THREADS, "every repeat gets the receipt of the one contribution"
    stored = live.scalar(
        sa.select(sa.func.count())
        .select_from(Contribution)
        .where(Contribution.idempotency_key == key.group(1))
    )
    assert stored == 1


def _browser_cookie(live) -> str:
    """A browser session holding its participant key (set by a first, unrelated support)."""
    status, headers, _ = live.request("POST", f"/contributions/{live.ids['warm_up']}/soutenir", {})
    assert status == 303
    return _cookie(headers)


@postgresql_only
def test_same_browser_supporting_in_parallel_counts_once(live):
    cookie = _browser_cookie(live)
    target = live.ids["supported"]

    statuses = live.parallel("POST", f"/contributions/{target}/soutenir", {}, cookie)

    assert statuses == [303] * THREADS
    assert live.scalar(sa.select(Contribution.support_count).where(Contribution.id == target)) == 1
    supports = live.scalar(
        sa.select(sa.func.count()).select_from(Support).where(Support.contribution_id == target)
    )
    assert supports == 1


@postgresql_only
def test_same_browser_reporting_in_parallel_reports_once(live):
    cookie = _browser_cookie(live)
    target = live.ids["supported"]
    data = {"reason": "hors_sujet", "note": ""}

    statuses = live.parallel("POST", f"/contributions/{target}/signaler", data, cookie)

    assert statuses == [303] * THREADS
    reports = live.scalar(
        sa.select(sa.func.count()).select_from(Report).where(Report.contribution_id == target)
    )
    assert reports == 1


def _facilitator_cookie(live) -> str:
    status, headers, _ = live.request(
        "POST", "/connexion", {"email": live.ids["facilitator"], "password": DEFAULT_PASSWORD}
    )
    assert status in (302, 303)
    return _cookie(headers)


@postgresql_only
def test_same_tag_added_in_parallel_is_stored_once(live):
    cookie = _facilitator_cookie(live)
    target = live.ids["tagged"]

    statuses = live.parallel(
        "POST",
        f"/moderation/{target}/etiquettes",
        {"add": f"theme:{live.ids['theme']}"},
        cookie,
    )

    tags = live.scalar(
        sa.select(sa.func.count())
        .select_from(ContributionTag)
        .where(ContributionTag.contribution_id == target)
    )
    assert tags == 1, statuses
    assert 303 in statuses
    assert statuses == [303] * THREADS


@postgresql_only
def test_same_decision_posted_in_parallel_is_stored_once(live):
    cookie = _facilitator_cookie(live)
    target = live.ids["answered"]
    path = f"/groupes/{live.ids['group']}/contributions/{target}/decision"
    data = {"outcome": "non_retenue", "reason": "Déjà financé par ailleurs", "fiche_id": "0"}

    statuses = live.parallel("POST", path, data, cookie)

    decisions = live.scalar(
        sa.select(sa.func.count()).select_from(Decision).where(Decision.contribution_id == target)
    )
    assert decisions == 1, statuses
    assert statuses == [303] * THREADS


@postgresql_only
def test_same_measurement_posted_in_parallel_is_stored_once(live):
    cookie = _facilitator_cookie(live)
    indicator = live.ids["indicator"]
    prefix = f"mesure-{indicator}-"
    data = {f"{prefix}year": "2023", f"{prefix}value": "42", f"{prefix}territory_id": "0"}

    statuses = live.parallel(
        "POST", f"/suivi-du-schema/indicateurs/{indicator}/mesures", data, cookie
    )

    rows = live.scalar(
        sa.select(sa.func.count())
        .select_from(Measurement)
        .where(Measurement.indicator_id == indicator, Measurement.year == 2023)
    )
    assert rows == 1, statuses
    assert statuses == [303] * THREADS
