"""What a stored version shows today: less what was withdrawn, masked or rejected since."""

import hashlib
import json
from dataclasses import dataclass, field, replace

import sqlalchemy as sa

from consult.contributions.models import Contribution
from consult.extensions import db
from consult.meetings.models import Meeting
from consult.synthesis import curation
from consult.synthesis.document import Difference, Document, Quote, Section
from consult.synthesis.models import Synthesis, SynthesisVersion
from consult.synthesis.services import STILL_COUNTED, shown_statuses

GONE_IDEA = "Idée retirée : toutes ses contributions ont été retirées depuis"


@dataclass
class CurrentVersion:
    """A version's document as it may be shown now, and what its files depend on."""

    document: Document
    retired: int  # contributions of the version withdrawn, rejected or unpublished since
    fingerprint: str  # changes whenever what the document shows changes
    not_carried: list[int] = field(default_factory=list)  # curation rows this version lacks


def _document_ids(document: Document) -> set[int]:
    ids: set[int] = set()
    for section in document.sections:
        ids.update(section.ids)
        for idea in section.ideas:
            ids.update(idea.ids)
    for breakdown in document.breakdowns:
        for cell in breakdown.cells:
            ids.update(cell.ids)
    return ids


def _quotes(document: Document) -> list[Quote]:
    quotes: list[Quote] = []
    for section in document.sections:
        for idea in section.ideas:
            quotes += idea.quotes
        quotes += section.proposals + section.questions + section.vigilance
    return quotes


def _retired_ids(synthesis: Synthesis, ids: set[int]) -> set[int]:
    """Ids of ``ids`` no longer shown: one query over the scheme's hidden contributions.

    Hidden contributions (rejected, withdrawn…) are few next to the published ones, so
    this reads them rather than sending every id of a large version to the database.
    """
    hidden = db.session.scalars(
        sa.select(Contribution.id)
        .join(Meeting, Meeting.id == Contribution.meeting_id)
        .where(
            Meeting.scheme_id == synthesis.scheme_id,
            Contribution.status.not_in(shown_statuses(synthesis) + STILL_COUNTED),
        )
    )
    return ids.intersection(hidden)


def _words(text: str) -> str:
    return " ".join((text or "").split())


def _current_texts(quoted: set[int]) -> dict[int, str]:
    """The quoted contributions' current (published, masked) texts."""
    rows = db.session.execute(
        sa.select(Contribution.id, Contribution.body).where(Contribution.id.in_(sorted(quoted)))
    )
    return {row.id: row.body for row in rows}


def _fresh_quote(quote: Quote, texts: dict[int, str]) -> Quote:
    """The quote when its words are still in the published text, else that text itself.

    A quote is the text, or its first sentences followed by " …": once a moderator
    masked or edited the quoted part it is no longer found and the current text is shown.
    """
    body = texts.get(quote.id, "")
    excerpt = _words(quote.text).removesuffix("…").rstrip()
    if excerpt and excerpt in _words(body):
        return quote
    return Quote(id=quote.id, text=body.strip())


class _Pruner:
    """Removes retired contributions from every list and count of a document."""

    def __init__(self, retired: set[int], texts: dict[int, str]):
        self.retired, self.texts = retired, texts

    def ids(self, ids: list[int]) -> tuple[list[int], int]:
        kept = [i for i in ids if i not in self.retired]
        return kept, len(ids) - len(kept)

    def quotes(self, quotes: list[Quote]) -> list[Quote]:
        return [_fresh_quote(q, self.texts) for q in quotes if q.id not in self.retired]

    def section(self, section: Section) -> Section:
        ideas = []  # same positions: working groups' comments are keyed by them
        for idea in section.ideas:
            ids, gone = self.ids(idea.ids)
            if not ids:
                ideas.append(replace(idea, label=GONE_IDEA, terms=[], ids=[], size=0, quotes=[]))
                continue
            size = max(idea.size - gone, len(ids))
            ideas.append(replace(idea, ids=ids, size=size, quotes=self.quotes(idea.quotes)))
        ids, gone = self.ids(section.ids)
        return replace(
            section,
            ids=ids,
            count=max(section.count - gone, 0),
            ideas=ideas,
            proposals=self.quotes(section.proposals),
            questions=self.quotes(section.questions),
            vigilance=self.quotes(section.vigilance),
            suggested=self.ids(section.suggested)[0],
        )

    def difference(self, difference: Difference) -> Difference:
        sizes = {"a": difference.size_a, "b": difference.size_b}
        terms = {}
        for side in ("a", "b"):
            counted = f"count_{side}"
            kept, gone_ids = [], set()
            for term in getattr(difference, f"terms_{side}"):
                ids, gone = self.ids(term.ids)
                gone_ids.update(i for i in term.ids if i in self.retired)
                fewer = max(getattr(term, counted) - gone, 0)
                kept.append(replace(term, ids=ids, **{counted: fewer}))
            terms[side] = [t for t in kept if t.ids]
            sizes[side] = max(sizes[side] - len(gone_ids), 0)
        return replace(
            difference,
            ideas=[replace(i, ids=self.ids(i.ids)[0]) for i in difference.ideas],
            terms_a=terms["a"],
            terms_b=terms["b"],
            size_a=sizes["a"],
            size_b=sizes["b"],
        )

    def document(self, document: Document, retired: int) -> Document:
        breakdowns = []
        for breakdown in document.breakdowns:
            cells = []
            for cell in breakdown.cells:
                ids, gone = self.ids(cell.ids)
                if cell.count - gone > 0:
                    suggested = self.ids(cell.suggested)[0]
                    cells.append(
                        replace(cell, ids=ids, count=cell.count - gone, suggested=suggested)
                    )
            breakdowns.append(replace(breakdown, cells=cells))
        return replace(
            document,
            contributions=max(document.contributions - retired, 0),
            breakdowns=breakdowns,
            sections=[self.section(s) for s in document.sections],
            differences=[self.difference(d) for d in document.differences],
            findings=[replace(f, ids=self.ids(f.ids)[0]) for f in document.findings],
        )


def _fingerprint(
    version: SynthesisVersion, retired: set[int], document: Document, curated: list[int]
) -> str:
    """What the version's files depend on; never anything from the request."""
    data = {
        "curation": curated,
        "version": version.id,
        "number": version.number,
        "status": version.status,
        "generated_at": version.generated_at.isoformat(),
        "editorial": version.editorial or {},
        "retired": sorted(retired),
        "quotes": sorted((q.id, q.text) for q in _quotes(document)),
    }
    encoded = json.dumps(data, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(encoded).hexdigest()[:32]


def current_version(version: SynthesisVersion) -> CurrentVersion:
    """The version's document as it may be shown now, in every format.

    Contributions withdrawn by their author, rejected or taken back since generation are
    removed (quotes, ids and counts); a quote whose words a moderator masked or changed
    since is replaced by the current published text. The team's curation of ideas
    (``synthesis.curation``) is applied last: every view reads the curated ideas.
    """
    stored = Document.from_dict(version.document)
    synthesis = version.synthesis
    retired = _retired_ids(synthesis, _document_ids(stored))
    quoted = {q.id for q in _quotes(stored)} - retired
    texts = _current_texts(quoted) if quoted else {}
    document = _Pruner(retired, texts).document(stored, len(retired))
    rows = curation.changes_for(version)
    changes = [curation.as_change(row) for row in rows]
    document, skipped = curation.applied(document, changes, curation.quoted_texts(rows))
    fingerprint = _fingerprint(version, retired, document, [row.id for row in rows])
    return CurrentVersion(document, len(retired), fingerprint, [rows[i].id for i in skipped])
