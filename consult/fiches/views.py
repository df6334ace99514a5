"""Fiches actions drafted by working groups, decisions on contributions, comité validation.

Everything under ``/groupes/<id>/`` is private to the group's members and the team:
anyone else gets a 404. The comité page (``/comite/``) is the team's. A fiche's text as
the scheme has it (``/schemas/<slug>/fiches/<number>``) is public once validated; a
draft's is its group's and the team's.
"""

import csv
import io

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from consult.contributions.forms import new_form_key
from consult.contributions.models import KINDS
from consult.core.db import small_int, utcnow
from consult.core.errors import refuse
from consult.core.mail import public_url
from consult.core.security import staff_only
from consult.deliberations import services as deliberations
from consult.extensions import db
from consult.fiches import decisions as decision_services
from consult.fiches import services
from consult.fiches.forms import DecisionForm, FicheForm, FicheStatusForm
from consult.fiches.jobs import queue_answer_mail
from consult.fiches.permissions import (
    allowed_targets,
    can_move_fiche,
    can_record_committee_decisions,
)
from consult.schemes.models import FICHE_STATUSES, Fiche, WorkingGroup
from consult.schemes.services import get_fiche, get_scheme
from consult.workgroups.models import DECISION_OUTCOMES, OUTCOMES_WITH_REASON
from consult.workgroups.permissions import (
    can_see_fiche,
    membership,
    visible_group_or_404,
    visible_links,
)

bp = Blueprint("fiches", __name__)


@bp.get("/schemas/<slug>/fiches/<number>")
def read(slug: str, number: str):
    """A fiche's whole text in its scheme; its links only to validated or adopted fiches."""
    scheme = get_scheme(slug)
    fiche = get_fiche(scheme, number) if scheme is not None else None
    if fiche is None or not can_see_fiche(fiche, current_user):
        abort(404)
    links = visible_links(fiche, current_user, public_only=True)
    return render_template("fiches/read.html", scheme=scheme, fiche=fiche, links=links)


def _group(group_id: int) -> WorkingGroup:
    """The group, for its members and the team (login first; 404 for anyone else)."""
    return visible_group_or_404(group_id, current_user)


def _draft(form: FicheForm) -> services.FicheDraft:
    return services.FicheDraft(
        **{name: getattr(form, name).data or "" for name in services.FicheDraft.__annotations__}
    )


# --- Drafting -----------------------------------------------------------------------------


@bp.route("/groupes/<int:group_id>/fiches/nouvelle", methods=["GET", "POST"])
@login_required
def new_fiche(group_id: int):
    group = _group(group_id)
    ideas, message = services.chosen_ideas(
        group, request.args.get("version", type=small_int), request.args.getlist("idee")
    )
    form = FicheForm(data=services.prefill(ideas) if request.method == "GET" else None)
    if request.method == "GET":
        form.form_key.data = new_form_key()
        if message:
            flash(message, "error")
    status = 200
    if form.validate_on_submit():
        try:
            fiche, created = services.create_fiche(
                group,
                _draft(form),
                ideas,
                actor=current_user,
                form_key=form.form_key.data or None,
            )
            db.session.commit()
        except services.DraftingError as error:
            refuse(error, form, "title")
        else:
            if created:
                flash(f"Fiche {fiche.number} enregistrée en brouillon.", "success")
            return redirect(url_for(".show", group_id=group.id, fiche_id=fiche.id), 303)
    if form.errors:
        status = 422
    return render_template(
        "fiches/form.html", group=group, form=form, ideas=ideas, fiche=None
    ), status


@bp.get("/groupes/<int:group_id>/fiches/<int:fiche_id>")
@login_required
def show(group_id: int, fiche_id: int):
    group = _group(group_id)
    fiche = services.group_fiche_or_404(group, fiche_id)
    return _show_page(group, fiche, _status_form(fiche))


def _status_form(fiche: Fiche) -> FicheStatusForm:
    form = FicheStatusForm()
    form.fill_meetings(services.scheme_meetings(fiche.scheme_id, current_user))
    return form


def _show_page(group, fiche, status_form, code: int = 200):
    return render_template(
        "fiches/show.html",
        group=group,
        fiche=fiche,
        links=visible_links(fiche, current_user),
        member=membership(group, current_user),
        history=services.history(fiche),
        ideas=services.fiche_ideas(fiche),
        answered=decision_services.answered(fiche),
        editable=services.is_editable(fiche),
        targets=allowed_targets(fiche, group, current_user),
        status_form=status_form,
        can_record_committee_decisions=can_record_committee_decisions(current_user),
        statuses=FICHE_STATUSES,
    ), code


@bp.route("/groupes/<int:group_id>/fiches/<int:fiche_id>/modifier", methods=["GET", "POST"])
@login_required
def edit(group_id: int, fiche_id: int):
    group = _group(group_id)
    fiche = services.drafted_fiche_or_404(group, fiche_id)
    if not services.is_editable(fiche):
        return render_template(
            "fiches/locked.html", group=group, fiche=fiche, statuses=FICHE_STATUSES
        ), 409
    form = FicheForm(data=services.as_draft(fiche) if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            services.update_fiche(fiche, _draft(form), actor=current_user)
            db.session.commit()
        except services.DraftingError as error:
            refuse(error, form, "title")
        else:
            flash(f"Fiche {fiche.number} enregistrée.", "success")
            return redirect(url_for(".show", group_id=group.id, fiche_id=fiche.id), 303)
    return render_template("fiches/form.html", group=group, form=form, ideas=[], fiche=fiche), (
        422 if form.errors else 200
    )


@bp.post("/groupes/<int:group_id>/fiches/<int:fiche_id>/etat")
@login_required
def change_status(group_id: int, fiche_id: int):
    group = _group(group_id)
    fiche = services.drafted_fiche_or_404(group, fiche_id)
    form = _status_form(fiche)
    if not can_move_fiche(group, current_user):
        abort(403)
    if not form.validate_on_submit():
        return _show_page(group, fiche, form, 422)
    try:
        change = services.change_status(
            fiche,
            group,
            form.target.data,
            actor=current_user,
            note=form.note.data,
            meeting_id=form.meeting_id.data or None,
            now=utcnow(),
        )
        _record_deliberation(fiche, form)
        db.session.commit()
    except (services.DraftingError, deliberations.DeliberationError) as error:
        refuse(error, form, "target")
        return _show_page(group, fiche, form, error.status)
    flash(f"Fiche {fiche.number} : {FICHE_STATUSES[change.to_status].lower()}.", "success")
    if form.back.data == "comite" and can_record_committee_decisions(current_user):
        return redirect(url_for(".committee"), 303)
    return redirect(url_for(".show", group_id=group.id, fiche_id=fiche.id), 303)


def _record_deliberation(fiche: Fiche, form: FicheStatusForm) -> None:
    """The adopting deliberation, when the form gives one (refused for any other move)."""
    deliberations.record_deliberation(
        fiche,
        identifier=form.deliberation_identifier.data or "",
        voted_on=form.deliberation_date.data,
        url=form.deliberation_url.data or "",
        now=utcnow(),
    )


# --- Decisions on contributions -----------------------------------------------------------


def _decision_form(group: WorkingGroup, **kwargs) -> DecisionForm:
    form = DecisionForm(**kwargs)
    # Every fiche a decision may name offers its actions (the page narrows them to
    # the fiche chosen).
    fiches = decision_services.decidable_fiches(group)
    form.fill_choices(fiches, fiches)
    return form


@bp.get("/groupes/<int:group_id>/decisions")
@login_required
def decisions(group_id: int):
    group = _group(group_id)
    which = request.args.get("filtre", "sans")
    which = which if which in decision_services.FILTERS else "sans"
    kind = request.args.get("type", "")
    kind = kind if kind in KINDS else ""
    result = decision_services.listing(
        group, which=which, kind=kind, page=request.args.get("page", 1, type=small_int)
    )
    return render_template(
        "fiches/decisions.html",
        group=group,
        result=result,
        which=which,
        kind=kind,
        filters=decision_services.FILTERS,
        kinds=KINDS,
        form=_decision_form(group),
        outcomes=DECISION_OUTCOMES,
        with_reason=OUTCOMES_WITH_REASON,
    )


@bp.get("/groupes/<int:group_id>/decisions.csv")
@login_required
def export_decisions(group_id: int):
    """The group's contributions and their answers, for the comité de pilotage's files."""
    group = _group(group_id)
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel reads UTF-8 with its mark
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(decision_services.EXPORT_COLUMNS)
    writer.writerows(decision_services.export_rows(group))
    name = f"groupe-{group.id}-suite-donnee.csv"
    headers = {"Content-Disposition": f"attachment; filename={name}"}
    return Response(buffer.getvalue(), mimetype="text/csv", headers=headers)


@bp.post("/groupes/<int:group_id>/contributions/<int:contribution_id>/decision")
@login_required
def decide(group_id: int, contribution_id: int):
    group = _group(group_id)
    contribution = decision_services.contribution_in_scope_or_404(group, contribution_id)
    form = _decision_form(group)
    if form.validate_on_submit():
        try:
            decision = decision_services.decide(
                group,
                contribution,
                outcome=form.outcome.data,
                fiche_id=form.fiche_id.data or None,
                action_id=form.action_id.data or None,
                reason=form.reason.data,
                actor=current_user,
                now=utcnow(),
            )
            queue_answer_mail(decision, public_url("accounts.account"))
            db.session.commit()
        except decision_services.DecisionError as error:
            refuse(error, form, "outcome")
        else:
            flash(
                f"Contribution n° {contribution.id} : {decision.outcome_label.lower()}.", "success"
            )
            return redirect(url_for(".decisions", group_id=group.id, **_listing_args()), 303)
    return render_template(
        "fiches/decide.html", group=group, contribution=contribution, form=form
    ), 422


def _listing_args() -> dict:
    """Keep the decisions page's filters and page after a decision."""
    return {key: request.args[key] for key in ("filtre", "type", "page") if request.args.get(key)}


# --- Comité de pilotage -------------------------------------------------------------------


@bp.get("/comite/")
@staff_only
def committee():
    fiches = services.committee_fiches()
    changes = services.recent_changes()
    group_ids = {f.working_group_id for f in fiches if f.working_group_id}
    groups = {
        g.id: g
        for g in db.session.scalars(sa.select(WorkingGroup).where(WorkingGroup.id.in_(group_ids)))
    }
    change_fiches = {
        f.id: f
        for f in db.session.scalars(
            sa.select(Fiche).where(Fiche.id.in_({c.fiche_id for c in changes}))
        )
    }
    return render_template(
        "fiches/committee.html",
        fiches=fiches,
        groups=groups,
        forms={fiche.id: _status_form(fiche) for fiche in fiches},
        changes=changes,
        change_fiches=change_fiches,
        statuses=FICHE_STATUSES,
        transitions=services.FICHE_TRANSITIONS,
    )
