"""Hostile input in every form: never a 5xx, never markup that runs, clean storage.

Forms are discovered by parsing the page that shows them (``hostile.parse_forms``), as
the role allowed to use it. Each value goes into one text field at a time, the other
fields keeping what the page offers (or a valid filler). Then every page where the
text is shown again is checked. The participants' fields (and the moderators' notes,
and the meeting minutes, the one rich-text field) get the whole corpus; every other
field the five nastiest values, plus a text that doubles in length once normalised.

Findings not fixed yet are listed in ``KNOWN``: the broad tests set those problems
aside, so that they keep catching everything else, and one focused test per finding
(``xfail(strict=True)``) shows it. Once a finding is fixed, its focused test passes
unexpectedly and fails: remove its ``xfail`` and its entry in ``KNOWN``.
"""

import io
import json
import math
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import pytest
import sqlalchemy as sa
from markupsafe import escape

from consult.accounts.models import User
from consult.contributions.models import Contribution, ContributionImport
from consult.meetings.models import Meeting
from consult.moderation.queue import ARG_NAMES
from tests.factories import DEFAULT_PASSWORD, load_fixture
from tests.security import PNG, sign_in, url_rules, world_fixture  # noqa: F401 - the world fixture
from tests.security.hostile import (
    CORPUS,
    INVALID_UTF8,
    NASTIEST,
    corpus,
    executable_markup,
    formula_cells,
    has_control,
    nfc_expanding,
    parse_forms,
    tags_in_text,
    zip_bomb,
)

STRONG = "Une-Phrase-De-Passe-Solide-2024"
ALL_VALUES = [value for _name, value in CORPUS]
HUGE = "99999999999999999999"
PER_PAGE = 20
REDIRECTS = (301, 302, 303, 307, 308)

# Findings reported and not fixed yet: problem text → the focused test that shows it.
KNOWN: dict = {}


# --- Checking responses and storage ------------------------------------------------------


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def stored_text_problems(db) -> set[str]:
    """Control characters, and text longer than its column, anywhere in the database."""
    problems = set()
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, sa.String | sa.JSON)]
        if not columns:
            continue
        keys = list(table.primary_key.columns)
        for row in db.session.execute(sa.select(*keys, *columns)):
            key = tuple(row[: len(keys)])
            for column, value in zip(columns, row[len(keys) :], strict=True):
                limit = getattr(column.type, "length", None)
                for text in _strings(value):
                    where = f"{table.name}.{column.name} {key}"
                    if has_control(text):
                        problems.add(f"{where} : caractère de contrôle stocké dans {text[:60]!r}")
                    if limit and len(text) > limit:
                        problems.add(f"{where} : {len(text)} caractères pour {limit} au plus")
    return problems


class Probe:
    """Sends requests as a role and collects every problem, so that a failure lists them all."""

    def __init__(self, client, db, world):
        self.client, self.db, self.world = client, db, world
        self.problems: list[str] = []
        self.role: str | None = None
        world.commit()
        self.baseline = stored_text_problems(db)

    def as_role(self, role: str) -> None:
        if role != self.role:
            self.new_browser(role)

    def new_browser(self, role: str = "anonymous") -> None:
        """A fresh session (no receipts, no browser key), signed in as ``role``."""
        user = self.world.user(role)
        self.world.commit()
        sign_in(self.client, user)
        self.role = role

    def check(self, label: str, response, values=ALL_VALUES):
        status = response.status_code
        if status >= 500:
            self.problems.append(f"{label} : HTTP {status}")
            return response
        if not response.mimetype.startswith(("text/", "application/json")):
            return response
        body = response.get_data(as_text=True)
        if response.mimetype == "text/html":
            self.problems += [f"{label} : {p}" for p in executable_markup(body, values)]
        elif response.mimetype == "application/json":
            texts = list(_strings(json.loads(body)))
            if "/mur.json" in label:  # plain text for the wall (shown with textContent)
                tagged = [t for t in texts if tags_in_text(t)]
                self.problems += [f"{label} : balise dans le JSON : {t[:80]!r}" for t in tagged]
            for text in texts:  # rich text elsewhere (editorial HTML): nothing that runs
                self.problems += [f"{label} : {p}" for p in executable_markup(text)]
        elif response.mimetype == "text/css":  # the branding colour, nothing else
            if re.search(r"[<>\\]|url\(|@import|expression", body, re.IGNORECASE):
                self.problems.append(f"{label} : feuille de style modifiable : {body[:80]!r}")
        elif response.mimetype == "text/csv":
            cells = formula_cells(body)
            self.problems += [f"{label} : formule dans le CSV : {c[:60]!r}" for c in cells]
        return response

    def follow(self, label: str, response, values):
        location = response.headers.get("Location", "")
        if response.status_code in REDIRECTS and not urlsplit(location).netloc:
            self.check(f"{label} → {location}", self.client.get(location), values)

    def get(self, role: str, url: str, values=ALL_VALUES, label: str = "", **kwargs):
        self.as_role(role)
        return self.check(f"GET {url} ({role}){label}", self.client.get(url, **kwargs), values)

    def post(self, role: str, url: str, data, label: str = "", values=ALL_VALUES, **kwargs):
        self.as_role(role)
        response = self.client.post(url, data=data, **kwargs)
        label = f"POST {url} ({role}){label}"
        self.check(label, response, values)
        self.follow(label, response, values)
        return response

    def assert_clean(self) -> None:
        self.db.session.rollback()  # what a failed request left pending
        self.problems += sorted(stored_text_problems(self.db) - self.baseline)
        unknown = [p for p in self.problems if not any(k.search(p) for k in KNOWN.values())]
        shown = "\n".join(unknown[:40])
        more = f"\n… et {len(unknown) - 40} autres" if len(unknown) > 40 else ""
        assert not unknown, shown + more


@pytest.fixture
def probe(client, db, world):
    return Probe(client, db, world)


def find_form(html: str, action: str, page: str, having=()):
    """The POST form of ``html`` that submits to ``action`` (an empty action is the page)."""
    for form in parse_forms(html):
        target = urlsplit(form.action).path or urlsplit(page).path
        names = {c.name for c in form.controls}
        if form.method == "post" and target == urlsplit(action).path and set(having) <= names:
            return form
    raise AssertionError(f"pas de formulaire vers {action} sur {page}")


def form_key() -> str:
    return secrets.token_urlsafe(24)


def merge(*parts: dict) -> dict:
    data: dict = {}
    for part in parts:
        data.update(part)
    return data


def created(db, keys) -> list[Contribution]:
    db.session.rollback()
    return db.session.scalars(
        sa.select(Contribution).where(Contribution.idempotency_key.in_(keys))
    ).all()


def multipart(files: dict, fields: dict | None = None) -> dict:
    """``post`` arguments for a multipart body built here, in memory.

    The test client spools a large body to a temporary file, which it never closes
    when the application refuses the request: a ResourceWarning (an error here).
    """
    boundary = "limite-" + secrets.token_hex(8)
    body = b""
    for name, value in (fields or {}).items():
        body += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        ).encode()
    for name, (filename, content) in files.items():
        # What browsers do (HTML multipart/form-data encoding): ", CR and LF escaped.
        filename = filename.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")
        body += (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
            ).encode("utf-8", "surrogateescape")
            + content
            + b"\r\n"
        )
    body += f"--{boundary}--\r\n".encode()
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def test_the_detectors_see_raw_markup_and_accept_it_escaped():
    """The checks below would be vacuous if the detectors missed the corpus itself."""
    markup = [(n, v) for n, v in CORPUS if "<" in v]
    assert len(markup) > 15
    for name, value in markup:
        assert executable_markup(f"<p>{value}</p>", [value]), name
        assert not executable_markup(f"<p>{escape(value)}</p>", [value]), name
    for name in ("javascript_url", "zero_width"):
        value = dict(CORPUS)[name]
        assert executable_markup(f'<a href="{escape(value)}">lien</a>'), name
    assert formula_cells("texte;'=1+1\n=1+1;-2+3\n") == ["=1+1", "-2+3"]
    assert tags_in_text("<img src=x onerror=alert(1)//")
    assert not tags_in_text("a < b, 3 <4")


# --- Pages where contributions are shown again -----------------------------------------


def check_contribution_pages(probe: Probe, meeting, contributions) -> None:
    """Moderation pages, then (once published) public pages, wall, receipts, audit trail."""
    pages = max(1, math.ceil(len(contributions) / PER_PAGE))
    probe.get("admin", f"/moderation/?rencontre={meeting.id}")
    for contribution in contributions:
        probe.get("admin", f"/moderation/{contribution.id}")
    ids = [str(c.id) for c in contributions if c.status in ("pending", "rejected")]
    if ids:
        probe.post("admin", "/moderation/lot", {"ids": ids, "action": "publish"})
    for page in range(1, pages + 1):
        probe.get("anonymous", f"/rencontres/{meeting.id}?page={page}")
        probe.get("anonymous", f"/contributions/?page={page}")
    probe.get("anonymous", f"/rencontres/{meeting.id}/mur")
    cursor = ""
    for _ in range(pages + 2):
        feed = probe.get("anonymous", f"/rencontres/{meeting.id}/mur.json{cursor}")
        if feed.status_code != 200 or not feed.json["items"]:
            break
        cursor = "?" + urlencode({k: v for k, v in feed.json["cursor"].items() if v})
    public_page = "contributions.show" in url_rules(probe.world.app)
    for contribution in contributions:
        probe.post("anonymous", "/suivi", {"code": contribution.receipt_code})
        if public_page:
            probe.get("anonymous", f"/contributions/{contribution.id}")
    probe.get("admin", "/admin/journal-moderation")
    probe.get("admin", "/admin/journal-moderation.csv")


# --- The participants' fields: the whole corpus ----------------------------------------

PARTICIPANT_FORMS = {
    "contribuer": ("anonymous", "contributions.create", {"body", "pseudonym"}),
    "saisie": ("facilitator", "capture.rapid_entry", {"body", "on_behalf_of"}),
}


PICKED = {"kind": "proposition", "author_type": "usager"}
# Fields with a format (an e-mail address) get each value in a post of their own: there
# it refuses the form, which would hide what the free-text fields do with it.
CHECKED_FORMAT = {"news_email"}


@pytest.mark.parametrize("name", sorted(PARTICIPANT_FORMS))
def test_participant_fields_with_the_whole_corpus(probe, world, db, name):
    """Each value in every text field at once, then in the other fields with a valid text.

    A text refused as too short or too long refuses the whole form: the second post is
    what stores the value in the pseudonym (or group) whatever it does to the body.
    """
    role, endpoint, expected = PARTICIPANT_FORMS[name]
    meeting = world.open_meeting(publish_immediately=False)
    url = world.app.url_map.bind("localhost").build(endpoint, {"meeting_id": meeting.id})
    form = find_form(probe.get(role, url).get_data(as_text=True), url, url)
    fields = form.text_fields()
    assert expected <= set(fields), fields
    others = [f for f in fields if f != "body"]
    free_text = [f for f in fields if f not in CHECKED_FORMAT]
    base = merge(form.defaults(), PICKED, {"consent": "y"})  # nothing is chosen in advance
    keys = []
    for value_name, value in CORPUS:
        keys.append(form_key())
        data = merge(base, dict.fromkeys(free_text, value), {"form_key": keys[-1]})
        probe.post(role, url, data, f" [{', '.join(free_text)} = {value_name}]")
        keys.append(form_key())  # the other fields again, with a valid text this time
        data = merge(data, {"body": f"Avis {len(keys)} sur les transports", "form_key": keys[-1]})
        probe.post(role, url, data, f" [{', '.join(others)} = {value_name}]")
        for name in CHECKED_FORMAT & set(fields):  # refused with a message, never a 500
            keys.append(form_key())
            data = merge(data, {name: value, "form_key": keys[-1]})
            probe.post(role, url, data, f" [{name} = {value_name}]")
            data[name] = ""
    contributions = created(db, keys)
    assert len(contributions) > len(CORPUS)  # most values are accepted, once cleaned
    check_contribution_pages(probe, meeting, contributions)
    probe.assert_clean()


def test_easy_read_form_with_the_whole_corpus(probe, world, db):
    """The FALC form asks one thing per screen; its last screen sends every answer."""
    meeting = world.open_meeting(publish_immediately=False)
    url = f"/rencontres/{meeting.id}/contribuer/facile"
    form = find_form(probe.get("anonymous", url).get_data(as_text=True), url, url)
    assert {"step", "form_key", "author_type"} <= {c.name for c in form.controls}
    base = {
        "author_type": "usager",
        "kind": "proposition",
        "consent": "y",
        "step": "envoyer",
        "envoyer": "",
    }
    keys = []
    for value_name, value in CORPUS:
        keys.append(form_key())
        data = merge(base, {"body": value, "pseudonym": value, "form_key": keys[-1]})
        probe.post("anonymous", url, data, f" [body, pseudonym = {value_name}]")
        keys.append(form_key())
        data = merge(data, {"body": f"Avis {len(keys)} sur le RSA", "form_key": keys[-1]})
        probe.post("anonymous", url, data, f" [pseudonym = {value_name}]")
    for step in ("qui", "quoi", "avis", "prenom"):  # the screens give the text back
        data = merge(base, {"step": step, "body": ALL_VALUES[0], "form_key": form_key()})
        del data["envoyer"]
        probe.post("anonymous", url, data, f" [étape {step}]")
    contributions = created(db, keys)
    assert len(contributions) > len(CORPUS)
    check_contribution_pages(probe, meeting, contributions)
    probe.assert_clean()


def test_report_note_with_the_whole_corpus(probe, world):
    contribution = world.contribution
    url = f"/contributions/{contribution.id}/signaler"
    form = find_form(probe.get("anonymous", url).get_data(as_text=True), url, url)
    assert "note" in form.text_fields()
    for value_name, value in CORPUS:
        probe.new_browser()  # one report per browser is kept
        data = merge(form.defaults(), {"reason": "insulte", "note": value})
        probe.post("anonymous", url, data, f" [note = {value_name}]")
    probe.get("admin", f"/moderation/{contribution.id}")
    probe.get("admin", "/moderation/?signalee=1")
    probe.get("admin", "/admin/journal-moderation.csv")
    probe.assert_clean()


def test_moderation_decisions_with_the_whole_corpus(probe, world):
    """Rejection note (shown on the receipt page), reason of a correction, corrected text."""
    make = world.f["make_contribution"]
    contributions = []
    for index, (value_name, value) in enumerate(CORPUS):
        contribution = make(meeting=world.meeting, status="pending", body=f"Avis n° {index}")
        world.commit()
        contributions.append(contribution)
        url = f"/moderation/{contribution.id}"
        if index == 0:
            page = probe.get("admin", url).get_data(as_text=True)
            form = find_form(page, f"{url}/decision", url, having={"note"})
            assert "note" in form.text_fields()
            form = find_form(page, f"{url}/decision", url, having={"edit_reason"})
            assert {"body", "edit_reason"} <= set(form.text_fields())
        decisions = [
            ("note", {"action": "reject", "reason": "autre", "note": value}),
            ("edit_reason", {"action": "edit", "body": f"Corrigé {index}", "edit_reason": value}),
            ("body", {"action": "edit", "body": value, "edit_reason": "Coquille"}),
        ]
        for name, data in decisions:
            probe.post("admin", f"{url}/decision", data, f" [{name} = {value_name}]")
        probe.post("anonymous", "/suivi", {"code": contribution.receipt_code})  # the note
    probe.db.session.rollback()
    check_contribution_pages(probe, world.meeting, contributions)  # publishes them
    probe.assert_clean()


def test_meeting_minutes_with_the_whole_corpus(probe, world):
    """The minutes are the one rich text shown as HTML (``|safe``): bleach must hold."""
    for value_name, value in CORPUS:
        meeting = world.open_meeting()
        world.commit()
        manage = f"/rencontres/{meeting.id}/gestion"
        page = probe.get("facilitator", manage, values=()).get_data(as_text=True)
        form = find_form(page, f"/rencontres/{meeting.id}/cloture", manage)
        assert "cloture-minutes" in form.text_fields()
        data = merge(form.defaults(), {"cloture-minutes": value})
        probe.post("facilitator", f"/rencontres/{meeting.id}/cloture", data, f" [{value_name}]")
        probe.get("anonymous", f"/rencontres/{meeting.id}")
        probe.get("facilitator", manage)
    probe.assert_clean()


def test_synthesis_editorial_with_the_whole_corpus(app, probe, world):
    """The editorial part is rich text shown as HTML (``|safe``) and exported."""
    _skip_unless_routed(app, "synthesis.edit_editorial")
    version = f"/syntheses/{world.draft_synthesis.id}/v1"
    page = probe.get("facilitator", f"{version}/redaction").get_data(as_text=True)
    form = find_form(page, f"{version}/redaction", f"{version}/redaction")
    fields = form.text_fields()
    assert {"introduction", "analysis", "conclusions"} <= set(fields), fields
    for value_name, value in CORPUS:
        data = merge(form.defaults(), dict.fromkeys(fields, value))
        probe.post("facilitator", f"{version}/redaction", data, f" [{value_name}]")
        probe.get("facilitator", version)
        probe.get("facilitator", f"{version}.json")
    probe.assert_clean()


# --- Every other form: the nastiest values, and a text that grows when normalised ------


def _nothing(*_args):
    return {}


def _nowhere(*_args):
    return []


@dataclass
class FormCase:
    """A form to attack: who uses it, on which page, and where its text is shown later."""

    role: str
    page: Callable  # World → URL of the page showing the form
    action: Callable | None = None  # World → URL it submits to (None: the page itself)
    filler: Callable = _nothing  # (World, n) → valid values for the other fields
    shown: Callable = _nowhere  # (World, db) → [(role, url)] checked afterwards
    having: tuple = ()  # a field that tells this form from others with the same action
    endpoint: str = ""  # skipped while this route does not exist (being written)


def _new_meetings(world, db):
    db.session.rollback()
    ids = db.session.scalars(sa.select(Meeting.id)).all()
    return [("facilitator", f"/rencontres/{i}/gestion") for i in ids] + [
        ("facilitator", f"/rencontres/{i}") for i in ids
    ]


def _meeting_pages(world, db):
    m = world.meeting.id
    public = ["/", "/rencontres/", f"/rencontres/{m}", f"/rencontres/{m}/mur"]
    public += [f"/rencontres/{m}/affiche", f"/rencontres/{m}/contribuer"]
    public += [f"/rencontres/{m}/contribuer/facile", "/contributions/"]
    staff = [f"/rencontres/{m}/gestion", f"/rencontres/{m}/saisie", "/moderation/"]
    return [("anonymous", u) for u in public] + [("facilitator", u) for u in staff]


def _reference_pages(world, db):
    m = world.meeting.id
    public = ["/territoires/", "/contributions/", f"/rencontres/{m}/contribuer"]
    staff = ["/rencontres/nouvelle", "/moderation/", "/admin/territoires"]
    return [("anonymous", u) for u in public] + [("admin", u) for u in staff]


def _group_pages(world, db):
    g, f = world.group.id, world.group_fiche.id
    member = [f"/groupes/{g}/", f"/groupes/{g}/fiches/{f}", f"/groupes/{g}/decisions?filtre=toutes"]
    member += [f"/groupes/{g}/syntheses/{world.group_version.id}", "/groupes/"]
    public = ["/suite/", f"/suite/rencontres/{world.meeting.id}", f"/suite/fiches/{f}"]
    return (
        [("member", u) for u in member]
        + [("anonymous", u) for u in public]
        + [("facilitator", "/comite/")]
    )


def _followup_pages(world, db):
    fiche = world.followed_fiche
    public = [f"/suivi-du-schema/fiches/{fiche.id}", f"/suivi-du-schema/{world.scheme.slug}/"]
    public += [f"/suite/fiches/{fiche.id}", "/bilans/"]
    return [("anonymous", u) for u in public] + [("member", f"/suivi-du-schema/fiches/{fiche.id}")]


def _indicator(world) -> int:
    return world.followed_fiche.indicators[0].id


def _action(world) -> int:
    return world.followed_fiche.top_actions[0].id


def _passwords(world, n):
    return {"password": STRONG, "confirm": STRONG}


FORM_CASES = {
    "connexion": FormCase(
        "anonymous", lambda w: "/connexion", filler=lambda w, n: {"email": "x@exemple.fr"}
    ),
    "inscription": FormCase(
        "anonymous",
        lambda w: "/inscription",
        filler=lambda w, n: {
            "display_name": "Camille",
            "email": f"inscrit{n}@exemple.fr",
            **_passwords(w, n),
        },
        shown=lambda w, db: [("admin", "/admin/comptes")],
    ),
    "mon-compte": FormCase(
        "participant",
        lambda w: "/mon-compte",
        filler=lambda w, n: {"current": DEFAULT_PASSWORD, **_passwords(w, n)},
    ),
    "mot-de-passe-oublie": FormCase("anonymous", lambda w: "/mot-de-passe-oublie"),
    "reinitialiser": FormCase(
        "anonymous", lambda w: f"/reinitialiser/{w.reset_token}", filler=_passwords
    ),
    "invitation": FormCase(
        "anonymous", lambda w: f"/invitation/{w.invitation_token}", filler=_passwords
    ),
    "inviter": FormCase(
        "admin",
        lambda w: "/admin/comptes",
        filler=lambda w, n: {
            "display_name": "Camille Martin",
            "email": f"invite{n}@exemple.fr",
            "role": "facilitator",
        },
        shown=lambda w, db: [("admin", "/admin/comptes")],
    ),
    "organisation": FormCase(
        "admin",
        lambda w: "/admin/comptes",
        lambda w: "/admin/organisations",
        filler=lambda w, n: {"name": f"Association {n}"},
        shown=lambda w, db: [("admin", "/admin/comptes")],
    ),
    "apparence": FormCase(
        "admin",
        lambda w: "/admin/apparence",
        filler=lambda w, n: {
            "department_name": "Savoie",
            "platform_name": "Consult",
            "primary_colour": "#1d4f91",
        },
        shown=lambda w, db: [
            ("anonymous", "/"),
            ("anonymous", "/donnees-personnelles"),
            ("anonymous", "/accessibilite"),
            ("anonymous", "/theme.css"),
            ("admin", "/admin/apparence"),
        ],
    ),
    "territoire": FormCase(
        "admin",
        lambda w: "/admin/territoires",
        lambda w: "/admin/territoires",
        filler=lambda w, n: {"name": f"Territoire {n}", "kind": "Bassin de vie"},
        shown=_reference_pages,
        having=("parent_id",),
    ),
    "public": FormCase(
        "admin",
        lambda w: "/admin/territoires",
        lambda w: "/admin/publics",
        filler=lambda w, n: {"label": f"Public {n}"},
        shown=_reference_pages,
    ),
    "niveaux": FormCase(
        "admin",
        lambda w: f"/admin/schemas/{w.scheme.slug}/niveaux",
        shown=lambda w, db: [
            ("anonymous", f"/schemas/{w.scheme.slug}/"),
            ("anonymous", f"/schemas/{w.scheme.slug}/fiches/{w.scheme.fiches[0].number}"),
        ],
    ),
    "nouvelle-rencontre": FormCase(
        "facilitator",
        lambda w: w.scheme.slug and "/rencontres/nouvelle",  # a scheme to choose from
        filler=lambda w, n: {"title": f"Rencontre {n}", "user_groups": "Atelier 1"},
        shown=_new_meetings,
    ),
    "modifier-rencontre": FormCase(
        "facilitator",
        lambda w: f"/rencontres/{w.meeting.id}/modifier",
        filler=lambda w, n: {"title": f"Rencontre {n}", "kind": "universite_sociale"},
        shown=_meeting_pages,
    ),
    "presences": FormCase(
        "facilitator",
        lambda w: f"/rencontres/{w.meeting.id}/gestion",
        lambda w: f"/rencontres/{w.meeting.id}/presences",
        shown=lambda w, db: [
            ("anonymous", f"/rencontres/{w.meeting.id}"),
            ("facilitator", f"/rencontres/{w.meeting.id}/gestion"),
        ],
    ),
    "cloture": FormCase(
        "facilitator",
        lambda w: f"/rencontres/{w.meeting.id}/gestion",
        lambda w: f"/rencontres/{w.meeting.id}/cloture",
        shown=lambda w, db: [("anonymous", f"/rencontres/{w.meeting.id}")],
    ),
    "suivi": FormCase("anonymous", lambda w: "/suivi"),
    "synthese": FormCase(
        "facilitator",
        lambda w: w.scheme.slug and "/syntheses/nouvelle",
        filler=lambda w, n: {"title": f"Synthèse {n}", "scheme_id": str(w.scheme.id)},
        shown=lambda w, db: [("facilitator", "/syntheses/"), ("anonymous", "/syntheses/")],
        endpoint="synthesis.create",
    ),
    "redaction": FormCase(
        "facilitator",
        lambda w: f"/syntheses/{w.draft_synthesis.id}/v1/redaction",
        shown=lambda w, db: [("facilitator", f"/syntheses/{w.draft_synthesis.id}/v1")],
        endpoint="synthesis.edit_editorial",
    ),
    # --- Working groups, fiches, decisions, follow-up, annual reports -----------------
    "groupe-nouveau": FormCase(
        "admin",
        lambda w: w.scheme.slug and "/groupes/nouveau",
        filler=lambda w, n: {"name": f"Groupe {n}", "scheme_id": str(w.scheme.id)},
        shown=lambda w, db: [("admin", "/groupes/")],
    ),
    "groupe-membre": FormCase(
        "admin",
        lambda w: f"/groupes/{w.group.id}/",
        lambda w: f"/groupes/{w.group.id}/membres",
        shown=lambda w, db: [("admin", f"/groupes/{w.group.id}/")],
    ),
    "groupe-discussion": FormCase(
        "member",
        lambda w: f"/groupes/{w.group.id}/syntheses/{w.group_version.id}",
        lambda w: f"/groupes/{w.group.id}/syntheses/{w.group_version.id}/idees/0/0/commentaires",
        shown=_group_pages,
    ),
    "fiche-nouvelle": FormCase(
        "member",
        lambda w: f"/groupes/{w.group.id}/fiches/nouvelle",
        filler=lambda w, n: {"title": f"Fiche {n}"},
        shown=_group_pages,
    ),
    "fiche-modifier": FormCase(
        "member",
        lambda w: f"/groupes/{w.group.id}/fiches/{w.group_fiche.id}/modifier",
        filler=lambda w, n: {"title": f"Fiche {n}"},
        shown=_group_pages,
    ),
    "fiche-etat": FormCase(
        "member",
        lambda w: f"/groupes/{w.group.id}/fiches/{w.group_fiche.id}",
        lambda w: f"/groupes/{w.group.id}/fiches/{w.group_fiche.id}/etat",
        filler=lambda w, n: {"target": "proposee"},
        shown=_group_pages,
    ),
    "suite-donnee": FormCase(
        "member",
        # the group's draft fiche answers the typical contribution: it is in the group's list
        lambda w: w.group_fiche and f"/groupes/{w.group.id}/decisions?filtre=toutes",
        lambda w: f"/groupes/{w.group.id}/contributions/{w.contribution.id}/decision",
        filler=lambda w, n: {"outcome": "non_retenue", "reason": f"Motif {n}"},
        shown=_group_pages,
    ),
    "mesure": FormCase(
        "member",
        lambda w: f"/suivi-du-schema/fiches/{w.followed_fiche.id}",
        lambda w: f"/suivi-du-schema/indicateurs/{_indicator(w)}/mesures",
        filler=lambda w, n: {f"mesure-{_indicator(w)}-year": "2023"},
        shown=_followup_pages,
    ),
    "indicateur": FormCase(
        "member",
        lambda w: f"/suivi-du-schema/fiches/{w.followed_fiche.id}",
        lambda w: f"/suivi-du-schema/indicateurs/{_indicator(w)}",
        shown=_followup_pages,
    ),
    "jalon": FormCase(
        "member",
        lambda w: f"/suivi-du-schema/fiches/{w.followed_fiche.id}",
        lambda w: f"/suivi-du-schema/actions/{_action(w)}/jalons",
        filler=lambda w, n: {f"jalon-{_action(w)}-label": f"Jalon {n}"},
        shown=_followup_pages,
    ),
    "avancement": FormCase(
        "member",
        lambda w: f"/suivi-du-schema/fiches/{w.followed_fiche.id}",
        lambda w: f"/suivi-du-schema/fiches/{w.followed_fiche.id}/avancement",
        shown=_followup_pages,
    ),
    "bilan": FormCase(
        "admin",
        lambda w: w.scheme.slug and "/bilans/",
        lambda w: "/bilans/nouveau",
        filler=lambda w, n: {"year": "2023", "scheme_id": str(w.scheme.id)},
        shown=lambda w, db: [("admin", "/bilans/"), ("anonymous", "/bilans/")],
    ),
}


def _skip_unless_routed(app, endpoint: str):
    if endpoint and endpoint not in url_rules(app):
        pytest.skip(f"{endpoint} n'existe pas encore")


def _attack_values(control) -> list[tuple[str, str]]:
    values = corpus(NASTIEST)
    if control.maxlength and control.maxlength <= 5000:
        values.append(("nfc_expansion", nfc_expanding(control.maxlength)))
    return values


def _case_form(probe, world, case: FormCase):
    page = case.page(world)
    action = case.action(world) if case.action else page
    html = probe.get(case.role, page).get_data(as_text=True)
    return action, find_form(html, action, page, case.having)


@pytest.mark.parametrize("name", sorted(FORM_CASES))
def test_every_other_form_with_the_nastiest_values(app, probe, world, name):
    case = FORM_CASES[name]
    _skip_unless_routed(app, case.endpoint)
    action, form = _case_form(probe, world, case)
    fields = form.text_fields()
    assert fields, f"{name} : aucun champ texte trouvé"
    controls = {c.name: c for c in form.controls}
    for number, field_name in enumerate(fields):
        for value_name, value in _attack_values(controls[field_name]):
            filler = case.filler(world, f"{number}{value_name.replace('_', '')}")
            data = merge(form.defaults(), filler, {field_name: value})
            probe.post(case.role, action, data, f" [{field_name} = {value_name}]")
    for role, url in case.shown(world, probe.db):
        probe.get(role, url)
    probe.assert_clean()


@pytest.mark.parametrize("name", sorted(FORM_CASES))
def test_invalid_utf8_in_form_bodies(app, probe, world, name):
    """Raw bytes that are not UTF-8, in each text field of each form."""
    case = FORM_CASES[name]
    _skip_unless_routed(app, case.endpoint)
    action, form = _case_form(probe, world, case)
    for raw in INVALID_UTF8:
        for field_name in form.text_fields():
            body = urlencode(merge(form.defaults(), case.filler(world, "utf8")), doseq=True)
            body = body.encode() + b"&" + field_name.encode() + b"=" + raw
            label = f" [{field_name} = {raw!r}]"
            kind = "application/x-www-form-urlencoded"
            probe.post(case.role, action, body, label, content_type=kind)
    probe.assert_clean()


def test_invalid_utf8_in_participants_forms(probe, world):
    for raw in INVALID_UTF8:
        for url in (f"/rencontres/{world.meeting.id}/contribuer", "/suivi", "/connexion"):
            body = b"consent=y&form_key=" + form_key().encode() + b"&body=" + raw
            body += b"&pseudonym=" + raw + b"&code=" + raw + b"&email=" + raw
            kind = "application/x-www-form-urlencoded"
            probe.post("anonymous", url, body, f" [{raw!r}]", content_type=kind)
    probe.assert_clean()


# --- Hidden fields, choices and buttons: values no browser would send -------------------

ODD_VALUES = [
    ("breakout", '"><script>alert(1)</script>'),
    ("huge_number", HUGE),
    ("negative", "-1"),
    ("not_a_number", "abc"),
    ("null_byte", "\x00"),
]
CHOICE_PAGES = {
    **{name: (case.role, case.page, case.endpoint) for name, case in FORM_CASES.items()},
    "moderation-revue": ("admin", lambda w: f"/moderation/{w.pending_contribution.id}", ""),
    "moderation-file": ("admin", lambda w: "/moderation/?statut=pending", ""),
    "moderation-doublons": (
        "admin",
        lambda w: f"/moderation/doublons?rencontre={w.meeting.id}",
        "",
    ),
    "import-apercu": (
        "facilitator",
        lambda w: f"/rencontres/{w.meeting.id}/import/{w.upload.id}",
        "",
    ),
    "signaler": ("anonymous", lambda w: f"/contributions/{w.contribution.id}/signaler", ""),
    "contribuer": ("anonymous", lambda w: f"/rencontres/{w.meeting.id}/contribuer", ""),
    "saisie": ("facilitator", lambda w: f"/rencontres/{w.meeting.id}/saisie", ""),
    "rencontre": ("anonymous", lambda w: f"/rencontres/{w.meeting.id}", ""),
    "suivi-droits": ("anonymous", lambda w: "/suivi", ""),
}


@pytest.mark.parametrize("name", sorted(CHOICE_PAGES))
def test_choices_and_hidden_fields_with_odd_values(app, probe, world, name):
    role, page_of, endpoint = CHOICE_PAGES[name]
    _skip_unless_routed(app, endpoint)
    _ = world.contribution, world.pending_contribution  # something to support, merge, tag
    page = page_of(world)
    if name == "suivi-droits":  # the rights forms appear once a receipt code is given
        html = probe.post(role, page, {"code": world.contribution.receipt_code}).text
    else:
        html = probe.get(role, page).get_data(as_text=True)
    for form in parse_forms(html):
        action = urlsplit(form.action).path or urlsplit(page).path
        if form.method != "post" or action == "/deconnexion":
            continue
        names = [
            c.name
            for c in form.controls
            if not c.is_text and c.name != "csrf_token" and c.type != "file"
        ]
        for control_name in dict.fromkeys(names):
            for value_name, value in ODD_VALUES:
                data = merge(form.defaults(), {control_name: value})
                probe.post(role, action, data, f" [{control_name} = {value_name}]")
    probe.assert_clean()


# --- Query strings and paths ----------------------------------------------------------------

QUERY_CASES = {
    "contributions": ("anonymous", lambda w: "/contributions/", ("type", "territoire", "page")),
    "rencontre": ("anonymous", lambda w: f"/rencontres/{w.meeting.id}", ("page",)),
    "mur": ("anonymous", lambda w: f"/rencontres/{w.meeting.id}/mur.json", ("since", "after")),
    "rejoindre": ("anonymous", lambda w: "/rejoindre", ("code",)),
    "connexion": ("anonymous", lambda w: "/connexion", ("next",)),
    "saisie": (
        "facilitator",
        lambda w: f"/rencontres/{w.meeting.id}/saisie",
        ("type", "auteur", "canal", "groupe", "territoire"),
    ),
    "moderation-file": ("admin", lambda w: "/moderation/", (*ARG_NAMES, "page")),
    "moderation-revue": ("admin", lambda w: f"/moderation/{w.contribution.id}", tuple(ARG_NAMES)),
    "moderation-doublons": ("admin", lambda w: "/moderation/doublons", ("rencontre",)),
    "journal": ("admin", lambda w: "/admin/journal-moderation", ("page",)),
    "syntheses": ("anonymous", lambda w: "/syntheses/", ("page",)),
    "groupe": ("member", lambda w: f"/groupes/{w.group.id}/", ("page",)),
    "decisions": (
        "member",
        lambda w: f"/groupes/{w.group.id}/decisions",
        ("filtre", "type", "page"),
    ),
    "fiche-nouvelle": (
        "member",
        lambda w: f"/groupes/{w.group.id}/fiches/nouvelle",
        ("version", "idee"),
    ),
    "suite-rencontre": ("anonymous", lambda w: f"/suite/rencontres/{w.meeting.id}", ("page",)),
    "suite-theme": (
        "anonymous",
        lambda w: f"/suite/thematiques/{w.scheme.themes[0].id}",
        ("page",),
    ),
    "suite-fiche": ("anonymous", lambda w: f"/suite/fiches/{w.public_fiche.id}", ("page",)),
}


@pytest.mark.parametrize("name", sorted(QUERY_CASES))
def test_query_strings_with_odd_values(app, probe, world, name):
    role, url_of, params = QUERY_CASES[name]
    _skip_unless_routed(app, "synthesis.index" if name == "syntheses" else "")
    _ = world.contribution
    url = url_of(world)
    for param in params:
        for value_name, value in [*corpus(NASTIEST), *ODD_VALUES[1:]]:
            label = f" [{param} = {value_name}]"
            probe.get(role, url, label=label, query_string={param: value})
        probe.get(role, url, label=f" [{param} = UTF-8 invalide]", query_string=f"{param}=%FF%FE")
    probe.assert_clean()


def test_join_code_in_the_path(probe):
    for _value_name, value in [*corpus(NASTIEST), ("huge", HUGE)]:
        probe.get("anonymous", "/r/" + value[:30].replace("/", "%2F").replace("?", "%3F"))
    probe.get("anonymous", "/r/%FF%FE")
    probe.assert_clean()


# --- Uploads ------------------------------------------------------------------------------

# A NUL byte makes a whole file "not text" (refused, see IMPORT_FILES): kept apart here.
HOSTILE_CELLS = [v for n, v in CORPUS if not n.startswith("long_") and "\x00" not in v]


def _csv(rows) -> bytes:
    out = io.StringIO()
    for row in rows:
        out.write(";".join('"' + cell.replace('"', '""') + '"' for cell in row) + "\n")
    return out.getvalue().encode()


IMPORT_FILES = {
    "traversee": ("../../etc/passwd.csv", _csv([["texte"], ["Plus de bus le dimanche"]])),
    "nom_hostile": ('"><img src=x onerror=alert(1)>.csv', _csv([["texte"], ["Bus"]])),
    "nom_controle": ("avis\x01\u202e.csv", _csv([["texte"], ["Plus de bus"]])),
    "png_en_csv": ("photo.csv", PNG),
    "html_en_csv": ("page.csv", b"<html><script>alert(1)</script></html>"),
    "executable": ("virus.exe", b"MZ\x90\x00"),
    "bombe_zip": ("bombe.xlsx", zip_bomb()),
    "faux_xlsx": ("faux.xlsx", _csv([["texte"], ["Bus"]])),
    "binaire_nul": ("nul.csv", b"\x00" * 4096),
    "utf8_invalide": ("avis.csv", b"texte\n\xff\xfe\xc0\xaf Bus le dimanche\n"),
}


@pytest.mark.parametrize("name", sorted(IMPORT_FILES))
def test_import_refuses_or_cleans_hostile_files(probe, world, db, name):
    filename, content = IMPORT_FILES[name]
    url = f"/rencontres/{world.meeting.id}/import"
    upload = multipart({"file": (filename, content)})
    response = probe.post("facilitator", url, upload.pop("data"), f" [{name}]", **upload)
    assert response.status_code in (302, 303, 422), response.status_code
    db.session.rollback()
    for stored in db.session.scalars(sa.select(ContributionImport)):
        assert not set(stored.filename) & set("/\\"), stored.filename
        assert not stored.filename.startswith("."), stored.filename
    probe.assert_clean()


def test_imported_hostile_cells_are_cleaned_everywhere(probe, world, db):
    rows = [["texte", "pseudonyme", "groupe"]] + [
        [f"Avis {i} : {v}", v[:80], v[:200]] for i, v in enumerate(HOSTILE_CELLS)
    ]
    url = f"/rencontres/{world.meeting.id}/import"
    upload = multipart({"file": ("hostile.csv", _csv(rows))})
    response = probe.post("facilitator", url, upload.pop("data"), **upload)
    assert response.status_code in (302, 303), response.status_code
    preview = urlsplit(response.headers["Location"]).path
    probe.post("facilitator", preview + "/confirmer", {})
    db.session.rollback()
    imported = db.session.scalars(
        sa.select(Contribution).where(Contribution.idempotency_key.like("import:%"))
    ).all()
    assert len(imported) == len(HOSTILE_CELLS)
    check_contribution_pages(probe, world.meeting, imported)
    probe.assert_clean()


LOGOS = {
    "svg_en_png": ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', 422),
    "html_en_png": ("logo.png", b"<html><script>alert(1)</script></html>", 422),
    "trop_lourd": ("logo.png", PNG + b"\x00" * (600 * 1024), 422),
    "mauvaise_extension": ("logo.svg", PNG, 422),
    "png_suivi_de_script": ("logo.png", PNG + b"<script>alert(1)</script>", 302),
}


@pytest.mark.parametrize("name", sorted(LOGOS))
def test_logo_upload_checks_the_bytes(probe, name):
    filename, content, expected = LOGOS[name]
    fields = {"department_name": "Savoie", "platform_name": "Consult", "primary_colour": "#1d4f91"}
    upload = multipart({"logo": (filename, content)}, fields)
    response = probe.post("admin", "/admin/apparence", upload.pop("data"), f" [{name}]", **upload)
    assert response.status_code == expected
    if expected == 302:  # served as a PNG that the browser must not sniff into HTML
        logo = probe.get("anonymous", "/logo")
        assert logo.mimetype == "image/png"
        assert logo.headers["X-Content-Type-Options"] == "nosniff"
    probe.assert_clean()


def test_scheme_import_with_hostile_texts(probe):
    document = load_fixture("savoie.json")
    nasty = [v for _n, v in corpus(NASTIEST)]
    document.update(
        department=nasty[0],
        title=nasty[1],
        axes=[{**document["axes"][0], "title": nasty[2], "description": nasty[3]}],
        themes=[{**document["themes"][0], "title": nasty[4]}],
        fiches=[{**document["fiches"][0], "title": nasty[1], "actions": nasty}],
    )
    upload = multipart({"document": ("schema.json", json.dumps(document).encode())})
    response = probe.post("admin", "/admin/schemas/importer", upload.pop("data"), **upload)
    assert response.status_code == 302, response.status_code
    slug = response.headers["Location"].rstrip("/").split("/")[-1]
    probe.get("anonymous", "/schemas/")
    probe.get("anonymous", f"/schemas/{slug}/")
    probe.get("anonymous", f"/schemas/{slug}/fiches/{document['fiches'][0]['number']}")
    probe.assert_clean()


# --- Exports: no formula reaches a spreadsheet ------------------------------------------


def test_import_template_has_no_formula(probe, world):
    response = probe.get("facilitator", f"/rencontres/{world.meeting.id}/import/modele.csv")
    assert response.status_code == 200
    assert not formula_cells(response.get_data(as_text=True))
    probe.assert_clean()


def test_audit_log_csv_neutralises_formulas(probe, world, db):
    make = world.f["make_contribution"]
    admin = world.user("admin")
    admin.display_name = '=HYPERLINK("http://evil.example","Voir")'  # the "par" column
    for index, (_name, value) in enumerate(corpus({"formula_hyperlink", "formula_cmd"})):
        pending = make(meeting=world.meeting, status="pending", body=f"Avis {index}")
        world.commit()
        url = f"/moderation/{pending.id}/decision"
        probe.post("admin", url, {"action": "publish"})
        probe.post("admin", url, {"action": "edit", "body": value, "edit_reason": value})
        probe.post("admin", url, {"action": "reject", "reason": "autre", "note": "@SUM(1+1)"})
    for value in ("-2+3", "+cmd|' /C calc'!A0", "\t=1+1"):
        pending = make(meeting=world.meeting, status="pending", body=value)
        world.commit()
        probe.post("admin", f"/moderation/{pending.id}/decision", {"action": "publish"})
    text = probe.get("admin", "/admin/journal-moderation.csv").get_data(as_text=True)
    for kept in ("'=HYPERLINK", "'+cmd|", "'-2+3"):  # kept, neutralised
        assert kept in text
    probe.assert_clean()


FORMULAS = [v for n, v in CORPUS if n.startswith("formula_")]


def test_synthesis_exports_neutralise_formulas(app, probe, world, jobs):
    """A synthesis built from contributions that look like formulas, exported by anyone."""
    _skip_unless_routed(app, "synthesis.export_contributions")
    from openpyxl import load_workbook

    meeting = world.open_meeting()
    for index, value in enumerate(FORMULAS * 2):
        url = f"/rencontres/{meeting.id}/contribuer"
        data = {"body": value, "pseudonym": value[:80], "consent": "y", "form_key": form_key()}
        data |= {"kind": "proposition", "author_type": "usager"}
        probe.new_browser()
        assert probe.post("anonymous", url, data, f" [{index}]").status_code == 200
    data = {
        "title": FORMULAS[0],
        "template": "rencontre",
        "scheme_id": str(world.scheme.id),
        "meeting_ids": str(meeting.id),
    }
    response = probe.post("facilitator", "/syntheses/nouvelle", data)
    assert response.status_code == 303, response.status_code
    jobs.run_all()
    synthesis = urlsplit(response.headers["Location"]).path
    editorial = {"introduction": "<p>Introduction</p>"}  # published with its editorial part
    assert probe.post("facilitator", f"{synthesis}/v1/redaction", editorial).status_code == 303
    data = {"target": "published", "confirm": "y"}  # publishing asks for confirmation
    assert probe.post("facilitator", f"{synthesis}/v1/etat", data).status_code == 303
    csv_export = probe.get("anonymous", f"{synthesis}/v1/contributions.csv")
    assert csv_export.status_code == 200
    text = csv_export.get_data(as_text=True)
    assert "'=HYPERLINK" in text  # the contributions are there, neutralised
    xlsx = probe.get("anonymous", f"{synthesis}/v1/contributions.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    formulas = [c.value for c in cells if c.data_type == "f" or c.value.startswith("=")]
    assert not formulas, formulas
    assert any(c.value.startswith("'=HYPERLINK") for c in cells)
    probe.get("anonymous", f"{synthesis}/v1")
    probe.get("anonymous", f"{synthesis}/v1.json")
    probe.assert_clean()


# --- Size limits --------------------------------------------------------------------------


def test_bodies_over_the_limit_are_refused_with_413(app, probe, world):
    limit = app.config["MAX_CONTENT_LENGTH"]
    cases = [
        ("facilitator", f"/rencontres/{world.meeting.id}/import", "file", "gros.csv"),
        ("admin", "/admin/apparence", "logo", "gros.png"),
        ("admin", "/admin/schemas/importer", "document", "gros.json"),
    ]
    for role, url, name, filename in cases:
        upload = multipart({name: (filename, b"a" * (limit + 1))})
        response = probe.post(role, url, upload.pop("data"), **upload)
        assert response.status_code == 413, (url, response.status_code)
        assert "Envoi trop volumineux" in response.get_data(as_text=True)
    data = {"body": "a" * (limit + 1), "consent": "y", "form_key": form_key()}
    response = probe.post("anonymous", f"/rencontres/{world.meeting.id}/contribuer", data)
    assert response.status_code == 413, response.status_code
    probe.assert_clean()


# --- Redirects after sign-in ----------------------------------------------------------------

OFF_SITE = {
    "protocole_relatif": "//evil.example/",
    "absolu": "https://evil.example/",
    "javascript": "javascript:alert(1)",
    "antislash": "/\\evil.example/",
    "tabulation": "/\t/evil.example/",
}


def _browser_target(location: str) -> str:
    """Where a browser goes: it drops tabs and newlines and reads ``\\`` as ``/``."""
    return re.sub(r"[\t\n\r]", "", location).replace("\\", "/")


@pytest.mark.parametrize("target", list(OFF_SITE.values()), ids=list(OFF_SITE))
def test_sign_in_never_redirects_off_site(client, make_user, target):
    user = make_user(role="participant")
    response = client.post(
        "/connexion",
        query_string={"next": target},
        data={"email": user.email, "password": DEFAULT_PASSWORD},
    )
    assert response.status_code == 302
    location = urlsplit(_browser_target(response.headers["Location"]))
    assert (location.scheme, location.netloc) == ("", ""), response.headers["Location"]


# --- Findings fixed after the first run: one regression test each ---------------------


def test_unterminated_tag_never_reaches_the_wall(probe, world):
    meeting = world.open_meeting()
    data = {"body": "<img src=x onerror=alert(1)//", "consent": "y", "form_key": form_key()}
    data |= {"kind": "proposition", "author_type": "usager"}
    assert probe.post("anonymous", f"/rencontres/{meeting.id}/contribuer", data).status_code == 200
    items = probe.get("anonymous", f"/rencontres/{meeting.id}/mur.json").json["items"]
    assert items
    assert not any(tags_in_text(item["body"]) for item in items)


def test_edit_to_an_empty_text_is_refused(probe, world):
    contribution = world.pending_contribution
    data = {"action": "edit", "body": "<img src=x onerror=alert(1)>", "edit_reason": ""}
    response = probe.post("admin", f"/moderation/{contribution.id}/decision", data)
    assert response.status_code == 422


def test_nfc_expansion_never_overflows_columns(probe, db):
    name = nfc_expanding(120)  # 120 characters, 240 once normalised
    data = {"display_name": name, "email": "nfc@exemple.fr", **_passwords(None, 0)}
    response = probe.post("anonymous", "/inscription", data)
    db.session.rollback()
    user = db.session.scalar(sa.select(User).where(User.email == "nfc@exemple.fr"))
    assert response.status_code == 422 or len(user.display_name) <= 120


HUGE_NUMBER_URLS = [
    ("anonymous", "GET", "/contributions/?page=" + HUGE),
    ("anonymous", "GET", "/contributions/?territoire=" + HUGE),
    ("anonymous", "GET", "/rencontres/{meeting}?page=" + HUGE),
    ("admin", "GET", "/moderation/?page=" + HUGE),
    ("admin", "GET", "/moderation/doublons?rencontre=" + HUGE),
    ("admin", "GET", "/admin/journal-moderation?page=" + HUGE),
    ("admin", "POST", "/moderation/fusion?target=" + HUGE),
    ("admin", "POST", "/moderation/lot?ids=" + HUGE),
    ("admin", "POST", "/moderation/{contribution}/etiquettes?remove=" + HUGE),
]


@pytest.mark.parametrize(("role", "method", "url"), HUGE_NUMBER_URLS)
def test_huge_numbers_never_give_500(probe, world, role, method, url):
    url = url.format(meeting=world.meeting.id, contribution=world.contribution.id)
    if method == "GET":
        response = probe.get(role, url)
    else:
        path, _, query = url.partition("?")
        key, _, value = query.partition("=")
        response = probe.post(role, path, {key: value, "action": "publish"})
    assert response.status_code < 500
