"""A scheme, a working group with its members, a synthesis shared with it."""

import pytest


@pytest.fixture
def scheme(make_scheme, db):
    return make_scheme()


@pytest.fixture
def people(make_user):
    return {
        "pilote": make_user(role="member"),
        "membre": make_user(role="member"),
        "outsider": make_user(role="member"),
        "participant": make_user(role="participant"),
        "partner": make_user(role="partner"),
        "facilitator": make_user(role="facilitator"),
        "admin": make_user(role="admin"),
    }


@pytest.fixture
def group(make_working_group, scheme, people, db):
    group = make_working_group(
        scheme=scheme,
        members=[(people["pilote"], "pilote"), (people["membre"], "membre")],
        theme=scheme.themes[0],
    )
    make_working_group(scheme=scheme, members=[(people["outsider"], "pilote")])
    db.session.commit()
    return group


@pytest.fixture
def meeting(make_meeting, scheme, db):
    meeting = make_meeting(scheme=scheme, status="open")
    db.session.commit()
    return meeting


@pytest.fixture
def version(make_synthesis_version, meeting, group, db):
    version = make_synthesis_version(meeting=meeting, status="shared", group=group)
    db.session.commit()
    return version
