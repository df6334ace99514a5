"""Participation indicators computed by the platform (fiche 6) on the follow-up page."""

from datetime import date

from consult.followup.models import Measurement
from consult.schemes.models import Indicator


def test_a_computed_indicator_shows_the_platform_figures(
    client, login, make_user, savoie, make_meeting, db
):
    scheme = savoie.scheme
    fiche = next(f for f in scheme.fiches if f.number == "6")
    indicator = fiche.indicators[0]
    make_meeting(
        scheme=scheme,
        held_on=date(2022, 4, 1),
        attendance_by_type={"usagers": 30, "professionnels": 10},
    )
    make_meeting(scheme=scheme, held_on=date(2023, 4, 1), attendance_by_type={"usagers": 12})
    db.session.add(Measurement(indicator=indicator, year=2022, value=999))  # typed before
    db.session.commit()
    staff = make_user(role="facilitator")
    login(staff)

    response = client.post(
        f"/suivi-du-schema/indicateurs/{indicator.id}",
        data={
            f"indicateur-{indicator.id}-kind": "taux",
            f"indicateur-{indicator.id}-unit": "%",
            f"indicateur-{indicator.id}-target": "80",
            f"indicateur-{indicator.id}-computed": "part_usagers",
        },
    )
    assert response.status_code in (302, 303), response.text
    db.session.expire_all()
    assert db.session.get(Indicator, indicator.id).computed == "part_usagers"

    page = client.get(f"/suivi-du-schema/fiches/{fiche.id}").text
    assert "Calculé par la plateforme" in page
    assert "2022 : 75\u202f%" in page  # 30 service users out of 40 participants
    assert "2023 : 100\u202f%" in page
    assert "999" not in page  # the platform's figures replace what was typed
    assert f'name="mesure-{indicator.id}-year"' not in page  # nothing to type in

    refused = client.post(
        f"/suivi-du-schema/indicateurs/{indicator.id}",
        data={
            f"indicateur-{indicator.id}-computed": "inconnu",
            f"indicateur-{indicator.id}-kind": "taux",
        },
    )
    assert refused.status_code == 422
    db.session.expire_all()
    assert db.session.get(Indicator, indicator.id).computed == "part_usagers"
