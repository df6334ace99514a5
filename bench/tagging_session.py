"""Worker CPU during a tagging session: a refresh job per tag, or a refresh once tagging pauses.

    python bench/tagging_session.py --scheme ../shared/data/schemes/savoie.json \
        --labelled ../shared/data/labelled/contributions-dev.jsonl \
        [--copies 8] [--tag-every 6] [--minutes 10]

The labelled texts (``--copies`` times each) go into a throwaway SQLite database as one
meeting's contributions, their suggestions computed once. A facilitator then tags one
contribution every ``--tag-every`` seconds for ``--minutes``, with its labelled fiche,
as the desk does (the tag, then ``schedule_refresh``), on a simulated clock; a single
worker runs what the platform gives it, each piece of work timed for real (its CPU,
``time.process_time``, and its wall time, which moves the clock on):

* ``job_per_tag``: each tag queues the refresh job unless one waits already (what the
  platform did with a worker before: the job recomputes every contribution of the
  scheme with a model that knows every tag);
* ``after_pause``: with a worker, tags mark the scheme, and the sweeper (every 0.5 s
  when idle) recomputes it in batches once no tag came for ``SUGGEST_REFRESH_QUIET``
  seconds, or ``SUGGEST_REFRESH_MAX_WAIT`` after the first tag it misses.

Both run until nothing is left to do. Stdout, exactly::

    tagging_session job_per_tag worker_cpu_s 120.0 recomputed 90000 fresh_after_last_tag_s 4.0
    tagging_session after_pause worker_cpu_s 10.0 recomputed 8000 fresh_after_last_tag_s 22.0

(``fresh_after_last_tag_s``: seconds from the last tag until every contribution's stored
suggestions come from a model that knows it.)
"""

import argparse
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # ``config`` lives at the project root, outside the package

from bench.tagging_quality import (  # noqa: E402
    bench_app,
    read_items,
    read_scheme,
    resolve,
    setup,
    store,
)
from consult.core import jobs as core_jobs  # noqa: E402
from consult.core.db import utcnow  # noqa: E402
from consult.extensions import db  # noqa: E402
from consult.schemes.models import Fiche  # noqa: E402
from consult.tagging import jobs as tagging_jobs  # noqa: E402
from consult.tagging.services import add_tag  # noqa: E402

TICK = core_jobs.SWEEP_INTERVAL


class Quiet:
    """A dispatcher that keeps the refresh jobs' rows queued (the simulated worker runs them)."""

    def dispatch(self, call):
        pass

    def sweep(self, name):
        pass

    def run_pending(self):
        pass


class NoRedis(core_jobs.RQDispatcher):
    """A platform with a worker, without Redis: nothing in this bench is pushed."""

    def __init__(self):
        super().__init__("redis://127.0.0.1:1/0", retries=0)

    def dispatch(self, call):
        pass


def prepare(document: dict, items: list[dict], copies: int):
    """Contributions with their first suggestions; (scheme id, [(contribution id, fiche id)])."""
    scheme, meeting, actor, indexes = setup(document)
    rows = resolve(items, indexes, Counter()) * copies
    contributions = store(meeting, rows)
    db.session.commit()
    while tagging_jobs.suggest_pending():
        pass
    to_tag = [(c.id, r.main["fiche"]) for c, r in zip(contributions, rows, strict=True)]
    return scheme.id, actor.id, [pair for pair in to_tag if pair[1] is not None]


def timed(work) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of ``work()``; the session is closed after it."""
    cpu, wall = time.process_time(), time.perf_counter()
    work()
    db.session.commit()
    db.session.remove()
    return time.process_time() - cpu, time.perf_counter() - wall


def tag(contribution_id: int, fiche_id: int, actor_id: int, scheme_id: int, at) -> None:
    from consult.accounts.models import User
    from consult.contributions.models import Contribution

    contribution = db.session.get(Contribution, contribution_id)
    add_tag(
        contribution,
        fiche=db.session.get(Fiche, fiche_id),
        actor=db.session.get(User, actor_id),
        now=at,
    )
    tagging_jobs.schedule_refresh(scheme_id, now=at)
    db.session.commit()


def waiting_job() -> int | None:
    return db.session.scalar(
        sa.select(core_jobs.JobRun.id)
        .where(core_jobs.JobRun.status == "queued")
        .order_by(core_jobs.JobRun.id)
        .limit(1)
    )


def session(app, mode: str, scheme_id: int, actor_id: int, pairs, every: float, minutes: float):
    """Simulate the session; (worker CPU s, contributions recomputed, fresh after last tag)."""
    app.extensions["consult_jobs"] = Quiet() if mode == "job_per_tag" else NoRedis()
    tagging_jobs._passes.clear()
    count = int(minutes * 60 / every)
    tags = [(i * every, *pairs[i % len(pairs)]) for i in range(count)]
    base = utcnow()
    clock, cpu, recomputed, next_tag, last_learned = 0.0, 0.0, 0, 0, 0.0
    while True:
        while next_tag < len(tags) and tags[next_tag][0] <= clock:
            at, contribution_id, fiche_id = tags[next_tag]
            tag(contribution_id, fiche_id, actor_id, scheme_id, base + timedelta(seconds=at))
            last_learned, next_tag = at, next_tag + 1
        if mode == "job_per_tag":
            job = waiting_job()
            if job is not None:
                row = db.session.get(core_jobs.JobRun, job)
                call = (row.id, row.path, *row.args)
                used, wall = timed(lambda call=call: core_jobs.execute(*call, reraise=False))
                recomputed += count_of(scheme_id)
        else:
            done = []
            now = base + timedelta(seconds=clock)
            used, wall = timed(
                lambda done=done, now=now: done.append(tagging_jobs.refresh_step(now=now))
            )
            recomputed += done[0]
            if not done[0]:
                wall = max(wall, TICK)
        if mode == "job_per_tag" and job is None:
            used, wall = 0.0, TICK
        cpu += used
        clock += wall
        if next_tag == len(tags) and nothing_left(mode, scheme_id):
            return cpu, recomputed, clock - last_learned


def count_of(scheme_id: int) -> int:
    from consult.contributions.models import Contribution
    from consult.meetings.models import Meeting

    return db.session.scalar(
        sa.select(sa.func.count(Contribution.id))
        .join(Meeting)
        .where(Meeting.scheme_id == scheme_id)
    )


def nothing_left(mode: str, scheme_id: int) -> bool:
    if mode == "job_per_tag":
        return waiting_job() is None
    from consult.schemes.models import Scheme

    return db.session.get(Scheme, scheme_id).suggestions_stale_since is None


def parse_args(argv):
    parser = argparse.ArgumentParser(description="CPU du worker pendant une séance d'étiquetage.")
    parser.add_argument("--scheme", type=Path, required=True, help="schéma consult-scheme/1")
    parser.add_argument("--labelled", type=Path, required=True, help="JSONL étiqueté")
    parser.add_argument("--copies", type=int, default=8, help="copies de chaque texte")
    parser.add_argument("--tag-every", type=float, default=6.0, help="secondes entre 2 étiquettes")
    parser.add_argument("--minutes", type=float, default=10.0, help="durée de la séance")
    parser.add_argument("--modes", nargs="+", default=["job_per_tag", "after_pause"])
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    document, items = read_scheme(args.scheme), read_items(args.labelled)
    for mode in args.modes:
        with (
            tempfile.TemporaryDirectory(prefix="consult-bench-") as directory,
            bench_app(Path(directory)) as app,
        ):
            app.config.update(
                SUGGEST_MODEL_MAX_AGE=30, SUGGEST_REFRESH_QUIET=20, SUGGEST_REFRESH_MAX_WAIT=120
            )
            tagging_jobs._suggesters.clear()
            scheme_id, actor_id, pairs = prepare(document, items, args.copies)
            cpu, recomputed, fresh = session(
                app, mode, scheme_id, actor_id, pairs, args.tag_every, args.minutes
            )
        print(
            f"tagging_session {mode} worker_cpu_s {cpu:.1f} recomputed {recomputed}"
            f" fresh_after_last_tag_s {fresh:.1f}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
