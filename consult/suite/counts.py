# ruff: noqa: S608 - SQL built from this module's own constants only, nothing from outside
"""Published contributions of a theme and of a fiche, counted ahead by the database.

A theme's public page (``/suite/thematiques/<id>``) counts the published contributions
tagged with the theme, by decision outcome, and lists the fiches that answer any of
them; a fiche's (``/suite/fiches/<id>``) counts the published contributions it answers:
linked to it (``fiche_contributions``) or decided with it (``decisions.fiche_id``), once
when both. Done again after every publication or decision, that took each process
60-230 ms at 100,000 contributions, many times a minute during a live meeting. As
``consult.contributions.counts`` does for meetings, the database keeps:

- ``theme_counts``: published contributions per theme, meeting and outcome ('' while none);
- ``fiche_counts``: published contributions per fiche and meeting;
- ``theme_fiche_counts``: published contributions per theme, fiche (answering them) and
  meeting;

16 slots each (contribution id modulo 16), summed in a millisecond; the meeting is kept
so that the pages leave out meetings in preparation, as the full counts did.

Triggers keep them right in the transaction that changes a row, whatever wrote it:

- ``contributions``: a change of status (into or out of ``published``) or of meeting
  moves the contribution in or out of its themes, its fiches and their pairs; a
  deletion takes it out *before* the row goes (its tags, links and decision, deleted
  with it by the foreign keys, still tell what it counted in); their own triggers then
  find no contribution and do nothing. An inserted contribution has no tag, link nor
  decision yet: no trigger.
- ``contribution_tags`` (theme tags): a tag added, removed or moved counts its published
  contribution in or out of the theme (with its decision's outcome) and of the theme's
  pairs with the fiches that answer it.
- ``decisions``: a new, changed or deleted decision moves its published contribution
  between outcomes in each of its themes, and in or out of its fiche (and the fiche's
  pairs with its themes) unless the contribution is also linked to that fiche.
- ``fiche_contributions``: a link added, removed or moved counts its published
  contribution in or out of the fiche (and of its pairs) unless its decision names that
  fiche.

A tag, link or decision deleted because its theme or fiche is (foreign key cascade, or
``SET NULL`` of ``decisions.fiche_id``) finds no theme or fiche and does nothing: the
counts of a deleted theme or fiche go with it (their own foreign key).

On PostgreSQL the tag, link and decision triggers first lock their contribution
``FOR NO KEY UPDATE`` (what a change of its status holds anyway): two transactions that
touch the same contribution's status, tags, links or decision wait for one another, and
the later reads what the earlier committed (READ COMMITTED, PostgreSQL's default and the
platform's), so that none counts a move the other made or misses it (the price: a tag,
link or decision waits for an open transaction that updates its contribution's row, and
the other way round, where a foreign key's check did not; the platform's transactions
are short). The decision
trigger is named to run before ``published_counts_decision`` (triggers fire in name
order), so that it takes its lock before that one's ``FOR SHARE``: two decisions on one
contribution at once then wait instead of deadlocking.

Created by :func:`install_counting` from the migration, and after ``create_all``
(metadata events below). SQLite drops a table's triggers with the table: a later batch
migration that recreates one of the four tables it watches must call
``install_counting(op.get_bind())`` again (it recounts everything).
"""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from consult.core.db import with_table
from consult.extensions import db


class ThemeCount(db.Model):
    """How many published contributions of a meeting are tagged with a theme and got an
    outcome ('' while none); written only by the database's triggers (module docstring)."""

    __tablename__ = "theme_counts"

    theme_id: Mapped[int] = mapped_column(
        sa.ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True
    )
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    outcome: Mapped[str] = mapped_column(sa.String(30), primary_key=True)
    slot: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True)
    count: Mapped[int] = mapped_column(default=0, server_default="0")


class FicheCount(db.Model):
    """How many published contributions of a meeting a fiche answers (linked to it or
    decided with it, once); written only by the database's triggers (module docstring)."""

    __tablename__ = "fiche_counts"

    fiche_id: Mapped[int] = mapped_column(
        sa.ForeignKey("fiches.id", ondelete="CASCADE"), primary_key=True
    )
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    slot: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True)
    count: Mapped[int] = mapped_column(default=0, server_default="0")


class ThemeFicheCount(db.Model):
    """How many published contributions of a meeting are tagged with a theme and answered
    by a fiche (which fiches answer a theme); written only by the database's triggers."""

    __tablename__ = "theme_fiche_counts"

    theme_id: Mapped[int] = mapped_column(
        sa.ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True
    )
    fiche_id: Mapped[int] = mapped_column(
        sa.ForeignKey("fiches.id", ondelete="CASCADE"), primary_key=True
    )
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    slot: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True)
    count: Mapped[int] = mapped_column(default=0, server_default="0")


# --- Recounting -------------------------------------------------------------------------

# What counts: the triggers keep exactly these (install, and a check that nothing drifted).
THEME_RECOUNT = """
INSERT INTO theme_counts (theme_id, meeting_id, outcome, slot, count)
SELECT t.theme_id, c.meeting_id, COALESCE(d.outcome, ''), {slot}, COUNT(*)
FROM contributions c
JOIN contribution_tags t ON t.contribution_id = c.id AND t.theme_id IS NOT NULL
LEFT JOIN decisions d ON d.contribution_id = c.id
WHERE c.status = 'published'
GROUP BY t.theme_id, c.meeting_id, COALESCE(d.outcome, ''), {slot}
"""
FICHE_RECOUNT = """
INSERT INTO fiche_counts (fiche_id, meeting_id, slot, count)
SELECT f.fiche_id, c.meeting_id, {slot}, COUNT(*)
FROM contributions c
JOIN (
    SELECT fiche_id, contribution_id FROM fiche_contributions
    UNION
    SELECT fiche_id, contribution_id FROM decisions WHERE fiche_id IS NOT NULL
) f ON f.contribution_id = c.id
WHERE c.status = 'published'
GROUP BY f.fiche_id, c.meeting_id, {slot}
"""
PAIR_RECOUNT = """
INSERT INTO theme_fiche_counts (theme_id, fiche_id, meeting_id, slot, count)
SELECT t.theme_id, f.fiche_id, c.meeting_id, {slot}, COUNT(*)
FROM contributions c
JOIN contribution_tags t ON t.contribution_id = c.id AND t.theme_id IS NOT NULL
JOIN (
    SELECT fiche_id, contribution_id FROM fiche_contributions
    UNION
    SELECT fiche_id, contribution_id FROM decisions WHERE fiche_id IS NOT NULL
) f ON f.contribution_id = c.id
WHERE c.status = 'published'
GROUP BY t.theme_id, f.fiche_id, c.meeting_id, {slot}
"""


# --- PostgreSQL -------------------------------------------------------------------------

_UPSERT_THEME = """
    ON CONFLICT (theme_id, meeting_id, outcome, slot)
    DO UPDATE SET count = theme_counts.count + EXCLUDED.count"""
_UPSERT_FICHE = """
    ON CONFLICT (fiche_id, meeting_id, slot)
    DO UPDATE SET count = fiche_counts.count + EXCLUDED.count"""
_UPSERT_PAIR = """
    ON CONFLICT (theme_id, fiche_id, meeting_id, slot)
    DO UPDATE SET count = theme_fiche_counts.count + EXCLUDED.count"""
# Subqueries of contribution ``c``: its themes, the fiches that answer it (no duplicates).
_THEMES = (
    "SELECT theme_id FROM contribution_tags WHERE contribution_id = c AND theme_id IS NOT NULL"
)
_FICHES = (
    "SELECT fiche_id FROM fiche_contributions WHERE contribution_id = c"
    " UNION SELECT fiche_id FROM decisions WHERE contribution_id = c AND fiche_id IS NOT NULL"
)
_POSTGRESQL_FUNCTIONS = (
    # Published contribution c (of meeting m) in (n = 1) or out (-1) of theme t with
    # outcome o, and of the theme's pairs with the fiches that answer it (pairs: when
    # ``pairs``; an outcome's change leaves them).
    f"""
CREATE OR REPLACE FUNCTION answer_counts_theme(
    t integer, c integer, m integer, o varchar, n integer, pairs boolean
) RETURNS void LANGUAGE sql AS $$
    INSERT INTO theme_counts (theme_id, meeting_id, outcome, slot, count)
    VALUES (t, m, COALESCE(o, ''), mod(c, 16), n) {_UPSERT_THEME};
    INSERT INTO theme_fiche_counts (theme_id, fiche_id, meeting_id, slot, count)
    SELECT t, f.fiche_id, m, mod(c, 16), n FROM ({_FICHES}) f WHERE pairs {_UPSERT_PAIR};
$$""",
    # Published contribution c (of meeting m) in (n = 1) or out (-1) of fiche f, and of
    # the fiche's pairs with the contribution's themes.
    f"""
CREATE OR REPLACE FUNCTION answer_counts_fiche(f integer, c integer, m integer, n integer)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO fiche_counts (fiche_id, meeting_id, slot, count)
    VALUES (f, m, mod(c, 16), n) {_UPSERT_FICHE};
    INSERT INTO theme_fiche_counts (theme_id, fiche_id, meeting_id, slot, count)
    SELECT t.theme_id, f, m, mod(c, 16), n FROM ({_THEMES}) t {_UPSERT_PAIR};
$$""",
    # Published contribution c (of meeting m) in (n = 1) or out (-1) of everything.
    f"""
CREATE OR REPLACE FUNCTION answer_counts_move(c integer, m integer, n integer)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO theme_counts (theme_id, meeting_id, outcome, slot, count)
    SELECT t.theme_id, m, COALESCE((SELECT outcome FROM decisions WHERE contribution_id = c), ''),
           mod(c, 16), n
    FROM ({_THEMES}) t {_UPSERT_THEME};
    INSERT INTO fiche_counts (fiche_id, meeting_id, slot, count)
    SELECT f.fiche_id, m, mod(c, 16), n FROM ({_FICHES}) f {_UPSERT_FICHE};
    INSERT INTO theme_fiche_counts (theme_id, fiche_id, meeting_id, slot, count)
    SELECT t.theme_id, f.fiche_id, m, mod(c, 16), n
    FROM ({_THEMES}) t, ({_FICHES}) f {_UPSERT_PAIR};
$$""",
    # The meeting of contribution c when it is published (NULL otherwise), the row locked:
    # see the module docstring.
    """
CREATE OR REPLACE FUNCTION answer_counts_published(c integer) RETURNS integer
LANGUAGE sql AS $$
    SELECT meeting_id FROM contributions WHERE id = c AND status = 'published'
    FOR NO KEY UPDATE
$$""",
    """
CREATE OR REPLACE FUNCTION answer_counts_contribution() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM answer_counts_move(OLD.id, OLD.meeting_id, -1);
        RETURN OLD;  -- a BEFORE trigger: the delete goes on
    END IF;
    IF OLD.status = 'published' THEN
        PERFORM answer_counts_move(OLD.id, OLD.meeting_id, -1);
    END IF;
    IF NEW.status = 'published' THEN
        PERFORM answer_counts_move(NEW.id, NEW.meeting_id, 1);
    END IF;
    RETURN NULL;
END $$""",
    """
CREATE OR REPLACE FUNCTION answer_counts_tag() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    m integer;
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.theme_id IS NOT NULL THEN
        m := answer_counts_published(OLD.contribution_id);
        IF m IS NOT NULL AND EXISTS (SELECT 1 FROM themes WHERE id = OLD.theme_id) THEN
            PERFORM answer_counts_theme(
                OLD.theme_id, OLD.contribution_id, m,
                (SELECT outcome FROM decisions WHERE contribution_id = OLD.contribution_id),
                -1, true);
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.theme_id IS NOT NULL THEN
        m := answer_counts_published(NEW.contribution_id);
        IF m IS NOT NULL THEN
            PERFORM answer_counts_theme(
                NEW.theme_id, NEW.contribution_id, m,
                (SELECT outcome FROM decisions WHERE contribution_id = NEW.contribution_id),
                1, true);
        END IF;
    END IF;
    RETURN NULL;
END $$""",
    """
CREATE OR REPLACE FUNCTION answer_counts_link() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    m integer;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        m := answer_counts_published(OLD.contribution_id);
        IF m IS NOT NULL AND EXISTS (SELECT 1 FROM fiches WHERE id = OLD.fiche_id)
           AND NOT EXISTS (SELECT 1 FROM decisions
                           WHERE contribution_id = OLD.contribution_id
                           AND fiche_id = OLD.fiche_id) THEN
            PERFORM answer_counts_fiche(OLD.fiche_id, OLD.contribution_id, m, -1);
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        m := answer_counts_published(NEW.contribution_id);
        IF m IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM decisions
                           WHERE contribution_id = NEW.contribution_id
                           AND fiche_id = NEW.fiche_id) THEN
            PERFORM answer_counts_fiche(NEW.fiche_id, NEW.contribution_id, m, 1);
        END IF;
    END IF;
    RETURN NULL;
END $$""",
    """
CREATE OR REPLACE FUNCTION answer_counts_decision() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    m integer;
    t integer;
    moved boolean := TG_OP <> 'UPDATE' OR OLD.contribution_id <> NEW.contribution_id;
    outcomes boolean := moved OR OLD.outcome IS DISTINCT FROM NEW.outcome;
    fiches boolean := moved OR OLD.fiche_id IS DISTINCT FROM NEW.fiche_id;
BEGIN
    IF TG_OP <> 'INSERT' AND (outcomes OR fiches) THEN
        m := answer_counts_published(OLD.contribution_id);
        IF m IS NOT NULL AND outcomes THEN
            FOR t IN SELECT theme_id FROM contribution_tags
                     WHERE contribution_id = OLD.contribution_id AND theme_id IS NOT NULL LOOP
                PERFORM answer_counts_theme(t, OLD.contribution_id, m, OLD.outcome, -1, false);
                PERFORM answer_counts_theme(t, OLD.contribution_id, m, '', 1, false);
            END LOOP;
        END IF;
        IF m IS NOT NULL AND fiches AND OLD.fiche_id IS NOT NULL
           AND EXISTS (SELECT 1 FROM fiches WHERE id = OLD.fiche_id)
           AND NOT EXISTS (SELECT 1 FROM fiche_contributions
                           WHERE fiche_id = OLD.fiche_id
                           AND contribution_id = OLD.contribution_id) THEN
            PERFORM answer_counts_fiche(OLD.fiche_id, OLD.contribution_id, m, -1);
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' AND (outcomes OR fiches) THEN
        m := answer_counts_published(NEW.contribution_id);
        IF m IS NOT NULL AND outcomes THEN
            FOR t IN SELECT theme_id FROM contribution_tags
                     WHERE contribution_id = NEW.contribution_id AND theme_id IS NOT NULL LOOP
                PERFORM answer_counts_theme(t, NEW.contribution_id, m, '', -1, false);
                PERFORM answer_counts_theme(t, NEW.contribution_id, m, NEW.outcome, 1, false);
            END LOOP;
        END IF;
        IF m IS NOT NULL AND fiches AND NEW.fiche_id IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM fiche_contributions
                           WHERE fiche_id = NEW.fiche_id
                           AND contribution_id = NEW.contribution_id) THEN
            PERFORM answer_counts_fiche(NEW.fiche_id, NEW.contribution_id, m, 1);
        END IF;
    END IF;
    RETURN NULL;
END $$""",
)
_POSTGRESQL_TRIGGERS = (
    ("answer_counts_update", "contributions"),
    ("answer_counts_delete", "contributions"),
    ("answer_counts_tag", "contribution_tags"),
    ("answer_counts_link", "fiche_contributions"),
    # Before published_counts_decision (name order): see the module docstring.
    ("answer_counts_decision", "decisions"),
)
_POSTGRESQL_INSTALL = (
    *_POSTGRESQL_FUNCTIONS,
    *(f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table in _POSTGRESQL_TRIGGERS),
    "CREATE TRIGGER answer_counts_update AFTER UPDATE OF status, meeting_id ON contributions"
    " FOR EACH ROW WHEN ((OLD.status = 'published' OR NEW.status = 'published')"
    " AND (OLD.status IS DISTINCT FROM NEW.status OR OLD.meeting_id <> NEW.meeting_id))"
    " EXECUTE FUNCTION answer_counts_contribution()",
    "CREATE TRIGGER answer_counts_delete BEFORE DELETE ON contributions"
    " FOR EACH ROW WHEN (OLD.status = 'published')"
    " EXECUTE FUNCTION answer_counts_contribution()",
    "CREATE TRIGGER answer_counts_tag"
    " AFTER INSERT OR DELETE OR UPDATE OF contribution_id, theme_id ON contribution_tags"
    " FOR EACH ROW EXECUTE FUNCTION answer_counts_tag()",
    "CREATE TRIGGER answer_counts_link"
    " AFTER INSERT OR DELETE OR UPDATE OF contribution_id, fiche_id ON fiche_contributions"
    " FOR EACH ROW EXECUTE FUNCTION answer_counts_link()",
    "CREATE TRIGGER answer_counts_decision"
    " AFTER INSERT OR DELETE OR UPDATE OF contribution_id, outcome, fiche_id ON decisions"
    " FOR EACH ROW EXECUTE FUNCTION answer_counts_decision()",
)
_POSTGRESQL_DROP = (
    *(f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table in _POSTGRESQL_TRIGGERS),
    "DROP FUNCTION IF EXISTS answer_counts_contribution()",
    "DROP FUNCTION IF EXISTS answer_counts_tag()",
    "DROP FUNCTION IF EXISTS answer_counts_link()",
    "DROP FUNCTION IF EXISTS answer_counts_decision()",
    "DROP FUNCTION IF EXISTS answer_counts_published(integer)",
    "DROP FUNCTION IF EXISTS answer_counts_move(integer, integer, integer)",
    "DROP FUNCTION IF EXISTS answer_counts_fiche(integer, integer, integer, integer)",
    "DROP FUNCTION IF EXISTS answer_counts_theme(integer, integer, integer, varchar, integer,"
    " boolean)",
)


# --- SQLite -----------------------------------------------------------------------------
# (An ``INSERT … SELECT`` with an upsert needs a ``WHERE`` in a trigger: each has one.)

_SQLITE_THEME = (
    "INSERT INTO theme_counts (theme_id, meeting_id, outcome, slot, count) {rows}"
    " ON CONFLICT (theme_id, meeting_id, outcome, slot)"
    " DO UPDATE SET count = count + excluded.count;"
)
_SQLITE_FICHE = (
    "INSERT INTO fiche_counts (fiche_id, meeting_id, slot, count) {rows}"
    " ON CONFLICT (fiche_id, meeting_id, slot)"
    " DO UPDATE SET count = count + excluded.count;"
)
_SQLITE_PAIR = (
    "INSERT INTO theme_fiche_counts (theme_id, fiche_id, meeting_id, slot, count) {rows}"
    " ON CONFLICT (theme_id, fiche_id, meeting_id, slot)"
    " DO UPDATE SET count = count + excluded.count;"
)


def _themes_of(contribution: str) -> str:
    return (
        "(SELECT theme_id FROM contribution_tags"
        f" WHERE contribution_id = {contribution} AND theme_id IS NOT NULL)"
    )


def _fiches_of(contribution: str) -> str:
    return (
        f"(SELECT fiche_id FROM fiche_contributions WHERE contribution_id = {contribution}"
        f" UNION SELECT fiche_id FROM decisions"
        f" WHERE contribution_id = {contribution} AND fiche_id IS NOT NULL)"
    )


def _outcome_of(contribution: str) -> str:
    return f"COALESCE((SELECT outcome FROM decisions WHERE contribution_id = {contribution}), '')"


def _sqlite_move(row: str, n: int) -> str:
    """Contribution ``row`` (OLD or NEW), when published, in (1) or out (-1) of its
    themes, of the fiches that answer it and of their pairs."""
    published = f"{row}.status = 'published'"
    return (
        _SQLITE_THEME.format(
            rows=f"SELECT t.theme_id, {row}.meeting_id, {_outcome_of(row + '.id')},"
            f" {row}.id % 16, {n} FROM {_themes_of(row + '.id')} AS t WHERE {published}"
        )
        + _SQLITE_FICHE.format(
            rows=f"SELECT f.fiche_id, {row}.meeting_id, {row}.id % 16, {n}"
            f" FROM {_fiches_of(row + '.id')} AS f WHERE {published}"
        )
        + _SQLITE_PAIR.format(
            rows=f"SELECT t.theme_id, f.fiche_id, {row}.meeting_id, {row}.id % 16, {n}"
            f" FROM {_themes_of(row + '.id')} AS t, {_fiches_of(row + '.id')} AS f"
            f" WHERE {published}"
        )
    )


def _published(row: str) -> str:
    """The contribution ``c`` of tag, link or decision ``row``, when published."""
    return f"FROM contributions AS c WHERE c.id = {row}.contribution_id AND c.status = 'published'"


def _sqlite_tag(row: str, n: int) -> str:
    """Theme tag ``row`` counts its published contribution in (1) or out (-1) of its theme
    and of the theme's pairs with the fiches answering it (when the theme still exists)."""
    keep = f"AND EXISTS (SELECT 1 FROM themes WHERE id = {row}.theme_id)"
    return _SQLITE_THEME.format(
        rows=f"SELECT {row}.theme_id, c.meeting_id, {_outcome_of('c.id')}, c.id % 16, {n}"
        f" {_published(row)} {keep}"
    ) + _SQLITE_PAIR.format(
        rows=f"SELECT {row}.theme_id, f.fiche_id, c.meeting_id, c.id % 16, {n}"
        f" FROM contributions AS c, {_fiches_of(row + '.contribution_id')} AS f"
        f" WHERE c.id = {row}.contribution_id AND c.status = 'published' {keep}"
    )


def _sqlite_fiche(row: str, n: int, unless: str) -> str:
    """Link or decision ``row`` counts its published contribution in (1) or out (-1) of
    its fiche and of the fiche's pairs with the contribution's themes, unless ``unless``
    (the other way the fiche answers it), when the fiche still exists."""
    keep = (
        f"AND {row}.fiche_id IS NOT NULL"
        f" AND EXISTS (SELECT 1 FROM fiches WHERE id = {row}.fiche_id) AND NOT EXISTS ({unless})"
    )
    return _SQLITE_FICHE.format(
        rows=f"SELECT {row}.fiche_id, c.meeting_id, c.id % 16, {n} {_published(row)} {keep}"
    ) + _SQLITE_PAIR.format(
        rows=f"SELECT t.theme_id, {row}.fiche_id, c.meeting_id, c.id % 16, {n}"
        f" FROM contributions AS c, {_themes_of(row + '.contribution_id')} AS t"
        f" WHERE c.id = {row}.contribution_id AND c.status = 'published' {keep}"
    )


def _sqlite_link(row: str, n: int) -> str:
    return _sqlite_fiche(
        row,
        n,
        "SELECT 1 FROM decisions"
        f" WHERE contribution_id = {row}.contribution_id AND fiche_id = {row}.fiche_id",
    )


def _sqlite_decided(row: str, n: int) -> str:
    return _sqlite_fiche(
        row,
        n,
        "SELECT 1 FROM fiche_contributions"
        f" WHERE fiche_id = {row}.fiche_id AND contribution_id = {row}.contribution_id",
    )


def _sqlite_outcome(row: str, old: str, new: str) -> str:
    """Decision ``row`` moves its published contribution, in each of its themes, from
    outcome ``old`` to ``new``."""
    return _SQLITE_THEME.format(
        rows="SELECT t.theme_id, c.meeting_id, o.outcome, c.id % 16, o.n"
        " FROM contributions AS c JOIN contribution_tags AS t"
        " ON t.contribution_id = c.id AND t.theme_id IS NOT NULL,"
        f" (SELECT {old} AS outcome, -1 AS n UNION ALL SELECT {new}, 1) AS o"
        f" WHERE c.id = {row}.contribution_id AND c.status = 'published'"
    )


_SQLITE_TRIGGERS = {
    "answer_counts_update": (
        "AFTER UPDATE OF status, meeting_id ON contributions"
        " WHEN (OLD.status = 'published' OR NEW.status = 'published')"
        " AND (OLD.status IS NOT NEW.status OR OLD.meeting_id <> NEW.meeting_id)",
        _sqlite_move("OLD", -1) + _sqlite_move("NEW", 1),
    ),
    "answer_counts_delete": (
        "BEFORE DELETE ON contributions WHEN OLD.status = 'published'",
        _sqlite_move("OLD", -1),
    ),
    "answer_counts_tag_insert": (
        "AFTER INSERT ON contribution_tags WHEN NEW.theme_id IS NOT NULL",
        _sqlite_tag("NEW", 1),
    ),
    "answer_counts_tag_delete": (
        "AFTER DELETE ON contribution_tags WHEN OLD.theme_id IS NOT NULL",
        _sqlite_tag("OLD", -1),
    ),
    "answer_counts_tag_update": (
        "AFTER UPDATE OF contribution_id, theme_id ON contribution_tags",
        (_sqlite_tag("OLD", -1) + _sqlite_tag("NEW", 1)),
    ),
    "answer_counts_link_insert": (
        "AFTER INSERT ON fiche_contributions",
        _sqlite_link("NEW", 1),
    ),
    "answer_counts_link_delete": (
        "AFTER DELETE ON fiche_contributions",
        _sqlite_link("OLD", -1),
    ),
    "answer_counts_link_update": (
        "AFTER UPDATE OF contribution_id, fiche_id ON fiche_contributions",
        _sqlite_link("OLD", -1) + _sqlite_link("NEW", 1),
    ),
    "answer_counts_decision_insert": (
        "AFTER INSERT ON decisions",
        _sqlite_outcome("NEW", "''", "NEW.outcome") + _sqlite_decided("NEW", 1),
    ),
    "answer_counts_decision_delete": (
        "AFTER DELETE ON decisions",
        _sqlite_outcome("OLD", "OLD.outcome", "''") + _sqlite_decided("OLD", -1),
    ),
    "answer_counts_decision_outcome": (
        "AFTER UPDATE OF contribution_id, outcome ON decisions"
        " WHEN OLD.contribution_id <> NEW.contribution_id OR OLD.outcome IS NOT NEW.outcome",
        _sqlite_outcome("OLD", "OLD.outcome", "''") + _sqlite_outcome("NEW", "''", "NEW.outcome"),
    ),
    "answer_counts_decision_fiche": (
        "AFTER UPDATE OF contribution_id, fiche_id ON decisions"
        " WHEN OLD.contribution_id <> NEW.contribution_id OR OLD.fiche_id IS NOT NEW.fiche_id",
        _sqlite_decided("OLD", -1) + _sqlite_decided("NEW", 1),
    ),
}
_SQLITE_DROP = tuple(f"DROP TRIGGER IF EXISTS {name}" for name in _SQLITE_TRIGGERS)
_SQLITE_INSTALL = (
    *_SQLITE_DROP,
    *(
        f"CREATE TRIGGER {name} {when} BEGIN {body} END"
        for name, (when, body) in _SQLITE_TRIGGERS.items()
    ),
)


def install_counting(connection) -> None:
    """Create the triggers (and on PostgreSQL their functions), then count everything
    again from the contributions; idempotent."""
    install = {"sqlite": _SQLITE_INSTALL, "postgresql": _POSTGRESQL_INSTALL}
    for statement in install[connection.dialect.name]:
        connection.exec_driver_sql(statement)
    recount(connection)


def recount(connection) -> None:
    """Count every published contribution of each theme and fiche again (install; a
    repair if ever needed)."""
    # (psycopg reads % as a placeholder)
    slot = "c.id % 16" if connection.dialect.name == "sqlite" else "mod(c.id, 16)"
    for table, statement in (
        ("theme_counts", THEME_RECOUNT),
        ("fiche_counts", FICHE_RECOUNT),
        ("theme_fiche_counts", PAIR_RECOUNT),
    ):
        connection.exec_driver_sql(f"DELETE FROM {table}")
        connection.exec_driver_sql(statement.format(slot=slot))


def drop_counting(connection) -> None:
    """Remove what :func:`install_counting` created (the tables are the models'); idempotent."""
    drop = {"sqlite": _SQLITE_DROP, "postgresql": _POSTGRESQL_DROP}[connection.dialect.name]
    for statement in drop:
        connection.exec_driver_sql(statement)


with_table(db.metadata, "theme_counts", install_counting, drop_counting)
