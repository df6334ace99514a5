"""The counts the database keeps of published contributions (consult.contributions.counts)
never drift: after every kind of change, they equal a count of the contributions."""

from collections import Counter
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from consult.contributions.counts import PublishedCount, published_total, recount
from consult.contributions.models import Contribution
from consult.core.db import utcnow
from consult.followup.participation import participation_by_year
from consult.meetings.models import Meeting
from consult.moderation import services as moderation
from consult.moderation.models import REJECTION_REASONS
from consult.privacy.services import withdraw
from consult.schemes.importer import import_scheme
from consult.suite.services import _public_ids, counted_outcomes, outcomes
from consult.workgroups.models import Decision
from tests.factories import HOSTILE_TEXT, at_once, load_fixture, scratch_postgresql


def kept(db) -> Counter:
    """What the triggers counted, over every slot (keys at zero left out)."""
    rows = db.session.execute(
        sa.select(
            PublishedCount.meeting_id,
            PublishedCount.kind,
            PublishedCount.year,
            PublishedCount.outcome,
            PublishedCount.count,
        )
    )
    found = Counter()
    for *key, count in rows:
        found[tuple(key)] += count
    return +found  # (Counter's unary plus drops the zeros)


def counted(db) -> Counter:
    """The same figures counted from the contributions themselves, in Python."""
    db.session.flush()
    rows = db.session.execute(
        sa.select(Contribution.meeting_id, Contribution.kind, Contribution.created_at, Decision)
        .outerjoin(Decision, Decision.contribution_id == Contribution.id)
        .where(Contribution.status == "published")
    )
    return Counter(
        (meeting_id, kind, created.astimezone(UTC).year, decision.outcome if decision else "")
        for meeting_id, kind, created, decision in rows
    )


def check(db) -> None:
    db.session.flush()
    assert kept(db) == counted(db)
    assert published_total() == sum(counted(db).values())


@pytest.fixture
def staff(make_user):
    return make_user(role="moderator")


def test_every_change_of_status_keeps_the_counts(db, make_meeting, make_contribution, staff):
    now = utcnow()
    meeting, other = make_meeting(), make_meeting()
    pending = make_contribution(meeting=meeting, status="pending", kind="proposition")
    published = [make_contribution(meeting=meeting, kind="proposition") for _ in range(3)]
    make_contribution(meeting=other, kind="constat")
    check(db)
    assert published_total() == 4

    moderation.publish(pending, actor=staff, now=now)
    check(db)
    moderation.reject(published[0], actor=staff, reason=next(iter(REJECTION_REASONS)), now=now)
    check(db)
    moderation.publish(published[0], actor=staff, now=now)  # a rejection undone
    check(db)
    moderation.merge(published[1], [published[2]], actor=staff, now=now)
    check(db)
    assert published_total() == 4
    moderation.undo_merge(published[2], actor=staff, now=now)
    check(db)
    withdraw(published[2], now=now)
    check(db)
    assert published_total() == 4


def test_decisions_move_their_contribution_between_outcomes(db, make_contribution):
    contribution = make_contribution(kind="proposition")
    pending = make_contribution(meeting=contribution.meeting, status="pending")
    decision = Decision(contribution_id=contribution.id, outcome="retenue")
    db.session.add_all([decision, Decision(contribution_id=pending.id, outcome="hors_champ")])
    check(db)
    assert kept(db)[(contribution.meeting_id, "proposition", utcnow().year, "retenue")] == 1
    decision.outcome = "non_retenue"
    check(db)
    contribution.status = "rejected"  # a decided contribution leaves the public figures
    check(db)
    contribution.status = "published"
    check(db)
    db.session.delete(decision)
    check(db)
    pending.status = "published"  # published after its decision: counted with it
    check(db)
    assert kept(db)[(pending.meeting_id, "constat", utcnow().year, "hors_champ")] == 0
    assert sum(v for k, v in kept(db).items() if k[3] == "hors_champ") == 1


def test_kind_meeting_and_date_changes_and_deletions(db, make_meeting, make_contribution):
    contribution = make_contribution(kind="proposition")
    db.session.add(Decision(contribution_id=contribution.id, outcome="retenue"))
    check(db)
    contribution.kind = "question"
    check(db)
    contribution.meeting = make_meeting()
    check(db)
    contribution.created_at = datetime(2021, 12, 31, 23, 30, tzinfo=UTC)
    check(db)
    db.session.delete(contribution)  # its decision goes with it (foreign key)
    check(db)
    assert published_total() == 0


def test_plain_sql_is_counted_too(db, make_meeting, make_contribution):
    meeting = make_meeting()
    ids = [make_contribution(meeting=meeting, status="pending").id for _ in range(4)]
    db.session.execute(
        sa.update(Contribution).where(Contribution.id.in_(ids[:3])).values(status="published")
    )
    check(db)
    db.session.execute(sa.delete(Contribution).where(Contribution.id == ids[0]))
    check(db)
    db.session.execute(sa.insert(Decision).values(contribution_id=ids[1], outcome="retenue"))
    check(db)
    db.session.execute(sa.update(Decision).values(contribution_id=ids[2]))
    check(db)
    assert published_total() == 2


def test_recount_finds_the_same(db, make_meeting, make_contribution):
    meeting = make_meeting()
    for kind in ("proposition", "constat", "proposition"):
        make_contribution(meeting=meeting, kind=kind)
    before = kept(db)
    recount(db.session.connection())
    assert kept(db) == before == counted(db)


def test_participation_reads_the_counts(db, make_meeting, make_contribution):
    """Contributions count in the year of their meeting when it has a date, else their own;
    a year shows only with activity."""
    scheme_meeting = make_meeting(held_on=datetime(2023, 5, 2, tzinfo=UTC).date())
    undated = make_meeting(scheme=scheme_meeting.scheme, status="open")
    make_contribution(meeting=scheme_meeting, kind="proposition")
    decided = make_contribution(meeting=scheme_meeting, kind="proposition")
    db.session.add(Decision(contribution_id=decided.id, outcome="partiellement_retenue"))
    make_contribution(meeting=undated, kind="constat", created_at=datetime(2024, 2, 1, tzinfo=UTC))
    gone = make_contribution(
        meeting=undated, kind="constat", created_at=datetime(2022, 2, 1, tzinfo=UTC)
    )
    gone.status = "rejected"
    db.session.flush()
    figures = participation_by_year(scheme_meeting.scheme_id)
    assert figures[2023].contributions == 2
    assert (figures[2023].proposals, figures[2023].retained) == (2, 1)
    assert figures[2024].contributions == 1
    assert figures[2024].proposals == 0
    assert 2022 not in figures


@pytest.fixture
def shared_database():
    """A scratch PostgreSQL database whose rows every connection sees (committed)."""
    with scratch_postgresql("counts", "deux transactions en même temps") as database:
        yield database


@pytest.mark.parametrize("status_first", [True, False])
def test_a_decision_and_a_change_of_status_at_once_are_counted_once(shared_database, status_first):
    scheme = import_scheme(load_fixture("savoie.json"), now=utcnow())
    meeting = Meeting(scheme=scheme, kind="concertation_territoriale", status="open", title="R")
    contribution = Contribution(meeting=meeting, body=HOSTILE_TEXT, status="published")
    shared_database.session.add(contribution)
    shared_database.session.commit()
    contribution_id = contribution.id

    def reject(session):
        session.execute(
            sa.update(Contribution)
            .where(Contribution.id == contribution_id)
            .values(status="rejected")
        )

    def decide(session):
        session.add(Decision(contribution_id=contribution_id, outcome="retenue"))
        session.flush()

    changes = (reject, decide) if status_first else (decide, reject)
    at_once(shared_database, *changes)

    shared_database.session.expire_all()
    assert kept(shared_database) == counted(shared_database) == Counter()


def test_outcomes_read_from_the_counts_equal_a_count_of_the_contributions(
    db, make_meeting, make_contribution
):
    """The droit de suite's overview and meeting pages: public meetings only."""
    meeting = make_meeting()
    draft = make_meeting(scheme=meeting.scheme, status="draft")
    other = make_meeting()
    made = [make_contribution(meeting=m) for m in (meeting, meeting, meeting, draft, other)]
    make_contribution(meeting=meeting, status="pending")
    answers = ("retenue", "hors_champ", None, "retenue", "retenue")
    for contribution, outcome in zip(made, answers, strict=True):
        if outcome:
            db.session.add(Decision(contribution_id=contribution.id, outcome=outcome))
    db.session.flush()

    for where in (Meeting.id == meeting.id, Meeting.scheme_id == meeting.scheme_id):
        assert counted_outcomes(where) == outcomes(_public_ids(where))
    assert counted_outcomes(Meeting.scheme_id == meeting.scheme_id).total == 3
    assert counted_outcomes(Meeting.id == draft.id).total == 0
