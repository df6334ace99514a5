"""Public list and page of each meeting."""

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from consult.contributions.services import published_page
from consult.core.db import get_or_404
from consult.extensions import db
from consult.meetings.models import Meeting
from consult.meetings.permissions import can_view_meeting
from consult.meetings.services import visible_meetings

bp = Blueprint("meetings", __name__)


@bp.get("/rencontres/")
def index():
    return render_template("meetings/index.html", meetings=visible_meetings(current_user))


@bp.get("/rencontres/<int:meeting_id>")
def show(meeting_id: int):
    meeting = get_or_404(db.session, Meeting, meeting_id)
    if not can_view_meeting(current_user, meeting):
        abort(404)
    page = published_page(meeting_id=meeting.id, page=request.args.get("page", 1, type=int))
    return render_template("meetings/show.html", meeting=meeting, page=page)
