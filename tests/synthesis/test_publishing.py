"""Publishing means finished: editorial part required, warnings on tags, ideas, attendance."""

from html import unescape

import pytest
import sqlalchemy as sa

from consult.contributions.models import Contribution
from consult.core.db import utcnow
from consult.synthesis import services
from consult.synthesis.current import current_version
from consult.synthesis.publishing import warnings
from consult.synthesis.services import SynthesisError
from consult.tagging.models import ContributionTag
from tests.synthesis.test_curation import TEXTS, handmade, idea


@pytest.fixture
def version(make_synthesis_version, make_meeting, db):
    """A draft over 9 contributions: 6 in two ideas, 3 in none; none tagged; no attendance."""
    meeting = make_meeting(status="open")
    version = make_synthesis_version(meeting=meeting, status="draft", texts=TEXTS)
    rows = db.session.execute(
        sa.select(Contribution.id, Contribution.body)
        .where(Contribution.meeting_id == meeting.id)
        .order_by(Contribution.id)
    ).all()
    ids, texts = [r.id for r in rows], {r.id: r.body for r in rows}
    ideas = [idea("crèches", ids[0:3], texts), idea("transports", ids[3:6], texts)]
    version.document = handmade(ideas, ids)
    db.session.commit()
    return version


def page_of(client, version) -> str:
    return unescape(client.get(f"/syntheses/{version.synthesis_id}/v{version.number}").text)


def publish(client, version):
    url = f"/syntheses/{version.synthesis_id}/v{version.number}/etat"
    return client.post(url, data={"target": "published", "confirm": "y"}, follow_redirects=True)


def test_publishing_is_refused_without_the_editorial_part(client, facilitator, version, db):
    page = unescape(publish(client, version).text)
    assert "ne peut pas être publiée sans sa partie rédigée" in page
    db.session.refresh(version)
    assert version.status == "draft"
    for empty in ("", "<p> </p>", "<p>&nbsp;</p>"):
        version.editorial = {"introduction": empty, "analysis": "", "conclusions": ""}
        with pytest.raises(SynthesisError, match="partie rédigée"):
            services.change_status(version, "published", actor=facilitator, now=utcnow())
    url = f"/syntheses/{version.synthesis_id}/v1/redaction"
    client.post(url, data={"conclusions": "<p>Nos conclusions</p>"})
    publish(client, version)
    db.session.refresh(version)
    assert version.status == "published"


def test_page_warns_when_contributions_are_untagged_or_in_no_idea(client, facilitator, version):
    page = page_of(client, version)
    assert "Avant de partager ou de publier" in page
    assert "9 contributions sur 9 (100 %) n'ont pas de thématique ni de fiche" in page
    assert "3 contributions sur 9 (33 %) ne rejoignent aucune idée" in page
    assert "ne peut pas être publiée sans sa partie rédigée" in page


def test_warnings_go_once_tagged_assigned_and_written(client, facilitator, version, db, make_user):
    document = current_version(version).document
    ids = document.sections[0].ids
    theme = version.synthesis.scheme.themes[0]
    db.session.add_all(ContributionTag(contribution_id=i, theme_id=theme.id) for i in ids[:8])
    version.editorial = {"introduction": "<p>Intro</p>"}
    db.session.commit()
    found = warnings(version, current_version(version).document)
    assert not any("thématique" in w for w in found)  # 1 in 9 untagged: 11 % ≤ 20 %
    assert not any("partie rédigée" in w for w in found)
    assert any("ne rejoignent aucune idée" in w for w in found)  # 3 in 9 > 15 %
    url = f"/syntheses/{version.synthesis_id}/v1/idees"
    for ident in ids[6:9]:
        client.post(url, data={"action": "move", "idea": "0-0", "contribution": str(ident)})
    found = warnings(version, current_version(version).document)
    assert not any("ne rejoignent aucune idée" in w for w in found)


def test_participants_come_from_attendance_or_the_page_says_why(client, facilitator, version, db):
    page = page_of(client, version)
    assert "Participants inconnus : la présence n'a été relevée pour la rencontre" in page
    meeting = db.session.get(Contribution, version.document["sections"][0]["ids"][0]).meeting
    meeting.attendance_by_type = {"usagers": 12}
    version.document = {**version.document, "participants": 12}
    db.session.commit()
    assert "Participants inconnus" not in page_of(client, version)


def test_an_online_consultation_is_not_counted_as_missing_attendance(
    client, facilitator, version, db, make_meeting, make_contribution
):
    in_room = db.session.get(Contribution, version.document["sections"][0]["ids"][0]).meeting
    in_room.attendance_by_type = {"usagers": 12}
    online = make_meeting(scheme=in_room.scheme, kind="consultation_en_ligne", status="open")
    make_contribution(meeting=online, body="Un avis déposé en ligne", status="published")
    version.synthesis.scope = {"meeting_ids": [in_room.id, online.id]}
    version.document = {**version.document, "participants": 12}
    db.session.commit()
    page = page_of(client, version)
    assert "présence relevée pour 1 rencontres sur 2" not in page
    assert "Participants inconnus" not in page
    in_room.attendance_by_type = {}
    version.synthesis.scope = {"meeting_ids": [online.id]}
    version.document = {**version.document, "participants": None}
    db.session.commit()
    assert "consultation en ligne seulement, sans feuille de présence" in page_of(client, version)
