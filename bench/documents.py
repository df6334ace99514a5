"""A synthesis and an annual report downloaded right after they are generated.

    python bench/documents.py [--repeat 3]

Zero-setup mode (SQLite, jobs run inline, as `make demo`): a scratch database with the
demo, a facilitator signed in. For the demo's synthesis, then for its 2023 bilan, asks
for a new version (the request ends once the version and its PDF/DOCX are made), then
downloads the PDF at once, and again. Prints, per document:

    documents synthesis generate_s 9.1 pdf_first_ms 6 pdf_again_ms 3 status 200

With a worker (production), the generation answers at once and the page shows « en cours
de préparation » until the worker has stored the files; the download is then the same
stored file.
"""

import argparse
import secrets
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # ``config`` lives at the project root, outside the package

from config import TestConfig  # noqa: E402
from consult import create_app  # noqa: E402
from consult.accounts.models import User  # noqa: E402
from consult.accounts.passwords import hash_password  # noqa: E402
from consult.demo.loader import load_demo  # noqa: E402
from consult.extensions import db  # noqa: E402
from consult.reports.models import AnnualReport  # noqa: E402
from consult.synthesis.models import Synthesis  # noqa: E402

PASSWORD = secrets.token_urlsafe(16) + "-Aa1"  # a throwaway account in a scratch database


def _app(folder: Path):
    settings = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'documents.db'}",
        "INSTANCE_DIR": folder,
        "REDIS_URL": None,
        "JOBS_INLINE": True,
    }
    return create_app(type("Bench", (TestConfig,), settings))


def _fill(app) -> tuple[str, int, int]:
    with app.app_context():
        db.create_all()
        load_demo()
        user = db.session.scalar(sa.select(User).where(User.role == "facilitator"))
        user.password_hash = hash_password(PASSWORD)
        db.session.commit()
        synthesis = db.session.scalar(sa.select(sa.func.min(Synthesis.id)))
        report = db.session.scalar(sa.select(sa.func.min(AnnualReport.id)))
        return user.email, synthesis, report


def _ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)


def _latest_pdf(app, kind: str, ident: int) -> str:
    with app.app_context():
        if kind == "report":
            return f"/bilans/{ident}.pdf"
        synthesis = db.session.get(Synthesis, ident)
        return f"/syntheses/{ident}/v{max(v.number for v in synthesis.versions)}.pdf"


def _measure(app, client, kind: str, ident: int) -> str:
    generate = f"/syntheses/{ident}/generer" if kind == "synthesis" else f"/bilans/{ident}/generer"
    started = time.perf_counter()
    answer = client.post(generate)
    generated = time.perf_counter() - started
    if answer.status_code >= 400:
        sys.exit(f"{kind} : génération refusée (HTTP {answer.status_code})")
    url = _latest_pdf(app, kind, ident)
    started = time.perf_counter()
    first = client.get(url)
    first_ms = _ms(started)
    started = time.perf_counter()
    again = client.get(url)
    again_ms = _ms(started)
    return (
        f"documents {kind} generate_s {generated:.1f} pdf_first_ms {first_ms} "
        f"pdf_again_ms {again_ms} status {first.status_code}"
        + ("" if first.mimetype == "application/pdf" else f" ({first.mimetype})")
        + ("" if again.status_code == first.status_code else f" again {again.status_code}")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="generations per document")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = _app(Path(folder))
        email, synthesis, report = _fill(app)
        client = app.test_client()
        client.post("/connexion", data={"email": email, "password": PASSWORD})
        for _ in range(args.repeat):
            print(_measure(app, client, "synthesis", synthesis), flush=True)
            print(_measure(app, client, "report", report), flush=True)


if __name__ == "__main__":
    main()
