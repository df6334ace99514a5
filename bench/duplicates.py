"""Duplicate detection measured on a labelled JSONL file (id, text, duplicate_of; kind if any).

    PYTHONPATH=. python bench/duplicates.py FILE.jsonl [--threshold T] [--cv]

Prints, at the platform's default setting (or ``--threshold``)::

    duplicates precision 0.90 recall 0.84
    duplicates time 3.1 ms per contribution (240 contributions)

Pair precision and recall. The labelled duplicates form groups: ``duplicate_of``
links a text to an earlier one saying the same thing, and links chain (A ← B ← C
puts A, B and C in one group). The detector proposes groups too. Every two
members of one proposed group make a proposed pair; a proposed pair is right
when its two texts are in the same labelled group (directly or transitively
labelled duplicates).

- precision = right proposed pairs / proposed pairs (1.00 when nothing is proposed)
- recall = labelled pairs (two members of one labelled group) that end up in one
  proposed group / labelled pairs

``--cv`` also prints the threshold 5-fold cross-validation picks (each fold: the
threshold with the best pair F1 on the other four; the median is reported), the
way :data:`consult.analysis.duplicates.DEFAULT_THRESHOLD` was chosen, and the pair
F1 each fold's threshold gets on that fold's own candidate pairs (held out: a
setting that only fits the file shows a high F1 in training and a low one here).

``--soft on|off`` turns the soft cosine of words (word vectors learned on the
Grand Débat answers, :data:`consult.analysis.duplicates.SOFT_MATCHING`) on or off.
"""

import argparse
import json
import statistics
import time
from itertools import combinations

import numpy as np

from consult.analysis import duplicates
from consult.analysis.duplicates import DEFAULT_THRESHOLD, candidate_pairs, find_duplicates
from consult.analysis.duplicates import similarity_matrix as similarity


def labelled_groups(rows: list[dict]) -> dict[int, int]:
    """Row index → labelled group (the index of its earliest text)."""
    index = {r["id"]: i for i, r in enumerate(rows)}
    root = list(range(len(rows)))

    def find(i: int) -> int:
        while root[i] != i:
            i = root[i]
        return i

    for i, row in enumerate(rows):
        if row.get("duplicate_of") in index:
            a, b = find(i), find(index[row["duplicate_of"]])
            root[max(a, b)] = min(a, b)
    return {i: find(i) for i in range(len(rows))}


def pair_scores(proposed: list[list[int]], truth: dict[int, int]) -> tuple[float, float]:
    """Pair precision and recall of ``proposed`` groups against labelled groups."""
    pairs = {(a, b) for group in proposed for a, b in combinations(sorted(group), 2)}
    members: dict[int, list[int]] = {}
    for i, group in truth.items():
        members.setdefault(group, []).append(i)
    labelled = {p for m in members.values() for p in combinations(sorted(m), 2)}
    right = sum(truth[a] == truth[b] for a, b in pairs)
    precision = right / len(pairs) if pairs else 1.0
    recall = len(pairs & labelled) / len(labelled) if labelled else 1.0
    return precision, recall


def cross_validated_threshold(texts, kinds, truth: dict[int, int], folds: int = 5):
    """Median over folds of the threshold with the best pair F1 on the other folds,
    the folds' thresholds, and the pair F1 each threshold gets on its held-out fold."""
    scores = similarity(texts).scores
    candidates = candidate_pairs(scores, 0.0, kinds)
    rng = np.random.default_rng(0)
    fold_of = rng.integers(0, folds, len(candidates))
    chosen, held_out = [], []
    for fold in range(folds):
        train = [c for c, f in zip(candidates, fold_of, strict=True) if f != fold]
        test = [c for c, f in zip(candidates, fold_of, strict=True) if f == fold]
        chosen.append(_best_threshold(train, truth))
        held_out.append(_f1(test, truth, chosen[-1]))
    return statistics.median(chosen), chosen, held_out


def _best_threshold(pairs, truth) -> float:
    best, best_f1 = 1.0, -1.0
    for threshold in sorted({round(s, 2) for _, _, s in pairs}):
        f1 = _f1(pairs, truth, threshold)
        if f1 > best_f1:
            best, best_f1 = threshold, f1
    return best


def _f1(pairs, truth, threshold: float) -> float:
    """Pair F1 of the candidate ``pairs`` kept at ``threshold``."""
    labelled = sum(truth[a] == truth[b] for a, b, _ in pairs) or 1
    kept = [(a, b) for a, b, s in pairs if s >= threshold]
    right = sum(truth[a] == truth[b] for a, b in kept)
    precision, recall = right / max(len(kept), 1), right / labelled
    return 2 * precision * recall / (precision + recall or 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--cv", action="store_true")
    parser.add_argument("--soft", choices=("on", "off"), help="soft cosine of words (word vectors)")
    args = parser.parse_args()
    if args.soft:
        duplicates.SOFT_MATCHING = args.soft == "on"
    with open(args.path, encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    texts, truth = [r["text"] for r in rows], labelled_groups(rows)
    kinds = [r["kind"] for r in rows] if all(r.get("kind") for r in rows) else None
    find_duplicates(["maison", "maisons"])  # load the lemmatiser once, as a server process does
    started = time.perf_counter()
    groups = find_duplicates(texts, threshold=args.threshold, kinds=kinds)
    elapsed = time.perf_counter() - started
    precision, recall = pair_scores([g.members for g in groups], truth)
    print(f"duplicates precision {precision:.2f} recall {recall:.2f}")
    print(
        f"duplicates time {elapsed * 1000 / len(rows):.1f} ms per contribution "
        f"({len(rows)} contributions)"
    )
    if args.cv:
        median, chosen, held_out = cross_validated_threshold(texts, kinds, truth)
        folds = " ".join(f"{t:.2f}" for t in chosen)
        print(f"duplicates cross-validated threshold {median:.2f} (folds {folds})")
        scores = " ".join(f"{f:.2f}" for f in held_out)
        print(f"duplicates held-out F1 {statistics.mean(held_out):.2f} (folds {scores})")


if __name__ == "__main__":
    main()
