"""Word lists shipped in ``consult/analysis/data/`` (one word a line, # comments)."""

from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data"


@cache
def load_words(name: str) -> frozenset[str]:
    """The words of ``data/<name>.txt``, lower-cased."""
    lines = (DATA / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))
