"""The demo's synthesis as a team would publish it: tagged first, curated, written."""

import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from consult.contributions.models import Contribution
from consult.extensions import db
from consult.meetings.models import Meeting
from consult.synthesis import curation
from consult.synthesis import services as synthesis_services
from consult.synthesis.current import current_version
from consult.tagging.services import accept_suggestion, suggestions_of, tags_of

# What the facilitators accept in bulk before generating (« accepter ≥ 45 % ») for the few
# contributions they left untagged in moderation: those below it stay untagged and are
# placed by their suggestion, marked so.
ACCEPT_FROM = 0.45
# Titles the team rewrote (issue 14 #6): the idea holding the most contributions that
# speak of the first words gets the second.
RENAMES = (
    ("transport", "Des transports pour qui n'a pas de voiture, entre villages, vallées et villes"),
    ("aide à domicile", "Garder la même aide à domicile, et du répit pour les aidants"),
)
EDITORIAL = {
    "introduction": (
        "<p>Cette synthèse rassemble les contributions publiées lors des concertations "
        "territoriales et de l'université sociale : {contributions} contributions, "
        "rangées par thématique du schéma. Les idées ont été proposées par la plateforme, "
        "puis relues par l'équipe d'animation, qui en a renommé et fusionné certaines.</p>"
    ),
    "analysis": (
        "<p>Trois préoccupations reviennent dans presque tous les territoires : "
        "l'accès aux droits et aux démarches (délais, papiers, numérique), l'isolement "
        "des personnes âgées et de leurs aidants, et la continuité de l'accompagnement "
        "(mêmes intervenants, mêmes référents). Les contributions placées « par "
        "suggestion » n'ont pas encore été relues une à une.</p>"
    ),
    "conclusions": (
        "<p>Cette synthèse est transmise aux groupes de travail, qui s'en servent pour "
        "rédiger les fiches actions. Chaque contribution recevra une réponse : retenue, "
        "partiellement retenue ou non retenue, avec le motif.</p>"
    ),
}


def tag_before_synthesis(scheme, actor, now) -> int:
    """Accept the best theme suggestion from ``ACCEPT_FROM`` of each published contribution
    the moderators left without a theme (a fiche they gave it does not stand for one)."""
    contributions = db.session.scalars(
        sa.select(Contribution)
        .join(Meeting, Contribution.meeting_id == Meeting.id)
        .where(Meeting.scheme_id == scheme.id, Contribution.status == "published")
        .order_by(Contribution.id)
    )
    accepted = 0
    for contribution in contributions:
        if any(tag.theme_id for tag in tags_of(contribution)):
            continue
        themes = [s for s in suggestions_of(contribution) if s.theme_id]
        best = max(themes, key=lambda s: s.score, default=None)
        if best is not None and best.score >= ACCEPT_FROM:
            accept_suggestion(best, actor=actor, now=now)
            accepted += 1
    db.session.flush()
    return accepted


def _visible(document):
    for s, section in enumerate(document.sections):
        for i, idea in enumerate(section.ideas):
            if not idea.hidden and idea.ids:
                yield s, i, idea


def _renames(document) -> list[MultiDict]:
    forms = []
    for words, title in RENAMES:
        speaking = {i for i, body in _bodies(document).items() if words in body.lower()}
        held = {(s, i): len(speaking.intersection(idea.ids)) for s, i, idea in _visible(document)}
        best = max(held, key=held.get, default=None)
        if best is not None and held[best]:
            idea = f"{best[0]}-{best[1]}"
            forms.append(MultiDict({"action": "rename", "idea": idea, "title": title}))
    return forms


def _bodies(document) -> dict[int, str]:
    ids = {i for section in document.sections for i in section.ids}
    query = sa.select(Contribution.id, Contribution.body).where(Contribution.id.in_(ids))
    return dict(db.session.execute(query).all())


def _merges(document) -> list[MultiDict]:
    """Two ideas of one section sharing a key term: the team makes them one."""
    for s, section in enumerate(document.sections):
        seen: dict[str, int] = {}
        for i, idea in enumerate(section.ideas):
            if idea.hidden or not idea.ids:
                continue
            for term in idea.terms[:3]:
                if term in seen:
                    merge = {"action": "merge", "idea": f"{s}-{seen[term]}", "other": f"{s}-{i}"}
                    return [MultiDict(merge)]
                seen.setdefault(term, i)
    return []


def curate(version, actor, now) -> int:
    """A little of the team's work: a merge, then the titles it rewrote; how many."""
    done = 0
    for wanted in (_merges, _renames):
        for form in wanted(current_version(version).document):
            document = current_version(version).document
            done += curation.record(version, document, form, actor=actor, now=now) is not None
            db.session.flush()
    return done


def write_editorial(version) -> None:
    """The editorial part a published version cannot do without."""
    count = version.contribution_count
    texts = {key: text.format(contributions=count) for key, text in EDITORIAL.items()}
    synthesis_services.update_editorial(version, **texts)
