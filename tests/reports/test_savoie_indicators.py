"""The issue's check, end to end: the indicators of the 33 Savoie fiches are imported for two
years from a spreadsheet, charted, and the bilan annuel PDF shows them against their targets."""

import io
import re
from pathlib import Path

import sqlalchemy as sa
from pypdf import PdfReader

from consult.followup.charts import figure
from consult.followup.models import Measurement
from consult.reports.models import AnnualReport
from consult.schemes.models import Indicator
from tests.factories import download

SAMPLE = Path(__file__).parent.parent / "fixtures" / "indicateurs-savoie-2022-2023.csv"


def _import(client, scheme, operation: str):
    return client.post(
        f"/suivi-du-schema/{scheme.slug}/import",
        data={"file": (io.BytesIO(SAMPLE.read_bytes()), SAMPLE.name), "operation": operation},
        content_type="multipart/form-data",
    )


def test_two_years_of_savoie_indicators_reach_the_annual_report_pdf(
    client, login, make_user, make_scheme, db, jobs, count
):
    scheme = make_scheme()
    login(make_user(role="admin"))

    assert _import(client, scheme, "check").status_code == 200
    assert count(Measurement) == 0  # the dry run saves nothing
    assert _import(client, scheme, "import").status_code == 200
    indicators = db.session.scalars(
        sa.select(Indicator).where(Indicator.fiche_id.in_([f.id for f in scheme.fiches]))
    ).all()
    assert len({i.fiche_id for i in indicators}) == 33
    assert count(Measurement) == 2 * len(indicators)

    rate = next(i for i in indicators if i.kind == "taux" and i.target is not None)
    page = client.get(f"/suivi-du-schema/fiches/{rate.fiche_id}").text
    assert f"Cible {rate.target_year}" in page  # the chart draws the target line
    assert "2022 : " in page
    assert "2023 : " in page

    created = client.post("/bilans/nouveau", data={"scheme_id": scheme.id, "year": "2023"})
    assert created.status_code == 303
    jobs.run_all()
    report = db.session.scalars(sa.select(AnnualReport)).one()
    assert report.document is not None
    response = download(client, jobs, f"/bilans/{report.id}.pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    text = re.sub(r"\s+", " ", text.replace("\u202f", " "))
    missing = [f.number for f in scheme.fiches if f.title[:30] not in text]
    assert missing == []  # every fiche has its section
    assert rate.label[:40] in text
    assert figure(rate.target, rate.unit).replace("\u202f", " ") in text  # against its target
