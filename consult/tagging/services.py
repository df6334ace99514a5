"""Set and remove tags; compute suggestions from the scheme and past decisions."""

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from consult.analysis.similarity import is_empty_answer, letters
from consult.analysis.suggest import Label, Suggester, use_territories
from consult.analysis.tag_feedback import MAX_UNLABELLED, FeedbackSuggester, HeldOutEstimates
from consult.analysis.text import tag_terms
from consult.contributions.models import Contribution, contribution_publics
from consult.core.db import add_once
from consult.core.errors import DomainError
from consult.extensions import db
from consult.history.services import record, snapshot
from consult.meetings.models import Meeting
from consult.schemes.models import Fiche, Public, Scheme, Territory, Theme
from consult.tagging.models import ContributionTag, SuggestionRejection, TagSuggestion

MAX_EXAMPLES = 200  # per label: enough to learn, bounded so a model builds quickly
# Weak but often right: moderators see the score; bulk acceptance has its own threshold.
SUGGESTION_FLOOR = 0.01
# Per scheme and level, the learned part's weight and the calibration, measured on
# held-out tags and kept while the tags changed little (a rebuild after one more tag
# costs one model fit, not eleven).
held_out = HeldOutEstimates()


class TaggingError(DomainError):
    """A French message explaining why a tag was refused."""


def _scheme_of(contribution: Contribution) -> int:
    return db.session.scalar(
        sa.select(Meeting.scheme_id).where(Meeting.id == contribution.meeting_id)
    )


def add_tag(
    contribution: Contribution,
    *,
    theme: Theme | None = None,
    fiche: Fiche | None = None,
    actor,
    from_suggestion: bool = False,
    now: datetime,
) -> ContributionTag:
    """Tag a contribution with a theme or a fiche of its meeting's scheme (idempotent)."""
    target = theme or fiche
    if target is None or (theme is not None and fiche is not None):
        raise TaggingError("Choisissez une thématique ou une fiche.")
    if target.scheme_id != _scheme_of(contribution):
        raise TaggingError("Cette thématique ou fiche n'appartient pas au schéma de la rencontre.")
    column = ContributionTag.theme_id if theme else ContributionTag.fiche_id
    existing = _tag_on(contribution, column, target.id)
    if existing:
        return existing
    before = snapshot(contribution)
    tag = ContributionTag(
        contribution_id=contribution.id,
        theme=theme,
        fiche=fiche,
        set_by_id=actor.id,
        from_suggestion=from_suggestion,
        created_at=now,
    )
    if not add_once(db.session, tag):  # two moderators at once: the second finds the tag
        return _tag_on(contribution, column, target.id)
    origin = " (suggestion acceptée)" if from_suggestion else ""
    record(contribution, actor, "tag", before, reason=f"{_describe(target)}{origin}", now=now)
    return tag


def _tag_on(contribution: Contribution, column, target_id: int) -> ContributionTag | None:
    return db.session.scalar(
        sa.select(ContributionTag).where(
            ContributionTag.contribution_id == contribution.id, column == target_id
        )
    )


def _describe(target: Theme | Fiche) -> str:
    kind = "Thématique" if isinstance(target, Theme) else "Fiche"
    return f"{kind} {target.number} : {target.title}"


def remove_tag(contribution: Contribution, tag_id: int, *, actor, now: datetime) -> bool:
    """Remove one tag of this contribution (other contributions' tags are ignored)."""
    tag = db.session.scalar(
        sa.select(ContributionTag).where(
            ContributionTag.id == tag_id, ContributionTag.contribution_id == contribution.id
        )
    )
    if tag is None:
        return False
    before = snapshot(contribution)
    target = tag.theme or tag.fiche
    db.session.delete(tag)
    db.session.flush()
    record(contribution, actor, "untag", before, reason=_describe(target), now=now)
    return True


def tag_keys(contribution: Contribution) -> list[str]:
    """The contribution's tags as the audit trail keeps them ("theme:3", "fiche:12")."""
    rows = db.session.execute(
        sa.select(ContributionTag.theme_id, ContributionTag.fiche_id).where(
            ContributionTag.contribution_id == contribution.id
        )
    )
    return sorted(f"theme:{t}" if t else f"fiche:{f}" for t, f in rows)


def tags_in_snapshot(contribution: Contribution) -> dict:
    """What the audit trail keeps of a contribution's tags (receiver of ``snapshot_taken``)."""
    return {"tags": tag_keys(contribution)}


def tags_of(contribution: Contribution) -> list[ContributionTag]:
    """The contribution's tags, themes first."""
    return db.session.scalars(
        sa.select(ContributionTag)
        .where(ContributionTag.contribution_id == contribution.id)
        .order_by(ContributionTag.fiche_id.is_not(None), ContributionTag.id)
    ).all()


# A public meaning everyone (« Tous publics ») says nothing of the theme: its word
# « publics » alone made « L'accès aux droits » read 90 % for an e-mail address.
_EVERYONE = frozenset(["tous", "tout", "toutes", "public", "publics", "grand", "large"])


def suggestion_text(body: str, publics: Iterable[str] = ()) -> str:
    """A contribution as suggestions read it: what it says, then the publics it concerns,
    as its author or the facilitator chose them (« … Mineurs non accompagnés. »). The
    public named says much of the theme, and is shown among the words of a suggestion
    it decides, like any word of the text. A public meaning everyone is left out, and a
    text that says nothing (an address, « RAS ») is not tagged by its public alone."""
    named = [label for label in publics if label and not _everyone(label)]
    if not named or is_empty_answer(body) or not tag_terms(body):
        return body
    return f"{body}\n\n{' ; '.join(named)}."


def _everyone(label: str) -> bool:
    return set(label.lower().replace("-", " ").split()) <= _EVERYONE


def words_from_publics(words: Iterable[str], body: str, publics: Iterable[str]) -> set[str]:
    """The words of a suggestion taken from the publics a contribution concerns, not from
    what it says (see :func:`suggestion_text`): shown as such, so that a facilitator
    does not look for them in the text."""
    said = _plain(body)
    named = [_plain(label) for label in publics]
    return {w for w in words if _plain(w) not in said and any(_plain(w) in n for n in named)}


def words_not_in_text(words: Iterable[str], body: str, publics: Iterable[str] = ()) -> set[str]:
    """The words of a suggestion its text does not say, nor its publics: a sector idea the
    text expresses otherwise (« personne âgée » for « retraités », « accès aux droits »
    for « langage simple »). Shown as such, so that a facilitator does not look for them
    in the text. A word said with another ending (« aidant » for « aidants », « personne
    âgée » for « personnes âgées ») is said."""
    said = letters(body).split()
    from_publics = words_from_publics(words, body, publics)
    return {
        w
        for w in words
        if w not in from_publics and not all(_said(part, said) for part in letters(w).split())
    }


def _said(word: str, said: list[str]) -> bool:
    """``word`` is one of ``said`` but for a plural « s » or « x », or shares with one of
    them all but the last two letters of the shorter (« rappel » / « rappelée »)."""
    word = word.rstrip("sx") or word
    for other in said:
        other = other.rstrip("sx") or other
        shorter = min(len(word), len(other))
        if word == other or (shorter >= 5 and word[: shorter - 2] == other[: shorter - 2]):
            return True
    return False


def _plain(text: str) -> str:
    """`` mineurs non accompagnes mna `` for « Mineurs non accompagnés (MNA) »: whole words,
    so that a word is found in a text only as a word of it."""
    return f" {letters(text)} "


def with_publics(bodies: dict[int, str]) -> dict[int, str]:
    """:func:`suggestion_text` of many contributions (id → body), in one query a batch."""
    ids, publics = list(bodies), {}
    for start in range(0, len(ids), 500):
        rows = db.session.execute(
            sa.select(contribution_publics.c.contribution_id, Public.label)
            .join(Public, Public.id == contribution_publics.c.public_id)
            .where(contribution_publics.c.contribution_id.in_(ids[start : start + 500]))
            .order_by(Public.position, Public.id)
        )
        for contribution_id, label in rows:
            publics.setdefault(contribution_id, []).append(label)
    return {i: suggestion_text(body, publics.get(i, ())) for i, body in bodies.items()}


def _texts_by_label(model, column, scheme_id: int) -> dict[int, list[str]]:
    """Per theme or fiche of one scheme (``column`` of ``model``'s rows), the texts of the
    contributions it has rows for, newest first, at most :data:`MAX_EXAMPLES`."""
    rows = db.session.execute(
        sa.select(column, Contribution.id, Contribution.body)
        .join(Contribution, Contribution.id == model.contribution_id)
        .join(Meeting, Meeting.id == Contribution.meeting_id)
        .where(column.is_not(None), Meeting.scheme_id == scheme_id)
        .order_by(model.id.desc())
    )
    kept: dict[int, list[tuple[int, str]]] = {}
    for target_id, contribution_id, body in rows:
        bucket = kept.setdefault(target_id, [])
        if len(bucket) < MAX_EXAMPLES:
            bucket.append((contribution_id, body))
    texts = with_publics({i: body for bucket in kept.values() for i, body in bucket})
    return {target: [texts[i] for i, _ in bucket] for target, bucket in kept.items()}


def _examples(column, scheme_id: int) -> dict[int, list[str]]:
    """The texts moderators tagged with each theme or fiche of one scheme, newest first."""
    return _texts_by_label(ContributionTag, column, scheme_id)


def _rejections(column, scheme_id: int) -> dict[int, list[str]]:
    """The texts each theme or fiche of one scheme was suggested for and refused, newest first."""
    return _texts_by_label(SuggestionRejection, column, scheme_id)


def _untagged(column, scheme_id: int) -> list[str]:
    """The texts of the scheme's contributions (to moderate or published) with no
    theme, or no fiche, yet, newest first: how people write, before anyone tags."""
    tagged = sa.select(ContributionTag.contribution_id).where(column.is_not(None))
    rows = db.session.execute(
        sa.select(Contribution.id, Contribution.body)
        .join(Meeting, Meeting.id == Contribution.meeting_id)
        .where(
            Meeting.scheme_id == scheme_id,
            Contribution.status.in_(("pending", "published")),
            Contribution.id.not_in(tagged),
        )
        .order_by(Contribution.id.desc())
        .limit(MAX_UNLABELLED)
    ).all()
    return list(with_publics(dict(rows)).values())


def fiche_passages(fiche: Fiche) -> list[str]:
    """The parts of a fiche a contribution can match: title, policy, objectives,
    constats, implementation, actions, indicators."""
    parts = [fiche.title, fiche.policy, *fiche.objectives, *fiche.context]
    parts += fiche.implementation
    parts += [a.title for a in fiche.actions] + [i.label for i in fiche.indicators]
    return [p for p in parts if p]


def fiche_text(fiche: Fiche) -> str:
    """A fiche's passages as one text; the title counts twice: it says what the fiche is about."""
    return " ".join([fiche.title, *fiche_passages(fiche)])


def _suggester(
    labels: list[Label],
    unlabelled: list[str],
    children: Suggester | None = None,
    *,
    key: tuple | None = None,
) -> Suggester:
    """A suggester whose labels also hear the untagged contributions (``unlabelled``),
    and whose learned part's weight and calibration come from out-of-fold scores of
    the tags set (``key``: the scheme's level, whose last estimate may still hold;
    without, measured afresh)."""
    below = children.labels if children is not None else None
    learned_weight, calibration = held_out(key, labels, unlabelled, children=below)
    return FeedbackSuggester(
        labels,
        calibration=calibration,
        learned_weight=learned_weight,
        children=children,
        unlabelled=unlabelled,
    )


def build_suggesters(scheme: Scheme) -> dict[str, Suggester]:
    """One suggester for themes, one for fiches, learning from every tag already set.

    The Département's territories are places: their names never justify a tag."""
    use_territories(db.session.scalars(sa.select(Territory.name)))
    theme_examples = _examples(ContributionTag.theme_id, scheme.id)
    fiche_examples = _examples(ContributionTag.fiche_id, scheme.id)
    theme_refused = _rejections(SuggestionRejection.theme_id, scheme.id)
    fiche_refused = _rejections(SuggestionRejection.fiche_id, scheme.id)
    fiches = [
        Label(
            str(f.id),
            fiche_text(f),
            fiche_examples.get(f.id, []),
            fiche_passages(f),
            rejected=fiche_refused.get(f.id, []),
        )
        for f in scheme.fiches
    ]
    suggesters = {}
    key = (scheme.id, scheme.created_at)
    if fiches:
        untagged = _untagged(ContributionTag.fiche_id, scheme.id)
        suggesters["fiche"] = _suggester(fiches, untagged, key=(*key, "fiche"))
    if scheme.themes:
        themes = [
            Label(
                str(t.id),
                f"{t.title} {t.description}",
                theme_examples.get(t.id, []),
                rejected=theme_refused.get(t.id, []),
            )
            for t in scheme.themes
        ]
        # A theme also hears its fiches: the fiches tagged with it on the same contributions.
        untagged = _untagged(ContributionTag.theme_id, scheme.id)
        below = suggesters.get("fiche")
        suggesters["theme"] = _suggester(themes, untagged, below, key=(*key, "theme"))
    return suggesters


def _applied(contribution: Contribution) -> dict[str, set[str]]:
    """Keys of the themes and fiches already on the contribution or refused for it
    (never suggested again)."""
    return _applied_to([contribution.id])[contribution.id]


def _rejected(contribution_id: int) -> dict[str, set[str]]:
    """Keys of the themes and fiches refused for the contribution."""
    rejected = {"theme": set(), "fiche": set()}
    rows = db.session.execute(
        sa.select(SuggestionRejection.theme_id, SuggestionRejection.fiche_id).where(
            SuggestionRejection.contribution_id == contribution_id
        )
    )
    for theme_id, fiche_id in rows:
        rejected["theme" if theme_id else "fiche"].add(str(theme_id or fiche_id))
    return rejected


def _applied_to(contribution_ids: Iterable[int]) -> dict[int, dict[str, set[str]]]:
    """:func:`_applied` of many contributions, in one query."""
    ids = list(contribution_ids)
    applied = {i: {"theme": set(), "fiche": set()} for i in ids}
    rows = db.session.execute(
        sa.union_all(
            *(
                sa.select(model.contribution_id, model.theme_id, model.fiche_id).where(
                    model.contribution_id.in_(ids)
                )
                for model in (ContributionTag, SuggestionRejection)
            )
        )
    )
    for contribution_id, theme_id, fiche_id in rows:
        target = "theme" if theme_id else "fiche"
        applied[contribution_id][target].add(str(theme_id or fiche_id))
    return applied


def store_suggestions(
    contribution: Contribution, suggesters: dict[str, Suggester], *, now: datetime, top: int = 3
) -> list[TagSuggestion]:
    """Replace the contribution's suggestions with fresh ones."""
    store_suggestions_of({contribution.id: contribution.body}, suggesters, now=now, top=top)
    set_committed_value(contribution, "suggested_at", now)
    return db.session.scalars(
        sa.select(TagSuggestion)
        .where(TagSuggestion.contribution_id == contribution.id)
        .order_by(TagSuggestion.id)
    ).all()


def store_suggestions_of(
    bodies: dict[int, str],
    suggesters: dict[str, Suggester],
    *,
    now: datetime,
    top: int = 3,
    pending_only: bool = False,
) -> list[int]:
    """Replace the suggestions of many contributions (id → body) with fresh ones, and
    mark them computed (``suggested_at``). Returns the ids written. Each is read with
    the publics it concerns (:func:`with_publics`).

    Computed first, written after, the rows locked only while written. With
    ``pending_only``, a contribution someone else computed meanwhile (another
    sweeper, a refresh) is left as it is; without it, the rows are taken anyway, a
    sweeper writing them at the same time waits, then leaves them alone.
    """
    applied = _applied_to(bodies)
    texts = list(with_publics(bodies).values())
    found = {contribution_id: [] for contribution_id in bodies}
    for target, suggester in suggesters.items():
        excluded = [applied[contribution_id][target] for contribution_id in bodies]
        batch = suggester.suggest_many(texts, top=top, minimum=SUGGESTION_FLOOR, excludes=excluded)
        for contribution_id, suggestions in zip(bodies, batch, strict=True):
            found[contribution_id] += [
                {
                    "contribution_id": contribution_id,
                    "score": s.score,
                    "words": s.words,
                    "learned": s.learned,
                    "computed_at": now,
                    "theme_id": int(s.key) if target == "theme" else None,
                    "fiche_id": int(s.key) if target == "fiche" else None,
                }
                for s in suggestions
            ]
    written = _mark_computed(list(bodies), now, pending_only=pending_only)
    if written:
        db.session.execute(
            sa.delete(TagSuggestion).where(TagSuggestion.contribution_id.in_(written))
        )
        rows = [row for contribution_id in written for row in found[contribution_id]]
        if rows:
            # The table, not the model: one multi-row INSERT, no ids fetched back.
            db.session.execute(sa.insert(TagSuggestion.__table__), rows)
    return written


def _mark_computed(contribution_ids: list[int], now: datetime, *, pending_only: bool):
    """Set ``suggested_at`` (the table, not the model: no public figure changes, and the
    contribution's ``updated_at`` stays), clear the sweeper's attempts and hold, and
    return the ids taken, in order."""
    table = Contribution.__table__
    condition = [table.c.id.in_(contribution_ids)]
    if pending_only:
        condition.append(table.c.suggested_at.is_(None))
    taken = db.session.scalars(
        sa.update(table)
        .where(*condition)
        .values(
            suggested_at=now,
            suggest_attempts=0,
            suggest_claimed_at=None,
            updated_at=table.c.updated_at,
        )
        .returning(table.c.id)
    ).all()
    return sorted(taken)


def suggestions_of(contribution: Contribution) -> list[TagSuggestion]:
    """Stored suggestions not applied yet, best first.

    Each carries ``rank``, its place among all stored suggestions: accepting one
    leaves the others' numbers (and keyboard keys) as they were.
    """
    stored = db.session.scalars(
        sa.select(TagSuggestion)
        .where(TagSuggestion.contribution_id == contribution.id)
        .order_by(TagSuggestion.score.desc(), TagSuggestion.id)
    ).all()
    applied = _applied(contribution)
    pending = []
    for rank, suggestion in enumerate(stored, 1):
        suggestion.rank = rank
        target = "theme" if suggestion.theme_id else "fiche"
        if str(suggestion.theme_id or suggestion.fiche_id) not in applied[target]:
            pending.append(suggestion)
    return pending


def find_suggestion(suggestion_id: int | None) -> TagSuggestion | None:
    """A stored suggestion by id (None when a refresh replaced it)."""
    return db.session.get(TagSuggestion, suggestion_id) if suggestion_id else None


def accept_suggestion(suggestion: TagSuggestion, *, actor, now: datetime) -> ContributionTag:
    """Turn one suggestion into a tag on its contribution (idempotent).

    :raises TaggingError: see :func:`accept_target`.
    """
    contribution = db.session.get(Contribution, suggestion.contribution_id)
    return accept_target(
        contribution, theme=suggestion.theme, fiche=suggestion.fiche, actor=actor, now=now
    )


def accept_target(
    contribution: Contribution,
    *,
    theme: Theme | None = None,
    fiche: Fiche | None = None,
    actor,
    now: datetime,
) -> ContributionTag:
    """Tag a contribution with the theme or fiche a facilitator saw suggested for it, even
    when a refresh replaced that suggestion since the page was loaded (idempotent).

    :raises TaggingError: it was refused for this contribution since (adding the tag by
        hand stays possible).
    """
    kind, target = ("theme", theme) if theme is not None else ("fiche", fiche)
    if target is not None and str(target.id) in _rejected(contribution.id)[kind]:
        raise TaggingError(
            "Cette suggestion a été refusée pour cette contribution : ajoutez l'étiquette "
            "depuis sa fiche si vous avez changé d'avis."
        )
    return add_tag(
        contribution, theme=theme, fiche=fiche, actor=actor, from_suggestion=True, now=now
    )


def reject_suggestion(suggestion: TagSuggestion, *, actor, now: datetime) -> SuggestionRejection:
    """Turn a suggestion down: see :func:`reject_target`."""
    return reject_target(
        suggestion.contribution_id,
        theme_id=suggestion.theme_id,
        fiche_id=suggestion.fiche_id,
        actor=actor,
        now=now,
    )


def reject_target(
    contribution_id: int,
    *,
    theme_id: int | None = None,
    fiche_id: int | None = None,
    actor,
    now: datetime,
) -> SuggestionRejection:
    """Turn down a theme or fiche suggested for a contribution: it leaves the contribution
    for good, and the next suggesters weigh that label down for texts like this one
    (idempotent)."""
    target = {"theme_id": theme_id, "fiche_id": fiche_id}
    found = db.session.scalar(
        sa.select(SuggestionRejection).filter_by(contribution_id=contribution_id, **target)
    )
    if found is None:
        found = SuggestionRejection(
            contribution_id=contribution_id, set_by_id=actor.id, created_at=now, **target
        )
        db.session.add(found)
    db.session.flush()  # the stored suggestion stays: the others keep their numbers
    return found


def planned_acceptances(
    contributions: list[Contribution], *, minimum: float
) -> list[tuple[Contribution, TagSuggestion]]:
    """What bulk acceptance would do: each suggestion scoring ≥ ``minimum``, not applied,
    on contributions not merged into another (the one kept carries their tags)."""
    return [
        (contribution, s)
        for contribution in contributions
        if contribution.status != "merged"
        for s in suggestions_of(contribution)
        if s.score >= minimum
    ]


def accept_suggestions(
    contributions: list[Contribution],
    *,
    minimum: float,
    actor,
    now: datetime,
    only: set[int] | None = None,
) -> int:
    """Bulk: turn every suggestion scoring ≥ ``minimum`` into a tag. Returns tags added.

    :param only: the suggestion ids a preview showed; others (a refresh replaced
        them since) are left alone.
    """
    added = 0
    # In id order, as a multi-row UPDATE of contributions locks them (PostgreSQL): each tag
    # locks its contribution (``consult.suite.counts``), and two transactions that lock
    # the same rows in the same order wait for one another instead of deadlocking.
    ordered = sorted(contributions, key=lambda contribution: contribution.id)
    for contribution, s in planned_acceptances(ordered, minimum=minimum):
        if only is not None and s.id not in only:
            continue
        before = len(tags_of(contribution))
        add_tag(
            contribution, theme=s.theme, fiche=s.fiche, actor=actor, from_suggestion=True, now=now
        )
        added += len(tags_of(contribution)) - before
    return added


def accept_planned(
    contributions: list[Contribution], planned: Iterable[tuple[int, str, int]], *, actor, now
) -> int:
    """Bulk, confirmed: tag each of ``contributions`` with the themes and fiches a preview
    listed for it (``(contribution id, "theme" | "fiche", id)``), whatever the stored
    suggestions became since (a refresh replaces them). One refused meanwhile, or not of
    the contribution's scheme, is left out. Returns tags added."""
    by_id = {c.id: c for c in contributions if c.status != "merged"}
    wanted = sorted({p for p in planned if p[0] in by_id})  # id order: see accept_suggestions
    labels = {"theme": Theme, "fiche": Fiche}
    added = 0
    for contribution_id, kind, label_id in wanted:
        label = db.session.get(labels[kind], label_id)
        if label is None:
            continue
        contribution = by_id[contribution_id]
        before = len(tags_of(contribution))
        try:
            with db.session.begin_nested():
                accept_target(contribution, **{kind: label}, actor=actor, now=now)
        except TaggingError:
            continue
        added += len(tags_of(contribution)) - before
    return added
