"""Measure personal-data detection against a labelled JSONL file (fields text, pii).

python bench/personal_data.py ../shared/data/labelled/contributions-dev.jsonl
"""

import json
import sys
import time

from consult.analysis.personal_data import find_personal_data


def main(path: str) -> None:
    with open(path, encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    expected = found = hit = false_alarm_rows = 0
    started = time.perf_counter()
    for row in rows:
        spans = [f.text for f in find_personal_data(row["text"])]
        expected += len(row["pii"])
        found += len(spans)
        hit += sum(any(p in s or s in p for s in spans) for p in row["pii"])
        false_alarm_rows += bool(spans) and not row["pii"]
    elapsed = time.perf_counter() - started
    print(f"rows={len(rows)} labelled_spans={expected} detected_spans={found}")
    print(f"recall={hit / expected:.2%} rows_with_false_alarm={false_alarm_rows}")
    print(f"time={elapsed * 1000:.1f} ms ({elapsed / len(rows) * 1e6:.0f} µs per contribution)")


if __name__ == "__main__":
    main(sys.argv[1])
