"""bench/tagging_quality.py: output format, misses, learning, malformed input."""

import json
import re

import pytest

from bench.tagging_quality import main, normalise
from tests.factories import FIXTURES, load_fixture

SCHEME = FIXTURES / "savoie.json"
LINE = re.compile(r"^(cold|learned) (theme|fiche) (top1|top3) \d\.\d\d$")
CALIBRATION = re.compile(r"^calibration fiche 0\.\d precision \d\.\d\d share \d\.\d\d$")
BASELINE = re.compile(r"^baseline (theme|fiche) (top1|top3) \d\.\d\d$")
WORD = "zorglub"  # in no scheme text: only learning can tie it to a fiche


def _titled_items(count=4) -> list[dict]:
    """Items whose text is a theme's and a fiche's title: the scheme alone finds them."""
    document = load_fixture("savoie.json")
    pairs = zip(document["themes"][:count], document["fiches"][:count], strict=True)
    return [
        {"text": f"{t['title']}. {f['title']}", "theme": int(t["number"]), "fiche": f["number"]}
        for t, f in pairs
    ]


def _write(path, items) -> str:
    path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), "utf-8")
    return str(path)


def _run(capsys, labelled, train=None) -> dict[str, float]:
    argv = ["--scheme", str(SCHEME), "--labelled", labelled]
    assert main([*argv, "--train", train] if train else argv) == 0
    lines = capsys.readouterr().out.splitlines()
    figures = [line for line in lines if not CALIBRATION.match(line)]
    assert all(LINE.match(line) or BASELINE.match(line) for line in figures), lines
    lines = figures
    return {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1]) for line in lines}


def test_output_is_four_figures_in_order_without_training(tmp_path, capsys):
    labelled = _write(tmp_path / "test.jsonl", _titled_items())

    assert main(["--scheme", str(SCHEME), "--labelled", labelled]) == 0

    keys = [line.rsplit(" ", 1)[0] for line in capsys.readouterr().out.splitlines()]
    assert keys == ["cold theme top1", "cold theme top3", "cold fiche top1", "cold fiche top3"]


def test_a_wrong_label_lowers_accuracy(tmp_path, capsys):
    items = _titled_items()
    right = _run(capsys, _write(tmp_path / "right.jsonl", items))
    items[0]["fiche"] = "33"  # fiche 1's title, labelled as the last fiche
    wrong = _run(capsys, _write(tmp_path / "wrong.jsonl", items))

    assert right["cold fiche top1"] == 1.0
    assert wrong["cold fiche top1"] < right["cold fiche top1"]
    assert wrong["cold theme top1"] == right["cold theme top1"]


def test_an_alternative_label_counts_and_an_unknown_label_is_a_miss(tmp_path, capsys):
    items = _titled_items(2)
    items[0].update(fiche="33", fiche_alt=1)
    items[1].update(fiche="999")
    labelled = _write(tmp_path / "test.jsonl", items)

    assert main(["--scheme", str(SCHEME), "--labelled", labelled]) == 0

    captured = capsys.readouterr()
    assert "cold fiche top1 0.50" in captured.out.splitlines()
    assert "fiche « 999 » absente du schéma" in captured.err


def test_labels_may_be_titles_or_prefixed_numbers(tmp_path, capsys):
    items = _titled_items(2)
    items[0].update(theme="  l'ENFANCE handicapee ", fiche="Fiche n° 01")
    items[1].update(theme="Thématique 2", fiche="FA2")

    figures = _run(capsys, _write(tmp_path / "test.jsonl", items))

    assert figures["cold theme top1"] == figures["cold fiche top1"] == 1.0


def test_learning_ties_a_distinctive_word_to_its_fiche(tmp_path, capsys):
    train = [{"text": f"Le {WORD} du quartier, {n}", "theme": 9, "fiche": 5} for n in "abc"]
    # "EHPAD" draws the scheme alone to other fiches; the learned word wins.
    test = [{"text": f"Le {WORD} devrait aussi aider en EHPAD", "theme": 9, "fiche": 5}]

    figures = _run(
        capsys, _write(tmp_path / "test.jsonl", test), _write(tmp_path / "t.jsonl", train)
    )

    assert len(figures) == 12  # cold, learned, baseline
    assert figures["cold fiche top3"] == 0.0
    assert figures["learned fiche top1"] == 1.0


def test_same_file_for_training_and_test_is_flagged_optimistic(tmp_path, capsys):
    labelled = _write(tmp_path / "test.jsonl", _titled_items(2))

    assert main(["--scheme", str(SCHEME), "--labelled", labelled, "--train", labelled]) == 0

    assert "optimiste" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"text": "Plus de bus", "fiche": 3', "ligne 2 : JSON invalide"),
        ('["Plus de bus", 3]', "ligne 2 : un objet JSON"),
    ],
)
def test_a_malformed_line_stops_with_a_french_message(tmp_path, capsys, line, message):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "Des crèches", "theme": 15, "fiche": 13}\n' + line + "\n", "utf-8")

    assert main(["--scheme", str(SCHEME), "--labelled", str(path)]) != 0

    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err


def test_a_missing_file_stops_with_a_french_message(tmp_path, capsys):
    missing = str(tmp_path / "absent.jsonl")

    assert main(["--scheme", str(SCHEME), "--labelled", missing]) != 0

    assert "introuvable" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Fiche n°07", "fiche n 7"),
        ("1.1.1", "1 1 1"),
        ("1-1-1", "1 1 1"),
        (7.0, "7"),
        ("7.0", "7"),  # a number exported as a float, as text
        (" 07.00 ", "7"),
        ("2.01", "2 1"),
    ],
)
def test_labels_are_normalised(value, expected):
    assert normalise(value) == expected


def test_learned_figures_come_with_one_calibration_line_per_band(tmp_path, capsys):
    items = _titled_items(6)
    labelled = _write(tmp_path / "test.jsonl", items)

    assert main(["--scheme", str(SCHEME), "--labelled", labelled, "--folds", "2"]) == 0

    lines = capsys.readouterr().out.splitlines()
    keys = [line.rsplit(" ", 1)[0] for line in lines if LINE.match(line)]
    bands = [line for line in lines if CALIBRATION.match(line)]
    baselines = [line for line in lines if BASELINE.match(line)]
    assert keys[4:] == [
        "learned theme top1",
        "learned theme top3",
        "learned fiche top1",
        "learned fiche top3",
    ]
    assert bands
    assert len(baselines) == 4
    assert lines[-4:] == baselines  # extra lines, after the issue's
    assert len(keys) + len(bands) + len(baselines) == len(lines)
    shares = [float(line.rsplit(" ", 1)[1]) for line in bands]
    assert abs(sum(shares) - 1.0) < 0.02  # every item's best suggestion is in one band


def test_one_fold_is_refused(tmp_path, capsys):
    labelled = _write(tmp_path / "test.jsonl", _titled_items(2))

    assert main(["--scheme", str(SCHEME), "--labelled", labelled, "--folds", "1"]) == 2
    assert "au moins 2 plis" in capsys.readouterr().err


def test_with_publics_each_contribution_carries_the_public_of_its_item(tmp_path, capsys):
    """``--publics``: the item's ``public`` becomes the contribution's public, which the
    platform's suggestions read (the text alone names no public)."""
    text = "Il faudrait un accompagnement plus rapide, les délais sont trop longs."
    items = [
        {"text": text, "theme": 7, "fiche": 17, "public": "mna"},
        {"text": text, "theme": 7, "fiche": 17, "public": ["mna", "mna"]},  # one public
    ]
    labelled = _write(tmp_path / "publics.jsonl", items)
    argv = ["--scheme", str(SCHEME), "--labelled", labelled]

    assert main(argv) == 0
    alone = capsys.readouterr().out
    assert main([*argv, "--publics"]) == 0
    with_public = capsys.readouterr().out

    assert "cold theme top1 0.00" in alone
    assert "cold theme top1 1.00" in with_public


# --- Held-out files unlike the dev one --------------------------------------------------


def test_an_item_without_text_is_left_out_with_a_warning(tmp_path, capsys):
    items = [*_titled_items(2), {"theme": 1, "fiche": 3}, {"text": "  ", "fiche": 3}]
    labelled = _write(tmp_path / "test.jsonl", items)

    assert main(["--scheme", str(SCHEME), "--labelled", labelled]) == 0

    captured = capsys.readouterr()
    assert "cold fiche top1 1.00" in captured.out.splitlines()  # the two titled items
    assert "ligne 3 : champ « text » manquant ou vide, contribution ignorée" in captured.err
    assert "ligne 4 : champ « text »" in captured.err


def test_a_line_separator_inside_a_text_does_not_cut_its_line(tmp_path, capsys):
    items = _titled_items(2)
    items[0]["text"] += "\u2028Merci\u0085."

    figures = _run(capsys, _write(tmp_path / "test.jsonl", items))

    assert figures["cold fiche top1"] == 1.0


def test_labels_may_be_lists_and_blank_labels_are_none(tmp_path, capsys):
    items = _titled_items(3)
    items[0].update(fiche=["33", 1])  # a list: the label, then an alternative
    items[1].update(theme="", theme_alt=[])  # no theme label: does not count
    items[2].update(fiche=[])

    labelled = _write(tmp_path / "test.jsonl", items)

    assert main(["--scheme", str(SCHEME), "--labelled", labelled]) == 0

    captured = capsys.readouterr()
    assert "cold fiche top1 1.00" in captured.out.splitlines()  # 2 counted, both found
    assert "cold theme top1 1.00" in captured.out.splitlines()  # 2 counted
    assert "absente du schéma" not in captured.err
    assert "2 comptées, 1 sans étiquette" in captured.err


def test_publics_of_any_shape_are_read(tmp_path, capsys):
    items = _titled_items(3)
    items[0]["public"] = 3
    items[1]["public"] = None
    items[2]["public"] = ["mna", {"code": "tous"}]
    labelled = _write(tmp_path / "test.jsonl", items)

    assert main(["--scheme", str(SCHEME), "--labelled", labelled, "--publics"]) == 0

    assert len(capsys.readouterr().out.splitlines()) == 4


def test_more_folds_than_items_leaves_folds_empty_with_a_warning(tmp_path, capsys):
    labelled = _write(tmp_path / "test.jsonl", _titled_items(2))

    assert main(["--scheme", str(SCHEME), "--labelled", labelled, "--folds", "3"]) == 0

    captured = capsys.readouterr()
    assert "des plis sont vides" in captured.err
    assert "baseline fiche top1" in captured.out


def test_a_baseline_learning_a_single_label_suggests_it(tmp_path, capsys):
    items = [{"text": f"Le {WORD} du quartier, {n}", "theme": 9, "fiche": 5} for n in "abcd"]
    labelled = _write(tmp_path / "test.jsonl", items)

    assert main(["--scheme", str(SCHEME), "--labelled", labelled, "--folds", "2"]) == 0

    lines = capsys.readouterr().out.splitlines()
    assert "baseline fiche top1 1.00" in lines
    assert "baseline theme top1 1.00" in lines
