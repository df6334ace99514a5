"""What the API serves: the open-data rows (public, masked), filtered and paginated.

The rows are those of :mod:`consult.opendata.services`: published contributions of
public meetings only, texts masked, small cells blank, public fiches only.
"""

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from consult.accounts.models import Organisation
from consult.api.models import ApiCall, ApiToken
from consult.contributions import services as contributions
from consult.contributions.models import AUTHOR_TYPES, KINDS, Contribution
from consult.extensions import db
from consult.meetings.models import Meeting
from consult.opendata import services as opendata
from consult.schemes.models import PUBLIC_FICHE_STATUSES, Fiche, Scheme, Theme

MAX_PER_PAGE = 100
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
DEFAULT_PER_PAGE = 20
RESOURCES = {
    "meetings": "rencontres",
    "contributions": "contributions",
    "fiches": "fiches",
    "decisions": "decisions",
    "ideas": "idees",
    "indicators": "indicateurs",
    "measurements": "mesures",
}
FILTERS = {
    "schemes": (),
    "meetings": ("scheme", "date_from", "date_to"),
    "contributions": ("scheme", "meeting", "theme", "fiche", "date_from", "date_to"),
    "fiches": ("scheme",),
    "decisions": ("scheme", "meeting", "fiche", "date_from", "date_to"),
    "ideas": ("scheme", "date_from", "date_to"),
    "indicators": ("scheme", "fiche"),
    "measurements": ("scheme",),
}
# Where a row names its fiche(s) (contributions: several, separated by « ; »).
FICHE_FIELDS = {"contributions": "fiches", "decisions": "fiche", "indicators": "fiche_numero"}
DATE_FIELDS = {
    "meetings": "date",
    "contributions": "date_publication",
    "decisions": "date_decision",
    "ideas": "date_publication",
}


class ApiError(Exception):
    """A French message for a refused request, with its HTTP status."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Query:
    """A checked list request: page, size and filters."""

    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    scheme: str | None = None
    meeting: int | None = None
    theme: int | None = None
    fiche: int | None = None
    date_from: date | None = None
    date_to: date | None = None


def _integer(args, name: str, low: int, high: int) -> int | None:
    value = args.get(name)
    if value is None:
        return None
    if not (value.isascii() and value.isdigit()) or not low <= int(value) <= high:
        raise ApiError(f"Le paramètre « {name} » doit être un entier entre {low} et {high}.")
    return int(value)


def _day(args, name: str) -> date | None:
    value = args.get(name)
    if value is None:
        return None
    try:
        if not DAY.fullmatch(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise ApiError(f"Le paramètre « {name} » doit être une date AAAA-MM-JJ.") from None


def parse_query(resource: str, args) -> Query:
    """Check the query string of a list; unknown or bad parameters are refused (400)."""
    allowed = {"page", "per_page", *FILTERS[resource]}
    unknown = sorted(set(args) - allowed)
    if unknown:
        raise ApiError(
            f"Paramètre inconnu : {', '.join(unknown)[:200]}. "
            f"Paramètres possibles : {', '.join(sorted(allowed))}."
        )
    if any(len(args.getlist(name)) > 1 for name in args):
        raise ApiError("Chaque paramètre ne peut être donné qu'une fois.")
    scheme = args.get("scheme")
    if scheme is not None and not (0 < len(scheme) <= 120):
        raise ApiError("Le paramètre « scheme » doit être l'identifiant court d'un schéma.")
    query = Query(
        page=_integer(args, "page", 1, 100_000) or 1,
        per_page=_integer(args, "per_page", 1, MAX_PER_PAGE) or DEFAULT_PER_PAGE,
        scheme=scheme,
        meeting=_integer(args, "meeting", 1, 2**31 - 1),
        theme=_integer(args, "theme", 1, 2**31 - 1),
        fiche=_integer(args, "fiche", 1, 2**31 - 1),
        date_from=_day(args, "date_from"),
        date_to=_day(args, "date_to"),
    )
    if query.date_from and query.date_to and query.date_from > query.date_to:
        raise ApiError("« date_from » doit précéder « date_to ».")
    return query


def _schemes(query: Query) -> list[Scheme]:
    select = sa.select(Scheme).order_by(Scheme.id)
    if query.scheme is not None:
        select = select.where(Scheme.slug == query.scheme)
    return db.session.scalars(select).all()


def scheme_items(query: Query) -> list[dict]:
    """Every scheme (they are all public), oldest first."""
    return [
        {
            "id": s.id,
            "slug": s.slug,
            "departement": s.department,
            "titre": s.title,
            "periode": s.period,
        }
        for s in _schemes(query)
    ]


def _theme_title(scheme: Scheme, theme_id: int) -> str | None:
    return db.session.scalar(
        sa.select(Theme.title).where(Theme.id == theme_id, Theme.scheme_id == scheme.id)
    )


def _fiche_number(scheme: Scheme, fiche_id: int) -> str | None:
    """The number of a public fiche of ``scheme``; a draft fiche is not public."""
    return db.session.scalar(
        sa.select(Fiche.number).where(
            Fiche.id == fiche_id,
            Fiche.scheme_id == scheme.id,
            Fiche.status.in_(PUBLIC_FICHE_STATUSES),
        )
    )


def _in_dates(value: str, query: Query) -> bool:
    if not (query.date_from or query.date_to):
        return True
    if not value:
        return False
    day = date.fromisoformat(value)
    return (query.date_from or day) <= day <= (query.date_to or day)


def _keep(resource: str, row: dict, query: Query, refs: dict) -> bool:
    """Whether ``row`` passes the filters (``refs``: resolved theme, fiche, meetings)."""
    if resource in DATE_FIELDS and not _in_dates(row[DATE_FIELDS[resource]], query):
        return False
    if query.meeting is not None:
        meeting = row.get("rencontre_id", refs["meeting_of"].get(row.get("contribution_id")))
        if meeting != query.meeting:
            return False
    if query.theme is not None and refs["theme"] not in row["thematiques"].split("; "):
        return False
    return query.fiche is None or refs["fiche"] in row[FICHE_FIELDS[resource]].split("; ")


def _scheme_rows(resource: str, scheme: Scheme, query: Query) -> list[dict]:
    rows = opendata.kept_rows(scheme)
    refs = {
        "meeting_of": {c["id"]: c["rencontre_id"] for c in rows["contributions"]},
        "theme": _theme_title(scheme, query.theme) if query.theme else None,
        "fiche": _fiche_number(scheme, query.fiche) if query.fiche else None,
    }
    public = _public_fiche_numbers(scheme)
    return [
        _without_draft_fiches({"schema": scheme.slug, **row}, public)
        for row in rows[RESOURCES[resource]]
        if _keep(resource, row, query, refs)
    ]


def _public_fiche_numbers(scheme: Scheme) -> set[str]:
    return set(
        db.session.scalars(
            sa.select(Fiche.number).where(
                Fiche.scheme_id == scheme.id, Fiche.status.in_(PUBLIC_FICHE_STATUSES)
            )
        )
    )


def _without_draft_fiches(row: dict, public: set[str]) -> dict:
    """A contribution's tags keep only public fiches (a draft fiche is not published)."""
    if "fiches" in row and row["fiches"]:
        row["fiches"] = "; ".join(n for n in row["fiches"].split("; ") if n in public)
    return row


def items(resource: str, query: Query) -> list[dict]:
    """Every public row of ``resource`` passing the filters, in a stable order."""
    if resource == "schemes":
        return scheme_items(query)
    found = []
    for scheme in _schemes(query):
        found.extend(_scheme_rows(resource, scheme, query))
    return found


def public_meeting(meeting_id: int) -> dict | None:
    """The open-data row of a public meeting, or None (draft, working group, unknown)."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.status == "draft" or meeting.working_group_id:
        return None
    rows = opendata.kept_rows(meeting.scheme)["rencontres"]
    return next(({"schema": meeting.scheme.slug, **r} for r in rows if r["id"] == meeting_id), None)


# --- Partner write API ---------------------------------------------------------------

FIELDS = {"texte", "type", "profil", "signature"}


def _text(payload: dict, name: str, limit: int) -> str:
    value = payload.get(name, "")
    if not isinstance(value, str) or len(value) > limit:
        raise ApiError(f"Le champ « {name} » doit être un texte de {limit} caractères au plus.")
    return value


def draft_from(payload, idempotency_key: str | None, organisation_id: int):
    """The :class:`Draft` of a JSON body; refuses (400) what the form would not accept."""
    if not isinstance(payload, dict):
        raise ApiError("Le corps de la requête doit être un objet JSON.")
    unknown = sorted(set(payload) - FIELDS)
    if unknown:
        raise ApiError(f"Champ inconnu : {', '.join(map(str, unknown))[:200]}.")
    kind = payload.get("type", "proposition")
    profile = payload.get("profil", "partenaire")
    if (
        not isinstance(kind, str)
        or not isinstance(profile, str)
        or kind not in KINDS
        or (profile not in AUTHOR_TYPES)
    ):
        raise ApiError("« type » ou « profil » n'est pas une valeur de la liste documentée.")
    return contributions.Draft(
        body=_text(payload, "texte", 20_000),
        kind=kind,
        author_type=profile,
        pseudonym=_text(payload, "signature", 200),
        idempotency_key=_scoped_key(idempotency_key, organisation_id),
    )


def _scoped_key(key: str | None, organisation_id: int) -> str | None:
    """The contribution's idempotency key: per organisation, so partners never collide."""
    if key is None:
        return None
    if not (0 < len(key) <= 200) or not key.isprintable():
        raise ApiError("L'en-tête « Idempotency-Key » doit faire de 1 à 200 caractères.")
    digest = hashlib.sha256(f"{organisation_id}:{key}".encode()).hexdigest()
    return f"api-{digest[:60]}"


def submit(meeting_id: int, draft, token: ApiToken, *, now: datetime):
    """Submit through the form's own service; the organisation is recorded as author.

    :returns: ``(contribution, created)``.
    :raises ApiError: 404 for a meeting that is not public, 422 for a refused text.
    """
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.status == "draft" or meeting.working_group_id:
        raise ApiError("Rencontre introuvable.", 404)
    try:
        contribution, created = contributions.submit_contribution(meeting, draft, now=now)
    except contributions.ContributionError as error:
        raise ApiError(str(error), 422) from None
    if created:
        contribution.organisation_id = token.organisation_id
    elif contribution.organisation_id != token.organisation_id:
        raise ApiError("Clé d'idempotence déjà utilisée.", 409)
    return contribution, created


def contribution_receipt(contribution: Contribution, created: bool) -> dict:
    """What the partner gets back: the id, the moderation state, the receipt code."""
    return {
        "id": contribution.id,
        "rencontre_id": contribution.meeting_id,
        "statut": contribution.status,
        "code_suivi": contribution.receipt_code,
        "cree": created,
    }


def audit(token: ApiToken | None, request, status: int, outcome: str, *, now, contribution_id):
    """Record one call of the write API."""
    db.session.add(
        ApiCall(
            token_id=token.id if token else None,
            organisation_id=token.organisation_id if token else None,
            called_at=now,
            method=request.method,
            path=request.path[:300],
            status_code=status,
            outcome=outcome[:300],
            contribution_id=contribution_id,
        )
    )


def organisation_by_name(name: str) -> Organisation | None:
    return db.session.scalar(sa.select(Organisation).where(Organisation.name == name))
