"""``flask scheme import FILE``: import a consult-scheme/1 document."""

from pathlib import Path

import click

from consult.core.db import utcnow
from consult.extensions import db
from consult.schemes.importer import SchemeImportError, import_scheme, load_document

scheme_cli = click.Group("scheme", help="Gérer les schémas.")


def _parse_levels(values: tuple[str, ...]) -> dict[str, str]:
    levels = {}
    for value in values:
        key, sep, name = value.partition("=")
        if not sep:
            raise click.BadParameter(f"« {value} » : écrivez niveau=Nom, par ex. axis=Orientation")
        levels[key.strip()] = name.strip()
    return levels


@scheme_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--level",
    "levels",
    multiple=True,
    help="Nom d'un niveau, par ex. --level axis=Orientation (répétable).",
)
def import_command(path: Path, levels: tuple[str, ...]) -> None:
    """Importer un schéma depuis un fichier JSON consult-scheme/1."""
    try:
        document = load_document(path.read_bytes())
        scheme = import_scheme(document, now=utcnow(), levels=_parse_levels(levels))
    except SchemeImportError as error:
        db.session.rollback()
        click.echo(f"Import refusé ({path.name}) : rien n'a été importé.", err=True)
        for message in error.errors:
            click.echo(f"  - {message}", err=True)
        raise SystemExit(1) from error
    db.session.commit()
    click.echo(
        f"Schéma importé : {scheme.department} — {scheme.title} "
        f"({len(scheme.axes)} axes, {len(scheme.themes)} thématiques, "
        f"{len(scheme.fiches)} fiches). Adresse : /schemas/{scheme.slug}/"
    )


def init_app(app) -> None:
    """Register ``flask scheme``."""
    app.cli.add_command(scheme_cli)
