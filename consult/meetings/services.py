"""Meeting queries."""

import sqlalchemy as sa

from consult.extensions import db
from consult.meetings.models import Meeting
from consult.meetings.permissions import STAFF


def visible_meetings(user) -> list[Meeting]:
    """Meetings this user may see, most recent first."""
    query = sa.select(Meeting).order_by(Meeting.held_on.desc().nulls_last(), Meeting.id)
    if not (user.is_authenticated and user.role in STAFF):
        query = query.where(Meeting.status != "draft")
    return db.session.scalars(query).all()
