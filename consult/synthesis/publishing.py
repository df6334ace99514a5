"""What a version lacks before it is shared or published: editorial, tags, ideas, attendance."""

import re

import sqlalchemy as sa

from consult.extensions import db
from consult.meetings.models import WITHOUT_ATTENDANCE, Meeting
from consult.synthesis.document import Document
from consult.synthesis.models import SynthesisVersion
from consult.tagging.models import ContributionTag

UNTAGGED_WARNING = 0.20  # share of contributions without a tag above which the page warns
UNASSIGNED_WARNING = 0.15  # share of contributions in no idea above which the page warns
NO_EDITORIAL = (
    "Cette version ne peut pas être publiée sans sa partie rédigée : écrivez d'abord "
    "l'introduction, l'analyse ou les conclusions (« Rédiger l'introduction… »)."
)
TAGS = re.compile(r"<[^>]*>")


def has_editorial(version: SynthesisVersion) -> bool:
    """Whether the team wrote anything (text, not only empty tags) in the editorial part."""
    data = version.editorial or {}
    parts = (data.get(key) or "" for key in ("introduction", "analysis", "conclusions"))
    return any(TAGS.sub("", part).replace("&nbsp;", " ").strip() for part in parts)


def _all_ids(document: Document) -> set[int]:
    ids: set[int] = set()
    for section in document.sections:
        ids.update(section.ids)
        ids.update(section.isolated)
        for idea in section.ideas:
            ids.update(idea.ids)
    return ids


def _in_ideas(document: Document) -> set[int]:
    return {
        i
        for section in document.sections
        for idea in section.ideas
        if not idea.hidden
        for i in idea.ids
    }


def _tagged(ids: set[int]) -> set[int]:
    if not ids:
        return set()
    query = sa.select(ContributionTag.contribution_id).where(
        ContributionTag.contribution_id.in_(sorted(ids))
    )
    return set(db.session.scalars(query))


def _share(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)} %"


def participants_note(version: SynthesisVersion, document: Document) -> str:
    """Why the number of participants is unknown or partial; "" when it is complete."""
    from_scope = (version.synthesis.scope or {}).get("meeting_ids") or []
    query = sa.select(Meeting).where(Meeting.scheme_id == version.synthesis.scheme_id)
    if from_scope:
        query = query.where(Meeting.id.in_(from_scope))
    every = list(db.session.scalars(query))
    meetings = [m for m in every if m.kind not in WITHOUT_ATTENDANCE]  # a sheet was due
    counted = [m for m in meetings if m.participant_count]
    if not every:
        return "Participants inconnus : la synthèse ne porte sur aucune rencontre."
    if not meetings:
        return "Participants : consultation en ligne seulement, sans feuille de présence."
    if document.participants is None or not counted:
        which = (
            f"pour aucune des {len(meetings)} rencontres"
            if len(meetings) > 1
            else "pour la rencontre"
        )
        return (
            f"Participants inconnus : la présence n'a été relevée {which} ; saisissez-la "
            "(feuille de présence de chaque rencontre) puis régénérez la synthèse."
        )
    if len(counted) < len(meetings):
        return (
            f"Participants : présence relevée pour {len(counted)} rencontres sur "
            f"{len(meetings)} seulement ; le nombre affiché est incomplet."
        )
    return ""


def warnings(version: SynthesisVersion, document: Document) -> list[str]:
    """What the team should know before sharing or publishing the version (French)."""
    found = [] if has_editorial(version) else [NO_EDITORIAL]
    ids = _all_ids(document)
    if ids:
        untagged = len(ids - _tagged(ids))
        if untagged > UNTAGGED_WARNING * len(ids):
            found.append(
                f"{untagged} contributions sur {len(ids)} ({_share(untagged, len(ids))}) "
                "n'ont pas de thématique ni de fiche : étiquetez-les puis régénérez la "
                "synthèse avant de la partager ou de la publier."
            )
        unassigned = len(ids - _in_ideas(document))
        if unassigned > UNASSIGNED_WARNING * len(ids):
            found.append(
                f"{unassigned} contributions sur {len(ids)} ({_share(unassigned, len(ids))}) "
                "ne rejoignent aucune idée : rattachez-les à une idée (« Déplacer ici ») "
                "avant de partager ou de publier."
            )
    note = participants_note(version, document)
    return found + ([note] if note else [])
