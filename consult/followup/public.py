"""Pages publiques « droit de suite » : ce qui a été dit et ce qui en a été fait.

Everyone reads them, signed in or not. A meeting in preparation is seen by the
Département's team only; a fiche still being drafted by its working group is seen by
the group's members and the team only (404 for everyone else, never 403).
"""

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from consult.contributions.forms import ReceiptForm
from consult.core.db import get_or_404, small_int
from consult.deliberations.services import deliberation_of
from consult.extensions import db
from consult.followup import tracing
from consult.followup.models import ACTION_STATUSES
from consult.meetings.models import PARTICIPANT_TYPES, Meeting
from consult.meetings.permissions import can_view_meeting
from consult.schemes.models import Fiche, Theme
from consult.workgroups.drafting import fiche_ideas
from consult.workgroups.models import FICHE_STATUSES
from consult.workgroups.permissions import can_see_fiche

bp = Blueprint("suite", __name__, url_prefix="/suite")


def _page_number() -> int:
    """The ``page`` query argument; anything unreadable is page 1."""
    return request.args.get("page", 1, type=small_int)


@bp.get("/")
def index():
    """Ce que sont devenues vos contributions: every scheme, its figures and its lists."""
    return render_template(
        "suite/index.html",
        traces=tracing.overview(),
        receipt_form=ReceiptForm(formdata=None),
        fiche_statuses=FICHE_STATUSES,
    )


@bp.get("/rencontres/<int:meeting_id>")
def meeting(meeting_id: int):
    """One meeting: what was said there, and what was done with it."""
    found = get_or_404(db.session, Meeting, meeting_id)
    if not can_view_meeting(current_user, found):
        abort(404)
    ids = tracing.meeting_ids(found)
    return render_template(
        "suite/meeting.html",
        meeting=found,
        participant_types=PARTICIPANT_TYPES,
        page=tracing.traced_page(ids, _page_number()),
        outcomes=tracing.outcomes(ids),
        syntheses=tracing.meeting_syntheses(found),
        fiches=tracing.public_fiches_answering(ids),
        fiche_statuses=FICHE_STATUSES,
    )


@bp.get("/thematiques/<int:theme_id>")
def theme(theme_id: int):
    """One theme: the contributions tagged with it, and the fiches that answer them."""
    found = get_or_404(db.session, Theme, theme_id)
    ids = tracing.theme_ids(found)
    return render_template(
        "suite/theme.html",
        theme=found,
        page=tracing.traced_page(ids, _page_number()),
        outcomes=tracing.outcomes(ids),
        syntheses=tracing.theme_syntheses(found),
        fiches=tracing.theme_fiches(found),
        fiche_statuses=FICHE_STATUSES,
    )


@bp.get("/fiches/<int:fiche_id>")
def fiche(fiche_id: int):
    """One fiche: what it commits to, and what it takes from the concertation."""
    found = get_or_404(db.session, Fiche, fiche_id)
    if not can_see_fiche(found, current_user):
        abort(404)
    return render_template(
        "suite/fiche.html",
        fiche=found,
        scheme=found.scheme,
        adopted_on=tracing.adopted_on(found),
        deliberation=deliberation_of(found),
        ideas=fiche_ideas(found),
        page=tracing.traced_page(tracing.fiche_ids(found), _page_number()),
        fiche_statuses=FICHE_STATUSES,
        action_statuses=ACTION_STATUSES,
    )
