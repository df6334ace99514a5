"""Insert-once for creating forms (core.idempotency)."""

import sqlalchemy as sa

from consult.contributions.models import Support
from consult.core import idempotency
from consult.core.db import add_once, utcnow
from consult.core.idempotency import FormSubmission


def test_a_key_is_remembered_with_its_page(db):
    key = idempotency.new_key()
    assert idempotency.already_done(key) is None
    assert idempotency.commit_once(key, "/rencontres/1/gestion") == "/rencontres/1/gestion"
    assert idempotency.already_done(key) == "/rencontres/1/gestion"


def test_a_twin_commit_gives_the_first_page_and_keeps_one_row(db):
    key = idempotency.new_key()
    idempotency.commit_once(key, "/premier")
    # A second worker that checked before the first committed: its insert collides.
    assert idempotency.commit_once(key, "/second") == "/premier"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FormSubmission)) == 1


def test_malformed_keys_are_ignored(db):
    assert idempotency.already_done("") is None
    assert idempotency.already_done("<script>") is None
    assert idempotency.commit_once("court", "/page") == "/page"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FormSubmission)) == 0


def test_add_once_refuses_a_twin_and_keeps_the_transaction(db, make_contribution):
    contribution = make_contribution(status="published")
    first = Support(contribution_id=contribution.id, supporter_key="k1", created_at=utcnow())
    twin = Support(contribution_id=contribution.id, supporter_key="k1", created_at=utcnow())
    other = Support(contribution_id=contribution.id, supporter_key="k2", created_at=utcnow())
    assert add_once(db.session, first) is True
    assert add_once(db.session, twin) is False
    assert add_once(db.session, other) is True  # the transaction goes on after the refusal
    db.session.commit()
    keys = db.session.scalars(
        sa.select(Support.supporter_key).where(Support.contribution_id == contribution.id)
    ).all()
    assert sorted(keys) == ["k1", "k2"]


def test_insert_once_checks_its_condition_in_the_insert_itself(db, make_meeting):
    """``only_if``: nothing inserted, nothing read, when the condition fails or a twin
    exists; the row is inserted when it holds."""
    from consult.contributions.models import Contribution
    from consult.meetings.models import MeetingForPosting

    meeting = make_meeting(status="open")
    kept = MeetingForPosting.read(meeting.id)

    def draft(key):
        now = utcnow()
        return Contribution(
            meeting_id=meeting.id, body="Plus de bus", kind="proposition", author_type="usager",
            channel="en_ligne", status="pending", idempotency_key=key, consented_at=now,
            created_at=now,
        )  # fmt: skip

    key = Contribution.idempotency_key
    row, created = idempotency.insert_once(draft("a" * 20), key, only_if=kept.unchanged())
    assert created
    assert row.id
    assert row.receipt_code
    assert idempotency.insert_once(draft("a" * 20), key, only_if=kept.unchanged()) == (None, False)
    meeting.status = "closed"
    db.session.flush()
    assert idempotency.insert_once(draft("b" * 20), key, only_if=kept.unchanged()) == (None, False)
    count = sa.select(sa.func.count()).select_from(Contribution)
    assert db.session.scalar(count) == 1
    twin, created = idempotency.insert_once(draft("a" * 20), key)  # without: the twin
    assert (twin.id, created) == (row.id, False)


def test_the_inserted_object_holds_what_the_database_stored(db, make_meeting):
    """Only what the database fills in is returned; the Python-side defaults (receipt
    code, times, counters) come from the INSERT's own parameters: the same values."""
    from consult.contributions.models import Contribution

    meeting = make_meeting(status="open")
    now = utcnow()
    draft = Contribution(
        meeting_id=meeting.id, body="Plus de bus", kind="proposition", author_type="usager",
        channel="en_ligne", status="pending", idempotency_key="c" * 20, consented_at=now,
        created_at=now,
    )  # fmt: skip
    row, created = idempotency.insert_once(draft, Contribution.idempotency_key)
    assert created
    table = Contribution.__table__
    stored = db.session.execute(sa.select(table).where(table.c.id == row.id)).one()._mapping
    mapper = sa.inspect(Contribution)
    for column in table.c:
        attribute = mapper.get_property_by_column(column).key
        assert row.__dict__[attribute] == stored[column], column.key  # loaded, not expired


def test_constant_defaults_are_written_in_the_insert(db, make_meeting):
    """The columns left to a constant default (counters at 0, empty texts) get it in the
    statement itself: only the callable defaults (receipt code, time) are computed at
    each INSERT; the object and the row hold the same values as before."""
    from consult.contributions.models import Contribution

    meeting = make_meeting(status="open")
    now = utcnow()
    draft = Contribution(
        meeting_id=meeting.id, body="Plus de bus le dimanche", kind="proposition",
        author_type="usager", channel="en_ligne", status="pending",
        idempotency_key="d" * 20, consented_at=now, created_at=now,
    )  # fmt: skip
    inserts = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("INSERT INTO contributions"):
            inserts.append(context.compiled)

    sa.event.listen(db.engine, "before_cursor_execute", seen)
    try:
        row, created = idempotency.insert_once(draft, Contribution.idempotency_key)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", seen)
    assert created
    assert {column.key for column in inserts[0].insert_prefetch} == {"receipt_code", "updated_at"}
    table = Contribution.__table__
    stored = db.session.execute(sa.select(table).where(table.c.id == row.id)).one()
    assert (row.support_count, row.weight, row.suggest_attempts) == (0, 1, 0)
    assert (stored.support_count, stored.weight, stored.suggest_attempts) == (0, 1, 0)
    assert (row.rejection_reason, row.on_behalf_of, row.has_personal_data) == ("", "", False)
    assert (stored.rejection_reason, stored.on_behalf_of, stored.has_personal_data) == (
        "", "", False,
    )  # fmt: skip
