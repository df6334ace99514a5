"""Near-duplicate detection against a labelled JSONL file (fields id, text, duplicate_of).

    python bench/duplicates.py ../shared/data/labelled/contributions-dev.jsonl [threshold ...]

For each threshold: labelled pairs found (recall), grouped pairs that are not
labelled duplicates (noise), and time.
"""

import json
import sys
import time

from consult.analysis.similarity import near_duplicates


def evaluate(rows, threshold):
    started = time.perf_counter()
    groups = near_duplicates([r["text"] for r in rows], threshold=threshold)
    elapsed = time.perf_counter() - started
    group_of = {i: n for n, g in enumerate(groups) for i in g.members}
    index = {r["id"]: i for i, r in enumerate(rows)}
    labelled = [(index[r["duplicate_of"]], i) for i, r in enumerate(rows) if r["duplicate_of"]]
    found = sum(a in group_of and group_of.get(a) == group_of.get(b) for a, b in labelled)
    grouped_pairs = sum(len(g.members) * (len(g.members) - 1) // 2 for g in groups)
    return found, len(labelled), grouped_pairs, elapsed


def main(path, thresholds):
    with open(path, encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    for threshold in thresholds:
        found, total, grouped, elapsed = evaluate(rows, threshold)
        print(
            f"threshold={threshold:.2f} labelled_pairs_found={found}/{total} "
            f"({found / total:.0%}) grouped_pairs={grouped} time={elapsed * 1000:.0f} ms"
        )


if __name__ == "__main__":
    main(sys.argv[1], [float(t) for t in sys.argv[2:]] or [0.3, 0.4, 0.5, 0.6])
