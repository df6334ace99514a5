"""Sharing a synthesis version with working groups (they read it in their space)."""

import sqlalchemy as sa

from consult.extensions import db
from consult.synthesis.models import Synthesis, SynthesisVersion
from consult.synthesis.services import SynthesisError, change_status
from consult.workgroups.models import GroupSynthesis, WorkingGroup
from consult.workgroups.services import GroupError, share_synthesis


def working_groups(synthesis: Synthesis) -> list[WorkingGroup]:
    """The working groups of the synthesis's scheme, by name."""
    return db.session.scalars(
        sa.select(WorkingGroup)
        .where(WorkingGroup.scheme_id == synthesis.scheme_id)
        .order_by(WorkingGroup.name)
    ).all()


def shared_group_ids(synthesis: Synthesis) -> set[int]:
    """The working groups the synthesis is already shared with."""
    return set(
        db.session.scalars(
            sa.select(GroupSynthesis.working_group_id).where(
                GroupSynthesis.synthesis_id == synthesis.id
            )
        )
    )


def share_version(version: SynthesisVersion, groups: list, *, actor, now) -> list[str]:
    """Share the version with working groups: they read it in their space at once.

    A draft becomes "shared"; a shared or published version stays as it is and is
    shared with more groups. Returns the names of the groups it was newly shared with.
    :raises SynthesisError: no group chosen, or the version cannot be shared.
    """
    if not groups:
        raise SynthesisError("Choisissez au moins un groupe de travail avec qui partager.")
    if version.status == "draft":
        change_status(version, "shared", actor=actor, now=now)
    try:
        return [g.name for g in groups if share_synthesis(g, version.synthesis_id, actor=actor)]
    except GroupError as error:
        raise SynthesisError(str(error)) from error
