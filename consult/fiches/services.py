"""Fiches actions drafted by a working group: drafting, editing, status changes.

A group drafts a fiche from the ideas of a synthesis shared with it: the fiche keeps a
copy of each idea (:class:`FicheIdea`) and a link to every contribution behind them
(:class:`FicheContribution`), so that each contribution can later be told what became of
it. The fiche then goes brouillon → proposée → validée → adoptée; each step is recorded
(:class:`FicheStatusChange`), the comité de pilotage's ones with the decision taken.
"""

import re
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from consult.contributions.models import Contribution
from consult.core.errors import DomainError, NotFoundError
from consult.core.formatting import plural_ending
from consult.core.sanitize import clean_line, clean_text
from consult.extensions import db
from consult.fiches.permissions import (
    can_move_fiche,
    can_record_committee_decisions,
    is_committee_move,
)
from consult.meetings.models import Meeting
from consult.meetings.permissions import visible_meeting_clause
from consult.schemes.models import (
    FICHE_STATUSES,
    FICHE_TRANSITIONS,
    INDICATOR_KINDS,
    Action,
    Fiche,
    FicheLink,
    Indicator,
    WorkingGroup,
    indicator_kind,
)
from consult.synthesis.models import SynthesisVersion
from consult.workgroups.models import FicheContribution, FicheIdea, FicheStatusChange
from consult.workgroups.permissions import can_see_fiche
from consult.workgroups.services import group_version, idea_at

EDITABLE_STATUSES = ("brouillon", "proposee")
IDEA_KEY = re.compile(r"^(\d{1,4})-(\d{1,4})$")
MAX_LINES = 200
NUMBER_LENGTH = Fiche.__table__.c.number.type.length


class DraftingError(DomainError):
    """A fiche cannot be saved or moved; the message is for the person, in French."""


# --- The group's fiches -------------------------------------------------------------------


def group_fiche_or_404(group: WorkingGroup, fiche_id: int) -> Fiche:
    """A fiche the group drafted or is associated with; 404 for any other."""
    fiche = db.session.get(Fiche, fiche_id)
    if fiche is None:
        raise NotFoundError
    if fiche.working_group_id != group.id and fiche not in group.fiches:
        raise NotFoundError
    return fiche


def drafted_fiche_or_404(group: WorkingGroup, fiche_id: int) -> Fiche:
    """A fiche the group drafted (only its drafters edit it and move it); 404 otherwise."""
    fiche = db.session.get(Fiche, fiche_id)
    if fiche is None or fiche.working_group_id != group.id:
        raise NotFoundError
    return fiche


def is_editable(fiche: Fiche) -> bool:
    """Drafted fiches change until the comité de pilotage validates them."""
    return fiche.status in EDITABLE_STATUSES


# --- Ideas a fiche answers ----------------------------------------------------------------


@dataclass
class ChosenIdea:
    """An idea of a synthesis version, as a group member ticked it."""

    version_id: int
    section: int
    idea: int
    label: str
    size: int
    ids: list[int] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)


def _idea_at(version: SynthesisVersion, key: str) -> ChosenIdea | None:
    """The idea a ticked box names (``"section-idea"``), or None."""
    match = IDEA_KEY.match(key or "")
    if match is None:
        return None
    section, index = int(match[1]), int(match[2])
    raw = idea_at(version, section, index)
    if raw is None:
        return None
    return ChosenIdea(
        version_id=version.id,
        section=section,
        idea=index,
        label=clean_line(raw.get("label"))[:500],
        size=int(raw.get("size") or 0),
        ids=[int(i) for i in raw.get("ids") or [] if isinstance(i, int)],
        quotes=[clean_line(q.get("text")) for q in raw.get("quotes") or [] if q.get("text")],
    )


def chosen_ideas(group: WorkingGroup, version_id, keys: list[str]) -> tuple[list[ChosenIdea], str]:
    """The ideas named by ``keys`` (``"section-idea"``) and a message for what was ignored."""
    if not version_id and not keys:
        return [], ""
    version = group_version(group, version_id) if version_id else None
    if version is None:
        return [], (
            "Les idées choisies ne viennent pas d'une synthèse partagée avec le groupe : "
            "elles ne sont pas reprises."
        )
    ideas, seen = [], set()
    for key in keys[:50]:
        idea = _idea_at(version, key)
        if idea is not None and (idea.section, idea.idea) not in seen:
            seen.add((idea.section, idea.idea))
            ideas.append(idea)
    missing = len(keys) - len(ideas)
    s = plural_ending(missing)
    message = f"{missing} idée{s} introuvable{s} dans la synthèse : ignorée{s}." if missing else ""
    return ideas, message


def prefill(ideas: list[ChosenIdea]) -> dict:
    """A title suggestion and the constats, from the chosen ideas and their quotes."""
    if not ideas:
        return {}
    lines = []
    for idea in ideas:
        lines.append(idea.label)
        lines.extend(f"« {quote} »" for quote in idea.quotes)
    label = ideas[0].label
    return {"title": label[:1].upper() + label[1:], "context": "\n".join(lines)}


# --- What the form says -------------------------------------------------------------------


@dataclass
class FicheDraft:
    """The fields of a fiche as typed: lists one item per line."""

    title: str
    part: str = ""
    policy: str = ""
    context: str = ""
    objectives: str = ""
    actions: str = ""
    pilots: str = ""
    partners: str = ""
    indicators: str = ""
    schedule: str = ""
    links: str = ""


@dataclass
class IndicatorLine:
    label: str
    kind: str = "nombre"
    unit: str = ""
    baseline: float | None = None
    target: float | None = None


def split_lines(text: str | None, what: str = "lignes") -> list[str]:
    """Non-empty, cleaned lines of a text area."""
    lines = [clean_line(line) for line in clean_text(text).split("\n")]
    lines = [line for line in lines if line]
    if len(lines) > MAX_LINES:
        raise DraftingError(f"Trop de {what} : {MAX_LINES} au maximum.")
    return lines


def parse_actions(text: str) -> list[tuple[str, list[str]]]:
    """``(action, [sub-actions])`` pairs; a line starting with "-" is a sub-action."""
    actions: list[tuple[str, list[str]]] = []
    for number, line in enumerate(split_lines(text, "actions"), start=1):
        if line.startswith(("-", "•")):
            title = line.lstrip("-• ").strip()
            if not actions:
                raise DraftingError(
                    f"Actions, ligne {number} : une sous-action (« - ») doit suivre une action.",
                    field="actions",
                )
            if title:
                actions[-1][1].append(title)
        else:
            actions.append((line, []))
    return actions


def _number(text: str, line: int, what: str) -> float | None:
    text = text.replace(" ", "").replace("\u202f", "").replace(",", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise DraftingError(
            f"Indicateurs, ligne {line} : la {what} « {text} » n'est pas un nombre.",
            field="indicators",
        ) from None


def _kind(text: str, line: int) -> str:
    kind = indicator_kind(text)
    if kind is not None:
        return kind
    raise DraftingError(
        f"Indicateurs, ligne {line} : le type « {text} » est inconnu "
        f"(choisissez : {', '.join(INDICATOR_KINDS)}).",
        field="indicators",
    )


def parse_indicators(text: str) -> list[IndicatorLine]:
    """One indicator a line: ``label | kind | unit | baseline | target``; label alone is fine."""
    indicators = []
    for number, line in enumerate(split_lines(text, "indicateurs"), start=1):
        parts = [part.strip() for part in line.split("|")]
        if len(parts) > 5:
            raise DraftingError(
                f"Indicateurs, ligne {number} : cinq parties au plus, séparées par « | ».",
                field="indicators",
            )
        parts += [""] * (5 - len(parts))
        label, kind, unit, baseline, target = parts
        if not label:
            raise DraftingError(
                f"Indicateurs, ligne {number} : le nom de l'indicateur manque.", field="indicators"
            )
        indicators.append(
            IndicatorLine(
                label=label,
                kind=_kind(kind, number) if kind else "nombre",
                unit=unit[:40],
                baseline=_number(baseline, number, "valeur de départ"),
                target=_number(target, number, "cible"),
            )
        )
    return indicators


def parse_links(text: str) -> list[str]:
    """Fiche numbers, comma- or semicolon-separated, without duplicates."""
    numbers = []
    for raw in re.split(r"[,;\n]", clean_line(text)):
        number = raw.strip().removeprefix("Fiche").removeprefix("fiche").strip()
        if not number:
            continue
        if len(number) > NUMBER_LENGTH:
            raise DraftingError(
                f"Fiches liées : « {number[:30]} » n'est pas un numéro de fiche.", field="links"
            )
        if number not in numbers:
            numbers.append(number)
    return numbers


@dataclass
class ParsedFiche:
    title: str
    part: str
    policy: str
    context: list[str]
    objectives: list[str]
    actions: list[tuple[str, list[str]]]
    pilots: str
    partners: str
    indicators: list[IndicatorLine]
    schedule: str
    links: list[str]


def parse(draft: FicheDraft) -> ParsedFiche:
    """Clean and check every field; :class:`DraftingError` names the faulty one."""
    title = clean_line(draft.title)[:500]
    if len(title) < 3:
        raise DraftingError("Donnez un titre à la fiche (3 caractères au moins).", field="title")
    return ParsedFiche(
        title=title,
        part=clean_line(draft.part)[:120],
        policy=clean_line(draft.policy)[:200],
        context=split_lines(draft.context, "constats"),
        objectives=split_lines(draft.objectives, "objectifs"),
        actions=parse_actions(draft.actions),
        pilots=clean_line(draft.pilots),
        partners=clean_line(draft.partners),
        indicators=parse_indicators(draft.indicators),
        schedule=clean_line(draft.schedule),
        links=parse_links(draft.links),
    )


def as_draft(fiche: Fiche) -> dict:
    """A fiche's fields as the form shows them (the reverse of :func:`parse`)."""
    actions = []
    for action in fiche.top_actions:
        actions.append(action.title)
        actions.extend(f"- {sub.title}" for sub in action.sub_actions)
    return {
        "title": fiche.title,
        "part": fiche.part,
        "policy": fiche.policy,
        "context": "\n".join(fiche.context or []),
        "objectives": "\n".join(fiche.objectives or []),
        "actions": "\n".join(actions),
        "pilots": fiche.pilots,
        "partners": fiche.partners,
        "indicators": "\n".join(_indicator_line(i) for i in fiche.indicators),
        "schedule": fiche.schedule,
        "links": ", ".join(link.target_number for link in fiche.links),
    }


def _figure(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def _indicator_line(indicator: Indicator) -> str:
    parts = [
        indicator.label,
        indicator.kind,
        indicator.unit,
        _figure(indicator.baseline),
        _figure(indicator.target),
    ]
    while len(parts) > 1 and not parts[-1]:
        parts.pop()
    if parts[1:] == ["nombre"]:
        parts = parts[:1]
    return " | ".join(parts)


# --- Writing a fiche ----------------------------------------------------------------------


def _apply_fields(fiche: Fiche, parsed: ParsedFiche) -> None:
    fiche.title = parsed.title
    fiche.part = parsed.part
    fiche.policy = parsed.policy
    fiche.context = parsed.context
    fiche.objectives = parsed.objectives
    fiche.pilots = parsed.pilots
    fiche.partners = parsed.partners
    fiche.schedule = parsed.schedule


def _sync_actions(fiche: Fiche, wanted: list[tuple[str, list[str]]]) -> None:
    """Replace the actions, keeping the rows (and their progress) whose title is unchanged."""
    tops = {a.title: a for a in fiche.actions if a.parent_id is None and a.parent is None}
    subs = [a for a in fiche.actions if a not in tops.values()]
    kept, position = set(), 0
    for title, sub_titles in wanted:
        action = tops.pop(title, None) or Action(title=title)
        action.parent, action.position = None, position
        position += 1
        if action not in fiche.actions:
            fiche.actions.append(action)
        kept.add(id(action))
        for sub_title in sub_titles:
            sub = next(
                (s for s in subs if s.title == sub_title and id(s) not in kept),
                None,
            ) or Action(title=sub_title)
            sub.parent, sub.position = action, position
            position += 1
            if sub not in fiche.actions:
                fiche.actions.append(sub)
            kept.add(id(sub))
    for action in [a for a in fiche.actions if id(a) not in kept]:
        action.parent = None
        fiche.actions.remove(action)
    fiche.actions.sort(key=lambda a: a.position)


def _sync_indicators(fiche: Fiche, wanted: list[IndicatorLine]) -> None:
    """Replace the indicators, keeping the rows (and their measurements) by label."""
    existing = {indicator.label: indicator for indicator in fiche.indicators}
    keep = []
    for position, line in enumerate(wanted):
        indicator = existing.pop(line.label, None) or Indicator(label=line.label)
        indicator.position, indicator.kind, indicator.unit = position, line.kind, line.unit
        indicator.baseline, indicator.target = line.baseline, line.target
        keep.append(indicator)
    fiche.indicators = keep


def _sync_links(fiche: Fiche, numbers: list[str], actor) -> None:
    """Link the fiches ``numbers`` name, among those ``actor`` may see.

    A number naming a fiche the actor may not see (another group's draft) is kept
    as written, linked to nothing, exactly like a number no fiche has: typing
    numbers reveals neither titles nor existence.
    """
    others = db.session.scalars(
        sa.select(Fiche).where(Fiche.scheme_id == fiche.scheme_id, Fiche.number.in_(numbers))
    ).all()
    by_number = {other.number: other for other in others if can_see_fiche(other, actor)}
    # A link the team made to a fiche this actor may not see survives their edit.
    by_number |= {
        link.target_number: link.target
        for link in fiche.links
        if link.target is not None and link.target_number not in by_number
    }
    fiche.links = [
        FicheLink(target_number=number, target=by_number.get(number), position=position)
        for position, number in enumerate(numbers)
        if number != fiche.number
    ]


def _next_number(group: WorkingGroup) -> str:
    """``GT<group>-<n>``: readable, unique in the scheme, tells which group drafted it."""
    prefix = f"GT{group.id}-"
    numbers = db.session.scalars(
        sa.select(Fiche.number).where(
            Fiche.scheme_id == group.scheme_id, Fiche.number.startswith(prefix)
        )
    ).all()
    tails = [n.removeprefix(prefix) for n in numbers]
    used = [int(tail) for tail in tails if tail.isascii() and tail.isdigit()]  # not "²"
    return f"{prefix}{max(used, default=0) + 1}"


def _next_position(group: WorkingGroup) -> int:
    last = db.session.scalar(
        sa.select(sa.func.max(Fiche.position)).where(Fiche.scheme_id == group.scheme_id)
    )
    return (last or 0) + 1


def find_by_form_key(group: WorkingGroup, key: str | None) -> Fiche | None:
    """The fiche an earlier submission of the same form created, if any."""
    if not key:
        return None
    fiches = db.session.scalars(sa.select(Fiche).where(Fiche.working_group_id == group.id))
    return next((f for f in fiches if (f.extra or {}).get("form_key") == key), None)


def _attach_ideas(fiche: Fiche, ideas: list[ChosenIdea]) -> None:
    wanted = {i for idea in ideas for i in idea.ids}
    existing = set(
        db.session.scalars(sa.select(Contribution.id).where(Contribution.id.in_(wanted)))
    )
    linked = set()
    for idea in ideas:
        row = FicheIdea(
            fiche_id=fiche.id,
            version_id=idea.version_id,
            section=idea.section,
            idea=idea.idea,
            label=idea.label,
            size=idea.size,
        )
        db.session.add(row)
        db.session.flush()
        for contribution_id in idea.ids:
            if contribution_id in existing and contribution_id not in linked:
                linked.add(contribution_id)
                db.session.add(
                    FicheContribution(
                        fiche_id=fiche.id, contribution_id=contribution_id, fiche_idea_id=row.id
                    )
                )


def create_fiche(
    group: WorkingGroup, draft: FicheDraft, ideas: list[ChosenIdea], *, actor, form_key
) -> tuple[Fiche, bool]:
    """Create a draft fiche for the group, with the ideas and contributions it answers;
    ``actor`` writes it (« Fiches liées » link only fiches they may see).

    :returns: ``(fiche, created)``; ``created`` is False when the same form was sent
        again (double click, network retry): no second fiche is made.
    :raises DraftingError: a field is wrong (the message names it).
    """
    existing = find_by_form_key(group, form_key)
    if existing is not None:
        return existing, False
    parsed = parse(draft)
    for _attempt in range(3):
        fiche = Fiche(
            scheme_id=group.scheme_id,
            number=_next_number(group),
            title=parsed.title,
            status="brouillon",
            working_group_id=group.id,
            position=_next_position(group),
            extra={"form_key": form_key} if form_key else {},
        )
        try:
            with db.session.begin_nested():
                db.session.add(fiche)
                db.session.flush()
        except IntegrityError:
            twin = find_by_form_key(group, form_key)
            if twin is not None:
                return twin, False
            continue
        _fill(fiche, parsed, actor)
        _attach_ideas(fiche, ideas)
        db.session.flush()
        return fiche, True
    raise DraftingError("La fiche n'a pas pu être numérotée : envoyez le formulaire à nouveau.")


def update_fiche(fiche: Fiche, draft: FicheDraft, *, actor) -> None:
    """Change a fiche's fields while it is a draft or proposed (``actor``: see create_fiche).

    :raises DraftingError: the fiche is validated (409) or a field is wrong (422).
    """
    if not is_editable(fiche):
        raise DraftingError(
            "Cette fiche est validée : elle ne se modifie plus.", status=409, field="title"
        )
    _fill(fiche, parse(draft), actor)
    db.session.flush()


def _fill(fiche: Fiche, parsed: ParsedFiche, actor) -> None:
    """Write every drafted field, the actions, indicators and links."""
    _apply_fields(fiche, parsed)
    _sync_actions(fiche, parsed.actions)
    _sync_indicators(fiche, parsed.indicators)
    _sync_links(fiche, parsed.links, actor)


# --- Validation steps ---------------------------------------------------------------------


def change_status(
    fiche: Fiche,
    group: WorkingGroup,
    target: str,
    *,
    actor,
    note: str = "",
    meeting_id: int | None = None,
    now,
) -> FicheStatusChange:
    """Move the fiche to ``target`` and record the step.

    The group's pilots move brouillon ↔ proposée; only the team records the comité de
    pilotage's decisions (validée, adoptée, or sent back), with the decision as a note.

    :raises DraftingError: 403 not allowed, 409 impossible move, 422 note or meeting wrong.
    """
    if target not in FICHE_STATUSES or target not in FICHE_TRANSITIONS.get(fiche.status, ()):
        raise DraftingError(
            f"Passage impossible : la fiche est « {FICHE_STATUSES.get(fiche.status)} » et ne peut "
            f"pas devenir « {FICHE_STATUSES.get(target, target)} ».",
            field="target",
            status=409,
        )
    committee = can_record_committee_decisions(actor)
    if is_committee_move(fiche, target) and not committee:
        raise DraftingError(
            "Seule l'équipe du Département enregistre les décisions du comité de pilotage.",
            field="target",
            status=403,
        )
    if not can_move_fiche(group, actor):
        raise DraftingError(
            "Seuls le pilote et le co-pilote du groupe proposent une fiche.",
            field="target",
            status=403,
        )
    note = clean_text(note)
    if committee and not note:
        raise DraftingError(
            "Écrivez la décision du comité de pilotage (ou la raison du changement).",
            field="note",
        )
    meeting = _scheme_meeting(fiche, meeting_id)
    change = FicheStatusChange(
        fiche_id=fiche.id,
        from_status=fiche.status,
        to_status=target,
        note=note,
        meeting_id=meeting.id if meeting else None,
        decided_by_id=actor.id,
        decided_at=now,
    )
    fiche.status = target
    db.session.add(change)
    db.session.flush()
    return change


def _scheme_meeting(fiche: Fiche, meeting_id: int | None) -> Meeting | None:
    if not meeting_id:
        return None
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.scheme_id != fiche.scheme_id:
        raise DraftingError(
            "Cette réunion n'appartient pas au schéma de la fiche.", field="meeting_id"
        )
    return meeting


def history(fiche: Fiche) -> list[FicheStatusChange]:
    """The fiche's validation steps, oldest first."""
    return db.session.scalars(
        sa.select(FicheStatusChange)
        .where(FicheStatusChange.fiche_id == fiche.id)
        .order_by(FicheStatusChange.decided_at, FicheStatusChange.id)
    ).all()


def fiche_ideas(fiche: Fiche) -> list[FicheIdea]:
    """The synthesis ideas the fiche answers, biggest first."""
    return db.session.scalars(
        sa.select(FicheIdea)
        .where(FicheIdea.fiche_id == fiche.id)
        .order_by(FicheIdea.size.desc(), FicheIdea.id)
    ).all()


def scheme_meetings(scheme_id: int, user) -> list[Meeting]:
    """Meetings ``user`` may see that a comité decision may be recorded at, newest first."""
    return db.session.scalars(
        sa.select(Meeting)
        .where(Meeting.scheme_id == scheme_id, visible_meeting_clause(user))
        .order_by(Meeting.held_on.desc(), Meeting.id.desc())
    ).all()


def committee_fiches() -> list[Fiche]:
    """Every fiche waiting for the comité de pilotage: proposed, then validated."""
    return db.session.scalars(
        sa.select(Fiche)
        .where(Fiche.status.in_(("proposee", "validee")))
        .order_by(Fiche.scheme_id, Fiche.status, Fiche.id)
    ).all()


def recent_changes(limit: int = 50) -> list[FicheStatusChange]:
    """The latest recorded steps, newest first."""
    return db.session.scalars(
        sa.select(FicheStatusChange)
        .order_by(FicheStatusChange.decided_at.desc(), FicheStatusChange.id.desc())
        .limit(limit)
    ).all()
