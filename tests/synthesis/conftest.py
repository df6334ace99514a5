"""Shared fixtures: a meeting with contributions to read (the signed-in facilitator is in
tests/conftest.py)."""

import pytest

TEXTS = [
    "Il faut plus de places en crèche pour les parents qui travaillent tôt le matin",
    "Les places en crèche manquent, surtout pour les horaires décalés",
    "Ouvrir des crèches avec des horaires décalés pour les parents",
    "Plus de transports en commun le soir pour aller au travail",
    "Les transports en commun ne passent plus le soir après 20 heures",
    "Un bus le soir pour rentrer du travail serait bien",
    '=HYPERLINK("http://exemple.fr") des aides à domicile pour les personnes âgées',
]


@pytest.fixture
def meeting(make_meeting, make_contribution, db):
    meeting = make_meeting(status="open", attendance_by_type={"usagers": 20, "professionnels": 8})
    for n, text in enumerate(TEXTS):
        author = "usager" if n % 2 else "professionnel"
        make_contribution(meeting=meeting, body=text, status="published", author_type=author)
    db.session.commit()
    return meeting
