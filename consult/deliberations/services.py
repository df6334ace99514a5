"""Recording the deliberation that adopted a fiche; services flush, never commit."""

from datetime import date, datetime
from urllib.parse import urlsplit

import sqlalchemy as sa

from consult.core.errors import DomainError
from consult.core.sanitize import clean_line
from consult.deliberations.models import Deliberation
from consult.extensions import db
from consult.schemes.models import Fiche

MAX_IDENTIFIER = 100
MAX_URL = 500


class DeliberationError(DomainError):
    """A French message naming the deliberation field that is wrong."""

    def __init__(self, message: str, field: str = "deliberation_identifier"):
        super().__init__(message, field=field)


def deliberation_of(fiche: Fiche) -> Deliberation | None:
    """The deliberation recorded for the fiche, if any."""
    return db.session.scalar(sa.select(Deliberation).where(Deliberation.fiche_id == fiche.id))


def record_deliberation(
    fiche: Fiche, *, identifier: str, voted_on: date | None, url: str, now: datetime
) -> Deliberation | None:
    """Record (or correct) the deliberation that adopted ``fiche``; None if nothing given.

    :raises DeliberationError: fiche not adopted, identifier or date missing, date in
        the future, URL not http(s) or too long.
    """
    identifier, url = clean_line(identifier), (url or "").strip()
    if not identifier and voted_on is None and not url:
        return None
    if fiche.status != "adoptee":
        raise DeliberationError("Une délibération ne s'enregistre qu'avec l'adoption de la fiche.")
    _check(identifier, voted_on, url, now)
    deliberation = deliberation_of(fiche) or Deliberation(fiche_id=fiche.id, created_at=now)
    deliberation.identifier, deliberation.voted_on, deliberation.url = identifier, voted_on, url
    db.session.add(deliberation)
    db.session.flush()
    return deliberation


def _check(identifier: str, voted_on: date | None, url: str, now: datetime) -> None:
    if not identifier:
        raise DeliberationError("Indiquez le numéro de la délibération.")
    if len(identifier) > MAX_IDENTIFIER:
        raise DeliberationError(
            f"Numéro de délibération trop long : {MAX_IDENTIFIER} caractères au plus."
        )
    if voted_on is None:
        raise DeliberationError("Indiquez la date de la délibération.", "deliberation_date")
    if voted_on > now.date():
        raise DeliberationError("La délibération ne peut être datée du futur.", "deliberation_date")
    parts = urlsplit(url)
    if url and (parts.scheme not in ("http", "https") or not parts.netloc or len(url) > MAX_URL):
        raise DeliberationError(
            "Adresse de la délibération invalide : une adresse web commençant par https://.",
            field="deliberation_url",
        )
