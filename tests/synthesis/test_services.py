"""Synthesis scope, items and versions (the analysis itself is tested in test_analysis)."""

from datetime import timedelta

import pytest

from consult.contributions.models import Contribution
from consult.core.db import utcnow
from consult.moderation.services import mask, merge
from consult.synthesis import services
from consult.synthesis.services import Scope, SynthesisError
from consult.tagging.services import add_tag

PHONE = "Appelez Julie au 06 12 34 56 78, il faut plus d'aides à domicile"


@pytest.fixture
def staff(make_user):
    return make_user(role="facilitator")


@pytest.fixture
def synthesis_of(staff):
    def _make(meeting, **scope):
        return services.create_synthesis(
            scheme=meeting.scheme,
            title="Synthèse des concertations",
            template="concertations",
            scope=Scope(**scope),
            actor=staff,
        )

    return _make


def test_items_carry_masked_text_tags_and_merged_weight(
    db, make_meeting, make_contribution, synthesis_of, staff
):
    meeting = make_meeting(status="open")
    kept = make_contribution(meeting=meeting, body=PHONE, status="published")
    twin = make_contribution(meeting=meeting, body="Plus d'aides à domicile", status="published")
    make_contribution(meeting=meeting, body="Pas encore relue", status="pending")
    make_contribution(meeting=meeting, body="Rejetée", status="rejected")
    mask(kept, actor=staff, now=utcnow())
    merge(kept, [twin], actor=staff, now=utcnow())
    add_tag(kept, theme=meeting.scheme.themes[0], actor=staff, now=utcnow())
    items = services.collect_items(synthesis_of(meeting))
    assert [item.id for item in items] == [kept.id]
    item = items[0]
    stored = db.session.get(Contribution, kept.id)
    assert item.text == stored.body  # the masked text, never the original
    assert "06 12 34 56 78" not in item.text
    assert item.weight == 2  # the merged duplicate's author still counts
    assert item.themes == [f"{meeting.scheme.themes[0].number}. {meeting.scheme.themes[0].title}"]


def test_scope_filters_meetings_kinds_authors_dates_and_pending(
    db, make_meeting, make_contribution, synthesis_of
):
    first, second = make_meeting(status="open"), make_meeting(status="open")
    old = make_contribution(meeting=first, body="Ancienne", kind="constat", status="published")
    old.created_at = utcnow() - timedelta(days=400)
    question = make_contribution(
        meeting=first, body="Une question", kind="question", author_type="professionnel"
    )
    make_contribution(meeting=second, body="Autre rencontre", kind="question")
    pending = make_contribution(meeting=first, body="À relire", kind="question", status="pending")
    db.session.flush()

    def ids(**scope):
        return [item.id for item in services.collect_items(synthesis_of(first, **scope))]

    assert ids(meeting_ids=[first.id], kinds=["question"]) == [question.id]
    assert ids(meeting_ids=[first.id], author_types=["professionnel"]) == [question.id]
    since = (utcnow() - timedelta(days=30)).date().isoformat()
    assert old.id not in ids(meeting_ids=[first.id], date_from=since)
    assert pending.id in ids(meeting_ids=[first.id], published_only=False)
    assert pending.id not in ids(meeting_ids=[first.id])


def test_versions_are_numbered_and_keep_the_editorial(db, make_meeting, synthesis_of):
    synthesis = synthesis_of(make_meeting())
    first = services.add_version(synthesis, {"title": "v1"}, 3, now=utcnow())
    services.update_editorial(
        first, introduction="Bonjour\n\nDeux <b>mots</b>", analysis="", conclusions=""
    )
    second = services.add_version(synthesis, {"title": "v2"}, 4, now=utcnow())
    assert (first.number, second.number) == (1, 2)
    assert second.editorial == first.editorial
    assert first.document == {"title": "v1"}  # version 1 is kept as it was


def test_editorial_is_sanitised_and_paragraphed(db, make_meeting, synthesis_of):
    synthesis = synthesis_of(make_meeting())
    version = services.add_version(synthesis, {}, 0, now=utcnow())
    services.update_editorial(
        version,
        introduction="Premier paragraphe\n\nSecond <script>alert(1)</script>",
        analysis='<p onclick="x()">Analyse <strong>forte</strong></p>',
        conclusions="",
    )
    assert version.editorial["introduction"].startswith("<p>Premier paragraphe</p>")
    assert "<script" not in version.editorial["introduction"]
    assert version.editorial["analysis"] == "<p>Analyse <strong>forte</strong></p>"


def test_status_goes_draft_shared_published_and_stops(db, make_meeting, synthesis_of, staff):
    synthesis = synthesis_of(make_meeting())
    version = services.add_version(synthesis, {}, 0, now=utcnow())
    services.change_status(version, "shared", actor=staff, now=utcnow())
    services.update_editorial(version, introduction="<p>Intro</p>", analysis="", conclusions="")
    services.change_status(version, "published", actor=staff, now=utcnow())
    with pytest.raises(SynthesisError):
        services.change_status(version, "draft", actor=staff, now=utcnow())
    with pytest.raises(SynthesisError, match="publiée ne change plus"):
        services.update_editorial(version, introduction="x", analysis="", conclusions="")


def test_a_synthesis_reading_unmoderated_text_is_never_shared_nor_published(
    db, make_meeting, synthesis_of, staff
):
    synthesis = synthesis_of(make_meeting(), published_only=False)
    version = services.add_version(synthesis, {}, 0, now=utcnow())
    for target in ("shared", "published"):
        with pytest.raises(SynthesisError, match="ni partagée ni publiée"):
            services.change_status(version, target, actor=staff, now=utcnow())
    assert version.status == "draft"


def test_participants_come_from_the_meetings_attendance(
    db, make_meeting, make_contribution, synthesis_of
):
    meeting = make_meeting(attendance_by_type={"usagers": 31, "professionnels": 9})
    make_contribution(meeting=meeting, body="Des bus le soir")
    assert services.participants(synthesis_of(meeting, meeting_ids=[meeting.id])) == 40


@pytest.mark.parametrize(("title", "template"), [("ok", "concertations"), ("Bon titre", "x")])
def test_bad_requests_are_refused_in_french(db, make_meeting, staff, title, template):
    with pytest.raises(SynthesisError):
        services.create_synthesis(
            scheme=make_meeting().scheme, title=title, template=template, scope=Scope(), actor=staff
        )
