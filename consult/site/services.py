"""Read and change the site's branding; colours must stay readable."""

import re
from dataclasses import dataclass

import sqlalchemy as sa

from consult.contributions.counts import published_total
from consult.core.cache import public_figures, reference_cache, watch_public_figures
from consult.core.errors import DomainError
from consult.core.sanitize import clean_line
from consult.extensions import db
from consult.meetings.models import Meeting
from consult.site.models import DEFAULT_COLOUR, SiteSettings

LOGO_MAX_BYTES = 512 * 1024
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}

# The kept home page names the department (core.cache): a new name shows at the next visit.
watch_public_figures(SiteSettings)


class SiteError(DomainError):
    """A French message explaining why a setting was refused."""


def get_settings() -> SiteSettings:
    """Return the settings row, or unsaved defaults when none exists yet."""
    settings = db.session.scalar(sa.select(SiteSettings).order_by(SiteSettings.id).limit(1))
    return settings or default_settings()


@dataclass(frozen=True)
class Branding:
    """What every page shows of the settings (no logo bytes: ``/logo`` serves them)."""

    department_name: str
    platform_name: str
    primary_colour: str
    contact_email: str
    has_logo: bool


@reference_cache
def branding() -> Branding:
    """The branding every page shows, kept a few seconds per process."""
    settings = get_settings()
    return Branding(
        department_name=settings.department_name,
        platform_name=settings.platform_name,
        primary_colour=settings.primary_colour,
        contact_email=settings.contact_email or "",
        has_logo=bool(settings.logo_mimetype),
    )


def home_figures() -> dict[str, int]:
    """The home page's counts, kept until a meeting or a contribution changes (core.cache)."""

    def compute() -> dict[str, int]:
        return {
            "meetings": db.session.scalar(
                sa.select(sa.func.count(Meeting.id)).where(Meeting.status != "draft")
            ),
            # Kept by the database (consult.contributions.counts): no scan of contributions.
            "contributions": published_total(),
        }

    return public_figures("home", compute)


def default_branding() -> Branding:
    """Shown when the database cannot be read (error pages)."""
    settings = default_settings()
    return Branding(settings.department_name, settings.platform_name, DEFAULT_COLOUR, "", False)


def default_settings() -> SiteSettings:
    """Unsaved settings used before the administrator sets the branding."""
    return SiteSettings(
        department_name="Département",
        platform_name="Consult",
        primary_colour=DEFAULT_COLOUR,
    )


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_with_white(hex_colour: str) -> float:
    """WCAG contrast ratio between ``hex_colour`` and white."""
    return 1.05 / (_luminance(hex_colour) + 0.05)


def check_colour(colour: str) -> str:
    """Return the colour in lower case, or refuse it if white text on it is unreadable."""
    if not _HEX.match(colour or ""):
        raise SiteError("La couleur doit s'écrire #RRVVBB, par exemple #1d4f91.")
    ratio = contrast_with_white(colour)
    if ratio < 4.5:
        raise SiteError(
            f"Cette couleur est trop claire : le texte blanc n'y serait pas lisible "
            f"(contraste {ratio:.1f}:1, il faut au moins 4,5:1). Choisissez une teinte plus foncée."
        )
    return colour.lower()


def logo_mimetype(data: bytes) -> str:
    """Return the image type of a logo from its first bytes, or refuse it."""
    if len(data) > LOGO_MAX_BYTES:
        raise SiteError("Le logo ne doit pas dépasser 512 Ko.")
    for signature, mimetype in _SIGNATURES.items():
        if data.startswith(signature):
            return mimetype
    raise SiteError("Le logo doit être une image PNG ou JPEG.")


def update_settings(
    *,
    department_name,
    platform_name,
    primary_colour,
    contact_email,
    logo: bytes | None = None,
    remove_logo: bool = False,
) -> SiteSettings:
    """Save the branding (flushes); ``logo`` bytes are checked before anything changes."""
    colour = check_colour(primary_colour)
    mimetype = logo_mimetype(logo) if logo else ""
    name = clean_line(department_name)
    if not name:
        raise SiteError("Le nom du Département est obligatoire.")
    settings = get_settings()
    settings.department_name = name
    settings.platform_name = clean_line(platform_name) or "Consult"
    settings.primary_colour = colour
    settings.contact_email = clean_line(contact_email)
    if logo:
        settings.logo, settings.logo_mimetype = logo, mimetype
    elif remove_logo:
        settings.logo, settings.logo_mimetype = None, ""
    db.session.add(settings)
    db.session.flush()
    branding.cache_clear()
    return settings
