"""Merges on the moderators' desk: by number, undone, and campaigns of identical texts."""

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user

from consult.contributions.models import Contribution
from consult.core.db import get_or_404, utcnow
from consult.core.errors import refuse
from consult.core.security import staff_only
from consult.extensions import db
from consult.moderation import services
from consult.moderation.duplicates import MERGEABLE
from consult.moderation.forms import CampaignForm, MergeNumberForm

bp = Blueprint("merges", __name__)


def _review(contribution_id: int):
    return redirect(url_for("desk.review", contribution_id=contribution_id), 303)


def _back():
    back = request.referrer or ""
    return redirect(back if "/moderation/" in back else url_for("desk.queue"), 303)


def copies_apart(copies: int) -> str:
    """What undoing a campaign did: its merged copies, not its senders, are apart again."""
    if copies == 0:
        return "aucune contribution n'y était plus fusionnée"
    if copies == 1:
        return "la contribution fusionnée est de nouveau à part"
    return f"les {copies} contributions fusionnées sont de nouveau à part"


def _first_error(form) -> str:
    return next(iter(e for errors in form.errors.values() for e in errors), "Saisie invalide.")


@bp.post("/moderation/fusion/numero")
@staff_only
def by_number():
    form = MergeNumberForm()
    if not form.validate():
        flash(_first_error(form), "error")
        return _back()
    first, number = form.numbers()
    contribution = db.session.get(Contribution, first)
    if contribution is None:
        flash(f"Il n'y a pas de contribution n° {first}.", "error")
        return _back()
    try:
        kept = services.merge_by_number(
            contribution,
            number,
            keep_other=form.keep.data == "other",
            actor=current_user,
            now=utcnow(),
        )
    except services.ModerationError as error:
        refuse(error)
        return _back()
    db.session.commit()
    flash(f"Contributions n° {contribution.id} et n° {number} fusionnées.", "success")
    return _review(kept.id)


@bp.post("/moderation/<int:contribution_id>/annuler-fusion")
@staff_only
def undo(contribution_id: int):
    contribution = get_or_404(db.session, Contribution, contribution_id)
    try:
        services.undo_merge(contribution, actor=current_user, now=utcnow())
    except services.ModerationError as error:
        refuse(error)
    else:
        db.session.commit()
        flash(f"Fusion annulée : la n° {contribution.id} est de nouveau à part.", "success")
    return _review(contribution.id)


@bp.post("/moderation/campagne")
@staff_only
def campaign():
    form = CampaignForm()
    ids = (form.ids.data or []) if form.validate() else []
    contributions = db.session.scalars(
        sa.select(Contribution).where(Contribution.id.in_(ids), Contribution.status.in_(MERGEABLE))
    ).all()
    if len(contributions) < 2 or len({c.meeting_id for c in contributions}) > 1:
        # Already merged (a double-submitted form), or texts of several meetings.
        flash("Ces contributions ne peuvent plus être regroupées : rechargez la page.", "error")
        return _back()
    try:
        found = services.merge_campaign(contributions, actor=current_user, now=utcnow())
    except services.ModerationError as error:
        refuse(error)
        return _back()
    db.session.commit()
    flash(f"Campagne regroupée dans la n° {found.contribution_id} : {found.label}.", "success")
    return _review(found.contribution_id)


@bp.post("/moderation/<int:contribution_id>/annuler-campagne")
@staff_only
def undo_campaign(contribution_id: int):
    contribution = get_or_404(db.session, Contribution, contribution_id)
    found = services.campaign_of(contribution)
    try:
        if found is None:
            raise services.ModerationError("Aucune campagne n'est regroupée dans celle-ci.")
        copies = services.campaign_copies(found)  # before the undo: the copies it puts apart
        services.undo_campaign(found, actor=current_user, now=utcnow())
    except services.ModerationError as error:
        refuse(error)
    else:
        db.session.commit()
        flash(f"Campagne défaite : {copies_apart(copies)}.", "success")
    return _review(contribution.id)
