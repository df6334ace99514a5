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

- precision = right proposed pairs / proposed pairs (``nan`` when nothing is proposed)
- recall = labelled pairs (two members of one labelled group) that end up in one
  proposed group / labelled pairs (``nan`` when the file labels no pair)

An undefined figure is printed ``nan``, with its reason on stderr (in French). Ids and
``duplicate_of`` are compared as text (``12`` and ``"12"`` are one id); a ``duplicate_of``
may be a list of ids; one naming no text of the file is ignored, with a warning; a line
without ``text`` is an empty text. A file that is not JSON lines stops the script with a
French message (exit 2); an empty one prints ``nan`` figures.

``--cv`` also prints the threshold 5-fold cross-validation picks (each fold: the
threshold with the best pair F1 on the other four; the median is reported), the
way :data:`consult.analysis.duplicates.DEFAULT_THRESHOLD` was chosen, and the pair
F1 each fold's threshold gets on that fold's own candidate pairs (held out: a
setting that only fits the file shows a high F1 in training and a low one here).

``--soft on|off`` turns the soft cosine of words (word vectors learned on the
Grand Débat answers, :data:`consult.analysis.duplicates.SOFT_MATCHING`) on or off.
"""

import argparse
import math
import statistics
import sys
import time
from itertools import combinations
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # this checkout's ``consult``, even without PYTHONPATH=.

from bench._jsonl import json_objects  # noqa: E402
from consult.analysis import duplicates  # noqa: E402
from consult.analysis.duplicates import (  # noqa: E402
    DEFAULT_THRESHOLD,
    candidate_pairs,
    find_duplicates,
)
from consult.analysis.duplicates import similarity_matrix as similarity  # noqa: E402


def _key(value) -> str | None:
    """An id or a reference as text (``12`` and ``"12"`` are one id); None when absent."""
    if value is None or isinstance(value, bool | dict | list):
        return None
    text = str(value).strip()
    return text or None


def references(row: dict) -> list[str]:
    """The ids a row's ``duplicate_of`` names (one id or a list of ids)."""
    given = row.get("duplicate_of")
    given = given if isinstance(given, list) else [given]
    return [key for key in map(_key, given) if key is not None]


def labelled_groups(rows: list[dict], missing: list[str] | None = None) -> dict[int, int]:
    """Row index → labelled group (the index of its earliest text); ``missing`` gets the
    references naming no text of the file."""
    index: dict[str, int] = {}
    for i, row in enumerate(rows):
        if (key := _key(row.get("id"))) is not None:
            index.setdefault(key, i)
    root = list(range(len(rows)))

    def find(i: int) -> int:
        while root[i] != i:
            i = root[i]
        return i

    for i, row in enumerate(rows):
        for reference in references(row):
            if reference not in index:
                if missing is not None:
                    missing.append(reference)
                continue
            a, b = find(i), find(index[reference])
            root[max(a, b)] = min(a, b)
    return {i: find(i) for i in range(len(rows))}


def pair_scores(proposed: list[list[int]], truth: dict[int, int]) -> tuple[float, float]:
    """Pair precision and recall of ``proposed`` groups against labelled groups (``nan``
    when no pair is proposed, resp. labelled)."""
    pairs = {(a, b) for group in proposed for a, b in combinations(sorted(group), 2)}
    members: dict[int, list[int]] = {}
    for i, group in truth.items():
        members.setdefault(group, []).append(i)
    labelled = {p for m in members.values() for p in combinations(sorted(m), 2)}
    right = sum(truth[a] == truth[b] for a, b in pairs)
    precision = right / len(pairs) if pairs else math.nan
    recall = len(pairs & labelled) / len(labelled) if labelled else math.nan
    return precision, recall


class FileError(Exception):
    """The labelled file cannot be read (French message)."""


def read_rows(path: str) -> list[dict]:
    """The file's JSON objects (:func:`bench._jsonl.json_objects`); :class:`FileError`
    (French message) when it cannot be read or a line is not a JSON object."""
    return json_objects(path, FileError)


def _text(row: dict) -> str:
    text = row.get("text")
    return text if isinstance(text, str) else ""


def warn(message: str) -> None:
    print(f"Attention : {message}", file=sys.stderr)


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--cv", action="store_true")
    parser.add_argument("--soft", choices=("on", "off"), help="soft cosine of words (word vectors)")
    args = parser.parse_args(argv)
    if args.soft:
        duplicates.SOFT_MATCHING = args.soft == "on"
    try:
        rows = read_rows(args.path)
    except FileError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    if not rows:
        warn(f"aucune contribution dans {args.path} : précision et rappel indéfinis (nan).")
    missing: list[str] = []
    texts, truth = [_text(r) for r in rows], labelled_groups(rows, missing)
    if missing:
        shown = ", ".join(sorted(set(missing))[:5])
        warn(f"{len(missing)} « duplicate_of » ne désignent aucun id du fichier ({shown}…).")
    if sum(not isinstance(r.get("text"), str) for r in rows):
        warn("des lignes n'ont pas de champ « text » : lues comme des textes vides.")
    kinds = [r["kind"] for r in rows] if all(r.get("kind") for r in rows) else None
    if kinds is None and any(r.get("kind") for r in rows):
        warn("« kind » manque sur certaines lignes : le détecteur ne s'en sert pour aucune.")
    find_duplicates(["maison", "maisons"])  # load the lemmatiser once, as a server process does
    started = time.perf_counter()
    groups = find_duplicates(texts, threshold=args.threshold, kinds=kinds)
    elapsed = time.perf_counter() - started
    precision, recall = pair_scores([g.members for g in groups], truth)
    if rows and math.isnan(recall):
        warn("aucune paire de doublons étiquetée (« duplicate_of ») : rappel indéfini (nan).")
    if rows and math.isnan(precision):
        warn("le détecteur ne propose aucune paire : précision indéfinie (nan).")
    print(f"duplicates precision {precision:.2f} recall {recall:.2f}")
    per_text = elapsed * 1000 / len(rows) if rows else math.nan
    print(f"duplicates time {per_text:.1f} ms per contribution ({len(rows)} contributions)")
    if args.cv and len(rows) >= 2:
        median, chosen, held_out = cross_validated_threshold(texts, kinds, truth)
        folds = " ".join(f"{t:.2f}" for t in chosen)
        print(f"duplicates cross-validated threshold {median:.2f} (folds {folds})")
        scores = " ".join(f"{f:.2f}" for f in held_out)
        print(f"duplicates held-out F1 {statistics.mean(held_out):.2f} (folds {scores})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
