"""A version's PDF and Word files: rendered once by a job, stored, served as files."""

import sqlalchemy as sa

from consult.contributions.models import Contribution
from consult.core.db import utcnow
from consult.core.jobs import JobRun
from consult.moderation.services import reject
from consult.synthesis import exports
from consult.synthesis.jobs import REFRESH_LABEL
from tests.factories import download
from tests.synthesis.test_views import generate, latest

RENDERS = "consult.synthesis.jobs.render_version_document"


def render_calls(jobs) -> list:
    return [c for c in jobs.calls if c.path == RENDERS]


def test_generation_queues_the_files_and_the_page_waits_for_them(
    client, facilitator, meeting, jobs, db
):
    generate(client, jobs, meeting)
    version = latest(db)
    url = f"/syntheses/{version.synthesis_id}/v1"
    assert sorted(c.args[-1] for c in render_calls(jobs)) == ["docx", "pdf"]
    waiting = client.get(url)
    assert "PDF : en cours de préparation" in waiting.text
    assert f'href="{url}.pdf">PDF</a>' not in waiting.text
    jobs.run_all()
    ready = client.get(url)
    assert f'href="{url}.pdf">PDF</a>' in ready.text
    assert "en cours de préparation" not in ready.text


def test_a_request_never_renders_and_asks_once(
    client, facilitator, meeting, jobs, db, monkeypatch, count
):
    generate(client, jobs, meeting)
    jobs.calls.clear()
    db.session.execute(sa.delete(JobRun).where(JobRun.name.like("document:%")))
    db.session.commit()

    def refuse(*args, **kwargs):
        raise AssertionError("a request rendered a PDF")

    monkeypatch.setattr(exports, "render_pdf", refuse)
    url = f"/syntheses/{latest(db).synthesis_id}/v1.pdf"
    first, second = client.get(url), client.get(url)
    assert (first.status_code, second.status_code) == (202, 202)
    assert "PDF en cours de préparation" in first.text
    assert first.headers["Cache-Control"] == "no-store"
    assert count(JobRun, JobRun.name.like("document:%.pdf")) == 1  # one job for both


def test_stored_file_is_served_with_validators_whatever_the_host(
    client, facilitator, meeting, jobs, db
):
    generate(client, jobs, meeting)
    jobs.run_all()
    url = f"/syntheses/{latest(db).synthesis_id}/v1.pdf"
    draft = client.get(url)
    assert draft.data.startswith(b"%PDF")
    assert "private" in draft.headers["Cache-Control"]  # a draft: the team's only
    client.post(url.replace(".pdf", "/redaction"), data={"introduction": "<p>Intro</p>"})
    client.post(url.replace(".pdf", "/etat"), data={"target": "published", "confirm": "y"})
    jobs.run_all()
    client.post("/deconnexion")
    first = client.get(url)
    assert first.status_code == 200
    assert first.data.startswith(b"%PDF")
    assert first.headers["ETag"]
    assert first.headers["Last-Modified"]
    assert "public" in first.headers["Cache-Control"]
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    elsewhere = client.get(url, headers={"Host": "127.0.0.1:8080"})
    assert elsewhere.status_code == 200
    assert elsewhere.data == first.data
    assert render_calls(jobs) == []  # no new render for another Host header


def test_editorial_change_renders_again_and_drops_the_old_file(
    client, facilitator, meeting, jobs, db, documents_dir
):
    generate(client, jobs, meeting)
    jobs.run_all()
    version = latest(db)
    url = f"/syntheses/{version.synthesis_id}/v1"
    old = client.get(f"{url}.docx").data
    client.post(
        f"{url}/redaction",
        data={"introduction": "Lecture de l'équipe", "analysis": "", "conclusions": ""},
    )
    assert client.get(f"{url}.docx").status_code == 202  # never the old file
    jobs.run_all()
    new = download(client, jobs, f"{url}.docx").data
    assert new != old
    assert len(list(documents_dir.glob("*.docx"))) == 1


def test_rejection_deletes_the_stored_files_that_quoted_it(
    client, facilitator, meeting, jobs, db, documents_dir
):
    generate(client, jobs, meeting)
    jobs.run_all()
    version = latest(db)
    stored = {p.name for p in documents_dir.iterdir()}
    assert len(stored) == 2
    quoted = version.document["sections"][0]["ideas"][0]["quotes"][0]["id"]
    reject(
        db.session.get(Contribution, quoted), actor=facilitator, reason="hors_sujet", now=utcnow()
    )
    db.session.commit()
    assert [c.path.rsplit(".", 1)[1] for c in jobs.calls] == ["refresh_stored_documents"]
    assert db.session.scalar(sa.select(JobRun.name).order_by(JobRun.id.desc())) == REFRESH_LABEL
    jobs.run_all()  # the refresh: stale files go, renders are queued
    assert not stored & {p.name for p in documents_dir.iterdir()}
    assert sorted(c.args[-1] for c in render_calls(jobs)) == ["docx", "pdf"]
    jobs.run_all()
    assert len(list(documents_dir.iterdir())) == 2
