"""Issue 12 #4: withdrawing a merge target never hides what other people wrote.

The contributions merged into it come back on their own (visible, counted),
and their authors are told so; a withdrawn merged contribution stops counting
in the one it was merged into.
"""

from consult.contributions.services import published_page
from consult.core.db import utcnow
from consult.moderation.services import merge


def _withdraw(client, contribution):
    return client.post(
        "/suivi/effacer",
        data={"code": contribution.receipt_code, "choice": "withdraw", "confirm": "y"},
    )


def _merged_pair(db, make_contribution, make_user):
    target = make_contribution(body="Plus de bus le dimanche", support_count=2)
    source = make_contribution(
        meeting=target.meeting, body="Des bus le dimanche, svp", support_count=3
    )
    merge(target, [source], actor=make_user(role="facilitator"), now=utcnow())
    db.session.commit()
    return target, source


def test_withdrawn_target_gives_back_the_merged_contributions(
    client, db, make_contribution, make_user
):
    target, source = _merged_pair(db, make_contribution, make_user)
    assert _withdraw(client, target).status_code == 200
    db.session.refresh(source)
    assert source.status == "published"
    assert source.merged_into_id is None
    page = client.get(f"/contributions/{source.id}")
    assert page.status_code == 200
    assert "Des bus le dimanche, svp" in page.text
    assert source.id in [c.id for c in published_page(meeting_id=source.meeting_id).items]
    told = client.post("/suivi", data={"code": source.receipt_code})
    assert "regroupées" not in told.text
    assert "Elle est publiée" in told.text


def test_withdrawn_merged_contribution_stops_counting_in_its_target(
    client, db, make_contribution, make_user
):
    target, source = _merged_pair(db, make_contribution, make_user)
    assert target.support_count == 5
    assert _withdraw(client, source).status_code == 200
    db.session.refresh(target)
    db.session.refresh(source)
    assert target.support_count == 2
    assert source.merged_into_id is None
    assert target.status == "published"
