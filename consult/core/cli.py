"""Cross-cutting commands: ``flask worker`` (RQ) and ``flask jobs``."""

import logging

import click
from flask import current_app
from flask.cli import with_appcontext
from redis import Redis
from rq import Worker

from consult.core.jobs import QUEUES
from consult.extensions import db


@click.command("worker")
@click.argument("queues", nargs=-1)
@click.option("--burst", is_flag=True, help="Traiter la file puis s'arrêter.")
@with_appcontext
def worker_command(queues: tuple[str, ...], burst: bool) -> None:
    """Lancer un worker RQ sur les files indiquées (toutes par défaut)."""
    redis_url = current_app.config.get("REDIS_URL")
    if not redis_url:
        raise click.ClickException(
            "REDIS_URL n'est pas défini : sans Redis, les tâches s'exécutent "
            "directement dans l'application et aucun worker n'est nécessaire."
        )
    logging.basicConfig(level=logging.INFO)
    # The work horse is a fork: leave no pooled connection for it to inherit.
    db.engine.dispose()
    worker = Worker(list(queues or QUEUES), connection=Redis.from_url(redis_url))
    worker.work(burst=burst, with_scheduler=True)


def init_app(app) -> None:
    """Register the cross-cutting commands."""
    app.cli.add_command(worker_command)
