"""Scheme queries and level-name changes."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from consult.core.cache import reference_cache
from consult.core.errors import DomainError
from consult.core.sanitize import clean_line
from consult.extensions import db
from consult.schemes.importer import slugify
from consult.schemes.models import (
    DEFAULT_LEVEL_NAMES,
    PUBLIC_FICHE_STATUSES,
    Action,
    Axis,
    Fiche,
    Objective,
    Public,
    Scheme,
    Territory,
)


def list_schemes() -> list[Scheme]:
    """All schemes, newest period first."""
    return db.session.scalars(sa.select(Scheme).order_by(Scheme.period.desc(), Scheme.id)).all()


def get_scheme(slug: str) -> Scheme | None:
    """The scheme with this slug, its structure loaded in a few queries."""
    return db.session.scalar(
        sa.select(Scheme)
        .where(Scheme.slug == slug)
        .options(
            selectinload(Scheme.axes).selectinload(Axis.objectives),
            selectinload(Scheme.themes),
            selectinload(Scheme.fiches),
        )
    )


def get_fiche(scheme: Scheme, number: str) -> Fiche | None:
    """A fiche of ``scheme`` by number, with actions, indicators and links."""
    return db.session.scalar(
        sa.select(Fiche)
        .where(Fiche.scheme_id == scheme.id, Fiche.number == number)
        .options(
            selectinload(Fiche.actions).selectinload(Action.sub_actions),
            selectinload(Fiche.indicators),
            selectinload(Fiche.links),
            selectinload(Fiche.objective).selectinload(Objective.axis),
        )
    )


def fiches_by_group(scheme: Scheme) -> list[tuple[str, list[Fiche]]]:
    """Public fiches grouped by objective when the scheme has them, else by policy.

    Fiches still drafted by a working group (or awaiting the comité de pilotage) stay
    in the group's space: only validated and adopted fiches are listed.
    """
    groups: dict[str, list[Fiche]] = {}
    for fiche in scheme.fiches:
        if fiche.status not in PUBLIC_FICHE_STATUSES:
            continue
        if fiche.objective is not None:
            key = f"{fiche.objective.number} {fiche.objective.title}"
        else:
            key = fiche.policy
        groups.setdefault(key, []).append(fiche)
    return list(groups.items())


def set_level_names(scheme: Scheme, names: dict[str, str]) -> Scheme:
    """Rename the scheme's levels (axe, orientation, objectif…); blanks restore defaults."""
    scheme.level_names = {
        key: clean_line(value)
        for key, value in names.items()
        if key in DEFAULT_LEVEL_NAMES and clean_line(value)
    }
    db.session.flush()
    return scheme


def list_territories() -> list[Territory]:
    """Top-level territories with their children."""
    return db.session.scalars(
        sa.select(Territory)
        .where(Territory.parent_id.is_(None))
        .order_by(Territory.position, Territory.name)
        .options(selectinload(Territory.children))
    ).all()


def list_publics() -> list[Public]:
    """The Département's publics, in display order."""
    return db.session.scalars(sa.select(Public).order_by(Public.position)).all()


@reference_cache
def public_choices() -> tuple[tuple[int, str], ...]:
    """``(id, label)`` of every public, for the participants' forms."""
    return tuple((p.id, p.label) for p in list_publics())


@reference_cache
def territory_choices() -> tuple[tuple[int, str], ...]:
    """``(id, name)`` of every territory, children indented under their parent."""
    choices = []
    for territory in list_territories():
        choices.append((territory.id, territory.name))
        choices.extend((child.id, f"— {child.name}") for child in territory.children)
    return tuple(choices)


def clear_reference_cache() -> None:
    public_choices.cache_clear()
    territory_choices.cache_clear()


class TerritoryError(DomainError):
    """A French message explaining why a territory or public was refused."""


def add_territory(*, name: str, kind: str, parent_id: int | None) -> Territory:
    """Add a territory (optionally under another); codes are derived from names."""
    name = clean_line(name)
    code = slugify(name)
    if not name:
        raise TerritoryError("Le nom du territoire est obligatoire.")
    if db.session.scalar(sa.select(Territory.id).where(Territory.code == code)):
        raise TerritoryError(f"Le territoire « {name} » existe déjà.")
    parent = db.session.get(Territory, parent_id) if parent_id else None
    if parent_id and parent is None:
        raise TerritoryError("Le territoire parent n'existe pas.")
    position = db.session.scalar(sa.select(sa.func.count(Territory.id))) + 1
    territory = Territory(
        name=name,
        code=code,
        kind=clean_line(kind) or "Territoire",
        parent=parent,
        position=position,
    )
    db.session.add(territory)
    db.session.flush()
    clear_reference_cache()
    return territory


def add_public(*, label: str) -> Public:
    """Add a public the Département serves."""
    label = clean_line(label)
    code = slugify(label).replace("-", "_")
    if not label:
        raise TerritoryError("Le nom du public est obligatoire.")
    if db.session.scalar(sa.select(Public.id).where(Public.code == code)):
        raise TerritoryError(f"Le public « {label} » existe déjà.")
    position = db.session.scalar(sa.select(sa.func.count(Public.id))) + 1
    public = Public(label=label, code=code, position=position)
    db.session.add(public)
    db.session.flush()
    clear_reference_cache()
    return public
