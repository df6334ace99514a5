"""Tag-suggestion quality against a labelled JSONL file and a consult-scheme/1 file.

    python bench/suggest.py ../shared/data/schemes/savoie.json \
        ../shared/data/labelled/contributions-dev.jsonl

Prints top-1 / top-3 hit rates for fiches and themes (a hit is the labelled
value or its alternative), first from the scheme's texts alone, then after
"learning" from the first half of the labelled rows, measured on the second half.
"""

import json
import sys
import time

from consult.analysis.suggest import Label, Suggester


def scheme_labels(scheme):
    fiches = {
        str(f["number"]): " ".join(
            [
                f["title"],
                *f.get("objectives", []),
                *f.get("actions", []),
                *f.get("indicators", []),
                f.get("policy", ""),
            ]
        )
        for f in scheme["fiches"]
    }
    themes = {str(t["number"]): t["title"] for t in scheme.get("themes", [])}
    return fiches, themes


def hit_rates(suggester, rows, field):
    top1 = top3 = counted = 0
    for row in rows:
        wanted = {str(row[field]), str(row.get(f"{field}_alt"))} - {"None"}
        if not wanted:
            continue
        counted += 1
        keys = [s.key for s in suggester.suggest(row["text"], top=3, minimum=0)]
        top1 += bool(keys[:1]) and keys[0] in wanted
        top3 += bool(wanted & set(keys))
    return top1 / counted, top3 / counted, counted


def build(texts, rows, field):
    examples = {}
    for row in rows:
        if row.get(field) is not None:
            examples.setdefault(str(row[field]), []).append(row["text"])
    return Suggester([Label(k, t, examples.get(k, [])) for k, t in texts.items()])


def main(scheme_path, labelled_path):
    with open(scheme_path, encoding="utf-8") as handle:
        fiches, themes = scheme_labels(json.load(handle))
    with open(labelled_path, encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    half = len(rows) // 2
    for name, texts, field in (("fiches", fiches, "fiche"), ("themes", themes, "theme")):
        started = time.perf_counter()
        cold = hit_rates(build(texts, [], field), rows[half:], field)
        learned = hit_rates(build(texts, rows[:half], field), rows[half:], field)
        elapsed = time.perf_counter() - started
        print(
            f"{name}: scheme texts only top1={cold[0]:.0%} top3={cold[1]:.0%} | after "
            f"learning from {half} tagged rows top1={learned[0]:.0%} top3={learned[1]:.0%} "
            f"(n={cold[2]}, {elapsed:.1f}s)"
        )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
