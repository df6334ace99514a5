"""Importing yearly indicator values (and optionally their definitions) from a spreadsheet.

One line per value: the fiche's number, the indicator (its position 1..n in the
fiche, or its exact label), the year and the value, with an optional territory,
source and comment. Optional columns set the indicator's definition (type, unit,
baseline and target with their years). A line with neither year nor value only
updates the definition, so the downloaded template can be sent back half filled.

:func:`check` is the dry run: every refused line with its number and a French
reason. :func:`run_import` saves everything or nothing; sending the same file again
updates the values (one value per indicator, year and territory), never duplicates.
Files are read and checked by :mod:`consult.core.spreadsheets` (size, format,
encoding, delimiter, zip bombs, real rows and cells).
"""

import csv
import io
import re
from dataclasses import dataclass, field

from consult.core import spreadsheets
from consult.core.errors import DomainError
from consult.core.sanitize import clean_line, clean_text, safe_cell
from consult.core.spreadsheets import (
    CellError,
    ImportFileError,
    Rejection,
    Table,
    normalise_cell,
    shown_cell,
)
from consult.extensions import db
from consult.followup.services import (
    Definition,
    MeasureDraft,
    MeasureError,
    check_measure,
    define_indicator,
    parse_number,
    public_fiches,
    territories,
    upsert_measurement,
)
from consult.schemes.models import Fiche, Indicator, Scheme, indicator_kind

COLUMNS = {
    "fiche": "Numéro de la fiche action (obligatoire)",
    "indicateur": "Position de l'indicateur dans la fiche (1, 2, 3…) ou son libellé exact "
    "(obligatoire)",
    "annee": "Année de la mesure, par exemple 2026",
    "valeur": "Valeur mesurée : 12,5 ou 1 200 ; pour un indicateur qualitatif, le constat écrit",
    "territoire": "Code ou nom du territoire (vide : tout le Département)",
    "source": "Source de la donnée (facultatif)",
    "commentaire": "Commentaire (facultatif)",
    "type": "Type d'indicateur : nombre, taux, montant ou qualitatif (facultatif)",
    "unite": "Unité : %, €, personnes… (facultatif)",
    "reference": "Valeur de référence (facultatif)",
    "annee_reference": "Année de la valeur de référence (facultatif)",
    "cible": "Valeur cible (facultatif)",
    "annee_cible": "Année de la cible (facultatif)",
}
REQUIRED = ("fiche", "indicateur", "annee", "valeur")
HELP_COLUMN = "libelle"  # the indicator's label in the template, for reading only
TEMPLATE_COLUMNS = ["fiche", "indicateur", HELP_COLUMN, *list(COLUMNS)[2:]]
HEADER_SYNONYMS = {
    "annee": "annee",
    "an": "annee",
    "valeur": "valeur",
    "territoire": "territoire",
    "commentaire": "commentaire",
    "commentaires": "commentaire",
    "unite": "unite",
    "valeur reference": "reference",
    "annee reference": "annee_reference",
    "valeur cible": "cible",
    "annee cible": "annee_cible",
    "numero fiche": "fiche",
    "indicateurs": "indicateur",
    "libelle": HELP_COLUMN,
    "libelle indicateur": HELP_COLUMN,
}
_SMALL_WORDS = {"de", "du", "la", "le", "l", "d", "des"}
MAX_SOURCE = 300
YEAR = re.compile(r"[0-9]{4}")
POSITION = re.compile(r"[0-9]{1,6}")
MAX_COMMENT = 5000


class IndicatorImportRejected(DomainError):
    """Nothing was imported; ``result`` lists the refused lines."""

    def __init__(self, message: str, result: "CheckResult"):
        super().__init__(message)
        self.result = result


@dataclass
class Line:
    """A line the import will save."""

    line: int
    indicator: Indicator
    definition: Definition | None
    measure: MeasureDraft | None


@dataclass
class CheckResult:
    """The dry run: accepted lines, refused lines, and what would be saved."""

    lines: list[Line] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.lines) and not self.rejected

    @property
    def measures(self) -> int:
        return sum(1 for line in self.lines if line.measure is not None)

    @property
    def indicators(self) -> int:
        return len({line.indicator.id for line in self.lines})

    @property
    def years(self) -> list[int]:
        return sorted({line.measure.year for line in self.lines if line.measure is not None})


@dataclass
class ImportOutcome:
    created: int = 0
    updated: int = 0
    defined: int = 0


# --- Reading --------------------------------------------------------------------------


def read(filename: str, content: bytes) -> Table:
    """The file's table (see :func:`consult.core.spreadsheets.read_table`)."""
    return spreadsheets.read_table(filename, content, rows_are="aucune mesure")


def column_index(headers: list[str]) -> dict[str, int]:
    """Column name → index; unknown columns are ignored.

    :raises ImportFileError: a required column is missing, or one is given twice.
    """
    index: dict[str, int] = {}
    for position, header in enumerate(headers):
        name = _column_name(header)
        if name is None or name == HELP_COLUMN:
            continue
        if name in index:
            raise ImportFileError(f"La colonne « {shown_cell(header)} » apparaît deux fois.")
        index[name] = position
    missing = [name for name in REQUIRED if name not in index]
    if missing:
        listed = ", ".join(f"« {name} »" for name in missing)
        raise ImportFileError(
            f"Colonne{'s' if len(missing) > 1 else ''} obligatoire{'s' if len(missing) > 1 else ''}"
            f" absente{'s' if len(missing) > 1 else ''} : {listed}. Téléchargez le modèle pour "
            "voir les noms de colonnes attendus."
        )
    return index


def _column_name(header: str) -> str | None:
    words = [w for w in re.findall(r"[a-z0-9]+", normalise_cell(header)) if w not in _SMALL_WORDS]
    key = " ".join(words)
    if key.replace(" ", "_") in COLUMNS:
        return key.replace(" ", "_")
    return HEADER_SYNONYMS.get(key)


@dataclass
class _References:
    fiches: dict[str, Fiche]
    territories: dict[str, int]

    @classmethod
    def load(cls, scheme: Scheme) -> "_References":
        fiches = db.session.query(Fiche).filter(Fiche.scheme_id == scheme.id).all()
        return cls(
            fiches={normalise_cell(f.number): f for f in fiches},
            territories=spreadsheets.by_name((t.name, t.code, t.id) for t in territories()),
        )


def check(scheme: Scheme, table: Table) -> CheckResult:
    """Check every line as the import would, without writing anything.

    :raises ImportFileError: missing or repeated columns.
    """
    columns = column_index(table.headers)
    references = _References.load(scheme)
    result, seen = CheckResult(), {}
    for row in table.rows:
        try:
            line = _parse(row, columns, references)
        except CellError as error:
            result.rejected.append(Rejection(row.line, str(error)))
            continue
        if line.measure is not None:
            key = (line.indicator.id, line.measure.year, line.measure.territory_id)
            if key in seen:
                result.rejected.append(
                    Rejection(
                        row.line,
                        f"même indicateur, même année et même territoire que la ligne {seen[key]}",
                    )
                )
                continue
            seen[key] = row.line
        result.lines.append(line)
    return result


def _parse(row: spreadsheets.Row, columns: dict[str, int], references: _References) -> Line:
    def cell(name: str) -> str:
        return row.cell(columns.get(name)).strip()

    reasons = spreadsheets.Reasons(MeasureError)
    parsed = reasons.parsed

    indicator = parsed(_indicator, cell("fiche"), cell("indicateur"), references)
    definition = parsed(_definition, cell)
    measure = None
    if cell("annee") or cell("valeur"):
        kind = (definition and definition.kind) or (indicator and indicator.kind) or "nombre"
        measure = parsed(_measure, cell, kind, references)
        if indicator is not None and measure is not None:
            parsed(check_measure, indicator, measure, kind)
    elif definition is None and not reasons:
        reasons.append("ni année ni valeur, et aucune définition d'indicateur : ligne à compléter")
    if reasons:
        raise CellError(" ; ".join(reasons))
    return Line(row.line, indicator, definition, measure)


def _indicator(fiche_cell: str, indicator_cell: str, references: _References) -> Indicator:
    if not fiche_cell:
        raise CellError("numéro de fiche manquant")
    number = re.sub(r"^fiche\s*(action)?\s*(n[°o]\s*)?", "", fiche_cell, flags=re.I).strip()
    fiche = references.fiches.get(normalise_cell(number))
    if fiche is None:
        raise CellError(f"fiche « {shown_cell(fiche_cell)} » inconnue dans ce schéma")
    if not indicator_cell:
        raise CellError("indicateur manquant (sa position dans la fiche ou son libellé)")
    indicators = list(fiche.indicators)
    if POSITION.fullmatch(indicator_cell):
        position = int(indicator_cell)
        if not 1 <= position <= len(indicators):
            raise CellError(
                f"la fiche {fiche.number} a {len(indicators)} indicateur"
                f"{'s' if len(indicators) > 1 else ''} : pas d'indicateur n° {position}"
            )
        return indicators[position - 1]
    for indicator in indicators:
        if normalise_cell(indicator.label) == normalise_cell(indicator_cell):
            return indicator
    raise CellError(
        f"indicateur « {shown_cell(indicator_cell)} » introuvable dans la fiche {fiche.number}"
    )


def _definition(cell) -> Definition | None:
    given = {name: cell(name) for name in ("type", "unite", "reference", "annee_reference")}
    given |= {name: cell(name) for name in ("cible", "annee_cible")}
    if not any(given.values()):
        return None
    return Definition(
        kind=_kind(given["type"]) if given["type"] else None,
        unit=clean_line(given["unite"])[:40] if given["unite"] else None,
        baseline=parse_number(given["reference"]),
        baseline_year=_year(given["annee_reference"], "année de référence"),
        target=parse_number(given["cible"]),
        target_year=_year(given["annee_cible"], "année cible"),
    )


def _kind(raw: str) -> str:
    kind = indicator_kind(raw)
    if kind is not None:
        return kind
    raise CellError(f"type « {shown_cell(raw)} » inconnu : nombre, taux, montant ou qualitatif")


def _year(raw: str, label: str = "année") -> int | None:
    if not raw:
        return None
    # Only ASCII digits: "²⁰²⁴".isdigit() is true, and int() refuses it.
    if not YEAR.fullmatch(raw) or not 1900 <= int(raw) <= 2200:
        raise CellError(f"{label} « {shown_cell(raw)} » non reconnue : une année comme 2026")
    return int(raw)


def _measure(cell, kind: str, references: _References) -> MeasureDraft:
    year = _year(cell("annee"))
    if year is None:
        raise CellError("année manquante")
    source, comment = clean_line(cell("source")), clean_text(cell("commentaire"))
    if len(source) > MAX_SOURCE:
        raise CellError(f"source trop longue ({MAX_SOURCE} caractères au maximum)")
    if len(comment) > MAX_COMMENT:
        raise CellError(f"commentaire trop long ({MAX_COMMENT} caractères au maximum)")
    raw = cell("valeur")
    draft = MeasureDraft(
        year=year,
        territory_id=_territory(cell("territoire"), references),
        source=source,
        comment=comment,
    )
    if kind == "qualitatif":
        draft.text_value = clean_text(raw)[:MAX_COMMENT]
    else:
        draft.value = parse_number(raw)
    return draft


def _territory(raw: str, references: _References) -> int | None:
    return spreadsheets.named(references.territories, raw, "territoire")


# --- Import ---------------------------------------------------------------------------


def run_import(scheme: Scheme, table: Table, *, actor) -> tuple[CheckResult, ImportOutcome]:
    """Save every line, or nothing if any line is refused.

    :raises IndicatorImportRejected: refused lines (nothing is written then).
    :raises ImportFileError: missing or repeated columns.
    """
    result = check(scheme, table)
    if result.rejected:
        count = len(result.rejected)
        lines = "1 ligne est refusée" if count == 1 else f"{count} lignes sont refusées"
        raise IndicatorImportRejected(
            f"Rien n'a été importé : {lines}. Corrigez le fichier puis déposez-le à nouveau.",
            result,
        )
    outcome = ImportOutcome()
    with db.session.begin_nested():
        for line in result.lines:
            if line.definition is not None:
                define_indicator(line.indicator, line.definition, partial=True)
                outcome.defined += 1
        for line in result.lines:
            if line.measure is None:
                continue
            _, created = upsert_measurement(line.indicator, line.measure, actor=actor)
            outcome.created += created
            outcome.updated += not created
    return result, outcome


# --- Template -------------------------------------------------------------------------


def template_csv(scheme: Scheme) -> str:
    """A CSV (";", for French spreadsheets) with one line per indicator of the public fiches.

    The definition columns carry the current definition; year and value are left blank.
    Every cell goes through :func:`safe_cell` (labels typed by people are never formulas).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(TEMPLATE_COLUMNS)
    for fiche in public_fiches(scheme):
        for position, indicator in enumerate(fiche.indicators, 1):
            row = {
                "fiche": fiche.number,
                "indicateur": position,
                HELP_COLUMN: indicator.label,
                "type": indicator.kind,
                "unite": indicator.unit,
                "reference": _number_cell(indicator.baseline),
                "annee_reference": indicator.baseline_year or "",
                "cible": _number_cell(indicator.target),
                "annee_cible": indicator.target_year or "",
            }
            writer.writerow([safe_cell(row.get(name, "")) for name in TEMPLATE_COLUMNS])
    return "\ufeff" + buffer.getvalue()


def _number_cell(value: float | None) -> str:
    if value is None:
        return ""
    return (str(int(value)) if float(value).is_integer() else str(value)).replace(".", ",")
