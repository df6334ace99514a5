"""The background job that generates a synthesis version (with a visible progress bar)."""

import logging

from consult.core.db import utcnow
from consult.core.jobs import report_progress
from consult.extensions import db
from consult.synthesis import services
from consult.synthesis.analysis import build_document
from consult.synthesis.models import TEMPLATE_GROUPING, Synthesis

log = logging.getLogger(__name__)


def _by_user_group(items):
    """Université sociale: each user group gets its section (themes stand for groups)."""
    for item in items:
        item.themes = [item.group or "Sans groupe précisé"]
    return items


def generate_synthesis(job_run_id: int, synthesis_id: int) -> int | None:
    """Read the scope, analyse, store a new version; returns its number."""
    synthesis = db.session.get(Synthesis, synthesis_id)
    if synthesis is None:
        return None
    report_progress(job_run_id, 5, "Lecture des contributions")

    def reading(done: int, total: int) -> None:
        report_progress(job_run_id, 5 + 45 * done // max(total, 1), f"{done}/{total} lues")

    items = services.collect_items(synthesis, progress=reading)
    grouping = TEMPLATE_GROUPING.get(synthesis.template, "theme")
    if grouping == "group":
        items, grouping = _by_user_group(items), "theme"
    report_progress(job_run_id, 55, "Regroupement des idées")
    document = build_document(
        items,
        title=synthesis.title,
        template=synthesis.template,
        scope=services.describe_scope(synthesis),
        participants=services.participants(synthesis),
        now=utcnow(),
        group_by=grouping,
    )
    version = services.add_version(synthesis, document.to_dict(), len(items), now=utcnow())
    db.session.commit()
    report_progress(job_run_id, 100, f"Version {version.number} prête")
    log.info("job %s: synthesis %s version %s", job_run_id, synthesis_id, version.number)
    return version.number
