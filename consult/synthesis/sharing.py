"""Sharing a synthesis version with working groups (they read it in their space), and
who validated it for each group."""

from dataclasses import dataclass

import sqlalchemy as sa

from consult.accounts.models import User
from consult.core.db import add_once
from consult.extensions import db
from consult.schemes.models import WorkingGroup
from consult.synthesis.models import (
    GroupSynthesis,
    Synthesis,
    SynthesisValidation,
    SynthesisVersion,
)
from consult.synthesis.services import SynthesisError, change_status

# The versions a working group reads (a draft stays with the team).
READABLE_STATUSES = ("shared", "published")


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
    return [g.name for g in groups if share_synthesis(g, version.synthesis_id, actor=actor)]


def share_synthesis(group: WorkingGroup, synthesis_id: int, *, actor) -> bool:
    """Share a synthesis with the group; False when it already was (no duplicate)."""
    synthesis = db.session.get(Synthesis, synthesis_id)
    readable = synthesis is not None and any(
        v.status in READABLE_STATUSES for v in synthesis.versions
    )
    if not readable or synthesis.scheme_id != group.scheme_id:
        raise SynthesisError(
            "Choisissez une synthèse du schéma du groupe, partagée ou publiée par l'équipe."
        )
    if db.session.get(GroupSynthesis, (group.id, synthesis.id)) is not None:
        return False
    link = GroupSynthesis(
        working_group_id=group.id, synthesis_id=synthesis.id, shared_by_id=actor.id
    )
    return add_once(db.session, link)  # False: shared by someone else at the same moment


@dataclass
class ValidationRow:
    """One "relue et validée": who, for which group, when, with what comment."""

    user_id: int | None
    user_name: str
    group_name: str
    version_id: int
    validated_at: object
    comment: str
    on_behalf_of: str = ""


def _validation_rows(*where) -> list[ValidationRow]:
    rows = db.session.execute(
        sa.select(SynthesisValidation, User.display_name, WorkingGroup.name)
        .join(WorkingGroup, WorkingGroup.id == SynthesisValidation.working_group_id)
        .outerjoin(User, User.id == SynthesisValidation.user_id)
        .where(*where)
        .order_by(SynthesisValidation.validated_at, SynthesisValidation.id)
    ).all()
    return [
        ValidationRow(
            user_id=validation.user_id,
            user_name=_validated_by(validation, user_name),
            group_name=group_name,
            version_id=validation.version_id,
            validated_at=validation.validated_at,
            comment=validation.comment,
            on_behalf_of=validation.on_behalf_of,
        )
        for validation, user_name, group_name in rows
    ]


def _validated_by(validation: SynthesisValidation, user_name: str | None) -> str:
    recorder = user_name or "un compte supprimé"
    if validation.on_behalf_of:
        return f"{validation.on_behalf_of} (validation recueillie par {recorder})"
    return recorder


def validations_of(version, group: WorkingGroup | None = None) -> list[ValidationRow]:
    """Who validated the version (for one group, or for every group), oldest first."""
    where = [SynthesisValidation.version_id == version.id]
    if group is not None:
        where.append(SynthesisValidation.working_group_id == group.id)
    return _validation_rows(*where)


def validations_by_version(group: WorkingGroup, versions) -> dict[int, list[ValidationRow]]:
    """The group's validations of several versions, by version id."""
    ids = [v.id for v in versions]
    if not ids:
        return {}
    by_version: dict[int, list[ValidationRow]] = {}
    for row in _validation_rows(
        SynthesisValidation.working_group_id == group.id,
        SynthesisValidation.version_id.in_(ids),
    ):
        by_version.setdefault(row.version_id, []).append(row)
    return by_version
