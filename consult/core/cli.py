"""Cross-cutting commands: ``flask worker`` (RQ), ``flask jobs`` (relay, ping) and
``flask access document`` (``docs/acces.md``).

Where the relay runs: ``flask worker`` relays once before it starts working,
then forks one small relay process beside the RQ worker (a process, not a
thread: the worker forks a work horse per job, and a fork must not copy a
thread holding a lock). The relay process stops when its worker stops, or dies.
``flask jobs relay`` runs the same loop on its own (e.g. one more systemd unit),
and ``flask jobs relay --once`` suits a cron job. Several relays at once are
safe: every row is claimed by a conditional UPDATE before it is sent.

Beside them, ``flask worker`` forks a sweeper process (``jobs.sweep_forever``)
that handles what the domains record in their own rows, in batches: the tag
suggestions of new contributions cost no job, no RQ push and no fork each. With
``--burst`` the sweepers run until nothing waits, before the queues.

All of them run at a lower priority (``WORKER_NICE``, ``lower_priority``): on a
server the web processes share, the people posting win the cores and the background
work takes what they leave (issue 17).
"""

import logging
import multiprocessing
import os
import signal

import click
from blinker import Namespace
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from redis import Redis
from rq import SimpleWorker, Worker

from consult.core import access, jobs
from consult.core.formatting import plural_ending
from consult.core.jobs import QUEUES
from consult.extensions import db

log = logging.getLogger(__name__)

# Sent in the worker process before it forks the work horse of a job (``job=``): what
# a domain builds then (a suggestion model) is inherited instead of rebuilt per job.
before_work_horse = Namespace().signal("before-work-horse")


class PromptStop:
    """RQ listens for commands (stop a job, shut down) in a pub/sub thread that polls every
    60 s. On unsubscribing, redis-py's thread may wait those 60 s for a subscription that
    has ended, so a burst's end or a SIGTERM at deployment took a minute: poll every second.
    """

    PUBSUB_POLL_S = 1.0

    def subscribe(self):
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(
            sleep_time=self.PUBSUB_POLL_S,
            daemon=True,
            exception_handler=self._pubsub_exception_handler,
        )


class ConsultWorker(PromptStop, Worker):
    """RQ's forking worker, announcing each job before its work horse is forked."""

    def execute_job(self, job, queue):
        before_work_horse.send(current_app._get_current_object(), job=job)
        super().execute_job(job, queue)


class ConsultSimpleWorker(PromptStop, SimpleWorker):
    """Jobs run in the worker process itself (``--no-fork``): what a job builds (a
    suggestion model) and the pooled connections stay for the next job. A fork per job
    costs ~40 ms of CPU and a new PostgreSQL connection, more than a suggestion itself.
    Timeouts still apply (an alarm signal); a worker that dies is replaced by its
    supervisor and its running row is sent again by the relay."""

    def execute_job(self, job, queue):
        try:
            super().execute_job(job, queue)
        finally:
            db.session.remove()  # the next job starts with an empty session


NO_REDIS = (
    "REDIS_URL n'est pas défini : sans Redis, les tâches s'exécutent "
    "directement dans l'application et aucun worker n'est nécessaire."
)


def _redis_url() -> str:
    redis_url = current_app.config.get("REDIS_URL")
    if not redis_url:
        raise click.ClickException(NO_REDIS)
    return redis_url


def _dispatcher(redis_url: str) -> jobs.RQDispatcher:
    return jobs.RQDispatcher(redis_url, current_app.config["JOB_RETRIES"])


def _relay_options(command):
    """``--interval``, ``--min-age`` and ``--grace``, also read from the environment."""
    options = (
        click.option(
            "--grace",
            type=float,
            default=jobs.STALE_GRACE,
            show_default=True,
            envvar="CONSULT_JOB_STALE_GRACE",
            help="Secondes après le délai d'une tâche « en cours » avant de la relancer "
            "(RQ laisse jusqu'à 60 s de dépassement).",
        ),
        click.option(
            "--min-age",
            type=float,
            default=jobs.RELAY_MIN_AGE,
            show_default=True,
            envvar="CONSULT_JOB_RELAY_MIN_AGE",
            help="Âge minimal (s) d'une tâche avant que le relais ne s'en occupe.",
        ),
        click.option(
            "--interval",
            type=float,
            default=jobs.RELAY_INTERVAL,
            show_default=True,
            envvar="CONSULT_JOB_RELAY_INTERVAL",
            help="Secondes entre deux passages du relais.",
        ),
    )
    for option in options:
        command = option(command)
    return command


def _relay_safely(dispatcher, *, min_age: float, grace: float) -> jobs.RelayReport | None:
    try:
        report = jobs.relay_once(dispatcher, min_age=min_age, grace=grace)
    except Exception:
        log.exception("relais : passage interrompu")
        return None
    if report:
        log.info("relais : %s", report)
    return report


def _relay_child(app, redis_url: str, parent: int, interval, min_age, grace) -> None:
    """The relay process a worker forks: it stops when the worker is gone."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C: the worker stops us
    with app.app_context():
        db.engine.dispose(close=False)  # never share the parent's connections
        jobs.relay_forever(
            _dispatcher(redis_url),
            interval=interval,
            min_age=min_age,
            grace=grace,
            should_stop=lambda: os.getppid() != parent,
        )


def lower_priority(level: int) -> int:
    """Run at niceness ``level`` at least (``CONSULT_WORKER_NICE``); what this process
    forks (relay, sweeper, work horses) inherits it. Returns the niceness now."""
    current = os.nice(0)
    if level > current:
        current = os.nice(level - current)
    return current


def _start_relay_process(redis_url: str, interval, min_age, grace):
    app = current_app._get_current_object()
    process = multiprocessing.get_context("fork").Process(
        target=_relay_child,
        args=(app, redis_url, os.getpid(), interval, min_age, grace),
        name="consult-relay",
        daemon=True,
    )
    process.start()
    return process


def _sweeper_child(app, parent: int, interval: float) -> None:
    """The sweeper process a worker forks: a SIGTERM lets the batch under way finish."""
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C: the worker stops us
    with app.app_context():
        db.engine.dispose(close=False)  # never share the parent's connections
        jobs.sweep_forever(
            interval=interval, should_stop=lambda: bool(stopping) or os.getppid() != parent
        )


def _start_sweeper_process(interval: float):
    app = current_app._get_current_object()
    process = multiprocessing.get_context("fork").Process(
        target=_sweeper_child,
        args=(app, os.getpid(), interval),
        name="consult-sweeper",
        daemon=True,
    )
    process.start()
    return process


@click.command("worker")
@click.argument("queues", nargs=-1)
@click.option("--burst", is_flag=True, help="Traiter la file puis s'arrêter.")
@click.option(
    "--relay/--no-relay",
    default=True,
    show_default=True,
    help="Relayer les tâches en attente au démarrage, puis dans un processus voisin.",
)
@click.option(
    "--fork/--no-fork",
    default=False,
    show_default=True,
    envvar="CONSULT_WORKER_FORK",
    help="Un processus fils par tâche (isolement) ; sans, les tâches courtes (suggestions) "
    "vont bien plus vite.",
)
@click.option(
    "--sweep-interval",
    type=float,
    default=jobs.SWEEP_INTERVAL,
    show_default=True,
    envvar="CONSULT_SWEEP_INTERVAL",
    help="Secondes entre deux recherches de travail en attente dans la base "
    "(suggestions d'étiquettes) quand il n'y en avait pas.",
)
@_relay_options
@with_appcontext
def worker_command(
    queues: tuple[str, ...],
    burst: bool,
    relay: bool,
    fork: bool,
    sweep_interval: float,
    interval,
    min_age,
    grace,
) -> None:
    """Lancer un worker RQ sur les files indiquées (toutes par défaut).

    Avec --relay (par défaut), le worker envoie d'abord à Redis les tâches restées
    dans la base (Redis injoignable au moment de l'enregistrement, redémarré,
    worker arrêté en pleine tâche), puis un processus voisin le refait toutes les
    quelques secondes (sauf avec --burst). Un autre processus voisin calcule par lots
    ce qui attend dans la base (suggestions d'étiquettes des nouvelles contributions) ;
    avec --burst, il le fait une fois pour toutes avant les files. Le worker et ses
    voisins tournent avec une priorité abaissée (CONSULT_WORKER_NICE, 10 par défaut) :
    les requêtes des participants passent d'abord.
    """
    logging.basicConfig(level=logging.INFO)
    niceness = lower_priority(current_app.config.get("WORKER_NICE", 0))
    if niceness:
        log.info("worker : priorité abaissée (nice %s), les requêtes passent d'abord", niceness)
    redis_url = _redis_url()
    if relay:
        _relay_safely(_dispatcher(redis_url), min_age=min_age, grace=grace)
    if burst:
        for name in list(jobs.SWEEPERS):
            jobs.sweep_until_done(name)
    # The work horse is a fork: leave no pooled connection for it to inherit.
    db.engine.dispose()
    helpers = []
    if relay and not burst:
        helpers.append(_start_relay_process(redis_url, interval, min_age, grace))
    if jobs.SWEEPERS and not burst:
        helpers.append(_start_sweeper_process(sweep_interval))
    try:
        worker_class = ConsultWorker if fork else ConsultSimpleWorker
        worker = worker_class(list(queues or QUEUES), connection=Redis.from_url(redis_url))
        worker.work(burst=burst, with_scheduler=True)
    finally:
        _stop(helpers)


def _stop(processes) -> None:
    """Stop the relay and sweeper processes (a sweeper ends its batch first)."""
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(30)


jobs_cli = AppGroup("jobs", help="Tâches de fond : relais vers Redis, essai.")


@jobs_cli.command("relay")
@click.option("--once", is_flag=True, help="Un seul passage (pour une tâche cron).")
@_relay_options
def relay_command(once: bool, interval: float, min_age: float, grace: float) -> None:
    """Envoyer à Redis les tâches restées en attente dans la base, en boucle.

    Reprend les tâches que Redis n'a pas reçues (injoignable à l'enregistrement),
    qu'il a perdues (redémarré sans sauvegarde) et celles qu'un worker arrêté a
    laissées « en cours » au-delà de leur délai ; au-delà de CONSULT_JOB_RETRIES
    essais, la tâche est marquée en échec.
    """
    redis_url = _redis_url()
    logging.basicConfig(level=logging.INFO)
    dispatcher = _dispatcher(redis_url)
    if once:
        report = jobs.relay_once(dispatcher, min_age=min_age, grace=grace)
        click.echo(
            f"Relais : {report.sent} envoyée{plural_ending(report.sent)}, "
            f"{report.resent} renvoyée{plural_ending(report.resent)}, "
            f"{report.failed} en échec."
        )
        if report.error:
            raise click.ClickException(f"Redis injoignable : {report.error}")
        return
    click.echo(f"Relais des tâches toutes les {interval:g} s (Ctrl+C pour arrêter).")
    try:
        jobs.relay_forever(dispatcher, interval=interval, min_age=min_age, grace=grace)
    except KeyboardInterrupt:
        click.echo("Relais arrêté.")


@jobs_cli.command("ping")
@click.argument("note", default="ping")
def ping_command(note: str) -> None:
    """Enregistrer une tâche d'essai qui écrit NOTE dans sa ligne (preuve que tout tourne)."""
    from consult.core.sample_jobs import ping

    run = jobs.enqueue_after_commit(ping, note)
    db.session.commit()
    jobs.dispatcher_for(current_app).run_pending()
    click.echo(f"Tâche d'essai n° {run.id} enregistrée.")


access_cli = AppGroup("access", help="Qui peut faire quoi : la page docs/acces.md.")


@access_cli.command("document")
def access_document_command() -> None:
    """Écrire docs/acces.md sur la sortie standard : les règles et les adresses servies.

    make access-docs l'enregistre (flask access document > docs/acces.md).
    """
    click.echo(access.document(current_app.url_map), nl=False)


def init_app(app) -> None:
    """Register the cross-cutting commands."""
    app.cli.add_command(worker_command)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(access_cli)
