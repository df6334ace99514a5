"""Asking for reports and the generation job, without HTTP."""

import pytest

from consult.core.db import utcnow
from consult.reports import jobs as report_jobs
from consult.reports.models import AnnualReport
from tests.reports.conftest import YEAR


def test_two_requests_at_once_share_one_report(db, followed, make_user, monkeypatch, count):
    actor = make_user(role="admin")
    first, created = report_jobs.request_report(followed.scheme, YEAR, actor=actor)
    db.session.commit()
    assert created
    real = report_jobs._existing
    calls = iter([None])  # the second request looked before the first one committed

    def late_look(scheme, year):
        return next(calls, None) or real(scheme, year)

    monkeypatch.setattr(report_jobs, "_existing", late_look)
    first.job_run.status = "done"  # let it queue again
    second, created = report_jobs.request_report(followed.scheme, YEAR, actor=actor)
    db.session.commit()
    assert not created
    assert second.id == first.id
    assert count(AnnualReport) == 1


@pytest.mark.parametrize("year", [1999, 2101])
def test_year_out_of_range(db, followed, make_user, year):
    with pytest.raises(report_jobs.ReportError, match="entre 2000 et 2100"):
        report_jobs.request_report(followed.scheme, year, actor=make_user(role="admin"))


def test_job_stores_the_document_and_reports_progress(db, followed, make_user, jobs):
    report, _ = report_jobs.request_report(followed.scheme, YEAR, actor=make_user(role="admin"))
    db.session.commit()
    assert report_jobs.is_generating(report)
    assert jobs.run_all() == [True]
    db.session.refresh(report)
    assert report.document["title"].startswith(f"Bilan annuel {YEAR}")
    assert report.generated_at is not None
    assert report.job_run.message == f"Bilan {YEAR} prêt"
    assert not report_jobs.is_generating(report)


def test_job_for_a_deleted_report_does_nothing(db):
    assert report_jobs.generate_annual_report(0, 424242) is None


def test_publishing_needs_a_document(db, followed, make_user):
    report, _ = report_jobs.request_report(followed.scheme, YEAR, actor=make_user(role="admin"))
    with pytest.raises(report_jobs.ReportError, match="pas encore été généré"):
        report_jobs.change_status(report, "published", now=utcnow())
    with pytest.raises(report_jobs.ReportError, match="inconnu"):
        report_jobs.change_status(report, "archive", now=utcnow())
    report.document = {"title": "…"}
    report_jobs.change_status(report, "published", now=utcnow())
    assert report.published_at is not None
    report_jobs.change_status(report, "draft", now=utcnow())
    assert (report.status, report.published_at) == ("draft", None)
