"""The moderators' queue: filters, pages, ids for bulk actions, next/previous, search.

Full-text search on ``contributions.body`` relies on objects the models cannot
declare, created by :func:`install_search` (from the migration, and after
``create_all`` through a metadata event registered when this module is imported):

* PostgreSQL: the GIN expression index ``ix_contributions_body_fts`` on
  ``to_tsvector('french', body)``, queried with ``websearch_to_tsquery``;
* SQLite: the FTS5 external-content table ``contributions_fts`` (accents and case
  ignored) kept in sync by three triggers on ``contributions``.

SQLite drops a table's triggers with the table: a later batch migration that
recreates ``contributions`` must call ``install_search(op.get_bind())`` again.
"""

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, fields

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from consult.analysis.duplicates import CAMPAIGN_MIN_SIZE, CAMPAIGN_WINDOW
from consult.contributions.models import (
    AUTHOR_TYPES,
    KINDS,
    STATUSES,
    Contribution,
    Report,
    contribution_publics,
)
from consult.core.db import with_table
from consult.core.pagination import Page
from consult.extensions import db
from consult.tagging.models import ContributionTag, SuggestionRejection, TagSuggestion

PER_PAGE = 25
SEARCH_MAX_LENGTH = 200
MAX_ID = 2**31 - 1  # PostgreSQL INTEGER: a larger id in the query string must not raise
FTS_TABLE = "contributions_fts"
FTS_INDEX = "ix_contributions_body_fts"
TRUE_VALUES = {"1", "on", "oui", "true", "yes"}
_DIGITS = re.compile(r"[0-9]{1,10}")
_WORD = re.compile(r"[^\W_]+")

# Query-string name (French) → QueueFilters field.
ARG_NAMES = {
    "statut": "status",
    "rencontre": "meeting_id",
    "territoire": "territory_id",
    "auteur": "author_type",
    "public": "public_id",
    "type": "kind",
    "theme": "theme_id",
    "fiche": "fiche_id",
    "sans_tag": "untagged",
    "donnees_perso": "has_personal_data",
    "signalee": "reported",
    "q": "search",
}
_CHOICES = {"status": STATUSES, "author_type": AUTHOR_TYPES, "kind": KINDS}


def clean_search(text: str | None) -> str:
    """The search text without control characters, spaces collapsed, 200 characters at most."""
    text = unicodedata.normalize("NFC", text or "")
    text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    return " ".join(text.split())[:SEARCH_MAX_LENGTH].strip()


def search_words(text: str | None) -> list[str]:
    """The words of a search (letters and digits only): no query syntax survives."""
    return _WORD.findall(clean_search(text))


def _parse_id(value: str | None) -> int | None:
    value = (value or "").strip()
    if not _DIGITS.fullmatch(value):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


@dataclass
class QueueFilters:
    """What the moderator narrowed the queue to; ``None``/``False`` means no filter."""

    status: str | None = None
    meeting_id: int | None = None
    territory_id: int | None = None
    author_type: str | None = None
    public_id: int | None = None
    kind: str | None = None
    theme_id: int | None = None
    fiche_id: int | None = None
    untagged: bool = False
    has_personal_data: bool = False
    reported: bool = False
    search: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> "QueueFilters":
        """Parse query-string values; anything malformed or unknown is ignored."""
        values = {}
        for arg, name in ARG_NAMES.items():
            raw = args.get(arg)
            raw = raw if isinstance(raw, str) else ""
            values[name] = _parse_value(name, raw)
        return cls(**{k: v for k, v in values.items() if v is not None})

    def to_args(self) -> dict[str, str]:
        """The non-empty filters as query-string values (for pager and form links)."""
        names = {name: arg for arg, name in ARG_NAMES.items()}
        args = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if value is True:
                args[names[item.name]] = "1"
            elif value not in (None, False, ""):
                args[names[item.name]] = str(value)
        return args

    @property
    def oldest_first(self) -> bool:
        """Pending work is handled oldest first; everything else is shown newest first."""
        return self.status == "pending"


def _parse_value(name: str, raw: str):
    if name in _CHOICES:
        value = raw.strip()
        return value if value in _CHOICES[name] else None
    if name.endswith("_id"):
        return _parse_id(raw)
    if name == "search":
        return clean_search(raw)
    return raw.strip().lower() in TRUE_VALUES


def _tag_exists(column, value) -> sa.Exists:
    return sa.exists().where(ContributionTag.contribution_id == Contribution.id, column == value)


def _search_condition(text: str, dialect: str):
    if not search_words(text):
        return None
    if dialect == "postgresql":
        french = sa.literal_column("'french'")  # a literal, so the GIN index expression matches
        vector = sa.func.to_tsvector(french, Contribution.body)
        return vector.bool_op("@@")(sa.func.websearch_to_tsquery(french, clean_search(text)))
    # Each word an FTS5 string with prefix match; juxtaposed strings mean AND.
    match = " ".join(f'"{word}"*' for word in search_words(text))
    rowids = sa.text("SELECT rowid FROM contributions_fts WHERE contributions_fts MATCH :fts_match")
    return Contribution.id.in_(rowids.bindparams(fts_match=match).columns(rowid=sa.Integer))


def _equalities(filters: QueueFilters) -> list:
    pairs = [
        (Contribution.status, filters.status),
        (Contribution.meeting_id, filters.meeting_id),
        (Contribution.territory_id, filters.territory_id),
        (Contribution.author_type, filters.author_type),
        (Contribution.kind, filters.kind),
    ]
    return [column == value for column, value in pairs if value is not None]


def _exists_conditions(filters: QueueFilters) -> list:
    conditions = []
    if filters.public_id is not None:
        conditions.append(
            sa.exists().where(
                contribution_publics.c.contribution_id == Contribution.id,
                contribution_publics.c.public_id == filters.public_id,
            )
        )
    if filters.theme_id is not None:
        conditions.append(_tag_exists(ContributionTag.theme_id, filters.theme_id))
    if filters.fiche_id is not None:
        conditions.append(_tag_exists(ContributionTag.fiche_id, filters.fiche_id))
    if filters.untagged:
        # Every tag row points to a theme or a fiche (check constraint): none at all.
        conditions.append(~sa.exists().where(ContributionTag.contribution_id == Contribution.id))
    if filters.reported:
        conditions.append(
            sa.exists().where(Report.contribution_id == Contribution.id, Report.status == "open")
        )
    return conditions


def conditions(filters: QueueFilters) -> list:
    """WHERE clauses on ``contributions`` only (EXISTS subqueries, never a join)."""
    where = _equalities(filters) + _exists_conditions(filters)
    if filters.has_personal_data:
        where.append(Contribution.has_personal_data.is_(True))
    search = _search_condition(filters.search, db.session.get_bind().dialect.name)
    if search is not None:
        where.append(search)
    return where


def _ordering(filters: QueueFilters) -> list:
    if filters.oldest_first:
        return [Contribution.created_at.asc(), Contribution.id.asc()]
    return [Contribution.created_at.desc(), Contribution.id.desc()]


@dataclass
class QueueRow:
    """One line of the queue: the contribution and its tags (theme or fiche loaded)."""

    contribution: Contribution
    tags: list[ContributionTag]
    suggestion: TagSuggestion | None = None  # the best one not applied yet
    campaign: int = 0  # when part of a campaign: how many sent this very text together

    @property
    def themes(self) -> list:
        return [tag.theme for tag in self.tags if tag.theme_id]

    @property
    def fiches(self) -> list:
        return [tag.fiche for tag in self.tags if tag.fiche_id]


def _tags_by_contribution(ids: list[int]) -> dict[int, list[ContributionTag]]:
    if not ids:
        return {}
    tags = db.session.scalars(
        sa.select(ContributionTag)
        .where(ContributionTag.contribution_id.in_(ids))
        .options(selectinload(ContributionTag.theme), selectinload(ContributionTag.fiche))
        .order_by(ContributionTag.id)
    ).all()
    grouped: dict[int, list[ContributionTag]] = {i: [] for i in ids}
    for tag in tags:
        grouped[tag.contribution_id].append(tag)
    return grouped


def _best_suggestions(tags: dict[int, list[ContributionTag]]) -> dict[int, TagSuggestion]:
    """Each contribution's best suggestion whose theme or fiche it does not carry yet,
    nor had refused (the stored rows keep a refused one until the next refresh)."""
    if not tags:
        return {}
    refused = sa.exists().where(
        SuggestionRejection.contribution_id == TagSuggestion.contribution_id,
        sa.or_(
            SuggestionRejection.theme_id == TagSuggestion.theme_id,
            SuggestionRejection.fiche_id == TagSuggestion.fiche_id,
        ),
    )
    rows = db.session.scalars(
        sa.select(TagSuggestion)
        .where(TagSuggestion.contribution_id.in_(list(tags)), ~refused)
        .options(selectinload(TagSuggestion.theme), selectinload(TagSuggestion.fiche))
        .order_by(TagSuggestion.score.desc(), TagSuggestion.id)
    ).all()
    applied = {(t.contribution_id, t.theme_id, t.fiche_id) for row in tags.values() for t in row}
    best: dict[int, TagSuggestion] = {}
    for row in rows:
        if (row.contribution_id, row.theme_id, row.fiche_id) not in applied:
            best.setdefault(row.contribution_id, row)
    return best


def _campaign_sizes(contributions: list[Contribution]) -> dict[int, int]:
    """For rows whose text was sent word for word by at least :data:`CAMPAIGN_MIN_SIZE`
    contributions of the same meeting within :data:`CAMPAIGN_WINDOW` of it: how many.

    One query over the page's texts (the « Doublons » page also finds copies with a
    word changed; this flag only needs to say « look there »).
    """
    if not contributions:
        return {}
    rows = db.session.execute(
        sa.select(Contribution.meeting_id, Contribution.body, Contribution.created_at).where(
            Contribution.meeting_id.in_({c.meeting_id for c in contributions}),
            Contribution.body.in_({c.body for c in contributions}),
            Contribution.status.in_(("pending", "published")),
            Contribution.merged_into_id.is_(None),
        )
    ).all()
    sent: dict[tuple[int, str], list] = {}
    for meeting_id, body, created_at in rows:
        sent.setdefault((meeting_id, body), []).append(created_at)
    sizes = {}
    for c in contributions:
        times = sent.get((c.meeting_id, c.body), [])
        together = sum(abs(t - c.created_at) <= CAMPAIGN_WINDOW for t in times)
        if together >= CAMPAIGN_MIN_SIZE:
            sizes[c.id] = together
    return sizes


def count(filters: QueueFilters) -> int:
    """How many contributions match (a count on ``contributions`` alone)."""
    query = sa.select(sa.func.count()).select_from(Contribution).where(*conditions(filters))
    return db.session.scalar(query)


def queue_page(filters: QueueFilters, page: int = 1, per_page: int = PER_PAGE) -> Page:
    """One page of the queue; items are :class:`QueueRow`, loaded in a fixed number of queries."""
    page, per_page = max(1, page), max(1, per_page)
    contributions = db.session.scalars(
        sa.select(Contribution)
        .where(*conditions(filters))
        .order_by(*_ordering(filters))
        .options(
            selectinload(Contribution.meeting),
            selectinload(Contribution.territory),
            selectinload(Contribution.publics),
        )
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    tags = _tags_by_contribution([c.id for c in contributions])
    best = _best_suggestions(tags)
    campaigns = _campaign_sizes(contributions)
    # A merged text is not tagged any more: the one kept carries its tags.
    items = [
        QueueRow(
            c, tags[c.id], None if c.status == "merged" else best.get(c.id), campaigns.get(c.id, 0)
        )
        for c in contributions
    ]
    return Page(items=items, number=page, total=count(filters), per_page=per_page)


def queue_ids(filters: QueueFilters, limit: int = 1000) -> list[int]:
    """Ids of the matching contributions in queue order ("select all matching")."""
    query = sa.select(Contribution.id).where(*conditions(filters)).order_by(*_ordering(filters))
    return list(db.session.scalars(query.limit(max(0, limit))))


def _adjacent(filters: QueueFilters, key: tuple, after: bool) -> int | None:
    """The first matching id strictly after (or before) ``key`` in queue order."""
    forward = after == filters.oldest_first
    row = sa.tuple_(Contribution.created_at, Contribution.id)
    bound = sa.tuple_(
        sa.literal(key[0], Contribution.created_at.type), sa.literal(key[1], sa.Integer)
    )
    order = [Contribution.created_at, Contribution.id]
    query = sa.select(Contribution.id).where(*conditions(filters))
    if forward:
        query = query.where(row > bound).order_by(*(c.asc() for c in order))
    else:
        query = query.where(row < bound).order_by(*(c.desc() for c in order))
    return db.session.scalar(query.limit(1))


def neighbours(filters: QueueFilters, contribution_id: int) -> tuple[int | None, int | None]:
    """``(previous_id, next_id)`` around a contribution, in queue order.

    The contribution itself need not match any more (just published, it left the
    pending queue): its place in the order still tells what comes next.
    """
    key = db.session.execute(
        sa.select(Contribution.created_at, Contribution.id).where(
            Contribution.id == contribution_id
        )
    ).first()
    if key is None:
        return None, None
    return _adjacent(filters, tuple(key), after=False), _adjacent(filters, tuple(key), after=True)


# -- Search objects the models cannot declare ---------------------------------------------

_SQLITE_INSTALL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS contributions_fts USING fts5(body,"
    " content='contributions', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS contributions_fts_ai AFTER INSERT ON contributions BEGIN"
    " INSERT INTO contributions_fts(rowid, body) VALUES (new.id, new.body); END",
    "CREATE TRIGGER IF NOT EXISTS contributions_fts_ad AFTER DELETE ON contributions BEGIN"
    " INSERT INTO contributions_fts(contributions_fts, rowid, body)"
    " VALUES ('delete', old.id, old.body); END",
    # Only when the text changes: status decisions leave the index alone.
    "CREATE TRIGGER IF NOT EXISTS contributions_fts_au AFTER UPDATE OF body ON contributions"
    " BEGIN INSERT INTO contributions_fts(contributions_fts, rowid, body)"
    " VALUES ('delete', old.id, old.body);"
    " INSERT INTO contributions_fts(rowid, body) VALUES (new.id, new.body); END",
    "INSERT INTO contributions_fts(contributions_fts) VALUES ('rebuild')",
)
_SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS contributions_fts_ai",
    "DROP TRIGGER IF EXISTS contributions_fts_ad",
    "DROP TRIGGER IF EXISTS contributions_fts_au",
    "DROP TABLE IF EXISTS contributions_fts",
)
_POSTGRESQL_INSTALL = (
    "CREATE INDEX IF NOT EXISTS ix_contributions_body_fts ON contributions"
    " USING gin (to_tsvector('french', body))",
)
_POSTGRESQL_DROP = ("DROP INDEX IF EXISTS ix_contributions_body_fts",)


def install_search(connection) -> None:
    """Create the search index (PostgreSQL) or FTS5 table and triggers (SQLite); idempotent.

    On SQLite the FTS5 table is rebuilt from ``contributions`` each time.
    """
    statements = {"sqlite": _SQLITE_INSTALL, "postgresql": _POSTGRESQL_INSTALL}
    for statement in statements.get(connection.dialect.name, ()):
        connection.exec_driver_sql(statement)


def drop_search(connection) -> None:
    """Remove what :func:`install_search` created; idempotent."""
    statements = {"sqlite": _SQLITE_DROP, "postgresql": _POSTGRESQL_DROP}
    for statement in statements.get(connection.dialect.name, ()):
        connection.exec_driver_sql(statement)


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic autogenerate hook: ignore the search objects :func:`install_search` owns."""
    if type_ == "table" and name and (name == FTS_TABLE or name.startswith(f"{FTS_TABLE}_")):
        return False
    return not (type_ == "index" and name == FTS_INDEX)


with_table(db.metadata, "contributions", install_search, drop_search)
