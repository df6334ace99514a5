"""Submitting contributions: open meetings only, bounded text, one row per form."""

from datetime import timedelta

import pytest

from consult.contributions.models import Contribution, Support
from consult.contributions.services import (
    ContributionError,
    Draft,
    find_by_receipt,
    published_since,
    submit_contribution,
    support_contribution,
)
from consult.core.db import utcnow
from tests.factories import HOSTILE_TEXT


def test_anonymous_contribution_is_sanitised_and_waits_for_moderation(db, make_meeting):
    meeting = make_meeting(status="open")
    contribution, created = submit_contribution(
        meeting, Draft(body=HOSTILE_TEXT, pseudonym="<i>Jo</i>"), now=utcnow()
    )
    assert created
    assert contribution.body == 'alert("x")Plus de transports à Modane'
    assert contribution.pseudonym == "Jo"
    assert contribution.status == "pending"
    assert contribution.author_id is None
    assert len(contribution.receipt_code) == 11


def test_meeting_publishing_immediately_publishes(db, make_meeting):
    meeting = make_meeting(status="open", publish_immediately=True)
    contribution, _ = submit_contribution(meeting, Draft(body="Plus de bus"), now=utcnow())
    assert contribution.status == "published"
    assert contribution.published_at is not None


@pytest.mark.parametrize("status", ["draft", "closed", "archived"])
def test_contribution_refused_when_meeting_not_open(db, make_meeting, count, status):
    meeting = make_meeting(status=status)
    with pytest.raises(ContributionError, match="n'accepte plus de contributions"):
        submit_contribution(meeting, Draft(body="Plus de bus"), now=utcnow())
    assert count(Contribution) == 0


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("ok", "trop courte"),
        ("<b></b>  ", "trop courte"),
        ("x" * 5001, "trop longue"),
    ],
)
def test_length_is_bounded_with_french_message(db, make_meeting, body, message):
    with pytest.raises(ContributionError, match=message):
        submit_contribution(make_meeting(), Draft(body=body), now=utcnow())


def test_same_idempotency_key_creates_one_contribution(db, make_meeting, count):
    meeting = make_meeting()
    draft = Draft(body="Un seul envoi", idempotency_key="cle-unique-123")
    first, created_first = submit_contribution(meeting, draft, now=utcnow())
    second, created_second = submit_contribution(meeting, draft, now=utcnow())
    assert (created_first, created_second) == (True, False)
    assert first.id == second.id
    assert count(Contribution) == 1


def test_partner_contributes_in_the_organisations_name(db, make_meeting, make_user):
    partner = make_user(role="partner")
    contribution, _ = submit_contribution(
        make_meeting(), Draft(body="Proposition CAF"), actor=partner, now=utcnow()
    )
    assert contribution.organisation_id == partner.organisation_id
    assert contribution.author_type == "partenaire"
    assert contribution.public_signature == partner.organisation.name


def test_facilitator_records_on_behalf_of_a_group(db, make_meeting, make_user):
    facilitator = make_user(role="facilitator")
    draft = Draft(body="Dit en salle", channel="papier", on_behalf_of="Groupe des aidants")
    contribution, _ = submit_contribution(make_meeting(), draft, actor=facilitator, now=utcnow())
    assert contribution.recorded_by_id == facilitator.id
    assert contribution.author_id is None
    assert contribution.on_behalf_of == "Groupe des aidants"


def test_unknown_public_or_choice_is_refused(db, make_meeting):
    with pytest.raises(ContributionError, match="public"):
        submit_contribution(make_meeting(), Draft(body="Texte", public_ids=[999]), now=utcnow())
    with pytest.raises(ContributionError, match="type"):
        submit_contribution(make_meeting(), Draft(body="Texte", kind="pétition"), now=utcnow())


def test_receipt_code_finds_the_contribution_whatever_the_case(db, make_contribution):
    contribution = make_contribution()
    code = contribution.receipt_code.lower().replace("-", " ")
    assert find_by_receipt(code) == contribution
    assert find_by_receipt("ZZZZZ-ZZZZZ") is None
    assert find_by_receipt("court") is None


def test_support_counts_once_per_supporter(db, make_contribution, count):
    contribution = make_contribution(status="published")
    assert support_contribution(contribution, "b:navigateur-1", now=utcnow())
    assert not support_contribution(contribution, "b:navigateur-1", now=utcnow())
    assert support_contribution(contribution, "b:navigateur-2", now=utcnow())
    assert contribution.support_count == 2
    assert count(Support) == 2


def test_pending_contribution_cannot_be_supported(db, make_contribution):
    with pytest.raises(ContributionError):
        support_contribution(make_contribution(status="pending"), "b:x", now=utcnow())


def test_live_wall_cursor_returns_late_publications(db, make_meeting, make_contribution):
    meeting = make_meeting()
    t0 = utcnow()
    early = make_contribution(meeting=meeting, status="published", published_at=t0)
    assert published_since(meeting.id, None) == [early]
    assert published_since(meeting.id, t0, early.id) == []
    later = make_contribution(
        meeting=meeting, status="published", published_at=t0 + timedelta(seconds=1)
    )
    make_contribution(meeting=meeting, status="pending")
    assert published_since(meeting.id, t0, early.id) == [later]


def test_personal_data_is_flagged_on_arrival(db, make_meeting):
    meeting = make_meeting(status="open")
    phone, _ = submit_contribution(meeting, Draft(body="Appelez le 06 12 34 56 78"), now=utcnow())
    plain, _ = submit_contribution(meeting, Draft(body="Plus de bus le soir"), now=utcnow())
    assert (phone.has_personal_data, plain.has_personal_data) == (True, False)
