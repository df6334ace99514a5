"""Importing contributions from a spreadsheet: read, map, preview, all or nothing."""

import io
import zipfile
from datetime import UTC, date, datetime

import openpyxl
import pytest

from consult.contributions import importing, services
from consult.contributions.importing import (
    ImportFileError,
    ImportRejected,
    check_mapping,
    guess_mapping,
    load_upload,
    preview,
    read_table,
    run_import,
    safe_filename,
    store_upload,
)
from consult.contributions.models import Contribution, ContributionImport
from consult.core import spreadsheets

NOW = datetime(2025, 3, 14, 10, 0, tzinfo=UTC)
HEADERS = "texte;type;auteur;pseudonyme;publics;territoire;groupe;date"


def csv_bytes(*lines: str, encoding: str = "utf-8") -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def full_mapping() -> dict[str, int]:
    return {name: index for index, name in enumerate(HEADERS.split(";"))}


@pytest.fixture
def facilitator(make_user):
    return make_user(role="facilitator")


@pytest.fixture
def places(make_territory, make_public):
    """Two territories and two publics the files below refer to by name."""
    return {
        "maurienne": make_territory(name="Maurienne"),
        "bauges": make_territory(name="Cœur des Bauges"),
        "agees": make_public(label="Personnes âgées"),
        "enfance": make_public(label="Enfance et famille"),
    }


# --- Reading files -------------------------------------------------------------------


def test_semicolon_csv_in_windows_1252_keeps_accents_and_line_numbers():
    content = csv_bytes(
        "Texte;Type;Auteur",
        "Créer un relais d'aidants à Modane;Proposition;Usagère",
        ";;",
        'Les "bus" ne passent plus, hélas;Constat;Élu',
        encoding="cp1252",
    )
    table = read_table("saisie.CSV", content)
    assert table.headers == ["Texte", "Type", "Auteur"]
    assert table.rows == [
        ["Créer un relais d'aidants à Modane", "Proposition", "Usagère"],
        ['Les "bus" ne passent plus, hélas', "Constat", "Élu"],
    ]
    assert [row.line for row in table.rows] == [2, 4]


def test_comma_csv_with_bom_and_quoted_multiline_cell():
    content = '\ufeffTexte,Type\r\n"Ligne un,\r\nligne deux",question\r\nAutre texte,constat\r\n'
    table = read_table("export.csv", content.encode("utf-8"))
    assert table.headers == ["Texte", "Type"]
    assert table.rows == [["Ligne un,\r\nligne deux", "question"], ["Autre texte", "constat"]]
    assert [row.line for row in table.rows] == [2, 3]


def test_tab_separated_utf16_csv_from_excel_unicode_text():
    content = "Texte\tType\nDes places en crèche\tproposition\n".encode("utf-16")
    table = read_table("unicode.csv", content)
    assert table.rows == [["Des places en crèche", "proposition"]]


def test_excel_sep_hint_line_sets_the_delimiter():
    table = read_table("hint.csv", csv_bytes("sep=,", "Texte,Type", "Un avis; deux idées,constat"))
    assert table.headers == ["Texte", "Type"]
    assert table.rows == [["Un avis; deux idées", "constat"]]


def test_xlsx_date_cell_becomes_iso_text_and_the_date_of_the_draft(db, make_meeting):
    content = xlsx_bytes(
        [
            ["Contribution", "Date", "Nombre"],
            ["Un guichet unique à Chambéry", datetime(2025, 2, 3), 12.0],
            [None, None, None],
            ["Des permanences le samedi", "04/02/2025", 3],
        ]
    )
    table = read_table("atelier.xlsx", content)
    assert table.rows == [
        ["Un guichet unique à Chambéry", "2025-02-03", "12"],
        ["Des permanences le samedi", "04/02/2025", "3"],
    ]
    assert [row.line for row in table.rows] == [2, 4]
    result = preview(make_meeting(), table, guess_mapping(table.headers), now=NOW)
    assert [row.written_on for row in result.valid] == [date(2025, 2, 3), date(2025, 2, 4)]
    assert result.rejected == []


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("contributions.pdf", b"%PDF-1.4 texte", "Format non pris en charge"),
        ("contributions", b"texte\nbonjour\n", "Format non pris en charge"),
        ("ancien.xls", b"\xd0\xcf\x11\xe0 vieux format", "enregistrez le fichier au format .xlsx"),
        ("faux.xlsx", b"texte;type\nbonjour;constat\n", "pas un classeur .xlsx valide"),
        ("binaire.csv", bytes(range(256)) * 8, "ne ressemble pas à un fichier CSV"),
        ("classeur.csv", b"PK\x03\x04" + b"\x00" * 40, "sans doute un classeur Excel"),
        ("vide.csv", b"", "Le fichier est vide"),
        ("blanc.csv", b" \r\n\r\n  \n", "Le fichier est vide"),
        ("blanc2.csv", b";;\r\n;;\r\n", "Le fichier est vide"),
        ("titres.csv", b"texte;type\r\n;\r\n", "seulement la ligne des titres"),
        ("sans-titres.csv", ("x" * 300 + ";constat\n").encode() * 2, "nom des colonnes"),
    ],
)
def test_unusable_files_are_refused_with_a_french_message(filename, content, message):
    with pytest.raises(ImportFileError, match=message):
        read_table(filename, content)


def test_header_only_and_empty_workbooks_are_refused():
    with pytest.raises(ImportFileError, match="seulement la ligne des titres"):
        read_table("titres.xlsx", xlsx_bytes([["Texte", "Type"]]))
    with pytest.raises(ImportFileError, match="Le fichier est vide"):
        read_table("vide.xlsx", xlsx_bytes([]))


def test_damaged_zip_named_xlsx_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("bonjour.txt", "pas un classeur")
    with pytest.raises(ImportFileError, match="illisible"):
        read_table("zip.xlsx", buffer.getvalue())


def _zip_of_zeros(size: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * size)
    return buffer.getvalue()


def test_zip_bomb_is_refused_before_openpyxl_opens_it(monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("openpyxl must not open a zip bomb")

    monkeypatch.setattr(spreadsheets.openpyxl, "load_workbook", never)
    huge = _zip_of_zeros(60 * 1024 * 1024)
    assert len(huge) < spreadsheets.MAX_FILE_BYTES
    with pytest.raises(ImportFileError, match="anormalement volumineux"):
        read_table("bombe.xlsx", huge)
    dense = _zip_of_zeros(5 * 1024 * 1024)  # under 50 MB, but compressed a thousandfold
    with pytest.raises(ImportFileError, match="anormalement volumineux"):
        read_table("dense.xlsx", dense)


def test_too_many_rows_are_refused(monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_ROWS", 3)
    four = ["Texte", "un avis", "deux avis", "trois avis", "quatre avis"]
    with pytest.raises(ImportFileError, match="plus de 3 lignes"):
        read_table("long.csv", csv_bytes(*four))
    with pytest.raises(ImportFileError, match="plus de 3 lignes"):
        read_table("long.xlsx", xlsx_bytes([[cell] for cell in four]))
    assert len(read_table("juste.csv", csv_bytes(*four[:4])).rows) == 3


def test_too_heavy_file_is_refused(monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_FILE_BYTES", 100)
    with pytest.raises(ImportFileError, match="trop lourd"):
        read_table("lourd.csv", csv_bytes("Texte", "x" * 200))


def test_long_cells_are_read_and_left_to_the_row_check():
    table = read_table("long.csv", csv_bytes("Texte", "y" * 6000))
    assert len(table.rows[0][0]) == 6000


# --- Mapping -------------------------------------------------------------------------


def test_mapping_is_guessed_from_french_headers_and_synonyms():
    headers = ["Prénom", "Nature", "Verbatim", "Profil", "Public(s)", "Bassin", "Atelier", "Date"]
    assert guess_mapping(headers) == {
        "pseudonyme": 0,
        "type": 1,
        "texte": 2,
        "auteur": 3,
        "publics": 4,
        "territoire": 5,
        "groupe": 6,
        "date": 7,
    }


def test_mapping_guesses_longer_headers_and_gives_each_column_one_field():
    headers = ["N°", "Type de contribution", "Texte de la contribution", "Qui ?", "Ce qui marche"]
    assert guess_mapping(headers) == {"type": 1, "texte": 2, "auteur": 3}
    assert guess_mapping(["Avis", "Contribution"]) == {"texte": 0}
    assert guess_mapping(["Colonne 1", "Montant"]) == {}


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"type": 0}, "le texte des contributions"),
        ({"texte": None, "type": 0}, "le texte des contributions"),
        ({"texte": 5}, "« texte » n'existe pas"),
        ({"texte": -1}, "« texte » n'existe pas"),
        ({"texte": 0, "type": "x"}, "« type » n'existe pas"),
        ({"texte": 0, "auteur": 0}, "« Texte » est choisie pour deux champs"),
        ({"texte": 0, "humeur": 1}, "Champ inconnu"),
    ],
)
def test_bad_mappings_are_refused(mapping, message):
    with pytest.raises(ImportFileError, match=message):
        check_mapping(mapping, ["Texte", "Type"])


def test_mapping_from_a_form_is_cleaned():
    assert check_mapping({"texte": "1", "type": "", "auteur": None}, ["A", "B"]) == {"texte": 1}


# --- Preview and import --------------------------------------------------------------

MIXED = csv_bytes(
    HEADERS,
    "Un relais d'aidants en Maurienne;proposition;usager;Jo;;Maurienne;;",
    ";constat;usager;;;;;",
    "Des horaires adaptés;avis;usager;;;;;",
    "ok;constat;usager;;;;;",
    "Plus de transport à la demande;constat;robot;;;Lyon;;",
    "Un guichet unique;question;;;Personnes âgées, Martiens;;;",
    "Des places en crèche;;;;;;;31/02/2025",
    "Des aides au répit;;;;;;;01/01/2099",
    "Trop long;;;" + "p" * 81 + ";;;;",
)


def test_preview_names_every_bad_line_and_its_reason(db, make_meeting, places):
    result = preview(make_meeting(), read_table("mixte.csv", MIXED), full_mapping(), now=NOW)
    assert [row.line for row in result.valid] == [2]
    messages = [str(rejection) for rejection in result.rejected]
    assert messages == [
        "ligne 3 : texte vide",
        "ligne 4 : type « avis » inconnu : constat, proposition, question ou témoignage",
        "ligne 5 : Votre contribution est trop courte : écrivez au moins 3 caractères.",
        "ligne 6 : auteur « robot » inconnu : usager·e, proche ou aidant·e, professionnel·le, "
        "partenaire, élu·e ou agent du Département ; territoire « Lyon » inconnu",
        "ligne 7 : public « Martiens » inconnu",
        "ligne 8 : date « 31/02/2025 » non reconnue : jj/mm/aaaa ou aaaa-mm-jj attendu",
        "ligne 9 : date « 01/01/2099 » dans le futur",
        "ligne 10 : pseudonyme trop long (81 caractères, 80 au maximum)",
    ]
    assert result.ok is False


def test_text_over_the_limit_is_rejected_with_the_services_message(db, make_meeting):
    table = read_table("long.csv", csv_bytes("Texte", "y" * 5001, "Assez court"))
    result = preview(make_meeting(), table, {"texte": 0}, now=NOW)
    assert [rejection.line for rejection in result.rejected] == [2]
    assert "trop longue (5001 caractères)" in result.rejected[0].reason
    assert [row.line for row in result.valid] == [3]


def test_import_with_a_bad_line_creates_nothing(db, make_meeting, facilitator, count, places):
    meeting = make_meeting()
    before = count(Contribution)
    with pytest.raises(ImportRejected, match="8 lignes sont refusées") as caught:
        run_import(
            meeting,
            read_table("mixte.csv", MIXED),
            full_mapping(),
            actor=facilitator,
            now=NOW,
        )
    assert len(caught.value.preview.rejected) == 8
    assert count(Contribution) == before == 0


GOOD = csv_bytes(
    HEADERS,
    'Un relais d\'aidants;Témoignage;Usager·e;Jo;"personnes AGEES ; Enfance et famille";'
    "maurienne;Atelier 2;03/03/2025",
    "Des bus le dimanche;PROPOSITION;professionnel;;;coeur des bauges;Table ronde;2025-03-02",
    "Un guichet unique;question;Élu;;;;;",
    "Des aidants épuisés;constats;proche;;;;;",
    encoding="cp1252",
)


def test_good_file_is_imported_for_the_facilitator(db, make_meeting, facilitator, places, count):
    meeting = make_meeting(territory=places["bauges"])
    result = run_import(
        meeting, read_table("bon.csv", GOOD), full_mapping(), actor=facilitator, now=NOW
    )
    assert (result.created, result.skipped) == (4, 0)
    assert count(Contribution, Contribution.meeting_id == meeting.id) == 4
    first, second, third, fourth = result.contributions
    assert {c.channel for c in result.contributions} == {"import"}
    assert {c.recorded_by_id for c in result.contributions} == {facilitator.id}
    assert {c.author_id for c in result.contributions} == {None}
    assert (first.kind, first.author_type, first.pseudonym) == ("temoignage", "usager", "Jo")
    assert (second.kind, second.author_type) == ("proposition", "professionnel")
    assert (third.kind, third.author_type) == ("question", "elu")
    assert (fourth.kind, fourth.author_type) == ("constat", "proche_aidant")
    assert [first.on_behalf_of, second.on_behalf_of, third.on_behalf_of] == [
        "Atelier 2",
        "Table ronde",
        "",
    ]
    assert sorted(p.id for p in first.publics) == sorted([places["agees"].id, places["enfance"].id])
    assert first.territory_id == places["maurienne"].id
    assert second.territory_id == places["bauges"].id
    assert third.territory_id == places["bauges"].id  # the meeting's territory by default
    assert first.created_at == datetime(2025, 3, 3, 12, tzinfo=UTC)
    assert third.created_at == NOW
    assert third.status == "pending"


def test_same_import_id_twice_creates_nothing_the_second_time(
    db, make_meeting, facilitator, places, count
):
    meeting = make_meeting()
    table = read_table("bon.csv", GOOD)
    first = run_import(meeting, table, full_mapping(), actor=facilitator, now=NOW, import_id=7)
    again = run_import(meeting, table, full_mapping(), actor=facilitator, now=NOW, import_id=7)
    assert (first.created, first.skipped) == (4, 0)
    assert (again.created, again.skipped) == (0, 4)
    assert count(Contribution) == 4
    assert first.contributions[1].idempotency_key == "import:7:3"
    assert [c.id for c in again.contributions] == [c.id for c in first.contributions]


def test_an_import_asks_once_for_the_suggestions_of_all_its_rows(
    db, make_meeting, facilitator, places, jobs
):
    """Imported rows are pending suggestions; tagging, told of the import by contributions
    (no upward import from capture), asks one sweep for all of them: no job per row."""
    meeting = make_meeting()
    report = run_import(
        meeting, read_table("bon.csv", GOOD), full_mapping(), actor=facilitator, now=NOW
    )
    db.session.commit()
    assert jobs.sweeps == ["suggestions"]
    assert jobs.calls == []
    jobs.run_all()
    db.session.expire_all()
    assert all(c.suggested_at is not None for c in report.contributions)


def test_long_import_ids_still_fit_the_key_column():
    key = importing.idempotency_key("x" * 100, 10_000)
    assert len(key) == importing.KEY_LENGTH == 64
    assert key.startswith("import:")
    assert key != importing.idempotency_key("x" * 100, 10_001)


@pytest.mark.parametrize("status", ["draft", "closed", "archived"])
def test_meeting_not_open_is_refused(db, make_meeting, facilitator, count, status):
    meeting = make_meeting(status=status)
    table = read_table("a.csv", csv_bytes("Texte", "Des bus le dimanche"))
    with pytest.raises(ImportRejected, match="n'accepte pas de contributions"):
        run_import(meeting, table, {"texte": 0}, actor=facilitator, now=NOW)
    assert count(Contribution) == 0


@pytest.mark.parametrize("role", ["participant", "partner", "member"])
def test_only_facilitators_and_admins_import(db, make_meeting, make_user, count, role):
    table = read_table("a.csv", csv_bytes("Texte", "Des bus le dimanche"))
    with pytest.raises(ImportRejected, match="Seuls les animateurs"):
        run_import(make_meeting(), table, {"texte": 0}, actor=make_user(role=role), now=NOW)
    assert count(Contribution) == 0


def test_failure_part_way_rolls_every_row_back(db, make_meeting, facilitator, count, monkeypatch):
    real = services.submit_contribution
    calls = []

    def fail_on_third(meeting, draft, **kwargs):
        calls.append(draft.body)
        if len(calls) == 3:
            raise services.ContributionError("Le territoire choisi n'existe pas.")
        return real(meeting, draft, **kwargs)

    monkeypatch.setattr(services, "submit_contribution", fail_on_third)
    table = read_table("a.csv", csv_bytes("Texte", "Premier avis", "Deuxième avis", "Troisième"))
    with pytest.raises(ImportRejected, match="ligne 4 : Le territoire choisi n'existe pas"):
        run_import(make_meeting(), table, {"texte": 0}, actor=facilitator, now=NOW)
    assert len(calls) == 3
    assert count(Contribution) == 0


def test_duplicates_are_kept_and_flagged(db, make_meeting, facilitator):
    table = read_table(
        "doublons.csv",
        csv_bytes("Texte", "Plus de bus", "Autre chose", "  plus de  BUS ", "Plus de bus"),
    )
    result = preview(make_meeting(), table, {"texte": 0}, now=NOW)
    assert [row.line for row in result.valid] == [2, 3, 4, 5]
    assert result.duplicates == [(4, 2), (5, 2)]
    assert result.ok is True


def test_hostile_text_is_stored_as_plain_text(db, make_meeting, facilitator):
    content = csv_bytes(
        "Texte;Pseudonyme;Groupe",
        '<script>alert("x")</script>Plus de <b>bus</b>;<i>Jo</i>;<img src=x onerror=alert(1)>A2',
        '"=HYPERLINK(""http://pirate.example"";""clic"")";;',
        "Des\x07 aides\u202e au répit\x1b;Ana\u202e;",
    )
    result = run_import(
        make_meeting(),
        read_table("hostile.csv", content),
        {"texte": 0, "pseudonyme": 1, "groupe": 2},
        actor=facilitator,
        now=NOW,
    )
    bodies = [c.body for c in result.contributions]
    assert bodies == [
        'alert("x")Plus de bus',
        '=HYPERLINK("http://pirate.example";"clic")',
        "Des aides au répit",
    ]
    first, _, third = result.contributions
    assert (first.pseudonym, first.on_behalf_of) == ("Jo", "A2")
    assert third.pseudonym == "Ana"
    assert not any("<" in body or "\u202e" in body for body in bodies)


def test_markup_only_text_is_rejected_as_empty(db, make_meeting):
    table = read_table("balises.csv", csv_bytes("Texte", "<b></b>", "Un vrai texte"))
    result = preview(make_meeting(), table, {"texte": 0}, now=NOW)
    assert [str(rejection) for rejection in result.rejected] == ["ligne 2 : texte vide"]


@pytest.mark.parametrize(
    "content",
    [b"\xff\xfe\x00\x00garbage", "texte\n\u0000\u0000\u0000".encode()],
)
def test_broken_text_encodings_raise_the_modules_error(content):
    with pytest.raises(ImportFileError, match="ne ressemble pas à un fichier CSV"):
        read_table("bizarre.csv", content)


def test_odd_but_readable_csv_is_checked_row_by_row(db, make_meeting):
    unclosed = read_table("a.csv", b'texte\n"jamais ferm\xe9\n')
    assert [(row.line, list(row)) for row in unclosed.rows] == [(2, ["jamais fermé\n"])]
    wide = read_table("b.csv", b"texte;type\n" + b"a;" * 200 + b";" * 5000 + b"\n")
    assert len(wide.rows[0]) == spreadsheets.MAX_COLUMNS
    with pytest.raises(ImportFileError, match="ligne 2 a du texte au-delà de la colonne 200"):
        read_table("b.csv", b"texte;type\n" + b"a;" * 201 + b"\n")
    invisible = read_table("c.csv", "\ufeff\n\n\ntexte\n\u202e\n".encode())
    assert [row.line for row in invisible.rows] == [5]
    result = preview(make_meeting(), invisible, {"texte": 0}, now=NOW)
    assert [str(rejection) for rejection in result.rejected] == ["ligne 5 : texte vide"]


# --- Stored uploads ------------------------------------------------------------------


def test_upload_is_stored_loaded_and_imported_once(db, make_meeting, facilitator, places, count):
    meeting = make_meeting()
    upload = store_upload(meeting, "../../Saisie été 2025.csv", GOOD, facilitator)
    assert upload.filename == "Saisie_ete_2025.csv"
    assert (upload.status, upload.row_count, upload.created_by_id) == (
        "uploaded",
        4,
        facilitator.id,
    )
    assert upload.mapping == full_mapping()
    assert load_upload(str(upload.id), meeting) is upload
    assert load_upload(upload.id, make_meeting()) is None
    assert load_upload("abc", meeting) is None
    assert load_upload(2**40, meeting) is None

    table = importing.upload_table(upload)
    result = run_import(meeting, table, {"texte": 0}, actor=facilitator, now=NOW, upload=upload)
    assert result.created == 4
    assert (upload.status, upload.imported_count, upload.mapping) == ("imported", 4, {"texte": 0})
    assert result.contributions[0].idempotency_key == f"import:{upload.id}:2"
    with pytest.raises(ImportRejected, match="Ce fichier a déjà été importé."):
        run_import(meeting, table, {"texte": 0}, actor=facilitator, now=NOW, upload=upload)
    assert count(Contribution) == 4


def test_upload_of_another_meeting_is_refused(db, make_meeting, facilitator, count):
    upload = store_upload(make_meeting(), "a.csv", csv_bytes("Texte", "Un avis"), facilitator)
    table = importing.upload_table(upload)
    with pytest.raises(ImportRejected, match="une autre rencontre"):
        run_import(make_meeting(), table, {"texte": 0}, actor=facilitator, now=NOW, upload=upload)
    assert count(Contribution) == 0


def test_unreadable_upload_is_not_stored(db, make_meeting, facilitator, count):
    with pytest.raises(ImportFileError):
        store_upload(make_meeting(), "a.xlsx", b"pas un zip", facilitator)
    assert count(ContributionImport) == 0


def test_safe_filename_keeps_the_extension_within_255_characters():
    assert safe_filename("....csv") == "import.csv"
    long_name = safe_filename("é" * 10 + "a" * 400 + ".xlsx")
    assert len(long_name) == 255
    assert long_name.endswith("a.xlsx")


# --- Importing the same file again (issue 16 #2) --------------------------------------

AGAIN = "texte;auteur;date\nPlus de bus le dimanche;usager;02/03/2025\nUn guichet unique;élu;\n"


def upload_and_confirm(client, meeting, content: bytes, filename="papiers.csv", **confirm):
    response = client.post(
        f"/rencontres/{meeting.id}/import",
        data={"file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    preview_page = client.get(response.headers["Location"])
    confirmed = client.post(response.headers["Location"] + "/confirmer", data=confirm)
    confirmed.preview_url = response.headers["Location"]
    return preview_page.get_data(as_text=True), confirmed


def test_the_same_file_again_is_recognised_by_the_dry_run_and_skipped(
    client, login, make_meeting, facilitator, count
):
    meeting = make_meeting(status="open")
    login(facilitator)
    _, first = upload_and_confirm(client, meeting, AGAIN.encode())
    assert count(Contribution, Contribution.meeting_id == meeting.id) == 2
    imported_page = client.get(first.preview_url).get_data(as_text=True)
    assert "Le fichier d'origine n'est pas conservé" in imported_page  # issue 12 #3
    page, confirmed = upload_and_confirm(client, meeting, AGAIN.encode(), "encore.csv")
    assert "2</span> lignes déjà dans la rencontre" in page
    assert "Ligne 2 : importée depuis ce même fichier" in page
    assert "Importer les 0 nouvelles contributions" in page
    assert confirmed.status_code == 303
    assert count(Contribution, Contribution.meeting_id == meeting.id) == 2
    flashed = client.get(confirmed.headers["Location"]).get_data(as_text=True)
    assert "2 lignes déjà dans la rencontre : laissées de côté" in flashed


def test_a_corrected_file_adds_only_its_new_rows(db, make_meeting, facilitator, count):
    meeting = make_meeting()
    first = read_table("a.csv", AGAIN.encode())
    run_import(meeting, first, guess_mapping(first.headers), actor=facilitator, now=NOW)
    corrected = read_table(
        "b.csv",
        (
            "auteur;texte;date\n"
            "usager;Plus  de bus le DIMANCHE;2025-03-02\n"  # same text, author and date
            "élu;Un guichet unique;01/03/2025\n"  # dated now: the first import had no date
            "usager;Un guichet unique;\n"  # another author type
            "usager;Plus de bus le dimanche;05/03/2025\n"  # another date
            "proche;Des aidants épuisés;\n"
        ).encode(),
    )
    mapping = guess_mapping(corrected.headers)
    dry_run = preview(meeting, corrected, mapping, now=NOW)
    assert [(item.line, item.same_file) for item in dry_run.existing] == [(2, False)]
    result = run_import(meeting, corrected, mapping, actor=facilitator, now=NOW)
    assert (result.created, result.already, result.skipped) == (4, 1, 1)
    assert count(Contribution, Contribution.meeting_id == meeting.id) == 6


def test_rows_already_there_are_imported_when_asked(
    client, login, make_meeting, facilitator, count
):
    meeting = make_meeting(status="open")
    login(facilitator)
    upload_and_confirm(client, meeting, AGAIN.encode())
    upload_and_confirm(client, meeting, AGAIN.encode(), include_existing="y")
    assert count(Contribution, Contribution.meeting_id == meeting.id) == 4


def test_merge_all_identical_merges_each_group_once(
    client, login, make_meeting, facilitator, count, db
):
    meeting = make_meeting(status="open")
    login(facilitator)
    for _ in range(3):
        upload_and_confirm(client, meeting, AGAIN.encode(), include_existing="y")
    page = client.get(f"/rencontres/{meeting.id}/import").get_data(as_text=True)
    assert "Fusionner tous les identiques (4)" in page
    url = f"/rencontres/{meeting.id}/fusionner-identiques"
    merged = client.post(url, follow_redirects=True).get_data(as_text=True)
    assert "4 contributions identiques fusionnées (2 textes)" in merged
    contributions = db.session.scalars(
        db.select(Contribution).filter_by(meeting_id=meeting.id).order_by(Contribution.id)
    ).all()
    kept = [c for c in contributions if c.merged_into_id is None]
    assert [c.body for c in kept] == ["Plus de bus le dimanche", "Un guichet unique"]
    assert {c.merged_into_id for c in contributions if c not in kept} == {c.id for c in kept}
    again = client.post(url, follow_redirects=True).get_data(as_text=True)
    assert "Aucune contribution identique à fusionner" in again
    assert "Fusionner tous les identiques" not in again
