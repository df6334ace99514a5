"""Synthesis pages: define, generate (job with progress), read, edit, share, export."""

import io

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    stream_with_context,
    url_for,
)
from flask_login import current_user

from consult.core import idempotency, stored_documents
from consult.core.db import get_or_404, utcnow
from consult.core.errors import refuse
from consult.core.jobs import STATUS_LABELS, JobRun
from consult.core.security import staff_only
from consult.extensions import db
from consult.meetings.models import Meeting
from consult.schemes.models import Fiche, Public, Scheme, Territory, Theme
from consult.synthesis import curation, exports, jobs, publishing, services, sharing
from consult.synthesis.current import CurrentVersion, current_version
from consult.synthesis.forms import EditorialForm, SynthesisForm, VersionStatusForm
from consult.synthesis.models import VERSION_TRANSITIONS, Synthesis, SynthesisVersion
from consult.synthesis.permissions import can_manage, can_read_version, is_shared_with
from consult.synthesis.sharing import validations_of

bp = Blueprint("synthesis", __name__)
bp.record_once(lambda state: jobs.init_app(state.app))
IN_PROGRESS = ("queued", "running", "retrying")  # a job sent again after a crash is retrying


def _synthesis_or_404(synthesis_id: int) -> Synthesis:
    return get_or_404(db.session, Synthesis, synthesis_id)


def _version_or_404(synthesis: Synthesis, number: int) -> SynthesisVersion:
    version = db.session.scalar(
        sa.select(SynthesisVersion).where(
            SynthesisVersion.synthesis_id == synthesis.id, SynthesisVersion.number == number
        )
    )
    if version is None or not can_read_version(current_user, version):
        abort(404)
    return version


@bp.get("/syntheses/")
def index():
    syntheses = db.session.scalars(sa.select(Synthesis).order_by(Synthesis.id.desc())).all()
    visible = [(s, [v for v in s.versions if can_read_version(current_user, v)]) for s in syntheses]
    return render_template(
        "synthesis/index.html",
        syntheses=[
            (s, versions) for s, versions in visible if versions or can_manage(current_user)
        ],
        can_create=can_manage(current_user),
    )


def _synthesis_form() -> SynthesisForm:
    form = SynthesisForm()

    def ordered(model, *order):
        return db.session.scalars(sa.select(model).order_by(*order)).all()

    form.fill_choices(
        ordered(Scheme, Scheme.id),
        ordered(Meeting, Meeting.held_on.desc(), Meeting.id.desc()),
        ordered(Territory, Territory.position, Territory.name),
        ordered(Theme, Theme.scheme_id, Theme.position),
        ordered(Fiche, Fiche.scheme_id, Fiche.position),
        ordered(Public, Public.position),
    )
    return form


def _scope(form: SynthesisForm) -> services.Scope:
    return services.Scope(
        meeting_ids=form.meeting_ids.data or [],
        territory_ids=form.territory_ids.data or [],
        theme_ids=form.theme_ids.data or [],
        fiche_ids=form.fiche_ids.data or [],
        public_ids=form.public_ids.data or [],
        author_types=form.author_types.data or [],
        kinds=form.kinds.data or [],
        date_from=form.date_from.data.isoformat() if form.date_from.data else "",
        date_to=form.date_to.data.isoformat() if form.date_to.data else "",
        published_only=not form.include_pending.data,
    )


@bp.route("/syntheses/nouvelle", methods=["GET", "POST"])
@staff_only
def create():
    form = _synthesis_form()
    if request.method == "GET":
        form.form_key.data = idempotency.new_key()
    if form.validate_on_submit():
        done = idempotency.already_done(form.form_key.data)
        if done:  # the same form sent twice: show the synthesis it asked for
            return redirect(done, 303)
        try:
            synthesis = services.create_synthesis(
                scheme=db.session.get(Scheme, form.scheme_id.data),
                title=form.title.data,
                template=form.template.data,
                scope=_scope(form),
                actor=current_user,
            )
            services.generate(synthesis)
        except services.SynthesisError as error:
            refuse(error, form, "title")
        else:
            target = url_for(".show", synthesis_id=synthesis.id)
            flash("Synthèse demandée : elle se prépare en arrière-plan.", "success")
            return redirect(idempotency.commit_once(form.form_key.data, target), 303)
    return render_template("synthesis/form.html", form=form), (422 if form.errors else 200)


@bp.get("/syntheses/<int:synthesis_id>")
def show(synthesis_id: int):
    synthesis = _synthesis_or_404(synthesis_id)
    versions = [v for v in synthesis.versions if can_read_version(current_user, v)]
    if not can_manage(current_user):
        if not versions:
            abort(404)
        return redirect(url_for(".version", synthesis_id=synthesis.id, number=versions[0].number))
    return render_template(
        "synthesis/show.html",
        synthesis=synthesis,
        versions=versions,
        run=synthesis.job_run,
        status_labels=STATUS_LABELS,
        scope=services.describe_scope(synthesis),
    )


@bp.post("/syntheses/<int:synthesis_id>/generer")
@staff_only
def regenerate(synthesis_id: int):
    synthesis = _synthesis_or_404(synthesis_id)
    running = synthesis.job_run and synthesis.job_run.status in IN_PROGRESS
    if running:
        flash("Une version est déjà en préparation.", "info")
    else:
        services.generate(synthesis)
        db.session.commit()
        flash("Nouvelle version demandée : elle se prépare en arrière-plan.", "success")
    return redirect(url_for(".show", synthesis_id=synthesis.id), 303)


@bp.get("/taches/<int:job_run_id>.json")
@staff_only
def job_status(job_run_id: int):
    run = get_or_404(db.session, JobRun, job_run_id)
    return jsonify(
        status=run.status,
        label=STATUS_LABELS.get(run.status, run.status),
        progress=run.progress,
        message=run.message,
    )


def contribution_link(external: bool = False):
    """Where a figure, idea or quote leads: the moderation page for staff, else the public one."""
    endpoint = "desk.review" if can_manage(current_user) else "contributions.show"
    return lambda ident: url_for(endpoint, contribution_id=ident, _external=external)


def _render_context(version: SynthesisVersion, live: CurrentVersion) -> dict:
    """The version as it may be shown now (see :func:`current_version`)."""
    return exports.document_context(
        live.document,
        services.editorial_of(version),
        version=version.number,
        status_label=version.status_label,
        contribution_url=contribution_link(),
        retired=live.retired,
    )


def _documents(version: SynthesisVersion, live: CurrentVersion) -> dict[str, bool]:
    """Whether each file of the version, as it reads now, is ready to download."""
    family = jobs.version_family(version)
    return {
        kind: stored_documents.stored_file(family, live.fingerprint, kind) is not None
        for kind in jobs.DOCUMENT_KINDS
    }


def _validations(synthesis: Synthesis, current: SynthesisVersion) -> list:
    """The user representatives' validations: for the team and the groups who read it."""
    if can_manage(current_user) or is_shared_with(synthesis.id, current_user):
        return validations_of(current)
    return []


def _sharing(synthesis: Synthesis, current: SynthesisVersion) -> dict:
    """For the team: the status form, the groups to share with, those already chosen."""
    if not can_manage(current_user):
        return {"status_form": None, "shared_with": []}
    groups = sharing.working_groups(synthesis)
    shared = sharing.shared_group_ids(synthesis)
    if current.status == "draft":  # the groups reading earlier versions do not read this one yet
        form = _status_form(groups, formdata=None, group_ids=sorted(shared))
    else:
        form = _status_form([g for g in groups if g.id not in shared], formdata=None)
    return {"status_form": form, "shared_with": [g.name for g in groups if g.id in shared]}


def _curation_elsewhere(synthesis: Synthesis, current: SynthesisVersion) -> dict | None:
    """For the team on a published version: where its ideas are curated instead."""
    if not can_manage(current_user) or current.status != "published":
        return None
    later = [v for v in synthesis.versions if v.number > current.number and v.status != "published"]
    return {"draft": later[0].number if later else None}


@bp.get("/syntheses/<int:synthesis_id>/v<int:number>")
def version(synthesis_id: int, number: int):
    synthesis = _synthesis_or_404(synthesis_id)
    current = _version_or_404(synthesis, number)
    live = current_version(current)
    return render_template(
        "synthesis/version.html",
        synthesis=synthesis,
        current=current,
        transitions=VERSION_TRANSITIONS.get(current.status, ()) if can_manage(current_user) else (),
        can_edit=can_manage(current_user) and current.status != "published",
        validations=_validations(synthesis, current),
        documents=_documents(current, live),
        curating=can_manage(current_user) and current.status != "published",
        curation_history=curation.history(synthesis.id) if can_manage(current_user) else [],
        curation_choices=curation.choices(live.document) if can_manage(current_user) else {},
        curation_not_carried=set(live.not_carried),
        curation_merged=curation.merged_into(live.document) if can_manage(current_user) else {},
        curation_elsewhere=_curation_elsewhere(synthesis, current),
        curation_typed=session.pop("curation_typed", None) or {},
        warnings=publishing.warnings(current, live.document) if can_manage(current_user) else [],
        **_sharing(synthesis, current),
        **_render_context(current, live),
    )


def _status_form(groups: list, **data) -> VersionStatusForm:
    form = VersionStatusForm(**data)
    form.group_ids.choices = [(g.id, g.name) for g in groups]
    return form


def _form_error(form: VersionStatusForm) -> str:
    if form.group_ids.errors:
        return "Choisissez des groupes de travail dans la liste."
    if "csrf_token" in form.errors:
        return "Le formulaire a expiré : rechargez la page."
    return "État inconnu."


def _apply_status(form: VersionStatusForm, current: SynthesisVersion, groups: list) -> str:
    """Share with the chosen groups, publish once confirmed, or go back to draft."""
    target, now = form.target.data, utcnow()
    if target == "shared":
        chosen = [g for g in groups if g.id in (form.group_ids.data or [])]
        was_draft = current.status == "draft"
        names = sharing.share_version(current, chosen, actor=current_user, now=now)
        if was_draft:  # groups already reading the synthesis now read this version too
            names = [g.name for g in chosen]
        if not names:
            return f"Version {current.number} : déjà partagée avec ces groupes."
        return f"Version {current.number} partagée avec : {', '.join(names)}."
    if target == "published" and not form.confirm.data:
        raise services.SynthesisError(
            "Pour publier, cochez « Je confirme la publication » : une version publiée "
            "est visible de tous et ne change plus."
        )
    services.change_status(current, target, actor=current_user, now=now)
    return f"Version {current.number} : {current.status_label.lower()}."


@bp.post("/syntheses/<int:synthesis_id>/v<int:number>/etat")
@staff_only
def change_status(synthesis_id: int, number: int):
    synthesis = _synthesis_or_404(synthesis_id)
    current = _version_or_404(synthesis, number)
    groups = sharing.working_groups(synthesis)
    form = _status_form(groups)
    try:
        if not form.validate():
            raise services.SynthesisError(_form_error(form))
        message = _apply_status(form, current, groups)
        jobs.request_documents(current)  # the status is printed on the files
        db.session.commit()
        flash(message, "success")
    except services.SynthesisError as error:
        refuse(error)
    return redirect(url_for(".version", synthesis_id=synthesis.id, number=number), 303)


@bp.route("/syntheses/<int:synthesis_id>/v<int:number>/redaction", methods=["GET", "POST"])
@staff_only
def edit_editorial(synthesis_id: int, number: int):
    synthesis = _synthesis_or_404(synthesis_id)
    current = _version_or_404(synthesis, number)
    form = EditorialForm(data=current.editorial or {})
    if form.validate_on_submit():
        try:
            services.update_editorial(
                current,
                introduction=form.introduction.data,
                analysis=form.analysis.data,
                conclusions=form.conclusions.data,
            )
            jobs.request_documents(current)
            db.session.commit()
        except services.SynthesisError as error:
            refuse(error, form, "introduction")
        else:
            flash("Partie rédigée enregistrée.", "success")
            return redirect(url_for(".version", synthesis_id=synthesis.id, number=number), 303)
    return render_template(
        "synthesis/editorial.html", synthesis=synthesis, current=current, form=form
    ), (422 if form.errors else 200)


@bp.post("/syntheses/<int:synthesis_id>/v<int:number>/idees")
@staff_only
def curate_ideas(synthesis_id: int, number: int):
    synthesis = _synthesis_or_404(synthesis_id)
    current = _version_or_404(synthesis, number)
    live = current_version(current)
    # The confirmation shows in the idea's panel, opened again where the facilitator was.
    place = curation.place_key(request.form.get("idea"), live.document) or "curation"
    try:
        row = curation.record(
            current, live.document, request.form, actor=current_user, now=utcnow()
        )
        jobs.request_documents(current)
        db.session.commit()
    except curation.CurationError as error:
        db.session.rollback()
        flash(str(error), f"error@{place}")
        session["curation_typed"] = curation.typed(request.form)  # offered again, not lost
    else:
        message = f"{row.action_label} : {row.summary}." if row else "Déjà fait."
        flash(message, f"success@{place}")
    return redirect(
        url_for(".version", synthesis_id=synthesis.id, number=number, _anchor=place), 303
    )


# --- Exports ------------------------------------------------------------------------------


def _filename(synthesis: Synthesis, number: int, extension: str) -> str:
    return f"synthese-{synthesis.id}-v{number}.{extension}"


def _export_json(synthesis: Synthesis, current: SynthesisVersion, number: int):
    live = current_version(current)
    body = exports.render_json(
        curation.without_hidden(live.document),
        services.editorial_of(current),
        version=number,
        retired=live.retired,
    )
    disposition = f"attachment; filename={_filename(synthesis, number, 'json')}"
    return Response(body, mimetype="application/json", headers={"Content-Disposition": disposition})


@bp.get("/syntheses/<int:synthesis_id>/v<int:number>.<any(pdf, docx, json):kind>")
def export(synthesis_id: int, number: int, kind: str):
    """The stored file of the version as it reads now, or « en cours de préparation »."""
    synthesis = _synthesis_or_404(synthesis_id)
    current = _version_or_404(synthesis, number)
    if kind == "json":  # quick to write: made on each request from the current document
        return _export_json(synthesis, current, number)
    download = stored_documents.Download(
        family=jobs.version_family(current),
        key=current_version(current).fingerprint,
        extension=kind,
        name=_filename(synthesis, number, kind),
        public=current.status == "published",
        title=f"{synthesis.title} — version {number}",
        back_url=url_for(".version", synthesis_id=synthesis.id, number=number),
    )
    return stored_documents.serve_or_prepare(download, jobs.render_version_document, current.id)


@bp.get("/syntheses/<int:synthesis_id>/v<int:number>/contributions.<any(csv, xlsx):kind>")
def export_contributions(synthesis_id: int, number: int, kind: str):
    synthesis = _synthesis_or_404(synthesis_id)
    current = _version_or_404(synthesis, number)
    rows = services.export_rows(synthesis, current_version(current).document)
    name = f"synthese-{synthesis.id}-v{number}-contributions.{kind}"
    headers = {"Content-Disposition": f"attachment; filename={name}"}
    if kind == "csv":
        stream = stream_with_context(exports.stream_csv(rows))
        return Response(stream, mimetype="text/csv", headers=headers)
    buffer = io.BytesIO()
    exports.write_xlsx(rows, buffer)
    mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(buffer.getvalue(), mimetype=mimetype, headers=headers)
