"""Importing contributions typed in a spreadsheet (CSV or XLSX) into an open meeting.

The flow: :func:`store_upload` keeps the file, :func:`guess_mapping` proposes which
column holds which field, :func:`preview` is a dry run naming every rejected line
with a French reason, and :func:`run_import` creates all the contributions or none.
Every row goes through :func:`consult.contributions.services.submit_contribution`,
so an imported contribution is cleaned and checked like one typed online.
"""

import codecs
import csv
import hashlib
import io
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import PurePath
from typing import NamedTuple

import openpyxl
import sqlalchemy as sa
from werkzeug.utils import secure_filename

from consult.contributions import services
from consult.contributions.models import AUTHOR_TYPES, KINDS, Contribution, ContributionImport
from consult.core.db import utcnow
from consult.core.sanitize import clean_line, clean_text
from consult.extensions import db
from consult.schemes.models import Public, Territory

ACCEPTED_COLUMNS = {
    "texte": "Texte de la contribution (obligatoire)",
    "type": "Type : constat, proposition, question ou témoignage (proposition si vide)",
    "auteur": (
        "Qui s'exprime : usager·e, proche ou aidant·e, professionnel·le, partenaire, "
        "élu·e ou agent du Département (usager·e si vide)"
    ),
    "pseudonyme": "Pseudonyme ou prénom, affiché en public (facultatif)",
    "publics": "Publics concernés, séparés par « ; » ou « , » (facultatif)",
    "territoire": "Territoire concerné (facultatif : celui de la rencontre si vide)",
    "groupe": "Groupe au nom duquel on s'exprime, par exemple « Atelier 2 » (facultatif)",
    "date": "Date de la contribution : jj/mm/aaaa ou aaaa-mm-jj (facultatif)",
}
MAX_ROWS = 10_000
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
RATIO_CHECKED_ABOVE = 1024 * 1024  # tiny workbooks may compress well: nothing to fear
MAX_ZIP_MEMBERS = 1000
MAX_COLUMNS = 200
MAX_HEADER_LENGTH = 200
MAX_PSEUDONYM = 80
MAX_GROUP = 200
KEY_LENGTH = Contribution.__table__.c.idempotency_key.type.length
DELIMITERS = ";,\t"
SINGLE_COLUMN = "\x1f"  # the ASCII unit separator: never typed in a contribution

HEADER_SYNONYMS = {
    "texte": ("texte", "textes", "contribution", "avis", "verbatim", "propos", "commentaire"),
    "type": ("type", "nature"),
    "auteur": ("auteur", "auteurs", "auteurice", "profil", "qui"),
    "pseudonyme": ("pseudonyme", "pseudo", "prenom"),
    "publics": ("public", "publics"),
    "territoire": ("territoire", "secteur", "bassin"),
    "groupe": ("groupe", "atelier", "table"),
    "date": ("date",),
}
# Too common inside longer headers ("Ce qui marche", "Table des matières"): exact only.
WEAK_SYNONYMS = {"qui", "table", "propos"}
AUTHOR_SYNONYMS = {"proche": "proche_aidant", "aidant": "proche_aidant", "aidante": "proche_aidant"}
DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y")


class ImportFileError(Exception):
    """A French message explaining why a file or a column mapping cannot be used."""


class ImportRejected(Exception):
    """A French message explaining why nothing was imported; ``preview`` tells which lines."""

    def __init__(self, message: str, preview: "Preview | None" = None):
        super().__init__(message)
        self.preview = preview


class Row(list):
    """The cells of one spreadsheet line (a list of str) and its 1-based ``line`` number."""

    def __init__(self, cells: Iterable[str], line: int):
        super().__init__(cells)
        self.line = line


@dataclass
class Table:
    """What a file holds: column names and the non-blank rows under them."""

    headers: list[str]
    rows: list[Row]
    header_line: int = 1


@dataclass
class RowDraft:
    """A line the import will create, as the draft ``submit_contribution`` takes."""

    line: int
    draft: services.Draft
    written_on: date | None = None


@dataclass
class Rejection:
    """A line the import refuses, with the French reason(s)."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"ligne {self.line} : {self.reason}"


class Duplicate(NamedTuple):
    """A line whose text repeats an earlier line (imported anyway, for moderators)."""

    line: int
    first_line: int


@dataclass
class Preview:
    """The dry run: what would be created, what is refused and what looks repeated."""

    valid: list[RowDraft] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.valid) and not self.rejected


@dataclass
class ImportResult:
    """What an import did: ``created`` new rows, ``skipped`` rows an earlier run made."""

    created: int = 0
    skipped: int = 0
    contributions: list[Contribution] = field(default_factory=list)


# --- Normalising labels --------------------------------------------------------------

_PUNCTUATION = str.maketrans(
    {
        **{".": "·", "•": "·", "⋅": "·", "œ": "oe", "æ": "ae"},
        **dict.fromkeys("-_'’/", " "),
    }
)
_PARENTHESISED = re.compile(r"\((\w+)\)")


def normalise_cell(text: str | None) -> str:
    """Lower case, no accents, single spaces; "(e)", ".e", "•e" all become "·e"."""
    text = _PARENTHESISED.sub(r"·\1", (text or "").casefold())
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.translate(_PUNCTUATION).replace(" ·", "·").split())


def _variants(text: str) -> list[str]:
    """A normalised label and its forms without inclusive-writing suffix or plural."""
    stem = text.split("·")[0].strip()
    joined = text.replace("·", "")
    forms = (text, joined, stem, text.removesuffix("s"), joined.removesuffix("s"))
    return list(dict.fromkeys(form for form in forms if form))


def _choice_index(choices: dict[str, str], synonyms: dict[str, str] | None = None) -> dict:
    index = dict(synonyms or {})
    for key, label in choices.items():
        for text in (key, label):
            for form in _variants(normalise_cell(text)):
                index.setdefault(form, key)
    return index


def _lookup(index: dict, raw: str):
    """The value ``raw`` names in ``index`` (any variant of it), or None."""
    for form in _variants(normalise_cell(raw)):
        if form in index:
            return index[form]
    return None


_KIND_INDEX = _choice_index(KINDS)
_AUTHOR_INDEX = _choice_index(AUTHOR_TYPES, AUTHOR_SYNONYMS)
_HEADER_INDEX = {word: name for name, words in HEADER_SYNONYMS.items() for word in words}


def shown_cell(raw: str, limit: int = 60) -> str:
    """A cell value quoted in a message: one printable line, shortened."""
    text = " ".join("".join(ch for ch in raw if ch.isprintable() or ch.isspace()).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- Reading files -------------------------------------------------------------------


def read_table(filename: str, content: bytes, *, rows_are: str = "aucune contribution") -> Table:
    """Read the headers and rows of a CSV or XLSX file (first sheet).

    ``rows_are`` names what a file with headers only lacks ("aucune mesure"…).

    :raises ImportFileError: unknown or mismatched format, empty file, no rows,
        more than ``MAX_ROWS`` rows, oversized or zip-bomb workbook.
    """
    extension = _extension(filename)
    if not content or not content.strip():
        raise ImportFileError("Le fichier est vide.")
    if len(content) > MAX_FILE_BYTES:
        raise ImportFileError(
            f"Le fichier est trop lourd ({len(content) // 1024} Ko) : "
            f"{MAX_FILE_BYTES // (1024 * 1024)} Mo au maximum."
        )
    lines = _xlsx_lines(content) if extension == ".xlsx" else _csv_lines(content)
    return _table(lines, rows_are)


def _extension(filename: str) -> str:
    extension = PurePath(filename or "").suffix.lower()
    if extension in (".csv", ".xlsx"):
        return extension
    if extension in (".xls", ".ods"):
        raise ImportFileError(
            f"Les fichiers {extension} ne sont pas pris en charge : dans le tableur, "
            "enregistrez le fichier au format .xlsx ou .csv."
        )
    raise ImportFileError("Format non pris en charge : envoyez un fichier .csv ou .xlsx.")


def _table(lines: Iterator[tuple[int, list[str]]], rows_are: str) -> Table:
    """Skip blank lines, take the first other one as headers, bound the row count."""
    headers, header_line, rows = None, 0, []
    for line, cells in lines:
        if not any(cell.strip() for cell in cells):
            continue
        if headers is None:
            headers, header_line = _headers(cells), line
        elif len(rows) >= MAX_ROWS:
            raise ImportFileError(
                f"Le fichier contient plus de {_thousands(MAX_ROWS)} lignes : "
                "découpez-le en plusieurs fichiers."
            )
        else:
            rows.append(Row(cells, line))
    if headers is None:
        raise ImportFileError("Le fichier est vide.")
    if not rows:
        raise ImportFileError(
            f"Le fichier ne contient {rows_are} : seulement la ligne des titres de colonnes."
        )
    return Table(headers=headers, rows=rows, header_line=header_line)


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", "\u202f")


def _headers(cells: list[str]) -> list[str]:
    if any(len(cell) > MAX_HEADER_LENGTH for cell in cells):
        raise ImportFileError(
            "La première ligne doit donner le nom des colonnes (texte, type, auteur…) ; "
            "elle semble contenir une contribution. Ajoutez une ligne de titres."
        )
    return [clean_line(cell) or f"Colonne {index}" for index, cell in enumerate(cells, 1)]


def _trimmed(cells: list[str]) -> list[str]:
    cells = cells[:MAX_COLUMNS]
    while cells and not cells[-1].strip():
        cells.pop()
    return cells


def _csv_lines(content: bytes) -> Iterator[tuple[int, list[str]]]:
    if content.startswith(b"PK\x03\x04"):
        raise ImportFileError(
            "Ce fichier n'est pas un CSV mais sans doute un classeur Excel : "
            "envoyez-le avec l'extension .xlsx."
        )
    text = _decode(content)
    delimiter, text = _delimiter(text)
    return _csv_records(text, delimiter)


def _csv_records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 0
    try:
        for line, cells in enumerate(reader, 1):
            yield line, _trimmed(cells)
    except csv.Error as error:
        raise ImportFileError(f"Le fichier CSV est illisible vers la ligne {line + 1}.") from error


def _decode(content: bytes) -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252/Latin-1."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "cp1252", "latin-1")
    for encoding in encodings:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text
    raise ImportFileError(
        "Ce fichier ne ressemble pas à un fichier CSV (texte) : "
        "vérifiez son format ou enregistrez-le en .csv ou .xlsx depuis le tableur."
    )


def _looks_like_text(text: str) -> bool:
    sample = text[:100_000]
    controls = sum(1 for ch in sample if ch < " " and ch not in "\t\n\r")
    return "\x00" not in sample and controls <= 10 + len(sample) // 100


def _delimiter(text: str) -> tuple[str, str]:
    """The delimiter, and the text without Excel's "sep=;" hint line if there was one.

    Taken from that hint, else the header line (when only one candidate occurs
    in it), else csv.Sniffer, else ";" as French Excel writes. A header without
    any candidate means one column: then nothing splits a line.
    """
    first, _, rest = text.partition("\n")
    hint = first.strip()
    if hint.startswith("sep=") and len(hint) == 5:
        return hint[4], rest
    present = [delimiter for delimiter in DELIMITERS if delimiter in first]
    if len(present) == 1:
        return present[0], text
    if not present:
        return SINGLE_COLUMN, text
    try:
        return csv.Sniffer().sniff(text[:20_000], delimiters=DELIMITERS).delimiter, text
    except csv.Error:
        return ";", text


def _xlsx_lines(content: bytes) -> Iterator[tuple[int, list[str]]]:
    _check_zip(content)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            rows = _sheet_rows(workbook)
    except Exception as error:  # openpyxl raises anything on a damaged workbook
        raise ImportFileError(
            "Ce classeur .xlsx est illisible : "
            "ouvrez-le dans le tableur et enregistrez-le à nouveau."
        ) from error
    return iter(rows)


def _sheet_rows(workbook) -> list[tuple[int, list[str]]]:
    """Read the first sheet, stopping as soon as it has too many non-blank rows."""
    try:
        sheet = workbook.worksheets[0]
        rows, filled = [], 0
        for line, values in enumerate(
            sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True), 1
        ):
            cells = _trimmed([_cell_text(value) for value in values])
            if cells:
                rows.append((line, cells))
                filled += 1
            if filled > MAX_ROWS + 1:
                break
        return rows
    finally:
        workbook.close()


def _check_zip(content: bytes) -> None:
    """Refuse what is not a zip, and zip bombs, before openpyxl inflates anything."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise ImportFileError(
            "Ce fichier n'est pas un classeur .xlsx valide : enregistrez-le au format .xlsx "
            "(Excel, LibreOffice) ou en .csv."
        ) from error
    size = sum(member.file_size for member in members)
    packed = max(1, sum(member.compress_size for member in members))
    too_compressed = size > RATIO_CHECKED_ABOVE and size > MAX_COMPRESSION_RATIO * packed
    if len(members) > MAX_ZIP_MEMBERS or size > MAX_UNCOMPRESSED_BYTES or too_compressed:
        raise ImportFileError(
            "Ce classeur est anormalement volumineux une fois décompressé : il a été refusé. "
            "Enregistrez les contributions en .csv."
        )


def _cell_text(value) -> str:
    """An XLSX cell as text: dates as yyyy-mm-dd, 12.0 as 12."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time():
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- Column mapping ------------------------------------------------------------------


def guess_mapping(headers: list[str]) -> dict[str, int]:
    """Field → column index, guessed from French header names and their synonyms.

    Exact names win ("Texte"), then the first known word of a longer header
    ("Type de contribution"); a column serves one field only.
    """
    mapping: dict[str, int] = {}
    for guess in (_exact_field, _word_field):
        for index, header in enumerate(headers):
            name = guess(header)
            if name and name not in mapping and index not in mapping.values():
                mapping[name] = index
    return mapping


def _exact_field(header: str) -> str | None:
    """The field a whole header names, punctuation aside ("Qui ?", "Public(s)")."""
    return _lookup(_HEADER_INDEX, " ".join(re.findall(r"[\w·]+", normalise_cell(header))))


def _word_field(header: str) -> str | None:
    for word in re.findall(r"[a-z0-9]+", normalise_cell(header).replace("·", "")):
        for form in (word, word.removesuffix("s")):
            if form in _HEADER_INDEX and form not in WEAK_SYNONYMS:
                return _HEADER_INDEX[form]
    return None


def check_mapping(mapping: dict, headers: list[str]) -> dict[str, int]:
    """Check a field → column mapping; return it with unmapped (None, "") fields removed.

    :raises ImportFileError: unknown field, ``texte`` unmapped, missing column,
        one column used for two fields.
    """
    clean: dict[str, int] = {}
    for name, index in (mapping or {}).items():
        if name not in ACCEPTED_COLUMNS:
            raise ImportFileError(f"Champ inconnu : « {shown_cell(str(name))} ».")
        if index is None or index == "":
            continue
        clean[name] = _column(name, index, headers)
    if "texte" not in clean:
        raise ImportFileError("Indiquez quelle colonne contient le texte des contributions.")
    _check_distinct(clean, headers)
    return clean


def _column(name: str, index, headers: list[str]) -> int:
    if isinstance(index, str) and index.strip().isdigit():
        index = int(index)
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(headers):
        raise ImportFileError(f"La colonne choisie pour « {name} » n'existe pas dans le fichier.")
    return index


def _check_distinct(mapping: dict[str, int], headers: list[str]) -> None:
    used: dict[int, str] = {}
    for name, index in mapping.items():
        if index in used:
            raise ImportFileError(
                f"La colonne « {headers[index]} » est choisie pour deux champs "
                f"(« {used[index]} » et « {name} ») : une colonne ne sert qu'une fois."
            )
        used[index] = name


# --- Dry run -------------------------------------------------------------------------


class _Invalid(Exception):
    """One reason a cell is refused (collected, never raised out of this module)."""


@dataclass
class _References:
    """Publics and territories by normalised name (or code)."""

    publics: dict[str, int]
    territories: dict[str, int]

    @classmethod
    def load(cls) -> "_References":
        publics = db.session.scalars(sa.select(Public).order_by(Public.position, Public.id))
        territories = db.session.scalars(
            sa.select(Territory).order_by(Territory.position, Territory.id)
        )
        return cls(
            publics=by_name((p.label, p.code, p.id) for p in publics),
            territories=by_name((t.name, t.code, t.id) for t in territories),
        )


def by_name(items) -> dict[str, int]:
    """Normalised name → id, then code → id where no name already took it."""
    items = list(items)
    index: dict[str, int] = {}
    for name, _code, ident in items:
        index.setdefault(normalise_cell(name), ident)
    for _name, code, ident in items:
        index.setdefault(normalise_cell(code), ident)
    return index


def preview(meeting, table: Table, mapping: dict, *, now: datetime | None = None) -> Preview:
    """Check every row as the import would, without writing anything.

    :raises ImportFileError: when the mapping itself is unusable.
    """
    mapping = check_mapping(mapping, table.headers)
    references = _References.load()
    latest = ((now or utcnow()) + timedelta(days=1)).date()
    result, first_lines = Preview(), {}
    for row in table.rows:
        outcome = _parse_row(row, mapping, references, latest)
        if isinstance(outcome, Rejection):
            result.rejected.append(outcome)
            continue
        result.valid.append(outcome)
        text_key = normalise_cell(outcome.draft.body)
        if text_key in first_lines:
            result.duplicates.append(Duplicate(row.line, first_lines[text_key]))
        first_lines.setdefault(text_key, row.line)
    return result


def _parse_row(row: Row, mapping, references: _References, latest: date):
    def value(name: str) -> str:
        index = mapping.get(name)
        return row[index] if index is not None and index < len(row) else ""

    reasons: list[str] = []

    def parsed(parser, *args):
        try:
            return parser(*args)
        except _Invalid as error:
            reasons.append(str(error))
            return None

    draft = services.Draft(
        body=parsed(_body, value("texte")),
        kind=parsed(_kind, value("type")),
        author_type=parsed(_author, value("auteur")),
        channel="import",
        pseudonym=parsed(_bounded, value("pseudonyme"), "pseudonyme", MAX_PSEUDONYM),
        public_ids=parsed(_publics, value("publics"), references),
        territory_id=parsed(_territory, value("territoire"), references),
        on_behalf_of=parsed(_bounded, value("groupe"), "groupe", MAX_GROUP),
    )
    written_on = parsed(_date, value("date"), latest)
    if reasons:
        return Rejection(row.line, " ; ".join(reasons))
    return RowDraft(line=row.line, draft=draft, written_on=written_on)


def _body(raw: str) -> str:
    if not clean_text(raw):
        raise _Invalid("texte vide")
    try:
        return services.check_body(raw)
    except services.ContributionError as error:
        raise _Invalid(str(error)) from error


def _kind(raw: str) -> str:
    if not raw.strip():
        return "proposition"
    kind = _lookup(_KIND_INDEX, raw)
    if kind is None:
        raise _Invalid(
            f"type « {shown_cell(raw)} » inconnu : constat, proposition, question ou témoignage"
        )
    return kind


def _author(raw: str) -> str:
    if not raw.strip():
        return "usager"
    author = _lookup(_AUTHOR_INDEX, raw)
    if author is None:
        raise _Invalid(
            f"auteur « {shown_cell(raw)} » inconnu : usager·e, proche ou aidant·e, "
            "professionnel·le, partenaire, élu·e ou agent du Département"
        )
    return author


def _bounded(raw: str, label: str, limit: int) -> str:
    text = clean_line(raw)
    if len(text) > limit:
        raise _Invalid(f"{label} trop long ({len(text)} caractères, {limit} au maximum)")
    return text


def _publics(raw: str, references: _References) -> list[int]:
    names = [name for name in re.split(r"[;,]", raw) if name.strip()]
    unknown = [name for name in names if normalise_cell(name) not in references.publics]
    if unknown:
        listed = ", ".join(f"« {shown_cell(name)} »" for name in unknown)
        raise _Invalid(f"public{'s' if len(unknown) > 1 else ''} {listed} inconnu")
    return list(dict.fromkeys(references.publics[normalise_cell(name)] for name in names))


def _territory(raw: str, references: _References) -> int | None:
    if not raw.strip():
        return None
    territory_id = references.territories.get(normalise_cell(raw))
    if territory_id is None:
        raise _Invalid(f"territoire « {shown_cell(raw)} » inconnu")
    return territory_id


def _date(raw: str, latest: date) -> date | None:
    text = raw.strip()
    if not text:
        return None
    day = _parse_date(text)
    if day is None:
        raise _Invalid(
            f"date « {shown_cell(raw)} » non reconnue : jj/mm/aaaa ou aaaa-mm-jj attendu"
        )
    if day > latest:
        raise _Invalid(f"date « {shown_cell(raw)} » dans le futur")
    return day


def _parse_date(text: str) -> date | None:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        return None


# --- Import --------------------------------------------------------------------------


def run_import(
    meeting,
    table: Table,
    mapping: dict,
    *,
    actor,
    now: datetime,
    import_id=None,
    upload: ContributionImport | None = None,
) -> ImportResult:
    """Create every row's contribution, or none if any row or the meeting is refused.

    With ``import_id`` (or ``upload``, whose id is used), each row gets the
    idempotency key ``import:<id>:<line>``: confirming the same import twice
    creates nothing the second time. With ``upload``, it is marked imported.

    :raises ImportRejected: rejected rows, closed meeting, actor not staff,
        upload already imported; nothing is written then.
    :raises ImportFileError: unusable mapping.
    """
    _check_allowed(meeting, actor, upload)
    result = preview(meeting, table, mapping, now=now)
    if result.rejected:
        raise ImportRejected(_rejected_message(len(result.rejected)), preview=result)
    if upload is not None and import_id is None:
        import_id = upload.id
    with db.session.begin_nested():
        outcome = _create_all(meeting, result.valid, actor=actor, now=now, import_id=import_id)
        if upload is not None:
            upload.mapping = check_mapping(mapping, table.headers)
            mark_imported(upload, outcome.created)
    return outcome


def _check_allowed(meeting, actor, upload: ContributionImport | None) -> None:
    if actor is None or getattr(actor, "role", None) not in services.STAFF:
        raise ImportRejected("Seuls les animateurs et animatrices peuvent importer un fichier.")
    if upload is not None and upload.meeting_id != meeting.id:
        raise ImportRejected("Ce fichier a été déposé pour une autre rencontre.")
    if upload is not None and upload.status == "imported":
        raise ImportRejected("Ce fichier a déjà été importé.")
    if meeting.status != "open":
        raise ImportRejected(
            "Cette rencontre n'accepte pas de contributions (elle est "
            f"« {meeting.status_label.lower()} ») : rien n'a été importé."
        )


def _rejected_message(count: int) -> str:
    lines = "1 ligne est refusée" if count == 1 else f"{count} lignes sont refusées"
    return f"Rien n'a été importé : {lines}. Corrigez le fichier puis déposez-le à nouveau."


def _create_all(meeting, rows: list[RowDraft], *, actor, now, import_id) -> ImportResult:
    outcome = ImportResult()
    for row in rows:
        row.draft.idempotency_key = idempotency_key(import_id, row.line)
        try:
            contribution, created = services.submit_contribution(
                meeting, row.draft, actor=actor, now=now, suggest=False
            )
        except services.ContributionError as error:
            raise ImportRejected(f"Rien n'a été importé : ligne {row.line} : {error}") from error
        if created and row.written_on is not None:
            contribution.created_at = min(now, datetime.combine(row.written_on, time(12), UTC))
        outcome.contributions.append(contribution)
        if created:
            outcome.created += 1
        else:
            outcome.skipped += 1
    return outcome


def idempotency_key(import_id, line: int) -> str | None:
    """``import:<id>:<line>``, hashed down if it would not fit the column."""
    if import_id is None:
        return None
    key = f"import:{import_id}:{line}"
    if len(key) > KEY_LENGTH:
        digest = hashlib.sha256(key.encode()).hexdigest()
        key = "import:" + digest[: KEY_LENGTH - len("import:")]
    return key


# --- Uploaded files ------------------------------------------------------------------


def store_upload(meeting, filename: str, content: bytes, actor) -> ContributionImport:
    """Check and keep an uploaded file until its mapping is confirmed.

    :raises ImportFileError: the file cannot be read (nothing is stored then).
    """
    table = read_table(filename, content)
    upload = ContributionImport(
        meeting_id=meeting.id,
        created_by_id=getattr(actor, "id", None),
        filename=safe_filename(filename),
        content=content,
        mapping=guess_mapping(table.headers),
        status="uploaded",
        row_count=len(table.rows),
    )
    db.session.add(upload)
    db.session.flush()
    return upload


def safe_filename(filename: str) -> str:
    """A harmless name that keeps its extension, 255 characters at most."""
    extension = PurePath(filename or "").suffix.lower()
    stem = secure_filename(PurePath(filename or "").stem) or "import"
    return stem[: 255 - len(extension)] + extension


def load_upload(import_id, meeting) -> ContributionImport | None:
    """The upload ``import_id`` of this meeting, or None (unknown, or another meeting's)."""
    try:
        ident = int(import_id)
    except (TypeError, ValueError):
        return None
    if not 0 < ident < 2**31:
        return None
    upload = db.session.get(ContributionImport, ident)
    return upload if upload is not None and upload.meeting_id == meeting.id else None


def upload_table(upload: ContributionImport) -> Table:
    """Read a stored upload again."""
    return read_table(upload.filename, upload.content)


def mark_imported(upload: ContributionImport, count: int) -> None:
    """Record that the upload was imported (it cannot be imported again).

    The raw file (names, phones the moderators will mask) is dropped: only the
    contributions it created are kept, under the platform's own rules.
    """
    upload.status = "imported"
    upload.imported_count = count
    upload.content = b""
