"""Public figures are kept between visits, refreshed at each publication or decision."""

import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from consult.core import cache
from consult.fiches import decisions
from consult.moderation.services import publish
from consult.schemes.models import WorkingGroup
from consult.workgroups.models import Decision

NOW = datetime(2026, 12, 5, 12, tzinfo=UTC)
CAPTION = re.compile(r"<caption>[^<]*\((\d+) contributions? publiées?\)</caption>")
ROW = re.compile(r'<th scope="row">([^<]+)</th><td class="number">(\d+)</td>')
HOME = re.compile(r'<span class="figures__value">(\d+)</span> contributions publiées')


pytestmark = pytest.mark.usefixtures("figures_kept")


def _figures(client, url: str) -> tuple[int, dict[str, int]]:
    response = client.get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return int(CAPTION.search(html).group(1)), {k: int(v) for k, v in ROW.findall(html)}


def _home_count(client) -> int:
    return int(HOME.search(client.get("/").get_data(as_text=True)).group(1))


def _quiet_decision(db, contribution) -> None:
    """A decision written behind the ORM's back (no session event): the cache cannot know."""
    db.session.connection().execute(
        sa.insert(Decision.__table__).values(
            contribution_id=contribution.id,
            outcome="hors_champ",
            reason="Relève de l'État.",
            created_at=NOW,
            updated_at=NOW,
        )
    )


def test_figures_are_kept_between_visits(client, db, world):
    url = f"/suite/rencontres/{world.meeting.id}"
    before = _figures(client, url)
    _quiet_decision(db, world.waiting)
    assert _figures(client, url) == before, "the second visit reads the kept figures"


def test_recording_a_decision_refreshes_the_figures(client, db, world, make_user):
    url = f"/suite/rencontres/{world.meeting.id}"
    total, rows = _figures(client, url)
    overview_total, overview_rows = _figures(client, "/suite/")
    staff = make_user(role="admin")
    group = WorkingGroup(
        scheme=world.scheme, name="Groupe", fiches=[world.fiche], created_by_id=staff.id
    )
    db.session.add(group)
    db.session.flush()
    decisions.decide(
        group,
        world.waiting,
        outcome="retenue",
        fiche_id=world.fiche.id,
        action_id=None,
        reason="",
        actor=staff,
        now=NOW,
    )
    db.session.commit()

    assert _figures(client, url) == (
        total,
        {
            **rows,
            "Retenue": rows["Retenue"] + 1,
            "En attente de réponse": rows["En attente de réponse"] - 1,
        },
    )
    assert _figures(client, "/suite/")[1]["Retenue"] == overview_rows["Retenue"] + 1
    assert _figures(client, "/suite/")[0] == overview_total


def test_publishing_a_contribution_refreshes_the_figures(client, db, world, make_user):
    url = f"/suite/rencontres/{world.meeting.id}"
    total, rows = _figures(client, url)
    published = _home_count(client)
    publish(world.pending, actor=make_user(role="admin"), now=NOW)
    db.session.commit()

    new_total, new_rows = _figures(client, url)
    assert new_total == total + 1
    assert new_rows["En attente de réponse"] == rows["En attente de réponse"] + 1
    assert _home_count(client) == published + 1


def test_a_new_contribution_waiting_for_moderation_keeps_the_figures(
    client, db, world, make_contribution
):
    url = f"/suite/rencontres/{world.meeting.id}"
    before = _figures(client, url)
    make_contribution(meeting=world.meeting, body="En attente", status="pending")
    _quiet_decision(db, world.waiting)
    db.session.commit()
    assert _figures(client, url) == before, "nothing public changed: no refresh"


def test_a_kept_page_is_still_refused_to_who_may_not_see_it(
    client, login, make_meeting, make_user, world, db
):
    draft = make_meeting(scheme=world.scheme, status="draft", title="Rencontre en préparation")
    db.session.commit()
    url = f"/suite/rencontres/{draft.id}"
    login(make_user(role="facilitator"))
    assert "Rencontre en préparation" in client.get(url).get_data(as_text=True)
    client.post("/deconnexion")
    assert client.get(url).status_code == 404, "the kept body is never served unchecked"


def test_a_crawler_cannot_grow_the_kept_pages_without_bound(app, client, world, monkeypatch):
    monkeypatch.setattr(cache, "MAX_ENTRIES", 3)
    for number in range(1, 8):
        assert client.get(f"/suite/rencontres/{world.meeting.id}?page={number}").status_code == 200
    assert len(cache.figures_store(app).entries) == 3


def test_kept_bodies_hold_no_token(client, world):
    """A kept body is served to everyone: a form token in it would be someone else's."""
    for url in (
        f"/suite/rencontres/{world.meeting.id}",
        f"/suite/thematiques/{world.theme.id}",
    ):
        html = client.get(url).get_data(as_text=True)
        assert world.kept.body in html
        assert "csrf_token" not in html


@pytest.mark.parametrize(("redis", "reads"), [("figures_local", 1), ("figures_shared", 0)])
def test_a_kept_fiche_page_reads_only_the_fiche(
    request, client, db, world, statements, redis, reads
):
    """Title and body are kept: a visit reads the fiche for the access check, nothing else
    (its scheme, to name the fiche's level, was read at every visit); with Redis, not
    even the fiche (core.cache.access_facts)."""
    request.getfixturevalue(redis)
    url = f"/suite/fiches/{world.fiche.id}"
    first = client.get(url).get_data(as_text=True)
    level, number = world.scheme.level("fiche"), world.fiche.number
    db.session.expunge_all()  # as in production: nothing already loaded by the test
    with statements() as seen:
        again = client.get(url).get_data(as_text=True)
    assert again == first
    assert f"<title>{level} {number} —" in again
    assert len(seen) == reads, seen


def test_kept_meeting_and_theme_pages_read_nothing(client, db, world, statements):
    """Their access facts (a meeting's status, a theme's title) are kept with the body."""
    for url in (f"/suite/rencontres/{world.meeting.id}", f"/suite/thematiques/{world.theme.id}"):
        first = client.get(url).get_data(as_text=True)
        db.session.expunge_all()  # as in production: nothing already loaded by the test
        with statements() as seen:
            again = client.get(url).get_data(as_text=True)
        assert seen == [], (url, seen)
        assert again == first


def test_opening_a_kept_draft_meeting_shows_its_suite_page(
    client, login, make_meeting, make_user, world, db
):
    draft = make_meeting(scheme=world.scheme, status="draft", title="Rencontre en préparation")
    db.session.commit()
    url = f"/suite/rencontres/{draft.id}"
    assert client.get(url).status_code == 404
    login(make_user(role="facilitator"))
    response = client.post(f"/rencontres/{draft.id}/etat", data={"target": "open"})
    assert response.status_code in (302, 303)
    client.post("/deconnexion")
    assert "Rencontre en préparation" in client.get(url).get_data(as_text=True)


def test_a_renamed_theme_shows_its_new_title_at_the_next_visit(client, db, world):
    url = f"/suite/thematiques/{world.theme.id}"
    assert client.get(url).status_code == 200
    world.theme.title = "Habitat inclusif"
    db.session.commit()
    assert "<title>Ce que sont devenues les contributions : Habitat inclusif" in client.get(
        url
    ).get_data(as_text=True)
    assert client.get(f"/suite/thematiques/{world.theme.id + 1000}").status_code == 404
