"""Reading a Decidim open-data export (proposals, comments) into a consultation en ligne.

Decidim writes one CSV per resource, ``;`` separated, nested fields flattened
into columns joined with ``/`` (``title/fr``, ``author/name``, ``category/name/fr``
up to 0.27, ``taxonomies/name`` since 0.30) and lists joined with ``, ``. Every
row becomes a draft for :func:`consult.contributions.services.submit_contribution`,
as a spreadsheet import does: cleaned, checked, published or queued for moderation
as the meeting says. Authors' names are personal data: never stored, and masked
wherever the text repeats them.
"""

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa

from consult.analysis.personal_data import MASKS, mask_personal_data
from consult.contributions import importing
from consult.contributions import services as contributions
from consult.contributions.importing import Rejection, Row, Table, normalise_cell, shown_cell
from consult.contributions.models import Contribution
from consult.core.errors import DomainError
from consult.core.formatting import plural_ending
from consult.decidim.models import DecidimImport, DecidimRecord
from consult.extensions import db
from consult.schemes.models import Theme
from consult.tagging.models import ContributionTag, TagSuggestion

MEETING_KIND = "consultation_en_ligne"
LOCALE = "fr"
DATE_FORMATS = ("%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M:%S %Z", "%Y-%m-%dT%H:%M:%S%z")
_RUBY_TRANSLATION = re.compile(r'"([a-z]{2}(?:-[A-Z]{2})?)"\s*=>\s*"((?:[^"\\]|\\.)*)"')
_PROPOSAL_URL = re.compile(r"/proposals/(\d+)")
# Columns that hold people's names: never stored, masked wherever a text repeats them.
NAME_FIELDS = {
    ("author", "name"),
    ("user_group", "name"),
    ("endorsements", "user_endorsements"),
    ("likes", "user_endorsements"),
}
_WORDS = re.compile(r"\w+")
MAX_DEPTH = 50  # a comment answering a comment… Decidim itself nests far less


class DecidimError(DomainError):
    """A French message explaining why nothing was imported."""


@dataclass
class Export:
    """The two files of a Decidim export, read; comments are optional."""

    proposals: Table
    comments: Table | None
    checksum: str


@dataclass
class Item:
    """A row that will become a contribution."""

    kind: str
    line: int
    decidim_id: int
    body: str
    written_at: datetime | None = None
    votes: int = 0
    labels: list[str] = field(default_factory=list)
    proposal_id: int | None = None  # a comment's proposal (Decidim id)


@dataclass
class Plan:
    """The dry run: what was read, what will be created, what is refused."""

    proposals_read: int = 0
    comments_read: int = 0
    items: list[Item] = field(default_factory=list)
    rejected: list[tuple[str, Rejection]] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"decidim proposals {self.proposals_read} comments {self.comments_read} "
            f"refused {len(self.rejected)}"
        )

    def refused_lines(self) -> list[str]:
        return [f"{source} {rejection}" for source, rejection in self.rejected]


@dataclass
class ImportOutcome:
    """What a real import created."""

    proposals: int = 0
    comments: int = 0
    suggestions: int = 0


class _Invalid(Exception):
    """One reason a row is refused."""


# --- Reading -------------------------------------------------------------------------


def read_export(proposals: tuple[str, bytes], comments: tuple[str, bytes] | None) -> Export:
    """Read the proposals file and, if given, the comments file (``(name, content)``).

    :raises importing.ImportFileError: a file is unreadable, empty or too large.
    """
    digest = hashlib.sha256(proposals[1])
    proposals_table = importing.read_table(*proposals, rows_are="aucune proposition")
    comments_table = None
    if comments is not None:
        digest.update(b"\0" + comments[1])
        comments_table = importing.read_table(*comments, rows_are="aucun commentaire")
    return Export(proposals_table, comments_table, digest.hexdigest())


class Columns:
    """Cells of a Decidim row by flattened column name."""

    def __init__(self, headers: list[str]):
        self.index = {header.strip(): number for number, header in enumerate(headers)}

    def get(self, row: Row, name: str) -> str:
        number = self.index.get(name)
        return row[number].strip() if number is not None and number < len(row) else ""

    def translated(self, row: Row, base: str) -> str:
        """``base/fr``, else ``base`` itself, else the first other language filled in."""
        for name in (f"{base}/{LOCALE}", base):
            value = self.get(row, name)
            if value:
                return _ruby_translation(value) or value
        for name in self.index:
            if name.startswith(f"{base}/") and "machine_translations" not in name:
                value = self.get(row, name)
                if value:
                    return value
        return ""

    def labels(self, row: Row) -> list[str]:
        """Category, scope (old exports) and taxonomy names (current ones)."""
        found = [self.translated(row, "category/name"), self.translated(row, "scope/name")]
        for name in self.index:
            if name.startswith("taxonomies/name"):
                found.extend(_taxonomy_names(self.get(row, name)))
        return list(dict.fromkeys(label for label in found if label))


def _ruby_translation(value: str) -> str:
    """``{"fr"=>"Santé"}`` (a hash Decidim wrote as text): its French value."""
    pairs = dict(_RUBY_TRANSLATION.findall(value))
    return pairs.get(LOCALE) or next(iter(pairs.values()), "")


def _taxonomy_names(value: str) -> list[str]:
    if "=>" in value:
        pairs = _RUBY_TRANSLATION.findall(value)
        return [text for locale, text in pairs if locale == LOCALE] or [t for _, t in pairs]
    return [name.strip() for name in value.split(", ") if name.strip()]


# --- Checking rows -------------------------------------------------------------------


def plan_import(meeting, export: Export) -> Plan:
    """Check every row as the import would, writing nothing.

    :raises DecidimError: the meeting cannot take an import.
    """
    check_meeting(meeting)
    if _already_imported(meeting.id, export.checksum):
        raise DecidimError(
            "Ces fichiers ont déjà été importés dans cette rencontre : rien à faire."
        )
    known = _known_ids(meeting.id)
    names = Names(export)
    plan = Plan(proposals_read=len(export.proposals.rows))
    proposal_ids = _read_proposals(export.proposals, plan, known, names)
    if export.comments is not None:
        plan.comments_read = len(export.comments.rows)
        _read_comments(export.comments, plan, known, names, proposal_ids)
    return plan


def check_meeting(meeting) -> None:
    """Only an open consultation en ligne takes a Decidim export."""
    if meeting.kind != MEETING_KIND:
        raise DecidimError(
            f"La rencontre « {meeting.title} » est une « {meeting.kind_label.lower()} » : "
            "un export Decidim s'importe dans une consultation en ligne."
        )
    if meeting.status != "open":
        raise DecidimError(
            f"La rencontre « {meeting.title} » n'accepte pas de contributions (elle est "
            f"« {meeting.status_label.lower()} ») : rien n'a été importé."
        )


def _known_ids(meeting_id: int) -> dict[tuple[str, int], int]:
    """(kind, Decidim id) → contribution id, for what earlier imports brought in."""
    rows = db.session.execute(
        sa.select(
            DecidimRecord.kind, DecidimRecord.decidim_id, DecidimRecord.contribution_id
        ).where(DecidimRecord.meeting_id == meeting_id)
    )
    return {(kind, decidim_id): contribution_id for kind, decidim_id, contribution_id in rows}


def _read_proposals(table: Table, plan: Plan, known, names: "Names") -> set[int]:
    columns, seen = Columns(table.headers), set()
    _require(columns, ("id",), "propositions")
    if "commentable_type" in columns.index:
        raise importing.ImportFileError(
            "Le fichier des propositions est un fichier de commentaires : "
            "donnez-le avec --comments, et le fichier des propositions en premier."
        )
    for row in table.rows:
        try:
            item = _proposal(columns, row, seen, known, names)
        except _Invalid as error:
            plan.rejected.append(("proposals", Rejection(row.line, str(error))))
            continue
        seen.add(item.decidim_id)
        plan.items.append(item)
    return seen


def _require(columns: Columns, names: tuple[str, ...], what: str) -> None:
    missing = [name for name in names if name not in columns.index]
    if missing:
        raise importing.ImportFileError(
            f"Le fichier des {what} n'est pas un export Decidim : colonne "
            f"« {missing[0]} » absente (séparateur « ; » attendu)."
        )


def _proposal(columns: Columns, row: Row, seen: set[int], known, names: "Names") -> Item:
    decidim_id = _decidim_id(columns.get(row, "id"), "proposal", seen, known)
    if columns.get(row, "withdrawn").lower() == "true" or columns.get(row, "state") == "withdrawn":
        raise _Invalid("proposition retirée par son auteur·rice dans Decidim : non importée")
    title = columns.translated(row, "title")
    body = columns.translated(row, "body")
    text = "\n\n".join(part for part in (title, body) if part)
    return Item(
        kind="proposal",
        line=row.line,
        decidim_id=decidim_id,
        body=_checked_body(text, names),
        written_at=_moment(columns.get(row, "published_at") or columns.get(row, "created_at")),
        votes=_votes(columns.get(row, "votes") or columns.get(row, "supports")),
        labels=columns.labels(row),
    )


def _decidim_id(raw: str, kind: str, seen: set[int], known) -> int:
    if not raw.isdigit() or len(raw) > 18:
        raise _Invalid(f"identifiant Decidim « {shown_cell(raw)} » illisible")
    decidim_id = int(raw)
    if decidim_id in seen:
        raise _Invalid(f"identifiant Decidim {decidim_id} en double dans le fichier")
    if (kind, decidim_id) in known:
        raise _Invalid(f"identifiant Decidim {decidim_id} déjà importé dans cette rencontre")
    return decidim_id


class Names:
    """Every author's, endorser's and group's name in the export, to mask in any text.

    A comment may name the author of the comment it answers: each text is masked
    against all the names of the export, not its own author's only. Names are
    indexed by their first word so a text is only matched against the few names
    that may occur in it (an export holds thousands).
    """

    def __init__(self, export: Export):
        raw = []
        for table in (export.proposals, export.comments):
            if table is None:
                continue
            columns = Columns(table.headers)
            wanted = [n for n in columns.index if tuple(n.split("/")[:2]) in NAME_FIELDS]
            raw.extend(columns.get(row, name) for row in table.rows for name in wanted)
        names = {part.strip() for value in raw for part in [value, *value.split(", ")]}
        self.by_word: dict[str, set[str]] = {}
        for name in names:
            words = _WORDS.findall(name.casefold())
            if len(name) >= 3 and words:
                self.by_word.setdefault(words[0], set()).add(name)

    def mask(self, text: str) -> str:
        """``text`` with every name of the export replaced by « [nom masqué] »."""
        found = set()
        for word in set(_WORDS.findall(text.casefold())):
            found |= self.by_word.get(word, set())
        for name in sorted(found, key=len, reverse=True):
            text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", MASKS["name"], text, flags=re.I)
        return text


def _checked_body(text: str, names: Names) -> str:
    """The text with its authors' names masked, cleaned and checked like a typed one."""
    text = names.mask(text)
    if not text.strip():
        raise _Invalid("texte vide")
    try:
        return contributions.check_body(text)
    except contributions.ContributionError as error:
        raise _Invalid(str(error)) from error


def _moment(raw: str) -> datetime | None:
    if not raw:
        return None
    moment = _parsed_moment(raw)
    if moment is None:
        raise _Invalid(f"date « {shown_cell(raw)} » illisible")
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _parsed_moment(raw: str) -> datetime | None:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(raw, pattern)
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        return None


def _votes(raw: str) -> int:
    if not raw:
        return 0  # Decidim leaves it empty when votes are hidden
    if not raw.isdigit() or len(raw) > 9:
        raise _Invalid(f"nombre de votes « {shown_cell(raw)} » illisible")
    return int(raw)


def _read_comments(table: Table, plan: Plan, known, names, proposal_ids: set[int]) -> None:
    columns, seen = Columns(table.headers), set()
    _require(columns, ("id", "commentable_id", "commentable_type"), "commentaires")
    parents = {
        columns.get(row, "id"): (columns.get(row, "commentable_type"), row) for row in table.rows
    }
    for row in table.rows:
        try:
            item = _comment(columns, row, seen, known, names)
            item.proposal_id = _root_proposal(columns, row, parents, proposal_ids, known)
        except _Invalid as error:
            plan.rejected.append(("comments", Rejection(row.line, str(error))))
            continue
        seen.add(item.decidim_id)
        plan.items.append(item)


def _comment(columns: Columns, row: Row, seen: set[int], known, names: "Names") -> Item:
    return Item(
        kind="comment",
        line=row.line,
        decidim_id=_decidim_id(columns.get(row, "id"), "comment", seen, known),
        body=_checked_body(columns.translated(row, "body"), names),
        written_at=_moment(columns.get(row, "created_at")),
    )


def _root_proposal(columns: Columns, row: Row, parents: dict, proposal_ids, known) -> int | None:
    """The Decidim proposal a comment (or a reply to one) belongs to; None for a debate's."""
    for _ in range(MAX_DEPTH):
        kind = columns.get(row, "commentable_type")
        target = columns.get(row, "commentable_id")
        if kind.endswith("::Comment") and target in parents:
            row = parents[target][1]
            continue
        if kind.endswith("::Proposal") and target.isdigit():
            proposal_id = int(target)
        else:
            found = _PROPOSAL_URL.search(columns.get(row, "root_commentable_url"))
            if found is None:
                return None  # a debate's comment: kept, linked to nothing
            proposal_id = int(found.group(1))
        if proposal_id not in proposal_ids and ("proposal", proposal_id) not in known:
            raise _Invalid(f"la proposition Decidim {proposal_id} n'est pas dans l'import")
        return proposal_id
    raise _Invalid("fil de réponses trop profond")


# --- Importing -----------------------------------------------------------------------


def run_import(meeting, export: Export, *, now: datetime) -> ImportOutcome:
    """Create every row's contribution, or none if any row is refused or the file was seen.

    :raises DecidimError: refused rows, repeated file, meeting not open.
    """
    plan = plan_import(meeting, export)
    if plan.rejected:
        refused, s = len(plan.rejected), plural_ending(plan.rejected)
        raise DecidimError(f"Rien n'a été importé : {refused} ligne{s} refusée{s}.")
    with db.session.begin_nested():
        batch = DecidimImport(
            meeting_id=meeting.id,
            checksum=export.checksum,
            proposal_count=plan.proposals_read,
            comment_count=plan.comments_read,
            created_at=now,
        )
        db.session.add(batch)
        db.session.flush()
        return _create_all(meeting, batch, plan.items, now=now)


def _already_imported(meeting_id: int, checksum: str) -> bool:
    return (
        db.session.scalar(
            sa.select(DecidimImport.id).where(
                DecidimImport.meeting_id == meeting_id, DecidimImport.checksum == checksum
            )
        )
        is not None
    )


def _create_all(meeting, batch: DecidimImport, items: list[Item], *, now) -> ImportOutcome:
    outcome, themes = ImportOutcome(), _themes_by_name(meeting.scheme_id)
    contribution_of = _known_ids(meeting.id)
    for item in items:
        contribution = _submit(meeting, item, now=now)
        contribution.support_count = item.votes
        parent = contribution_of.get(("proposal", item.proposal_id))
        db.session.add(
            DecidimRecord(
                import_id=batch.id,
                meeting_id=meeting.id,
                kind=item.kind,
                decidim_id=item.decidim_id,
                contribution_id=contribution.id,
                proposal_id=parent,
                labels=item.labels,
            )
        )
        contribution_of[(item.kind, item.decidim_id)] = contribution.id
        outcome.suggestions += _suggest(contribution.id, item.labels, themes, now)
        outcome.proposals += item.kind == "proposal"
        outcome.comments += item.kind == "comment"
    db.session.flush()
    return outcome


def _submit(meeting, item: Item, *, now: datetime):
    letter = "p" if item.kind == "proposal" else "c"
    draft = contributions.Draft(
        body=item.body,
        kind="proposition" if item.kind == "proposal" else "constat",
        channel="import",
        idempotency_key=f"decidim:{meeting.id}:{letter}:{item.decidim_id}",
    )
    try:
        contribution, _created = contributions.submit_contribution(
            meeting, draft, now=now, suggest=False
        )
    except contributions.ContributionError as error:
        raise DecidimError(f"Rien n'a été importé : ligne {item.line} : {error}") from error
    if item.written_at is not None:
        contribution.created_at = min(now, item.written_at)
    return contribution


def _themes_by_name(scheme_id: int) -> dict[str, int]:
    themes = db.session.scalars(sa.select(Theme).where(Theme.scheme_id == scheme_id))
    return {normalise_cell(theme.title): theme.id for theme in themes}


def _suggest(contribution_id: int, labels: list[str], themes: dict[str, int], now) -> int:
    """Offer the scheme's themes named like a Decidim category, scope or taxonomy."""
    matched = {themes[key] for key in map(normalise_cell, labels) if key in themes}
    for theme_id in sorted(matched):
        db.session.add(
            TagSuggestion(
                contribution_id=contribution_id,
                theme_id=theme_id,
                score=1.0,
                words=[label for label in labels if themes.get(normalise_cell(label)) == theme_id],
                computed_at=now,
            )
        )
    return len(matched)


# --- Exporting -----------------------------------------------------------------------

PROPOSAL_COLUMNS = (
    "id",
    "author/id",
    "author/name",
    "taxonomies/id",
    "taxonomies/name",
    "participatory_space/id",
    "component/id",
    "title/fr",
    "body/fr",
    "state",
    "reference",
    "votes",
    "comments",
    "published_at",
    "withdrawn",
)
COMMENT_COLUMNS = (
    "id",
    "created_at",
    "body",
    "locale",
    "author/id",
    "author/name",
    "alignment",
    "depth",
    "commentable_id",
    "commentable_type",
    "root_commentable_url",
)
TITLE_LENGTH = 150


def export_meeting(meeting) -> tuple[list[dict], list[dict]]:
    """Published contributions of a meeting as Decidim proposal and comment rows.

    Only the public, moderated text goes out, masked again; authors stay anonymous.
    """
    published = db.session.scalars(
        sa.select(Contribution)
        .where(Contribution.meeting_id == meeting.id, Contribution.status == "published")
        .order_by(Contribution.id)
    ).all()
    parents = dict(
        db.session.execute(
            sa.select(DecidimRecord.contribution_id, DecidimRecord.proposal_id).where(
                DecidimRecord.meeting_id == meeting.id, DecidimRecord.kind == "comment"
            )
        ).all()
    )
    tags = _theme_titles([c.id for c in published])
    # A comment whose proposal is not public (or a debate's) goes out as a proposal.
    roots = {c.id for c in published if parents.get(c.id) is None}
    comments = [c for c in published if parents.get(c.id) in roots]
    commented = Counter(parents[c.id] for c in comments)
    proposals = [
        _proposal_row(meeting, c, tags.get(c.id, []), commented[c.id])
        for c in published
        if c not in comments
    ]
    return proposals, [_comment_row(c, parents[c.id]) for c in comments]


def _theme_titles(ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    rows = db.session.execute(
        sa.select(ContributionTag.contribution_id, Theme.id, Theme.title)
        .join(Theme, Theme.id == ContributionTag.theme_id)
        .where(ContributionTag.contribution_id.in_(ids))
        .order_by(Theme.position, Theme.id)
    )
    found: dict[int, list[tuple[int, str]]] = {}
    for contribution_id, theme_id, title in rows:
        found.setdefault(contribution_id, []).append((theme_id, title))
    return found


def _split_title(text: str) -> tuple[str, str]:
    """A title for Decidim: the text's first paragraph when short, else its beginning."""
    first, _, rest = text.partition("\n\n")
    if rest and len(first) <= TITLE_LENGTH:
        return first, rest
    title = " ".join(text.split())
    return (title if len(title) <= TITLE_LENGTH else title[: TITLE_LENGTH - 1] + "…"), text


def _proposal_row(meeting, contribution, themes, comment_count: int) -> dict:
    title, body = _split_title(mask_personal_data(contribution.body))
    return {
        "id": contribution.id,
        "author/id": "",
        "author/name": "",
        "taxonomies/id": ", ".join(str(theme_id) for theme_id, _ in themes),
        "taxonomies/name": ", ".join(title for _, title in themes),
        "participatory_space/id": meeting.scheme_id,
        "component/id": meeting.id,
        "title/fr": title,
        "body/fr": body,
        "state": "",
        "reference": contribution.receipt_code,
        "votes": contribution.support_count,
        "comments": comment_count,
        "published_at": _iso(contribution.published_at or contribution.created_at),
        "withdrawn": "false",
    }


def _comment_row(contribution, proposal_id: int) -> dict:
    return {
        "id": contribution.id,
        "created_at": _iso(contribution.created_at),
        "body": mask_personal_data(contribution.body),
        "locale": LOCALE,
        "author/id": "",
        "author/name": "",
        "alignment": 0,
        "depth": 0,
        "commentable_id": proposal_id,
        "commentable_type": "Decidim::Proposals::Proposal",
        "root_commentable_url": "",
    }


def _iso(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if moment else ""
