"""A double-submitted « nouvelle synthèse » form asks for one synthesis (issue 16, item 3)."""

import re

import sqlalchemy as sa

from consult.synthesis.models import Synthesis


def _data(client, meeting) -> dict:
    page = client.get("/syntheses/nouvelle").get_data(as_text=True)
    key = re.search(r'name="form_key" type="hidden" value="([^"]+)"', page).group(1)
    return {
        "title": "Synthèse de la rencontre",
        "template": "rencontre",
        "scheme_id": meeting.scheme_id,
        "meeting_ids": [meeting.id],
        "form_key": key,
    }


def test_double_submit_creates_one_synthesis_and_one_job(
    client, facilitator, make_meeting, jobs, db
):
    meeting = make_meeting(status="open")
    db.session.commit()
    data = _data(client, meeting)
    first = client.post("/syntheses/nouvelle", data=data)
    second = client.post("/syntheses/nouvelle", data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert len(db.session.scalars(sa.select(Synthesis)).all()) == 1
    generated = [c for c in jobs.calls if c.path.endswith("generate_synthesis")]
    assert len(generated) == 1


def test_two_forms_create_two_syntheses(client, facilitator, make_meeting, jobs, db):
    meeting = make_meeting(status="open")
    db.session.commit()
    for _ in range(2):
        client.post("/syntheses/nouvelle", data=_data(client, meeting))
    assert len(db.session.scalars(sa.select(Synthesis)).all()) == 2
