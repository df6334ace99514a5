"""``flask retention run``: erase what must not be kept any longer (run it daily, e.g. by cron)."""

import click
from flask import current_app

from consult.accounts.services import purge_security_log
from consult.contributions.privacy import purge_expired, purge_uploads
from consult.core.db import utcnow
from consult.extensions import db

retention_cli = click.Group("retention", help="Durées de conservation (RGPD).")


@retention_cli.command("run")
@click.option("--days", type=int, default=None, help="Durée de conservation des contributions.")
def run(days: int | None) -> None:
    """Effacer les textes d'origine masqués, les signatures et le vieux journal de sécurité."""
    config = current_app.config
    now = utcnow()
    days = days or config["RETENTION_DAYS"]
    purged = purge_expired(now=now, days=days)
    uploads = purge_uploads(now=now, days=min(days, config["UPLOAD_RETENTION_DAYS"]))
    security = purge_security_log(now=now, days=config["SECURITY_LOG_RETENTION_DAYS"])
    db.session.commit()
    click.echo(
        f"{purged} contribution(s) purgée(s), {uploads} fichier(s) d'import effacé(s), "
        f"{security} entrée(s) de sécurité effacée(s)."
    )


def init_app(app) -> None:
    app.cli.add_command(retention_cli)
