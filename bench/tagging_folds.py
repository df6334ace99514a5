"""Learned tag-suggestion quality over several fold splits, without a database per fold.

    python bench/tagging_folds.py --scheme ../shared/data/schemes/savoie.json \
        --labelled ../shared/data/labelled/contributions-dev.jsonl --folds 5 --seeds 0 1 2

The same models as ``bench/tagging_quality.py`` (``consult.tagging.services``'s
suggesters, built from labels as the platform builds them from tags), called directly:
seed 0 is the file order split ``n % K`` of ``tagging_quality.py --folds K`` (its
``learned`` lines, to ±0.01: the order of examples inside a label may differ); seed s
> 0 shuffles the contributions first. A gain that shows on one split only is noise.

Stdout, per seed then averaged: ``folds seed 1 learned fiche top1 0.55`` … and
``folds seed 1 calibration worst 0.07`` (largest gap between a band holding ≥ 10 % of
contributions and its share right; 0 inside the band). A figure no item counts for
(no fiche label, or a scheme without themes) is ``nan``, said on stderr; unreadable files
and fewer than 2 folds stop with a French message (exit 2).
"""

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.tagging_quality import (  # noqa: E402
    NAMES,
    TARGETS,
    TOPS,
    BenchError,
    Tally,
    bench_app,
    read_items,
    read_scheme,
    resolve,
    setup,
    warn,
    warn_unknown,
)
from consult.analysis.suggest import Label  # noqa: E402
from consult.tagging.services import (  # noqa: E402
    SUGGESTION_FLOOR,
    _suggester,
    fiche_passages,
    fiche_text,
)

MIN_BAND_SHARE = 0.10


def split(count: int, folds: int, seed: int) -> list[int]:
    """The fold of each item: file order for seed 0, shuffled otherwise."""
    order = np.arange(count) if seed == 0 else np.random.RandomState(seed).permutation(count)
    fold = np.empty(count, int)
    fold[order] = np.arange(count) % folds
    return fold.tolist()


def labels_of(objects, texts, rows, kept, target, passages=None) -> list[Label]:
    """Each scheme object as a label, its examples the kept rows tagged with it, newest
    first (as ``services._examples`` reads them)."""
    labels = []
    for obj in objects:
        examples = [rows[n].read for n in reversed(kept) if rows[n].main[target] == obj.id]
        extra = passages(obj) if passages else []
        labels.append(Label(str(obj.id), texts(obj), examples, extra))
    return labels


def suggesters(scheme, rows, kept: list[int], make=_suggester) -> dict:
    """Fiche and theme suggesters learning from ``kept`` rows' tags, as the platform does
    (``make(labels, unlabelled, children)`` builds each, the platform's builder by default)."""
    kept_set = set(kept)
    built = {}
    fiches = labels_of(scheme.fiches, fiche_text, rows, kept, "fiche", fiche_passages)
    built["fiche"] = make(fiches, untagged(rows, kept_set, "fiche"))
    if scheme.themes:
        themes = labels_of(scheme.themes, _theme_text, rows, kept, "theme")
        built["theme"] = make(themes, untagged(rows, kept_set, "theme"), built["fiche"])
    return built


def _theme_text(theme) -> str:
    return f"{theme.title} {theme.description}"


def untagged(rows, kept: set[int], target: str) -> list[str]:
    return [
        rows[n].read
        for n in reversed(range(len(rows)))
        if n not in kept or rows[n].main[target] is None
    ]


def score(built: dict, rows, held: list[int], tallies: dict) -> None:
    for n in held:
        for target in built:
            found = built[target].suggest(rows[n].read, top=max(TOPS), minimum=SUGGESTION_FLOOR)
            tallies[target].add(rows[n].wanted[target], [(int(s.key), s.score) for s in found])


def worst_band(tally: Tally) -> float:
    if not tally.counted:
        return float("nan")  # no labelled fiche: nothing to calibrate against
    gaps = [
        max(0.0, lower - right, right - lower - 0.1)
        for lower, right, share in tally.bands()
        if share >= MIN_BAND_SHARE
    ]
    return max(gaps, default=0.0)


def run_seed(scheme, rows, folds: int, seed: int) -> dict:
    fold_of = split(len(rows), folds, seed)
    tallies = {target: Tally() for target in TARGETS}
    for fold in range(folds):
        kept = [n for n in range(len(rows)) if fold_of[n] != fold]
        held = [n for n in range(len(rows)) if fold_of[n] == fold]
        score(suggesters(scheme, rows, kept), rows, held, tallies)
    figures = {f"learned {t} top{k}": tallies[t].rate(k) for t in TARGETS for k in TOPS}
    figures["calibration worst"] = worst_band(tallies["fiche"])
    return figures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Suggestions apprises, plusieurs découpages.")
    parser.add_argument("--scheme", type=Path, required=True)
    parser.add_argument("--labelled", type=Path, required=True)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--publics", action="store_true", help="voir tagging_quality.py")
    args = parser.parse_args(argv)
    try:
        document, items = read_scheme(args.scheme), read_items(args.labelled)
    except BenchError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    if args.folds < 2:
        print("Erreur : --folds demande au moins 2 plis.", file=sys.stderr)
        return 2
    totals: Counter = Counter()
    with (
        tempfile.TemporaryDirectory(prefix="consult-folds-") as directory,
        bench_app(Path(directory)),
    ):
        scheme, _meeting, _actor, indexes = setup(document)
        unknown: Counter = Counter()
        rows = resolve(items, indexes, unknown, args.publics)
        warn_unknown(unknown, args.labelled)
        for target in TARGETS:
            if all(row.wanted[target] is None for row in rows):
                warn(f"aucune contribution étiquetée pour la cible {NAMES[target]} (nan).")
        for seed in args.seeds:
            figures = run_seed(scheme, rows, args.folds, seed)
            for name, value in figures.items():
                print(f"folds seed {seed} {name} {value:.3f}", flush=True)
            totals.update(figures)
    for name, value in totals.items():
        print(f"folds mean {name} {value / len(args.seeds):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
