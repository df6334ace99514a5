"""Importing contributions typed in a spreadsheet (CSV or XLSX) into an open meeting.

The flow: :func:`store_upload` keeps the file, :func:`guess_mapping` proposes which
column holds which field, :func:`preview` is a dry run naming every rejected line
with a French reason, and :func:`run_import` creates all the contributions or none.
Every row goes through :func:`consult.contributions.services.submit_contribution`,
so an imported contribution is cleaned and checked like one typed online.
"""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import PurePath
from typing import NamedTuple

import sqlalchemy as sa
from werkzeug.utils import secure_filename

from consult.contributions import services
from consult.contributions.models import AUTHOR_TYPES, KINDS, Contribution, ContributionImport
from consult.core.db import utcnow
from consult.core.errors import DomainError
from consult.core.sanitize import clean_line, clean_text
from consult.core.security import STAFF
from consult.core.spreadsheets import (
    CellError,
    ImportFileError,
    Reasons,
    Rejection,
    Row,
    Table,
    by_name,
    named,
    normalise_cell,
    read_table,
    shown_cell,
)
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
MAX_PSEUDONYM = 80
MAX_GROUP = 200
KEY_LENGTH = Contribution.__table__.c.idempotency_key.type.length

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


class ImportRejected(DomainError):
    """A French message explaining why nothing was imported; ``preview`` tells which lines."""

    def __init__(self, message: str, preview: "Preview | None" = None):
        super().__init__(message)
        self.preview = preview


@dataclass
class RowDraft:
    """A line the import will create, as the draft ``submit_contribution`` takes."""

    line: int
    draft: services.Draft
    written_on: date | None = None


class Duplicate(NamedTuple):
    """A line whose text repeats an earlier line (imported anyway, for moderators)."""

    line: int
    first_line: int


class Existing(NamedTuple):
    """A line already in the meeting: imported from the same file before, or the same
    text, author type (and date, when the line gives one) as a contribution there."""

    line: int
    contribution_id: int
    same_file: bool


@dataclass
class Preview:
    """The dry run: what would be created, what is refused and what looks repeated."""

    valid: list[RowDraft] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    existing: list[Existing] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.valid) and not self.rejected

    @property
    def new(self) -> list[RowDraft]:
        """The valid lines not already in the meeting."""
        known = {item.line for item in self.existing}
        return [row for row in self.valid if row.line not in known]


@dataclass
class ImportResult:
    """What an import did: ``created`` new rows, ``skipped`` rows an earlier run made
    (``already`` of them recognised in the meeting by file or by text)."""

    created: int = 0
    skipped: int = 0
    already: int = 0
    contributions: list[Contribution] = field(default_factory=list)


# --- Normalising labels --------------------------------------------------------------


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
    if isinstance(index, str) and re.fullmatch(r"[0-9]{1,6}", index.strip()):
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


def preview(
    meeting,
    table: Table,
    mapping: dict,
    *,
    now: datetime | None = None,
    upload: ContributionImport | None = None,
) -> Preview:
    """Check every row as the import would, without writing anything.

    Also lists the rows already in the meeting (see :func:`already_in_meeting`).

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
    result.existing = already_in_meeting(meeting, result.valid, upload)
    return result


# --- Rows already in the meeting -----------------------------------------------------


def file_checksum(content: bytes) -> str:
    """The SHA-256 of an uploaded file, which recognises it when it comes again."""
    return hashlib.sha256(content).hexdigest()


def already_in_meeting(meeting, rows: list[RowDraft], upload=None) -> list[Existing]:
    """The rows the meeting already holds, each with the contribution it repeats.

    Same file: an earlier upload of the same bytes (checksum) was imported, and the
    row's line became a contribution. Else same text (normalised), same author type,
    and the same date when the row gives one.
    """
    from_file = _imported_lines(meeting, upload)
    by_text = _texts_in_meeting(meeting, upload)
    found = []
    for row in rows:
        if row.line in from_file:
            found.append(Existing(row.line, from_file[row.line], True))
            continue
        same = by_text.get((normalise_cell(row.draft.body), row.draft.author_type), [])
        match = next((i for day, i in same if row.written_on in (None, day)), None)
        if match is not None:
            found.append(Existing(row.line, match, False))
    return found


def _imported_lines(meeting, upload) -> dict[int, int]:
    """Line → contribution made from it by an earlier import of the same file."""
    if upload is None or not upload.checksum:
        return {}
    earlier = db.session.scalars(
        sa.select(ContributionImport.id).where(
            ContributionImport.meeting_id == meeting.id,
            ContributionImport.checksum == upload.checksum,
            ContributionImport.id != upload.id,
        )
    ).all()
    if not earlier:
        return {}
    prefixes = [Contribution.idempotency_key.startswith(f"import:{ident}:") for ident in earlier]
    made = db.session.execute(
        sa.select(Contribution.idempotency_key, Contribution.id).where(
            Contribution.meeting_id == meeting.id, sa.or_(*prefixes)
        )
    )
    return {int(key.rsplit(":", 1)[1]): ident for key, ident in made}


def identical_groups(meeting_id: int) -> list[list[Contribution]]:
    """The meeting's contributions that repeat one another word for word.

    Same text as written (normalised), same type, same author type; pending or
    published and not merged. Each group starts with the one to keep: the oldest
    published one, else the oldest.
    """
    contributions = db.session.scalars(
        sa.select(Contribution)
        .where(
            Contribution.meeting_id == meeting_id,
            Contribution.status.in_(("pending", "published")),
            Contribution.merged_into_id.is_(None),
        )
        .order_by(Contribution.id)
    )
    groups: dict[tuple[str, str, str], list[Contribution]] = {}
    for item in contributions:
        key = (normalise_cell(item.original_body or item.body), item.kind, item.author_type)
        groups.setdefault(key, []).append(item)
    return [
        sorted(group, key=lambda item: (item.status != "published", item.id))
        for group in groups.values()
        if len(group) > 1
    ]


def _texts_in_meeting(meeting, upload) -> dict[tuple[str, str], list[tuple[date, int]]]:
    """(normalised text as written, author type) → [(day, id)] of every contribution,
    except those ``upload`` itself made (its own preview, shown again after import)."""
    found: dict[tuple[str, str], list[tuple[date, int]]] = {}
    query = sa.select(
        Contribution.id,
        sa.func.coalesce(Contribution.original_body, Contribution.body),
        Contribution.author_type,
        Contribution.created_at,
    ).where(Contribution.meeting_id == meeting.id)
    if upload is not None and upload.id is not None:
        own = Contribution.idempotency_key.startswith(f"import:{upload.id}:")
        query = query.where(sa.or_(Contribution.idempotency_key.is_(None), ~own))
    rows = db.session.execute(query.order_by(Contribution.id))
    for ident, body, author_type, created_at in rows:
        key = (normalise_cell(body), author_type)
        found.setdefault(key, []).append((created_at.date(), ident))
    return found


def _parse_row(row: Row, mapping, references: _References, latest: date):
    def value(name: str) -> str:
        return row.cell(mapping.get(name))

    reasons = Reasons()
    parsed = reasons.parsed

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
        raise CellError("texte vide")
    try:
        return services.check_body(raw)
    except services.ContributionError as error:
        raise CellError(str(error)) from error


def _kind(raw: str) -> str:
    if not raw.strip():
        return "proposition"
    kind = _lookup(_KIND_INDEX, raw)
    if kind is None:
        raise CellError(
            f"type « {shown_cell(raw)} » inconnu : constat, proposition, question ou témoignage"
        )
    return kind


def _author(raw: str) -> str:
    if not raw.strip():
        return "usager"
    author = _lookup(_AUTHOR_INDEX, raw)
    if author is None:
        raise CellError(
            f"auteur « {shown_cell(raw)} » inconnu : usager·e, proche ou aidant·e, "
            "professionnel·le, partenaire, élu·e ou agent du Département"
        )
    return author


def _bounded(raw: str, label: str, limit: int) -> str:
    text = clean_line(raw)
    if len(text) > limit:
        raise CellError(f"{label} trop long ({len(text)} caractères, {limit} au maximum)")
    return text


def _publics(raw: str, references: _References) -> list[int]:
    names = [name for name in re.split(r"[;,]", raw) if name.strip()]
    unknown = [name for name in names if normalise_cell(name) not in references.publics]
    if unknown:
        listed = ", ".join(f"« {shown_cell(name)} »" for name in unknown)
        raise CellError(f"public{'s' if len(unknown) > 1 else ''} {listed} inconnu")
    return list(dict.fromkeys(references.publics[normalise_cell(name)] for name in names))


def _territory(raw: str, references: _References) -> int | None:
    return named(references.territories, raw, "territoire")


def _date(raw: str, latest: date) -> date | None:
    text = raw.strip()
    if not text:
        return None
    day = _parse_date(text)
    if day is None:
        raise CellError(
            f"date « {shown_cell(raw)} » non reconnue : jj/mm/aaaa ou aaaa-mm-jj attendu"
        )
    if day > latest:
        raise CellError(f"date « {shown_cell(raw)} » dans le futur")
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
    include_existing: bool = False,
) -> ImportResult:
    """Create every row's contribution, or none if any row or the meeting is refused.

    With ``import_id`` (or ``upload``, whose id is used), each row gets the
    idempotency key ``import:<id>:<line>``: confirming the same import twice
    creates nothing the second time. With ``upload``, it is marked imported.
    Rows already in the meeting (:func:`already_in_meeting`) are skipped unless
    ``include_existing``.

    :raises ImportRejected: rejected rows, closed meeting, actor not staff,
        upload already imported; nothing is written then.
    :raises ImportFileError: unusable mapping.
    """
    _check_allowed(meeting, actor, upload)
    result = preview(meeting, table, mapping, now=now, upload=upload)
    if result.rejected:
        raise ImportRejected(_rejected_message(len(result.rejected)), preview=result)
    if upload is not None and import_id is None:
        import_id = upload.id
    known = (
        {} if include_existing else {item.line: item.contribution_id for item in result.existing}
    )
    with db.session.begin_nested():
        outcome = _create_all(
            meeting, result.valid, known, actor=actor, now=now, import_id=import_id
        )
        if upload is not None:
            upload.mapping = check_mapping(mapping, table.headers)
            mark_imported(upload, outcome.created)
    services.contributions_imported.send(meeting)
    return outcome


def _check_allowed(meeting, actor, upload: ContributionImport | None) -> None:
    if actor is None or getattr(actor, "role", None) not in STAFF:
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


def _create_all(meeting, rows: list[RowDraft], known, *, actor, now, import_id) -> ImportResult:
    """Submit each row, except those ``known`` (line → the contribution already there)."""
    outcome = ImportResult()
    for row in rows:
        if row.line in known:
            outcome.contributions.append(db.session.get(Contribution, known[row.line]))
            outcome.skipped += 1
            outcome.already += 1
            continue
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
        checksum=file_checksum(content),
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
