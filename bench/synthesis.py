"""Synthesis speed and memory on the Grand Débat answers, against a plain scikit-learn baseline.

    python bench/synthesis.py ../shared/data/grand-debat/comments.csv.gz [--full]
    python bench/synthesis.py PATH --sizes 3000 30000

Builds contributions from the CSV (columns id, theme, text; the theme becomes the
contribution's theme; author types, territories, kinds… are drawn at random with a fixed
seed), then for each size measures, each in a fresh process (so that the peak resident
memory, ``ru_maxrss``, is that size's own):

- ``build_document`` (``time_s``, ``peak_mb``: the whole process, contributions included;
  ``cpu_s``: its processor time). The French lemma dictionary and the terms of its words
  are loaded first, outside the measured time (``load_s``), as the worker does before
  forking a job's work horse (``load_lemmas``);
- the baseline, the plain pipeline on one thread (issue 17):
  ``TfidfVectorizer(sublinear_tf=True, min_df=2, max_df=0.5)`` + ``MiniBatchKMeans(50)``
  over the same texts (``baseline_s``, ``baseline_cpu_s``); ``ratio`` and ``cpu_ratio``
  compare the two (processor time varies less than elapsed time on a shared machine);
- ``isolated``: the share of contributions in no idea (``Section.isolated``).

``--full`` adds 1.93 million contributions: the sample repeated with light variations
(two words swapped, a few words added at the end). ``--repeat N`` runs each size N times,
synthesis and baseline interleaved, and prints medians. One line per size::

    synthesis n=3000 time_s=… peak_mb=… baseline_s=… ratio=… cpu_s=… baseline_cpu_s=…
    cpu_ratio=… load_s=… k=… isolated=… items_mb=… baseline_peak_mb=…
"""

import argparse
import csv
import gzip
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import datetime
from itertools import islice

SIZES = (3_000, 30_000, 343_440)
FULL = 1_930_000
SEED = 20260101
AUTHOR_TYPES = (
    ("usager", "Usager", 30),
    ("proche_aidant", "Proche ou aidant", 10),
    ("professionnel", "Professionnel", 25),
    ("partenaire", "Partenaire", 15),
    ("elu", "Élu", 5),
    ("agent", "Agent du Département", 15),
)
KINDS = (
    ("constat", "Constat", 35),
    ("proposition", "Proposition", 40),
    ("question", "Question", 10),
    ("temoignage", "Témoignage", 15),
)
TERRITORIES = (
    ("Bassin chambérien", 35),
    ("Avant-Pays savoyard", 10),
    ("Combe de Savoie", 15),
    ("Maurienne", 15),
    ("Tarentaise", 20),
    ("", 5),
)
CHANNELS = (("En ligne", 60), ("En rencontre", 30), ("Sur papier", 10))
PUBLICS = (
    "Personnes âgées",
    "Personnes handicapées",
    "Enfance et famille",
    "Jeunes 16-25 ans",
    "Insertion / RSA",
)
ENDINGS = (" Merci.", " C'est essentiel.", " À mon avis.", " Voilà.", " Il faut agir vite !")


def read_rows(path: str, size: int) -> list[tuple[str, str]]:
    """(theme, text) for ``size`` contributions: the file's rows, repeated with variations."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        rows = [(r["theme"], r["text"]) for r in islice(csv.DictReader(handle), size)]
    result = rows[:size]
    rng = random.Random(SEED)
    while len(result) < size:
        for theme, text in rows[: size - len(result)]:
            result.append((theme, _vary(text, rng)))
    return result


def _vary(text: str, rng: random.Random) -> str:
    words = text.split()
    if len(words) > 3:
        i = rng.randrange(len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(words) + (rng.choice(ENDINGS) if rng.random() < 0.5 else "")


def _choice(rng: random.Random, options):
    return rng.choices(options, weights=[o[-1] for o in options])[0]


def make_items(rows):
    from consult.synthesis.document import Item

    rng = random.Random(SEED)
    meetings = [f"Rencontre {n}" for n in range(1, 11)]
    items = []
    for number, (theme, text) in enumerate(rows, start=1):
        author, author_label, _ = _choice(rng, AUTHOR_TYPES)
        kind, kind_label, _ = _choice(rng, KINDS)
        items.append(
            Item(
                id=number,
                text=text,
                kind=kind,
                kind_label=kind_label,
                author_type=author,
                author_type_label=author_label,
                channel_label=_choice(rng, CHANNELS)[0],
                meeting=rng.choice(meetings),
                territory=_choice(rng, TERRITORIES)[0],
                publics=rng.sample(PUBLICS, rng.choice((0, 1, 1, 2))),
                themes=[theme],
                supports=rng.choice((0, 0, 0, 0, 1, 2, 5)),
                weight=rng.choice((1,) * 18 + (2, 3)),
            )
        )
    return items


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_synthesis(path: str, size: int) -> dict:
    from consult.analysis.text import load_lemmas
    from consult.synthesis.analysis import build_document

    items = make_items(read_rows(path, size))
    items_mb = _peak_mb()
    loading = time.perf_counter()
    load_lemmas()  # as the worker does before forking a job's work horse
    loaded = time.perf_counter() - loading
    started, cpu = time.perf_counter(), time.process_time()
    document = build_document(
        items,
        title="Grand Débat",
        template="concertations",
        scope=[("Source", "Grand Débat national")],
        participants=None,
        now=datetime(2026, 1, 1),
    )
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    ideas = sum(len(s.ideas) for s in document.sections)
    isolated = sum(len(s.isolated) for s in document.sections) / max(len(items), 1)
    return {
        "time": elapsed,
        "cpu": cpu,
        "load": loaded,
        "peak_mb": _peak_mb(),
        "items_mb": items_mb,
        "k": ideas,
        "isolated": isolated,
    }


def run_baseline(path: str, size: int) -> dict:
    from sklearn.cluster import MiniBatchKMeans
    from sklearn.feature_extraction.text import TfidfVectorizer
    from threadpoolctl import threadpool_limits

    texts = [text for _, text in read_rows(path, size)]
    started, cpu = time.perf_counter(), time.process_time()
    with threadpool_limits(limits=1):
        vectorizer = TfidfVectorizer(sublinear_tf=True, min_df=2, max_df=0.5)
        matrix = vectorizer.fit_transform(texts)
        MiniBatchKMeans(n_clusters=50, random_state=0).fit(matrix)
    return {
        "time": time.perf_counter() - started,
        "cpu": time.process_time() - cpu,
        "peak_mb": _peak_mb(),
    }


def _child(args: list[str]) -> dict:
    command = [sys.executable, __file__, *args]
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit(done.returncode)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path")
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    parser.add_argument("--full", action="store_true", help=f"add {FULL:,} contributions")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--repeat", type=int, default=1, help="runs per size (medians)")
    parser.add_argument("--child", choices=("synthesis", "baseline"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "synthesis":
        print(json.dumps(run_synthesis(args.path, args.sizes[0])))
        return
    if args.child == "baseline":
        print(json.dumps(run_baseline(args.path, args.sizes[0])))
        return
    for size in [*args.sizes, *([FULL] if args.full else [])]:
        print(_measure(args, size), flush=True)


def _median(runs: list[dict], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def _measure(args, size: int) -> str:
    """One line for ``size``: medians of ``--repeat`` runs, synthesis and baseline
    interleaved (a shared machine's load changes from one minute to the next)."""
    ours, base = [], []
    for _ in range(args.repeat):
        ours.append(_child([args.path, "--child", "synthesis", "--sizes", str(size)]))
        if not args.no_baseline:
            base.append(_child([args.path, "--child", "baseline", "--sizes", str(size)]))
    time_s, cpu_s = _median(ours, "time"), _median(ours, "cpu")
    line = f"synthesis n={size} time_s={time_s:.2f} peak_mb={_median(ours, 'peak_mb'):.0f}"
    if base:
        base_s, base_cpu = _median(base, "time"), _median(base, "cpu")
        line += f" baseline_s={base_s:.2f} ratio={time_s / base_s:.2f}"
        line += f" cpu_s={cpu_s:.2f} baseline_cpu_s={base_cpu:.2f} cpu_ratio={cpu_s / base_cpu:.2f}"
    line += f" load_s={_median(ours, 'load'):.2f}"
    line += f" k={ours[0]['k']} isolated={ours[0]['isolated']:.2f}"
    line += f" items_mb={ours[0]['items_mb']:.0f}"
    if base:
        line += f" baseline_peak_mb={_median(base, 'peak_mb'):.0f}"
    return line


if __name__ == "__main__":
    main()
