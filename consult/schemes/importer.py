"""Import a scheme from a ``consult-scheme/1`` JSON document, all or nothing.

The whole document is checked first and every problem is reported in French
with its place (``fiche 12, champ « actions »``); nothing is written unless
the document is valid.
"""

import json
import re
import unicodedata
from datetime import datetime

import sqlalchemy as sa

from consult.core.errors import DomainError
from consult.core.sanitize import clean_line, clean_text
from consult.extensions import db
from consult.schemes.models import (
    DEFAULT_LEVEL_NAMES,
    Action,
    Axis,
    Fiche,
    FicheLink,
    Indicator,
    Objective,
    Scheme,
    Theme,
)

FORMAT = "consult-scheme/1"
MAX_ITEMS = 2000
TEXT_FIELDS = (
    "part",
    "policy",
    "pilots",
    "partners",
    "owner",
    "internal_partners",
    "external_partners",
    "schedule",
)
LIST_FIELDS = (
    "objectives",
    "actions",
    "indicators",
    "linked_fiches",
    "context_and_objectives",
    "description",
    "implementation",
)
NUMBER_LENGTH = Fiche.number.type.length
FICHE_COLUMNS = {
    "title": Fiche.title,
    "part": Fiche.part,
    "policy": Fiche.policy,
    "axis": Axis.title,
    "objective": Objective.title,
}
MAX_DEPTH = 12  # a scheme is document → fiches → fiche → list → item, with room to spare
TOO_DEEP = (
    f"Le fichier imbrique listes et objets sur plus de {MAX_DEPTH} niveaux : "
    "ce n'est pas un schéma au format consult-scheme/1."
)
_NUMBERED = re.compile(r"^\s*(\d+(?:[.\-]\d+)*)[.)]?\s+(.+)$")


class SchemeImportError(DomainError):
    """The document cannot be imported; ``errors`` lists every problem in French."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def load_document(raw: bytes | str) -> dict:
    """Parse JSON bytes or text, raising SchemeImportError with a French message.

    Refused besides malformed JSON: nesting deeper than ``MAX_DEPTH``, integers
    too long for Python to read (4,300 digits), NaN and Infinity.
    """
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
        data = json.loads(text, parse_constant=_refuse_constant)
    except UnicodeDecodeError as exc:
        raise SchemeImportError(["Le fichier n'est pas encodé en UTF-8."]) from exc
    except json.JSONDecodeError as exc:
        raise SchemeImportError(
            [f"Le fichier n'est pas un JSON valide (ligne {exc.lineno}, colonne {exc.colno})."]
        ) from exc
    except RecursionError as exc:
        raise SchemeImportError([TOO_DEEP]) from exc
    except ValueError as exc:  # an integer past sys.get_int_max_str_digits(), NaN
        raise SchemeImportError(
            [
                "Le fichier contient un nombre illisible (plus de 4 300 chiffres, NaN ou "
                "Infinity) : les numéros et les chiffres d'un schéma sont courts."
            ]
        ) from exc
    if not isinstance(data, dict):
        raise SchemeImportError(["Le fichier doit contenir un objet JSON ({…})."])
    if _depth_exceeds(data, MAX_DEPTH):
        raise SchemeImportError([TOO_DEEP])
    return _without_superscript_markup(data)


def _refuse_constant(name: str):
    raise ValueError(name)


def _depth_exceeds(data, limit: int) -> bool:
    """Whether lists and objects nest deeper than ``limit`` (without recursing)."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict | list):
            if depth > limit:
                return True
            children = value.values() if isinstance(value, dict) else value
            pending.extend((child, depth + 1) for child in children)
    return False


# Exported from a PDF, "1er" sometimes reads "1 ^{er}": the superscript becomes plain text.
SUPERSCRIPT = re.compile(r"\s?\^\{(\w{1,4})\}")


def _without_superscript_markup(value):
    if isinstance(value, str):
        return SUPERSCRIPT.sub(r"\1", value)
    if isinstance(value, list):
        return [_without_superscript_markup(v) for v in value]
    if isinstance(value, dict):
        return {k: _without_superscript_markup(v) for k, v in value.items()}
    return value


def _is_text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _check_header(data: dict) -> list[str]:
    errors = []
    if data.get("format") != FORMAT:
        errors.append(f"Champ « format » : « {FORMAT} » attendu, « {data.get('format')} » trouvé.")
    for key in ("department", "title"):
        if not _is_text(data.get(key)):
            errors.append(f"Champ « {key} » manquant ou vide.")
    for key in ("period", "source"):
        if data.get(key) is not None and not isinstance(data[key], str):
            errors.append(f"Champ « {key} » : du texte est attendu.")
    for key in ("process_figures", "levels"):
        if data.get(key) is not None and not isinstance(data[key], dict):
            errors.append(f"Champ « {key} » : un objet est attendu.")
    return errors + _length_errors(
        data,
        "Schéma",
        {"department": Scheme.department, "title": Scheme.title, "period": Scheme.period},
    )


def _length_errors(raw: dict, where: str, columns: dict) -> list[str]:
    """Texts (and numbers) of ``raw`` longer than their column (key → model column) holds."""
    errors = []
    for key, column in columns.items():
        value, limit = raw.get(key), column.type.length
        if isinstance(value, str | int) and len(str(value).strip()) > limit:
            errors.append(f"{where} : champ « {key} » trop long ({limit} caractères au maximum).")
    return errors


def _check_list(data: dict, key: str, required: bool) -> list[str]:
    value = data.get(key)
    if value is None:
        return [f"Champ « {key} » manquant : une liste est attendue."] if required else []
    if not isinstance(value, list):
        return [f"Champ « {key} » : une liste est attendue."]
    if required and not value:
        return [f"Champ « {key} » : la liste est vide."]
    if len(value) > MAX_ITEMS:
        return [f"Champ « {key} » : plus de {MAX_ITEMS} éléments."]
    return []


def _check_axes(axes: list) -> list[str]:
    errors = []
    for index, axis in enumerate(axes, 1):
        where = f"Axe n° {index}"
        if isinstance(axis, str):
            if not axis.strip():
                errors.append(f"{where} : titre vide.")
            errors += _length_errors({"title": axis}, where, {"title": Axis.title})
        elif isinstance(axis, dict):
            if not _is_text(axis.get("title")):
                errors.append(f"{where} : champ « title » manquant ou vide.")
            errors += _length_errors(axis, where, {"number": Axis.number, "title": Axis.title})
        else:
            errors.append(f"{where} : du texte ou un objet est attendu.")
    return errors


def _check_themes(themes: list) -> list[str]:
    errors, seen = [], set()
    for index, theme in enumerate(themes, 1):
        where = f"Thématique n° {index}"
        if not isinstance(theme, dict):
            errors.append(f"{where} : un objet est attendu.")
            continue
        number = str(theme.get("number", "")).strip()
        if not number:
            errors.append(f"{where} : champ « number » manquant.")
        elif number in seen:
            errors.append(f"{where} : numéro « {number} » en double.")
        seen.add(number)
        if not _is_text(theme.get("title")):
            errors.append(f"{where} (n° {number or '?'}) : champ « title » manquant ou vide.")
        errors += _length_errors(theme, where, {"number": Theme.number, "title": Theme.title})
    return errors


def _check_fiche_fields(fiche: dict, where: str) -> list[str]:
    errors = []
    if not _is_text(fiche.get("title")):
        errors.append(f"{where} : champ « title » manquant ou vide.")
    for key in (*TEXT_FIELDS, "axis", "objective"):
        if fiche.get(key) is not None and not isinstance(fiche[key], str):
            errors.append(f"{where} : champ « {key} » : du texte est attendu.")
    for key in LIST_FIELDS:
        value = fiche.get(key)
        if value is None:
            continue
        if not isinstance(value, list):
            errors.append(f"{where} : champ « {key} » : une liste est attendue.")
        elif not all(isinstance(item, str | int) for item in value):
            errors.append(f"{where} : champ « {key} » : la liste doit contenir du texte.")
    errors += _length_errors(fiche, where, FICHE_COLUMNS)
    links = fiche.get("linked_fiches")
    if isinstance(links, list) and any(len(str(item).strip()) > NUMBER_LENGTH for item in links):
        errors.append(f"{where} : champ « linked_fiches » : un numéro de fiche trop long.")
    return errors


def _check_fiches(fiches: list) -> list[str]:
    errors, seen = [], set()
    for index, fiche in enumerate(fiches, 1):
        if not isinstance(fiche, dict):
            errors.append(f"Fiche n° {index} de la liste : un objet est attendu.")
            continue
        number = fiche.get("number")
        if not isinstance(number, str | int) or not str(number).strip():
            errors.append(f"Fiche n° {index} de la liste : champ « number » manquant.")
            where = f"Fiche n° {index} de la liste"
        elif len(str(number).strip()) > NUMBER_LENGTH:
            errors.append(f"Fiche n° {index} de la liste : champ « number » trop long.")
            where = f"Fiche n° {index} de la liste"
        else:
            number = str(number).strip()
            where = f"Fiche {number}"
            if number in seen:
                errors.append(f"{where} : numéro de fiche en double.")
            seen.add(number)
        errors.extend(_check_fiche_fields(fiche, where))
    return errors


def validate_document(data: dict) -> list[str]:
    """Return every problem of a scheme document, in French (empty when valid)."""
    errors = _check_header(data)
    errors += _check_list(data, "axes", required=False)
    errors += _check_list(data, "themes", required=False)
    errors += _check_list(data, "fiches", required=True)
    if errors:
        return errors
    errors += _check_axes(data.get("axes") or [])
    errors += _check_themes(data.get("themes") or [])
    errors += _check_fiches(data["fiches"])
    return errors


def slugify(text: str) -> str:
    """ASCII, lower-case, hyphenated identifier for URLs."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:100] or "schema"


def _split_number(text: str, fallback: str) -> tuple[str, str]:
    match = _NUMBERED.match(text)
    if match:
        return match.group(1), match.group(2).strip()
    return fallback, text.strip()


def _lines(values) -> list[str]:
    return [clean_text(str(v)) for v in values or [] if clean_text(str(v))]


def _build_axes(scheme: Scheme, axes: list) -> dict[str, Axis]:
    by_key = {}
    for position, raw in enumerate(axes, 1):
        if isinstance(raw, str):
            number, title = _split_number(clean_line(raw), str(position))
            description = ""
        else:
            number = clean_line(str(raw.get("number") or position))
            title = clean_line(raw["title"])
            description = clean_text(raw.get("description"))
        axis = Axis(number=number, title=title, description=description, position=position)
        scheme.axes.append(axis)
        by_key[clean_line(raw) if isinstance(raw, str) else number] = axis
        by_key[number] = axis
    return by_key


def _axis_for(fiche: dict, axes: dict[str, Axis], scheme: Scheme) -> Axis | None:
    label = clean_line(fiche.get("axis") or "")
    if not label:
        return None
    if label in axes:
        return axes[label]
    number, title = _split_number(label, str(len(scheme.axes) + 1))
    axis = axes.get(number) or Axis(number=number, title=title, position=len(scheme.axes) + 1)
    if axis not in scheme.axes:
        scheme.axes.append(axis)
    axes[label] = axes[number] = axis
    return axis


def _objective_for(fiche, axis, objectives) -> Objective | None:
    label = clean_line(fiche.get("objective") or "")
    if not label or axis is None:
        return None
    key = (axis.number, label)
    if key not in objectives:
        number, title = _split_number(label, str(len(axis.objectives) + 1))
        objective = Objective(number=number, title=title, position=len(axis.objectives) + 1)
        axis.objectives.append(objective)
        objectives[key] = objective
    return objectives[key]


def _build_actions(fiche: Fiche, raw: dict) -> None:
    """Actions; in a ``description`` list, lines starting with « - » are sub-actions."""
    parent = None
    for position, line in enumerate(_lines(raw.get("actions") or raw.get("description")), 1):
        if line.startswith(("-", "•")) and parent is not None:
            sub = Action(title=line.lstrip("-• ").strip(), position=position, parent=parent)
            fiche.actions.append(sub)
        else:
            parent = Action(title=line.lstrip("-• ").strip(), position=position)
            fiche.actions.append(parent)


def _build_fiche(raw: dict, position: int) -> Fiche:
    known = {"number", "title", "axis", "objective", *TEXT_FIELDS, *LIST_FIELDS}
    fiche = Fiche(
        number=str(raw["number"]).strip(),
        title=clean_line(raw["title"]),
        part=clean_line(raw.get("part")),
        policy=clean_line(raw.get("policy")),
        pilots=clean_text(raw.get("pilots") or raw.get("owner")),
        partners=clean_text(raw.get("partners") or raw.get("external_partners")),
        internal_partners=clean_text(raw.get("internal_partners")),
        schedule=clean_text(raw.get("schedule")),
        context=_lines(raw.get("context_and_objectives")),
        objectives=_lines(raw.get("objectives")),
        implementation=_lines(raw.get("implementation")),
        extra={k: v for k, v in raw.items() if k not in known},
        position=position,
    )
    if raw.get("actions") is not None and raw.get("description"):
        fiche.extra["description"] = _lines(raw["description"])
    _build_actions(fiche, raw)
    for index, label in enumerate(_lines(raw.get("indicators")), 1):
        fiche.indicators.append(Indicator(label=label, position=index))
    return fiche


def _link_fiches(scheme: Scheme, documents: list[dict]) -> None:
    by_number = {fiche.number: fiche for fiche in scheme.fiches}
    for fiche, raw in zip(scheme.fiches, documents, strict=True):
        for position, target in enumerate(raw.get("linked_fiches") or [], 1):
            number = clean_line(str(target))
            fiche.links.append(
                FicheLink(
                    target_number=number,
                    target=by_number.get(number),
                    position=position,
                )
            )


def _level_names(data: dict, overrides: dict | None) -> dict:
    levels = {k: clean_line(str(v)) for k, v in (data.get("levels") or {}).items()}
    levels.update(overrides or {})
    return {k: v for k, v in levels.items() if k in DEFAULT_LEVEL_NAMES and v}


def import_scheme(data: dict, *, actor=None, now: datetime, levels=None) -> Scheme:
    """Create a Scheme from a validated document (flushes, never commits).

    :raises SchemeImportError: the document is invalid or already imported.
    """
    errors = validate_document(data)
    if errors:
        raise SchemeImportError(errors)
    department, title = clean_line(data["department"]), clean_line(data["title"])
    slug = slugify(f"{department} {data.get('period') or title}")
    if db.session.scalar(sa.select(Scheme.id).where(Scheme.slug == slug)):
        raise SchemeImportError([f"Le schéma « {title} » ({department}) est déjà importé."])
    scheme = Scheme(
        slug=slug,
        department=department,
        title=title,
        period=clean_line(data.get("period")),
        source=clean_text(data.get("source")),
        level_names=_level_names(data, levels),
        process_figures=data.get("process_figures") or {},
        extra={
            k: data[k]
            for k in (
                "universite_sociale_groups",
                "territories_note",
                "theme_fiche_mapping_note",
            )
            if k in data
        },
        imported_at=now,
        imported_by_id=actor.id if actor else None,
    )
    axes = _build_axes(scheme, data.get("axes") or [])
    for position, raw in enumerate(data.get("themes") or [], 1):
        scheme.themes.append(
            Theme(
                number=str(raw["number"]).strip(),
                title=clean_line(raw["title"]),
                description=clean_text(raw.get("description")),
                position=position,
            )
        )
    objectives: dict = {}
    for position, raw in enumerate(data["fiches"], 1):
        fiche = _build_fiche(raw, position)
        fiche.axis = _axis_for(raw, axes, scheme)
        fiche.objective = _objective_for(raw, fiche.axis, objectives)
        scheme.fiches.append(fiche)
    _link_fiches(scheme, data["fiches"])
    db.session.add(scheme)
    db.session.flush()
    return scheme
