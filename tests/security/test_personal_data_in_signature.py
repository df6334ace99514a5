"""Issue 12 #2: personal data in the signature (or the text) always holds a contribution.

Detected personal data holds the contribution for moderation, even on meetings
that publish directly, and a moderator can mask it in the signature as in the text.
"""

import pytest

from consult.contributions.models import Contribution
from consult.core.db import utcnow
from consult.moderation.services import mask, publish
from tests.contributions.test_views import contribute

SIGNATURE = "Paul Martin 06 55 44 33 22 paul.m@exemple.fr"


@pytest.fixture
def direct(make_meeting):
    return make_meeting(status="open", publish_immediately=True)


def _only(db) -> Contribution:
    return db.session.query(Contribution).one()


def test_clean_contribution_is_published_directly(client, direct, db):
    assert contribute(client, direct, pseudonym="Jo").status_code == 200
    assert _only(db).status == "published"


def test_personal_data_in_signature_holds_the_contribution(client, direct, db):
    assert contribute(client, direct, pseudonym=SIGNATURE).status_code == 200
    contribution = _only(db)
    assert contribution.has_personal_data
    assert contribution.status == "pending"
    feed = client.get(f"/rencontres/{direct.id}/mur.json")
    assert "06 55 44 33 22" not in feed.text
    assert "paul.m@exemple.fr" not in feed.text


def test_personal_data_in_text_holds_the_contribution(client, direct, db):
    body = "Appelez-moi au 06 55 44 33 22 pour le transport"
    assert contribute(client, direct, body=body).status_code == 200
    contribution = _only(db)
    assert contribution.status == "pending"
    assert "06 55 44 33 22" not in client.get(f"/rencontres/{direct.id}/mur.json").text


def test_signature_can_be_masked_then_published(client, direct, db, make_user):
    contribute(client, direct, pseudonym=SIGNATURE)
    contribution = _only(db)
    moderator = make_user(role="facilitator")
    mask(contribution, actor=moderator, now=utcnow())
    publish(contribution, actor=moderator, now=utcnow())
    db.session.flush()
    assert "06 55" not in contribution.pseudonym
    assert "paul.m@" not in contribution.pseudonym
    assert not contribution.has_personal_data
    feed = client.get(f"/rencontres/{direct.id}/mur.json")
    assert contribution.body in feed.json["items"][0]["body"]
    assert "06 55 44 33 22" not in feed.text


def test_review_page_shows_personal_data_of_the_signature(client, direct, db, make_user, login):
    contribute(client, direct, pseudonym=SIGNATURE)
    contribution = _only(db)
    login(make_user(role="facilitator"))
    page = client.get(f"/moderation/{contribution.id}")
    assert "Données personnelles repérées" in page.text


def test_erasing_the_signature_clears_the_flag(client, direct, db):
    contribute(client, direct, pseudonym=SIGNATURE)
    contribution = _only(db)
    client.post(
        "/suivi/effacer",
        data={"code": contribution.receipt_code, "choice": "anonymise", "confirm": "y"},
    )
    db.session.refresh(contribution)
    assert contribution.pseudonym == ""
    assert not contribution.has_personal_data
