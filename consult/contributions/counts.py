"""Published contributions counted ahead, kept by the database itself.

The public figures (the home page's count, the participation indicators of a fiche,
``consult.followup.participation``) used to count every published contribution after
each publication or decision: 330-430 ms and 40-70 ms at 100,000 contributions, in
every process, many times an hour during a live meeting. ``published_counts`` holds
how many published contributions each meeting has, by kind, year of creation (UTC)
and decision outcome ('' while none): a few rows per meeting, summed in a millisecond.

Triggers on ``contributions`` and ``decisions`` keep it right in the transaction that
changes a row, whatever wrote it (a moderator, a merge, a withdrawal, an import, a
purge, a plain SQL ``UPDATE``): no path of the application can forget it, and a
rollback takes the change back with the rest. A row that stops counting is taken out
*before* it is deleted (its decision, deleted with it by the foreign key, still tells
its outcome); the decision's own trigger then finds no contribution and does nothing.
On PostgreSQL a decision's trigger reads its contribution ``FOR SHARE``: a concurrent
change of the contribution's status waits for it (or it for the change) and the other
trigger reads what was committed, so two transactions never count the same move twice.

Created by :func:`install_counting` from the migration, and after ``create_all``
(metadata events below). SQLite drops a table's triggers with the table: a later batch
migration that recreates ``contributions`` or ``decisions`` must call
``install_counting(op.get_bind())`` again (it recounts everything).
"""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from consult.core.db import with_table
from consult.extensions import db

NO_OUTCOME = ""  # a published contribution no working group has answered yet


class PublishedCount(db.Model):
    """How many published contributions of a meeting share a kind, a year and an outcome
    (written only by the database's triggers, see the module docstring)."""

    __tablename__ = "published_counts"

    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    outcome: Mapped[str] = mapped_column(sa.String(30), primary_key=True)
    # Contribution id modulo SLOTS: contributions published at the same moment (a meeting
    # that publishes at once, 8 people posting) add to different rows, not one row
    # locked by each transaction until it commits (one row: 383-414 inserts/s where the
    # table without trigger takes 1,534-1,711, PostgreSQL, 8 clients).
    slot: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True)
    count: Mapped[int] = mapped_column(default=0, server_default="0")


def published_total() -> int:
    """Every published contribution (the home page's figure)."""
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(PublishedCount.count), 0)))


# --- The triggers -----------------------------------------------------------------------

# What counts: recount everything (install, and a check that nothing drifted).
RECOUNT = """
INSERT INTO published_counts (meeting_id, kind, year, outcome, slot, count)
SELECT c.meeting_id, c.kind, {year}, COALESCE(d.outcome, ''), {slot}, COUNT(*)
FROM contributions c LEFT JOIN decisions d ON d.contribution_id = c.id
WHERE c.status = 'published'
GROUP BY c.meeting_id, c.kind, {year}, COALESCE(d.outcome, ''), {slot}
"""

_POSTGRESQL_INSTALL = (
    """
CREATE OR REPLACE FUNCTION published_counts_year(t timestamptz) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT CAST(EXTRACT(YEAR FROM t AT TIME ZONE 'UTC') AS INTEGER) $$""",
    """
CREATE OR REPLACE FUNCTION published_counts_add(
    m integer, k varchar, y integer, o varchar, s integer, n integer
) RETURNS void LANGUAGE sql AS $$
    INSERT INTO published_counts (meeting_id, kind, year, outcome, slot, count)
    VALUES (m, k, y, COALESCE(o, ''), s, n)
    ON CONFLICT (meeting_id, kind, year, outcome, slot)
    DO UPDATE SET count = published_counts.count + EXCLUDED.count
$$""",
    """
CREATE OR REPLACE FUNCTION published_counts_contribution() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.status = 'published' THEN
        PERFORM published_counts_add(
            OLD.meeting_id, OLD.kind, published_counts_year(OLD.created_at),
            (SELECT outcome FROM decisions WHERE contribution_id = OLD.id), mod(OLD.id, 16), -1);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status = 'published' THEN
        PERFORM published_counts_add(
            NEW.meeting_id, NEW.kind, published_counts_year(NEW.created_at),
            (SELECT outcome FROM decisions WHERE contribution_id = NEW.id), mod(NEW.id, 16), 1);
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;  -- a BEFORE trigger: the delete goes on
    END IF;
    RETURN NULL;
END $$""",
    """
CREATE OR REPLACE FUNCTION published_counts_decision() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    c record;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        SELECT meeting_id, kind, published_counts_year(created_at) AS year, mod(id, 16) AS slot
        INTO c FROM contributions
        WHERE id = OLD.contribution_id AND status = 'published' FOR SHARE;
        IF FOUND THEN
            PERFORM published_counts_add(c.meeting_id, c.kind, c.year, OLD.outcome, c.slot, -1);
            PERFORM published_counts_add(c.meeting_id, c.kind, c.year, '', c.slot, 1);
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        SELECT meeting_id, kind, published_counts_year(created_at) AS year, mod(id, 16) AS slot
        INTO c FROM contributions
        WHERE id = NEW.contribution_id AND status = 'published' FOR SHARE;
        IF FOUND THEN
            PERFORM published_counts_add(c.meeting_id, c.kind, c.year, '', c.slot, -1);
            PERFORM published_counts_add(c.meeting_id, c.kind, c.year, NEW.outcome, c.slot, 1);
        END IF;
    END IF;
    RETURN NULL;
END $$""",
    "DROP TRIGGER IF EXISTS published_counts_insert ON contributions",
    "CREATE TRIGGER published_counts_insert AFTER INSERT ON contributions"
    " FOR EACH ROW WHEN (NEW.status = 'published')"
    " EXECUTE FUNCTION published_counts_contribution()",
    "DROP TRIGGER IF EXISTS published_counts_update ON contributions",
    "CREATE TRIGGER published_counts_update"
    " AFTER UPDATE OF status, meeting_id, kind, created_at ON contributions"
    " FOR EACH ROW WHEN (OLD.status = 'published' OR NEW.status = 'published')"
    " EXECUTE FUNCTION published_counts_contribution()",
    "DROP TRIGGER IF EXISTS published_counts_delete ON contributions",
    "CREATE TRIGGER published_counts_delete BEFORE DELETE ON contributions"
    " FOR EACH ROW WHEN (OLD.status = 'published')"
    " EXECUTE FUNCTION published_counts_contribution()",
    "DROP TRIGGER IF EXISTS published_counts_decision ON decisions",
    "CREATE TRIGGER published_counts_decision"
    " AFTER INSERT OR DELETE OR UPDATE OF contribution_id, outcome ON decisions"
    " FOR EACH ROW EXECUTE FUNCTION published_counts_decision()",
)
_POSTGRESQL_DROP = (
    "DROP TRIGGER IF EXISTS published_counts_insert ON contributions",
    "DROP TRIGGER IF EXISTS published_counts_update ON contributions",
    "DROP TRIGGER IF EXISTS published_counts_delete ON contributions",
    "DROP TRIGGER IF EXISTS published_counts_decision ON decisions",
    "DROP FUNCTION IF EXISTS published_counts_contribution()",
    "DROP FUNCTION IF EXISTS published_counts_decision()",
    "DROP FUNCTION IF EXISTS published_counts_add(integer, varchar, integer, varchar, integer,"
    " integer)",
    "DROP FUNCTION IF EXISTS published_counts_year(timestamptz)",
)


def _sqlite_upsert(rows: str) -> str:
    """Add ``rows`` (meeting, kind, year, outcome, slot, ±n) to the counts. (An ``INSERT …
    SELECT`` with an upsert needs a ``WHERE`` in a trigger: each has one.)"""
    return (
        "INSERT INTO published_counts (meeting_id, kind, year, outcome, slot, count) "
        + rows
        + " ON CONFLICT (meeting_id, kind, year, outcome, slot)"
        " DO UPDATE SET count = count + excluded.count;"
    )


def _sqlite_contribution(row: str, n: int) -> str:
    """Count ``row`` (OLD or NEW) of contributions in (1) or out (-1) when it is
    published, with its decision's outcome."""
    return _sqlite_upsert(  # the trigger's own words only, nothing from outside
        f"SELECT {row}.meeting_id, {row}.kind, CAST(strftime('%Y', {row}.created_at) AS INTEGER),"  # noqa: S608
        f" COALESCE((SELECT outcome FROM decisions WHERE contribution_id = {row}.id), ''),"
        f" {row}.id % 16, {n}"
        f" WHERE {row}.status = 'published'"
    )


def _sqlite_decision(row: str, old: str, new: str) -> str:
    """Decision ``row`` (OLD or NEW) moves its contribution, when published, from
    outcome ``old`` to ``new``."""
    return _sqlite_upsert(  # the trigger's own words only, nothing from outside
        "SELECT c.meeting_id, c.kind, CAST(strftime('%Y', c.created_at) AS INTEGER),"  # noqa: S608
        " o.outcome, c.id % 16, o.n FROM contributions AS c,"
        f" (SELECT {old} AS outcome, -1 AS n UNION ALL SELECT {new}, 1) AS o"
        f" WHERE c.id = {row}.contribution_id AND c.status = 'published'"
    )


_SQLITE_INSTALL = (
    "DROP TRIGGER IF EXISTS published_counts_insert",
    "CREATE TRIGGER published_counts_insert AFTER INSERT ON contributions"
    " WHEN NEW.status = 'published' BEGIN " + _sqlite_contribution("NEW", 1) + " END",
    "DROP TRIGGER IF EXISTS published_counts_update",
    "CREATE TRIGGER published_counts_update"
    " AFTER UPDATE OF status, meeting_id, kind, created_at ON contributions"
    " WHEN OLD.status = 'published' OR NEW.status = 'published' BEGIN "
    + _sqlite_contribution("OLD", -1)
    + _sqlite_contribution("NEW", 1)
    + " END",
    "DROP TRIGGER IF EXISTS published_counts_delete",
    "CREATE TRIGGER published_counts_delete BEFORE DELETE ON contributions"
    " WHEN OLD.status = 'published' BEGIN " + _sqlite_contribution("OLD", -1) + " END",
    "DROP TRIGGER IF EXISTS published_counts_decision_insert",
    "CREATE TRIGGER published_counts_decision_insert AFTER INSERT ON decisions BEGIN "
    + _sqlite_decision("NEW", "''", "NEW.outcome")
    + " END",
    "DROP TRIGGER IF EXISTS published_counts_decision_delete",
    "CREATE TRIGGER published_counts_decision_delete AFTER DELETE ON decisions BEGIN "
    + _sqlite_decision("OLD", "OLD.outcome", "''")
    + " END",
    "DROP TRIGGER IF EXISTS published_counts_decision_update",
    "CREATE TRIGGER published_counts_decision_update"
    " AFTER UPDATE OF contribution_id, outcome ON decisions BEGIN "
    + _sqlite_decision("OLD", "OLD.outcome", "''")
    + _sqlite_decision("NEW", "''", "NEW.outcome")
    + " END",
)
_SQLITE_DROP = tuple(s for s in _SQLITE_INSTALL if s.startswith("DROP"))
_SQLITE_YEAR = "CAST(strftime('%Y', c.created_at) AS INTEGER)"
_POSTGRESQL_RECOUNT_YEAR = "CAST(EXTRACT(YEAR FROM c.created_at AT TIME ZONE 'UTC') AS INTEGER)"


def install_counting(connection) -> None:
    """Create the triggers (and on PostgreSQL their functions), then count everything
    again from the contributions; idempotent."""
    dialect = connection.dialect.name
    install = {"sqlite": _SQLITE_INSTALL, "postgresql": _POSTGRESQL_INSTALL}[dialect]
    for statement in install:
        connection.exec_driver_sql(statement)
    recount(connection)


def recount(connection) -> None:
    """Count every published contribution again (install; a repair if ever needed)."""
    if connection.dialect.name == "sqlite":
        year, slot = _SQLITE_YEAR, "c.id % 16"
    else:  # (psycopg reads % as a placeholder)
        year, slot = _POSTGRESQL_RECOUNT_YEAR, "mod(c.id, 16)"
    connection.exec_driver_sql("DELETE FROM published_counts")
    connection.exec_driver_sql(RECOUNT.format(year=year, slot=slot))


def drop_counting(connection) -> None:
    """Remove what :func:`install_counting` created (the table is the model's); idempotent."""
    drop = {"sqlite": _SQLITE_DROP, "postgresql": _POSTGRESQL_DROP}[connection.dialect.name]
    for statement in drop:
        connection.exec_driver_sql(statement)


with_table(db.metadata, "published_counts", install_counting, drop_counting)
