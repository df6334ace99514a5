"""Who may prepare the annual reports, and who reads one before it is published."""

from consult.core.security import is_staff


def can_manage_reports(user) -> bool:
    """The Département's team generates, checks and publishes the annual reports."""
    return is_staff(user)


def can_read_report(user, report) -> bool:
    """A published report is everyone's; a draft stays with the team."""
    return report.status == "published" or can_manage_reports(user)
