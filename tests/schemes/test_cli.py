"""``flask scheme import``: success, and a non-zero exit with nothing imported."""

import json

from consult.schemes.models import Fiche, Scheme
from tests.factories import FIXTURES, load_fixture


def test_cli_imports_a_scheme(runner, count):
    result = runner.invoke(
        args=[
            "scheme",
            "import",
            str(FIXTURES / "vienne.json"),
            "--level",
            "objective=Orientation",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "48 fiches" in result.output
    assert count(Fiche) == 48


def test_cli_refuses_a_broken_file_and_exits_non_zero(runner, count, tmp_path):
    document = load_fixture("savoie.json")
    document["fiches"][2]["number"] = "2"
    path = tmp_path / "casse.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = runner.invoke(args=["scheme", "import", str(path)])
    assert result.exit_code == 1
    assert "rien n'a été importé" in result.output
    assert "Fiche 2 : numéro de fiche en double" in result.output
    assert count(Scheme) == 0
