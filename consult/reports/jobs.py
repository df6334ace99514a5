"""Annual reports: asking for one, the jobs that generate it and render its files.

A report is one row per scheme and year. Asking again for an existing one regenerates
it; a report being generated is not queued a second time (a double click queues one job).
Its PDF and Word files are rendered by a job once per generation and status, stored,
and served as files (``consult.core.stored_documents``): never rendered in a request.
"""

import logging

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.exc import IntegrityError

from consult.core import stored_documents
from consult.core.db import utcnow
from consult.core.errors import DomainError
from consult.core.jobs import ACTIVE, enqueue_after_commit, report_progress
from consult.extensions import db
from consult.reports import exports as report_exports
from consult.reports.models import REPORT_STATUSES, AnnualReport
from consult.reports.services import ReportDocument, build_report
from consult.schemes.models import Scheme

log = logging.getLogger(__name__)
MIN_YEAR, MAX_YEAR = 2000, 2100
DOCUMENT_KINDS = ("pdf", "docx")


class ReportError(DomainError):
    """A French message explaining why a request about a report was refused."""


def is_generating(report: AnnualReport) -> bool:
    return report.job_run is not None and report.job_run.status in ACTIVE


def _existing(scheme: Scheme, year: int) -> AnnualReport | None:
    return db.session.scalar(
        sa.select(AnnualReport).where(
            AnnualReport.scheme_id == scheme.id, AnnualReport.year == year
        )
    )


def request_report(scheme: Scheme, year: int, *, actor) -> tuple[AnnualReport, bool]:
    """The scheme's report for ``year``, created if new; its generation is queued.

    Returns ``(report, created)``. An existing report is regenerated instead.
    """
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ReportError(f"Choisissez une année entre {MIN_YEAR} et {MAX_YEAR}.")
    report, created = _existing(scheme, year), False
    if report is None:
        try:
            with db.session.begin_nested():  # another request may create it at the same time
                report = AnnualReport(scheme=scheme, year=year, created_by_id=actor.id)
                db.session.add(report)
        except IntegrityError:
            report = _existing(scheme, year)
        else:
            created = True
    generate(report)
    return report, created


def generate(report: AnnualReport) -> bool:
    """Queue the report's generation (after commit); False when one is already under way."""
    if is_generating(report):
        return False
    report.job_run = enqueue_after_commit(
        generate_annual_report, report.id, queue="synthesis", label=f"bilan:{report.id}"
    )
    return True


def change_status(report: AnnualReport, target: str, *, now) -> AnnualReport:
    """Publish a generated report, or take it back to draft."""
    if target not in REPORT_STATUSES:
        raise ReportError("État inconnu.")
    if target == "published" and report.document is None:
        raise ReportError(
            "Ce bilan n'a pas encore été généré : attendez la fin de sa préparation "
            "avant de le publier."
        )
    report.status = target
    report.published_at = now if target == "published" else None
    request_documents(report)  # the status is printed on the files
    return report


def generate_annual_report(job_run_id: int, report_id: int) -> int | None:
    """Read the scheme for the report's year and store the document; returns the report id."""
    report = db.session.get(AnnualReport, report_id)
    if report is None:
        return None
    report_progress(job_run_id, 5, "Préparation du bilan")

    def tell(percent: int, message: str) -> None:
        report_progress(job_run_id, percent, message)

    document = build_report(report.scheme, report.year, now=utcnow(), progress=tell)
    report.document = document.to_dict()
    report.generated_at = document.generated_at
    request_documents(report, generated=True)
    db.session.commit()
    report_progress(job_run_id, 100, f"Bilan {report.year} prêt")
    log.info("job %s: annual report %s (%s)", job_run_id, report_id, report.year)
    return report.id


# --- Stored PDF and Word files ---------------------------------------------------------


def report_family(report: AnnualReport) -> str:
    return f"bilan-{report.id}"


def report_key(report: AnnualReport) -> str:
    """What the files depend on: the generation and the status (never the request)."""
    generated = report.generated_at.isoformat() if report.generated_at else ""
    return stored_documents.make_key(report.id, generated, report.status)


def request_documents(
    report: AnnualReport, *, generated: bool = False, every_kind: bool = False
) -> None:
    """Queue the report's PDF and Word files (after commit), when it has a document."""
    if report.document is None:
        return
    stored_documents.request_renders(
        render_report_document,
        report_family(report),
        report.id,
        DOCUMENT_KINDS,
        generated=generated,
        every=every_kind,
    )


def _render(report: AnnualReport, kind: str) -> bytes:
    document = ReportDocument.from_dict(report.document)
    status_label = REPORT_STATUSES[report.status]
    if kind == "docx":
        return report_exports.render_docx(document, status_label=status_label)
    base_url, context = stored_documents.public_request_context()
    with context:
        return report_exports.render_pdf(
            document,
            status_label=status_label,
            base_url=base_url,
            fiche_url=lambda ident: url_for("suite.fiche", fiche_id=ident, _external=True),
        )


def render_report_document(job_run_id: int, report_id: int, kind: str) -> str | None:
    """Render and store one file of the report as it is now; returns its key."""
    report = db.session.get(AnnualReport, report_id)
    if report is None or report.document is None or kind not in DOCUMENT_KINDS:
        return None
    key, family = report_key(report), report_family(report)
    stored_documents.render_once(
        job_run_id, family, key, kind, lambda: _render(report, kind), "Mise en page du bilan"
    )
    log.info("job %s: annual report %s %s ready", job_run_id, report_id, kind)
    return key
