"""Who sees a working group's space and what each member may do there.

A group's space (its syntheses, discussions, drafted fiches, decisions) is visible to
its members and to the Département's team (administrators, facilitators); everyone
else gets a 404, never a 403, so that a private group is not revealed.
"""

from dataclasses import dataclass

import sqlalchemy as sa

from consult.core.cache import access_facts
from consult.core.errors import NotFoundError
from consult.core.security import is_staff
from consult.extensions import db
from consult.schemes.models import PUBLIC_FICHE_STATUSES, Fiche, Membership, WorkingGroup

# Roles that lead the group's work (edit the group's fiches' follow-up, propose fiches).
LEADS = ("pilote", "copilote")


def membership(group: WorkingGroup, user) -> Membership | None:
    """The user's membership of the group, or None (also for no user at all)."""
    if user is None or not user.is_authenticated:
        return None
    return db.session.scalar(
        sa.select(Membership).where(
            Membership.working_group_id == group.id, Membership.user_id == user.id
        )
    )


def can_see_group(group: WorkingGroup, user) -> bool:
    """Members and the Département's team."""
    return is_staff(user) or membership(group, user) is not None


def can_manage_group(user) -> bool:
    """Creating groups, choosing members and sharing syntheses: the Département's team."""
    return is_staff(user)


def is_user_representative(group: WorkingGroup, user) -> bool:
    """Only the group's service-user representatives co-validate its syntheses."""
    member = membership(group, user)
    return member is not None and member.role == "representant_usagers"


def visible_group_or_404(group_id: int, user) -> WorkingGroup:
    """The group when ``user`` may see it.

    :raises NotFoundError: no such group, or one the user may not see (a 404 page that
        does not reveal whether the group exists).
    """
    group = db.session.get(WorkingGroup, group_id)
    if group is None or not can_see_group(group, user):
        raise NotFoundError
    return group


def group_ids_of(user) -> list[int]:
    """Ids of the groups the user belongs to (all of them for the team)."""
    if not user.is_authenticated:
        return []
    if is_staff(user):
        return list(db.session.scalars(sa.select(WorkingGroup.id)))
    return list(
        db.session.scalars(
            sa.select(Membership.working_group_id).where(Membership.user_id == user.id)
        )
    )


@dataclass(frozen=True)
class FicheAccess:
    """What decides who sees a fiche, and who follows it up (plain values: kept)."""

    id: int
    status: str
    working_group_id: int | None


def fiche_access(fiche_id: int) -> FicheAccess | None:
    """The fiche's access facts, None when there is no such fiche.

    Kept between visits only while every process sees a change at its next request
    (``core.cache.access_facts``): a validated fiche may go back to « proposée ».
    """

    def read() -> FicheAccess | None:
        row = db.session.execute(
            sa.select(Fiche.id, Fiche.status, Fiche.working_group_id).where(Fiche.id == fiche_id)
        ).one_or_none()
        return FicheAccess(*row) if row else None

    return access_facts(("fiches", "access", fiche_id), read)


def can_see_fiche(fiche, user) -> bool:
    """Validated and adopted fiches are public; drafts stay with their group and the team."""
    if fiche.status in PUBLIC_FICHE_STATUSES:
        return True
    if is_staff(user):
        return True
    group = fiche.working_group_id and db.session.get(WorkingGroup, fiche.working_group_id)
    return bool(group) and membership(group, user) is not None


def visible_links(fiche, user, *, public_only: bool = False) -> list:
    """The fiche's « Fiches liées » a viewer may read.

    A link whose target the viewer may not see (another group's draft) is left out,
    so its title never shows; on public pages (``public_only``) only validated and
    adopted targets show, whoever looks. Links to no fiche (a number cited by the
    scheme's document) stay: they reveal nothing.
    """

    def shown(target) -> bool:
        if target is None:
            return True
        if public_only:
            return target.status in PUBLIC_FICHE_STATUSES
        return can_see_fiche(target, user)

    return [link for link in fiche.links if shown(link.target)]
