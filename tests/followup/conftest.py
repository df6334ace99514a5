"""Fixtures of the follow-up tests: the Savoie scheme, a working group piloting fiche 1."""

from types import SimpleNamespace

import pytest


@pytest.fixture
def savoie(db, make_scheme, make_user, make_working_group):
    """The Savoie scheme; fiche 1 is piloted by ``people.pilot``'s group.

    ``people`` holds one user per situation: pilot and plain member of the fiche's group,
    pilot of another group, participant, partner, facilitator, admin.
    """
    scheme = make_scheme()
    fiche = scheme.fiches[0]
    people = SimpleNamespace(
        pilot=make_user(role="member"),
        member=make_user(role="member"),
        other=make_user(role="member"),
        participant=make_user(role="participant"),
        partner=make_user(role="partner"),
        facilitator=make_user(role="facilitator"),
        admin=make_user(role="admin"),
    )
    group = make_working_group(
        scheme=scheme, members=[(people.pilot, "pilote"), (people.member, "membre")]
    )
    other_group = make_working_group(scheme=scheme, members=[(people.other, "pilote")])
    fiche.working_group_id = group.id
    db.session.commit()
    return SimpleNamespace(
        scheme=scheme, fiche=fiche, group=group, other_group=other_group, people=people
    )
