"""Issue 12 #15: a tiny XLSX declaring a huge range is read by its real rows only."""

import io
import re
import zipfile

import openpyxl
import pytest
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from consult.contributions.models import ContributionImport
from consult.core import spreadsheets
from consult.core.spreadsheets import ImportFileError, read_table
from consult.followup import indicator_import

SHEET = "xl/worksheets/sheet1.xml"
FAR = 2_000_000  # gap-filling openpyxl needed over a minute to reach this row


def crafted_xlsx(rows: list[list[str]], far_row: int = FAR, far_text: str = "loin") -> bytes:
    """A workbook of ``rows``, declaring ``A1:B2000000000``, plus one cell at ``far_row``."""
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    saved = io.BytesIO()
    workbook.save(saved)
    source = zipfile.ZipFile(io.BytesIO(saved.getvalue()))
    patched = io.BytesIO()
    with zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in source.infolist():
            data = source.read(member.filename)
            if member.filename == SHEET:
                data = _patched_sheet(data.decode(), far_row, far_text).encode()
            archive.writestr(member, data)
    return patched.getvalue()


def _patched_sheet(xml: str, far_row: int, far_text: str) -> str:
    xml, declared = re.subn(r'<dimension ref="[^"]*"', '<dimension ref="A1:B2000000000"', xml)
    assert declared == 1
    far = f'<row r="{far_row}"><c r="A{far_row}" t="inlineStr"><is><t>{far_text}</t></is></c></row>'
    return xml.replace("</sheetData>", far + "</sheetData>")


def test_declared_range_is_ignored_and_only_real_rows_are_read():
    content = crafted_xlsx([["Texte", "Type"], ["Plus de bus le dimanche", "proposition"]])
    assert len(content) < 10_000
    table = read_table("grand.xlsx", content)
    assert table.headers == ["Texte", "Type"]
    assert [(row.line, list(row)) for row in table.rows] == [
        (2, ["Plus de bus le dimanche", "proposition"]),
        (FAR, ["loin"]),
    ]


def test_rows_are_never_padded_whatever_the_gaps(monkeypatch):
    """openpyxl's row iterator fills every gap with empty rows: it must not run that far."""
    padded = ReadOnlyWorksheet._cells_by_row

    def bounded(self, *args, **kwargs):
        for count, row in enumerate(padded(self, *args, **kwargs)):
            if count > 10:
                raise AssertionError("rows that the file does not hold were generated")
            yield row

    monkeypatch.setattr(ReadOnlyWorksheet, "_cells_by_row", bounded)
    table = read_table("grand.xlsx", crafted_xlsx([["Texte"], ["un avis"]], far_row=10**9))
    assert [(row.line, list(row)) for row in table.rows] == [(2, ["un avis"]), (10**9, ["loin"])]


def test_text_far_to_the_right_gets_a_clear_french_message():
    content = _move_far_cell(crafted_xlsx([["Texte"], ["un avis"]], far_row=3), "XFD3")
    with pytest.raises(ImportFileError, match="ligne 3 a du texte au-delà de la colonne 200"):
        read_table("large.xlsx", content)


def _move_far_cell(content: bytes, reference: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    patched = io.BytesIO()
    with zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in source.infolist():
            data = source.read(member.filename)
            if member.filename == SHEET:
                data = data.replace(b'<c r="A3"', f'<c r="{reference}"'.encode())
            archive.writestr(member, data)
    return patched.getvalue()


def test_too_many_cells_get_a_clear_french_message(monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_CELLS", 5)
    rows = [["Texte", "Type"], ["a", "b"], ["c", "d"]]
    with pytest.raises(ImportFileError, match="plus de 5 cellules"):
        read_table("dense.xlsx", crafted_xlsx(rows))
    with pytest.raises(ImportFileError, match="plus de 5 cellules"):
        read_table("dense.csv", b"Texte;Type\na;b\nc;d\n")


def test_indicator_import_uses_the_same_bounded_reader():
    rows = [["fiche", "indicateur", "annee", "valeur"], ["1", "1", "2025", "12"]]
    table = indicator_import.read("valeurs.xlsx", crafted_xlsx(rows, far_text="2"))
    assert [row.line for row in table.rows] == [2, FAR]


def test_contribution_upload_of_the_crafted_file_is_read_at_once(
    client, make_meeting, make_user, login, db
):
    meeting = make_meeting(status="open")
    login(make_user(role="facilitator"))
    content = crafted_xlsx([["Texte", "Type"], ["Plus de bus le dimanche", "proposition"]])
    response = client.post(
        f"/rencontres/{meeting.id}/import",
        data={"file": (io.BytesIO(content), "grand.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    upload = db.session.scalars(
        db.select(ContributionImport).filter_by(meeting_id=meeting.id)
    ).one()
    assert upload.row_count == 2
