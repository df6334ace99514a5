"""``flask demo load``: fill an empty platform with the Savoie demo."""

import click
import sqlalchemy as sa
from flask import current_app

from consult.accounts.models import ROLES
from consult.core.jobs import dispatcher_for
from consult.demo import content
from consult.demo.loader import load_demo
from consult.extensions import db
from consult.reports import jobs as report_jobs
from consult.reports.models import AnnualReport
from consult.synthesis import jobs as synthesis_jobs
from consult.synthesis.models import SynthesisVersion

demo_cli = click.Group("demo", help="Données de démonstration.")


@demo_cli.command("load")
def load_command() -> None:
    """Charger la démonstration (schéma de la Savoie, rencontres, contributions)."""
    result = load_demo()
    db.session.commit()
    _prepare_documents()
    logins_file = current_app.config["INSTANCE_DIR"] / "demo-logins.txt"
    if result["logins"]:
        logins_file.parent.mkdir(parents=True, exist_ok=True)
        lines = [
            f"{email}  {password}  ({login_role(email)})"
            for email, password in result["logins"].items()
        ]
        logins_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
        logins_file.chmod(0o600)
    click.echo(
        f"Démonstration prête : {result['scheme'].title} ({result['scheme'].department}), "
        f"{result['contributions']} contributions ajoutées."
    )
    if logins_file.exists():
        click.echo(f"Comptes de démonstration (aussi dans {logins_file}) :")
        click.echo(logins_file.read_text(encoding="utf-8").rstrip())


def _prepare_documents() -> None:
    """The published synthesis's and bilan's files (PDF and Word), made now: their first
    readers do not wait.

    Without Redis they are rendered here; with it, queued for ``flask worker``.
    """
    click.echo(
        "Préparation des PDF et Word de la synthèse et du bilan publiés (quelques secondes)…"
    )
    published = sa.select(SynthesisVersion).where(SynthesisVersion.status == "published")
    for version in db.session.scalars(published):
        synthesis_jobs.request_documents(version, generated=True, every_kind=True)
    bilans = sa.select(AnnualReport).where(AnnualReport.status == "published")
    for report in db.session.scalars(bilans):
        report_jobs.request_documents(report, generated=True, every_kind=True)
    db.session.commit()
    dispatcher_for(current_app).run_pending()


def login_role(email: str) -> str:
    """The role a demo login plays, in French, e.g. « Animateur·rice »."""
    for key, role, name, _org in content.PEOPLE:
        if email == f"{key}@{content.DEMO_EMAIL_DOMAIN}":
            return f"{ROLES.get(role, role)} — {name}"
    return "rôle inconnu"


def init_app(app) -> None:
    """Register ``flask demo``."""
    app.cli.add_command(demo_cli)
