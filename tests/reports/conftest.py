"""A scheme followed for two years: measurements, actions, meetings, contributions, decisions."""

from dataclasses import dataclass, field
from datetime import date

import pytest

from consult.followup.models import Measurement, Milestone
from consult.schemes.models import Fiche, Indicator, Scheme
from consult.tagging.models import ContributionTag
from consult.workgroups.models import Decision, FicheContribution

YEAR = 2026


@dataclass
class Followed:
    """What the ``followed`` fixture made, by name."""

    scheme: Scheme
    fiche: Fiche  # adopted, with indicators and actions
    draft: Fiche  # still a draft: never in a report
    rising: Indicator  # increase wanted, in progress
    falling: Indicator  # decrease wanted, going the wrong way
    reached: Indicator  # decrease wanted, target reached
    missing: Indicator  # no Département-wide value this year
    qualitative: Indicator
    contributions: dict = field(default_factory=dict)


def _measure(db, indicator, year, value=None, territory=None, text=""):
    db.session.add(
        Measurement(
            indicator=indicator, year=year, value=value, territory=territory, text_value=text
        )
    )


@pytest.fixture
def followed(db, make_scheme, make_meeting, make_contribution, make_territory) -> Followed:
    scheme = make_scheme()
    fiches = {f.number: f for f in scheme.fiches}
    fiche, draft = fiches["2"], fiches["3"]
    fiche.title = 'Aller vers les publics <script>alert("x")</script> fragiles'
    draft.status = "brouillon"
    draft.title = "Fiche encore en brouillon confidentielle"
    rising, falling, reached, missing, qualitative = fiche.indicators[:5]

    rising.label, rising.unit = "Nombre de professionnels formés", "personnes"
    rising.baseline, rising.baseline_year, rising.target, rising.target_year = 100, 2024, 200, 2029
    _measure(db, rising, YEAR - 1, 120)
    _measure(db, rising, YEAR, 150)
    _measure(db, rising, YEAR + 1, 500)  # after the report's year: ignored

    falling.label, falling.kind, falling.unit = "Délai moyen d'attente", "nombre", "jours"
    falling.baseline, falling.target = 30, 10
    _measure(db, falling, YEAR - 1, 25)
    _measure(db, falling, YEAR, 28)

    reached.label, reached.kind, reached.unit = "Taux de refus", "taux", "%"
    reached.baseline, reached.target, reached.target_year = 12.5, 8, 2028
    _measure(db, reached, YEAR, 7.5)

    missing.label, missing.baseline, missing.target = "Places créées", 0, 40
    _measure(db, missing, YEAR - 1, 10)
    _measure(db, missing, YEAR, 99, territory=make_territory(name="Maurienne"))

    qualitative.label, qualitative.kind = "Qualité du partenariat", "qualitatif"
    _measure(db, qualitative, YEAR, text="Partenariat renforcé avec la CAF")

    first, second = fiche.top_actions[:2]
    first.progress, first.status = 40, "en_cours"
    second.progress, second.status = 80, "en_cours"
    first.milestones.append(Milestone(label="Premier comité", due_on=date(YEAR, 3, 1)))
    first.milestones.append(
        Milestone(label="Formation", due_on=date(YEAR, 6, 1), done_on=date(YEAR, 6, 15))
    )
    first.milestones.append(Milestone(label="Ancien jalon", due_on=date(YEAR - 2, 1, 1)))

    this_year = make_meeting(
        scheme=scheme,
        held_on=date(YEAR, 3, 10),
        attendance_by_type={"usagers": 20, "professionnels": 8},
    )
    last_year = make_meeting(
        scheme=scheme, held_on=date(YEAR - 1, 5, 2), attendance_by_type={"usagers": 5}
    )
    made = {}
    for name, kind in [
        ("retenue", "proposition"),
        ("partielle", "proposition"),
        ("refusee", "proposition"),
        ("sans_suite", "proposition"),
        ("constat", "constat"),
    ]:
        made[name] = make_contribution(meeting=this_year, kind=kind, body=f"Texte {name}")
    made["pending"] = make_contribution(meeting=this_year, status="pending", body="En attente")
    made["ancienne"] = make_contribution(meeting=last_year, body="Texte de l'an dernier")
    for name, outcome in [
        ("retenue", "retenue"),
        ("partielle", "partiellement_retenue"),
        ("refusee", "non_retenue"),
        ("pending", "retenue"),  # not published: never counted
    ]:
        db.session.add(
            Decision(contribution=made[name], outcome=outcome, reason="Motif", fiche=fiche)
        )
    theme = scheme.themes[0]
    db.session.add(ContributionTag(contribution=made["retenue"], theme=theme))
    db.session.add(ContributionTag(contribution=made["sans_suite"], theme=theme))
    db.session.add(FicheContribution(fiche=fiche, contribution=made["retenue"]))
    db.session.add(FicheContribution(fiche=fiche, contribution=made["ancienne"]))
    db.session.add(FicheContribution(fiche=draft, contribution=made["refusee"]))
    db.session.commit()
    return Followed(
        scheme, fiche, draft, rising, falling, reached, missing, qualitative, contributions=made
    )
