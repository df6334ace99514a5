"""Fixtures of the working-group tests (the group and synthesis factories live in factories)."""

import itertools

import pytest

_seq = itertools.count(1)


@pytest.fixture
def scheme(make_scheme, db):
    return make_scheme(department=f"Savoie {next(_seq)}")


@pytest.fixture
def people(make_user, db):
    """One account of every role, none of them in a group yet."""
    return {
        role: make_user(role=role)
        for role in ("participant", "partner", "member", "facilitator", "admin")
    }


@pytest.fixture
def group(make_working_group, scheme, make_user, make_organisation, db):
    """A group on the scheme's first theme with a pilot, a member and a user representative."""
    pilot = make_user(role="partner", display_name="Paule Pilote")
    plain = make_user(role="member", display_name="Marc Membre")
    representative = make_user(role="participant", display_name="Rose Représentante")
    group = make_working_group(
        scheme=scheme,
        name="Accès aux droits",
        description="Le groupe se réunit un mardi sur deux.",
        theme=scheme.themes[0],
        pilot_organisation=make_organisation(name="CAF de la Savoie"),
        members=[(pilot, "pilote"), (plain, "membre"), (representative, "representant_usagers")],
    )
    group.fiches = [scheme.fiches[0]]
    db.session.commit()
    group.pilot, group.plain, group.representative = pilot, plain, representative
    return group
