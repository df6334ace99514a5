"""Indicator and participation charts: self-contained SVG reading every figure."""

import re
from datetime import date

import pytest
from markupsafe import Markup

from consult.followup.charts import figure, indicator_svg, participation_svg
from consult.followup.models import Measurement
from consult.followup.participation import COMPUTED, participation_by_year


def desc(svg: str) -> str:
    return re.search(r"<desc[^>]*>(.*?)</desc>", svg, re.S).group(1)


@pytest.fixture
def indicator(savoie, db, make_territory):
    indicator = savoie.fiche.indicators[0]
    indicator.label = "Taux de <b>réponse</b>"
    indicator.kind, indicator.unit = "taux", "%"
    indicator.baseline, indicator.baseline_year = 10.0, 2024
    indicator.target, indicator.target_year = 35.5, 2029
    territory = make_territory(name="Tarentaise")
    for year, value in ((2026, 1234.5), (2025, 12.25)):
        db.session.add(Measurement(indicator=indicator, year=year, value=value))
    db.session.add(Measurement(indicator=indicator, year=2025, value=77, territory=territory))
    db.session.commit()
    return indicator


def test_indicator_chart_reads_every_figure(indicator):
    svg = indicator_svg(indicator)
    assert isinstance(svg, Markup)
    assert svg.startswith("<svg")
    assert 'role="img"' in svg
    text = desc(svg)
    assert "2025 : 12,25\u202f%" in text
    assert "2026 : 1\u202f234,5\u202f%" in text
    assert "Valeur de référence (2024) : 10\u202f%" in text
    assert "cible (2029) : 35,5\u202f%" in text
    assert "77" not in text  # a territory's value is not the Département's
    assert "Référence 2024 : 10\u202f%" in svg
    assert "Cible 2029 : 35,5\u202f%" in svg
    assert "<b>" not in svg
    assert "&lt;b&gt;" not in svg
    assert "<script" not in svg
    assert "href" not in svg


def test_chart_ids_are_unique_per_indicator(indicator, savoie):
    other = savoie.fiche.indicators[1]
    assert f'id="indicateur-{indicator.id}-titre"' in indicator_svg(indicator)
    assert 'id="autre-titre"' in indicator_svg(indicator, chart_id="autre")
    assert f"indicateur-{other.id}" not in indicator_svg(indicator)


def test_no_chart_without_values_or_for_qualitative(savoie, db):
    indicator = savoie.fiche.indicators[1]
    assert "Aucune valeur mesurée" in indicator_svg(indicator)
    indicator.kind = "qualitatif"
    db.session.add(Measurement(indicator=indicator, year=2025, text_value="En cours"))
    db.session.commit()
    result = indicator_svg(indicator)
    assert "<svg" not in result
    assert "Indicateur qualitatif" in result


def test_chart_is_shown_on_the_fiche_page(client, indicator, savoie):
    page = client.get(f"/suivi-du-schema/fiches/{savoie.fiche.id}").text
    assert f'<desc id="indicateur-{indicator.id}-desc">' in page
    assert "1\u202f234,5\u202f%" in page


def test_figure_formats_the_french_way():
    assert figure(1234567) == "1\u202f234\u202f567"
    assert figure(12.5, "€") == "12,5\u202f€"
    assert figure(0.333333) == "0,33"
    assert figure(None) == "non renseigné"


def test_chart_renders_in_weasyprint(indicator):
    weasyprint = pytest.importorskip("weasyprint")
    html = f"<html><body><h1>Indicateur</h1>{indicator_svg(indicator)}</body></html>"
    pdf = weasyprint.HTML(string=html).write_pdf()
    assert pdf.startswith(b"%PDF")


def test_participation_page_and_charts(client, savoie, make_meeting, make_contribution, db):
    scheme = savoie.scheme
    make_meeting(
        scheme=scheme,
        status="closed",
        held_on=date(2025, 3, 14),
        attendance_by_type={"usagers": 10, "professionnels": 5},
    )
    make_meeting(
        scheme=scheme,
        status="closed",
        held_on=date(2026, 5, 2),
        attendance_by_type={"usagers": 3, "elus": 1},
    )
    make_meeting(
        scheme=scheme, status="draft", held_on=date(2026, 6, 1), attendance_by_type={"usagers": 500}
    )
    db.session.commit()
    figures = participation_by_year(scheme.id)
    assert (figures[2025].participants, figures[2026].participants) == (15, 4)
    svg = participation_svg(figures, "participants")
    assert "2025 : 15" in desc(svg)
    assert "2026 : 4" in desc(svg)
    assert "2025 : 66,7\u202f%" in desc(participation_svg(figures, "part_usagers"))
    response = client.get(f"/suivi-du-schema/{scheme.slug}/participation")
    assert response.status_code == 200
    page = response.text
    for label, _unit in COMPUTED.values():
        assert str(Markup.escape(label)) in page
    assert "66,7\u202f%" in page
    assert "75\u202f%" in page
    assert '<td class="num">15</td>' in page
    assert "500" not in page  # a draft meeting never counts
    assert "présences relevées" in page


def test_participation_page_without_activity(client, savoie):
    response = client.get(f"/suivi-du-schema/{savoie.scheme.slug}/participation")
    assert response.status_code == 200
    assert "Aucune rencontre ni contribution" in response.text
