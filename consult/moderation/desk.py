"""The moderators' desk: queue, one contribution at a time, tags, merges, bulk actions."""

import re
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import selectinload

from consult.contributions.models import AUTHOR_TYPES, KINDS, STATUSES, Contribution, Report
from consult.contributions.services import ContributionError, personal_data_findings
from consult.core.db import MAX_ID, get_or_404, small_int, utcnow
from consult.core.errors import refuse
from consult.core.formatting import plural_ending
from consult.core.security import staff_only
from consult.extensions import db
from consult.history.services import history
from consult.meetings.models import Meeting
from consult.moderation import services
from consult.moderation.duplicates import duplicate_groups, similar_to
from consult.moderation.forms import (
    AcceptSuggestionForm,
    BulkForm,
    DecisionForm,
    MergeForm,
    TagForm,
)
from consult.moderation.models import REJECTION_REASONS
from consult.moderation.queue import QueueFilters, neighbours, queue_page
from consult.schemes.models import Fiche, Public, Scheme, Territory, Theme
from consult.tagging import services as tagging
from consult.tagging.jobs import schedule_refresh

bp = Blueprint("desk", __name__)
bp.add_app_template_global(tagging.words_from_publics, "words_from_publics")
bp.add_app_template_global(tagging.words_not_in_text, "words_not_in_text")
MAX_BULK = 1000
_PLANNED = re.compile(r"([0-9]{1,10}):(theme|fiche):([0-9]{1,10})")


def _filters() -> QueueFilters:
    return QueueFilters.from_args(request.args)


def _query_string(filters: QueueFilters) -> str:
    args = filters.to_args()
    return "?" + urlencode(args) if args else ""


def _review_url(contribution_id: int, filters: QueueFilters) -> str:
    return url_for(".review", contribution_id=contribution_id) + _query_string(filters)


def _queue_url(filters: QueueFilters) -> str:
    return url_for(".queue") + _query_string(filters)


def _filter_choices() -> dict:
    """``(value, label)`` pairs for each filter of the queue."""

    def pairs(model, label, *order):
        return [
            (row.id, label(row)) for row in db.session.scalars(sa.select(model).order_by(*order))
        ]

    return {
        "statuses": list(STATUSES.items()),
        "kinds": list(KINDS.items()),
        "author_types": list(AUTHOR_TYPES.items()),
        "meetings": pairs(Meeting, lambda m: m.title, Meeting.held_on.desc(), Meeting.id.desc()),
        "territories": pairs(Territory, lambda t: t.name, Territory.position, Territory.name),
        "publics": pairs(Public, lambda p: p.label, Public.position),
        "themes": pairs(Theme, lambda t: f"{t.number}. {t.title}", Theme.scheme_id, Theme.position),
        "fiches": pairs(
            Fiche, lambda f: f"Fiche {f.number} : {f.title}", Fiche.scheme_id, Fiche.position
        ),
    }


@bp.get("/moderation/")
@staff_only
def queue():
    filters = _filters()
    if not request.args:  # the menu link: what is waiting for a decision
        filters.status = "pending"
    page = queue_page(filters, page=request.args.get("page", 1, type=small_int))
    bulk = BulkForm(formdata=None, back=_queue_url(filters))
    back = url_for(".queue", page=page.number, **filters.to_args())
    return render_template(
        "moderation/queue.html",
        page=page,
        filters=filters,
        pager_args=filters.to_args(),
        bulk=bulk,
        accept_form=AcceptSuggestionForm(formdata=None, back=back),
        open_reports=_open_report_counts([row.contribution.id for row in page.items]),
        **_filter_choices(),
    )


def _open_report_counts(ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(Report.contribution_id, sa.func.count())
        .where(Report.contribution_id.in_(ids), Report.status == "open")
        .group_by(Report.contribution_id)
    )
    return dict(rows.all())


def _contribution_or_404(contribution_id: int) -> Contribution:
    return get_or_404(db.session, Contribution, contribution_id)


def _review_page(contribution: Contribution, filters: QueueFilters, decision=None, status=200):
    scheme = db.session.get(Scheme, contribution.meeting.scheme_id)
    tag_form = TagForm(formdata=None)
    tag_form.fill_choices(scheme)
    previous_id, next_id = neighbours(filters, contribution.id)
    decision = decision or DecisionForm(formdata=None, body=contribution.body)
    campaign = services.campaign_of(contribution)
    return render_template(
        "moderation/review.html",
        contribution=contribution,
        filters=filters,
        query_string=_query_string(filters),
        previous_id=previous_id,
        next_id=next_id,
        decision=decision,
        tag_form=tag_form,
        tags=tagging.tags_of(contribution),
        suggestions=tagging.suggestions_of(contribution),
        findings=personal_data_findings(contribution),
        similar=similar_to(contribution) if contribution.status in ("pending", "published") else [],
        merged=services.merged_sources(contribution),
        campaign=campaign,
        campaign_copies=services.campaign_copies(campaign) if campaign else 0,
        reports=_open_reports(contribution),
        history=history(contribution),
        rejection_reasons=REJECTION_REASONS,
    ), status


def _open_reports(contribution: Contribution) -> list[Report]:
    return db.session.scalars(
        sa.select(Report).where(Report.contribution_id == contribution.id, Report.status == "open")
    ).all()


@bp.get("/moderation/<int:contribution_id>")
@staff_only
def review(contribution_id: int):
    return _review_page(_contribution_or_404(contribution_id), _filters())


def _apply(contribution: Contribution, form: DecisionForm) -> str:
    """Carry out the decision; returns the French confirmation."""
    now, action = utcnow(), form.action.data
    if action == "publish":
        services.publish(contribution, actor=current_user, now=now)
        message = "publiée"
    elif action == "reject":
        reason = form.reason.data or ""
        services.reject(
            contribution, actor=current_user, reason=reason, note=form.note.data, now=now
        )
        message = "rejetée"
    elif action == "edit":
        services.edit_text(
            contribution, form.body.data, actor=current_user, reason=form.edit_reason.data, now=now
        )
        return f"Texte de la contribution n° {contribution.id} corrigé."
    else:
        services.mask(contribution, actor=current_user, now=now)
        return f"Données personnelles masquées dans la contribution n° {contribution.id}."
    services.handle_reports(contribution, actor=current_user, now=now)
    return f"Contribution n° {contribution.id} {message}."


@bp.post("/moderation/<int:contribution_id>/decision")
@staff_only
def decide(contribution_id: int):
    contribution = _contribution_or_404(contribution_id)
    filters = _filters()
    form = DecisionForm()
    if not form.validate():
        return _review_page(contribution, filters, decision=form, status=422)
    _previous, next_id = neighbours(filters, contribution.id)
    try:
        message = _apply(contribution, form)
    except (services.ModerationError, ContributionError) as error:
        refuse(error, form, "action")
        return _review_page(contribution, filters, decision=form, status=422)
    db.session.commit()
    flash(message, "success")
    if form.action.data in ("edit", "mask") or next_id is None:
        target = contribution.id if form.action.data in ("edit", "mask") else None
        return redirect(_review_url(target, filters) if target else _queue_url(filters), 303)
    return redirect(_review_url(next_id, filters), 303)


def _tag_target(value: str):
    kind, _, ident = (value or "").partition(":")
    model = {"theme": Theme, "fiche": Fiche}.get(kind)
    if model is None or not ident.isdigit():
        raise tagging.TaggingError("Choisissez une thématique ou une fiche dans la liste.")
    target = db.session.get(model, int(ident))
    if target is None:
        raise tagging.TaggingError("Cette thématique ou fiche n'existe pas.")
    return {kind: target}


def _suggested(contribution: Contribution, suggestion_id: int, target: str | None) -> dict:
    """What the accepted or refused suggestion named (``{"theme": …}`` or ``{"fiche": …}``):
    the target the page posted with it, else the stored suggestion. Each tag queues a
    refresh that writes every stored suggestion again: the id the page holds may be gone,
    or (SQLite gives freed ids again) name another suggestion by then."""
    if target:
        return _tag_target(target)
    suggestion = tagging.find_suggestion(suggestion_id)
    if suggestion is None or suggestion.contribution_id != contribution.id:
        raise tagging.TaggingError("Cette suggestion n'existe plus : rechargez la page.")
    return {"theme": suggestion.theme} if suggestion.theme_id else {"fiche": suggestion.fiche}


def _change_tags(contribution: Contribution, form: TagForm) -> str:
    now = utcnow()
    if form.remove.data:
        if not tagging.remove_tag(contribution, form.remove.data, actor=current_user, now=now):
            raise tagging.TaggingError("Cette étiquette n'est plus sur la contribution.")
        return "Étiquette retirée."
    if form.refuse.data:
        target = _suggested(contribution, form.refuse.data, form.target.data)
        ids = {f"{kind}_id": label.id for kind, label in target.items()}
        tagging.reject_target(contribution.id, **ids, actor=current_user, now=now)
        return "Suggestion refusée : elle ne sera plus proposée pour cette contribution."
    if form.accept.data:
        target = _suggested(contribution, form.accept.data, form.target.data)
        tagging.accept_target(contribution, **target, actor=current_user, now=now)
        return "Suggestion acceptée."
    tagging.add_tag(contribution, **_tag_target(form.add.data), actor=current_user, now=now)
    return "Étiquette ajoutée."


@bp.post("/moderation/<int:contribution_id>/etiquettes")
@staff_only
def tag(contribution_id: int):
    contribution = _contribution_or_404(contribution_id)
    filters = _filters()
    form = TagForm()
    form.fill_choices(db.session.get(Scheme, contribution.meeting.scheme_id))
    try:
        if not form.validate():
            raise tagging.TaggingError("Choix d'étiquette invalide.")
        message = _change_tags(contribution, form)
    except tagging.TaggingError as error:
        refuse(error)
    else:
        schedule_refresh(contribution.meeting.scheme_id)
        db.session.commit()
        flash(message, "success")
    return redirect(_review_url(contribution.id, filters) + "#etiquettes", 303)


@bp.post("/moderation/fusion")
@staff_only
def merge():
    form = MergeForm()
    filters = _filters()
    target = db.session.get(Contribution, form.target.data) if form.validate() else None
    if target is None:
        flash("Choisissez la contribution à garder.", "error")
        return redirect(request.referrer or _queue_url(filters), 303)
    sources = db.session.scalars(
        sa.select(Contribution).where(
            Contribution.id.in_(form.sources.data or []),
            Contribution.meeting_id == target.meeting_id,
        )
    ).all()
    try:
        services.merge(target, sources, actor=current_user, now=utcnow())
    except services.ModerationError as error:
        refuse(error)
    else:
        db.session.commit()
        s = plural_ending(len(sources))
        flash(f"{len(sources)} contribution{s} fusionnée{s} dans la n° {target.id}.", "success")
    return redirect(_review_url(target.id, filters), 303)


@bp.get("/moderation/doublons")
@staff_only
def duplicates():
    meeting_id = request.args.get("rencontre", type=small_int)
    meeting = db.session.get(Meeting, meeting_id) if meeting_id else None
    meetings = db.session.scalars(sa.select(Meeting).order_by(Meeting.id.desc())).all()
    campaigns, groups = duplicate_groups(meeting.id) if meeting else ([], [])
    return render_template(
        "moderation/duplicates.html",
        meeting=meeting,
        meetings=meetings,
        campaigns=campaigns,
        groups=groups,
    )


def _minimum(form: BulkForm) -> float:
    """The threshold as a probability (the form asks for a percentage)."""
    return (form.minimum.data if form.minimum.data is not None else 80) / 100


def _planned(value: str) -> tuple[int, str, int] | None:
    """``(contribution id, "theme" | "fiche", id)`` of a preview's ``12:fiche:9``."""
    found = _PLANNED.fullmatch(value or "")
    if found is None or max(int(found[1]), int(found[3])) > MAX_ID:
        return None
    return int(found[1]), found[2], int(found[3])


def _bulk_apply(contributions: list[Contribution], form: BulkForm) -> tuple[int, list[str]]:
    done, problems, now = 0, [], utcnow()
    if form.action.data == "accept_suggestions" and form.planned.data:
        planned = [_planned(value) for value in form.planned.data]
        return tagging.accept_planned(
            contributions, [p for p in planned if p], actor=current_user, now=now
        ), []
    if form.action.data == "accept_suggestions":
        return tagging.accept_suggestions(
            contributions,
            minimum=_minimum(form),
            actor=current_user,
            now=now,
            only=set(form.suggestions.data or []),
        ), []
    for contribution in contributions:
        try:
            with db.session.begin_nested():
                if form.action.data == "publish":
                    services.publish(contribution, actor=current_user, now=now)
                else:
                    services.reject(
                        contribution, actor=current_user, reason=form.reason.data or "", now=now
                    )
                services.handle_reports(contribution, actor=current_user, now=now)
            done += 1
        except services.ModerationError as error:
            problems.append(f"n° {contribution.id} : {error}")
    return done, problems


def _safe_back(value: str | None) -> str:
    return value if value and value.startswith("/moderation/") else url_for(".queue")


@bp.post("/moderation/lot")
@staff_only
def bulk():
    form = BulkForm()
    back = _safe_back(form.back.data)
    ids = (form.ids.data or [])[:MAX_BULK] if form.validate() else []
    if not ids:
        flash("Cochez au moins une contribution (et vérifiez le seuil).", "error")
        return redirect(back, 303)
    contributions = db.session.scalars(
        sa.select(Contribution)
        .where(Contribution.id.in_(ids))
        # the preview shows which words of a suggestion come from the publics
        .options(selectinload(Contribution.meeting), selectinload(Contribution.publics))
        .order_by(Contribution.id)
    ).all()
    if form.action.data == "accept_suggestions" and form.confirm.data != "1":
        return _bulk_preview(form, contributions, back)
    done, problems = _bulk_apply(contributions, form)
    if form.action.data == "accept_suggestions":
        for scheme_id in {c.meeting.scheme_id for c in contributions}:
            schedule_refresh(scheme_id)
    db.session.commit()
    s, chosen = plural_ending(done), len(contributions)
    label = (
        f"étiquette{s} ajoutée{s}" if form.action.data == "accept_suggestions" else f"traitée{s}"
    )
    s = plural_ending(chosen)
    flash(f"{done} {label} sur {chosen} contribution{s} choisie{s}.", "success")
    for problem in problems[:10]:
        flash(problem, "error")
    return redirect(back, 303)


def _bulk_preview(form: BulkForm, contributions: list[Contribution], back: str):
    """Which tags bulk acceptance would put on which contributions; nothing written yet."""
    planned = tagging.planned_acceptances(contributions, minimum=_minimum(form))
    form.confirm.data = "1"
    form.back.data = back
    return render_template(
        "moderation/bulk_preview.html",
        form=form,
        planned=planned,
        contributions=contributions,
        minimum=round(_minimum(form) * 100),
        back=back,
    )


@bp.post("/moderation/suggestion")
@staff_only
def accept_suggestion():
    """Accept a row's best suggestion from the queue, back to the same page."""
    form = AcceptSuggestionForm()
    back = _safe_back(form.back.data)
    # The row's contribution and target, as the page showed them (see _suggested).
    suggestion = tagging.find_suggestion(form.accept.data) if form.validate() else None
    contribution_id = form.contribution.data or (suggestion and suggestion.contribution_id)
    if form.errors or not contribution_id:
        flash("Cette suggestion n'existe plus : rechargez la page.", "error")
        return redirect(back, 303)
    contribution = _contribution_or_404(contribution_id)
    try:
        target = _suggested(contribution, form.accept.data, form.target.data)
        tagging.accept_target(contribution, **target, actor=current_user, now=utcnow())
    except tagging.TaggingError as error:
        refuse(error)
        return redirect(back, 303)
    schedule_refresh(contribution.meeting.scheme_id)
    db.session.commit()
    flash(f"Suggestion acceptée pour la contribution n° {contribution.id}.", "success")
    return redirect(back, 303)
