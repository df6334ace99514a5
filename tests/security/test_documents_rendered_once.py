"""Issue 12 (14): PDF exports never render inside a request, whatever the Host header.

Before, each new ``Host`` header rendered ``/bilans/<id>.pdf`` again (13-16 s of CPU,
evicting the cached copy) and ``/syntheses/<id>/v<n>.pdf`` was rendered on every
download. Now a job renders each document once per version and requests serve the
stored file. The renderers are replaced by counters so that the test is quick and
sees every render.
"""

import pytest
import sqlalchemy as sa

from consult.reports import exports as report_exports
from consult.reports.models import AnnualReport
from consult.synthesis import exports
from tests.security.test_published_version_withdrawn import published  # noqa: F401

HOSTS = ("localhost", "consult.evil.example", "127.0.0.1:8080", "autre.example")


@pytest.fixture
def renders(monkeypatch):
    """Each PDF rendered: (what, in a request?)."""
    done = []

    def fake(what):
        def render(*args, **kwargs):
            done.append(what)
            return b"%PDF-1.7 " + what.encode()

        return render

    monkeypatch.setattr(report_exports, "render_pdf", fake("bilan"))
    monkeypatch.setattr(exports, "render_pdf", fake("synthese"))
    return done


def fetch_everywhere(client, url: str) -> set[tuple[int, bytes]]:
    return {
        (response.status_code, response.data)
        for response in (client.get(url, headers={"Host": host}) for host in HOSTS)
    }


def test_bilan_pdf_is_rendered_once_whatever_the_host(
    client, jobs, db, make_scheme, make_user, login, renders
):
    scheme = make_scheme()
    login(make_user(role="admin"))
    client.post("/bilans/nouveau", data={"scheme_id": scheme.id, "year": 2025})
    jobs.run_all()  # generation, then its files
    report = db.session.scalars(sa.select(AnnualReport)).one()
    client.post(f"/bilans/{report.id}/etat", data={"target": "published"})
    jobs.run_all()
    client.post("/deconnexion")
    rendered = len(renders)
    served = fetch_everywhere(client, f"/bilans/{report.id}.pdf")
    assert served == {(200, b"%PDF-1.7 bilan")}
    assert len(renders) == rendered  # no request rendered it again
    assert jobs.calls == []


def test_synthesis_pdf_is_rendered_once_whatever_the_host(client, jobs, published, renders):  # noqa: F811
    url = f"{published['url']}.pdf"
    first = client.get(url)
    assert first.status_code == 202  # asked once, rendered by the job
    assert renders == []
    jobs.run_all()
    assert renders == ["synthese"]
    assert fetch_everywhere(client, url) == {(200, b"%PDF-1.7 synthese")}
    etag = client.get(url).headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert renders == ["synthese"]


@pytest.fixture
def no_worker(app, monkeypatch):
    """The zero-setup mode: no Redis, jobs run inline in the web process."""
    from consult.core import jobs as core_jobs

    monkeypatch.setitem(app.extensions, "consult_jobs", core_jobs.InlineDispatcher())


def test_without_a_worker_the_first_download_gets_the_file(client, published, renders, no_worker):  # noqa: F811
    url = f"{published['url']}.pdf"
    first = client.get(url)
    assert (first.status_code, first.data) == (200, b"%PDF-1.7 synthese")  # not « en cours »
    assert client.get(url).data == b"%PDF-1.7 synthese"
    assert renders == ["synthese"]  # rendered once, then served from the stored file


def test_without_a_worker_generating_a_bilan_renders_its_pdf_only(
    client, db, make_scheme, make_user, login, renders, no_worker
):
    scheme = make_scheme()
    login(make_user(role="admin"))
    client.post("/bilans/nouveau", data={"scheme_id": scheme.id, "year": 2025})
    report = db.session.scalars(sa.select(AnnualReport)).one()
    assert renders == ["bilan"]  # ready for the download right after; the Word file waits
    assert client.get(f"/bilans/{report.id}.pdf").data == b"%PDF-1.7 bilan"
    assert renders == ["bilan"]
