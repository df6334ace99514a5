"""Moderation queue timings on a seeded PostgreSQL database.

    python bench/moderation_queue.py postgresql://postgres@127.0.0.1:5432/scratch [--rows 100000]

Upgrades the schema (Alembic), seeds ``--rows`` contributions when the table is
empty (French texts from templates; ~30 % pending, tags, publics, a few reports),
runs ANALYZE (VACUUM ANALYZE with ``--vacuum``), then prints the median of 5
timed runs (after one warm-up) for each case: ``queue <case> p50_ms=<x> total=<n>``.
Each run uses a fresh session, as a request would. SQLite URLs work too.
"""

import argparse
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from bench._common import PLACES, migrate_and_count, psycopg_url, timed
from consult import create_app
from consult.contributions.models import (
    AUTHOR_TYPES,
    KINDS,
    Contribution,
    Report,
    contribution_publics,
)
from consult.core.db import utcnow
from consult.extensions import db
from consult.meetings.models import Meeting
from consult.moderation.queue import QueueFilters, neighbours, queue_ids, queue_page
from consult.schemes.models import Fiche, Public, Scheme, Territory, Theme
from consult.tagging.models import ContributionTag

PUBLICS = [
    "personnes âgées",
    "personnes en situation de handicap",
    "familles",
    "jeunes de l'aide sociale à l'enfance",
    "proches aidants",
    "allocataires du RSA",
]
SUBJECTS = [
    "le transport à la demande",
    "les transports scolaires",
    "l'accueil en EHPAD",
    "la garde d'enfants",
    "le logement adapté",
    "l'aide à domicile",
    "le répit des aidants",
    "l'accès aux droits",
    "la fracture numérique",
    "l'insertion professionnelle",
]
TEMPLATES = [
    "À {place}, {subject} ne répond pas aux besoins des {public} : il faudrait {detail}.",
    "Nous proposons que {subject} soit renforcé pour les {public} de {place}, avec {detail}.",
    "Pourquoi {subject} est-il si difficile d'accès pour les {public} à {place} ?",
    "Témoignage : à {place}, j'ai vu des {public} renoncer faute de {detail}. "
    "Sur {subject}, rien ne bouge.",
    "Constat partagé en atelier : {subject} manque à {place}, surtout pour les {public}.",
]
DETAILS = [
    "des horaires élargis le soir et le week-end",
    "un interlocuteur unique au Département",
    "des permanences dans les mairies des villages",
    "une information en facile à lire et à comprendre",
    "plus de places et des délais plus courts",
    "un accompagnement humain et pas seulement en ligne",
]
STATUS_WEIGHTS = {"pending": 30, "published": 60, "rejected": 8, "merged": 2}
CHUNK = 5000


def make_app(url: str):
    """The application on ``url`` (psycopg 3 driver for plain PostgreSQL URLs)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # config.py at the root
    from config import DevelopmentConfig

    config = type(
        "BenchConfig", (DevelopmentConfig,), {"SQLALCHEMY_DATABASE_URI": psycopg_url(url)}
    )
    return create_app(config)


def seed_references(rng: random.Random) -> dict:
    """One scheme with themes and fiches, territories, publics and meetings."""
    scheme = Scheme(slug="bench", department="Savoie", title="Schéma des solidarités (banc)")
    themes = [Theme(scheme=scheme, number=str(n), title=f"Thème {n}") for n in range(1, 16)]
    fiches = [Fiche(scheme=scheme, number=f"F{n}", title=f"Fiche {n}") for n in range(1, 31)]
    territories = [Territory(code=f"bench-{n}", name=p) for n, p in enumerate(PLACES)]
    publics = [Public(code=f"bench-{n}", label=p) for n, p in enumerate(PUBLICS)]
    meetings = [
        Meeting(
            scheme=scheme,
            kind="concertation_territoriale",
            status="open",
            title=f"Rencontre {n}",
            territory=rng.choice(territories),
        )
        for n in range(40)
    ]
    db.session.add_all([scheme, *themes, *fiches, *territories, *publics, *meetings])
    db.session.flush()
    return {
        "themes": [t.id for t in themes],
        "fiches": [f.id for f in fiches],
        "territories": {t.name: t.id for t in territories},
        "publics": [p.id for p in publics],
        "meetings": [m.id for m in meetings],
    }


def contribution_row(rng: random.Random, refs: dict, now) -> dict:
    """One contribution's column values: a French text from the templates."""
    place = rng.choice(PLACES)
    body = rng.choice(TEMPLATES).format(
        place=place,
        public=rng.choice(PUBLICS),
        subject=rng.choice(SUBJECTS),
        detail=rng.choice(DETAILS),
    )
    created = now - timedelta(minutes=rng.randrange(90 * 24 * 60))
    status = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
    return {
        "meeting_id": rng.choice(refs["meetings"]),
        "body": body,
        "kind": rng.choice(list(KINDS)),
        "author_type": rng.choice(list(AUTHOR_TYPES)),
        "channel": "en_ligne",
        "status": status,
        "territory_id": refs["territories"][place],
        "has_personal_data": rng.random() < 0.03,
        "created_at": created,
        "updated_at": created,
        "published_at": created if status == "published" else None,
    }


def link_rows(rng: random.Random, refs: dict, ids_status: list) -> tuple[list, list, list]:
    """Tags (fewer on pending ones), publics and a few open reports."""
    tags, publics, reports = [], [], []
    for cid, status in ids_status:
        if rng.random() < (0.3 if status == "pending" else 0.8):
            theme = rng.choice(refs["themes"])
            tags.append({"contribution_id": cid, "theme_id": theme, "fiche_id": None})
            if rng.random() < 0.5:
                fiche = rng.choice(refs["fiches"])
                tags.append({"contribution_id": cid, "theme_id": None, "fiche_id": fiche})
        for public_id in rng.sample(refs["publics"], rng.choice((0, 1, 1, 2))):
            publics.append({"contribution_id": cid, "public_id": public_id})
        if rng.random() < 0.01:
            reports.append({"contribution_id": cid, "reporter_key": "b:bench", "reason": "autre"})
    return tags, publics, reports


def insert_chunks(table, rows: list) -> None:
    for start in range(0, len(rows), CHUNK):
        db.session.execute(sa.insert(table), rows[start : start + CHUNK])


def seed(rows: int, rng: random.Random) -> None:
    """Bulk-insert ``rows`` contributions and their links (executemany in chunks)."""
    started = time.perf_counter()
    refs = seed_references(rng)
    now = utcnow()
    insert_chunks(Contribution.__table__, [contribution_row(rng, refs, now) for _ in range(rows)])
    ids_status = db.session.execute(
        sa.select(Contribution.id, Contribution.status).order_by(Contribution.id)
    ).all()
    tags, publics, reports = link_rows(rng, refs, ids_status)
    insert_chunks(ContributionTag.__table__, tags)
    insert_chunks(contribution_publics, publics)
    insert_chunks(Report.__table__, reports)
    db.session.commit()
    elapsed = time.perf_counter() - started
    print(f"seeded contributions={rows} tags={len(tags)} time_s={elapsed:.1f}")


def analyze(vacuum: bool) -> None:
    """ANALYZE, after a VACUUM if asked: the state autovacuum reaches (visibility map set)."""
    with db.engine.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        if vacuum:
            connection.exec_driver_sql("VACUUM")
        connection.exec_driver_sql("ANALYZE")


def sample_ids() -> dict:
    """A busy meeting, a common theme and a pending contribution in the middle."""
    meeting_id = db.session.scalar(
        sa.select(Contribution.meeting_id)
        .group_by(Contribution.meeting_id)
        .order_by(sa.func.count().desc())
    )
    theme_id = db.session.scalar(
        sa.select(ContributionTag.theme_id)
        .where(ContributionTag.theme_id.is_not(None))
        .group_by(ContributionTag.theme_id)
        .order_by(sa.func.count().desc())
    )
    pending = queue_ids(QueueFilters(status="pending"), limit=1000)
    return {"meeting": meeting_id, "theme": theme_id, "middle": pending[len(pending) // 2]}


def cases(ids: dict) -> dict:
    """Case name → callable returning the number to print as ``total``."""
    pending = QueueFilters(status="pending")

    def page(filters, number=1):
        return lambda: queue_page(filters, page=number).total

    return {
        "default_pending": page(pending),
        "pending_page_120": page(pending, 120),
        "meeting": page(QueueFilters(meeting_id=ids["meeting"])),
        "meeting_pending": page(QueueFilters(status="pending", meeting_id=ids["meeting"])),
        "theme": page(QueueFilters(theme_id=ids["theme"])),
        "untagged": page(QueueFilters(untagged=True)),
        "untagged_pending": page(QueueFilters(status="pending", untagged=True)),
        "search_transport": page(QueueFilters(search="transport")),
        "search_status": page(QueueFilters(search="transport", status="pending")),
        "ids_pending_1000": lambda: len(queue_ids(pending, limit=1000)),
        "neighbours_pending": lambda: sum(
            i is not None for i in neighbours(pending, ids["middle"])
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--vacuum", action="store_true", help="VACUUM ANALYZE, not just ANALYZE")
    args = parser.parse_args()
    app = make_app(args.database_url)
    with app.app_context():
        if not migrate_and_count():
            seed(args.rows, random.Random(args.seed))
        analyze(args.vacuum)
        for name, run in cases(sample_ids()).items():
            p50, total = timed(run)
            print(f"queue {name} p50_ms={p50:.1f} total={total}")


if __name__ == "__main__":
    main()
