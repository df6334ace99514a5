"""The participation figures the platform computes itself (fiche 6 indicators)."""

from datetime import date

from consult.followup.participation import participation_by_year
from consult.workgroups.models import Decision


def test_figures_by_year_from_attendance_contributions_and_decisions(
    db, make_scheme, make_meeting, make_contribution
):
    scheme = make_scheme()
    first = make_meeting(
        scheme=scheme,
        held_on=date(2021, 3, 1),
        attendance_by_type={"usagers": 12, "professionnels": 8},
    )
    make_meeting(scheme=scheme, held_on=date(2022, 5, 1), attendance_by_type={"usagers": 5})
    make_meeting(
        scheme=scheme, status="draft", held_on=date(2022, 6, 1), attendance_by_type={"usagers": 99}
    )
    retained = make_contribution(meeting=first, kind="proposition")
    refused = make_contribution(meeting=first, kind="proposition")
    make_contribution(meeting=first, kind="proposition")
    make_contribution(meeting=first, kind="constat")
    make_contribution(meeting=first, kind="proposition", status="pending")
    db.session.add(Decision(contribution=retained, outcome="retenue"))
    db.session.add(
        Decision(contribution=refused, outcome="hors_champ", reason="Compétence de l'État")
    )
    db.session.commit()

    figures = participation_by_year(scheme.id)

    assert sorted(figures) == [2021, 2022]
    year = figures[2021]
    assert (year.meetings, year.participants, year.service_users) == (1, 20, 12)
    assert (year.contributions, year.proposals, year.retained, year.not_retained) == (4, 3, 1, 1)
    assert year.value("part_usagers") == 60.0
    assert year.value("part_propositions_suivies") == 66.7
    assert figures[2022].value("participants") == 5
    assert figures[2022].value("part_propositions_suivies") is None
