"""The annual report as PDF and Word: what a reader finds in the files."""

import io
import re

import pytest
from docx import Document as WordDocument
from pypdf import PdfReader

from consult.core.db import utcnow
from consult.reports.exports import gap_text, render_pdf_html
from consult.reports.jobs import change_status
from consult.reports.models import AnnualReport
from consult.reports.services import ReportDocument
from tests.factories import download
from tests.reports.conftest import YEAR


@pytest.fixture
def published(client, followed, jobs, db, make_user, login):
    """A published report for YEAR, read by an anonymous visitor."""
    login(make_user(role="admin"))
    response = client.post("/bilans/nouveau", data={"scheme_id": followed.scheme.id, "year": YEAR})
    assert response.status_code == 303
    jobs.run_all()
    report = db.session.get(AnnualReport, int(response.headers["Location"].rsplit("/", 1)[1]))
    db.session.refresh(report)
    change_status(report, "published", now=utcnow())
    db.session.commit()
    client.post("/deconnexion")
    return report


def test_pdf_has_cover_contents_fiches_indicators_and_targets(client, published, jobs):
    response = download(client, jobs, f"/bilans/{published.id}.pdf")  # the module's one PDF
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert f"bilan-{YEAR}-{published.id}.pdf" in response.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) > 5
    text = " ".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    assert "Sommaire" in flat
    assert "Aller vers les publics" in flat
    assert "Nombre de professionnels formés" in flat
    assert "200" in flat
    assert "(2029)" in flat
    assert "Il manque 50" in flat
    assert "Ce que sont devenues les contributions" in flat
    assert "brouillon confidentielle" not in flat
    assert f"2 / {len(reader.pages)}" in flat  # running footer with page numbers
    assert reader.metadata.title.startswith(f"Bilan annuel {YEAR}")


def test_docx_has_fiches_indicators_and_targets(client, published, jobs):
    response = download(client, jobs, f"/bilans/{published.id}.docx")
    doc = WordDocument(io.BytesIO(response.data))
    paragraphs = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "Aller vers les publics" in paragraphs
    assert "<script>" not in paragraphs
    assert re.search(r" : 1 fiche$", paragraphs, re.M)  # the fiches by status, counts agreed
    assert "(s)" not in paragraphs
    assert "Nombre de professionnels formés" in cells
    assert "200\u202fpersonnes (2029)" in cells
    assert "En progrès" in cells
    assert "En recul" in cells
    assert "Retenue" in cells
    assert "brouillon confidentielle" not in paragraphs + cells
    assert doc.core_properties.title.startswith(f"Bilan annuel {YEAR}")


def test_pdf_html_loads_only_static_files(app, published, followed):
    with app.test_request_context("/"):
        html = render_pdf_html(
            ReportDocument.from_dict(published.document), status_label="Publié", fiche_url=None
        )
    assert 'href="/static/css/document.css"' in html
    assert "http" not in html.split("<body", 1)[0].replace("http://www.w3.org", "")
    assert "<script" not in html


def test_gap_wording_follows_the_wanted_direction(published):
    document = ReportDocument.from_dict(published.document)
    lines = {i.label: i for f in document.fiches for i in f.indicators}
    assert gap_text(lines["Délai moyen d'attente"]) == "18\u202fjours au-dessus de la cible"
    assert gap_text(lines["Taux de refus"]) == "Cible dépassée de 0,5\u202f%"
    assert gap_text(lines["Places créées"]) == ""
