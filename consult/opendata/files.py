"""Writing and finding a scheme's open-data files under the instance directory."""

import csv
import io
import json
import os
import tempfile
from datetime import datetime
from pathlib import Path

from flask import current_app, render_template

from consult.opendata import services
from consult.schemes.models import Scheme

SUFFIXES = (".csv", ".json", ".schema.json")
CARD = "LISEZMOI.md"


def directory(scheme_slug: str) -> Path:
    """Where the scheme's files live (``<instance>/opendata/<slug>``)."""
    return Path(current_app.config["INSTANCE_DIR"]) / "opendata" / scheme_slug


def file_names() -> list[str]:
    """Every file name a scheme's set holds: the stable part of its URLs."""
    names = [f"{d.name}{suffix}" for d in services.DATASETS for suffix in SUFFIXES]
    return [*names, CARD]


def write_all(scheme: Scheme, *, now: datetime) -> dict[str, int]:
    """Rebuild every file of ``scheme``; returns the row count of each dataset."""
    target = directory(scheme.slug)
    target.mkdir(parents=True, exist_ok=True)
    all_rows = services.rows(scheme)
    for dataset in services.DATASETS:
        found = all_rows[dataset.name]
        _replace(target / f"{dataset.name}.csv", _csv(dataset, found))
        _replace(target / f"{dataset.name}.json", _json(found))
        _replace(target / f"{dataset.name}.schema.json", _json(services.table_schema(dataset)))
    counts = {name: len(found) for name, found in all_rows.items()}
    card = render_template(
        "opendata/card.md",
        scheme=scheme,
        now=now,
        counts=counts,
        datasets=services.DATASETS,
        small=services.SMALL_CELL,
        licence=services.LICENCE,
    )
    _replace(target / CARD, card)
    return counts


def _csv(dataset: services.Dataset, rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=[c.name for c in dataset.columns], lineterminator="\n"
    )
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1) + "\n"


def _replace(path: Path, text: str) -> None:
    """Write beside, then rename: a download never sees a half-written file."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
        out.write(text)
    os.replace(temporary, path)
