"""Moderation decisions and their audit trail."""

import pytest

from consult.contributions.models import Report
from consult.contributions.services import ContributionError, report_contribution
from consult.core.db import utcnow
from consult.history.models import ModerationEvent
from consult.history.services import history
from consult.moderation.services import (
    ModerationError,
    edit_text,
    handle_reports,
    mask,
    merge,
    merged_sources,
    publish,
    reject,
)


@pytest.fixture
def moderator(make_user):
    return make_user(role="facilitator")


def test_publish_then_reject_is_traced_with_before_and_after(db, make_contribution, moderator):
    contribution = make_contribution(status="pending")
    publish(contribution, actor=moderator, now=utcnow())
    reject(contribution, actor=moderator, reason="hors_sujet", now=utcnow())
    db.session.flush()
    events = history(contribution)
    assert [e.action for e in events] == ["publish", "reject"]
    assert events[0].before["status"] == "pending"
    assert events[0].after["status"] == "published"
    assert events[1].reason == "Hors sujet"
    assert events[1].actor_id == moderator.id
    assert contribution.rejection_reason == "hors_sujet"


def test_reject_needs_a_known_reason_and_a_note_for_other(db, make_contribution, moderator):
    contribution = make_contribution(status="pending")
    with pytest.raises(ModerationError, match="motif"):
        reject(contribution, actor=moderator, reason="pas-aime", now=utcnow())
    with pytest.raises(ModerationError, match="Précisez"):
        reject(contribution, actor=moderator, reason="autre", note="  ", now=utcnow())


def test_edit_keeps_the_original_for_moderators(db, make_contribution, moderator):
    contribution = make_contribution(body="Plus de bus a Modane", status="pending")
    edit_text(contribution, "Plus de bus à Modane", actor=moderator, reason="accent", now=utcnow())
    edit_text(contribution, "Plus de bus à Modane, le soir", actor=moderator, now=utcnow())
    assert contribution.body == "Plus de bus à Modane, le soir"
    assert contribution.original_body == "Plus de bus a Modane"
    assert contribution.edited_by_id == moderator.id


def test_mask_replaces_personal_data_and_flags_clean_text(db, make_contribution, moderator):
    contribution = make_contribution(
        body="Rappelez Mme Paulette Girod au 06 12 34 56 78", has_personal_data=True
    )
    mask(contribution, actor=moderator, now=utcnow())
    assert contribution.body == "Rappelez Mme [nom masqué] au [téléphone masqué]"
    assert "06 12 34 56 78" in contribution.original_body
    assert contribution.has_personal_data is False
    with pytest.raises(ModerationError, match="Aucune donnée"):
        mask(contribution, actor=moderator, now=utcnow())


def test_merge_keeps_sources_and_adds_up_supports(db, make_meeting, make_contribution, moderator):
    meeting = make_meeting()
    target = make_contribution(meeting=meeting, body="Plus de bus", support_count=2)
    copies = [
        make_contribution(meeting=meeting, body="Plus de bus !", support_count=3),
        make_contribution(meeting=meeting, body="RAS", support_count=0),
    ]
    merge(target, copies, actor=moderator, now=utcnow())
    assert target.support_count == 5
    assert {c.status for c in copies} == {"merged"}
    assert sorted(c.id for c in merged_sources(target)) == sorted(c.id for c in copies)
    with pytest.raises(ModerationError, match="fusionnée"):
        publish(copies[0], actor=moderator, now=utcnow())


def test_report_once_per_reporter_and_handled_by_a_moderator(
    db, make_contribution, moderator, count
):
    contribution = make_contribution(status="published")
    assert report_contribution(contribution, "b:abc", reason="injurieux", now=utcnow())
    assert not report_contribution(contribution, "b:abc", reason="injurieux", now=utcnow())
    assert report_contribution(
        contribution, "u:7", reason="donnees_personnelles", note="<b>nom</b>", now=utcnow()
    )
    assert count(Report, Report.status == "open") == 2
    assert handle_reports(contribution, actor=moderator, now=utcnow()) == 2
    assert count(Report, Report.status == "open") == 0
    assert count(ModerationEvent, ModerationEvent.action == "report") == 2


def test_pending_contribution_cannot_be_reported(db, make_contribution):
    with pytest.raises(ContributionError):
        report_contribution(
            make_contribution(status="pending"), "b:x", reason="autre", now=utcnow()
        )


def test_audit_log_is_admin_only_and_csv_neutralises_formulas(
    client, make_user, login, make_contribution, moderator
):
    contribution = make_contribution(status="pending")
    reject(contribution, actor=moderator, reason="autre", note='=HYPERLINK("x")', now=utcnow())
    login(moderator)
    assert client.get("/admin/journal-moderation").status_code == 403
    client.post("/deconnexion")
    login(make_user(role="admin"))
    page = client.get("/admin/journal-moderation").get_data(as_text=True)
    assert "Rejet" in page
    csv_text = client.get("/admin/journal-moderation.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in csv_text
    assert ";=HYPERLINK" not in csv_text
