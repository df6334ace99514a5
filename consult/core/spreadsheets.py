"""The one spreadsheet reader every import uses: CSV or XLSX in, bounded rows of text out."""

import codecs
import csv
import io
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import PurePath

import openpyxl
from openpyxl.worksheet._reader import WorkSheetParser

from consult.core import formatting
from consult.core.errors import DomainError
from consult.core.sanitize import clean_line

MAX_ROWS = 10_000
MAX_COLUMNS = 200
# Every cell the XLSX parser meets counts, blank or beyond MAX_COLUMNS: a row of
# 16,384 empty styled cells costs as much to parse as one full of text.
MAX_CELLS = 1_000_000
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
RATIO_CHECKED_ABOVE = 1024 * 1024  # tiny workbooks may compress well: nothing to fear
MAX_ZIP_MEMBERS = 1000
MAX_HEADER_LENGTH = 200
DELIMITERS = ";,\t"
SINGLE_COLUMN = "\x1f"  # the ASCII unit separator: never typed in a contribution


class ImportFileError(DomainError):
    """A French message explaining why a file or a column mapping cannot be used."""


class Row(list):
    """The cells of one spreadsheet line (a list of str) and its 1-based ``line`` number."""

    def __init__(self, cells: Iterable[str], line: int):
        super().__init__(cells)
        self.line = line

    def cell(self, index: int | None) -> str:
        """The text in column ``index`` ("" for no column or a short row)."""
        return self[index] if index is not None and index < len(self) else ""


@dataclass
class Table:
    """What a file holds: column names and the non-blank rows under them."""

    headers: list[str]
    rows: list[Row]
    header_line: int = 1


@dataclass
class Rejection:
    """A line an import refuses, with the French reason(s)."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"ligne {self.line} : {self.reason}"


class CellError(Exception):
    """One reason a cell is refused: collected by :class:`Reasons` into the line's rejection."""


class Reasons(list):
    """The French reasons a line is refused, collected cell by cell."""

    def __init__(self, *also: type[Exception]):
        super().__init__()
        self.caught = (CellError, *also)

    def parsed(self, parser, *args):
        """``parser(*args)``, or None after noting why it refused the cell."""
        try:
            return parser(*args)
        except self.caught as error:
            self.append(str(error))
            return None


def named(index: dict[str, int], raw: str, label: str) -> int | None:
    """The id ``raw`` names in a :func:`by_name` index; None for a blank cell.

    :raises CellError: « territoire « Tarentaize » inconnu ».
    """
    if not raw.strip():
        return None
    found = index.get(normalise_cell(raw))
    if found is None:
        raise CellError(f"{label} « {shown_cell(raw)} » inconnu")
    return found


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


def by_name(items) -> dict[str, int]:
    """(name, code, id) triples → normalised name → id, then code → id if still free."""
    items = list(items)
    index: dict[str, int] = {}
    for name, _code, ident in items:
        index.setdefault(normalise_cell(name), ident)
    for _name, code, ident in items:
        index.setdefault(normalise_cell(code), ident)
    return index


def shown_cell(raw: str, limit: int = 60) -> str:
    """A cell value quoted in a message: one printable line, shortened."""
    text = " ".join("".join(ch for ch in raw if ch.isprintable() or ch.isspace()).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def thousands(number: int) -> str:
    """12345 → "12 345" (narrow no-break space), as French writes it."""
    return formatting.number(number)


# --- Reading files -------------------------------------------------------------------


def read_table(filename: str, content: bytes, *, rows_are: str = "aucune contribution") -> Table:
    """Read the headers and rows of a CSV or XLSX file (first sheet).

    Work is bounded by what the file really holds (bytes, rows, cells), never by
    the size a workbook declares. ``rows_are`` names what a file with headers only
    lacks ("aucune mesure"…).

    :raises ImportFileError: unknown or mismatched format, empty file, no rows,
        more than ``MAX_ROWS`` rows or ``MAX_CELLS`` cells, oversized or zip-bomb
        workbook.
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
                f"Le fichier contient plus de {thousands(MAX_ROWS)} lignes : "
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


def _headers(cells: list[str]) -> list[str]:
    if any(len(cell) > MAX_HEADER_LENGTH for cell in cells):
        raise ImportFileError(
            "La première ligne doit donner le nom des colonnes (texte, type, auteur…) ; "
            "elle semble contenir une contribution. Ajoutez une ligne de titres."
        )
    return [clean_line(cell) or f"Colonne {index}" for index, cell in enumerate(cells, 1)]


def _trimmed(cells: list[str], line: int) -> list[str]:
    """The cells without the blank ones at the end; nothing is dropped silently.

    :raises ImportFileError: text beyond column ``MAX_COLUMNS``.
    """
    if any(cell.strip() for cell in cells[MAX_COLUMNS:]):
        raise _too_wide(line)
    cells = cells[:MAX_COLUMNS]
    while cells and not cells[-1].strip():
        cells.pop()
    return cells


def _too_wide(line: int) -> ImportFileError:
    return ImportFileError(
        f"La ligne {line} a du texte au-delà de la colonne {MAX_COLUMNS} : "
        "supprimez ces colonnes dans le tableur, puis déposez le fichier à nouveau."
    )


def _too_many_cells() -> ImportFileError:
    return ImportFileError(
        f"Le fichier contient plus de {thousands(MAX_CELLS)} cellules : "
        "découpez-le en plusieurs fichiers."
    )


# --- CSV -----------------------------------------------------------------------------


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
    line, seen = 0, 0
    try:
        for line, cells in enumerate(reader, 1):
            seen += len(cells)
            if seen > MAX_CELLS:
                raise _too_many_cells()
            yield line, _trimmed(cells, line)
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


# --- XLSX ----------------------------------------------------------------------------


def _xlsx_lines(content: bytes) -> Iterator[tuple[int, list[str]]]:
    _check_zip(content)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            rows = _sheet_rows(workbook)
    except ImportFileError:
        raise
    except Exception as error:  # openpyxl raises anything on a damaged workbook
        raise ImportFileError(
            "Ce classeur .xlsx est illisible : "
            "ouvrez-le dans le tableur et enregistrez-le à nouveau."
        ) from error
    return iter(rows)


def _sheet_rows(workbook) -> list[tuple[int, list[str]]]:
    """Read the rows the first sheet really holds, stopping at too many of them.

    openpyxl's ``iter_rows`` trusts the declared ``<dimension>`` and yields an
    empty row for every missing line up to the next one: a 5 KB file declaring
    ``A1:B2000000000`` with one far row then costs minutes. Its own row parser
    yields only the ``<row>`` elements present, with their real numbers.
    """
    try:
        sheet = workbook.worksheets[0]
        rows, seen = [], 0
        for line, cells in _parsed_rows(workbook, sheet):
            seen += len(cells)
            if seen > MAX_CELLS:
                raise _too_many_cells()
            values = _trimmed(_row_values(cells, line), line)
            if values:
                rows.append((line, values))
            if len(rows) > MAX_ROWS + 1:  # the headers, then one row too many
                break
        return rows
    finally:
        workbook.close()


def _parsed_rows(workbook, sheet) -> Iterator[tuple[int, list[dict]]]:
    with sheet._get_source() as source:
        parser = WorkSheetParser(
            source,
            sheet._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        yield from parser.parse()


def _row_values(cells: list[dict], line: int) -> list[str]:
    """The texts of the row's first ``MAX_COLUMNS`` columns, gaps filled with "".

    A cell further right is only looked at, never placed: a row whose one cell
    sits in column XFD costs one cell, not 16,384.
    """
    values = [""] * min(MAX_COLUMNS, max((cell["column"] for cell in cells), default=0))
    for cell in cells:
        text = _cell_text(cell["value"])
        if cell["column"] <= MAX_COLUMNS:
            values[cell["column"] - 1] = text
        elif text.strip():
            raise _too_wide(line)
    return values


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
