"""Follow-up of the fiches: who may update them, progress, milestones, indicators, measurements.

The pilots of a fiche (members with role pilote or co-pilote of a working group linked
to it, through ``Fiche.working_group_id`` or the group's list of fiches) and the
Département's team update its follow-up; everybody reads the follow-up of a public
(validated or adopted) fiche. Functions here never commit: the view does, once.
"""

import math
import re
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from consult.core.cache import watch_public_figures
from consult.core.db import utcnow
from consult.core.errors import DomainError
from consult.core.sanitize import clean_line, clean_text
from consult.core.security import is_staff
from consult.extensions import db
from consult.followup.models import ACTION_STATUSES, Measurement, Milestone
from consult.followup.participation import COMPUTED, participation_by_year
from consult.schemes.models import (
    INDICATOR_KINDS,
    PUBLIC_FICHE_STATUSES,
    Action,
    Fiche,
    Indicator,
    Membership,
    Scheme,
    Territory,
    WorkingGroup,
    working_group_fiches,
)
from consult.workgroups.permissions import LEADS, FicheAccess

# The public follow-up page of a fiche is kept (followup.views.fiche) until one of these
# changes; fiches, actions, working groups and territories are watched by consult.suite.
watch_public_figures(Indicator, Measurement, Milestone)

MAX_VALUE = 1e15
_SPACES = re.compile(r"[\s\u00a0\u202f']+")


class MeasureError(DomainError, ValueError):
    """A French message explaining why a value or a measurement is refused."""


# --- Who may update -------------------------------------------------------------------


def pilot_group_ids(fiche: Fiche | FicheAccess) -> set[int]:
    """Ids of the working groups linked to the fiche (its own group and groups listing it)."""
    ids = set(
        db.session.scalars(
            sa.select(working_group_fiches.c.working_group_id).where(
                working_group_fiches.c.fiche_id == fiche.id
            )
        )
    )
    if fiche.working_group_id:
        ids.add(fiche.working_group_id)
    return ids


def can_follow_up(fiche: Fiche | FicheAccess, user) -> bool:
    """The team, and the pilots and co-pilots of a working group linked to the fiche."""
    if is_staff(user):
        return True
    if not user.is_authenticated:
        return False
    groups = pilot_group_ids(fiche)
    if not groups:
        return False
    return bool(
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Membership)
            .where(
                Membership.user_id == user.id,
                Membership.working_group_id.in_(groups),
                Membership.role.in_(LEADS),
            )
        )
    )


# --- Reading --------------------------------------------------------------------------


def load_fiche(fiche_id: int) -> Fiche | None:
    """A fiche with its actions, milestones and indicators with their measurements."""
    return db.session.scalar(
        sa.select(Fiche)
        .where(Fiche.id == fiche_id)
        .options(
            selectinload(Fiche.actions).selectinload(Action.milestones),
            selectinload(Fiche.actions).selectinload(Action.sub_actions),
            selectinload(Fiche.indicators).selectinload(Indicator.measurements),
        )
    )


def fiche_progress(fiche: Fiche) -> int | None:
    """Mean progress (%) of the fiche's top-level actions; None without any action."""
    actions = fiche.top_actions
    if not actions:
        return None
    return round(sum(action.progress or 0 for action in actions) / len(actions))


def status_label(status: str) -> str:
    return ACTION_STATUSES.get(status, status)


def kind_label(kind: str) -> str:
    return INDICATOR_KINDS.get(kind, kind)


def department_measurements(indicator: Indicator) -> list[Measurement]:
    """The indicator's values for the whole Département, by year."""
    return [m for m in indicator.measurements if m.territory_id is None]


@dataclass
class FicheRow:
    """One fiche of the dashboard."""

    fiche: Fiche
    progress: int | None
    indicators: int
    measured: int  # indicators with a Département-wide value for the latest year


@dataclass
class Dashboard:
    scheme: Scheme
    groups: list[tuple[str, list[FicheRow]]]
    latest_year: int | None


def public_fiches(scheme: Scheme) -> list[Fiche]:
    """Validated and adopted fiches with what the follow-up pages and the bilan read."""
    return list(
        db.session.scalars(
            sa.select(Fiche)
            .where(Fiche.scheme_id == scheme.id, Fiche.status.in_(PUBLIC_FICHE_STATUSES))
            .order_by(Fiche.position, Fiche.id)
            .options(
                selectinload(Fiche.actions).selectinload(Action.milestones),
                selectinload(Fiche.indicators).selectinload(Indicator.measurements),
                selectinload(Fiche.axis),
            )
        )
    )


def latest_year(fiches: list[Fiche]) -> int | None:
    """The latest year any of the fiches' indicators has a Département-wide value for."""
    years = [
        m.year
        for fiche in fiches
        for indicator in fiche.indicators
        for m in department_measurements(indicator)
    ]
    return max(years, default=None)


def dashboard(scheme: Scheme) -> Dashboard:
    """The scheme's public fiches grouped by axis (or part), with their follow-up figures."""
    fiches = public_fiches(scheme)
    year = latest_year(fiches)
    groups: dict[str, list[FicheRow]] = {}
    for fiche in fiches:
        measured = sum(
            1
            for indicator in fiche.indicators
            if any(m.year == year for m in department_measurements(indicator))
        )
        row = FicheRow(fiche, fiche_progress(fiche), len(fiche.indicators), measured)
        groups.setdefault(_group_name(scheme, fiche), []).append(row)
    return Dashboard(scheme, list(groups.items()), year)


def _group_name(scheme: Scheme, fiche: Fiche) -> str:
    if fiche.axis is not None:
        return f"{scheme.level('axis')} {fiche.axis.number} — {fiche.axis.title}"
    return fiche.part or "Autres fiches"


def territories() -> list[Territory]:
    return list(
        db.session.scalars(sa.select(Territory).order_by(Territory.position, Territory.name))
    )


# --- Numbers --------------------------------------------------------------------------


def parse_number(raw) -> float | None:
    """Read ``12,5``, ``1 200``, ``1.200,5``, ``12.5`` or ``40 %``; None when blank.

    :raises MeasureError: anything else.
    """
    if raw is None:
        return None
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        number = float(raw)
    else:
        text = _SPACES.sub("", str(raw)).removesuffix("%").removesuffix("€")
        if not text:
            return None
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            raise MeasureError(
                f"« {clean_line(str(raw))[:40]} » n'est pas un nombre : "
                "écrivez par exemple 12,5 ou 1 200."
            ) from None
    if not math.isfinite(number) or abs(number) > MAX_VALUE:
        raise MeasureError("Ce nombre est hors des limites acceptées.")
    return number


# --- Writing --------------------------------------------------------------------------


@dataclass
class ActionProgress:
    """What the progress form says about one action."""

    progress: int
    status: str
    starts_on: date | None
    ends_on: date | None


def update_progress(fiche: Fiche, fiche_status: str, actions: dict[int, ActionProgress]) -> None:
    """Record the fiche's state and each action's progress, status and dates."""
    if fiche_status not in ACTION_STATUSES:
        raise MeasureError("État d'avancement inconnu.")
    fiche.progress_status = fiche_status
    for action in fiche.actions:
        new = actions.get(action.id)
        if new is None:
            continue
        if not 0 <= new.progress <= 100:
            raise MeasureError("L'avancement va de 0 à 100 %.")
        if new.status not in ACTION_STATUSES:
            raise MeasureError("État d'action inconnu.")
        if new.starts_on and new.ends_on and new.ends_on < new.starts_on:
            raise MeasureError("La fin d'une action ne peut pas précéder son début.")
        action.progress = new.progress
        action.status = new.status
        action.starts_on = new.starts_on
        action.ends_on = new.ends_on


def add_milestone(action: Action, label: str, due_on: date | None) -> tuple[Milestone, bool]:
    """Add a milestone; the same label and date posted twice gives back the first one."""
    label = clean_line(label)[:300]
    if not label:
        raise MeasureError("Donnez un intitulé au jalon.")
    for milestone in action.milestones:
        if milestone.label == label and milestone.due_on == due_on:
            return milestone, False
    position = max((m.position for m in action.milestones), default=-1) + 1
    milestone = Milestone(action=action, label=label, due_on=due_on, position=position)
    db.session.add(milestone)
    db.session.flush()
    return milestone, True


def update_milestone(milestone: Milestone, operation: str, done_on: date | None) -> str:
    """Mark done (on ``done_on``, today if none), reopen, or delete; returns what was done."""
    if operation == "done":
        milestone.done_on = done_on or utcnow().date()
    elif operation == "reopen":
        milestone.done_on = None
    elif operation == "delete":
        db.session.delete(milestone)
    else:
        raise MeasureError("Opération inconnue.")
    db.session.flush()
    return operation


@dataclass
class Definition:
    """An indicator's definition; ``None`` fields are left as they are."""

    kind: str | None = None
    unit: str | None = None
    baseline: float | None = None
    baseline_year: int | None = None
    target: float | None = None
    target_year: int | None = None
    computed: str | None = None


def define_indicator(indicator: Indicator, definition: Definition, *, partial: bool) -> None:
    """Set the indicator's kind, unit, baseline and target.

    ``partial`` (the import) only changes what the definition gives; otherwise (the
    form) blank fields clear the value.
    """
    if definition.kind is not None and definition.kind not in INDICATOR_KINDS:
        raise MeasureError("Type d'indicateur inconnu.")
    if definition.computed and definition.computed not in COMPUTED:
        raise MeasureError("Indicateur calculé inconnu.")
    names = ("kind", "unit", "baseline", "baseline_year", "target", "target_year", "computed")
    for name in names:
        value = getattr(definition, name)
        if value is None and partial:
            continue
        if name in ("unit", "computed"):
            value = clean_line(value or "")[:40]
        setattr(indicator, name, value)
    indicator.kind = indicator.kind or "nombre"


@dataclass
class MeasureDraft:
    """A yearly value to record."""

    year: int
    territory_id: int | None = None
    value: float | None = None
    text_value: str = ""
    source: str = ""
    comment: str = ""


def check_measure(indicator: Indicator, draft: MeasureDraft, kind: str | None = None) -> None:
    """Refuse a measurement without its value (a number, or a text for a qualitative one)."""
    kind = kind or indicator.kind
    if not 1900 <= draft.year <= 2200:
        raise MeasureError("Une année entre 1900 et 2200, s'il vous plaît.")
    if kind == "qualitatif":
        if not draft.text_value and draft.value is None:
            raise MeasureError("Décrivez le constat de l'année (indicateur qualitatif).")
    elif draft.value is None:
        raise MeasureError("Indiquez la valeur mesurée (un nombre, par exemple 12,5).")


def upsert_measurement(
    indicator: Indicator, draft: MeasureDraft, *, actor
) -> tuple[Measurement, bool]:
    """Record the value of a year (and territory); an existing one is updated, not duplicated.

    Returns the measurement and whether it was created. A concurrent insert of the same
    year is caught by the unique index and turned into an update.
    """
    check_measure(indicator, draft)
    existing = _find_measurement(indicator.id, draft.year, draft.territory_id)
    if existing is None:
        try:
            with db.session.begin_nested():
                measurement = Measurement(indicator=indicator, year=draft.year)
                measurement.territory_id = draft.territory_id
                _fill(measurement, draft, actor)
                db.session.add(measurement)
            return measurement, True
        except sa.exc.IntegrityError:
            existing = _find_measurement(indicator.id, draft.year, draft.territory_id)
            if existing is None:
                raise
    _fill(existing, draft, actor)
    db.session.flush()
    return existing, False


def _find_measurement(indicator_id: int, year: int, territory_id: int | None):
    territory = (
        Measurement.territory_id.is_(None)
        if territory_id is None
        else Measurement.territory_id == territory_id
    )
    return db.session.scalar(
        sa.select(Measurement).where(
            Measurement.indicator_id == indicator_id, Measurement.year == year, territory
        )
    )


def _fill(measurement: Measurement, draft: MeasureDraft, actor) -> None:
    measurement.value = draft.value
    measurement.text_value = clean_text(draft.text_value)
    measurement.source = clean_line(draft.source)[:300]
    measurement.comment = clean_text(draft.comment)
    measurement.entered_by_id = getattr(actor, "id", None)
    measurement.entered_at = utcnow()


def working_groups_of(fiche: Fiche) -> list[WorkingGroup]:
    """The working groups linked to the fiche (to name its pilots on the page)."""
    ids = pilot_group_ids(fiche)
    if not ids:
        return []
    return list(
        db.session.scalars(
            sa.select(WorkingGroup).where(WorkingGroup.id.in_(ids)).order_by(WorkingGroup.name)
        )
    )


# --- Indicators the platform computes (participation) ---------------------------------

COMPUTED_SOURCE = "Calculé par la plateforme"


def yearly_values(indicator: Indicator, figures=None) -> list:
    """What the fiche page lists and charts: the measurements entered or imported, or,
    for a platform-computed indicator, one Département-wide value a year from
    :func:`consult.followup.participation.participation_by_year`."""
    if not indicator.computed:
        return list(indicator.measurements)
    if figures is None:
        figures = participation_by_year(indicator.fiche.scheme_id)
    values = []
    for year, year_figures in figures.items():
        value = year_figures.value(indicator.computed)
        if value is not None:
            values.append(
                SimpleNamespace(
                    year=year,
                    value=value,
                    text_value="",
                    territory=None,
                    territory_id=None,
                    source=COMPUTED_SOURCE,
                    comment="",
                )
            )
    return values


def chart_view(indicator: Indicator, values: list):
    """The indicator as :func:`consult.followup.charts.indicator_svg` reads it."""
    return indicator_snapshot(indicator, values) if indicator.computed else indicator


def indicator_snapshot(source, values: list) -> SimpleNamespace:
    """An indicator's definition (read from ``source``: an Indicator or a line of a stored
    bilan) with the yearly ``values`` to chart instead of its measurements."""
    names = ("id", "label", "kind", "unit", "baseline", "baseline_year", "target", "target_year")
    return SimpleNamespace(**{name: getattr(source, name) for name in names}, measurements=values)
