"""`flask demo load`: the real command, on an empty database of its own test."""

from consult.core import stored_documents


def test_demo_cli_prints_logins(runner, app, tmp_path, monkeypatch, jobs):
    monkeypatch.setitem(app.config, "INSTANCE_DIR", tmp_path)
    # As in the zero-setup demo (no worker): files are otherwise rendered when first asked.
    monkeypatch.setattr(stored_documents, "renders_ahead", lambda: False)
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    # The published synthesis's and bilan's files, PDF and Word, are asked for at once:
    # no reader waits, none finds « en cours de préparation » in the demo.
    rendered = {(call.path.rsplit(".", 1)[1], call.args[-1]) for call in jobs.calls}
    for render in ("render_version_document", "render_report_document"):
        assert {(render, "pdf"), (render, "docx")} <= rendered
    assert "admin@demo.consult.fr" in result.output
    assert (tmp_path / "demo-logins.txt").read_text(encoding="utf-8").count("@demo") == 6
    lines = {line.split()[0]: line for line in result.output.splitlines() if "@demo" in line}
    assert "Administrateur·rice" in lines["admin@demo.consult.fr"]
    assert "Animateur·rice" in lines["animateur@demo.consult.fr"]
    assert "Membre de groupe de travail" in lines["membre@demo.consult.fr"]
    assert "Participant·e" in lines["participant@demo.consult.fr"]
