"""A fiche's follow-up page under a crowd: who may only read it gets a page kept between
visits (issue 17), refreshed when the follow-up changes; pilots keep their live forms."""

import re
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from consult.followup.models import Measurement, Milestone
from consult.moderation.services import publish
from consult.schemes.models import PUBLIC_FICHE_STATUSES, Fiche

NOW = datetime(2026, 12, 5, 12, tzinfo=UTC)
ROW = re.compile(r'<th scope="row">(\d{4})</th>\s*<td>[^<]*</td>\s*<td>([^<]*)</td>')


pytestmark = pytest.mark.usefixtures("figures_kept")


def _page(client, fiche) -> str:
    response = client.get(f"/suivi-du-schema/fiches/{fiche.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize(("redis", "reads"), [("figures_local", 1), ("figures_shared", 0)])
def test_a_kept_visit_reads_the_fiche_only_without_redis(
    request, client, savoie, db, statements, redis, reads
):
    """With Redis, every process sees a change of the fiche at its next visit: its access
    facts are kept too. Without it, the fiche is read at each visit for the access check."""
    request.getfixturevalue(redis)
    fiche = savoie.fiche
    db.session.add(Measurement(indicator=fiche.indicators[0], year=2024, value=41))
    db.session.commit()
    first = _page(client, fiche)
    db.session.expunge_all()  # as in production: nothing already loaded by the test
    with statements() as seen:
        again = _page(client, fiche)
    assert len(seen) == reads, seen
    assert again == first
    assert "41" in again


def test_a_fiche_sent_back_is_refused_at_the_next_visit(client, savoie, db, figures_shared):
    fiche = savoie.fiche
    assert fiche.status in PUBLIC_FICHE_STATUSES
    _page(client, fiche)
    _quietly_propose(db, fiche)  # as another process would: this one is not told
    assert client.get(f"/suivi-du-schema/fiches/{fiche.id}").status_code == 200, "kept"

    fiche.status = "proposee"
    db.session.commit()
    assert client.get(f"/suivi-du-schema/fiches/{fiche.id}").status_code == 404
    assert client.get(f"/suite/fiches/{fiche.id}").status_code == 404


@pytest.mark.parametrize("redis", ["figures_local", "broken"])
def test_without_a_shared_generation_access_is_read_at_each_visit(
    request, client, savoie, db, redis
):
    """Without Redis (or when it cannot be read), another process's change would not be
    seen: the fiche's status is read again, and the kept body is never served unchecked."""
    if redis == "broken":
        request.getfixturevalue("figures_shared").broken = True
    else:
        request.getfixturevalue(redis)
    fiche = savoie.fiche
    for url in (f"/suivi-du-schema/fiches/{fiche.id}", f"/suite/fiches/{fiche.id}"):
        assert client.get(url).status_code == 200
    _quietly_propose(db, fiche)
    for url in (f"/suivi-du-schema/fiches/{fiche.id}", f"/suite/fiches/{fiche.id}"):
        assert client.get(url).status_code == 404


def _quietly_propose(db, fiche) -> None:
    """The fiche goes back to « proposée » behind the ORM's back (no session event)."""
    db.session.connection().execute(
        sa.update(Fiche.__table__).where(Fiche.__table__.c.id == fiche.id).values(status="proposee")
    )


def test_measurements_refresh_the_kept_page(client, login, savoie, db):
    fiche = savoie.fiche
    indicator = fiche.indicators[0]
    assert "Aucune mesure enregistrée." in _page(client, fiche)

    db.session.add(Measurement(indicator_id=indicator.id, year=2025, value=1234))
    db.session.commit()
    assert _yearly(_page(client, fiche)) == {"2025": "1\u202f234"}

    login(savoie.people.pilot)  # the pilot writes through the real form
    response = client.post(
        f"/suivi-du-schema/indicateurs/{indicator.id}/mesures",
        data={f"mesure-{indicator.id}-year": "2026", f"mesure-{indicator.id}-value": "7"},
    )
    assert response.status_code == 303
    client.post("/deconnexion")
    page = _page(client, fiche)
    assert _yearly(page) == {"2025": "1\u202f234", "2026": "7"}
    assert "Enregistrer la mesure" not in page


def test_a_milestone_reached_refreshes_the_kept_page(client, savoie, db):
    fiche = savoie.fiche
    action = fiche.actions[0]
    milestone = Milestone(action=action, label="Premier comité local", due_on=date(2026, 3, 1))
    db.session.add(milestone)
    db.session.commit()
    assert "prévu le 01/03/2026" in _page(client, fiche)

    milestone.done_on = date(2026, 2, 20)
    db.session.commit()
    assert "atteint le 20/02/2026" in _page(client, fiche)


def test_pilots_keep_their_forms_and_readers_never_get_them(client, login, savoie):
    fiche = savoie.fiche
    login(savoie.people.pilot)
    assert "Mettre à jour l'avancement" in _page(client, fiche)
    client.post("/deconnexion")
    page = _page(client, fiche)
    assert "Mettre à jour l'avancement" not in page
    assert "csrf_token" not in page.split('id="contenu"')[1], "no form token in a kept body"
    login(savoie.people.pilot)
    assert "Mettre à jour l'avancement" in _page(client, fiche), "the kept page is for readers"


def test_a_kept_draft_is_still_refused_to_who_may_not_see_it(client, login, savoie, db):
    savoie.fiche.status = "brouillon"
    db.session.commit()
    login(savoie.people.member)  # reads the draft, may not update it: gets the kept page
    assert savoie.fiche.title[:20] in _page(client, savoie.fiche)
    client.post("/deconnexion")
    assert client.get(f"/suivi-du-schema/fiches/{savoie.fiche.id}").status_code == 404


def test_computed_figures_follow_a_publication(client, savoie, make_meeting, make_contribution, db):
    fiche = next(f for f in savoie.scheme.fiches if f.number == "6")
    indicator = fiche.indicators[0]
    indicator.computed = "contributions"
    meeting = make_meeting(scheme=savoie.scheme, held_on=date(2023, 4, 1))
    make_contribution(meeting=meeting, body="Première")
    pending = make_contribution(meeting=meeting, body="Seconde", status="pending")
    db.session.commit()
    assert _yearly(_page(client, fiche)) == {"2023": "1"}

    publish(pending, actor=savoie.people.admin, now=NOW)
    db.session.commit()
    assert _yearly(_page(client, fiche)) == {"2023": "2"}


def _yearly(page: str) -> dict[str, str]:
    """Year → value, from the first indicator's table."""
    return dict(ROW.findall(page))
