"""Working groups, follow-up and droit de suite timings on a seeded PostgreSQL database.

    python bench/followup.py postgresql://postgres@127.0.0.1:5432/scratch [--contributions 100000]

Upgrades the schema (Alembic), seeds when the tables are empty (the Savoie scheme from
``tests/fixtures/savoie.json``, territories, ``--meetings`` meetings held 2020-2024 with
their attendance, ``--contributions`` published contributions, ~60 % tagged with a
theme and ~40 % with a fiche, a working group on theme 10 with fiches 31, 32 and 6,
decisions on ~20 % of the contributions, ~5 % linked to fiche 31, and the sample
indicator file), runs ANALYZE, then prints the median of 5 timed runs (after one
warm-up) for each case: ``followup <case> p50_ms=<x> <figures>``. Service calls run in
a fresh session each time; pages are fetched through the test client by a signed-in
staff user, outside any application context, as real requests. SQLite URLs work too.
"""

import argparse
import json
import random
import secrets
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # ``config`` lives at the project root, outside the package

from bench._common import PLACES as SAVOIE_PLACES  # noqa: E402
from bench._common import migrate_and_count, psycopg_url, timed  # noqa: E402
from config import TestConfig  # noqa: E402
from consult import create_app  # noqa: E402
from consult.accounts.models import User  # noqa: E402
from consult.accounts.passwords import hash_password  # noqa: E402
from consult.contributions.models import AUTHOR_TYPES, Contribution  # noqa: E402
from consult.extensions import db  # noqa: E402
from consult.fiches import decisions  # noqa: E402
from consult.followup import indicator_import  # noqa: E402
from consult.followup.participation import participation_by_year  # noqa: E402
from consult.meetings.models import PARTICIPANT_TYPES, Meeting  # noqa: E402
from consult.reports import exports as report_exports  # noqa: E402
from consult.reports.services import build_report  # noqa: E402
from consult.schemes.importer import import_scheme, load_document  # noqa: E402
from consult.schemes.models import (  # noqa: E402
    Fiche,
    Membership,
    Scheme,
    Territory,
    Theme,
    WorkingGroup,
)
from consult.tagging.models import ContributionTag  # noqa: E402
from consult.workgroups.models import Decision, FicheContribution  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
INDICATORS = FIXTURES / "indicateurs-savoie-2022-2023.csv"
STAFF_EMAIL = "banc-suivi@example.org"
PASSWORD = secrets.token_urlsafe(16) + "-Aa1"  # a throwaway account in a scratch database
PLACES = SAVOIE_PLACES[:8]
SUBJECTS = [
    "le transport à la demande",
    "l'accueil en EHPAD",
    "la garde d'enfants",
    "le logement adapté",
    "l'aide à domicile",
    "l'accès aux droits",
    "la fracture numérique",
    "l'insertion professionnelle",
]
TEMPLATES = [
    "À {place}, {subject} ne répond pas aux besoins : il faudrait un interlocuteur unique.",
    "Nous proposons que {subject} soit renforcé à {place}, avec des permanences en mairie.",
    "Pourquoi {subject} est-il si difficile d'accès à {place} ?",
    "Témoignage : à {place}, j'ai renoncé faute d'aide sur {subject}.",
]
KIND_WEIGHTS = {"proposition": 45, "constat": 30, "question": 10, "temoignage": 15}
OUTCOME_WEIGHTS = {"retenue": 30, "partiellement_retenue": 20, "non_retenue": 35, "hors_champ": 15}
REASON = "Le Département finance déjà ce service ; il sera mieux connu."
GROUP_FICHES = ("31", "32", "6")
CHUNK = 5000


def make_app(url: str):
    """The application on ``url`` (psycopg 3 driver for plain PostgreSQL URLs), CSRF off."""
    config = type(
        "BenchConfig",
        (TestConfig,),
        {"SQLALCHEMY_DATABASE_URI": psycopg_url(url), "WTF_CSRF_ENABLED": False},
    )
    return create_app(config)


# --- Seeding ----------------------------------------------------------------------------


def insert_chunks(table, rows: list) -> None:
    for start in range(0, len(rows), CHUNK):
        db.session.execute(sa.insert(table), rows[start : start + CHUNK])


def seed_references(rng: random.Random, meetings: int, now) -> dict:
    """The Savoie scheme, territories, staff and members, meetings and the working group."""
    scheme = import_scheme(load_document((FIXTURES / "savoie.json").read_bytes()), now=now)
    territories = [
        Territory(code=f"banc-{n}", name=name, position=n) for n, name in enumerate(PLACES, 1)
    ]
    staff = User(
        email=STAFF_EMAIL,
        display_name="Banc suivi",
        role="admin",
        password_hash=hash_password(PASSWORD),
    )
    members = [
        User(email=f"membre-{n}@example.org", display_name=f"Membre {n}", role="partner")
        for n in range(3)
    ]
    held = []
    for n in range(meetings):
        day = date(2020, 1, 1) + timedelta(days=rng.randrange(5 * 365))
        attendance = {key: rng.randrange(0, 60) for key in PARTICIPANT_TYPES}
        held.append(
            Meeting(
                scheme=scheme,
                kind=rng.choice(("concertation_territoriale", "universite_sociale")),
                status="closed",
                title=f"Rencontre {n + 1}",
                held_on=day,
                place=rng.choice(PLACES),
                territory=rng.choice(territories),
                attendance_by_type=attendance,
                opened_at=datetime.combine(day, datetime.min.time(), UTC),
            )
        )
    db.session.add_all([*territories, staff, *members, *held])
    db.session.flush()
    fiches = {f.number: f for f in scheme.fiches}
    theme = next(t for t in scheme.themes if t.number == "10")
    group = WorkingGroup(
        scheme=scheme,
        name="Accès aux droits (proximité, numérique)",
        description="Groupe de travail du banc.",
        theme=theme,
        fiches=[fiches[number] for number in GROUP_FICHES],
        created_by_id=staff.id,
    )
    for user, role in zip(members, ("pilote", "copilote", "representant_usagers"), strict=True):
        group.members.append(Membership(user=user, role=role))
    db.session.add(group)
    db.session.flush()
    return {
        "scheme": scheme,
        "staff": staff,
        "group": group,
        "themes": [t.id for t in scheme.themes],
        "fiches": [f.id for f in scheme.fiches],
        "group_fiches": [fiches[number].id for number in GROUP_FICHES],
        "fiche_31": fiches["31"].id,
        # Uneven sizes: some meetings gather many more contributions than others.
        "meetings": [(m.id, m.held_on, m.territory_id, 1 + 4 * rng.random() ** 2) for m in held],
    }


def contribution_rows(rng: random.Random, refs: dict, count: int) -> list[dict]:
    meetings = refs["meetings"]
    weights = [m[3] for m in meetings]
    rows = []
    for meeting_id, held_on, territory_id, _ in rng.choices(meetings, weights=weights, k=count):
        created = datetime.combine(held_on, datetime.min.time(), UTC) + timedelta(
            minutes=rng.randrange(9 * 60, 9 * 60 + 14 * 24 * 60)
        )
        body = rng.choice(TEMPLATES).format(place=rng.choice(PLACES), subject=rng.choice(SUBJECTS))
        rows.append(
            {
                "meeting_id": meeting_id,
                "body": body,
                "kind": rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0],
                "author_type": rng.choice(list(AUTHOR_TYPES)),
                "channel": "en_ligne",
                "status": "published",
                "territory_id": territory_id,
                "has_personal_data": False,
                "created_at": created,
                "updated_at": created,
                "published_at": created,
            }
        )
    return rows


def link_rows(rng: random.Random, refs: dict, ids: list[int], now) -> tuple[list, list, list]:
    """Theme and fiche tags, decisions (a fiche when retained) and fiche links."""
    tags, decided, links = [], [], set()
    group, staff = refs["group"], refs["staff"]
    for cid in ids:
        if rng.random() < 0.6:
            tags.append({"contribution_id": cid, "theme_id": rng.choice(refs["themes"])})
        if rng.random() < 0.4:
            tags.append({"contribution_id": cid, "fiche_id": rng.choice(refs["fiches"])})
        if rng.random() < 0.05:
            links.add((refs["fiche_31"], cid))
        if rng.random() < 0.2:
            outcome = rng.choices(list(OUTCOME_WEIGHTS), weights=list(OUTCOME_WEIGHTS.values()))[0]
            fiche_id = None
            if outcome in decisions.RETAINED:
                fiche_id = rng.choice(refs["group_fiches"])
                links.add((fiche_id, cid))
            decided.append(
                {
                    "contribution_id": cid,
                    "outcome": outcome,
                    "reason": "" if outcome == "retenue" else REASON,
                    "fiche_id": fiche_id,
                    "working_group_id": group.id,
                    "decided_by_id": staff.id,
                    "decided_at": now,
                    "created_at": now,
                    "updated_at": now,
                }
            )
    for row in tags:
        row.setdefault("theme_id", None)
        row.setdefault("fiche_id", None)
    fiche_links = [{"fiche_id": f, "contribution_id": c} for f, c in sorted(links)]
    return tags, decided, fiche_links


def import_indicators(scheme: Scheme, actor: User):
    table = indicator_import.read(INDICATORS.name, INDICATORS.read_bytes())
    return indicator_import.run_import(scheme, table, actor=actor)


def seed(args, rng: random.Random) -> None:
    started = time.perf_counter()
    now = datetime.now(UTC)
    refs = seed_references(rng, args.meetings, now)
    insert_chunks(Contribution.__table__, contribution_rows(rng, refs, args.contributions))
    ids = list(db.session.scalars(sa.select(Contribution.id).order_by(Contribution.id)))
    tags, decided, links = link_rows(rng, refs, ids, now)
    insert_chunks(ContributionTag.__table__, tags)
    insert_chunks(Decision.__table__, decided)
    insert_chunks(FicheContribution.__table__, links)
    _, outcome = import_indicators(refs["scheme"], refs["staff"])
    fiche_6 = next(f for f in refs["scheme"].fiches if f.number == "6")
    if len(fiche_6.indicators) >= 3:  # as the demo: the platform computes two of them
        fiche_6.indicators[1].computed = "part_usagers"
        fiche_6.indicators[1].kind, fiche_6.indicators[1].unit = "taux", "%"
        fiche_6.indicators[2].computed = "participants"
    db.session.commit()
    print(
        f"seeded contributions={len(ids)} tags={len(tags)} decisions={len(decided)} "
        f"fiche_links={len(links)} measures={outcome.created} "
        f"time_s={time.perf_counter() - started:.1f}"
    )


def analyze() -> None:
    with db.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")


# --- Cases ------------------------------------------------------------------------------


def sample_ids() -> dict:
    """The ids the cases read (plain values: every run opens its own session)."""
    scheme = db.session.scalar(sa.select(Scheme).where(Scheme.department == "Savoie"))
    fiches = {
        number: db.session.scalar(
            sa.select(Fiche.id).where(Fiche.scheme_id == scheme.id, Fiche.number == number)
        )
        for number in ("31", "6")
    }
    return {
        "scheme": scheme.id,
        "slug": scheme.slug,
        "group": db.session.scalar(
            sa.select(WorkingGroup.id).where(WorkingGroup.scheme_id == scheme.id)
        ),
        "meeting": db.session.scalar(
            sa.select(Contribution.meeting_id)
            .group_by(Contribution.meeting_id)
            .order_by(sa.func.count().desc(), Contribution.meeting_id)
            .limit(1)
        ),
        "theme": db.session.scalar(
            sa.select(Theme.id).where(Theme.scheme_id == scheme.id, Theme.number == "10")
        ),
        "fiche_31": fiches["31"],
        "fiche_6": fiches["6"],
        "staff": db.session.scalar(sa.select(User.id).where(User.email == STAFF_EMAIL)),
    }


def service_cases(ids: dict) -> dict:
    """Case name → callable returning the figures to print (inside an app context)."""

    def participation():
        years = participation_by_year(ids["scheme"])
        total = sum(figures.contributions for figures in years.values())
        return f"years={len(years)} contributions={total}"

    def decisions_listing():
        group = db.session.get(WorkingGroup, ids["group"])
        result = decisions.listing(group, which="sans")
        return f"total={result.total} rows={len(result.rows)}"

    def annual_report_build():
        scheme = db.session.get(Scheme, ids["scheme"])
        size = len(json.dumps(build_report(scheme, 2023).to_dict(), ensure_ascii=False).encode())
        return f"json_kb={size / 1024:.0f}"

    def indicator_import_case():
        scheme = db.session.get(Scheme, ids["scheme"])
        actor = db.session.get(User, ids["staff"])
        table = indicator_import.read(INDICATORS.name, INDICATORS.read_bytes())
        checked = indicator_import.check(scheme, table)
        if not checked.ok:
            sys.exit(f"followup indicator_import: {len(checked.rejected)} lines refused")
        _, outcome = indicator_import.run_import(scheme, table, actor=actor)
        db.session.rollback()
        return f"lines={len(table.rows)} created={outcome.created} updated={outcome.updated}"

    return {
        "participation": participation,
        "decisions_listing": decisions_listing,
        "annual_report_build": annual_report_build,
        "indicator_import": indicator_import_case,
    }


def page_cases(ids: dict) -> dict:
    """Case name → URL of the page the signed-in staff user opens."""
    return {
        "decisions_listing_page": f"/groupes/{ids['group']}/decisions",
        "group_space": f"/groupes/{ids['group']}/",
        "suite_meeting": f"/suite/rencontres/{ids['meeting']}",
        "suite_theme": f"/suite/thematiques/{ids['theme']}",
        "suite_fiche": f"/suite/fiches/{ids['fiche_31']}",
        "followup_fiche": f"/suivi-du-schema/fiches/{ids['fiche_6']}",
        "dashboard": f"/suivi-du-schema/{ids['slug']}/",
    }


class QueryCounter:
    """Counts the SQL statements the engine runs (to tell a slow query from many)."""

    def __init__(self):
        self.count = 0

    def __call__(self, *_args, **_kwargs):
        self.count += 1


def timed_page(client, url: str, counter: QueryCounter) -> tuple[float, str]:
    """Median milliseconds of 5 GETs after a warm-up; exits unless every answer is 200."""
    times, figures = [], ""
    for attempt in range(6):
        counter.count = 0
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            print(f"followup {url}: HTTP {response.status_code}")
            sys.exit(1)
        if attempt:
            times.append(elapsed)
        figures = f"kb={len(response.data) / 1024:.0f} queries={counter.count}"
    return statistics.median(times), figures


def sign_in(client) -> None:
    response = client.post("/connexion", data={"email": STAFF_EMAIL, "password": PASSWORD})
    if response.status_code not in (302, 303):
        print(f"followup sign-in: HTTP {response.status_code}")
        sys.exit(1)


def pdf_once(app, ids: dict) -> str:
    """The annual report's PDF, as ``reports.export`` renders it (once: it is slow)."""
    with app.test_request_context("/bilans/", base_url="http://localhost/"):
        from flask import request

        scheme = db.session.get(Scheme, ids["scheme"])
        document = build_report(scheme, 2023)
        root = request.host_url.rstrip("/")
        started = time.perf_counter()
        body = report_exports.render_pdf(
            document,
            status_label="Publié",
            base_url=request.host_url,
            fiche_url=lambda ident: f"{root}/suite/fiches/{ident}",
        )
        elapsed = (time.perf_counter() - started) * 1000
        db.session.remove()
    return f"ms={elapsed:.0f} bytes={len(body)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    parser.add_argument("--contributions", type=int, default=100_000)
    parser.add_argument("--meetings", type=int, default=50)
    parser.add_argument("--seed", type=int, default=20261127)
    args = parser.parse_args()
    app = make_app(args.database_url)
    with app.app_context():
        if migrate_and_count():
            staff = db.session.scalar(sa.select(User).where(User.email == STAFF_EMAIL))
            staff.password_hash = hash_password(PASSWORD)
            db.session.commit()
        else:
            random.seed(args.seed)
            seed(args, random.Random(args.seed))
        analyze()
        ids = sample_ids()
        counter = QueryCounter()
        sa.event.listen(db.engine, "before_cursor_execute", counter)
        for name, run in service_cases(ids).items():
            p50, figures = timed(run)
            print(f"followup {name} p50_ms={p50:.1f} {figures}")
    # Pages outside any application context: each request gets its own context, session
    # and current_user, as in production.
    client = app.test_client()
    sign_in(client)
    for name, url in page_cases(ids).items():
        p50, figures = timed_page(client, url, counter)
        print(f"followup {name} p50_ms={p50:.1f} {figures}")
    print(f"followup annual_report_pdf {pdf_once(app, ids)}")


if __name__ == "__main__":
    main()
