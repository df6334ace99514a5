"""Working groups: create and staff them, read the syntheses shared with them, discuss ideas,
co-validate (sharing and the validations list are :mod:`consult.synthesis.sharing`'s).

Functions here add and flush; the view commits once per request (or rolls back on a
:class:`GroupError`, whose message is shown to the user as is).
"""

from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from consult.accounts.models import Organisation
from consult.accounts.services import find_user_by_email
from consult.contributions.models import Contribution
from consult.contributions.services import newest_first_page
from consult.core.db import add_once, utcnow
from consult.core.errors import DomainError
from consult.core.pagination import Page
from consult.core.sanitize import clean_line, clean_text
from consult.extensions import db
from consult.meetings.models import Meeting
from consult.meetings.permissions import visible_meeting_clause
from consult.schemes.models import MEMBER_ROLES, Fiche, Membership, Scheme, Theme, WorkingGroup
from consult.synthesis.current import current_version
from consult.synthesis.models import (
    GroupSynthesis,
    Synthesis,
    SynthesisValidation,
    SynthesisVersion,
)
from consult.synthesis.services import section_title
from consult.synthesis.sharing import READABLE_STATUSES
from consult.tagging.models import ContributionTag
from consult.workgroups.models import FicheContribution, IdeaComment
from consult.workgroups.permissions import group_ids_of

# The same message posted again on the same idea this soon is a double submission.
REPEAT_WINDOW = timedelta(minutes=10)


class GroupError(DomainError):
    """A French message explaining why the request was refused."""


@dataclass
class GroupDetails:
    """What a facilitator types about a group (ids are checked against the scheme)."""

    scheme_id: int
    name: str
    description: str = ""
    theme_id: int | None = None
    fiche_ids: list[int] = field(default_factory=list)
    pilot_organisation_id: int | None = None
    copilot_organisation_id: int | None = None


# --- Listing ----------------------------------------------------------------------------


@dataclass
class GroupRow:
    """One line of the groups list: the group, its size and the viewer's membership."""

    group: WorkingGroup
    member_count: int
    membership: Membership | None


def groups_for(user) -> list[tuple[Scheme, list[GroupRow]]]:
    """The groups the user belongs to (all of them for the team), grouped by scheme."""
    ids = group_ids_of(user)
    if not ids:
        return []
    groups = db.session.scalars(
        sa.select(WorkingGroup)
        .where(WorkingGroup.id.in_(ids))
        .options(selectinload(WorkingGroup.members))
        .order_by(WorkingGroup.scheme_id, WorkingGroup.name)
    ).all()
    by_scheme: dict[int, tuple[Scheme, list[GroupRow]]] = {}
    for group in groups:
        mine = next((m for m in group.members if m.user_id == user.id), None)
        row = GroupRow(group=group, member_count=len(group.members), membership=mine)
        by_scheme.setdefault(group.scheme_id, (group.scheme, []))[1].append(row)
    return list(by_scheme.values())


# --- Creating and editing ---------------------------------------------------------------


def _check_details(details: GroupDetails) -> tuple[Scheme, str, list[Fiche]]:
    scheme = db.session.get(Scheme, details.scheme_id)
    if scheme is None:
        raise GroupError("Ce schéma n'existe pas.")
    name = clean_line(details.name)
    if len(name) < 3:
        raise GroupError("Le nom du groupe doit compter au moins 3 caractères.")
    if details.theme_id:
        theme = db.session.get(Theme, details.theme_id)
        if theme is None or theme.scheme_id != scheme.id:
            raise GroupError("Choisissez une thématique du schéma du groupe.")
    fiches = []
    if details.fiche_ids:
        fiches = db.session.scalars(
            sa.select(Fiche).where(Fiche.id.in_(details.fiche_ids), Fiche.scheme_id == scheme.id)
        ).all()
        if len(fiches) != len(set(details.fiche_ids)):
            raise GroupError("Choisissez seulement des fiches actions du schéma du groupe.")
    for org_id in (details.pilot_organisation_id, details.copilot_organisation_id):
        if org_id and db.session.get(Organisation, org_id) is None:
            raise GroupError("Cette organisation n'existe pas.")
    return scheme, name, list(fiches)


def _name_taken(scheme_id: int, name: str, group_id: int | None) -> bool:
    query = sa.select(WorkingGroup.id).where(
        WorkingGroup.scheme_id == scheme_id, WorkingGroup.name == name
    )
    if group_id is not None:
        query = query.where(WorkingGroup.id != group_id)
    return db.session.scalar(query) is not None


def _save(group: WorkingGroup, details: GroupDetails) -> WorkingGroup:
    scheme, name, fiches = _check_details(details)
    duplicate = f"Un groupe de travail s'appelle déjà « {name} » dans ce schéma."
    if _name_taken(scheme.id, name, group.id):
        raise GroupError(duplicate)
    group.scheme_id = scheme.id
    group.name = name
    group.description = clean_text(details.description)
    group.theme_id = details.theme_id or None
    group.fiches = fiches
    group.pilot_organisation_id = details.pilot_organisation_id or None
    group.copilot_organisation_id = details.copilot_organisation_id or None
    try:
        with db.session.begin_nested():
            db.session.add(group)
            db.session.flush()
    except IntegrityError as error:  # the same name saved at the same moment
        raise GroupError(duplicate) from error
    return group


def create_group(details: GroupDetails, *, actor) -> WorkingGroup:
    """A new working group (no member yet: they are added from the group's page)."""
    return _save(WorkingGroup(created_by_id=actor.id if actor else None), details)


def update_group(group: WorkingGroup, details: GroupDetails) -> WorkingGroup:
    return _save(group, details)


def details_of(group: WorkingGroup) -> dict:
    """The group as form data (for the edit form)."""
    return {
        "scheme_id": group.scheme_id,
        "name": group.name,
        "description": group.description,
        "theme_id": group.theme_id or 0,
        "fiche_ids": [f.id for f in group.fiches],
        "pilot_organisation_id": group.pilot_organisation_id or 0,
        "copilot_organisation_id": group.copilot_organisation_id or 0,
    }


def list_organisations() -> list[Organisation]:
    return db.session.scalars(sa.select(Organisation).order_by(Organisation.name)).all()


# --- Members ----------------------------------------------------------------------------


def add_member(group: WorkingGroup, email: str, role: str) -> Membership:
    """Add an existing account; a French error for an unknown address or a member already in."""
    if role not in MEMBER_ROLES:
        raise GroupError("Choisissez un rôle dans la liste.")
    user = find_user_by_email(email)
    if user is None:
        raise GroupError(
            f"Aucun compte n'utilise l'adresse {clean_line(email)}. Un·e administrateur·rice "
            "doit d'abord inviter la personne (Administration › Comptes) ; ajoutez-la ensuite au "
            "groupe. Un·e représentant·e des usagers sans compte peut valider une synthèse sur "
            "papier : l'équipe l'enregistre en son nom."
        )
    already = f"{user.display_name} fait déjà partie du groupe."
    if any(m.user_id == user.id for m in group.members):
        raise GroupError(already)
    member = Membership(working_group_id=group.id, user_id=user.id, role=role)
    try:
        with db.session.begin_nested():
            db.session.add(member)
            db.session.flush()
    except IntegrityError as error:  # the same form sent twice at once
        raise GroupError(already) from error
    return member


def remove_member(group: WorkingGroup, membership_id: int) -> Membership | None:
    """Take a member out of the group; None when they were not (or no longer) in it."""
    member = db.session.get(Membership, membership_id)
    if member is None or member.working_group_id != group.id:
        return None
    _ = member.user  # loaded now: the caller names the person after the commit
    group.members.remove(member)
    db.session.flush()
    return member


# --- Syntheses shared with the group ----------------------------------------------------


def shareable_syntheses(group: WorkingGroup) -> list[Synthesis]:
    """Syntheses of the group's scheme with a shared or published version, not yet shared."""
    shared = sa.select(GroupSynthesis.synthesis_id).where(
        GroupSynthesis.working_group_id == group.id
    )
    readable = sa.select(SynthesisVersion.synthesis_id).where(
        SynthesisVersion.status.in_(READABLE_STATUSES)
    )
    return db.session.scalars(
        sa.select(Synthesis)
        .where(
            Synthesis.scheme_id == group.scheme_id,
            Synthesis.id.in_(readable),
            Synthesis.id.not_in(shared),
        )
        .order_by(Synthesis.id.desc())
    ).all()


@dataclass
class SharedSynthesis:
    """A synthesis shared with a group and the versions the group reads."""

    synthesis: Synthesis
    versions: list[SynthesisVersion]
    shared_at: object = None


def shared_syntheses(group: WorkingGroup) -> list[SharedSynthesis]:
    links = db.session.scalars(
        sa.select(GroupSynthesis)
        .where(GroupSynthesis.working_group_id == group.id)
        .order_by(GroupSynthesis.shared_at.desc())
    ).all()
    return [
        SharedSynthesis(
            synthesis=link.synthesis,
            versions=[v for v in link.synthesis.versions if v.status in READABLE_STATUSES],
            shared_at=link.shared_at,
        )
        for link in links
    ]


def group_version(group: WorkingGroup, version_id: int) -> SynthesisVersion | None:
    """The version when it is shared or published and its synthesis is shared with the group."""
    version = db.session.get(SynthesisVersion, version_id)
    if version is None or version.status not in READABLE_STATUSES:
        return None
    if db.session.get(GroupSynthesis, (group.id, version.synthesis_id)) is None:
        return None
    return version


# --- The group's fiches and the contributions it answers ------------------------------


def group_fiches(group: WorkingGroup) -> list[Fiche]:
    """The fiches the group drafted, then the fiches associated with it (no duplicates)."""
    drafted = db.session.scalars(
        sa.select(Fiche).where(Fiche.working_group_id == group.id).order_by(Fiche.id)
    ).all()
    seen = {fiche.id for fiche in drafted}
    return [*drafted, *(fiche for fiche in group.fiches if fiche.id not in seen)]


def scope_ids(group: WorkingGroup):
    """A select of the ids of the contributions the group answers (any status)."""
    fiche_ids = [fiche.id for fiche in group_fiches(group)]
    tagged = sa.or_(
        ContributionTag.fiche_id.in_(fiche_ids),
        ContributionTag.theme_id == group.theme_id if group.theme_id else sa.false(),
    )
    return sa.union(
        sa.select(FicheContribution.contribution_id).where(
            FicheContribution.fiche_id.in_(fiche_ids)
        ),
        sa.select(ContributionTag.contribution_id).where(tagged),
    )


# --- What the group reads ---------------------------------------------------------------


def group_meetings(group: WorkingGroup, user) -> list[Meeting]:
    """The group's meetings ``user`` may see (those in preparation: the team only)."""
    return db.session.scalars(
        sa.select(Meeting)
        .where(Meeting.working_group_id == group.id, visible_meeting_clause(user))
        .order_by(Meeting.held_on.desc(), Meeting.id.desc())
    ).all()


def contributions_in_scope(group: WorkingGroup, page: int = 1) -> Page:
    """Published contributions the group answers (see :func:`scope_ids`), newest
    first: those tagged with its theme or fiches, and those its fiches were drafted from."""
    base = (
        sa.select(Contribution)
        .join(Meeting)
        .where(
            Contribution.status == "published",
            Meeting.status != "draft",
            Contribution.id.in_(sa.select(scope_ids(group).subquery().c[0])),
        )
    )
    return newest_first_page(base, page, clamp=True)


# --- Discussing ideas -------------------------------------------------------------------


def idea_at(version: SynthesisVersion, section: int, idea: int) -> dict | None:
    """The idea ``document.sections[section].ideas[idea]``, or None when there is none.

    Read from the version as it may be shown now (nothing withdrawn, masked or
    rejected since: ``synthesis.current``), with the same positions.
    """
    sections = current_version(version).document.to_dict()["sections"]
    if not 0 <= section < len(sections):
        return None
    ideas = sections[section].get("ideas") or []
    if not 0 <= idea < len(ideas) or ideas[idea].get("hidden"):
        return None  # hidden or merged away by the team: not to be discussed or drafted
    return ideas[idea]


def threads(group: WorkingGroup, version: SynthesisVersion) -> dict[tuple[int, int], list]:
    """The group's comments on a version, by ``(section, idea)``, oldest first."""
    comments = db.session.scalars(
        sa.select(IdeaComment)
        .where(IdeaComment.working_group_id == group.id, IdeaComment.version_id == version.id)
        .options(selectinload(IdeaComment.author))
        .order_by(IdeaComment.created_at, IdeaComment.id)
    ).all()
    by_idea: dict[tuple[int, int], list] = {}
    for comment in comments:
        by_idea.setdefault((comment.section, comment.idea), []).append(comment)
    return by_idea


def add_comment(group, version, section: int, idea: int, *, author, body: str) -> IdeaComment:
    """Post a message on an idea; the same message sent twice in a row is kept once."""
    text = clean_text(body)
    if len(text) < 2:
        raise GroupError("Votre message est vide : écrivez au moins 2 caractères.")
    if len(text) > 2000:
        raise GroupError("2000 caractères au maximum, s'il vous plaît.")
    thread = (
        IdeaComment.working_group_id == group.id,
        IdeaComment.version_id == version.id,
        IdeaComment.section == section,
        IdeaComment.idea == idea,
    )
    repeated = db.session.scalar(
        sa.select(IdeaComment).where(
            *thread,
            IdeaComment.author_id == author.id,
            IdeaComment.body == text,
            IdeaComment.created_at >= utcnow() - REPEAT_WINDOW,
        )
    )
    if repeated is not None:
        return repeated
    comment = IdeaComment(
        working_group_id=group.id,
        version_id=version.id,
        section=section,
        idea=idea,
        author_id=author.id,
        body=text,
    )
    db.session.add(comment)
    db.session.flush()
    return comment


# --- Co-validation by the user representatives ------------------------------------------


def validate_version(group, version, *, user, comment: str = "", on_behalf_of: str = "") -> bool:
    """Record a "relue et validée"; False when it had already been recorded.

    ``on_behalf_of`` names a representative who validated on paper or aloud: ``user`` is
    then the team member who records it.
    """
    on_behalf_of = clean_line(on_behalf_of)[:200]
    existing = sa.select(SynthesisValidation.id).where(
        SynthesisValidation.working_group_id == group.id,
        SynthesisValidation.version_id == version.id,
        SynthesisValidation.user_id == user.id,
        SynthesisValidation.on_behalf_of == on_behalf_of,
    )
    if db.session.scalar(existing) is not None:
        return False
    validation = SynthesisValidation(
        working_group_id=group.id,
        version_id=version.id,
        user_id=user.id,
        on_behalf_of=on_behalf_of,
        comment=clean_text(comment),
    )
    return add_once(db.session, validation)  # False: the same button pressed twice at once


def reading_order(group: WorkingGroup, sections: list) -> tuple[list[tuple[int, object]], int]:
    """A synthesis's sections as the group reads them: its own (its theme's, its fiches')
    first, then the others, each with its place in the document (comments and the fiche
    form name sections by it). Also the number of own sections found."""
    own_titles = {section_title(fiche) for fiche in group.fiches}
    if group.theme is not None:
        own_titles.add(section_title(group.theme))
    placed = list(enumerate(sections))
    own = [pair for pair in placed if pair[1].title in own_titles]
    return own + [pair for pair in placed if pair[1].title not in own_titles], len(own)
