"""A meeting's pages that show its contributions: its public page, its results once
closed, its live wall and the wall's feed.

They list the meeting's published contributions (``contributions.services``), so they
live here, above meetings, and go on the ``meetings`` blueprint: their endpoints and
addresses (``meetings.show``, ``/rencontres/<id>``…) stay the meeting's. The app factory
imports this module before it registers that blueprint.
"""

from datetime import UTC, datetime

from flask import abort, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user
from markupsafe import Markup

from consult.contributions.services import published_page, published_since
from consult.core.cache import public_body
from consult.core.db import small_int
from consult.extensions import db
from consult.meetings.models import PARTICIPANT_TYPES, Meeting
from consult.meetings.permissions import can_manage_meeting, can_view_meeting
from consult.meetings.services import meeting_facts
from consult.meetings.views import ENDED, bp, contribute_url, meeting_or_404

NO_DATE = datetime.min.replace(tzinfo=UTC)


@bp.get("/rencontres/<int:meeting_id>")
def show(meeting_id: int):
    """A meeting's public page: its facts, its report once closed, its contributions.

    The page is the same for everyone who may see the meeting, but for the team's link
    and a visitor's confirmation in a contribution's card (« je soutiens »): its facts
    and its body (report, contributions) are kept until something is published or
    changed (``core.cache.public_body``). Access is decided at each visit on the kept
    status: a meeting never goes back to preparation, and a change of status refreshes
    what is kept. A visitor with a confirmation to read gets a body rendered for them.
    """
    facts = meeting_facts(meeting_id)
    if facts is None or not can_view_meeting(current_user, facts):
        abort(404)
    number = max(1, request.args.get("page", 1, type=small_int))
    here = url_for("meetings.show", meeting_id=meeting_id, page=number if number != 1 else None)

    def body() -> str:
        meeting = db.session.get(Meeting, meeting_id)
        return render_template(
            "meetings/_show_body.html",
            meeting=meeting,
            page=published_page(meeting_id=meeting_id, page=number),
            participant_types=PARTICIPANT_TYPES,
            here=here,
        )

    if session.get("_flashes"):
        kept = Markup(body())  # noqa: S704 - an autoescaped template's output
    else:
        kept = public_body(("meetings", "show", meeting_id, number), body)
    return render_template(
        "meetings/show.html",
        meeting=facts,
        body=kept,
        can_manage=can_manage_meeting(current_user, facts),
        contribute_url=contribute_url(meeting_id),
    )


@bp.get("/rencontres/<int:meeting_id>/resultats")
def results(meeting_id: int):
    """Where a closed meeting's QR code leads: what was said, what was decided."""
    meeting = meeting_or_404(meeting_id)
    if meeting.status not in ENDED:
        return redirect(url_for("meetings.show", meeting_id=meeting.id))
    return render_template(
        "meetings/results.html",
        meeting=meeting,
        page=published_page(meeting_id=meeting.id),
        participant_types=PARTICIPANT_TYPES,
    )


# --- Live wall -----------------------------------------------------------------------


def _wall_item(contribution) -> dict:
    return {
        "id": contribution.id,
        "body": contribution.body,
        "kind_label": contribution.kind_label,
        "signature": contribution.public_signature,
        "published_at": contribution.published_at.isoformat()
        if contribution.published_at
        else None,
    }


@bp.get("/rencontres/<int:meeting_id>/mur")
def wall(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    items = published_page(meeting_id=meeting.id).items
    # The cursor is the latest publication shown: the wall then asks for later ones.
    latest = max(items, key=lambda c: (c.published_at or NO_DATE, c.id), default=None)
    return render_template(
        "meetings/wall.html",
        meeting=meeting,
        items=items,
        since=latest.published_at.isoformat() if latest and latest.published_at else "",
        after=latest.id if latest else 0,
        show_join=meeting.is_open,
        join_page=request.host + url_for("meetings.join"),
    )


def _parse_since(raw: str | None) -> datetime | None:
    if not raw:
        return None
    try:
        since = datetime.fromisoformat(raw)
    except ValueError:
        abort(400)
    return since if since.tzinfo else since.replace(tzinfo=UTC)


@bp.get("/rencontres/<int:meeting_id>/mur.json")
def wall_feed(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    since = _parse_since(request.args.get("since"))
    after = request.args.get("after", 0, type=small_int)
    items = [_wall_item(c) for c in published_since(meeting.id, since, after)]
    if items:
        cursor = {"since": items[-1]["published_at"], "after": items[-1]["id"]}
    else:
        cursor = {"since": since.isoformat() if since else None, "after": after}
    response = jsonify(items=items, cursor=cursor)
    response.headers["Cache-Control"] = "no-store"
    return response
