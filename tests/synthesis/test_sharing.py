"""Issue 16 (4): sharing a version asks which working groups and really shares with them;
publishing asks for confirmation."""

import html

import sqlalchemy as sa

from consult.synthesis.models import GroupSynthesis
from tests.synthesis.test_views import generate, latest


def version_url(db) -> str:
    return f"/syntheses/{latest(db).synthesis_id}/v1"


def test_version_page_asks_which_groups_and_for_confirmation(
    client, facilitator, meeting, jobs, db, make_working_group
):
    make_working_group(scheme=meeting.scheme, name="GT Petite enfance")
    make_working_group(scheme=meeting.scheme, name="GT Mobilité")
    db.session.commit()
    generate(client, jobs, meeting)
    page = html.unescape(client.get(version_url(db)).text)
    assert "Groupes de travail qui liront cette version" in page
    assert "GT Petite enfance" in page
    assert "GT Mobilité" in page
    assert "Je confirme la publication" in page


def test_sharing_without_a_group_is_refused(client, facilitator, meeting, jobs, db, count):
    generate(client, jobs, meeting)
    url = version_url(db)
    answer = client.post(f"{url}/etat", data={"target": "shared"}, follow_redirects=True)
    assert "Choisissez au moins un groupe de travail" in html.unescape(answer.text)
    db.session.refresh(latest(db))
    assert latest(db).status == "draft"
    assert count(GroupSynthesis) == 0


def test_sharing_shares_with_the_chosen_groups_only(
    client, facilitator, meeting, jobs, db, make_user, make_working_group, login
):
    readers = [make_user(role="member") for _ in range(3)]
    groups = [
        make_working_group(scheme=meeting.scheme, members=[(reader, "membre")])
        for reader in readers
    ]
    db.session.commit()
    generate(client, jobs, meeting)
    url = version_url(db)
    chosen = [groups[0].id, groups[1].id]
    answer = client.post(
        f"{url}/etat", data={"target": "shared", "group_ids": chosen}, follow_redirects=True
    )
    assert f"partagée avec : {groups[0].name}, {groups[1].name}" in html.unescape(answer.text)
    version = latest(db)
    db.session.refresh(version)
    assert version.status == "shared"
    shared = db.session.scalars(sa.select(GroupSynthesis.working_group_id)).all()
    assert sorted(shared) == sorted(chosen)
    for reader, group, reads in zip(readers, groups, (True, True, False), strict=True):
        login(reader)
        space = client.get(f"/groupes/{group.id}/")
        assert (latest(db).synthesis.title in space.text) is reads
        assert client.get(url).status_code == (200 if reads else 404)


def test_a_group_of_another_scheme_is_refused(
    client, facilitator, meeting, jobs, db, make_working_group, count
):
    stranger = make_working_group()  # another scheme
    db.session.commit()
    generate(client, jobs, meeting)
    url = version_url(db)
    answer = client.post(
        f"{url}/etat", data={"target": "shared", "group_ids": [stranger.id]}, follow_redirects=True
    )
    assert "Choisissez des groupes de travail dans la liste" in html.unescape(answer.text)
    assert count(GroupSynthesis) == 0


def test_publishing_asks_for_confirmation(client, facilitator, meeting, jobs, db):
    generate(client, jobs, meeting)
    url = version_url(db)
    refused = client.post(f"{url}/etat", data={"target": "published"}, follow_redirects=True)
    assert "cochez « Je confirme la publication »" in html.unescape(refused.text)
    db.session.refresh(latest(db))
    assert latest(db).status == "draft"
    client.post(f"{url}/redaction", data={"introduction": "<p>Intro</p>"})
    client.post(f"{url}/etat", data={"target": "published", "confirm": "y"})
    db.session.refresh(latest(db))
    assert latest(db).status == "published"
