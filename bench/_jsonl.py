"""Reading the JSON-lines files the quality benches are given (labelled contributions,
coded answers): files we never see, so each way one can be off is said in French.

Imported as ``bench._jsonl`` once the project root is on ``sys.path``.
"""

import json


def json_objects(path, error: type[Exception]) -> list[dict]:
    """The file's JSON objects, in order: blank lines skipped, a BOM and CRLF endings
    fine, lines cut at ``\\n`` only (a text may hold U+2028 or U+0085, which
    ``splitlines`` would cut at). ``error`` (a French message) when the file cannot be
    read or a line is not a JSON object."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            lines = list(handle)
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path} illisible ({exc}).") from exc
    rows = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise error(f"{path}, ligne {number} : JSON invalide ({exc.msg}).") from exc
        if not isinstance(row, dict):
            raise error(f"{path}, ligne {number} : un objet JSON est attendu.")
        rows.append(row)
    return rows
