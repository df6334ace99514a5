"""``flask decidim import`` and ``flask decidim export``: to and from Decidim."""

import csv
from pathlib import Path

import click

from consult.contributions.importing import ImportFileError
from consult.core.db import utcnow
from consult.decidim import services
from consult.extensions import db
from consult.meetings.models import Meeting

decidim_cli = click.Group(
    "decidim", help="Import et export au format des données ouvertes Decidim."
)


def _meeting(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise click.ClickException(f"Rencontre {meeting_id} introuvable.")
    return meeting


def _file(path: Path | None) -> tuple[str, bytes] | None:
    return None if path is None else (path.name, path.read_bytes())


@decidim_cli.command("import")
@click.argument("proposals", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--comments", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--meeting", "meeting_id", type=int, required=True, help="Numéro de la rencontre.")
@click.option("--dry-run", is_flag=True, help="Vérifier sans rien enregistrer.")
def import_command(proposals: Path, comments: Path | None, meeting_id: int, dry_run: bool) -> None:
    """Importer les propositions (et commentaires) d'un export Decidim, tout ou rien."""
    meeting = _meeting(meeting_id)
    try:
        export = services.read_export(_file(proposals), _file(comments))
        plan = services.plan_import(meeting, export)
    except (ImportFileError, services.DecidimError) as error:
        raise click.ClickException(str(error)) from error
    click.echo(plan.summary())
    for line in plan.refused_lines():
        click.echo(line)
    if dry_run or plan.rejected:
        if plan.rejected and not dry_run:
            raise click.ClickException("Rien n'a été importé : corrigez les lignes refusées.")
        return
    try:
        outcome = services.run_import(meeting, export, now=utcnow())
    except services.DecidimError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(
        f"imported proposals {outcome.proposals} comments {outcome.comments} "
        f"suggestions {outcome.suggestions}"
    )


@decidim_cli.command("export")
@click.option("--meeting", "meeting_id", type=int, required=True, help="Numéro de la rencontre.")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def export_command(meeting_id: int, directory: Path) -> None:
    """Écrire proposals.csv et comments.csv (contributions publiées, masquées)."""
    proposals, comments = services.export_meeting(_meeting(meeting_id))
    directory.mkdir(parents=True, exist_ok=True)
    _write(directory / "proposals.csv", services.PROPOSAL_COLUMNS, proposals)
    _write(directory / "comments.csv", services.COMMENT_COLUMNS, comments)
    click.echo(f"decidim proposals {len(proposals)} comments {len(comments)}")


def _write(path: Path, columns: tuple[str, ...], rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, delimiter=";")
        writer.writeheader()
        writer.writerows(rows)


def init_app(app) -> None:
    app.cli.add_command(decidim_cli)
