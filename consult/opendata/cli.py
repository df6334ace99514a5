"""``flask opendata build``: rebuild the open-data files now (all schemes, or one)."""

import click
import sqlalchemy as sa

from consult.core.db import utcnow
from consult.extensions import db
from consult.opendata import files
from consult.schemes.models import Scheme

opendata_cli = click.Group("opendata", help="Données ouvertes.")


@opendata_cli.command("build")
@click.option("--scheme", "slug", default=None, help="Identifiant (slug) d'un seul schéma.")
def build(slug: str | None) -> None:
    """Reconstruire les fichiers de données ouvertes."""
    query = sa.select(Scheme).order_by(Scheme.id)
    if slug:
        query = query.where(Scheme.slug == slug)
    schemes = db.session.scalars(query).all()
    if not schemes:
        raise click.ClickException("Aucun schéma à publier.")
    for scheme in schemes:
        counts = files.write_all(scheme, now=utcnow())
        click.echo(f"opendata {scheme.slug} " + " ".join(f"{k} {v}" for k, v in counts.items()))


def init_app(app) -> None:
    app.cli.add_command(opendata_cli)
