"""The counts the database keeps of each theme's and fiche's published contributions
(consult.suite.counts) never drift: after every kind of change, in any order, they equal
a count of the contributions, tags, links and decisions themselves, and the public
pages read the same figures as the full counts they replace."""

import random
from collections import Counter, defaultdict

import pytest
import sqlalchemy as sa

from consult.contributions.models import Contribution
from consult.core.db import utcnow
from consult.fiches import decisions as group_decisions
from consult.meetings.models import Meeting
from consult.moderation import services as moderation
from consult.moderation.models import REJECTION_REASONS
from consult.privacy.services import withdraw
from consult.schemes.importer import import_scheme
from consult.schemes.models import Fiche, Theme, WorkingGroup
from consult.suite import services
from consult.suite.counts import FicheCount, ThemeCount, ThemeFicheCount, recount
from consult.tagging import services as tagging
from consult.tagging.models import ContributionTag
from consult.workgroups.models import DECISION_OUTCOMES, Decision, FicheContribution
from tests.factories import HOSTILE_TEXT, at_once, load_fixture, scratch_postgresql

OUTCOMES = list(DECISION_OUTCOMES)
TABLES = {
    ThemeCount: (ThemeCount.theme_id, ThemeCount.meeting_id, ThemeCount.outcome),
    FicheCount: (FicheCount.fiche_id, FicheCount.meeting_id),
    ThemeFicheCount: (
        ThemeFicheCount.theme_id,
        ThemeFicheCount.fiche_id,
        ThemeFicheCount.meeting_id,
    ),
}


def kept(db) -> dict:
    """What the triggers counted, per table, over every slot (keys at zero left out)."""
    db.session.flush()
    found = {}
    for model, key in TABLES.items():
        counts = Counter()
        for *values, count in db.session.execute(sa.select(*key, model.count)):
            counts[tuple(values)] += count
        found[model.__tablename__] = +counts  # (unary plus drops the zeros)
    return found


def counted(db) -> dict:
    """The same figures counted in Python from the rows themselves."""
    db.session.flush()
    published = dict(
        db.session.execute(
            sa.select(Contribution.id, Contribution.meeting_id).where(
                Contribution.status == "published"
            )
        ).all()
    )
    decisions = {
        cid: (outcome, fiche_id)
        for cid, outcome, fiche_id in db.session.execute(
            sa.select(Decision.contribution_id, Decision.outcome, Decision.fiche_id)
        )
    }
    answering = defaultdict(set)  # contribution → fiches linked to it or deciding it
    for fiche_id, cid in db.session.execute(
        sa.select(FicheContribution.fiche_id, FicheContribution.contribution_id)
    ):
        answering[cid].add(fiche_id)
    for cid, (_, fiche_id) in decisions.items():
        if fiche_id is not None:
            answering[cid].add(fiche_id)
    themes, fiches, pairs = Counter(), Counter(), Counter()
    for cid, theme_id in db.session.execute(
        sa.select(ContributionTag.contribution_id, ContributionTag.theme_id).where(
            ContributionTag.theme_id.is_not(None)
        )
    ):
        if cid in published:
            outcome = decisions.get(cid, ("", None))[0]
            themes[(theme_id, published[cid], outcome)] += 1
            for fiche_id in answering[cid]:
                pairs[(theme_id, fiche_id, published[cid])] += 1
    for cid, fiche_ids in answering.items():
        if cid in published:
            for fiche_id in fiche_ids:
                fiches[(fiche_id, published[cid])] += 1
    return {"theme_counts": themes, "fiche_counts": fiches, "theme_fiche_counts": pairs}


def rows(db) -> dict:
    """Every row the triggers keep, slot by slot (rows at zero left out)."""
    db.session.flush()
    return {
        model.__tablename__: sorted(
            tuple(row)
            for row in db.session.execute(
                sa.select(*key, model.slot, model.count).where(model.count != 0)
            )
        )
        for model, key in TABLES.items()
    }


def check(db) -> None:
    assert kept(db) == counted(db)


def check_recount(db) -> None:
    """The triggers' rows equal, slot by slot, what the recount writes (then undone)."""
    before = rows(db)
    with db.session.begin_nested() as nested:
        recount(db.session.connection())
        assert rows(db) == before
        nested.rollback()


def page_figures(db, theme_or_fiche):
    """What the public pages read from the counts, and what the full counts say."""
    if isinstance(theme_or_fiche, Theme):
        return (
            (services.theme_outcomes(theme_or_fiche), services.theme_fiches(theme_or_fiche)),
            (
                services.outcomes(services.theme_ids(theme_or_fiche)),
                theme_fiches_counted_again(theme_or_fiche),
            ),
        )
    ids = services.fiche_ids(theme_or_fiche)
    full = db.session.scalar(sa.select(sa.func.count()).select_from(ids.subquery()))
    return services.counted_fiche_total(theme_or_fiche), full


def theme_fiches_counted_again(theme: Theme) -> list[Fiche]:
    """``services.theme_fiches`` as it was before the counts: from every contribution."""
    groups = sa.select(WorkingGroup.id).where(WorkingGroup.theme_id == theme.id)
    linked = sa.select(FicheContribution.fiche_id).where(
        FicheContribution.contribution_id.in_(services.theme_ids(theme))
    )
    decided = sa.select(Decision.fiche_id).where(
        Decision.contribution_id.in_(services.theme_ids(theme))
    )
    return services._public_fiches(
        sa.or_(Fiche.working_group_id.in_(groups), Fiche.id.in_(linked), Fiche.id.in_(decided))
    )


def check_pages(db, themes, fiches) -> None:
    db.session.flush()
    for theme in themes:
        read, full = page_figures(db, theme)
        assert read == full
    for fiche in fiches:
        read, full = page_figures(db, fiche)
        assert read == full


# --- A random sequence of changes -------------------------------------------------------


class Changes:
    """Random changes of tags, links, statuses and decisions, in plain SQL and through the
    ORM, each checked against a full count."""

    def __init__(self, db, rng, meetings, themes, fiches):
        self.db, self.rng = db, rng
        self.meetings, self.themes, self.fiches = meetings, themes, fiches

    # (helpers)
    def ids(self, model, *where) -> list:
        return list(self.db.session.scalars(sa.select(model.id).where(*where)))

    def contribution(self) -> int:
        return self.rng.choice(self.ids(Contribution, Contribution.meeting_id.in_(self.meetings)))

    def run(self, name) -> None:
        getattr(self, name)()
        self.db.session.flush()
        self.db.session.expire_all()

    # (changes)
    def new_contribution(self):
        self.db.session.execute(
            sa.insert(Contribution).values(
                meeting_id=self.rng.choice(self.meetings),
                body=HOSTILE_TEXT,
                status=self.rng.choice(("published", "published", "pending")),
            )
        )

    def tag(self):
        cid, theme_id = self.contribution(), self.rng.choice(self.themes)
        if not self.ids(
            ContributionTag,
            ContributionTag.contribution_id == cid,
            ContributionTag.theme_id == theme_id,
        ):
            self.db.session.add(ContributionTag(contribution_id=cid, theme_id=theme_id))

    def tag_fiche(self):  # a fiche tag: counts nothing here
        cid, fiche_id = self.contribution(), self.rng.choice(self.fiches)
        if not self.ids(
            ContributionTag,
            ContributionTag.contribution_id == cid,
            ContributionTag.fiche_id == fiche_id,
        ):
            self.db.session.execute(
                sa.insert(ContributionTag).values(contribution_id=cid, fiche_id=fiche_id)
            )

    def untag(self):
        tags = self.ids(ContributionTag)
        if tags:
            self.db.session.execute(
                sa.delete(ContributionTag).where(ContributionTag.id == self.rng.choice(tags))
            )

    def retag(self):  # a tag moved to another theme or contribution (plain SQL)
        tags = self.ids(ContributionTag, ContributionTag.theme_id.is_not(None))
        if not tags:
            return
        tag = self.db.session.get(ContributionTag, self.rng.choice(tags))
        cid, theme_id = self.contribution(), self.rng.choice(self.themes)
        if not self.ids(
            ContributionTag,
            ContributionTag.contribution_id == cid,
            ContributionTag.theme_id == theme_id,
        ):
            self.db.session.execute(
                sa.update(ContributionTag)
                .where(ContributionTag.id == tag.id)
                .values(contribution_id=cid, theme_id=theme_id)
            )

    def link(self):
        cid, fiche_id = self.contribution(), self.rng.choice(self.fiches)
        if not self.ids(
            FicheContribution,
            FicheContribution.contribution_id == cid,
            FicheContribution.fiche_id == fiche_id,
        ):
            self.db.session.add(FicheContribution(contribution_id=cid, fiche_id=fiche_id))

    def unlink(self):
        links = self.ids(FicheContribution)
        if links:
            self.db.session.delete(self.db.session.get(FicheContribution, self.rng.choice(links)))

    def relink(self):
        links = self.ids(FicheContribution)
        if not links:
            return
        link = self.db.session.get(FicheContribution, self.rng.choice(links))
        fiche_id = self.rng.choice(self.fiches)
        if not self.ids(
            FicheContribution,
            FicheContribution.contribution_id == link.contribution_id,
            FicheContribution.fiche_id == fiche_id,
        ):
            link.fiche_id = fiche_id

    def status(self):
        contribution = self.db.session.get(Contribution, self.contribution())
        contribution.status = self.rng.choice(("published", "pending", "rejected"))

    def statuses(self):  # several rows in one statement
        ids = self.ids(Contribution, Contribution.meeting_id.in_(self.meetings))
        chosen = self.rng.sample(ids, min(3, len(ids)))
        self.db.session.execute(
            sa.update(Contribution)
            .where(Contribution.id.in_(chosen))
            .values(status=self.rng.choice(("published", "pending")))
        )

    def move(self):
        self.db.session.execute(
            sa.update(Contribution)
            .where(Contribution.id == self.contribution())
            .values(meeting_id=self.rng.choice(self.meetings))
        )

    def decide(self):
        cid = self.contribution()
        fiche_id = self.rng.choice([None, *self.fiches])
        outcome = self.rng.choice(OUTCOMES)
        decision = self.db.session.scalar(
            sa.select(Decision).where(Decision.contribution_id == cid)
        )
        if decision is None:
            self.db.session.add(Decision(contribution_id=cid, outcome=outcome, fiche_id=fiche_id))
        else:
            which = self.rng.choice(("outcome", "fiche", "both"))
            if which in ("outcome", "both"):
                decision.outcome = outcome
            if which in ("fiche", "both"):
                decision.fiche_id = fiche_id

    def undecide(self):
        decided = self.ids(Decision)
        if decided:
            self.db.session.execute(
                sa.delete(Decision).where(Decision.id == self.rng.choice(decided))
            )

    def move_decision(self):  # to a contribution without one (plain SQL)
        decided = self.ids(Decision)
        cid = self.contribution()
        if decided and not self.ids(Decision, Decision.contribution_id == cid):
            self.db.session.execute(
                sa.update(Decision)
                .where(Decision.id == self.rng.choice(decided))
                .values(contribution_id=cid)
            )

    def delete(self):  # its tags, links and decision go with it (foreign keys)
        self.db.session.execute(
            sa.delete(Contribution).where(Contribution.id == self.contribution())
        )
        self.new_contribution()


CHANGES = {
    "tag": 4,
    "tag_fiche": 1,
    "untag": 2,
    "retag": 1,
    "link": 3,
    "unlink": 2,
    "relink": 1,
    "status": 3,
    "statuses": 1,
    "move": 1,
    "decide": 4,
    "undecide": 1,
    "move_decision": 1,
    "delete": 1,
    "new_contribution": 1,
}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_random_sequence_of_changes_keeps_the_counts(db, make_meeting, make_contribution, seed):
    rng = random.Random(seed)
    first = make_meeting(status="open")
    scheme = first.scheme
    meetings = [
        first,
        make_meeting(scheme=scheme, status="closed"),
        make_meeting(scheme=scheme, status="draft"),  # left out of the pages, not the counts
    ]
    themes = list(scheme.themes[:4])
    fiches = list(scheme.fiches[:4])
    changes = Changes(
        db, rng, [m.id for m in meetings], [t.id for t in themes], [f.id for f in fiches]
    )
    for _ in range(12):
        make_contribution(meeting=rng.choice(meetings), status=rng.choice(("published", "pending")))
    schedule = [name for name, weight in CHANGES.items() for _ in range(5 * weight)]
    rng.shuffle(schedule)  # every kind of change, many times, in a random order
    pairs = 0
    for step, name in enumerate(schedule):
        changes.run(name)
        check(db)
        pairs = max(pairs, sum(kept(db)["theme_fiche_counts"].values()))
        if step % 25 == 0:
            check_pages(db, themes, fiches)
    check_recount(db)
    check_pages(db, themes, fiches)
    assert pairs > 1  # and the pairs were exercised

    # A theme and a fiche deleted: their tags, links and decisions' fiche go with them.
    db.session.execute(sa.delete(Theme).where(Theme.id == themes[0].id))
    db.session.execute(sa.delete(Fiche).where(Fiche.id == fiches[0].id))
    db.session.expire_all()
    check(db)
    check_recount(db)


def test_a_contribution_linked_and_decided_with_a_fiche_counts_once(db, make_contribution):
    contribution = make_contribution()
    theme, fiche = contribution.meeting.scheme.themes[0], contribution.meeting.scheme.fiches[0]
    db.session.add(ContributionTag(contribution_id=contribution.id, theme_id=theme.id))
    db.session.add(FicheContribution(contribution_id=contribution.id, fiche_id=fiche.id))
    check(db)
    decision = Decision(contribution_id=contribution.id, outcome="retenue", fiche_id=fiche.id)
    db.session.add(decision)
    check(db)
    assert services.counted_fiche_total(fiche) == 1
    assert [f.id for f in services.theme_fiches(theme)] == [fiche.id]
    db.session.execute(sa.delete(FicheContribution))  # still decided with it
    check(db)
    assert services.counted_fiche_total(fiche) == 1
    decision.fiche_id = None  # neither linked nor decided with it any more
    check(db)
    assert services.counted_fiche_total(fiche) == 0
    assert services.theme_fiches(theme) == []
    check_recount(db)


def test_the_platform_s_own_write_paths(db, make_meeting, make_contribution, make_user):
    """Tagging, a working group's decisions (which link the retained contribution to its
    fiche), moderation (publish, reject, merge and its undoing), a withdrawal."""
    now = utcnow()
    staff = make_user(role="admin")
    meeting = make_meeting(status="closed")
    scheme = meeting.scheme
    theme, fiche = scheme.themes[0], scheme.fiches[0]
    group = WorkingGroup(scheme=scheme, name="Groupe", theme=scheme.themes[1], fiches=[fiche])
    db.session.add(group)
    pending = make_contribution(meeting=meeting, status="pending")
    published = [make_contribution(meeting=meeting) for _ in range(3)]
    check(db)

    for contribution in [pending, *published]:
        tagging.add_tag(contribution, theme=theme, actor=staff, now=now)
        check(db)
    tagging.add_tag(published[0], fiche=fiche, actor=staff, now=now)
    moderation.publish(pending, actor=staff, now=now)
    check(db)
    for contribution, outcome in zip(published, ("retenue", "non_retenue", "retenue"), strict=True):
        group_decisions.decide(
            group,
            contribution,
            outcome=outcome,
            fiche_id=fiche.id,
            action_id=None,
            reason="Motif.",
            actor=staff,
            now=now,
        )
        check(db)
    group_decisions.decide(  # retained, then not: the link stays, the fiche still answers
        group,
        published[0],
        outcome="hors_champ",
        fiche_id=None,
        action_id=None,
        reason="Motif.",
        actor=staff,
        now=now,
    )
    check(db)
    assert services.counted_fiche_total(fiche) == 2
    moderation.reject(published[2], actor=staff, reason=next(iter(REJECTION_REASONS)), now=now)
    check(db)
    moderation.merge(published[1], [pending], actor=staff, now=now)
    check(db)
    moderation.undo_merge(pending, actor=staff, now=now)
    check(db)
    withdraw(published[1], now=now)
    check(db)
    tag = db.session.scalar(
        sa.select(ContributionTag).where(ContributionTag.contribution_id == published[0].id)
    )
    tagging.remove_tag(published[0], tag.id, actor=staff, now=now)
    check(db)
    check_recount(db)
    check_pages(db, [theme, scheme.themes[1]], [fiche])


def test_a_rollback_takes_the_counts_back(db, make_contribution):
    contribution = make_contribution()
    theme, fiche = contribution.meeting.scheme.themes[0], contribution.meeting.scheme.fiches[0]
    db.session.add(ContributionTag(contribution_id=contribution.id, theme_id=theme.id))
    check(db)
    before = rows(db)
    nested = db.session.begin_nested()
    db.session.add(Decision(contribution_id=contribution.id, outcome="retenue", fiche_id=fiche.id))
    db.session.add(FicheContribution(contribution_id=contribution.id, fiche_id=fiche.id))
    db.session.flush()
    db.session.execute(sa.delete(Contribution).where(Contribution.id == contribution.id))
    assert rows(db) != before
    nested.rollback()
    db.session.expire_all()
    assert rows(db) == before
    check(db)


def test_pages_show_the_full_counts_figures(db, client, make_meeting, make_contribution):
    """Public meetings only, and the same numbers on the theme's and the fiche's pages."""
    meeting = make_meeting(status="closed")
    draft = make_meeting(scheme=meeting.scheme, status="draft")
    theme, fiche = meeting.scheme.themes[0], meeting.scheme.fiches[0]
    fiche.status = "adoptee"
    answers = ("retenue", "retenue", None, "non_retenue", "retenue")
    for n, (where, outcome) in enumerate(
        zip((meeting, meeting, meeting, meeting, draft), answers, strict=True)
    ):
        contribution = make_contribution(meeting=where)
        db.session.add(ContributionTag(contribution_id=contribution.id, theme_id=theme.id))
        if outcome:
            db.session.add(
                Decision(
                    contribution_id=contribution.id,
                    outcome=outcome,
                    fiche_id=fiche.id if outcome == "retenue" else None,
                )
            )
        if n < 2:  # linked too: counted once
            db.session.add(FicheContribution(contribution_id=contribution.id, fiche_id=fiche.id))
    db.session.commit()
    check_pages(db, [theme], [fiche])
    figures = services.theme_figures(theme)
    assert figures.outcomes.total == 4
    assert figures.outcomes.counts["retenue"] == 2
    assert figures.fiche_ids == (fiche.id,)
    assert services.fiche_total(fiche) == 2
    page = client.get(f"/suite/thematiques/{theme.id}")
    assert page.status_code == 200
    assert "Ce qui a été dit (4 contributions publiées)" in page.text
    assert f'href="/suite/fiches/{fiche.id}"' in page.text
    page = client.get(f"/suite/fiches/{fiche.id}")
    assert page.status_code == 200
    assert "Les contributions auxquelles elle répond (2)" in page.text


# --- Two transactions at once (PostgreSQL) ----------------------------------------------


@pytest.fixture
def shared_database():
    """A scratch PostgreSQL database whose rows every connection sees (committed)."""
    with scratch_postgresql("answers", "deux transactions en même temps") as database:
        yield database


def _tag(session, cid, theme_id):
    session.add(ContributionTag(contribution_id=cid, theme_id=theme_id))


def _link(session, cid, fiche_id):
    session.add(FicheContribution(contribution_id=cid, fiche_id=fiche_id))


def _decide(session, cid, fiche_id):
    session.add(Decision(contribution_id=cid, outcome="retenue", fiche_id=fiche_id))


def _unpublish(session, cid, fiche_id):
    session.execute(sa.update(Contribution).where(Contribution.id == cid).values(status="pending"))


PAIRS = {
    "tag+decide": (lambda s, c, t, f: _tag(s, c, t), lambda s, c, t, f: _decide(s, c, f)),
    "link+decide": (lambda s, c, t, f: _link(s, c, f), lambda s, c, t, f: _decide(s, c, f)),
    "tag+unpublish": (lambda s, c, t, f: _tag(s, c, t), lambda s, c, t, f: _unpublish(s, c, f)),
    "link+unpublish": (lambda s, c, t, f: _link(s, c, f), lambda s, c, t, f: _unpublish(s, c, f)),
    "decide+unpublish": (
        lambda s, c, t, f: _decide(s, c, f),
        lambda s, c, t, f: _unpublish(s, c, f),
    ),
}


@pytest.mark.parametrize("first_one_first", [True, False])
@pytest.mark.parametrize("pair", list(PAIRS))
def test_two_changes_of_one_contribution_at_once_are_counted_once(
    shared_database, pair, first_one_first
):
    scheme = import_scheme(load_fixture("savoie.json"), now=utcnow())
    meeting = Meeting(scheme=scheme, kind="concertation_territoriale", status="open", title="R")
    contribution = Contribution(meeting=meeting, body=HOSTILE_TEXT, status="published")
    shared_database.session.add(contribution)
    shared_database.session.flush()
    # Tagged with another theme and linked to another fiche already: the pairs move too.
    other_theme, theme = scheme.themes[0].id, scheme.themes[1].id
    other_fiche, fiche = scheme.fiches[0].id, scheme.fiches[1].id
    cid = contribution.id
    _tag(shared_database.session, cid, other_theme)
    _link(shared_database.session, cid, other_fiche)
    shared_database.session.commit()

    one, other = PAIRS[pair]
    changes = (one, other) if first_one_first else (other, one)
    at_once(
        shared_database,
        *(lambda s, change=change: change(s, cid, theme, fiche) for change in changes),
    )

    shared_database.session.expire_all()
    check(shared_database)
