"""Pages publiques « droit de suite » : ce qui a été dit et ce qui en a été fait.

Everyone reads them, signed in or not. Their bodies (everything but the page's frame,
its forms and tokens) are the same for everyone who may see them: they are kept by
``core.cache.public_figures`` until something is published or decided. A meeting in
preparation is seen by the Département's team only; a fiche still being drafted by its
working group is seen by the group's members and the team only (404 for everyone
else, never 403).
"""

from flask import Blueprint, abort, render_template, request
from flask_login import current_user
from markupsafe import Markup

from consult.contributions.forms import ReceiptForm
from consult.core.cache import public_figures
from consult.core.db import get_or_404, small_int
from consult.deliberations.services import deliberation_of
from consult.extensions import db
from consult.fiches.services import fiche_ideas
from consult.followup.models import ACTION_STATUSES
from consult.meetings.models import PARTICIPANT_TYPES, Meeting
from consult.meetings.permissions import can_view_meeting
from consult.schemes.models import FICHE_STATUSES, Fiche, Theme
from consult.suite import services
from consult.workgroups.permissions import can_see_fiche

bp = Blueprint("suite", __name__, url_prefix="/suite")


def _page_number() -> int:
    """The ``page`` query argument; anything unreadable is page 1."""
    return request.args.get("page", 1, type=small_int)


def _body(key: tuple, template: str, context) -> Markup:
    """A page's body, the same for everyone who may see it, kept until the figures change.

    ``context`` is called only when the body must be rendered again.
    """
    # The output of an autoescaped template: already escaped, kept as such.
    return public_figures(key, lambda: Markup(render_template(template, **context())))  # noqa: S704


@bp.get("/")
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


@bp.get("/rencontres/<int:meeting_id>")
def meeting(meeting_id: int):
    """One meeting: what was said there, and what was done with it."""
    found = get_or_404(db.session, Meeting, meeting_id)
    if not can_view_meeting(current_user, found):
        abort(404)
    number = _page_number()

    def context() -> dict:
        figures = services.meeting_figures(found)
        ids = services.meeting_ids(found)
        return {
            "meeting": found,
            "participant_types": PARTICIPANT_TYPES,
            "page": services.traced_page(ids, number, figures.outcomes.total),
            "outcomes": figures.outcomes,
            "syntheses": services.meeting_syntheses(found),
            "fiches": services.fiches_by_id(figures.fiche_ids),
            "fiche_statuses": FICHE_STATUSES,
        }

    body = _body(("suite", "meeting", found.id, number), "suite/_meeting_body.html", context)
    return render_template("suite/meeting.html", meeting=found, body=body)


@bp.get("/thematiques/<int:theme_id>")
def theme(theme_id: int):
    """One theme: the contributions tagged with it, and the fiches that answer them."""
    found = get_or_404(db.session, Theme, theme_id)
    number = _page_number()

    def context() -> dict:
        figures = services.theme_figures(found)
        ids = services.theme_ids(found)
        return {
            "theme": found,
            "page": services.traced_page(ids, number, figures.outcomes.total),
            "outcomes": figures.outcomes,
            "syntheses": services.theme_syntheses(found),
            "fiches": services.fiches_by_id(figures.fiche_ids),
            "fiche_statuses": FICHE_STATUSES,
        }

    body = _body(("suite", "theme", found.id, number), "suite/_theme_body.html", context)
    return render_template("suite/theme.html", theme=found, body=body)


@bp.get("/fiches/<int:fiche_id>")
def fiche(fiche_id: int):
    """One fiche: what it commits to, and what it takes from the concertation."""
    found = get_or_404(db.session, Fiche, fiche_id)
    if not can_see_fiche(found, current_user):
        abort(404)
    number = _page_number()

    def context() -> dict:
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

    body = _body(("suite", "fiche", found.id, number), "suite/_fiche_body.html", context)
    # Kept too: naming the fiche's level would read its scheme at every visit.
    title = public_figures(
        ("suite", "fiche-title", found.id),
        lambda: f"{found.scheme.level('fiche')} {found.number} — {found.title}",
    )
    return render_template("suite/fiche.html", title=title, body=body)
