"""Meeting lifecycle, join codes and attendance."""

import pytest

from consult.core.db import utcnow
from consult.meetings.services import (
    MeetingDetails,
    MeetingError,
    change_status,
    close_meeting,
    create_meeting,
    find_by_join_code,
    record_attendance,
)


def _details(scheme, **overrides):
    values = {
        "title": "Concertation <b>Maurienne</b>",
        "kind": "concertation_territoriale",
        "scheme_id": scheme.id,
        "theme_ids": [scheme.themes[0].id],
    }
    values.update(overrides)
    return MeetingDetails(**values)


def test_meeting_is_created_in_draft_with_a_join_code(db, make_scheme, make_user):
    scheme = make_scheme()
    meeting = create_meeting(_details(scheme), actor=make_user(role="facilitator"), now=utcnow())
    assert meeting.status == "draft"
    assert meeting.title == "Concertation Maurienne"
    assert len(meeting.join_code) == 6
    assert meeting.themes == [scheme.themes[0]]


def test_lifecycle_moves_forward_and_refuses_skips(db, make_meeting):
    meeting = make_meeting(status="draft")
    with pytest.raises(MeetingError, match="ne peut pas passer"):
        change_status(meeting, "archived", now=utcnow())
    for target in ("open", "closed", "archived"):
        change_status(meeting, target, now=utcnow())
    assert meeting.archived_at is not None
    with pytest.raises(MeetingError):
        change_status(meeting, "open", now=utcnow())


def test_join_code_leads_to_open_meetings_only(db, make_meeting):
    meeting = make_meeting(status="open", join_code="ABC234")
    assert find_by_join_code(" abc 234 ") == meeting
    meeting.status = "closed"
    assert find_by_join_code("ABC234") is None


def test_closing_records_minutes_and_counts(db, make_meeting):
    meeting = make_meeting(status="open", user_groups=["Personnes âgées"])
    close_meeting(
        meeting,
        minutes="<p>Conclusions</p><script>x</script>",
        by_type={"usagers": "40", "professionnels": 12},
        by_group={"Personnes âgées": 15},
        now=utcnow(),
    )
    assert meeting.status == "closed"
    assert meeting.minutes == "<p>Conclusions</p>x"
    assert meeting.participant_count == 52
    assert meeting.attendance_by_group == {"Personnes âgées": 15}


@pytest.mark.parametrize(
    ("by_type", "message"),
    [
        ({"usagers": "-3"}, "impossible"),
        ({"usagers": "beaucoup"}, "entiers"),
        ({"martiens": 3}, "inconnue"),
    ],
)
def test_bad_attendance_is_refused(db, make_meeting, by_type, message):
    with pytest.raises(MeetingError, match=message):
        record_attendance(make_meeting(), by_type, {})


def test_a_group_meeting_takes_only_a_working_group_of_its_scheme(
    db, make_scheme, make_user, make_working_group
):
    scheme = make_scheme()
    group, foreign = make_working_group(scheme=scheme), make_working_group()
    assert foreign.scheme_id != scheme.id
    actor = make_user(role="facilitator")
    kind = "groupe_de_travail"
    meeting = create_meeting(
        _details(scheme, kind=kind, working_group=group), actor=actor, now=utcnow()
    )
    assert meeting.working_group_id == group.id
    other_kind = create_meeting(_details(scheme, working_group=group), actor=actor, now=utcnow())
    assert other_kind.working_group_id is None
    with pytest.raises(MeetingError, match="groupe de travail du schéma"):
        create_meeting(
            _details(scheme, kind=kind, working_group=foreign), actor=actor, now=utcnow()
        )
