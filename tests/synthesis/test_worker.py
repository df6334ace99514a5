"""The worker prepares synthesis jobs before forking their work horse."""

from types import SimpleNamespace

from consult.core.cli import before_work_horse
from consult.synthesis import jobs as synthesis_jobs


def _job(path: str, *args) -> SimpleNamespace:
    return SimpleNamespace(args=(1, path, *args))


def test_lemmas_are_loaded_before_a_synthesis_is_generated(app, db, monkeypatch):
    loaded = []
    monkeypatch.setattr(synthesis_jobs, "load_lemmas", lambda: loaded.append(True))
    before_work_horse.send(app, job=_job("consult.synthesis.jobs.render_version_document", 3))
    assert loaded == []
    before_work_horse.send(app, job=_job("consult.synthesis.jobs.generate_synthesis", 7))
    assert loaded == [True]
