"""The moderators' queue: filters, counts, order, pages, neighbours and full-text search."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from consult.contributions.models import Contribution, Report
from consult.core.db import utcnow

# Imported at collection, before the session's create_all: its metadata listener
# installs the search objects (FTS5 table and triggers, or the GIN index).
from consult.moderation.queue import (
    FTS_INDEX,
    FTS_TABLE,
    QueueFilters,
    QueueRow,
    clean_search,
    install_search,
    neighbours,
    queue_ids,
    queue_page,
    search_words,
)
from consult.tagging.models import ContributionTag

T0 = utcnow() - timedelta(days=10)


def _dialect(db) -> str:
    return db.session.get_bind().dialect.name


@pytest.fixture
def scheme(make_scheme):
    return make_scheme()


@pytest.fixture
def meeting(make_meeting, scheme):
    return make_meeting(scheme=scheme)


@pytest.fixture
def add(db, make_contribution, meeting):
    """Add a contribution ``minutes`` after T0; ``tags`` are themes or fiches."""

    def _add(body="Un texte", minutes=0, status="pending", tags=(), reports=(), **extra):
        extra.setdefault("meeting", meeting)
        contribution = make_contribution(
            body=body, status=status, created_at=T0 + timedelta(minutes=minutes), **extra
        )
        for target in tags:
            key = "theme_id" if target.__tablename__ == "themes" else "fiche_id"
            db.session.add(ContributionTag(contribution_id=contribution.id, **{key: target.id}))
        for n, report_status in enumerate(reports):
            db.session.add(
                Report(
                    contribution_id=contribution.id,
                    reporter_key=f"b:{n}",
                    reason="injurieux",
                    status=report_status,
                )
            )
        db.session.flush()
        return contribution

    return _add


def _ids(filters, **kwargs) -> list[int]:
    return [row.contribution.id for row in queue_page(filters, **kwargs).items]


# -- Search objects exist after create_all ----------------------------------------------


def test_create_all_installs_the_search_objects(db):
    if _dialect(db) == "sqlite":
        names = set(
            db.session.scalars(
                sa.text("SELECT name FROM sqlite_master WHERE name LIKE :p"), {"p": f"{FTS_TABLE}%"}
            )
        )
        assert {FTS_TABLE, f"{FTS_TABLE}_ai", f"{FTS_TABLE}_ad", f"{FTS_TABLE}_au"} <= names
    else:
        definition = db.session.scalar(
            sa.text("SELECT indexdef FROM pg_indexes WHERE indexname = :n"), {"n": FTS_INDEX}
        )
        assert "gin" in definition
        assert "to_tsvector('french'::regconfig, body)" in definition


def test_install_search_is_idempotent_and_keeps_existing_rows_findable(db, add):
    contribution = add("Les transports à la demande")
    install_search(db.session.connection())
    install_search(db.session.connection())
    assert _ids(QueueFilters(search="transport")) == [contribution.id]


# -- Query string -------------------------------------------------------------------------


def test_from_args_reads_every_french_name(db):
    args = {
        "statut": "pending",
        "rencontre": "3",
        "territoire": "4",
        "auteur": "elu",
        "public": "5",
        "type": "question",
        "theme": "6",
        "fiche": "7",
        "sans_tag": "1",
        "donnees_perso": "oui",
        "signalee": "on",
        "q": "  transport  ",
    }
    filters = QueueFilters.from_args(args)
    assert filters == QueueFilters(
        status="pending",
        meeting_id=3,
        territory_id=4,
        author_type="elu",
        public_id=5,
        kind="question",
        theme_id=6,
        fiche_id=7,
        untagged=True,
        has_personal_data=True,
        reported=True,
        search="transport",
    )
    assert QueueFilters.from_args(filters.to_args()) == filters


@pytest.mark.parametrize(
    "value", ["abc", "-1", "0", "1.5", "1e3", " ", "", "99999999999", "2147483648", "١٢", "²"]
)
def test_from_args_ignores_bad_ids(value):
    filters = QueueFilters.from_args({"rencontre": value, "theme": value, "public": value})
    assert filters.meeting_id is None
    assert filters.theme_id is None
    assert filters.public_id is None


def test_from_args_keeps_the_largest_integer_id():
    assert QueueFilters.from_args({"rencontre": " 2147483647 "}).meeting_id == 2147483647


def test_from_args_ignores_unknown_choices_and_false_flags():
    filters = QueueFilters.from_args(
        {"statut": "PENDING", "auteur": "robot", "type": "x", "sans_tag": "non", "signalee": ""}
    )
    assert filters == QueueFilters()
    assert filters.to_args() == {}


def test_from_args_cleans_and_caps_the_search():
    filters = QueueFilters.from_args({"q": "  a\x00b\u202e c\n\td  " + "x" * 500})
    assert filters.search.startswith("a b c d x")
    assert len(filters.search) == 200
    assert "\x00" not in filters.search


def test_from_args_ignores_non_string_values():
    filters = QueueFilters.from_args({"rencontre": None, "q": None, "statut": 3})
    assert filters == QueueFilters()


def test_to_args_keeps_only_non_empty_filters():
    filters = QueueFilters(status="rejected", theme_id=12, reported=True, search="")
    assert filters.to_args() == {"statut": "rejected", "theme": "12", "signalee": "1"}


def test_search_words_drop_every_query_syntax():
    assert search_words('"NEAR(a b)" OR c* -d ^e') == ["NEAR", "a", "b", "OR", "c", "d", "e"]
    assert search_words("l'enfance_aînés") == ["l", "enfance", "aînés"]
    assert clean_search("x" * 10_000) == "x" * 200


# -- Filters --------------------------------------------------------------------------------


@pytest.fixture
def world(add, make_meeting, scheme, make_territory, make_public):
    """Six contributions, each singled out by one filter (``plain`` by none)."""
    other_meeting = make_meeting(scheme=scheme)
    territory, public, other_public = make_territory(), make_public(), make_public()
    theme, fiche = scheme.themes[0], scheme.fiches[0]
    rows = {
        "plain": add(minutes=1, tags=[scheme.themes[1]], publics=[other_public]),
        "meeting": add(minutes=2, meeting=other_meeting, tags=[scheme.themes[1]]),
        "territory": add(minutes=3, territory=territory, tags=[scheme.fiches[1]]),
        "public": add(minutes=4, publics=[public, other_public], tags=[scheme.themes[1]]),
        "theme": add(minutes=5, tags=[theme, scheme.themes[1], scheme.fiches[1]]),
        "fiche": add(minutes=6, tags=[fiche, scheme.fiches[1]]),
        "elu": add(minutes=7, author_type="elu", kind="question", tags=[scheme.themes[1]]),
        "personal": add(minutes=8, has_personal_data=True, tags=[scheme.themes[1]]),
        "reported": add(minutes=9, reports=["open", "open", "handled"], tags=[scheme.fiches[1]]),
        "untagged": add(minutes=10, reports=["handled"]),
        "published": add(minutes=11, status="published", tags=[scheme.themes[1]]),
    }
    refs = {
        "meeting": other_meeting,
        "territory": territory,
        "public": public,
        "theme": theme,
        "fiche": fiche,
    }
    return rows, refs


SINGLE_FILTERS = {
    "meeting": lambda r: QueueFilters(meeting_id=r["meeting"].id),
    "territory": lambda r: QueueFilters(territory_id=r["territory"].id),
    "public": lambda r: QueueFilters(public_id=r["public"].id),
    "theme": lambda r: QueueFilters(theme_id=r["theme"].id),
    "fiche": lambda r: QueueFilters(fiche_id=r["fiche"].id),
    "elu": lambda r: QueueFilters(author_type="elu"),
    "elu-kind": lambda r: QueueFilters(kind="question"),
    "personal": lambda r: QueueFilters(has_personal_data=True),
    "reported": lambda r: QueueFilters(reported=True),
    "untagged": lambda r: QueueFilters(untagged=True),
    "published": lambda r: QueueFilters(status="published"),
}


@pytest.mark.parametrize("name", SINGLE_FILTERS)
def test_each_filter_alone_keeps_only_its_contribution(db, world, name):
    rows, refs = world
    filters = SINGLE_FILTERS[name](refs)
    page = queue_page(filters)
    assert _ids(filters) == [rows[name.removesuffix("-kind")].id]
    assert page.total == 1
    assert queue_ids(filters) == [rows[name.removesuffix("-kind")].id]


def test_no_filter_counts_each_contribution_once(db, world):
    rows, _ = world
    page = queue_page(QueueFilters(), per_page=100)
    ids = [row.contribution.id for row in page.items]
    assert page.total == len(rows) == len(ids) == len(set(ids))
    assert sorted(ids) == sorted(c.id for c in rows.values())


def test_pending_counts_each_contribution_once_despite_tags_publics_and_reports(db, world):
    rows, _ = world
    page = queue_page(QueueFilters(status="pending"), per_page=100)
    assert page.total == len(rows) - 1 == len(page.items)
    assert len(queue_ids(QueueFilters(status="pending"))) == len(rows) - 1


def test_filters_combine_with_and(db, add, world, scheme):
    rows, refs = world
    theme = refs["theme"]
    both = add(minutes=20, territory=refs["territory"], tags=[theme], publics=[refs["public"]])
    add(minutes=21, status="published", territory=refs["territory"], tags=[theme])
    filters = QueueFilters(status="pending", territory_id=refs["territory"].id, theme_id=theme.id)
    assert _ids(filters) == [both.id]
    filters.public_id = refs["public"].id
    assert queue_page(filters).total == 1
    filters.fiche_id = refs["fiche"].id
    assert queue_page(filters).total == 0
    assert queue_ids(filters) == []


def test_untagged_means_neither_theme_nor_fiche(db, add, scheme):
    with_theme = add(minutes=1, tags=[scheme.themes[0]])
    with_fiche = add(minutes=2, tags=[scheme.fiches[0]])
    bare = add(minutes=3)
    ids = _ids(QueueFilters(untagged=True))
    assert ids == [bare.id]
    assert with_theme.id not in ids
    assert with_fiche.id not in ids


def test_reported_needs_an_open_report(db, add):
    add(minutes=1, reports=["handled"])
    open_one = add(minutes=2, reports=["open"])
    assert _ids(QueueFilters(reported=True)) == [open_one.id]


# -- Order and pages ------------------------------------------------------------------------


def test_pending_is_oldest_first_with_id_breaking_ties(db, add):
    late = add(minutes=30)
    tie_a = add(minutes=10)
    tie_b = add(minutes=10)
    early = add(minutes=1)
    expected = [early.id, tie_a.id, tie_b.id, late.id]
    assert _ids(QueueFilters(status="pending")) == expected
    assert queue_ids(QueueFilters(status="pending")) == expected


@pytest.mark.parametrize("status", [None, "published", "rejected"])
def test_other_queues_are_newest_first(db, add, status):
    rows = [add(minutes=m, status=status or "pending") for m in (5, 1, 5, 9)]
    expected = [rows[3].id, rows[2].id, rows[0].id, rows[1].id]
    assert _ids(QueueFilters(status=status)) == expected
    assert queue_ids(QueueFilters(status=status)) == expected


def test_pages_split_the_queue_without_overlap(db, add):
    rows = [add(minutes=m) for m in range(7)]
    filters = QueueFilters(status="pending")
    pages = [queue_page(filters, page=n, per_page=3) for n in (1, 2, 3)]
    assert [p.total for p in pages] == [7, 7, 7]
    assert pages[0].pages == 3
    assert (pages[0].has_previous, pages[0].has_next) == (False, True)
    assert (pages[2].has_previous, pages[2].has_next) == (True, False)
    seen = [row.contribution.id for p in pages for row in p.items]
    assert seen == [c.id for c in rows]
    assert queue_page(filters, page=4, per_page=3).items == []


def test_page_numbers_below_one_mean_the_first_page(db, add):
    first = add(minutes=1)
    add(minutes=2)
    page = queue_page(QueueFilters(status="pending"), page=0, per_page=1)
    assert page.number == 1
    assert [row.contribution.id for row in page.items] == [first.id]


def test_queue_ids_stops_at_the_limit(db, add):
    rows = [add(minutes=m) for m in range(5)]
    assert queue_ids(QueueFilters(status="pending"), limit=2) == [rows[0].id, rows[1].id]
    assert queue_ids(QueueFilters(status="pending"), limit=0) == []


# -- Eager loading --------------------------------------------------------------------------


def _statements(db, action):
    seen = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    connection = db.session.connection()
    sa.event.listen(connection, "before_cursor_execute", record)
    try:
        action()
    finally:
        sa.event.remove(connection, "before_cursor_execute", record)
    return seen


def _populate(add, scheme, make_territory, make_public, n):
    for m in range(n):
        add(
            minutes=m,
            territory=make_territory(),
            publics=[make_public(), make_public()],
            tags=[scheme.themes[m % 5], scheme.fiches[m % 7]],
        )


def _show(page):
    """Everything a queue row displays."""
    for row in page.items:
        c = row.contribution
        _ = (c.meeting.title, c.territory.name, [p.label for p in c.publics])
        _ = ([t.title for t in row.themes], [f.title for f in row.fiches])


@pytest.mark.parametrize("n", [2, 8])
def test_a_page_loads_in_a_fixed_number_of_queries(db, add, scheme, make_territory, make_public, n):
    _populate(add, scheme, make_territory, make_public, n)
    db.session.expunge_all()
    pages = []
    loading = _statements(db, lambda: pages.append(queue_page(QueueFilters(status="pending"))))
    showing = _statements(db, lambda: _show(pages[0]))
    assert len(pages[0].items) == n
    assert all(isinstance(row, QueueRow) and len(row.tags) == 2 for row in pages[0].items)
    # rows, meetings, territories, publics, tags, themes, fiches, best suggestions,
    # campaign copies, count
    assert len(loading) == 10
    assert showing == []


def test_tags_belong_to_their_own_contribution(db, add, scheme):
    first = add(minutes=1, tags=[scheme.themes[0], scheme.fiches[0]])
    second = add(minutes=2, tags=[scheme.themes[1]])
    rows = queue_page(QueueFilters(status="pending")).items
    assert [r.contribution.id for r in rows] == [first.id, second.id]
    assert (rows[0].themes, rows[0].fiches) == ([scheme.themes[0]], [scheme.fiches[0]])
    assert (rows[1].themes, rows[1].fiches) == ([scheme.themes[1]], [])


# -- Neighbours -----------------------------------------------------------------------------


@pytest.fixture
def line(add):
    """Five pending contributions, two of them created at the same minute."""
    return [add(minutes=m) for m in (1, 2, 2, 3, 4)]


def test_neighbours_follow_the_pending_order(db, line):
    filters = QueueFilters(status="pending")
    ids = [c.id for c in line]
    assert neighbours(filters, ids[0]) == (None, ids[1])
    assert neighbours(filters, ids[1]) == (ids[0], ids[2])
    assert neighbours(filters, ids[2]) == (ids[1], ids[3])
    assert neighbours(filters, ids[4]) == (ids[3], None)


def test_neighbours_follow_the_newest_first_order(db, line):
    ids = [c.id for c in line]
    assert neighbours(QueueFilters(), ids[2]) == (ids[3], ids[1])
    assert neighbours(QueueFilters(), ids[4]) == (None, ids[3])


def test_neighbours_of_a_contribution_that_just_left_the_queue(db, line):
    line[2].status = "published"
    db.session.flush()
    ids = [c.id for c in line]
    assert neighbours(QueueFilters(status="pending"), ids[2]) == (ids[1], ids[3])
    assert neighbours(QueueFilters(status="pending"), ids[1]) == (ids[0], ids[3])


def test_neighbours_respect_the_filters(db, add, line, make_territory):
    territory = make_territory()
    a = add(minutes=0, territory=territory)
    b = add(minutes=9, territory=territory)
    assert neighbours(QueueFilters(status="pending", territory_id=territory.id), a.id) == (
        None,
        b.id,
    )


def test_neighbours_of_an_unknown_contribution(db, line):
    assert neighbours(QueueFilters(), 2_000_000_000) == (None, None)


# -- Full-text search -----------------------------------------------------------------------


@pytest.fixture
def texts(add):
    bodies = {
        "enfance": "L'Enfance en danger mérite plus de moyens",
        "ehpad": "Les EHPAD manquent de personnel la nuit",
        "transports": "Des transports à la demande pour les villages",
        "transport": "Le transport scolaire part trop tôt",
        "aines": "Les aines isolés ont besoin de visites",
        "aînés": "Des aînés attendent une place en foyer",
        "jardin": "Un jardin partagé au pied de la résidence",
    }
    return {key: add(body, minutes=n) for n, (key, body) in enumerate(bodies.items())}


def _found(texts, query, **extra) -> set[str]:
    ids = set(queue_ids(QueueFilters(search=query, **extra)))
    return {key for key, c in texts.items() if c.id in ids}


def test_search_ignores_case(db, texts):
    assert _found(texts, "enfance") == {"enfance"}
    assert _found(texts, "ENFANCE") == {"enfance"}
    assert _found(texts, "ehpad") == {"ehpad"}


def test_search_finds_plurals_from_the_singular(db, texts):
    assert _found(texts, "transport") == {"transport", "transports"}


def test_search_needs_every_word(db, texts):
    assert _found(texts, "transport villages") == {"transports"}
    assert _found(texts, "jardin transport") == set()


def test_search_accents_on_sqlite(db, texts):
    if _dialect(db) != "sqlite":
        pytest.skip("SQLite FTS5 removes diacritics; the French config stems instead")
    assert _found(texts, "aînés") == {"aines", "aînés"}
    assert _found(texts, "aines") == {"aines", "aînés"}
    assert _found(texts, "merite") == {"enfance"}


def test_search_stems_on_postgresql(db, texts):
    if _dialect(db) != "postgresql":
        pytest.skip("stemming is PostgreSQL's French configuration")
    assert _found(texts, "transports") == {"transport", "transports"}
    assert _found(texts, "villages transports") == {"transports"}
    assert _found(texts, "transport -scolaire") == {"transports"}  # websearch syntax


def test_search_combines_with_status_and_counts(db, add, texts):
    published = add("Un transport solidaire existe déjà", minutes=60, status="published")
    filters = QueueFilters(search="transport", status="published")
    page = queue_page(filters)
    assert [row.contribution.id for row in page.items] == [published.id]
    assert page.total == 1
    assert queue_page(QueueFilters(search="transport")).total == 3


def test_search_without_any_word_is_no_filter(db, texts):
    assert queue_page(QueueFilters(search=" \"' * ")).total == len(texts)


HOSTILE = [
    '"',
    "'",
    "*",
    "AND",
    "AND OR",
    "OR NOT",
    "NEAR(",
    "NEAR(a b, 2)",
    '"unterminated',
    "body:transport",
    "^transport",
    "transport*",
    "-",
    "((((",
    "'; DROP TABLE contributions; --",
    "\x00transport\x01\x1f\x7f",
    "\u202etransport",
    "t" * 10_000,
    "transport " * 2_000,
    "é" * 300,
    "\\",
    "%_",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_searches_never_raise(db, texts, query):
    filters = QueueFilters(search=query)
    page = queue_page(filters)
    assert page.total == len(queue_ids(filters))
    neighbours(filters, texts["transport"].id)
    parsed = QueueFilters.from_args({"q": query, "statut": "pending"})
    assert queue_page(parsed).total <= len(texts)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Contribution)) == len(texts)


def test_control_characters_do_not_hide_words(db, texts):
    assert _found(texts, "\x00jardin\x07") == {"jardin"}


def test_an_edited_text_is_found_by_its_new_words_only(db, texts):
    contribution = texts["jardin"]
    contribution.body = "Un potager collectif près de la résidence"
    db.session.flush()
    assert _found(texts, "potager") == {"jardin"}
    assert _found(texts, "jardin") == set()


def test_a_status_change_keeps_the_text_findable(db, texts):
    texts["jardin"].status = "published"
    db.session.flush()
    assert _found(texts, "jardin", status="published") == {"jardin"}


def test_a_deleted_contribution_leaves_the_sqlite_index(db, texts):
    if _dialect(db) != "sqlite":
        pytest.skip("the FTS5 table is SQLite's")
    rowid = texts["jardin"].id
    db.session.delete(texts["jardin"])
    db.session.flush()
    left = db.session.scalars(
        sa.text("SELECT rowid FROM contributions_fts WHERE contributions_fts MATCH 'jardin'")
    ).all()
    assert rowid not in left


# -- Campaigns flagged on their rows ----------------------------------------------------


def test_rows_of_a_campaign_say_how_many_sent_the_same_text_together(db, add, make_meeting):
    slogan = "Non à la fermeture du centre médico-social de Modane !"
    for n in range(6):
        add(body=slogan, minutes=n)
    late = add(body=slogan, minutes=60 * 24 * 30)  # a month later: not sent together
    elsewhere = make_meeting()
    for n in range(3):
        add(body=slogan, minutes=n, meeting=elsewhere)  # another meeting's copies
    lone = add(body="Un texte écrit par une seule personne", minutes=7)

    rows = {row.contribution.id: row for row in queue_page(QueueFilters(), per_page=50).items}

    campaign = [row for row in rows.values() if row.campaign]
    assert len(campaign) == 6
    assert {row.campaign for row in campaign} == {6}
    assert rows[late.id].campaign == 0
    assert rows[lone.id].campaign == 0
