"""Bilans annuels générés par une tâche (page, PDF, DOCX).

Everyone reads published reports; drafts are seen by the Département's team only (404 for
anyone else). The team (administrators, facilitators) asks for, regenerates and publishes.
"""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from consult.core import stored_documents
from consult.core.db import get_or_404, utcnow
from consult.core.errors import refuse
from consult.core.jobs import STATUS_LABELS
from consult.core.security import staff_only
from consult.extensions import db
from consult.reports import exports, jobs
from consult.reports.forms import RegenerateForm, ReportForm, ReportStatusForm
from consult.reports.jobs import ReportError
from consult.reports.models import REPORT_STATUSES, AnnualReport
from consult.reports.permissions import can_manage_reports, can_read_report
from consult.reports.services import ReportDocument
from consult.schemes.models import Scheme

bp = Blueprint("reports", __name__, url_prefix="/bilans")


def _report_or_404(report_id: int) -> AnnualReport:
    """The report, if the current user may read it (a draft is the team's only)."""
    report = get_or_404(db.session, AnnualReport, report_id)
    if not can_read_report(current_user, report):
        abort(404)
    return report


def _report_form() -> ReportForm:
    form = ReportForm()
    form.fill_choices(db.session.scalars(sa.select(Scheme).order_by(Scheme.id)))
    if not form.is_submitted() and form.year.data is None:
        form.year.data = utcnow().year - 1
    return form


def _render_index(form: ReportForm | None, status: int = 200):
    query = sa.select(AnnualReport).order_by(AnnualReport.year.desc(), AnnualReport.id.desc())
    if form is None:
        query = query.where(AnnualReport.status == "published")
    return render_template(
        "reports/index.html",
        reports=db.session.scalars(query).all(),
        form=form,
        statuses=REPORT_STATUSES,
    ), status


@bp.get("/")
def index():
    return _render_index(_report_form() if can_manage_reports(current_user) else None)


@bp.post("/nouveau")
@staff_only
def create():
    form = _report_form()
    if form.validate_on_submit():
        scheme = db.session.get(Scheme, form.scheme_id.data)
        try:
            report, created = jobs.request_report(scheme, form.year.data, actor=current_user)
            db.session.commit()
        except ReportError as error:
            refuse(error, form, "year")
        else:
            if created:
                flash(f"Bilan {report.year} demandé : il se prépare en arrière-plan.", "success")
            else:
                flash(f"Le bilan {report.year} existait déjà : il est préparé à nouveau.", "info")
            return redirect(url_for(".show", report_id=report.id), 303)
    return _render_index(form, 422)


def _fiche_url(external: bool = False):
    """The public "droit de suite" page of a fiche."""
    return lambda ident: url_for("suite.fiche", fiche_id=ident, _external=external)


def _document(report: AnnualReport) -> ReportDocument | None:
    return ReportDocument.from_dict(report.document) if report.document else None


def _documents(report: AnnualReport) -> dict[str, bool]:
    """Whether each file of the report, as it is now, is ready to download."""
    family, key = jobs.report_family(report), jobs.report_key(report)
    return {
        kind: stored_documents.stored_file(family, key, kind) is not None
        for kind in ("pdf", "docx")
    }


def _render_show(report: AnnualReport, *, error: str = "", status: int = 200):
    document = _document(report)
    context = {}
    if document is not None:
        context = exports.document_context(
            document, status_label=REPORT_STATUSES[report.status], fiche_url=_fiche_url()
        )
        context["documents"] = _documents(report)
    return render_template(
        "reports/show.html",
        report=report,
        run=report.job_run,
        generating=jobs.is_generating(report),
        status_labels=STATUS_LABELS,
        statuses=REPORT_STATUSES,
        can_manage=can_manage_reports(current_user),
        error=error,
        form=RegenerateForm(),
        status_form=ReportStatusForm(),
        **context,
    ), status


@bp.get("/<int:report_id>")
def show(report_id: int):
    return _render_show(_report_or_404(report_id))


@bp.post("/<int:report_id>/generer")
@staff_only
def regenerate(report_id: int):
    report = _report_or_404(report_id)
    if not RegenerateForm().validate_on_submit():
        return _render_show(report, error="Le formulaire a expiré : rechargez la page.", status=422)
    if jobs.generate(report):
        db.session.commit()
        flash("Nouvelle préparation demandée : elle se fait en arrière-plan.", "success")
    else:
        flash("Ce bilan est déjà en préparation.", "info")
    return redirect(url_for(".show", report_id=report.id), 303)


@bp.post("/<int:report_id>/etat")
@staff_only
def change_status(report_id: int):
    report = _report_or_404(report_id)
    form = ReportStatusForm()
    try:
        if not form.validate_on_submit():
            raise ReportError("Cet état n'existe pas : choisissez « Publier » ou « Brouillon ».")
        jobs.change_status(report, form.target.data, now=utcnow())
        db.session.commit()
    except ReportError as error:
        db.session.rollback()
        return _render_show(report, error=str(error), status=422)
    flash(f"Bilan {report.year} : {REPORT_STATUSES[report.status].lower()}.", "success")
    return redirect(url_for(".show", report_id=report.id), 303)


@bp.get("/<int:report_id>.<any(pdf, docx):kind>")
def export(report_id: int, kind: str):
    """The stored file of the report, or « en cours de préparation » while a worker renders it."""
    report = _report_or_404(report_id)
    if report.document is None:
        return render_template("reports/not_ready.html", report=report), 409
    download = stored_documents.Download(
        family=jobs.report_family(report),
        key=jobs.report_key(report),
        extension=kind,
        name=f"bilan-{report.year}-{report.id}.{kind}",
        public=report.status == "published",
        title=f"Bilan {report.year}",
        back_url=url_for(".show", report_id=report.id),
    )
    return stored_documents.serve_or_prepare(download, jobs.render_report_document, report.id)
