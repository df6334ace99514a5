"""Syntheses: define a scope, read the contributions in it, keep each generation as a version."""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from consult.contributions.models import AUTHOR_TYPES, KINDS, Contribution, Report
from consult.core.errors import DomainError
from consult.core.jobs import enqueue_after_commit
from consult.core.sanitize import clean_html, clean_line
from consult.extensions import db
from consult.meetings.models import Meeting
from consult.moderation.models import Campaign
from consult.schemes.models import (
    Fiche,
    Public,
    Territory,
    Theme,
    WorkingGroup,
    working_group_fiches,
)
from consult.synthesis.document import Editorial, Item
from consult.synthesis.exports import idea_index
from consult.synthesis.models import (
    TEMPLATES,
    VERSION_TRANSITIONS,
    Synthesis,
    SynthesisVersion,
)
from consult.synthesis.publishing import NO_EDITORIAL, has_editorial
from consult.tagging.models import ContributionTag, TagSuggestion

READ_BATCH = 2000
# A stored suggestion places an untagged contribution in a section from this calibrated
# score on (its best suggestion only), marked "placée par suggestion, à vérifier".
PLACEMENT_FLOOR = 0.3
# Reports that make a negative contribution a point of vigilance (not off-topic ones).
VIGILANCE_REPORTS = ("injurieux", "donnees_personnelles", "autre")
# A contribution merged into another after a version was made still counts in it.
STILL_COUNTED = ("merged",)
BLOCK_TAG = re.compile(r"<(p|ul|ol|h[1-6]|blockquote|table)\b", re.IGNORECASE)


class SynthesisError(DomainError):
    """A French message explaining why a synthesis request was refused."""


@dataclass
class Scope:
    """Which contributions a synthesis reads (empty lists mean "all")."""

    meeting_ids: list[int] = field(default_factory=list)
    territory_ids: list[int] = field(default_factory=list)
    theme_ids: list[int] = field(default_factory=list)
    fiche_ids: list[int] = field(default_factory=list)
    public_ids: list[int] = field(default_factory=list)
    author_types: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    date_from: str = ""
    date_to: str = ""
    published_only: bool = True

    @classmethod
    def from_dict(cls, data: dict) -> "Scope":
        known = {k: v for k, v in (data or {}).items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def to_dict(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def create_synthesis(*, scheme, title: str, template: str, scope: Scope, actor) -> Synthesis:
    """Record the request (flushes); :func:`generate` queues its first version."""
    if template not in TEMPLATES:
        raise SynthesisError("Choisissez un modèle de synthèse dans la liste.")
    title = clean_line(title)[:300]
    if len(title) < 3:
        raise SynthesisError("Donnez un titre à la synthèse (3 caractères au moins).")
    synthesis = Synthesis(
        scheme=scheme,
        title=title,
        template=template,
        scope=scope.to_dict(),
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(synthesis)
    db.session.flush()
    return synthesis


def generate(synthesis: Synthesis) -> None:
    """Queue a new version's generation (after commit); the page shows its progress."""
    from consult.synthesis.jobs import generate_synthesis  # jobs import this module

    run = enqueue_after_commit(
        generate_synthesis, synthesis.id, queue="synthesis", label=f"synthese:{synthesis.id}"
    )
    synthesis.job_run = run


# --- Reading the contributions in scope ---------------------------------------------


def _day(text: str, end: bool = False) -> datetime | None:
    try:
        day = date.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return datetime.combine(day, time.max if end else time.min, tzinfo=UTC)


def _tag_exists(column, ids: list[int]):
    return sa.exists().where(ContributionTag.contribution_id == Contribution.id, column.in_(ids))


def theme_fiche_ids(scheme_id: int, theme_ids: list[int]) -> list[int]:
    """The theme's fiches: those of the working groups working on these themes."""
    if not theme_ids:
        return []
    groups = sa.select(WorkingGroup.id).where(
        WorkingGroup.scheme_id == scheme_id, WorkingGroup.theme_id.in_(theme_ids)
    )
    linked = sa.select(working_group_fiches.c.fiche_id).where(
        working_group_fiches.c.working_group_id.in_(groups)
    )
    query = sa.select(Fiche.id).where(
        Fiche.scheme_id == scheme_id,
        sa.or_(Fiche.id.in_(linked), Fiche.working_group_id.in_(groups)),
    )
    return list(db.session.scalars(query.order_by(Fiche.position, Fiche.id)))


def shown_statuses(synthesis: Synthesis) -> tuple[str, ...]:
    """The contribution statuses a synthesis reads, and that its versions may show."""
    if Scope.from_dict(synthesis.scope).published_only:
        return ("published",)
    return ("published", "pending")


def scope_conditions(synthesis: Synthesis) -> list:
    """SQL conditions selecting the synthesis's contributions."""
    scope = Scope.from_dict(synthesis.scope)
    statuses = shown_statuses(synthesis)
    conditions = [Meeting.scheme_id == synthesis.scheme_id, Contribution.status.in_(statuses)]
    simple = {
        Contribution.meeting_id: scope.meeting_ids,
        Contribution.territory_id: scope.territory_ids,
        Contribution.author_type: scope.author_types,
        Contribution.kind: scope.kinds,
    }
    conditions += [column.in_(values) for column, values in simple.items() if values]
    if scope.theme_ids:
        # A theme's contributions include those sorted into the theme's fiches.
        theme_fiches = theme_fiche_ids(synthesis.scheme_id, scope.theme_ids)
        conditions.append(
            sa.or_(
                _tag_exists(ContributionTag.theme_id, scope.theme_ids),
                _tag_exists(ContributionTag.fiche_id, theme_fiches),
            )
        )
    if scope.fiche_ids:
        conditions.append(_tag_exists(ContributionTag.fiche_id, scope.fiche_ids))
    if scope.public_ids:
        conditions.append(Contribution.publics.any(Public.id.in_(scope.public_ids)))
    if (start := _day(scope.date_from)) is not None:
        conditions.append(Contribution.created_at >= start)
    if (end := _day(scope.date_to, end=True)) is not None:
        conditions.append(Contribution.created_at <= end)
    return conditions


def section_title(label: Theme | Fiche) -> str:
    """The title of a theme's or a fiche's section: ``3. Title``, ``Fiche 12 : Title``."""
    if isinstance(label, Fiche):
        return f"Fiche {label.number} : {label.title}"
    return f"{label.number}. {label.title}"


def _tags(ids: list[int]) -> dict[int, tuple[list[str], list[str]]]:
    tags = db.session.scalars(
        sa.select(ContributionTag)
        .where(ContributionTag.contribution_id.in_(ids))
        .options(selectinload(ContributionTag.theme), selectinload(ContributionTag.fiche))
    )
    found: dict[int, tuple[list[str], list[str]]] = {i: ([], []) for i in ids}
    for tag in tags:
        themes, fiches = found[tag.contribution_id]
        if tag.theme is not None:
            themes.append(section_title(tag.theme))
        elif tag.fiche is not None:
            fiches.append(section_title(tag.fiche))
    return found


def _suggestions(ids: list[int]) -> dict[int, tuple[list[str], list[str]]]:
    """The best stored theme and fiche suggestion of each contribution, when sure enough."""
    rows = db.session.scalars(
        sa.select(TagSuggestion)
        .where(TagSuggestion.contribution_id.in_(ids), TagSuggestion.score >= PLACEMENT_FLOOR)
        .order_by(TagSuggestion.contribution_id, TagSuggestion.score.desc(), TagSuggestion.id)
        .options(selectinload(TagSuggestion.theme), selectinload(TagSuggestion.fiche))
    )
    found: dict[int, tuple[list[str], list[str]]] = {i: ([], []) for i in ids}
    for suggestion in rows:
        themes, fiches = found[suggestion.contribution_id]
        if suggestion.theme is not None and not themes:
            themes.append(section_title(suggestion.theme))
        elif suggestion.fiche is not None and not fiches:
            fiches.append(section_title(suggestion.fiche))
    return found


def _flagged(ids: list[int]) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(Report.contribution_id).where(
                Report.contribution_id.in_(ids), Report.reason.in_(VIGILANCE_REPORTS)
            )
        )
    )


def _campaigns(ids: list[int]) -> set[int]:
    """Of ``ids``, the contributions a campaign (the same text sent by many) was merged into."""
    return set(
        db.session.scalars(
            sa.select(Campaign.contribution_id).where(
                Campaign.contribution_id.in_(ids), Campaign.undone_at.is_(None)
            )
        )
    )


def _item(
    contribution: Contribution, tags, suggested=([], []), flagged=False, campaign=False
) -> Item:
    themes, fiches = tags
    return Item(
        id=contribution.id,
        text=contribution.body,  # the published text: what moderators masked stays masked
        kind=contribution.kind,
        kind_label=KINDS.get(contribution.kind, contribution.kind),
        author_type=contribution.author_type,
        author_type_label=AUTHOR_TYPES.get(contribution.author_type, contribution.author_type),
        channel_label=contribution.channel_label,
        meeting=contribution.meeting.title,
        territory=contribution.territory.name if contribution.territory else "",
        publics=[p.label for p in contribution.publics],
        themes=sorted(themes),
        fiches=sorted(fiches),
        group=contribution.on_behalf_of or "",
        supports=contribution.support_count,
        weight=contribution.weight,  # its senders, merged duplicates and campaigns included
        created_at=contribution.created_at,
        suggested_themes=[] if themes else suggested[0],
        suggested_fiches=[] if fiches else suggested[1],
        flagged=flagged,
        campaign=campaign,
    )


def _scope_ids(synthesis: Synthesis) -> list[int]:
    return db.session.scalars(
        sa.select(Contribution.id)
        .join(Meeting, Meeting.id == Contribution.meeting_id)
        .where(*scope_conditions(synthesis))
        .order_by(Contribution.id)
    ).all()


def iter_items(synthesis: Synthesis, ids: list[int] | None = None) -> Iterator[Item]:
    """The contributions in scope as synthesis items, read (and forgotten) in batches.

    Given ``ids`` (a version's), only those still shown are read: a contribution
    withdrawn, rejected or taken back since is never exported again.
    """
    ids = _scope_ids(synthesis) if ids is None else ids
    statuses = (*shown_statuses(synthesis), *STILL_COUNTED)
    for start in range(0, len(ids), READ_BATCH):
        batch = ids[start : start + READ_BATCH]
        contributions = db.session.scalars(
            sa.select(Contribution)
            .where(Contribution.id.in_(batch), Contribution.status.in_(statuses))
            .order_by(Contribution.id)
            .options(
                selectinload(Contribution.meeting),
                selectinload(Contribution.territory),
                selectinload(Contribution.publics),
            )
        ).all()
        tags, suggested, flagged = _tags(batch), _suggestions(batch), _flagged(batch)
        campaigns = _campaigns(batch)
        items = [
            _item(c, tags[c.id], suggested[c.id], c.id in flagged, c.id in campaigns)
            for c in contributions
        ]
        for contribution in contributions:  # keep memory flat over 100,000 contributions
            db.session.expunge(contribution)
        yield from items


def collect_items(synthesis: Synthesis, progress=None) -> list[Item]:
    """Every item in scope; ``progress(done, total)`` is called after each batch."""
    ids = _scope_ids(synthesis)
    items = []
    for item in iter_items(synthesis, ids):
        items.append(item)
        if progress and (len(items) % READ_BATCH == 0 or len(items) == len(ids)):
            progress(len(items), len(ids))
    return items


def export_rows(synthesis: Synthesis, document) -> Iterator[dict]:
    """The contributions behind a version, one plain row each, with their ideas (streamed)."""
    ideas = idea_index(document)
    ids = sorted({i for section in document.sections for i in section.ids})
    for item in iter_items(synthesis, ids):
        yield {
            "id": item.id,
            "created_at": item.created_at,
            "meeting": item.meeting,
            "territory": item.territory,
            "kind": item.kind_label,
            "author": item.author_type_label + (f" ({item.group})" if item.group else ""),
            "publics": item.publics,
            "themes": item.themes,
            "fiches": item.fiches,
            "ideas": ideas.get(item.id, []),
            "supports": item.supports,
            "text": item.text,
        }


def participants(synthesis: Synthesis) -> int | None:
    """People counted (attendance) at the meetings whose contributions the synthesis
    reads, None if nobody counted.

    Only those meetings: a scope narrowed to a theme, a territory… counts the meetings
    where its contributions were made, and a synthesis of every meeting does not count
    a working-group sitting or a later forum that gave it no contribution (the demo's
    2019 synthesis counted 857 people instead of the 603 of its own meetings).
    """
    in_scope = (
        sa.select(Contribution.meeting_id)
        .join(Meeting, Meeting.id == Contribution.meeting_id)
        .where(*scope_conditions(synthesis))
    )
    query = sa.select(Meeting).where(Meeting.id.in_(in_scope))
    total = sum(m.participant_count for m in db.session.scalars(query))
    return total or None


def _scope_fiche_ids(synthesis: Synthesis, scope: Scope) -> list[int]:
    """The fiches named in the scope, or else the fiches of its themes."""
    return scope.fiche_ids or theme_fiche_ids(synthesis.scheme_id, scope.theme_ids)


def describe_scope(synthesis: Synthesis) -> list[tuple[str, str]]:
    """The scope in words, for the document's first page."""
    scope = Scope.from_dict(synthesis.scope)

    def names(model, ids, attribute):
        if not ids:
            return ""
        rows = db.session.scalars(sa.select(model).where(model.id.in_(ids)))
        return ", ".join(getattr(row, attribute) for row in rows)

    described = [
        ("Schéma", synthesis.scheme.title),
        ("Rencontres", names(Meeting, scope.meeting_ids, "title") or "toutes"),
        ("Territoires", names(Territory, scope.territory_ids, "name") or "tous"),
        ("Thématiques", names(Theme, scope.theme_ids, "title") or "toutes"),
        ("Fiches", names(Fiche, _scope_fiche_ids(synthesis, scope), "title") or "toutes"),
        ("Publics", names(Public, scope.public_ids, "label") or "tous"),
        ("Auteurs", ", ".join(AUTHOR_TYPES.get(a, a) for a in scope.author_types) or "tous"),
        ("Types", ", ".join(KINDS.get(k, k) for k in scope.kinds) or "tous"),
        ("Contributions", "publiées" if scope.published_only else "publiées et à modérer"),
    ]
    if scope.date_from or scope.date_to:
        described.append(("Période", f"{scope.date_from or '…'} → {scope.date_to or '…'}"))
    return described


# --- Versions ---------------------------------------------------------------------------


def add_version(synthesis: Synthesis, document: dict, count: int, *, now) -> SynthesisVersion:
    """Store a new version; it starts as a draft with the previous version's editorial."""
    previous = db.session.scalar(
        sa.select(SynthesisVersion)
        .where(SynthesisVersion.synthesis_id == synthesis.id)
        .order_by(SynthesisVersion.number.desc())
        .limit(1)
    )
    version = SynthesisVersion(
        synthesis_id=synthesis.id,
        number=(previous.number + 1) if previous else 1,
        document=document,
        editorial=dict(previous.editorial) if previous else {},
        contribution_count=count,
        generated_at=now,
    )
    db.session.add(version)
    db.session.flush()
    return version


def update_editorial(version: SynthesisVersion, *, introduction, analysis, conclusions):
    """The facilitator's text, sanitised (allow-list) before it is stored."""
    if version.status == "published":
        raise SynthesisError("Une version publiée ne change plus : régénérez une version.")
    version.editorial = {
        "introduction": _as_html(introduction),
        "analysis": _as_html(analysis),
        "conclusions": _as_html(conclusions),
    }
    return version


def _as_html(text: str | None) -> str:
    """Sanitised HTML; text without block tags is split into paragraphs on blank lines."""
    cleaned = clean_html((text or "").strip())
    if not BLOCK_TAG.search(cleaned):
        paragraphs = [p.strip() for p in cleaned.replace("\r\n", "\n").split("\n\n")]
        cleaned = "".join(f"<p>{p}</p>" for p in paragraphs if p)
    return clean_html(cleaned)


def editorial_of(version: SynthesisVersion) -> Editorial:
    data = version.editorial or {}
    return Editorial(
        introduction=data.get("introduction", ""),
        analysis=data.get("analysis", ""),
        conclusions=data.get("conclusions", ""),
    )


def change_status(version: SynthesisVersion, target: str, *, actor, now) -> SynthesisVersion:
    """Draft → shared with the working group → published (published is final)."""
    if target not in VERSION_TRANSITIONS.get(version.status, ()):
        raise SynthesisError("Ce changement d'état n'est pas possible pour cette version.")
    if target != "draft" and not Scope.from_dict(version.synthesis.scope).published_only:
        raise SynthesisError(
            "Cette synthèse lit aussi des contributions pas encore modérées : "
            "elle ne peut être ni partagée ni publiée."
        )
    if target == "published" and not has_editorial(version):
        raise SynthesisError(NO_EDITORIAL)
    version.status = target
    version.status_changed_at, version.status_changed_by_id = now, actor.id
    return version
