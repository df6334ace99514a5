"""The team's curation of ideas (rename, merge, split, move, quotes, hide)."""

import textwrap
from dataclasses import dataclass, replace

import sqlalchemy as sa

from consult.analysis.duplicates import closer_to_first
from consult.contributions.models import Contribution
from consult.core.errors import DomainError
from consult.core.formatting import plural_ending
from consult.core.sanitize import clean_line
from consult.extensions import db
from consult.synthesis.document import Document, Idea, Quote
from consult.synthesis.models import IdeaCuration, SynthesisVersion

MAX_QUOTES = 3
MAX_TITLE = 300
QUOTE_CHARS = 400


class CurationError(DomainError):
    """A curation that cannot be made; the message is shown to the facilitator."""


@dataclass(frozen=True)
class Change:
    """One curation as :func:`apply` reads it (a row, or a change being checked)."""

    action: str
    idea_ids: tuple[int, ...]
    other_ids: tuple[int, ...] = ()
    title: str = ""


# --- Finding an idea again ------------------------------------------------------------


def _ideas(document: Document):
    for s, section in enumerate(document.sections):
        for i, idea in enumerate(section.ideas):
            yield s, i, idea


def _nearest(document: Document, wanted: set[int], skip=None) -> tuple[int, int] | None:
    """The visible idea sharing most contributions with ``wanted`` (first on ties), or None."""
    best, found = 0, None
    for s, i, idea in _ideas(document):
        shared = len(wanted.intersection(idea.ids))
        if idea.hidden or (s, i) == skip or shared <= best:
            continue
        best, found = shared, (s, i)
    return found


MATCH_SHARE = 3  # the curated idea's contributions make up at least 1/3 of the idea found


def find(document: Document, ids, *, skip=None) -> tuple[int, int] | None:
    """The visible idea that is the curated one (``ids``) in ``document``, or None.

    A real match only: the idea sharing most contributions must hold at least half of
    those of ``ids`` the document still reads, and these must make up at least a third
    of the idea. An idea that merely holds one of them (a regeneration scattered the
    curated idea) does not take its title: the change is reported as not carried.
    """
    wanted = set(ids) & _present(document)
    found = _nearest(document, wanted, skip) if wanted else None
    if found is None:
        return None
    held = _get(document, found).ids
    shared = len(wanted.intersection(held))
    if 2 * shared < len(wanted) or MATCH_SHARE * shared < len(held):
        return None
    return found


def _set(document: Document, place: tuple[int, int], idea: Idea) -> None:
    document.sections[place[0]].ideas[place[1]] = idea


def _get(document: Document, place: tuple[int, int]) -> Idea:
    return document.sections[place[0]].ideas[place[1]]


def _without(idea: Idea, gone: set[int]) -> Idea:
    ids = [i for i in idea.ids if i not in gone]
    removed = len(idea.ids) - len(ids)
    quotes = [q for q in idea.quotes if q.id not in gone]
    return replace(idea, ids=ids, size=max(idea.size - removed, len(ids)), quotes=quotes)


# --- Applying each kind of change ------------------------------------------------------


def _rename(document, place, change, texts) -> bool:
    _set(document, place, replace(_get(document, place), label=change.title, curated=True))
    return True


def _hide(document, place, change, texts) -> bool:
    _set(document, place, replace(_get(document, place), hidden=True))
    return True


def _present(document: Document) -> set[int]:
    """Every contribution the document still reads (in an idea, a part or isolated)."""
    ids = {i for _, _, idea in _ideas(document) for i in idea.ids}
    ids.update(i for section in document.sections for i in section.ids + section.isolated)
    return ids


def _merge(document, place, change, texts) -> bool:
    idea = _get(document, place)
    other = find(document, change.other_ids, skip=place)
    if other is None:
        # Kept when the other idea's contributions already sit in this one (or are gone).
        return not (set(change.other_ids) & _present(document)) - set(idea.ids)
    absorbed = _get(document, other)
    ids = idea.ids + [i for i in absorbed.ids if i not in set(idea.ids)]
    merged = replace(
        idea,
        ids=ids,
        size=idea.size + absorbed.size,
        supports=idea.supports + absorbed.supports,
        quotes=(idea.quotes + absorbed.quotes)[:MAX_QUOTES],
        sub_ideas=idea.sub_ideas + absorbed.sub_ideas,
        curated=True,
    )
    _set(document, place, merged)
    _set(document, other, replace(absorbed, hidden=True))
    return True


def _split(document, place, change, texts) -> bool:
    idea = _get(document, place)
    chosen = set(change.other_ids).intersection(idea.ids)
    if not chosen:  # the part split off may be an idea of its own in this version
        place = find(document, change.other_ids)
        if place is None or not set(_get(document, place).ids) <= set(change.other_ids):
            return False
        idea = _get(document, place)
        chosen = set(idea.ids)
    if chosen == set(idea.ids):
        # The new version already found the split-off part as an idea: it takes its title.
        _set(document, place, replace(idea, label=change.title, curated=True))
        return True
    chosen |= _following(idea, change, chosen)
    new = Idea(
        label=change.title,
        terms=[],
        size=len(chosen),
        supports=0,
        ids=[i for i in idea.ids if i in chosen],
        quotes=[q for q in idea.quotes if q.id in chosen],
        curated=True,
    )
    _set(document, place, replace(_without(idea, chosen), curated=True))
    document.sections[place[0]].ideas.append(new)
    return True


def _following(idea: Idea, change, chosen: set[int]) -> set[int]:
    """The contributions new to the idea since it was split (in neither part then) that
    read closer to the part split off than to the part that stayed: a regenerated
    version puts them on the side they resemble (:func:`closer_to_first`)."""
    fresh = [i for i in idea.ids if i not in set(change.idea_ids) | set(change.other_ids)]
    stayed = [i for i in idea.ids if i not in chosen and i not in fresh]
    if not fresh or not stayed:
        return set()
    bodies = dict(
        db.session.execute(
            sa.select(Contribution.id, Contribution.body).where(
                Contribution.id.in_(sorted({*fresh, *chosen, *stayed}))
            )
        ).all()
    )
    parts = [[bodies.get(i, "") for i in part] for part in (sorted(chosen), stayed)]
    closer = closer_to_first([bodies.get(i, "") for i in fresh], *parts)
    return {i for i, follows in zip(fresh, closer, strict=True) if follows}


def _move(document, place, change, texts) -> bool:
    moved = set(change.other_ids) & _present(document)  # never one withdrawn or rejected since
    if not moved:
        return False
    for s, i, idea in _ideas(document):
        if (s, i) != place and moved.intersection(idea.ids):
            _set(document, (s, i), _without(idea, moved))
    for section in document.sections:
        section.isolated = [i for i in section.isolated if i not in moved]
    idea = _get(document, place)
    added = [i for i in change.other_ids if i in moved and i not in set(idea.ids)]
    _set(
        document,
        place,
        replace(idea, ids=idea.ids + added, size=idea.size + len(added), curated=True),
    )
    return True


def _quotes(document, place, change, texts) -> bool:
    idea = _get(document, place)
    known = {q.id: q for q in idea.quotes}
    quotes = [
        known.get(i) or Quote(id=i, text=_excerpt(texts.get(i, "")))
        for i in change.other_ids
        if i in set(idea.ids) and (i in known or texts.get(i))
    ]
    if not quotes:
        return False  # none of the chosen quotes is in the idea now: it keeps its own
    _set(document, place, replace(idea, quotes=quotes[:MAX_QUOTES], curated=True))
    return True


def _show(document, place, change, texts) -> bool:
    """Nothing to do: :func:`apply` finds hidden ideas only for this action."""
    return True


APPLY = {
    "rename": _rename,
    "hide": _hide,
    "merge": _merge,
    "split": _split,
    "move": _move,
    "quotes": _quotes,
}


def _excerpt(text: str) -> str:
    words = " ".join((text or "").split())
    if len(words) <= QUOTE_CHARS:
        return words
    return words[:QUOTE_CHARS].rsplit(" ", 1)[0] + " …"


def _hidden_place(document: Document, ids) -> tuple[int, int] | None:
    """The hidden idea sharing most contributions with ``ids`` (first on ties), or None."""
    wanted, best, found = set(ids), 0, None
    for s, i, idea in _ideas(document):
        shared = len(wanted.intersection(idea.ids))
        if idea.hidden and shared > best:
            best, found = shared, (s, i)
    return found


def keeper(document: Document, place: tuple[int, int]) -> tuple[int, int] | None:
    """Where the hidden idea at ``place`` was merged: the visible idea holding its
    contributions (None when it was only hidden)."""
    return _nearest(document, set(_get(document, place).ids), skip=place)


def merged_into(document: Document) -> dict[tuple[int, int], str]:
    """For each idea merged away, the title of the idea holding its contributions."""
    found = {}
    for s, i, idea in _ideas(document):
        into = keeper(document, (s, i)) if idea.hidden and idea.ids else None
        if into is not None:
            found[(s, i)] = _get(document, into).label
    return found


def _unhide(document: Document, change: Change) -> bool:
    """The idea shown again; merged away, the merge is undone: its contributions leave
    the idea that absorbed them (never counted twice), those moved elsewhere since stay."""
    found = _hidden_place(document, change.idea_ids)
    if found is None:
        return False
    absorbed = _get(document, found)
    back = set(absorbed.ids)
    into = keeper(document, found)
    if into is not None:
        kept = _get(document, into)
        kept = _without(kept, back)
        _set(
            document,
            into,
            replace(
                kept,
                supports=max(kept.supports - absorbed.supports, 0),
                sub_ideas=[sub for sub in kept.sub_ideas if sub not in absorbed.sub_ideas],
            ),
        )
    elsewhere = {
        i for _, _, idea in _ideas(document) if not idea.hidden for i in back & set(idea.ids)
    }
    _set(document, found, replace(_without(absorbed, elsewhere), hidden=False))
    return True


def apply(document: Document, changes: list[Change], texts: dict[int, str]) -> Document:
    """The document with the team's changes (see :func:`applied`)."""
    return applied(document, changes, texts)[0]


def applied(
    document: Document, changes: list[Change], texts: dict[int, str]
) -> tuple[Document, list[int]]:
    """The document with the team's changes, oldest first, and those it could not carry.

    Each change finds its idea again by its contributions (:func:`find`: a real match,
    not one shared contribution), so a regenerated version inherits titles, merges,
    splits and moves.
    Merged and hidden ideas stay in place, flagged ``hidden`` (comments are keyed by
    position). A change whose idea (or contributions) is no longer there is skipped, and
    its index returned, so that the page can say which changes this version lacks.
    """
    sections = [
        replace(s, ideas=list(s.ideas), isolated=list(s.isolated)) for s in document.sections
    ]
    document = replace(document, sections=sections)
    skipped = []
    for index, change in enumerate(changes):
        if change.action == "show":
            if not _unhide(document, change):
                skipped.append(index)
            continue
        if change.action not in APPLY:
            continue
        place = find(document, change.idea_ids)
        if place is None and change.action == "merge":  # the new version joined them itself
            place = find(document, change.idea_ids + change.other_ids)
        if place is None or not APPLY[change.action](document, place, change, texts):
            skipped.append(index)
    return (_retitled_findings(document) if changes else document), skipped


def _retitled_findings(document: Document) -> Document:
    """The first page's main ideas under the titles the team gave them, each once."""
    findings, seen = [], set()
    for finding in document.findings:
        place = _nearest(document, set(finding.ids))
        if place in seen:
            continue  # merged into an idea already listed
        seen.add(place)
        label = _get(document, place).label if place is not None else finding.label
        findings.append(replace(finding, label=label))
    return replace(document, findings=findings)


# --- Reading and recording ----------------------------------------------------------------


def changes_for(version: SynthesisVersion) -> list[IdeaCuration]:
    """The synthesis's curation that applies to the version, oldest first.

    A published version keeps what it was published with: later changes are not applied.
    """
    query = sa.select(IdeaCuration).where(IdeaCuration.synthesis_id == version.synthesis_id)
    if version.status == "published" and version.status_changed_at is not None:
        query = query.where(IdeaCuration.created_at <= version.status_changed_at)
    return list(db.session.scalars(query.order_by(IdeaCuration.id)))


def as_change(row: IdeaCuration) -> Change:
    return Change(row.action, tuple(row.idea_ids or ()), tuple(row.other_ids or ()), row.title)


def quoted_texts(rows: list[IdeaCuration]) -> dict[int, str]:
    """Current (published, masked) texts of the contributions chosen as quotes."""
    ids = {i for row in rows if row.action == "quotes" for i in row.other_ids or ()}
    if not ids:
        return {}
    found = db.session.execute(
        sa.select(Contribution.id, Contribution.body).where(Contribution.id.in_(sorted(ids)))
    )
    return {row.id: row.body for row in found}


def history(synthesis_id: int) -> list[IdeaCuration]:
    """Every change of the team, newest first (the curation history)."""
    return list(
        db.session.scalars(
            sa.select(IdeaCuration)
            .where(IdeaCuration.synthesis_id == synthesis_id)
            .order_by(IdeaCuration.id.desc())
        )
    )


def clean_title(raw: str | None, *, which: str = "l'idée") -> str:
    title = clean_line(raw or "")
    if len(title) < 3:
        raise CurationError(f"Donnez un titre d'au moins 3 caractères à {which}.")
    if len(title) > MAX_TITLE:
        raise CurationError(f"Le titre d'une idée fait {MAX_TITLE} caractères au maximum.")
    return title


def _unique_title(title: str, document: Document, idea: Idea) -> str:
    """``title``, unless another visible idea bears it (groups and fiches could not tell)."""
    wanted = " ".join(title.split()).casefold()
    for _, _, other in _ideas(document):
        if other is idea or other.hidden or not other.ids:
            continue
        if " ".join(other.label.split()).casefold() == wanted:
            raise CurationError(
                f"Une autre idée porte déjà le titre « {other.label} » : choisissez-en "
                "un autre, ou fusionnez les deux idées."
            )
    return title


# --- Checking a change the team asks for ------------------------------------------------


def _place(raw: str | None, document: Document) -> tuple[int, int]:
    """``"section-idea"`` from a form, as a position of ``document``."""
    try:
        s, i = (int(part) for part in (raw or "").split("-"))
        document.sections[s].ideas[i]  # noqa: B018 - raises IndexError when absent
    except (ValueError, IndexError):
        raise CurationError("Cette idée n'existe pas (ou plus) dans cette version.") from None
    if s < 0 or i < 0:
        raise CurationError("Cette idée n'existe pas (ou plus) dans cette version.")
    return s, i


def place_key(raw: str | None, document: Document) -> str | None:
    """``"retouche-<section>-<idea>"`` (the idea's panel) when ``raw`` names an idea."""
    try:
        s, i = _place(raw, document)
    except CurationError:
        return None
    return f"retouche-{s}-{i}"


def _ints(values: list[str]) -> list[int]:
    try:
        return list(dict.fromkeys(int(v) for v in values))
    except ValueError:
        raise CurationError("Numéro de contribution invalide.") from None


def _chosen(form, idea: Idea, message: str) -> tuple[int, ...]:
    chosen = [i for i in _ints(form.getlist("ids")) if i in set(idea.ids)]
    if not chosen:
        raise CurationError(message)
    return tuple(chosen)


def _merge_change(form, document, idea) -> Change:
    if not form.get("other"):
        raise CurationError("Choisissez dans la liste l'idée à fusionner dans celle-ci.")
    other = _get(document, _place(form.get("other"), document))
    if other is idea or other.hidden:
        raise CurationError("Choisissez une autre idée, visible, à fusionner avec celle-ci.")
    return Change("merge", tuple(idea.ids), tuple(other.ids))


def _rename_change(form, document, idea) -> Change:
    title = _unique_title(clean_title(form.get("title")), document, idea)
    return Change("rename", tuple(idea.ids), title=title)


def _split_change(form, document, idea) -> Change:
    title = clean_title(form.get("title"), which="la nouvelle idée")
    title = _unique_title(title, document, None)
    chosen = _chosen(form, idea, "Cochez les contributions qui forment la nouvelle idée.")
    if len(chosen) == len(set(idea.ids)):
        raise CurationError("Laissez au moins une contribution à l'idée d'origine.")
    return Change("split", tuple(idea.ids), chosen, title)


def _move_change(form, document, idea) -> Change:
    moved = _ints([form.get("contribution") or "x"])[0]
    if moved not in _present(document):
        raise CurationError(f"La contribution n° {moved} n'est pas dans cette synthèse.")
    if moved in idea.ids:
        raise CurationError(f"La contribution n° {moved} est déjà dans cette idée.")
    return Change("move", tuple(idea.ids), (moved,))


def _quotes_change(form, document, idea) -> Change:
    chosen = _chosen(form, idea, "Cochez de 1 à 3 contributions à citer.")
    if len(chosen) > MAX_QUOTES:
        raise CurationError("Cochez 3 citations au plus.")
    return Change("quotes", tuple(idea.ids), chosen)


CHECKS = {
    "rename": _rename_change,
    "hide": lambda form, document, idea: Change("hide", tuple(idea.ids)),
    "show": lambda form, document, idea: Change("show", tuple(idea.ids)),
    "merge": _merge_change,
    "split": _split_change,
    "move": _move_change,
    "quotes": _quotes_change,
}


def check(form, document: Document) -> Change:
    """The change a submitted form asks for, checked against the curated document."""
    action = form.get("action")
    if action not in CHECKS:
        raise CurationError("Action inconnue.")
    idea = _get(document, _place(form.get("idea"), document))
    if not idea.ids:
        raise CurationError("Cette idée n'a plus de contribution : elle ne se modifie pas.")
    if idea.hidden != (action == "show"):
        raise CurationError("Cette idée est masquée : affichez-la avant de la modifier.")
    return CHECKS[action](form, document, idea)


def _summary(change: Change, document: Document) -> str:
    if change.action == "show":
        return _show_summary(change, document)
    place = find(document, change.idea_ids)
    label = _get(document, place).label if place else "?"
    count = len(change.other_ids)
    extra = {
        "rename": f" → « {change.title} »",
        "split": f" → « {change.title} » ({count} contribution{plural_ending(count)})",
        "move": f" ← contribution n° {change.other_ids[0]}" if change.other_ids else "",
        "quotes": f" ({count} citation{plural_ending(count)})",
    }.get(change.action, "")
    if change.action == "merge":
        other = find(document, change.other_ids, skip=place)
        extra = f" + « {_get(document, other).label} »" if other else ""
    return f"« {label} »{extra}"[:600]


def _show_summary(change: Change, document: Document) -> str:
    place = _hidden_place(document, change.idea_ids)
    if place is None:
        return "« ? »"
    label, into = _get(document, place).label, keeper(document, place)
    if into is None:
        return f"« {label} »"[:600]
    held = len(set(_get(document, place).ids).intersection(_get(document, into).ids))
    return (
        f"« {label} » — fusion défaite : {held} contribution{plural_ending(held)} "
        f"quitte{plural_ending(held, 'nt')} « {_get(document, into).label} »"
    )[:600]


def record(version, document: Document, form, *, actor, now) -> IdeaCuration | None:
    """Store the change ``form`` asks for on ``document`` (the version as curated now).

    :returns: the new row, or None when the very same change was the last one made
        (a double-submitted form records it once). Never commits.
    """
    if version.status == "published":
        raise CurationError("Une version publiée ne change plus : régénérez-en une autre.")
    change = check(form, document)
    last = db.session.scalar(
        sa.select(IdeaCuration)
        .where(IdeaCuration.synthesis_id == version.synthesis_id)
        .order_by(IdeaCuration.id.desc())
        .limit(1)
    )
    if last is not None and as_change(last) == change:
        return None
    row = IdeaCuration(
        synthesis_id=version.synthesis_id,
        action=change.action,
        idea_ids=list(change.idea_ids),
        other_ids=list(change.other_ids),
        title=change.title,
        summary=_summary(change, document),
        author_id=actor.id,
        created_at=now,
    )
    db.session.add(row)
    return row


# --- What the curation forms offer ------------------------------------------------------


def typed(form) -> dict:
    """What a refused form held, to fill it in again (the boxes, the title, the number)."""
    ids = []
    for value in form.getlist("ids")[:CHOICES_PER_IDEA]:
        if value.isdigit():
            ids.append(int(value))
    return {
        "idea": (form.get("idea") or "")[:20],
        "action": (form.get("action") or "")[:20],
        "title": (form.get("title") or "")[: MAX_TITLE + 20],
        "other": (form.get("other") or "")[:20],
        "contribution": (form.get("contribution") or "")[:20],
        "ids": ids,
    }


CHOICES_PER_IDEA = 60  # contributions offered as boxes to tick (quotes first)
BESIDE_BOX = 140  # characters of a contribution shown beside its box


def choices(document: Document) -> dict[tuple[int, int], list[tuple[int, str]]]:
    """For each idea, contributions to tick (to quote or split off): id and a short text."""
    wanted: dict[tuple[int, int], list[int]] = {}
    for s, i, idea in _ideas(document):
        quoted = [q.id for q in idea.quotes]
        ordered = list(dict.fromkeys(quoted + idea.ids))
        wanted[(s, i)] = ordered[:CHOICES_PER_IDEA]
    ids = {i for chosen in wanted.values() for i in chosen}
    texts = {}
    if ids:
        rows = db.session.execute(
            sa.select(Contribution.id, Contribution.body).where(Contribution.id.in_(sorted(ids)))
        )
        texts = {row.id: _beside_box(row.body or "") for row in rows}
    return {place: [(i, texts.get(i, "")) for i in chosen] for place, chosen in wanted.items()}


def _beside_box(body: str) -> str:
    """A contribution's start beside its box: cut between two words, marked « … »."""
    return textwrap.shorten(body, width=BESIDE_BOX, placeholder=" …")


def without_hidden(document: Document) -> Document:
    """The document without the ideas the team hid or merged away (for files, not positions)."""
    sections = [replace(s, ideas=[i for i in s.ideas if not i.hidden]) for s in document.sections]
    return replace(document, sections=sections)
