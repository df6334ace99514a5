"""Pages publiques « droit de suite » : ce qui a été dit et ce qui en a été fait.

Everyone reads them, signed in or not. Their bodies (everything but the page's frame,
its forms and tokens) are the same for everyone who may see them: they are kept by
``core.cache.public_figures`` until something is published or decided. A meeting in
preparation is seen by the Département's team only; a fiche still being drafted by its
working group is seen by the group's members and the team only (404 for everyone
else, never 403).

A participant follows their own contribution with its receipt code (``/suivi``): its
status, the answer it got, and the rights the code proves (download, erase), which call
:mod:`consult.privacy.services`.
"""

import json

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, render_template, request
from flask_login import current_user
from markupsafe import Markup

from consult.contributions import services as contributions
from consult.contributions.models import FALC_KINDS, STATUSES, Contribution
from consult.core.cache import public_figures
from consult.core.db import get_or_404, small_int, utcnow
from consult.deliberations.services import deliberation_of
from consult.extensions import db, limiter
from consult.fiches.services import fiche_ideas
from consult.followup import tracing
from consult.followup.models import ACTION_STATUSES
from consult.meetings.models import PARTICIPANT_TYPES, Meeting
from consult.meetings.permissions import can_view_meeting
from consult.meetings.services import meeting_facts
from consult.moderation.models import REJECTION_REASONS
from consult.privacy import services as privacy
from consult.schemes.models import FICHE_STATUSES, Fiche, Theme
from consult.suite import services
from consult.suite.forms import ReceiptForm, RightsForm
from consult.workgroups.permissions import can_see_fiche, fiche_access

# No prefix: the droit de suite pages live under /suite/, a contribution's own tracking
# page (the receipt code) under /suivi, the address printed on receipts and posters.
bp = Blueprint("suite", __name__)


def _page_number() -> int:
    """The ``page`` query argument; anything unreadable is page 1."""
    return request.args.get("page", 1, type=small_int)


def _body(key: tuple, template: str, context) -> Markup:
    """A page's body, the same for everyone who may see it, kept until the figures change.

    ``context`` is called only when the body must be rendered again.
    """
    # The output of an autoescaped template: already escaped, kept as such.
    return public_figures(key, lambda: Markup(render_template(template, **context())))  # noqa: S704


@bp.get("/suite/")
def index():
    """Ce que sont devenues vos contributions: every scheme, its figures and its lists."""
    schemes = _body(
        ("suite", "index"),
        "suite/_schemes.html",
        lambda: {"traces": services.overview(), "fiche_statuses": FICHE_STATUSES},
    )
    return render_template(
        "suite/index.html", schemes=schemes, receipt_form=ReceiptForm(formdata=None)
    )


def _traced(figures, ids, syntheses, number: int) -> dict:
    """What a meeting's and a theme's pages both show: a page of their contributions with
    what became of them, the syntheses that read them and the fiches that answer them."""
    return {
        "page": services.traced_page(ids, number, figures.outcomes.total),
        "outcomes": figures.outcomes,
        "syntheses": syntheses,
        "fiches": services.fiches_by_id(figures.fiche_ids),
        "fiche_statuses": FICHE_STATUSES,
    }


@bp.get("/suite/rencontres/<int:meeting_id>")
def meeting(meeting_id: int):
    """One meeting: what was said there, and what was done with it."""
    facts = meeting_facts(meeting_id)  # kept: access decided without reading the database
    if facts is None or not can_view_meeting(current_user, facts):
        abort(404)
    number = _page_number()

    def context() -> dict:
        found = db.session.get(Meeting, meeting_id)
        if found is None:  # deleted since its facts were read: nothing is kept
            abort(404)
        figures = services.meeting_figures(found)
        ids = services.meeting_ids(found)
        syntheses = services.meeting_syntheses(found)
        return {
            "meeting": found,
            "participant_types": PARTICIPANT_TYPES,
            **_traced(figures, ids, syntheses, number),
        }

    body = _body(("suite", "meeting", meeting_id, number), "suite/_meeting_body.html", context)
    return render_template("suite/meeting.html", meeting=facts, body=body)


@bp.get("/suite/thematiques/<int:theme_id>")
def theme(theme_id: int):
    """One theme: the contributions tagged with it, and the fiches that answer them."""
    title = public_figures(("suite", "theme-title", theme_id), lambda: _theme_title(theme_id))
    if title is None:
        abort(404)
    number = _page_number()

    def context() -> dict:
        found = get_or_404(db.session, Theme, theme_id)
        figures = services.theme_figures(found)
        ids = services.theme_ids(found)
        syntheses = services.theme_syntheses(found)
        return {"theme": found, **_traced(figures, ids, syntheses, number)}

    body = _body(("suite", "theme", theme_id, number), "suite/_theme_body.html", context)
    return render_template("suite/theme.html", title=title, body=body)


def _theme_title(theme_id: int) -> str | None:
    """A theme's title, None when there is no such theme (kept: a theme is public)."""
    return db.session.scalar(sa.select(Theme.title).where(Theme.id == theme_id))


@bp.get("/suite/fiches/<int:fiche_id>")
def fiche(fiche_id: int):
    """One fiche: what it commits to, and what it takes from the concertation."""
    access = fiche_access(fiche_id)  # kept only while Redis tells every process a change
    if access is None or not can_see_fiche(access, current_user):
        abort(404)
    number = _page_number()

    def context() -> dict:
        found = get_or_404(db.session, Fiche, fiche_id)
        ids = services.fiche_ids(found)
        return {
            "fiche": found,
            "scheme": found.scheme,
            "adopted_on": services.adopted_on(found),
            "deliberation": deliberation_of(found),
            "ideas": fiche_ideas(found),
            "page": services.traced_page(ids, number, services.fiche_total(found)),
            "fiche_statuses": FICHE_STATUSES,
            "action_statuses": ACTION_STATUSES,
        }

    body = _body(("suite", "fiche", fiche_id, number), "suite/_fiche_body.html", context)
    # Kept too: naming the fiche's level would read its scheme at every visit.
    title = public_figures(("suite", "fiche-title", fiche_id), lambda: _fiche_title(fiche_id))
    return render_template("suite/fiche.html", title=title, body=body)


def _fiche_title(fiche_id: int) -> str:
    found = get_or_404(db.session, Fiche, fiche_id)
    return f"{found.scheme.level('fiche')} {found.number} — {found.title}"


# --- Following a contribution with its receipt code -----------------------------------


@bp.route("/suivi", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
def track():
    form = ReceiptForm()
    contribution = None
    if form.validate_on_submit():
        contribution = _by_receipt(form.code)
    return _track_page(form, contribution)


@bp.get("/suivi/<string(maxlength=20):code>")
@limiter.limit("30 per minute")
def track_link(code: str):
    """The same follow-up page, with the code in a link the participant can bookmark."""
    form = ReceiptForm(formdata=None, code=code)
    form.code.errors = []  # never validated: a fresh list to add the refusal to
    return _track_page(form, _by_receipt(form.code))


UNKNOWN_RECEIPT = (
    "Aucune contribution ne correspond à ce code. Vérifiez les lettres et les "
    "chiffres (le tiret et les espaces ne comptent pas)."
)


def _by_receipt(field) -> Contribution | None:
    contribution = contributions.find_by_receipt(field.data)
    if contribution is None:
        field.errors.append(UNKNOWN_RECEIPT)
    return contribution


def _track_page(form, contribution, rights=None, status=None):
    extras = []
    if contribution is not None:
        if rights is None:
            rights = RightsForm(formdata=None, code=contribution.receipt_code)
        extras = [shown for _, shown in contributions.follow_up_shown.send(contribution)]
    return render_template(
        "suite/track.html",
        form=form,
        contribution=contribution,
        rights=rights,
        statuses=STATUSES,
        rejection_reasons=REJECTION_REASONS,
        answer=tracing.answer_for(contribution) if contribution is not None else None,
        extras=extras,
        easy=request.args.get("facile") == "1",  # came through the easy-read form
        easy_kinds=FALC_KINDS,
    ), status or (422 if form.errors else 200)


@bp.post("/suivi/donnees")
@limiter.limit("30 per minute")
def download_data():
    rights = RightsForm()
    contribution = contributions.find_by_receipt(rights.code.data) if rights.validate() else None
    if contribution is None:
        abort(404)
    body = json.dumps(privacy.export_data(contribution), ensure_ascii=False, indent=2)
    name = f"ma-contribution-{contribution.receipt_code}.json"
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f"attachment; filename={name}"},
    )


@bp.post("/suivi/effacer")
@limiter.limit("10 per minute")
def erase():
    rights = RightsForm()
    contribution = contributions.find_by_receipt(rights.code.data) if rights.validate() else None
    if contribution is None:
        abort(404)
    form = ReceiptForm(formdata=None, code=contribution.receipt_code)
    if rights.choice.data not in ("anonymise", "withdraw") or not rights.confirm.data:
        rights.confirm.errors = ["Choisissez ce que vous voulez faire et cochez « Je confirme »."]
        return _track_page(form, contribution, rights, status=422)
    if rights.choice.data == "withdraw":
        privacy.withdraw(contribution, now=utcnow())
        message = "Votre contribution est retirée : son texte est effacé partout."
    else:
        privacy.anonymise(contribution, now=utcnow())
        message = "Votre signature est effacée : le texte reste, anonyme."
    db.session.commit()
    flash(message, "success")
    return _track_page(form, contribution)
