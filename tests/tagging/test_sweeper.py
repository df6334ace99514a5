"""Suggestions computed in batches from the contributions' own rows: no job per contribution."""

import logging
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from consult.analysis import suggest
from consult.analysis.suggest import Suggester
from consult.contributions.models import SUGGEST_ATTEMPTS, Contribution
from consult.contributions.services import Draft, submit_contribution
from consult.core import jobs as core_jobs
from consult.core.db import utcnow
from consult.core.jobs import InlineDispatcher, JobRun, RQDispatcher
from consult.meetings.models import Meeting
from consult.schemes.importer import import_scheme
from consult.schemes.models import Fiche
from consult.tagging import jobs as tagging_jobs
from consult.tagging.jobs import (
    CLAIM_HOLD,
    SWEEPER,
    claim_pending,
    refresh_suggestions,
    suggest_pending,
)
from consult.tagging.models import TagSuggestion
from consult.tagging.services import (
    add_tag,
    build_suggesters,
    reject_suggestion,
    store_suggestions_of,
    suggestions_of,
)
from tests.analysis.test_suggest import OneTermAtATime
from tests.factories import load_fixture, scratch_postgresql

AIDANTS = "Plus de places d'accueil de jour et de répit pour les aidants des personnes âgées."
TRANSPORTS = "Des transports à la demande pour aller chez le médecin quand on n'a pas de voiture."
NOTHING = "zzzz qwxv"  # no word of the scheme: computed, and no suggestion


@pytest.fixture
def meeting(make_scheme, make_meeting):
    return make_meeting(scheme=make_scheme())


@pytest.fixture(autouse=True)
def fresh_models(monkeypatch):
    monkeypatch.setattr(tagging_jobs, "_suggesters", {})


def _pending(db) -> set[int]:
    return set(
        db.session.scalars(sa.select(Contribution.id).where(Contribution.suggested_at.is_(None)))
    )


def _stored(db, contribution_id: int) -> list[tuple]:
    return db.session.execute(
        sa.select(TagSuggestion.theme_id, TagSuggestion.fiche_id, TagSuggestion.score)
        .where(TagSuggestion.contribution_id == contribution_id)
        .order_by(TagSuggestion.id)
    ).all()


def test_submitting_sends_no_job_and_leaves_the_contribution_pending(db, jobs, meeting):
    contribution, _ = submit_contribution(meeting, Draft(body=AIDANTS), now=utcnow())
    db.session.commit()

    assert jobs.calls == []
    assert db.session.scalar(sa.select(sa.func.count(JobRun.id))) == 0
    assert jobs.sweeps == [SWEEPER]
    assert contribution.suggested_at is None
    assert contribution.id in _pending(db)

    jobs.run_all()

    db.session.expire_all()
    assert contribution.suggested_at is not None
    assert suggestions_of(contribution)


def test_one_batch_computes_every_pending_contribution_once(db, meeting, make_contribution):
    made = [
        make_contribution(meeting=meeting, body=body) for body in (AIDANTS, TRANSPORTS, NOTHING)
    ]
    db.session.commit()

    assert suggest_pending() == 3
    assert suggest_pending() == 0  # nothing pending any more, nothing computed again

    assert not _pending(db) & {c.id for c in made}
    assert _stored(db, made[0].id)
    assert _stored(db, made[1].id)
    assert _stored(db, made[2].id) == []  # computed, none scored: not pending either


def test_a_batch_stores_what_one_contribution_at_a_time_would(db, meeting, make_contribution):
    made = [make_contribution(meeting=meeting, body=body) for body in (AIDANTS, TRANSPORTS)]
    db.session.commit()
    suggest_pending()
    batched = [_stored(db, c.id) for c in made]

    suggesters = build_suggesters(meeting.scheme)
    for contribution in made:
        store_suggestions_of({contribution.id: contribution.body}, suggesters, now=utcnow())
    alone = [_stored(db, c.id) for c in made]

    assert batched == alone


def _explained(db, ids) -> dict[int, list[tuple]]:
    rows = db.session.execute(
        sa.select(
            TagSuggestion.contribution_id,
            TagSuggestion.theme_id,
            TagSuggestion.fiche_id,
            TagSuggestion.score,
            TagSuggestion.words,
            TagSuggestion.learned,
        )
        .where(TagSuggestion.contribution_id.in_(ids))
        .order_by(TagSuggestion.id)
    )
    found = {i: [] for i in ids}
    for contribution_id, *row in rows:
        found[contribution_id].append(tuple(row))
    return found


def test_a_learned_batch_stores_what_one_contribution_at_a_time_did_before(
    db, meeting, make_contribution, make_user, monkeypatch
):
    """Tags set, a suggestion refused, a tag already on a pending contribution: the
    sweeper's batch stores what each contribution alone stored before the batch shared
    its vectors and read each text's words once."""
    scheme, actor, now = meeting.scheme, make_user(role="facilitator"), utcnow()
    bodies = [
        AIDANTS,
        TRANSPORTS,
        "Du répit le week-end pour les aidants, et un accueil de jour près de chez nous.",
        "Le transport à la demande ne passe pas dans mon village, pas de bus le soir.",
        "Des logements adaptés pour les personnes âgées et handicapées au village.",
        NOTHING,
        AIDANTS,
    ]
    made = [make_contribution(meeting=meeting, body=body) for body in bodies]
    for contribution, fiche, theme in ((made[0], 0, 0), (made[1], 1, 1), (made[2], 0, 0)):
        add_tag(contribution, fiche=scheme.fiches[fiche], actor=actor, now=now)
        add_tag(contribution, theme=scheme.themes[theme], actor=actor, now=now)
    refused = TagSuggestion(
        contribution_id=made[3].id, score=0.5, words=["bus"], fiche_id=scheme.fiches[1].id
    )
    db.session.add(refused)
    db.session.flush()
    reject_suggestion(refused, actor=actor, now=now)
    refused_key = (None, refused.fiche_id)
    db.session.commit()
    ids = [c.id for c in made]

    assert suggest_pending() == len(made)  # one batch
    batched = _explained(db, ids)

    monkeypatch.setattr(suggest, "_Reader", OneTermAtATime)
    suggesters = build_suggesters(scheme)
    for contribution in made:
        for suggester in (*suggesters.values(), suggesters["theme"].children):
            suggester.__dict__.pop("_kept", None)  # nothing shared with another text
        store_suggestions_of({contribution.id: contribution.body}, suggesters, now=utcnow())
    alone = _explained(db, ids)

    assert batched == alone
    assert all(batched[c.id] for c in made[:5])
    assert refused_key not in {row[:2] for row in batched[made[3].id]}  # never again
    assert suggesters["theme"].children is not None  # themes heard their fiches


def test_suggest_many_is_suggest_for_each_text(db, meeting):
    suggesters = build_suggesters(meeting.scheme)
    texts = [AIDANTS, TRANSPORTS, NOTHING, "Aider les aidants"]
    for suggester in suggesters.values():
        excluded = [frozenset(), {suggester.labels[0].key}, frozenset(), frozenset()]
        many = suggester.suggest_many(texts, top=3, minimum=0.01, excludes=excluded)
        one = [
            suggester.suggest(t, top=3, minimum=0.01, exclude=e)
            for t, e in zip(texts, excluded, strict=True)
        ]
        assert many == one


def test_a_contribution_computed_meanwhile_is_left_alone(db, meeting, make_contribution):
    contribution = make_contribution(meeting=meeting, body=AIDANTS)
    db.session.commit()
    suggest_pending()
    before = _stored(db, contribution.id)

    written = store_suggestions_of(
        {contribution.id: TRANSPORTS},
        build_suggesters(meeting.scheme),
        now=utcnow(),
        pending_only=True,
    )

    assert written == []
    assert _stored(db, contribution.id) == before


def _model_fails_on(monkeypatch, body: str, error: BaseException) -> None:
    """The suggestion model raises ``error`` for any batch holding ``body``."""
    original = Suggester.suggest_many

    def failing(self, texts, *args, **kwargs):
        if body in texts:
            raise error
        return original(self, texts, *args, **kwargs)

    monkeypatch.setattr(Suggester, "suggest_many", failing)


def test_a_failing_contribution_does_not_hold_up_its_batch_and_is_given_up(
    db, meeting, make_contribution, monkeypatch, caplog
):
    poisoned = make_contribution(meeting=meeting, body="texte qui fait échouer le modèle")
    healthy = make_contribution(meeting=meeting, body=AIDANTS)
    db.session.commit()
    _model_fails_on(monkeypatch, poisoned.body, ValueError("modèle en panne"))
    caplog.set_level(logging.WARNING, logger="consult.tagging.jobs")

    suggest_pending()

    assert _stored(db, healthy.id)
    assert healthy.id not in _pending(db)
    assert poisoned.id in _pending(db)  # tried again at the next pass
    for _ in range(SUGGEST_ATTEMPTS - 1):
        suggest_pending()
    assert poisoned.id not in _pending(db)
    assert _stored(db, poisoned.id) == []
    db.session.refresh(poisoned)
    assert poisoned.suggestions_given_up
    assert "abandonnées après 3 essais" in caplog.text
    assert "nouvel essai une par une" in caplog.text
    assert suggest_pending() == 0


def test_a_database_failure_leaves_the_batch_pending_without_counting_a_try(
    db, meeting, make_contribution, monkeypatch
):
    contribution = make_contribution(meeting=meeting, body=AIDANTS)
    db.session.commit()

    def database_down(*args, **kwargs):
        raise OperationalError("UPDATE contributions", {}, Exception("connexion perdue"))

    monkeypatch.setattr(tagging_jobs, "store_suggestions_of", database_down)

    assert core_jobs.sweep_batch(SWEEPER) == 0
    assert contribution.id in _pending(db)
    db.session.refresh(contribution)
    assert (contribution.suggest_attempts, contribution.suggest_claimed_at) == (0, None)

    monkeypatch.undo()
    assert suggest_pending() == 1
    assert contribution.id not in _pending(db)


def test_without_a_worker_the_request_computes_the_suggestions_right_after(
    app, db, meeting, monkeypatch
):
    monkeypatch.setitem(app.extensions, "consult_jobs", InlineDispatcher())
    contribution, _ = submit_contribution(meeting, Draft(body=AIDANTS), now=utcnow())
    db.session.commit()

    core_jobs.dispatcher_for(app).run_pending()  # what the request does after its answer

    db.session.expire_all()
    assert contribution.suggested_at is not None
    assert suggestions_of(contribution)


def test_with_a_worker_a_submission_touches_neither_the_outbox_nor_redis(
    app, db, meeting, monkeypatch
):
    dispatcher = RQDispatcher("redis://127.0.0.1:1/0", retries=1)
    monkeypatch.setitem(app.extensions, "consult_jobs", dispatcher)
    monkeypatch.setattr(dispatcher, "push", lambda *a: pytest.fail("pushed to Redis"))
    contribution, _ = submit_contribution(meeting, Draft(body=AIDANTS), now=utcnow())
    db.session.commit()

    assert db.session.scalar(sa.select(sa.func.count(JobRun.id))) == 0
    assert contribution.id in _pending(db)


def test_refresh_recomputes_every_contribution_of_the_scheme(db, meeting, make_contribution):
    made = [make_contribution(meeting=meeting, body=body) for body in (AIDANTS, TRANSPORTS)]
    db.session.commit()
    suggest_pending()
    computed = {c.id: c.suggested_at for c in made}
    db.session.execute(sa.delete(TagSuggestion))
    db.session.commit()

    refresh_suggestions(0, meeting.scheme_id)

    db.session.expire_all()
    assert all(_stored(db, c.id) for c in made)
    assert all(c.suggested_at >= computed[c.id] for c in made)


def test_marking_contributions_computed_changes_no_public_figure(
    db, meeting, make_contribution, monkeypatch
):
    contribution = make_contribution(meeting=meeting, body=AIDANTS, status="published")
    db.session.commit()
    updated = contribution.updated_at
    bumped = []
    monkeypatch.setattr("consult.core.cache.FiguresStore.bump", lambda self: bumped.append(1))

    suggest_pending()

    db.session.expire_all()
    assert bumped == []
    assert contribution.updated_at == updated


def test_sweeper_loop_goes_on_at_once_while_batches_are_full_then_waits(monkeypatch):
    batches = iter([5, 5, 2, 0, 5, 0])
    slept = []
    monkeypatch.setattr(core_jobs, "SWEEPERS", {"essai": lambda: next(batches)})
    monkeypatch.setattr(core_jobs, "SWEEP_BATCHES", {"essai": 5})
    monkeypatch.setattr(core_jobs, "SWEEP_WARMERS", {})
    monkeypatch.setattr(core_jobs.time, "sleep", slept.append)
    monkeypatch.setattr(core_jobs.db.session, "remove", lambda: None)
    turns = []

    core_jobs.sweep_forever(interval=0.25, should_stop=lambda: len(turns.append(1) or turns) > 6)

    # 5, 5: more waits; 2: everything was taken, the next rows gather meanwhile; 0: nothing
    assert slept == [0.25, 0.25, 0.25]


@pytest.fixture
def posting_rules(app, monkeypatch):
    """As in production: suggestions wait while a contribution came less than 1 s ago,
    5 s at most; ``in_sweeper(True)`` makes this the worker's sweeper process."""
    monkeypatch.setitem(app.config, "SUGGEST_WHILE_POSTING_QUIET", 1.0)
    monkeypatch.setitem(app.config, "SUGGEST_WHILE_POSTING_MAX_WAIT", 5.0)
    return lambda on: monkeypatch.setattr(core_jobs, "_SWEEPER_PROCESS", [on])


def test_while_people_post_the_worker_leaves_suggestions_until_they_pause(
    db, meeting, make_contribution, posting_rules
):
    posting_rules(True)
    now = utcnow()
    older = make_contribution(meeting=meeting, body=AIDANTS, created_at=now - timedelta(seconds=3))
    newest = make_contribution(meeting=meeting, body=TRANSPORTS, created_at=now)
    db.session.commit()

    assert suggest_pending() == 0  # one came just now: people are posting
    assert {older.id, newest.id} <= _pending(db)

    newest.created_at = now - timedelta(seconds=2)  # nothing new for 2 s: a pause
    db.session.commit()
    assert suggest_pending() == 2
    assert not _pending(db) & {older.id, newest.id}


def test_a_stream_that_never_pauses_still_has_its_suggestions_after_the_longest_wait(
    db, meeting, make_contribution, posting_rules
):
    posting_rules(True)
    now = utcnow()
    waiting = make_contribution(
        meeting=meeting, body=AIDANTS, created_at=now - timedelta(seconds=6)
    )
    make_contribution(meeting=meeting, body=TRANSPORTS, created_at=now)
    db.session.commit()

    assert suggest_pending() == 2  # the first waited 6 s (> 5): the batch goes
    assert waiting.id not in _pending(db)


def test_without_a_worker_suggestions_never_wait_for_a_pause(
    db, meeting, make_contribution, posting_rules
):
    posting_rules(False)  # a request running the sweeper right after its answer
    made = make_contribution(meeting=meeting, body=AIDANTS, created_at=utcnow())
    db.session.commit()

    assert suggest_pending() == 1
    assert made.id not in _pending(db)


def test_only_a_running_sweeper_loop_counts_as_the_worker(monkeypatch):
    seen = []
    monkeypatch.setattr(
        core_jobs, "SWEEPERS", {"essai": lambda: seen.append(core_jobs.in_sweeper_process()) or 0}
    )
    monkeypatch.setattr(core_jobs, "SWEEP_WARMERS", {})
    monkeypatch.setattr(core_jobs.time, "sleep", lambda _: None)
    monkeypatch.setattr(core_jobs.db.session, "remove", lambda: None)
    turns = []

    core_jobs.sweep_forever(interval=0.1, should_stop=lambda: len(turns.append(1) or turns) > 1)

    assert seen == [True]
    assert core_jobs.in_sweeper_process() is False  # the test process is no worker after


def test_the_suggestion_sweeper_says_how_full_its_batches_are(app):
    assert core_jobs.SWEEP_BATCHES[SWEEPER] == tagging_jobs.BATCH
    assert core_jobs.SWEEP_WARMERS[SWEEPER] == tagging_jobs.warm_suggesters


def test_a_sweeper_process_warms_up_once_before_its_first_batch(monkeypatch, caplog):
    seen = []

    def broken():
        raise ValueError("panne")

    monkeypatch.setattr(core_jobs, "SWEEPERS", {"essai": lambda: seen.append("batch") or 0})
    warmers = {"panne": broken, "essai": lambda: seen.append("warm")}
    monkeypatch.setattr(core_jobs, "SWEEP_WARMERS", warmers)
    monkeypatch.setattr(core_jobs.time, "sleep", lambda _: None)
    monkeypatch.setattr(core_jobs.db.session, "remove", lambda: None)
    monkeypatch.setattr(core_jobs.db.session, "rollback", lambda: None)
    turns = []

    core_jobs.sweep_forever(interval=0.1, should_stop=lambda: len(turns.append(1) or turns) > 2)

    assert seen == ["warm", "batch", "batch"]
    assert "préparation en échec" in caplog.text  # the broken one: its first batch builds


def test_warming_up_builds_the_models_of_the_schemes_open_meetings_use(
    db, make_scheme, make_meeting, make_contribution, monkeypatch
):
    open_meeting = make_meeting(scheme=make_scheme(department="Ouverte"))
    make_meeting(scheme=make_scheme(department="Close"), status="closed")
    contribution = make_contribution(meeting=open_meeting, body=AIDANTS)
    db.session.commit()
    built = []
    monkeypatch.setattr(tagging_jobs, "build_suggesters", lambda s: built.append(s.id) or {})

    assert tagging_jobs.warm_suggesters() == 1
    assert suggest_pending() == 1  # its first contribution finds the model ready

    assert built == [open_meeting.scheme_id]
    assert contribution.id not in _pending(db)


class SweeperKilled(BaseException):
    """What the sweeper sees of its process being killed: nothing runs after it."""


def _holds_run_out(db) -> None:
    """Time passes: every sweeper's hold is older than CLAIM_HOLD (its process died)."""
    db.session.execute(
        sa.update(Contribution.__table__).values(
            suggest_claimed_at=utcnow() - CLAIM_HOLD - timedelta(seconds=1)
        )
    )
    db.session.commit()


def test_a_contribution_that_kills_the_sweeper_is_given_up_after_its_attempts(
    db, meeting, make_contribution, monkeypatch, caplog, client, facilitator
):
    deadly = make_contribution(meeting=meeting, body="texte qui fait tomber le worker")
    healthy = make_contribution(meeting=meeting, body=AIDANTS)
    db.session.commit()
    _model_fails_on(monkeypatch, deadly.body, SweeperKilled())
    caplog.set_level(logging.WARNING, logger="consult.tagging.jobs")
    for _ in range(SUGGEST_ATTEMPTS):  # the batch, then the deadly one alone each time
        with pytest.raises(SweeperKilled):
            suggest_pending()
        db.session.rollback()
        _holds_run_out(db)

    assert suggest_pending() == 1  # taken once more: given up without computing it
    assert deadly.id not in _pending(db)
    assert healthy.id in _pending(db)
    assert suggest_pending() == 1  # its neighbour in the first batch, alone
    assert healthy.id not in _pending(db)
    assert _stored(db, healthy.id)
    assert _stored(db, deadly.id) == []
    assert "abandonnées après 3 essais" in caplog.text
    assert suggest_pending() == 0
    page = client.get(f"/moderation/{deadly.id}").get_data(as_text=True)
    assert "Pas de suggestion : leur calcul a échoué à chaque essai" in page


def test_a_held_contribution_is_left_to_its_sweeper_until_the_hold_runs_out(
    db, meeting, make_contribution
):
    first = make_contribution(meeting=meeting, body=AIDANTS)
    second = make_contribution(meeting=meeting, body=TRANSPORTS)
    db.session.commit()

    taken = claim_pending(db.session, limit=1, now=utcnow())
    db.session.commit()
    assert [row.id for row in taken] == [first.id]
    assert [row.id for row in claim_pending(db.session, limit=5, now=utcnow())] == [second.id]
    db.session.commit()
    assert claim_pending(db.session, limit=5, now=utcnow()) == []

    _holds_run_out(db)  # their sweepers died: taken again, one at a time, attempts counted
    again = claim_pending(db.session, limit=5, now=utcnow())
    db.session.commit()
    assert [(row.id, row.suggest_attempts) for row in again] == [(first.id, 1)]
    db.session.refresh(first)
    assert first.suggest_attempts == 2


def test_computed_suggestions_clear_the_attempts(db, meeting, make_contribution):
    contribution = make_contribution(meeting=meeting, body=AIDANTS)
    db.session.commit()
    claim_pending(db.session, limit=5, now=utcnow())
    db.session.commit()
    _holds_run_out(db)

    assert suggest_pending() == 1

    db.session.refresh(contribution)
    assert (contribution.suggest_attempts, contribution.suggest_claimed_at) == (0, None)
    assert not contribution.suggestions_given_up


@pytest.fixture
def shared_database():
    """A scratch PostgreSQL database whose rows every connection sees (committed)."""
    with scratch_postgresql("sweepers", "deux balayeurs en même temps") as database:
        yield database


def test_two_sweepers_taking_at_once_never_take_the_same_contributions(shared_database):
    scheme = import_scheme(load_fixture("savoie.json"), now=utcnow())
    meeting = Meeting(scheme=scheme, kind="concertation_territoriale", status="open", title="R")
    texts = [AIDANTS, TRANSPORTS, AIDANTS + " !", TRANSPORTS + " ?"]
    shared_database.session.add_all([Contribution(meeting=meeting, body=t) for t in texts])
    shared_database.session.commit()
    first = Session(shared_database.engine)
    second = Session(shared_database.engine)
    second.execute(sa.text("SET lock_timeout = '5s'"))  # waiting on the first would fail

    taking = claim_pending(first, limit=2, now=utcnow())  # its transaction still open
    meanwhile = claim_pending(second, limit=5, now=utcnow())
    first.commit()
    second.commit()
    after = claim_pending(second, limit=5, now=utcnow())
    second.commit()

    taken, other = {row.id for row in taking}, {row.id for row in meanwhile}
    assert len(taken) == 2
    assert len(other) == 2
    assert not taken & other
    assert after == []
    first.close()
    second.close()


def test_the_sweeper_keeps_a_young_model_through_new_tags_but_not_new_fiches(
    app, db, meeting, make_contribution, make_user, monkeypatch
):
    """Facilitators tagging while people post: the sweeper's model may miss the last
    tags for SUGGEST_MODEL_MAX_AGE seconds (a refresh job recomputes everything with the
    model that knows them); a change of the scheme's fiches, or an old model, rebuilds."""
    monkeypatch.setitem(app.config, "SUGGEST_MODEL_MAX_AGE", 60)
    scheme_id = meeting.scheme_id
    first, built = tagging_jobs._suggesters_of(scheme_id, stale_ok=True)
    assert built
    tagged = make_contribution(meeting=meeting, body=AIDANTS)
    add_tag(tagged, fiche=meeting.scheme.fiches[0], actor=make_user(role="admin"), now=utcnow())
    db.session.commit()

    assert tagging_jobs._suggesters_of(scheme_id, stale_ok=True) == (first, False)
    newest, rebuilt = tagging_jobs._suggesters_of(scheme_id)  # the refresh job: the newest
    assert rebuilt
    assert newest is not first

    version, suggesters, built_at = tagging_jobs._suggesters[scheme_id]
    tagging_jobs._suggesters[scheme_id] = (version, suggesters, built_at - 61)
    add_tag(tagged, theme=meeting.scheme.themes[0], actor=make_user(role="admin"), now=utcnow())
    db.session.commit()
    older, rebuilt = tagging_jobs._suggesters_of(scheme_id, stale_ok=True)
    assert rebuilt  # older than the limit
    assert older is not newest

    db.session.add(Fiche(scheme_id=scheme_id, number="99", title="Accueillir les nouveaux"))
    db.session.commit()
    assert tagging_jobs._suggesters_of(scheme_id, stale_ok=True)[1]  # a new fiche: rebuilt
