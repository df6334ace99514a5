"""Recording the adopting deliberation with the comité's decision; shown on the public page."""

from datetime import date
from html import unescape

import pytest
import sqlalchemy as sa

from consult.deliberations.models import Deliberation
from consult.schemes.models import Fiche

GOOD = {
    "target": "adoptee",
    "note": "Adoptée en séance plénière",
    "deliberation_identifier": "CD-2026-11-042",
    "deliberation_date": "2026-11-20",
    "deliberation_url": "https://www.savoie.fr/deliberations/CD-2026-11-042.pdf",
}


@pytest.fixture
def staff(make_user):
    return make_user(role="admin")


@pytest.fixture
def fiche(make_working_group, db):
    group = make_working_group()
    fiche = Fiche(
        scheme_id=group.scheme_id,
        number="9.1",
        title="Des crèches aux horaires décalés",
        status="validee",
        working_group_id=group.id,
    )
    db.session.add(fiche)
    db.session.commit()
    return fiche


def post(client, fiche, **data):
    url = f"/groupes/{fiche.working_group_id}/fiches/{fiche.id}/etat"
    return client.post(url, data=data)


def test_adoption_records_its_deliberation_and_the_public_page_shows_it(
    client, login, staff, fiche, db, count
):
    login(staff)
    assert post(client, fiche, **GOOD).status_code == 303
    (recorded,) = db.session.scalars(sa.select(Deliberation)).all()
    assert recorded.identifier == "CD-2026-11-042"
    assert recorded.voted_on == date(2026, 11, 20)
    page = unescape(client.get(f"/suite/fiches/{fiche.id}").text)
    assert "Délibération d'adoption" in page
    assert f'href="{GOOD["deliberation_url"]}"' in page
    assert "n° CD-2026-11-042" in page
    assert "votée le 20/11/2026" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"deliberation_identifier": ""}, "Indiquez le numéro de la délibération."),
        ({"deliberation_date": ""}, "Indiquez la date de la délibération."),
        ({"deliberation_date": "2999-01-01"}, "datée du futur"),
        ({"deliberation_url": "javascript:alert(1)"}, "Adresse de la délibération invalide"),
        ({"target": "proposee"}, "qu'avec l'adoption de la fiche"),
    ],
)
def test_bad_deliberation_refuses_the_whole_move(
    client, login, staff, fiche, db, count, changes, message
):
    login(staff)
    response = post(client, fiche, **(GOOD | changes))
    assert response.status_code == 422
    assert message in unescape(response.text)
    db.session.expire_all()
    assert db.session.get(Fiche, fiche.id).status == "validee"
    assert count(Deliberation) == 0


def test_adoption_without_deliberation_still_works(client, login, staff, fiche, db, count):
    login(staff)
    assert post(client, fiche, target="adoptee", note="Adoptée").status_code == 303
    assert count(Deliberation) == 0
    page = client.get(f"/suite/fiches/{fiche.id}").text
    assert "Délibération d'adoption" not in page
