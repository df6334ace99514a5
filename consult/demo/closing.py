"""How the demo's past meetings were closed: that evening, with their relevé published."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from markupsafe import escape

from consult.core.sanitize import clean_html
from consult.demo import content
from consult.meetings.models import Meeting

PARIS = ZoneInfo("Europe/Paris")


def close_in_the_past(meeting: Meeting, key: str) -> None:
    """Closed when it ended, with the relevé its team wrote (content.MINUTES)."""
    meeting.status = "closed"
    meeting.closed_at = closed_at(meeting)
    meeting.minutes = minutes_html(content.MINUTES.get(key, ""))


def closed_at(meeting: Meeting) -> datetime:
    """That evening, or after four weeks for an online consultation."""
    days = 28 if meeting.kind == "consultation_en_ligne" else 0
    evening = datetime.combine(meeting.held_on, time(18, 0), tzinfo=PARIS)
    return (evening + timedelta(days=days)).astimezone(UTC)


def minutes_html(text: str) -> str:
    """The relevé as the close form stores it: one paragraph per blank line."""
    paragraphs = [part.strip() for part in text.split("\n\n") if part.strip()]
    return clean_html("".join(f"<p>{escape(part)}</p>" for part in paragraphs))
