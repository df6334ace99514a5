"""Background jobs: compute suggestions when a contribution arrives or the model learns."""

import logging

import sqlalchemy as sa

from consult.contributions.models import Contribution
from consult.core.db import utcnow
from consult.core.jobs import report_progress
from consult.extensions import db
from consult.meetings.models import Meeting
from consult.schemes.models import Scheme
from consult.tagging.services import build_suggesters, store_suggestions

log = logging.getLogger(__name__)


def suggest_tags(job_run_id: int, contribution_id: int) -> None:
    """Compute and store suggestions for one contribution (idempotent)."""
    contribution = db.session.get(Contribution, contribution_id)
    if contribution is None:
        return
    scheme = db.session.get(Scheme, db.session.get(Meeting, contribution.meeting_id).scheme_id)
    store_suggestions(contribution, build_suggesters(scheme), now=utcnow())
    db.session.commit()
    log.info("job %s: suggestions for contribution %s", job_run_id, contribution_id)


def refresh_suggestions(job_run_id: int, scheme_id: int) -> None:
    """Recompute suggestions of a scheme's untagged contributions after learning."""
    scheme = db.session.get(Scheme, scheme_id)
    suggesters = build_suggesters(scheme)
    ids = db.session.scalars(
        sa.select(Contribution.id)
        .join(Meeting)
        .where(Meeting.scheme_id == scheme_id)
        .order_by(Contribution.id)
    ).all()
    for done, contribution_id in enumerate(ids, 1):
        store_suggestions(db.session.get(Contribution, contribution_id), suggesters, now=utcnow())
        if done % 200 == 0:
            db.session.commit()
            report_progress(job_run_id, done * 100 // len(ids), f"{done}/{len(ids)}")
    db.session.commit()
