"""Groupes de travail: liste, espace privé, membres, discussion des idées, co-validation."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from consult.core.db import get_or_404, small_int
from consult.core.documents import plain_document
from consult.core.errors import refuse
from consult.core.security import staff_only
from consult.extensions import db
from consult.schemes.models import FICHE_STATUSES, WorkingGroup
from consult.schemes.services import list_schemes
from consult.synthesis import sharing
from consult.synthesis.curation import changes_for
from consult.synthesis.current import current_version
from consult.synthesis.exports import template_tools
from consult.synthesis.services import SynthesisError
from consult.synthesis.views import contribution_link
from consult.workgroups import services
from consult.workgroups.forms import (
    CommentForm,
    GroupForm,
    MemberForm,
    RemoveMemberForm,
    ShareForm,
    ValidationForm,
)
from consult.workgroups.permissions import (
    can_manage_group,
    is_user_representative,
    membership,
    visible_group_or_404,
)

bp = Blueprint("workgroups", __name__, url_prefix="/groupes")
NOT_A_REPRESENTATIVE = (
    "Seuls les représentants des usagers du groupe peuvent valider une synthèse. "
    "Vous pouvez la lire et la commenter idée par idée."
)


@bp.get("/")
@login_required
def index():
    return render_template(
        "workgroups/index.html",
        schemes=services.groups_for(current_user),
        can_create=can_manage_group(current_user),
    )


# --- Creating and editing (the Département's team) ---------------------------------------


def _group_form(**kwargs) -> GroupForm:
    form = GroupForm(**kwargs)
    form.fill_choices(list_schemes(), services.list_organisations())
    return form


def _details(form: GroupForm) -> services.GroupDetails:
    return services.GroupDetails(
        scheme_id=form.scheme_id.data,
        name=form.name.data,
        description=form.description.data or "",
        theme_id=form.theme_id.data or None,
        fiche_ids=form.fiche_ids.data or [],
        pilot_organisation_id=form.pilot_organisation_id.data or None,
        copilot_organisation_id=form.copilot_organisation_id.data or None,
    )


def _save_group(form: GroupForm, save, group: WorkingGroup | None):
    """Validate, save and commit; the form again (422) with a French message otherwise."""
    if form.validate_on_submit():
        try:
            saved = save(_details(form))
            db.session.commit()
        except services.GroupError as error:
            refuse(error, form, "name")
        else:
            flash(f"Groupe de travail « {saved.name} » enregistré.", "success")
            return redirect(url_for(".show", group_id=saved.id), 303)
    return render_template("workgroups/form.html", form=form, group=group), (
        422 if form.errors else 200
    )


@bp.route("/nouveau", methods=["GET", "POST"])
@staff_only
def create():
    return _save_group(
        _group_form(), lambda details: services.create_group(details, actor=current_user), None
    )


@bp.route("/<int:group_id>/modifier", methods=["GET", "POST"])
@staff_only
def edit(group_id: int):
    group = get_or_404(db.session, WorkingGroup, group_id)
    form = _group_form(data=services.details_of(group))
    return _save_group(form, lambda details: services.update_group(group, details), group)


# --- The group's private space --------------------------------------------------------


def _render_space(group: WorkingGroup, *, member_form=None, share_form=None, status=200):
    shared = services.shared_syntheses(group)
    versions = [v for item in shared for v in item.versions]
    manage = can_manage_group(current_user)
    if manage:
        share_form = share_form or ShareForm(formdata=None)
        share_form.synthesis_id.choices = {
            s.id: s.title for s in services.shareable_syntheses(group)
        }
    page_number = request.args.get("page", 1, type=small_int)
    return render_template(
        "workgroups/show.html",
        group=group,
        member=membership(group, current_user),
        meetings=services.group_meetings(group, current_user),
        fiches=services.group_fiches(group),
        fiche_statuses=FICHE_STATUSES,
        shared=shared,
        validations=sharing.validations_by_version(group, versions),
        page=services.contributions_in_scope(group, page_number),
        can_manage=manage,
        member_form=(member_form or MemberForm(formdata=None)) if manage else None,
        share_form=share_form,
    ), status


@bp.get("/<int:group_id>/")
@login_required  # then 404 for anyone who is not a member (nor the team)
def show(group_id: int):
    return _render_space(visible_group_or_404(group_id, current_user))


@bp.post("/<int:group_id>/membres")
@staff_only
def add_member(group_id: int):
    group = get_or_404(db.session, WorkingGroup, group_id)
    form = MemberForm()
    if form.validate_on_submit():
        try:
            member = services.add_member(group, form.email.data, form.role.data)
            db.session.commit()
        except services.GroupError as error:
            refuse(error, form, "email")
        else:
            flash(f"{member.user.display_name} rejoint le groupe ({member.role_label}).", "success")
            return redirect(url_for(".show", group_id=group.id, _anchor="membres"), 303)
    return _render_space(group, member_form=form, status=422)


@bp.post("/<int:group_id>/membres/<int:membership_id>/retirer")
@staff_only
def remove_member(group_id: int, membership_id: int):
    group = get_or_404(db.session, WorkingGroup, group_id)
    if not RemoveMemberForm().validate_on_submit():
        abort(400)
    member = services.remove_member(group, membership_id)
    if member is None:
        abort(404)  # unknown, or a place in another group
    name = member.user.display_name
    db.session.commit()
    flash(f"{name} ne fait plus partie du groupe.", "success")
    return redirect(url_for(".show", group_id=group.id, _anchor="membres"), 303)


@bp.post("/<int:group_id>/syntheses")
@staff_only
def share_synthesis(group_id: int):
    group = get_or_404(db.session, WorkingGroup, group_id)
    form = ShareForm()
    form.synthesis_id.choices = {s.id: s.title for s in services.shareable_syntheses(group)}
    form.synthesis_id.validate_choice = False  # shared twice: said kindly below, not refused
    if form.validate_on_submit():
        try:
            added = sharing.share_synthesis(group, form.synthesis_id.data, actor=current_user)
            db.session.commit()
        except SynthesisError as error:
            refuse(error, form, "synthesis_id")
        else:
            message = "Synthèse partagée avec le groupe." if added else "Synthèse déjà partagée."
            flash(message, "success" if added else "info")
            return redirect(url_for(".show", group_id=group.id, _anchor="syntheses"), 303)
    return _render_space(group, share_form=form, status=422)


# --- Reading a synthesis version together ---------------------------------------------


def _group_version_or_404(group_id: int, version_id: int):
    group = visible_group_or_404(group_id, current_user)
    version = services.group_version(group, version_id)
    if version is None:
        abort(404)
    return group, version


def _render_version(group, version, *, comment_error=None, validation_form=None, status=200):
    """The reading page; ``comment_error`` = (section, idea, message, text typed)."""
    validations = sharing.validations_of(version, group)
    representative = is_user_representative(group, current_user)
    already = any(v.user_id == current_user.id and not v.on_behalf_of for v in validations)
    live = current_version(version)
    document = plain_document(live.document)
    sections, own_count = services.reading_order(group, document.sections)
    return render_template(
        "workgroups/version.html",
        group=group,
        version=version,
        synthesis=version.synthesis,
        document=document,
        sections=sections,
        own_sections=own_count,
        curated=len(changes_for(version)) - len(live.not_carried),  # those it shows
        threads=services.threads(group, version),
        validations=validations,
        representative=representative,
        can_validate=representative and not already,
        can_record=can_manage_group(current_user),
        validation_form=validation_form or ValidationForm(formdata=None),
        comment_error=comment_error,
        contribution_url=contribution_link(),
        **template_tools(),
    ), status


@bp.get("/<int:group_id>/syntheses/<int:version_id>")
@login_required
def read_version(group_id: int, version_id: int):
    return _render_version(*_group_version_or_404(group_id, version_id))


@bp.post("/<int:group_id>/syntheses/<int:version_id>/idees/<int:section>/<int:idea>/commentaires")
@login_required
def comment(group_id: int, version_id: int, section: int, idea: int):
    group, version = _group_version_or_404(group_id, version_id)
    if services.idea_at(version, section, idea) is None:
        abort(404)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            services.add_comment(
                group, version, section, idea, author=current_user, body=form.body.data
            )
            db.session.commit()
        except services.GroupError as error:
            refuse(error, form, "body")
        else:
            flash("Votre message est publié pour le groupe.", "success")
            anchor = f"idee-{section}-{idea}"
            return redirect(
                url_for(".read_version", group_id=group.id, version_id=version.id, _anchor=anchor),
                303,
            )
    error = " ".join(str(e) for e in form.errors.get("body", [])) or "Le formulaire a expiré."
    return _render_version(
        group, version, comment_error=(section, idea, error, form.body.data or ""), status=422
    )


@bp.post("/<int:group_id>/syntheses/<int:version_id>/validation")
@login_required
def validate_version(group_id: int, version_id: int):
    group, version = _group_version_or_404(group_id, version_id)
    form = ValidationForm()
    on_behalf = (form.on_behalf_of.data or "").strip()
    recorder = on_behalf and can_manage_group(current_user)
    if not (recorder or is_user_representative(group, current_user)):
        return render_template(
            "errors/error.html", code=403, title="Accès refusé", text=NOT_A_REPRESENTATIVE
        ), 403
    if not form.validate_on_submit():
        return _render_version(group, version, validation_form=form, status=422)
    added = services.validate_version(
        group,
        version,
        user=current_user,
        comment=form.comment.data,
        on_behalf_of=on_behalf if recorder else "",
    )
    db.session.commit()
    flash(
        "Merci : votre validation est enregistrée." if added else "Vous aviez déjà validé.",
        "success" if added else "info",
    )
    return redirect(
        url_for(".read_version", group_id=group.id, version_id=version.id, _anchor="validation"),
        303,
    )
