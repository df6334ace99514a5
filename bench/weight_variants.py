"""Ways to choose the learned weight of the tag suggestions, measured together.

    PYTHONPATH=. python bench/weight_variants.py --scheme ../shared/data/schemes/savoie.json \
        --labelled ../shared/data/labelled/contributions-dev.jsonl --seeds 0 1 2 3 4 [--publics]

Each outer fold's suggesters are built once (the platform's FeedbackSuggester, its
held-out parts computed once); each variant then picks a weight from the same held-out
parts, gets its calibration, and scores the outer fold's held-out rows. Same figures as
bench/tagging_folds.py, one set per variant; weights chosen logged to stderr.
"""

import argparse
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
from scipy.optimize import minimize_scalar

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.tagging_folds import (  # noqa: E402
    score,
    split,
    suggesters,
    worst_band,
)
from bench.tagging_quality import (  # noqa: E402
    TARGETS,
    TOPS,
    Tally,
    bench_app,
    read_items,
    read_scheme,
    resolve,
    setup,
)
from consult.analysis import suggest  # noqa: E402
from consult.analysis.tag_feedback import FeedbackSuggester  # noqa: E402

GRID = suggest.WEIGHT_CHOICES
FINE = tuple(float(x) for x in 2.0 ** np.arange(-2, 3.01, 0.5))


def ranks(held, w):
    return np.array([suggest._rank(p + w * q, t) for p, q, t in held])


def top1(held, choices=GRID):
    """The items' own choice (the platform's before resampling)."""
    return suggest.choose_weight(held, choices, draws=0)


def mrr(held, choices=GRID):
    return max(choices, key=lambda w: (np.mean(1.0 / (1 + ranks(held, w))), -w))


def _right_mask(held):
    n = len(held[0][0])
    mask = np.zeros((len(held), n), bool)
    for i, (_, _, t) in enumerate(held):
        mask[i, [t] if isinstance(t, int | np.integer) else list(t)] = True
    return mask


def logloss_at(held, w):
    raw = np.array([p + w * q for p, q, _ in held])
    mask = _right_mask(held)

    def loss(log_t):
        z = raw / np.exp(log_t)
        z = z - z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        right = np.where(mask, logp, -np.inf)
        m = right.max(axis=1, keepdims=True)
        return -np.mean(m[:, 0] + np.log(np.exp(right - m).sum(axis=1)))

    return minimize_scalar(loss, bounds=(-6, 3), method="bounded").fun


def logloss(held, choices=GRID):
    return min(choices, key=lambda w: (logloss_at(held, w), w))


def bagged(held, choices=GRID, draws=30, chooser=top1):
    rng = np.random.RandomState(0)
    picks = []
    for _ in range(draws):
        sample = [held[i] for i in rng.randint(len(held), size=len(held))]
        picks.append(chooser(sample, choices))
    return float(np.exp(np.mean(np.log(picks))))


def fixed(value):
    return lambda held: value


VARIANTS = {
    "top1": top1,
    "platform": suggest.choose_weight,
    "mrr": mrr,
    "logloss": logloss,
    "mrr_fine": lambda h: mrr(h, FINE),
    "logloss_fine": lambda h: logloss(h, FINE),
    "bagged": bagged,
    "bagged100": lambda h: bagged(h, draws=100),
    "bagged_mrr": lambda h: bagged(h, chooser=mrr),
    "fixed1": fixed(1.0),
    "fixed2": fixed(2.0),
    "fixed4": fixed(4.0),
}


def build(labels, unlabelled, children=None):
    """The platform's suggester without its weight and calibration, and the held-out parts
    they are chosen from (kept on it as ``held``), so that every variant uses the same."""
    below = children.labels if children is not None else None

    def one(kept, kept_children):
        sub = FeedbackSuggester(kept_children) if kept_children else None
        return FeedbackSuggester(kept, unlabelled=list(unlabelled), children=sub)

    model = FeedbackSuggester(labels, children=children, unlabelled=unlabelled)
    model.held = suggest._held_out_parts(labels, 5, below, one)
    return model


def run_seed(scheme, rows, folds, seed, names, log):
    fold_of = split(len(rows), folds, seed)
    tallies = {v: {t: Tally() for t in TARGETS} for v in names}
    for fold in range(folds):
        kept = [n for n in range(len(rows)) if fold_of[n] != fold]
        held_rows = [n for n in range(len(rows)) if fold_of[n] == fold]
        built = suggesters(scheme, rows, kept, make=build)
        for v in names:
            for target, model in built.items():
                w = VARIANTS[v](model.held)
                log[v][target].append(w)
                print(f"weight seed {seed} fold {fold} {v} {target} {w:.3g}", file=sys.stderr)
                model.learned_weight = w
                model.calibration = suggest.calibration_of(model.held, w)
            score(built, rows, held_rows, tallies[v])
    out = {}
    for v in names:
        fig = {f"{t} top{k}": tallies[v][t].rate(k) for t in TARGETS for k in TOPS}
        fig["worst"] = worst_band(tallies[v]["fiche"])
        out[v] = fig
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scheme", type=Path, required=True)
    parser.add_argument("--labelled", type=Path, required=True)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS))
    parser.add_argument("--publics", action="store_true")
    args = parser.parse_args(argv)
    document, items = read_scheme(args.scheme), read_items(args.labelled)
    log = defaultdict(lambda: defaultdict(list))
    allfig = defaultdict(list)
    with (
        tempfile.TemporaryDirectory(prefix="consult-wv-") as directory,
        bench_app(Path(directory)),
    ):
        scheme, _m, _a, indexes = setup(document)
        rows = resolve(items, indexes, Counter(), args.publics)
        for seed in args.seeds:
            res = run_seed(scheme, rows, args.folds, seed, args.variants, log)
            for v, fig in res.items():
                allfig[v].append(fig)
                print(
                    f"seed {seed} {v:13s} theme1 {fig['theme top1']:.3f} fiche1 "
                    f"{fig['fiche top1']:.3f} fiche3 {fig['fiche top3']:.3f} "
                    f"worst {fig['worst']:.3f}",
                    flush=True,
                )
    print("variant        theme1 fiche1 fiche3  worst-per-seed            weights(fiche|theme)")
    for v in args.variants:
        figs = allfig[v]
        mean = {k: np.mean([f[k] for f in figs]) for k in figs[0]}
        worst = " ".join(f"{f['worst']:.3f}" for f in figs)
        wf, wt = np.array(log[v]["fiche"]), np.array(log[v]["theme"])
        spread = (
            f"f med {np.median(wf):.2g} [{wf.min():.2g},{wf.max():.2g}] sdlog "
            f"{np.std(np.log2(wf)):.2f} | t med {np.median(wt):.2g} "
            f"[{wt.min():.2g},{wt.max():.2g}] sdlog {np.std(np.log2(wt)):.2f}"
        )
        print(
            f"{v:13s} {mean['theme top1']:.3f} {mean['fiche top1']:.3f} "
            f"{mean['fiche top3']:.3f}  {worst}  {spread}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
