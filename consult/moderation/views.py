"""The moderation audit trail (page and CSV export), and merging identical contributions."""

import csv
import io

import sqlalchemy as sa
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from consult.core.db import get_or_404, small_int, utcnow
from consult.core.errors import refuse
from consult.core.formatting import plural_ending
from consult.core.sanitize import safe_cell
from consult.core.security import admin_only, staff_only
from consult.extensions import db
from consult.history.models import ModerationEvent
from consult.meetings.models import Meeting
from consult.moderation import services
from consult.moderation.identical import merge_identical

bp = Blueprint("moderation", __name__)
PER_PAGE = 50


@bp.get("/admin/journal-moderation")
@admin_only
def audit_log():
    page = max(1, request.args.get("page", 1, type=small_int))
    query = sa.select(ModerationEvent).order_by(
        ModerationEvent.at.desc(), ModerationEvent.id.desc()
    )
    total = db.session.scalar(sa.select(sa.func.count(ModerationEvent.id)))
    events = db.session.scalars(
        query.options(selectinload(ModerationEvent.actor))
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    pages = max(1, -(-total // PER_PAGE))
    return render_template(
        "moderation/audit_log.html", events=events, page=page, pages=pages, total=total
    )


CSV_COLUMNS = [
    "date",
    "action",
    "contribution",
    "par",
    "motif",
    "état avant",
    "état après",
    "texte avant",
    "texte après",
    "étiquettes avant",
    "étiquettes après",
]


def _csv_row(event: ModerationEvent) -> list:
    before, after = event.before or {}, event.after or {}
    return [
        event.at.isoformat(),
        event.action_label,
        event.contribution_id or "",
        event.actor.display_name if event.actor else "participant·e",
        event.reason,
        before.get("status", ""),
        after.get("status", ""),
        before.get("body", ""),
        after.get("body", ""),
        " ".join(before.get("tags", [])),
        " ".join(after.get("tags", [])),
    ]


@bp.get("/admin/journal-moderation.csv")
@admin_only
def audit_log_csv():
    events = db.session.scalars(
        sa.select(ModerationEvent)
        .order_by(ModerationEvent.at, ModerationEvent.id)
        .options(selectinload(ModerationEvent.actor))
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(CSV_COLUMNS)
    for e in events:
        writer.writerow([safe_cell(v) for v in _csv_row(e)])
    return Response(
        "\ufeff" + buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=journal-moderation.csv"},
    )


@bp.post("/rencontres/<int:meeting_id>/fusionner-identiques")
@staff_only
def merge_identical_contributions(meeting_id: int):
    """« Fusionner tous les identiques » (offered on the meeting's import pages)."""
    meeting = get_or_404(db.session, Meeting, meeting_id)
    try:
        groups, merged = merge_identical(meeting, actor=current_user, now=utcnow())
    except services.ModerationError as error:
        refuse(error)
    else:
        db.session.commit()
        if merged:
            flash(
                f"{merged} contribution{plural_ending(merged)} identique{plural_ending(merged)} "
                f"fusionnée{plural_ending(merged)} ({groups} texte{plural_ending(groups)}).",
                "success",
            )
        else:
            flash("Aucune contribution identique à fusionner dans cette rencontre.", "info")
    return redirect(url_for("capture.import_upload", meeting_id=meeting.id), 303)
