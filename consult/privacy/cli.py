"""``flask retention run``: erase what must not be kept any longer (run it daily, e.g. by cron)."""

import click
from flask import current_app

from consult.accounts.services import purge_security_log
from consult.core.db import utcnow
from consult.core.formatting import plural_ending
from consult.extensions import db
from consult.privacy.services import purge_expired, purge_uploads

retention_cli = click.Group("retention", help="Durées de conservation (RGPD).")


def _duration(days: int | None) -> int | None:
    if days is not None and days < 0:
        raise click.BadParameter("une durée ne peut pas être négative (0 : effacer maintenant).")
    return days


@retention_cli.command("run")
@click.option(
    "--days",
    type=int,
    default=None,
    callback=lambda _ctx, _param, value: _duration(value),
    help="Durée de conservation des contributions, en jours (0 : tout effacer maintenant).",
)
def run(days: int | None) -> None:
    """Effacer les textes d'origine masqués, les signatures et le vieux journal de sécurité."""
    config = current_app.config
    now = utcnow()
    # ``0`` is a real duration (erase now), not "unset": only a missing option
    # takes the configured one.
    days = config["RETENTION_DAYS"] if days is None else days
    purged = purge_expired(now=now, days=days)
    uploads = purge_uploads(now=now, days=min(days, config["UPLOAD_RETENTION_DAYS"]))
    security = purge_security_log(now=now, days=config["SECURITY_LOG_RETENTION_DAYS"])
    db.session.commit()
    click.echo(
        f"{purged} contribution{plural_ending(purged)} purgée{plural_ending(purged)}, "
        f"{uploads} fichier{plural_ending(uploads)} d'import effacé{plural_ending(uploads)}, "
        f"{security} entrée{plural_ending(security)} de sécurité "
        f"effacée{plural_ending(security)}."
    )


def init_app(app) -> None:
    app.cli.add_command(retention_cli)
