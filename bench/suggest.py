"""CPU cost of one tag-suggestion job in a forking worker, as ``flask worker`` runs it.

    python bench/suggest.py --scheme ../shared/data/schemes/savoie.json \
        --labelled ../shared/data/labelled/contributions-dev.jsonl [--jobs 30]

The scheme and the labelled contributions go into a throwaway SQLite database; half
of them are tagged (the model learns and calibrates from them). Then each job runs
as RQ runs it: the worker process forks a work horse, which calls
``consult.core.jobs.execute`` for ``suggest_tags`` and exits. The work horse's CPU
time is read from the operating system (``wait4``), twice:

* ``rebuilt_in_work_horse``: the worker prepares nothing, so every work horse
  builds the model (what happened before issue 17);
* ``built_once_per_worker``: the worker sends ``before_work_horse`` as
  ``flask worker`` does; tagging refreshes its model there if its version stamp
  changed, and every work horse inherits it.

Stdout, exactly (median per job, milliseconds of CPU)::

    suggest job cpu_ms 562.0 rebuilt_in_work_horse
    suggest job cpu_ms 12.0 built_once_per_worker
    suggest worker cpu_ms 3.0 before_fork

(``before_fork``: the worker's own CPU per job for the version check.) Then the same
contributions are marked pending and computed as ``flask worker``'s sweeper does (no job:
batches of :data:`consult.tagging.jobs.BATCH`, model already built)::

    suggest sweep cpu_ms 1.0 per_contribution
    suggest sweep cpu_ms 2.0 per_contribution batches_of_5

(the second: the same contributions pending a few at a time, as while people post
one by one, so that each batch's fixed cost — claim, model version, writes — counts.)
Last, what a worker pays to learn (``build_suggesters``, CPU): the first build, which
measures the calibration on held-out tags, then a rebuild after one tag more, which keeps
that measure (:data:`consult.analysis.tag_feedback.ESTIMATE_SLACK`)::

    suggest rebuild cpu_ms 9000.0 first
    suggest rebuild cpu_ms 900.0 after_one_tag
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # ``config`` lives at the project root, outside the package

from bench.tagging_quality import (  # noqa: E402
    BenchError,
    bench_app,
    read_items,
    read_scheme,
    resolve,
    setup,
    store,
    tag_all,
)
from consult.accounts.models import User  # noqa: E402
from consult.contributions.models import Contribution  # noqa: E402
from consult.core import jobs as core_jobs  # noqa: E402
from consult.core.cli import before_work_horse  # noqa: E402
from consult.extensions import db  # noqa: E402
from consult.schemes.models import Scheme  # noqa: E402
from consult.tagging import jobs as tagging_jobs  # noqa: E402
from consult.tagging.services import build_suggesters, held_out  # noqa: E402

TRICKLE = 5  # contributions pending at a time in the second sweep
TRICKLED = 200  # contributions it computes again, a few at a time


class QueuedJob:
    """The arguments RQ holds for one job: ``execute(job_run_id, path, *args)``."""

    def __init__(self, contribution_id: int):
        self.args = (0, tagging_jobs.SUGGEST_JOB, contribution_id)


def work_horse(app, contribution_id: int) -> None:
    """The forked child: run the job as the worker would, then leave at once."""
    status = 1
    try:
        with app.app_context():
            core_jobs.execute(0, tagging_jobs.SUGGEST_JOB, contribution_id)
        status = 0
    finally:
        os._exit(status)


def run_jobs(app, ids: list[int], announce: bool) -> tuple[list[float], list[float]]:
    """CPU milliseconds of each work horse, and of the worker before each fork."""
    horses, worker = [], []
    for contribution_id in ids:
        started = time.process_time()
        if announce:
            before_work_horse.send(app, job=QueuedJob(contribution_id))
        else:
            db.session.remove()
            db.engine.dispose()
        worker.append((time.process_time() - started) * 1000)
        pid = os.fork()
        if pid == 0:
            work_horse(app, contribution_id)
        _pid, status, usage = os.wait4(pid, 0)
        if status != 0:
            raise BenchError(f"la tâche de la contribution n° {contribution_id} a échoué")
        horses.append((usage.ru_utime + usage.ru_stime) * 1000)
    return horses, worker


def sweep(app, ids: list[int], group: int | None = None) -> float:
    """CPU milliseconds per contribution of the sweeper computing ``ids`` again, with
    every other contribution still pending (those the bench stored untouched); with
    ``group``, only ``group`` of them pending at a time."""
    groups = [ids] if group is None else [ids[i : i + group] for i in range(0, len(ids), group)]
    used, swept = 0.0, 0
    with app.app_context():
        for chunk in groups:
            db.session.execute(
                sa.update(Contribution.__table__)
                .where(Contribution.__table__.c.id.in_(chunk))
                .values(suggested_at=None)
            )
            db.session.commit()
            started = time.process_time()
            while batch := tagging_jobs.suggest_pending():
                swept += batch
            used += time.process_time() - started
            db.session.remove()  # as the sweeper loop does between batches
    return used * 1000 / swept


def prepare(document: dict, items: list[dict]) -> tuple[list[int], Callable[[], None]]:
    """Store every item, tag the first half; ids of the other half (to suggest for), and
    what tags one of them more."""
    scheme, meeting, actor, indexes = setup(document)
    rows = resolve(items, indexes, Counter())
    contributions = store(meeting, rows)
    half = len(rows) // 2
    tag_all(list(zip(contributions[:half], rows[:half], strict=True)), actor)
    db.session.commit()

    actor_id, (last, row) = actor.id, (contributions[-1].id, rows[-1])

    def tag_one_more() -> None:  # later, in another session
        contribution = db.session.get(Contribution, last)
        tag_all([(contribution, row)], db.session.get(User, actor_id))
        db.session.commit()

    return [c.id for c in contributions[half:]], tag_one_more


def rebuild(scheme_id: int, tag_one_more: Callable[[], None]) -> tuple[float, float]:
    """CPU milliseconds of the first build of the suggesters, then of a rebuild after
    one tag more."""
    held_out.clear()
    used = []
    for step in (lambda: None, tag_one_more):
        step()
        started = time.process_time()
        build_suggesters(db.session.get(Scheme, scheme_id))
        used.append((time.process_time() - started) * 1000)
    return used[0], used[1]


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Coût d'une tâche de suggestion.")
    parser.add_argument("--scheme", type=Path, required=True, help="schéma consult-scheme/1")
    parser.add_argument("--labelled", type=Path, required=True, help="JSONL étiqueté")
    parser.add_argument("--jobs", type=int, default=30, help="tâches mesurées par mode")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        document, items = read_scheme(args.scheme), read_items(args.labelled)
        with (
            tempfile.TemporaryDirectory(prefix="consult-bench-") as directory,
            bench_app(Path(directory)) as app,
        ):
            others, tag_one_more = prepare(document, items)
            ids = others[: max(1, args.jobs)]
            tagging_jobs.init_app(app)
            cold, _ = run_jobs(app, ids, announce=False)
            warm, worker = run_jobs(app, ids, announce=True)
            swept = sweep(app, ids)
            trickled = sweep(app, others[:TRICKLED], group=TRICKLE)
            with app.app_context():
                first, after_one_tag = rebuild(
                    db.session.scalar(sa.select(Scheme.id)), tag_one_more
                )
    except BenchError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    print(f"suggest job cpu_ms {statistics.median(cold):.1f} rebuilt_in_work_horse")
    print(f"suggest job cpu_ms {statistics.median(warm):.1f} built_once_per_worker")
    print(f"suggest worker cpu_ms {statistics.median(worker[1:] or worker):.1f} before_fork")
    print(f"suggest sweep cpu_ms {swept:.1f} per_contribution")
    print(f"suggest sweep cpu_ms {trickled:.1f} per_contribution batches_of_{TRICKLE}")
    print(f"suggest rebuild cpu_ms {first:.1f} first")
    print(f"suggest rebuild cpu_ms {after_one_tag:.1f} after_one_tag")
    return 0


if __name__ == "__main__":
    sys.exit(main())
