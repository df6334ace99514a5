"""bench/tagging_folds.py: its file-order split is tagging_quality.py's, other seeds shuffle."""

from collections import Counter

from bench import tagging_quality
from bench.tagging_folds import main, split
from tests.bench.test_tagging_quality import SCHEME, _titled_items, _write


def test_seed_zero_is_the_file_order_split_and_other_seeds_shuffle_evenly():
    assert split(7, 3, 0) == [n % 3 for n in range(7)]
    shuffled = split(30, 5, 1)
    assert sorted(Counter(shuffled).values()) == [6] * 5
    assert shuffled != split(30, 5, 0)
    assert shuffled == split(30, 5, 1)


def _figures(lines: list[str], prefix: str) -> dict[str, float]:
    return {
        line[len(prefix) :].rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
        for line in lines
        if line.startswith(prefix)
    }


def test_seed_zero_gives_the_learned_figures_of_tagging_quality(tmp_path, capsys):
    labelled = _write(tmp_path / "test.jsonl", _titled_items(6))
    argv = ["--scheme", str(SCHEME), "--labelled", labelled, "--folds", "2"]

    assert tagging_quality.main(argv) == 0
    quality = _figures(capsys.readouterr().out.splitlines(), "")
    assert main([*argv, "--seeds", "0"]) == 0
    lines = capsys.readouterr().out.splitlines()

    seed = _figures(lines, "folds seed 0 ")
    assert {name: round(value, 2) for name, value in seed.items() if "top" in name} == {
        name: value for name, value in quality.items() if name.startswith("learned")
    }
    assert "calibration worst" in seed
    assert set(_figures(lines, "folds mean ")) == set(seed)


def test_a_missing_file_or_too_few_folds_stop_with_a_french_message(tmp_path, capsys):
    labelled = _write(tmp_path / "test.jsonl", _titled_items(2))

    assert main(["--scheme", str(SCHEME), "--labelled", str(tmp_path / "absent.jsonl")]) == 2
    assert "introuvable" in capsys.readouterr().err
    assert main(["--scheme", str(SCHEME), "--labelled", labelled, "--folds", "0"]) == 2
    assert "au moins 2 plis" in capsys.readouterr().err


def test_without_fiche_labels_the_fiche_figures_are_nan_and_said(tmp_path, capsys):
    items = [{"text": item["text"], "theme": item["theme"]} for item in _titled_items(4)]
    labelled = _write(tmp_path / "test.jsonl", items)

    argv = ["--scheme", str(SCHEME), "--labelled", labelled, "--folds", "2", "--seeds", "0"]
    assert main(argv) == 0

    captured = capsys.readouterr()
    seed = _figures(captured.out.splitlines(), "folds seed 0 ")
    assert str(seed["learned fiche top1"]) == str(seed["calibration worst"]) == "nan"
    assert 0 <= seed["learned theme top1"] <= 1
    assert "aucune contribution étiquetée pour la cible fiche" in captured.err
