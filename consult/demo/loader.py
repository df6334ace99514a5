"""Load the demo data; safe to run twice (existing rows are kept)."""

import re
import secrets
from collections.abc import Collection
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from consult.accounts.models import Organisation, User
from consult.accounts.passwords import hash_password
from consult.analysis.personal_data import find_personal_data
from consult.contributions.models import Contribution
from consult.core.db import utcnow
from consult.demo import content
from consult.demo.closing import close_in_the_past
from consult.demo.followup import load_follow_up
from consult.demo.synthesis import curate, tag_before_synthesis, write_editorial
from consult.extensions import db
from consult.meetings.models import Meeting
from consult.schemes.importer import import_scheme, load_document
from consult.schemes.models import Public, Scheme, Territory
from consult.site.models import SiteSettings
from consult.synthesis import services as synthesis_services
from consult.synthesis.analysis import build_document
from consult.tagging.services import add_tag, build_suggesters, store_suggestions

DATA = Path(__file__).parent / "data"


def _scheme(now) -> Scheme:
    scheme = db.session.scalar(sa.select(Scheme).where(Scheme.department == "Savoie"))
    if scheme is None:
        document = load_document((DATA / "savoie.json").read_bytes())
        scheme = import_scheme(document, now=now)
    return scheme


def _reference_data() -> None:
    if db.session.scalar(sa.select(sa.func.count(Territory.id))):
        return
    for position, (code, name) in enumerate(content.TERRITORIES, 1):
        db.session.add(Territory(code=code, name=name, position=position))
    for position, (code, label) in enumerate(content.PUBLICS, 1):
        db.session.add(Public(code=code, label=label, position=position))
    for name, kind in content.ORGANISATIONS:
        db.session.add(Organisation(name=name, kind=kind))
    db.session.add(
        SiteSettings(
            department_name="Département de la Savoie",
            platform_name="Consult Savoie",
            primary_colour="#1d4f91",
        )
    )
    db.session.flush()


def demo_password() -> str:
    """A random password that passes the CNIL rule (four kinds of characters)."""
    return f"Demo-{secrets.token_urlsafe(9)}-7a"


def _people() -> dict[str, str]:
    """Create the demo accounts; return e-mail → password for the new ones."""
    created = {}
    for key, role, name, org_name in content.PEOPLE:
        email = f"{key}@{content.DEMO_EMAIL_DOMAIN}"
        if db.session.scalar(sa.select(User.id).where(User.email == email)):
            continue
        organisation = (
            db.session.scalar(sa.select(Organisation).where(Organisation.name == org_name))
            if org_name
            else None
        )
        password = demo_password()
        db.session.add(
            User(
                email=email,
                display_name=name,
                role=role,
                organisation=organisation,
                password_hash=hash_password(password),
            )
        )
        created[email] = password
    db.session.flush()
    return created


def _meetings(scheme: Scheme) -> dict[str, Meeting]:
    meetings = {}
    territories = {t.code: t for t in db.session.scalars(sa.select(Territory))}
    key, kind, title, territory, status, place = content.CURRENT_MEETING
    current = (key, kind, title, territory, date.today(), status, place)
    for key, kind, title, territory, held_on, status, place in [*content.MEETINGS, current]:
        meeting = db.session.scalar(sa.select(Meeting).where(Meeting.title == title))
        if meeting is None:
            meeting = Meeting(
                scheme=scheme,
                kind=kind,
                title=title,
                held_on=held_on,
                status=status,
                place=place,
                territory=territories.get(territory),
                attendance_by_type=content.ATTENDANCE.get(key, {}),
            )
            if status == "closed":
                close_in_the_past(meeting, key)
            if kind == "universite_sociale":
                meeting.user_groups = scheme.extra.get("universite_sociale_groups", [])
            db.session.add(meeting)
        meetings[key] = meeting
    db.session.flush()
    return meetings


def parse_contributions(
    text: str, *, themes: Collection[str] | None = None, fiches: Collection[str] | None = None
) -> list[dict]:
    """Read contributions.txt (format described at the top of that file). Given the
    scheme's theme and fiche numbers, a line naming another one is refused."""
    items, meeting = [], None
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if line.startswith("## "):
            meeting = line[3:].strip()
        elif line and not line.startswith("#"):
            item = {"meeting": meeting, **_parse_line(line)}
            _check_numbers(item, number, themes, fiches)
            items.append(item)
    return items


FICHE_MARKER = re.compile(r"f(\d+)")


def _check_numbers(item: dict, line_number: int, themes, fiches) -> None:
    """Refuse a theme or fiche number the scheme does not have (when its numbers are given)."""
    given = [item["theme"]] if item["theme"] else []
    for kind, sign, numbers, known in (
        ("thématique", "#", given, themes),
        ("fiche", "f", item["fiches"], fiches),
    ):
        unknown = [n for n in numbers if known is not None and n not in known]
        if unknown:
            first, *_, last = sorted(known, key=lambda n: (len(n), n))
            raise ValueError(
                f"contributions.txt, ligne {line_number} : « {sign}{unknown[0]} » ne désigne "
                f"aucune {kind} du schéma (ses {kind}s vont de {first} à {last})."
            )


def _parse_line(line: str) -> dict:
    code, _, rest = line.partition(" ")
    author, _, rest2 = rest.partition(" ")
    public, _, body = rest2.partition(" ")
    kind = content.KIND_CODES.get(code.lstrip("*"))
    if kind is None or author not in content.AUTHOR_CODES or public not in content.PUBLIC_CODES:
        # A bare line ("RAS", "Merci"): kept for moderation, as in real life.
        return {
            "kind": "constat",
            "author_type": "usager",
            "public": None,
            "status": "pending",
            "pseudonym": "",
            "theme": None,
            "fiches": [],
            "text": line,
        }
    theme = None
    marker, _, after = body.partition(" ")
    if marker[:1] == "#" and marker[1:].isdigit():
        theme, body = marker[1:], after
    fiches = []
    marker, _, after = body.partition(" ")
    while FICHE_MARKER.fullmatch(marker):
        fiches.append(marker[1:])
        body = after
        marker, _, after = body.partition(" ")
    pseudonym = ""
    if body.startswith("[") and "]" in body:
        pseudonym, _, body = body[1:].partition("]")
    return {
        "kind": kind,
        "author_type": content.AUTHOR_CODES[author],
        "public": content.PUBLIC_CODES[public],
        "status": "pending" if code.startswith("*") else "published",
        "pseudonym": pseudonym.strip(),
        "theme": theme,
        "fiches": fiches,
        "text": body.strip(),
    }


PARIS = ZoneInfo("Europe/Paris")


def said_at(meeting: Meeting, rank: int) -> datetime:
    """When the ``rank``-th contribution of a meeting was made: during it, from 9 h 30
    (Paris time); an online consultation collects over its first weeks."""
    start = datetime.combine(meeting.held_on, time(9, 30), tzinfo=PARIS)
    step = timedelta(hours=7) if meeting.kind == "consultation_en_ligne" else timedelta(minutes=4)
    return (start + rank * step).astimezone(UTC)


def _contributions(scheme: Scheme, meetings: dict[str, Meeting]) -> list[tuple[Contribution, dict]]:
    """Each contribution created, with its line (the theme and fiche numbers its
    moderators gave it)."""
    if db.session.scalar(sa.select(sa.func.count(Contribution.id))):
        return []
    publics = {p.code: p for p in db.session.scalars(sa.select(Public))}
    items = parse_contributions(
        (DATA / "contributions.txt").read_text(encoding="utf-8"),
        themes={theme.number for theme in scheme.themes},
        fiches={fiche.number for fiche in scheme.fiches},
    )
    rank: dict[str, int] = {}
    created_ones = []
    for item in items:
        meeting = meetings[item["meeting"]]
        rank[item["meeting"]] = rank.get(item["meeting"], -1) + 1
        created = said_at(meeting, rank[item["meeting"]])
        contribution = Contribution(
            meeting=meeting,
            body=item["text"],
            kind=item["kind"],
            author_type=item["author_type"],
            status=item["status"],
            channel="en_ligne" if meeting.kind == "consultation_en_ligne" else "en_salle",
            pseudonym=item["pseudonym"],
            territory=meeting.territory,
            created_at=created,
            consented_at=created,
            published_at=created if item["status"] == "published" else None,
            has_personal_data=bool(find_personal_data(item["text"])),
        )
        if item["public"] in publics:
            contribution.publics.append(publics[item["public"]])
        db.session.add(contribution)
        created_ones.append((contribution, item))
    db.session.flush()
    return created_ones


def _facilitator() -> User | None:
    return db.session.scalar(
        sa.select(User).where(User.email == f"animateur@{content.DEMO_EMAIL_DOMAIN}")
    )


def _moderators_tags(scheme: Scheme, created_ones) -> int:
    """The theme and fiches the facilitators gave each contribution when they published it
    (the "#N" and "fN" of contributions.txt), recorded as the tagging page records them:
    before any suggestion is computed, so the learned suggesters start from them."""
    themes = {theme.number: theme for theme in scheme.themes}
    fiches = {fiche.number: fiche for fiche in scheme.fiches}
    facilitator, tagged = _facilitator(), 0
    for contribution, item in created_ones:
        if contribution.status != "published":
            continue
        labels = [{"theme": themes[item["theme"]]}] if item["theme"] else []
        labels += [{"fiche": fiches[number]} for number in item["fiches"]]
        for label in labels:
            add_tag(contribution, **label, actor=facilitator, now=contribution.published_at)
            tagged += 1
    db.session.flush()
    return tagged


def _suggestions(scheme: Scheme, now) -> None:
    """What the background job computes on arrival, done once for the demo."""
    suggesters = build_suggesters(scheme)
    for contribution in db.session.scalars(sa.select(Contribution)):
        store_suggestions(contribution, suggesters, now=now)


def _synthesis(scheme: Scheme, now) -> None:
    """A published synthesis of the concertations, as its job would have generated it."""
    facilitator = _facilitator()
    tag_before_synthesis(scheme, facilitator, now)  # what the moderators left untagged
    synthesis = synthesis_services.create_synthesis(
        scheme=scheme,
        title="Synthèse des concertations territoriales (démonstration)",
        template="concertations",
        scope=synthesis_services.Scope(),
        actor=facilitator,
    )
    items = synthesis_services.collect_items(synthesis)
    document = build_document(
        items,
        title=synthesis.title,
        template=synthesis.template,
        scope=synthesis_services.describe_scope(synthesis),
        participants=synthesis_services.participants(synthesis),
        now=now,
    )
    version = synthesis_services.add_version(synthesis, document.to_dict(), len(items), now=now)
    curate(version, facilitator, now)
    write_editorial(version)  # a version is published with its editorial part
    synthesis_services.change_status(version, "published", actor=facilitator, now=now)


def load_demo() -> dict:
    """Load everything (flushes, never commits); return what was created."""
    now = utcnow()
    scheme = _scheme(now)
    _reference_data()
    logins = _people()
    meetings = _meetings(scheme)
    created_ones = _contributions(scheme, meetings)
    count = len(created_ones)
    if count:
        _moderators_tags(scheme, created_ones)
        _suggestions(scheme, now)
        _synthesis(scheme, now)
    load_follow_up(scheme, DATA, now)
    return {"scheme": scheme, "logins": logins, "contributions": count}
