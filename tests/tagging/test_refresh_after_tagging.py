"""With a worker, tagging marks the scheme and the sweeper recomputes its suggestions once
tagging pauses (or after SUGGEST_REFRESH_MAX_WAIT), in batches; never stale for good."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from consult.contributions.models import Contribution
from consult.core.db import utcnow
from consult.core.jobs import JobRun, RQDispatcher
from consult.schemes.models import Scheme
from consult.tagging import jobs as tagging_jobs
from consult.tagging.jobs import (
    refresh_step,
    refresh_suggestions,
    schedule_refresh,
    suggest_pending,
)
from consult.tagging.models import TagSuggestion
from consult.tagging.services import add_tag
from tests.tagging.test_sweeper import AIDANTS, TRANSPORTS

QUIET, LONGEST = 20, 120
TEXTS = [
    AIDANTS,
    TRANSPORTS,
    "Des aides à domicile pour rester chez soi en vieillissant.",
    "Plus d'éducateurs pour la protection de l'enfance.",
    "Un accueil de jour pour les personnes handicapées vieillissantes.",
]


@pytest.fixture
def worker(app, monkeypatch):
    """Settings and dispatcher of a platform that has a worker (nothing reaches Redis)."""
    dispatcher = RQDispatcher("redis://127.0.0.1:1/0", retries=1)
    monkeypatch.setattr(dispatcher, "push", lambda *a: pytest.fail("pushed to Redis"))
    monkeypatch.setitem(app.extensions, "consult_jobs", dispatcher)
    monkeypatch.setitem(app.config, "SUGGEST_REFRESH_QUIET", QUIET)
    monkeypatch.setitem(app.config, "SUGGEST_REFRESH_MAX_WAIT", LONGEST)
    monkeypatch.setattr(tagging_jobs, "_suggesters", {})
    monkeypatch.setattr(tagging_jobs, "_passes", {})


@pytest.fixture
def scheme_with_contributions(db, make_scheme, make_meeting, make_contribution):
    meeting = make_meeting(scheme=make_scheme())
    made = [make_contribution(meeting=meeting, body=body) for body in TEXTS]
    db.session.commit()
    suggest_pending()  # their first suggestions, before anyone tags
    return meeting.scheme, made


def _stored(db) -> dict:
    rows = db.session.execute(
        sa.select(
            TagSuggestion.contribution_id,
            TagSuggestion.theme_id,
            TagSuggestion.fiche_id,
            TagSuggestion.score,
        )
    )
    found: dict = {}
    for contribution_id, theme_id, fiche_id, score in rows:
        found.setdefault(contribution_id, set()).add((theme_id, fiche_id, round(score, 6)))
    return found


def _newest(db, scheme_id: int) -> dict:
    """What a refresh with a model knowing every tag stores (the job without a worker)."""
    tagging_jobs._suggesters.clear()
    refresh_suggestions(0, scheme_id)
    db.session.commit()
    return _stored(db)


def _tag(db, contribution: Contribution, fiche_index: int, *, at, actor) -> None:
    fiche = contribution.meeting.scheme.fiches[fiche_index]
    add_tag(contribution, fiche=fiche, actor=actor, now=at)
    schedule_refresh(contribution.meeting.scheme_id, now=at)
    db.session.commit()


def _stale_since(db, scheme: Scheme):
    db.session.expire_all()
    return db.session.get(Scheme, scheme.id).suggestions_stale_since


def test_a_tag_queues_no_job_and_waits_for_a_pause(
    db, worker, scheme_with_contributions, make_user
):
    scheme, made = scheme_with_contributions
    start = utcnow()
    _tag(db, made[0], 3, at=start, actor=make_user(role="moderator"))

    assert db.session.scalar(sa.select(sa.func.count(JobRun.id))) == 0
    assert _stale_since(db, scheme) == start
    assert refresh_step(now=start + timedelta(seconds=QUIET - 1)) == 0  # still tagging
    assert refresh_step(now=start + timedelta(seconds=QUIET + 1)) == len(made)
    assert refresh_step(now=start + timedelta(seconds=QUIET + 2)) == 0  # the pass ends
    assert _stale_since(db, scheme) is None
    assert _stored(db) == _newest(db, scheme.id)


def test_a_long_session_is_refreshed_every_max_wait(
    db, worker, scheme_with_contributions, make_user
):
    scheme, made = scheme_with_contributions
    moderator, start = make_user(role="moderator"), utcnow()
    for i in range(0, LONGEST, 10):  # a tag every 10 s: never a pause of QUIET seconds
        at = start + timedelta(seconds=i)
        _tag(db, made[i // 10 % len(made)], i // 10 % 5, at=at, actor=moderator)
        assert refresh_step(now=at + timedelta(seconds=1)) == 0
    assert refresh_step(now=start + timedelta(seconds=LONGEST)) == len(made)


def test_tags_set_during_a_pass_bring_another_pass(
    db, worker, scheme_with_contributions, make_user
):
    scheme, made = scheme_with_contributions
    moderator, start = make_user(role="moderator"), utcnow()
    _tag(db, made[0], 1, at=start, actor=moderator)
    later = start + timedelta(seconds=QUIET + 1)
    assert refresh_step(2, now=later) == 2  # batches of two
    _tag(db, made[1], 2, at=later, actor=moderator)  # the model learns meanwhile
    end = later + timedelta(seconds=LONGEST - 1)
    while refresh_step(2, now=end):
        pass
    assert _stale_since(db, scheme) == end  # not up to date: the last tag came mid-pass

    # After the pause, a whole new pass with the newest model, then nothing is due.
    tagging_jobs._suggesters.clear()
    after = end + timedelta(seconds=QUIET + 1)
    done = 0
    while step := refresh_step(2, now=after):
        done += step
    assert done == len(made)
    assert _stale_since(db, scheme) is None
    assert _stored(db) == _newest(db, scheme.id)


def test_the_sweeper_computes_new_contributions_first_then_refreshes(
    db, worker, scheme_with_contributions, make_user, make_contribution
):
    scheme, made = scheme_with_contributions
    _tag(db, made[0], 0, at=utcnow() - timedelta(seconds=QUIET + 1), actor=make_user())
    fresh = make_contribution(meeting=made[0].meeting, body=AIDANTS)
    db.session.commit()

    assert suggest_pending(limit=1) == 1  # the new one alone: a full batch, no refresh yet
    db.session.expire_all()
    assert db.session.get(Contribution, fresh.id).suggested_at is not None
    assert _stale_since(db, scheme) is not None
    while suggest_pending(limit=3):
        pass
    assert _stale_since(db, scheme) is None


def test_without_a_worker_the_job_runs_after_the_request(db, jobs, scheme_with_contributions):
    scheme, _ = scheme_with_contributions
    schedule_refresh(scheme.id)
    db.session.commit()
    assert [c.path for c in jobs.calls] == [tagging_jobs.REFRESH_JOB]
    assert _stale_since(db, scheme) is None


def _refresh_runs(db, scheme) -> list[JobRun]:
    return db.session.scalars(
        sa.select(JobRun)
        .where(JobRun.name == tagging_jobs.refresh_label(scheme.id))
        .order_by(JobRun.id)
    ).all()


def test_without_a_worker_a_refresh_lost_before_it_ran_does_not_block_the_next_ones(
    db, jobs, scheme_with_contributions
):
    """Seen in the demo: the request that queued a refresh failed to run it (« database
    is locked » on the job before it), the row stayed « queued » for good, and every
    later tag found it « waiting » and asked for nothing: the suggestions never learned
    again. A refresh queued long ago no longer counts as waiting."""
    scheme, _ = scheme_with_contributions
    schedule_refresh(scheme.id)
    db.session.commit()
    jobs.calls.clear()  # what the failed request never ran
    lost = _refresh_runs(db, scheme)[0]
    lost.created_at = utcnow() - tagging_jobs.REFRESH_LOST_AFTER - timedelta(seconds=1)
    db.session.commit()

    schedule_refresh(scheme.id)
    db.session.commit()

    assert [c.path for c in jobs.calls] == [tagging_jobs.REFRESH_JOB]
    runs = _refresh_runs(db, scheme)
    assert [r.status for r in runs] == ["failed", "queued"]
    assert "jamais lancé" in runs[0].message
    assert jobs.calls[0].job_run_id == runs[1].id


def test_without_a_worker_a_refresh_just_queued_is_still_waiting(
    db, jobs, scheme_with_contributions
):
    scheme, _ = scheme_with_contributions
    schedule_refresh(scheme.id)
    db.session.commit()

    schedule_refresh(scheme.id)
    db.session.commit()

    assert [c.path for c in jobs.calls] == [tagging_jobs.REFRESH_JOB]
    assert [r.status for r in _refresh_runs(db, scheme)] == ["queued"]
