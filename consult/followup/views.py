"""Suivi du schéma: avancement des actions, indicateurs et mesures, import, graphiques.

Reading is public for validated and adopted fiches (other fiches: their working group
and the team, else 404). Updating is for the fiche's pilots and the team: anonymous
visitors are sent to the login page, others get 403 on a public fiche, 404 otherwise.
"""

from types import SimpleNamespace

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from consult.accounts.services import account_shown
from consult.core.cache import public_figures
from consult.core.db import get_or_404
from consult.core.errors import refuse
from consult.core.security import is_staff, staff_only
from consult.core.spreadsheets import ImportFileError
from consult.extensions import db
from consult.followup import charts, indicator_import, services, tracing
from consult.followup.forms import (
    DeleteForm,
    ImportForm,
    IndicatorForm,
    MeasurementForm,
    MilestoneForm,
    MilestoneUpdateForm,
    progress_form,
)
from consult.followup.models import Measurement, Milestone
from consult.followup.participation import COMPUTED, participation_by_year
from consult.schemes.models import Action, Indicator, Scheme
from consult.schemes.services import get_scheme, list_schemes
from consult.workgroups.permissions import can_see_fiche, fiche_access

bp = Blueprint("followup", __name__, url_prefix="/suivi-du-schema")


def _my_contributions(user) -> SimpleNamespace:
    """The account page's section: the person's own contributions and their answers."""
    return SimpleNamespace(
        template="followup/_my_contributions.html", answers=tracing.answers_for_author(user.id)
    )


def init_app(app) -> None:
    """Show on the account page what became of its holder's contributions."""
    account_shown.connect(_my_contributions)


def _scheme_or_404(slug: str) -> Scheme:
    scheme = get_scheme(slug)
    if scheme is None:
        abort(404)
    return scheme


def _visible_fiche(fiche_id: int):
    fiche = services.load_fiche(fiche_id)
    if fiche is None or not can_see_fiche(fiche, current_user):
        abort(404)
    return fiche


def _editable_fiche(fiche_id: int):
    """The fiche when the user may update it; 404 if they cannot even see it, else 403."""
    fiche = _visible_fiche(fiche_id)
    if not services.can_follow_up(fiche, current_user):
        abort(403)
    return fiche


def _back_to(fiche, anchor: str = ""):
    return redirect(url_for(".fiche", fiche_id=fiche.id) + (f"#{anchor}" if anchor else ""), 303)


# --- Reading --------------------------------------------------------------------------


@bp.get("/")
def index():
    return render_template("followup/index.html", schemes=list_schemes())


@bp.get("/<slug>/")
def dashboard(slug: str):
    scheme = _scheme_or_404(slug)
    return render_template(
        "followup/dashboard.html",
        board=services.dashboard(scheme),
        status_label=services.status_label,
        can_import_measurements=is_staff(current_user),
    )


@bp.get("/fiches/<int:fiche_id>")
def fiche(fiche_id: int):
    """The fiche's follow-up. Who may only read it gets the same page as everyone else:
    kept until a fiche, an action, a milestone, an indicator or a measurement changes
    (or something is published or decided, for the indicators the platform computes).
    Who may see it is decided at each visit, on the fiche's status as kept while Redis
    tells every process a change (``workgroups.permissions.fiche_access``)."""
    found = fiche_access(fiche_id)
    if found is None or not can_see_fiche(found, current_user):
        abort(404)
    if services.can_follow_up(found, current_user):
        return _fiche_page(services.load_fiche(fiche_id))
    title, body = public_figures(("followup", "fiche", fiche_id), lambda: _read_only(fiche_id))
    return render_template("followup/fiche.html", title=title, body=body)


def _title(fiche) -> str:
    return f"Suivi de la {fiche.scheme.level('fiche').lower()} {fiche.number} — {fiche.title}"


def _read_only(fiche_id: int) -> tuple[str, Markup]:
    """The page's title and body for who may not update the fiche (plain values: kept)."""
    fiche = services.load_fiche(fiche_id)
    body = render_template("followup/_fiche_body.html", **_context(fiche, editable=False))
    return _title(fiche), Markup(body)  # noqa: S704 - an autoescaped template's output


def _fiche_page(fiche, status: int = 200, **posted):
    """The fiche's follow-up; ``posted`` holds a refused form to show with its errors."""
    editable = services.can_follow_up(fiche, current_user)
    return render_template(
        "followup/fiche.html", title=_title(fiche), **_context(fiche, editable, posted)
    ), status


def _context(fiche, editable: bool, posted: dict | None = None) -> dict:
    forms = _forms(fiche, posted or {}) if editable else {}
    return {
        "fiche": fiche,
        "scheme": fiche.scheme,
        "progress": services.fiche_progress(fiche),
        "groups": services.working_groups_of(fiche),
        "editable": editable,
        "forms": forms,
        "chart": charts.indicator_svg,
        "territory_year": charts.territory_year,
        "territory_chart": charts.territory_svg,
        "values": _yearly_values(fiche),
        "chart_view": services.chart_view,
        "computed_source": services.COMPUTED_SOURCE,
        "figure": charts.figure,
        "status_label": services.status_label,
        "kind_label": services.kind_label,
    }


def _yearly_values(fiche) -> dict:
    """Indicator id → the values the page lists and charts (computed ones included)."""
    figures = None
    if any(indicator.computed for indicator in fiche.indicators):
        figures = public_figures(
            ("participation", fiche.scheme_id), lambda: participation_by_year(fiche.scheme_id)
        )
    return {i.id: services.yearly_values(i, figures) for i in fiche.indicators}


def _forms(fiche, posted: dict) -> dict:
    territories = services.territories()
    forms = {
        "progress": posted.get("progress") or progress_form(fiche),
        "milestone": {},
        "milestone_update": {},
        "indicator": {},
        "measurement": {},
    }
    for action in fiche.actions:
        forms["milestone"][action.id] = _posted(
            posted, "milestone", action.id, lambda a=action: MilestoneForm(prefix=f"jalon-{a.id}")
        )
        for milestone in action.milestones:
            forms["milestone_update"][milestone.id] = MilestoneUpdateForm(
                formdata=None, prefix=f"jalon-maj-{milestone.id}"
            )
    for indicator in fiche.indicators:
        forms["indicator"][indicator.id] = _posted(
            posted, "indicator", indicator.id, lambda i=indicator: _indicator_form(i, formdata=None)
        )
        measurement = _posted(
            posted,
            "measurement",
            indicator.id,
            lambda i=indicator: MeasurementForm(formdata=None, prefix=f"mesure-{i.id}"),
        )
        measurement.fill_choices(territories)
        forms["measurement"][indicator.id] = measurement
    return forms


def _posted(posted: dict, name: str, ident: int, make):
    form = posted.get(name)
    return form[1] if form and form[0] == ident else make()


def _indicator_form(indicator: Indicator, formdata=None) -> IndicatorForm:
    if formdata is not None:
        return IndicatorForm(prefix=f"indicateur-{indicator.id}")
    form = IndicatorForm(formdata=None, prefix=f"indicateur-{indicator.id}")
    form.kind.data = indicator.kind
    form.unit.data = indicator.unit
    form.baseline.data = charts.figure(indicator.baseline) if indicator.baseline is not None else ""
    form.baseline_year.data = indicator.baseline_year
    form.target.data = charts.figure(indicator.target) if indicator.target is not None else ""
    form.target_year.data = indicator.target_year
    form.computed.data = indicator.computed or ""
    return form


@bp.get("/<slug>/participation")
def participation(slug: str):
    scheme = _scheme_or_404(slug)
    figures = participation_by_year(scheme.id)
    return render_template(
        "followup/participation.html",
        scheme=scheme,
        figures=figures,
        computed=COMPUTED,
        charts={key: charts.participation_svg(figures, key) for key in COMPUTED},
        figure=charts.figure,
    )


# --- Updating -------------------------------------------------------------------------


@bp.post("/fiches/<int:fiche_id>/avancement")
@login_required
def update_progress(fiche_id: int):
    fiche = _editable_fiche(fiche_id)
    form = progress_form(fiche, formdata=request.form)
    if not form.validate_on_submit():
        return _fiche_page(fiche, 422, progress=form)
    changes = {
        action.id: services.ActionProgress(
            progress=form[f"progress_{action.id}"].data,
            status=form[f"status_{action.id}"].data,
            starts_on=form[f"starts_{action.id}"].data,
            ends_on=form[f"ends_{action.id}"].data,
        )
        for action in fiche.actions
    }
    try:
        services.update_progress(fiche, form.progress_status.data, changes)
        db.session.commit()
    except services.MeasureError as error:
        refuse(error, form, "progress_status")
        return _fiche_page(_visible_fiche(fiche_id), 422, progress=form)
    flash("Avancement enregistré.", "success")
    return _back_to(fiche, "avancement")


@bp.post("/actions/<int:action_id>/jalons")
@login_required
def add_milestone(action_id: int):
    action = get_or_404(db.session, Action, action_id)
    fiche = _editable_fiche(action.fiche_id)
    form = MilestoneForm(prefix=f"jalon-{action.id}")
    if form.validate_on_submit():
        try:
            _, created = services.add_milestone(action, form.label.data, form.due_on.data)
            db.session.commit()
        except services.MeasureError as error:
            refuse(error, form, "label")
        else:
            flash("Jalon ajouté." if created else "Ce jalon existait déjà.", "success")
            return _back_to(fiche, f"action-{action.id}")
    return _fiche_page(fiche, 422, milestone=(action.id, form))


@bp.post("/jalons/<int:milestone_id>")
@login_required
def update_milestone(milestone_id: int):
    milestone = get_or_404(db.session, Milestone, milestone_id)
    fiche = _editable_fiche(milestone.action.fiche_id)
    form = MilestoneUpdateForm(prefix=f"jalon-maj-{milestone.id}")
    if not form.validate_on_submit():
        flash(_errors_sentence(form), "error")
        return _fiche_page(fiche, 422)
    action_id = milestone.action_id
    done = services.update_milestone(milestone, form.operation.data, form.done_on.data)
    db.session.commit()
    flash(
        {
            "done": "Jalon marqué comme atteint.",
            "reopen": "Jalon rouvert.",
            "delete": "Jalon supprimé.",
        }[done],
        "success",
    )
    return _back_to(fiche, f"action-{action_id}")


@bp.post("/mesures/<int:measurement_id>/supprimer")
@login_required
def delete_measurement(measurement_id: int):
    """A value typed for the wrong year or territory: the pilot takes it back."""
    measurement = get_or_404(db.session, Measurement, measurement_id)
    indicator = measurement.indicator
    fiche = _editable_fiche(indicator.fiche_id)
    if not DeleteForm().validate_on_submit():
        abort(400)
    year = measurement.year
    db.session.delete(measurement)
    db.session.commit()
    flash(f"Mesure {year} supprimée.", "success")
    return _back_to(fiche, f"indicateur-{indicator.id}")


def _errors_sentence(form) -> str:
    errors = [
        f"{form[name].label.text} : {' '.join(messages)}" for name, messages in form.errors.items()
    ]
    return "Rien n'a été enregistré. " + " ; ".join(errors)


@bp.post("/indicateurs/<int:indicator_id>")
@login_required
def update_indicator(indicator_id: int):
    indicator = get_or_404(db.session, Indicator, indicator_id)
    fiche = _editable_fiche(indicator.fiche_id)
    form = _indicator_form(indicator, formdata=request.form)
    if form.validate_on_submit():
        definition = services.Definition(
            kind=form.kind.data,
            unit=form.unit.data or "",
            baseline=services.parse_number(form.baseline.data),
            baseline_year=form.baseline_year.data,
            target=services.parse_number(form.target.data),
            target_year=form.target_year.data,
            computed=form.computed.data or "",
        )
        services.define_indicator(indicator, definition, partial=False)
        db.session.commit()
        flash("Définition de l'indicateur enregistrée.", "success")
        return _back_to(fiche, f"indicateur-{indicator.id}")
    return _fiche_page(fiche, 422, indicator=(indicator.id, form))


@bp.post("/indicateurs/<int:indicator_id>/mesures")
@login_required
def add_measurement(indicator_id: int):
    indicator = get_or_404(db.session, Indicator, indicator_id)
    fiche = _editable_fiche(indicator.fiche_id)
    form = MeasurementForm(prefix=f"mesure-{indicator.id}")
    territories = services.territories()
    form.fill_choices(territories)
    if form.validate_on_submit():
        draft = services.MeasureDraft(
            year=form.year.data,
            territory_id=form.territory_id.data or None,
            value=services.parse_number(form.value.data),
            text_value=form.text_value.data or "",
            source=form.source.data or "",
            comment=form.comment.data or "",
        )
        try:
            _, created = services.upsert_measurement(indicator, draft, actor=current_user)
            db.session.commit()
        except services.MeasureError as error:
            refuse(error, form, "text_value" if indicator.kind == "qualitatif" else "value")
        else:
            flash(f"Mesure {draft.year} {'enregistrée' if created else 'mise à jour'}.", "success")
            return _back_to(fiche, f"indicateur-{indicator.id}")
    return _fiche_page(fiche, 422, measurement=(indicator.id, form))


# --- Import ---------------------------------------------------------------------------


@bp.route("/<slug>/import", methods=["GET", "POST"])
@staff_only
def import_measurements(slug: str):
    scheme = _scheme_or_404(slug)
    form = ImportForm()
    result, outcome, errors = None, None, []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            table = indicator_import.read(upload.filename or "", upload.read())
            if form.operation.data == "import":
                result, outcome = indicator_import.run_import(scheme, table, actor=current_user)
                db.session.commit()
            else:
                result = indicator_import.check(scheme, table)
        except ImportFileError as error:
            db.session.rollback()
            errors = [str(error)]
        except indicator_import.IndicatorImportRejected as error:
            db.session.rollback()
            errors, result = [str(error)], error.result
    refused = bool(errors or form.errors or (result and result.rejected))
    return render_template(
        "followup/import.html",
        scheme=scheme,
        form=form,
        result=result,
        outcome=outcome,
        errors=errors,
        columns=indicator_import.COLUMNS,
    ), (422 if refused else 200)


@bp.get("/<slug>/modele.csv")
@staff_only
def import_template(slug: str):
    scheme = _scheme_or_404(slug)
    return Response(
        indicator_import.template_csv(scheme),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="indicateurs-{scheme.slug}.csv"',
        },
    )
