"""bench/duplicates.py on files unlike the dev one: undefined figures, odd ids, BOM."""

import json
import math
import re

from bench.duplicates import labelled_groups, main, pair_scores, read_rows

LINE = re.compile(r"^duplicates precision (\d\.\d\d|nan) recall (\d\.\d\d|nan)$")


def _write(path, rows, newline="\n", bom=False) -> str:
    text = "".join(json.dumps(r, ensure_ascii=False) + newline for r in rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return str(path)


def _figures(out: str) -> tuple[float, float]:
    match = LINE.match(out.splitlines()[0])
    assert match, out
    return float(match.group(1)), float(match.group(2))


def test_ids_and_references_match_as_text_in_any_order():
    rows = [
        {"id": 1, "text": "a", "duplicate_of": "3"},  # a later text, an id written as text
        {"id": 2, "text": "b"},  # no duplicate_of key at all
        {"id": 3, "text": "c", "duplicate_of": None},
        {"text": "d", "duplicate_of": [2]},  # no id; a list of references
    ]
    groups = labelled_groups(rows)
    assert groups[0] == groups[2] == 0
    assert groups[1] == groups[3] == 1


def test_references_to_no_text_of_the_file_are_collected():
    missing = []
    groups = labelled_groups([{"id": "a", "duplicate_of": "zz"}, {"id": "b"}], missing)
    assert groups == {0: 0, 1: 1}
    assert missing == ["zz"]


def test_undefined_precision_and_recall_are_nan():
    precision, recall = pair_scores([], {0: 0, 1: 1})
    assert math.isnan(precision)
    assert math.isnan(recall)
    precision, recall = pair_scores([[0, 1]], {0: 0, 1: 1})
    assert precision == 0
    assert math.isnan(recall)


def test_a_bom_crlf_and_a_line_separator_inside_a_text_are_read(tmp_path):
    rows = [{"id": "x", "text": "Plus de bus\u2028le soir"}, {"id": "y", "text": "Des crèches"}]
    path = _write(tmp_path / "bom.jsonl", rows, newline="\r\n", bom=True)
    assert read_rows(path) == rows


def test_a_file_without_labelled_pairs_prints_nan_recall_and_says_why(tmp_path, capsys):
    rows = [
        {"id": "a", "text": "Il faut plus de bus le soir dans les vallées."},
        {"id": "b", "text": "Il faut plus de bus le soir dans les vallées."},
        {"id": "c", "text": "Les crèches manquent à Modane.", "duplicate_of": "absent"},
    ]
    assert main([_write(tmp_path / "none.jsonl", rows)]) == 0
    captured = capsys.readouterr()
    precision, recall = _figures(captured.out)
    assert precision == 0.0  # the two identical texts are proposed, labelled as distinct
    assert math.isnan(recall)
    assert "rappel indéfini" in captured.err
    assert "absent" in captured.err  # the reference to no text of the file


def test_an_empty_file_prints_nan_figures(tmp_path, capsys):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", "utf-8")
    assert main([str(empty)]) == 0
    captured = capsys.readouterr()
    assert all(math.isnan(f) for f in _figures(captured.out))
    assert "aucune contribution" in captured.err


def test_a_line_that_is_not_json_stops_with_a_french_message(tmp_path, capsys):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "a", "text": "Des bus"}\n{"id": "b", "text": \n', "utf-8")
    assert main([str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "ligne 2 : JSON invalide" in captured.err
