"""``flask digest send``: collect what moved on the fiches and send the digests now."""

import click

from consult.core.db import utcnow
from consult.digest.jobs import send_digests

digest_cli = click.Group("digest", help="Nouvelles aux contributeurs.")


@digest_cli.command("send")
def send() -> None:
    """Envoyer les nouvelles en attente (à lancer une fois par jour)."""
    found, sent = send_digests(utcnow())
    click.echo(f"digest news {found} sent {sent}")


def init_app(app) -> None:
    app.cli.add_command(digest_cli)
