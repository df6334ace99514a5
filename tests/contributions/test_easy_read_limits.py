"""The easy-read form's steps are not submissions: only sending counts against the limit."""

import pytest
import sqlalchemy as sa

from consult.contributions.models import Contribution
from tests.contributions.test_views import form_key


@pytest.fixture
def meeting(make_meeting):
    return make_meeting(status="open")


@pytest.mark.usefixtures("limits_on")
def test_going_back_and_forth_in_the_easy_read_form_is_not_throttled(
    client, meeting, app, monkeypatch, count, db
):
    monkeypatch.setitem(app.config, "ANON_POST_LIMIT_BROWSER", "3 per minute")
    url = f"/rencontres/{meeting.id}/contribuer/facile"
    data = {"form_key": form_key(client.get(url)), "author_type": "usager", "kind": "proposition"}
    data["body"] = "Plus de bus le dimanche entre Modane et Saint-Jean"
    steps = ["qui", "quoi", "avis", "prenom"] * 2  # a participant who went back once
    statuses = [client.post(url, data={**data, "step": step}).status_code for step in steps]
    assert set(statuses) == {200}
    sent = client.post(url, data={**data, "step": "envoyer", "consent": "y", "envoyer": "1"})
    assert sent.status_code == 200  # the receipt is the answer to the sending
    stored = db.session.scalars(sa.select(Contribution)).one()
    assert stored.receipt_code in sent.text
    assert count(Contribution) == 1


@pytest.mark.usefixtures("limits_on")
def test_sending_from_the_easy_read_form_is_still_limited(client, meeting, app, monkeypatch):
    monkeypatch.setitem(app.config, "ANON_POST_LIMIT_BROWSER", "1 per minute")
    url = f"/rencontres/{meeting.id}/contribuer/facile"
    statuses = []
    for n in range(2):
        data = {"form_key": form_key(client.get(url)), "author_type": "usager"}
        data.update(kind="proposition", body=f"Plus de bus le dimanche, avis {n}")
        data.update(step="envoyer", consent="y", envoyer="1")
        statuses.append(client.post(url, data=data).status_code)
    assert statuses == [200, 429]
