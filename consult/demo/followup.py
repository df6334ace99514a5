"""Demo data for the working groups and the follow-up (issue 6), built on the demo scheme.

Two working groups (access to rights, home to nursing home) with their members, the
published demo synthesis shared with the first one, a fiche drafted from two of its
ideas and proposed to the comité de pilotage, decisions on a few contributions, the
follow-up phase's meetings (université sociale annuelle, forum social), action progress
the sample indicator file (FICTITIOUS values, 2022 and 2023) for the 33 fiches, and
the published bilan annuel 2023.
"""

import re
from dataclasses import replace
from datetime import date

import sqlalchemy as sa

from consult.accounts.models import Organisation, User
from consult.contributions.models import Contribution
from consult.core.sanitize import clean_line
from consult.demo import content
from consult.demo.closing import close_in_the_past
from consult.extensions import db
from consult.fiches import decisions
from consult.fiches import services as fiche_services
from consult.followup import indicator_import
from consult.followup.models import Milestone
from consult.meetings.models import Meeting
from consult.reports.models import AnnualReport
from consult.reports.services import build_report
from consult.schemes.models import Fiche, Membership, Scheme, Theme, WorkingGroup
from consult.synthesis.models import GroupSynthesis, Synthesis
from consult.tagging.models import ContributionTag, TagSuggestion
from consult.workgroups.models import Decision

INDICATORS_FILE = "indicateurs-savoie-2022-2023.csv"

# (name, theme number, pilot organisation, co-pilot organisation, fiche numbers,
#  members as (demo account key, role))
GROUPS = [
    (
        "Accès aux droits (proximité, numérique)",
        "10",
        "CAF de la Savoie",
        "Département de la Savoie",
        ("31", "32", "6"),
        (
            ("partenaire", "pilote"),
            ("membre", "copilote"),
            ("representant", "representant_usagers"),
        ),
    ),
    (
        "Du domicile à l'EHPAD",
        "13",
        "Département de la Savoie",
        "Association Les Amis du Lac",
        ("25", "9"),
        (("animateur", "membre"),),
    ),
]
# (key, kind, title, date, attendance by participant type)
FOLLOW_UP_MEETINGS = [
    (
        "gt-droits",
        "groupe_de_travail",
        "Groupe de travail « Accès aux droits » — séance 1",
        date(2019, 6, 13),
        {"usagers": 4, "professionnels": 9, "partenaires": 6},
    ),
    (
        "us-2022",
        "universite_sociale",
        "Université sociale annuelle 2022",
        date(2022, 6, 16),
        {"usagers": 64, "proches_aidants": 12, "professionnels": 21, "elus": 4},
    ),
    (
        "forum-2023",
        "forum_social",
        "Forum social 2023 : où en est le schéma ?",
        date(2023, 11, 9),
        {"usagers": 38, "professionnels": 45, "partenaires": 27, "elus": 9, "agents": 15},
    ),
]


def _account(key: str) -> User | None:
    email = f"{key}@{content.DEMO_EMAIL_DOMAIN}"
    return db.session.scalar(sa.select(User).where(User.email == email))


def _organisation(name: str) -> Organisation | None:
    return db.session.scalar(sa.select(Organisation).where(Organisation.name == name))


def _groups(scheme: Scheme) -> list[WorkingGroup]:
    groups = []
    for name, theme_number, pilot, copilot, numbers, members in GROUPS:
        group = db.session.scalar(
            sa.select(WorkingGroup).where(
                WorkingGroup.scheme_id == scheme.id, WorkingGroup.name == name
            )
        )
        if group is None:
            group = WorkingGroup(
                scheme=scheme,
                name=name,
                description="Groupe de travail issu des concertations (démonstration).",
                theme=db.session.scalar(
                    sa.select(Theme).where(
                        Theme.scheme_id == scheme.id, Theme.number == theme_number
                    )
                ),
                pilot_organisation=_organisation(pilot),
                copilot_organisation=_organisation(copilot),
                fiches=[f for f in scheme.fiches if f.number in numbers],
            )
            for key, role in members:
                user = _account(key)
                if user is not None:
                    group.members.append(Membership(user=user, role=role))
            db.session.add(group)
        groups.append(group)
    db.session.flush()
    return groups


def _meetings(scheme: Scheme, group: WorkingGroup) -> None:
    for key, kind, title, held_on, attendance in FOLLOW_UP_MEETINGS:
        if db.session.scalar(sa.select(Meeting.id).where(Meeting.title == title)):
            continue
        meeting = Meeting(
            scheme=scheme,
            kind=kind,
            title=title,
            held_on=held_on,
            place="Chambéry",
            attendance_by_type=attendance,
            working_group_id=group.id if key.startswith("gt-") else None,
        )
        close_in_the_past(meeting, key)
        db.session.add(meeting)
    db.session.flush()


def _share_synthesis(scheme: Scheme, group: WorkingGroup):
    synthesis = db.session.scalar(
        sa.select(Synthesis).where(Synthesis.scheme_id == scheme.id).order_by(Synthesis.id)
    )
    if synthesis is None:
        return None
    if db.session.get(GroupSynthesis, (group.id, synthesis.id)) is None:
        db.session.add(GroupSynthesis(group=group, synthesis=synthesis))
        db.session.flush()
    return synthesis.versions[-1]


def _drafted_fiche(group: WorkingGroup, version, now) -> Fiche | None:
    """A fiche the group drafted from two ideas of the synthesis, proposed to the comité."""
    existing = fiche_services.find_by_form_key(group, "demo-fiche-droits")
    if version is None or existing is not None:
        return existing
    ideas = on_topic_ideas(group, version)
    draft = fiche_services.FicheDraft(
        title="Un accueil de proximité pour les démarches en ligne",
        part="transversale",
        policy="Transversal (toutes politiques)",
        context=fiche_services.prefill(ideas).get("context", ""),
        objectives="Que personne ne renonce à un droit faute de savoir faire en ligne",
        actions=(
            "Ouvrir un point d'accueil numérique dans chaque maison sociale\n"
            "- Former les agents d'accueil à l'accompagnement numérique\n"
            "Proposer un rendez-vous d'orientation dans le mois qui suit l'ouverture du droit"
        ),
        pilots="CAF de la Savoie, Département",
        partners="CCAS, France Services, associations",
        indicators="Nombre de personnes accompagnées | nombre | personnes | 0 | 1500",
        schedule="2021-2024",
        links="31, 32",
    )
    fiche, _ = fiche_services.create_fiche(
        group, draft, ideas, actor=_account("animateur"), form_key="demo-fiche-droits"
    )
    pilot = _account("partenaire")
    if pilot is not None:
        fiche_services.change_status(fiche, group, "proposee", actor=pilot, now=now)
    return fiche


# What the showcase fiche (« Un accueil de proximité pour les démarches en ligne ») is
# about: its observations and the contributions it answers all speak of this.
SHOWCASE_SUBJECT = re.compile(
    r"en ligne|internet|numérique|ordinateur|dossier|démarches?\b|formulaire|guichet|"
    r"\bsite\b|tablette",
    re.IGNORECASE,
)


def on_topic_ideas(group: WorkingGroup, version, limit: int = 2) -> list:
    """The synthesis ideas richest in on-topic contributions, keeping only those.

    The synthesis' clusters mix subjects: each idea keeps the contributions about
    the showcase fiche's subject, and one of them as its label and quotes.
    """
    keys = [
        f"{s}-{i}"
        for s, section in enumerate(version.document["sections"])
        for i, _ in enumerate(section["ideas"])
    ]
    ideas, _ = fiche_services.chosen_ideas(group, version.id, keys)
    wanted = [i for idea in ideas for i in idea.ids]
    bodies = dict(
        db.session.execute(
            sa.select(Contribution.id, Contribution.body).where(Contribution.id.in_(wanted))
        ).all()
    )
    kept = []
    for idea in ideas:
        ids = [i for i in idea.ids if SHOWCASE_SUBJECT.search(bodies.get(i, ""))]
        if ids:
            texts = [clean_line(bodies[i]) for i in ids[:4]]
            kept.append(replace(idea, label=texts[0][:500], ids=ids, quotes=texts[1:]))
    kept.sort(key=lambda idea: -len(idea.ids))
    return kept[:limit]


# The answers the demo's groups give, in turn: (outcome, reason). Every kind of answer
# comes within a group's first proposals, so the droit de suite shows them all.
# A proposal is retained only in a fiche it is tagged with, or whose stored suggestion for it
# reaches this score.
FITS_A_FICHE = 0.15
ANSWERS = [
    ("retenue", ""),
    (
        "partiellement_retenue",
        "Le schéma reprend l'idée d'abord dans les bassins de vie les plus éloignés ; "
        "le reste sera étudié au bilan de mi-parcours.",
    ),
    (
        "non_retenue",
        "D'autres réponses au même besoin passent en premier sur la durée du schéma ; "
        "la proposition sera réexaminée au bilan de mi-parcours.",
    ),
    ("retenue", ""),
    ("retenue", ""),
]
# Proposals whose answer lies with another body than the Département: answered « hors
# champ », each with who decides, never with a reason written for something else (the
# ASE, the PMI, the APA and the MDPH are the Département's own).
OUT_OF_SCOPE = (
    (
        re.compile(r"dossier partagé", re.IGNORECASE),
        "Le partage d'informations entre la CAF, la CPAM et le Département est fixé par la "
        "loi et par ces organismes, pas par le schéma départemental ; le Département a porté "
        "la demande auprès d'eux.",
    ),
    (
        re.compile(r"sorties? d'(hospitalisation|hôpital)", re.IGNORECASE),
        "L'organisation des sorties d'hôpital relève de l'hôpital et de l'ARS ; le Département "
        "y prend sa part pour l'aide à domicile et leur a transmis la demande.",
    ),
    (
        re.compile(r"transports? (en commun|gratuits?|à la demande)", re.IGNORECASE),
        "Les transports en commun relèvent de la Région et des intercommunalités, pas du "
        "schéma départemental ; la demande leur a été transmise.",
    ),
)


def out_of_scope_reason(text: str) -> str | None:
    """Why a proposal is « hors champ » and who decides instead, or None."""
    return next((reason for pattern, reason in OUT_OF_SCOPE if pattern.search(text)), None)


def _decisions(group: WorkingGroup, actor_key: str, now) -> None:
    """Answers to the group's proposals: those closest to an adopted fiche are retained in it."""
    actor = _account(actor_key)
    adopted = [f for f in group.fiches if f.status == "adoptee"]
    done = db.session.scalar(sa.select(Decision.id).where(Decision.working_group_id == group.id))
    if actor is None or not adopted or done:
        return
    rows = decisions.listing(group, which="sans", kind="proposition").rows
    fits = _closest_fiches([row.contribution.id for row in rows], adopted)
    rows = sorted(rows, key=lambda row: -fits.get(row.contribution.id, (0.0, None))[0])
    kept = [answer for answer in ANSWERS if answer[0] in ("retenue", "partiellement_retenue")]
    left = [answer for answer in ANSWERS if answer not in kept]
    for n, row in enumerate(rows):
        score, fiche_id = fits.get(row.contribution.id, (0.0, None))
        outcome, reason = ANSWERS[n % len(ANSWERS)]
        retained = (outcome, reason) in kept
        if retained and score < FITS_A_FICHE:  # never retained in a fiche about something else
            (outcome, reason), retained = left[n % len(left)], False
        elsewhere = out_of_scope_reason(row.contribution.body)
        if elsewhere:
            outcome, reason, retained = "hors_champ", elsewhere, False
        decisions.decide(
            group,
            row.contribution,
            outcome=outcome,
            fiche_id=fiche_id if retained else None,
            action_id=None,
            reason=reason,
            actor=actor,
            now=now,
        )


def _closest_fiches(contribution_ids: list[int], fiches: list[Fiche]) -> dict:
    """Each contribution's closest fiche among these: (score, fiche id). A fiche the
    facilitators tagged it with comes first (score 1: a suggester never suggests a fiche
    already tagged), else its best stored suggestion among them."""
    fiche_ids = [fiche.id for fiche in fiches]
    rows = db.session.execute(
        sa.select(TagSuggestion.contribution_id, TagSuggestion.fiche_id, TagSuggestion.score)
        .where(
            TagSuggestion.contribution_id.in_(contribution_ids),
            TagSuggestion.fiche_id.in_(fiche_ids),
        )
        .order_by(TagSuggestion.score)
    )
    closest = {contribution_id: (score, fiche_id) for contribution_id, fiche_id, score in rows}
    tagged = db.session.execute(
        sa.select(ContributionTag.contribution_id, ContributionTag.fiche_id)
        .where(
            ContributionTag.contribution_id.in_(contribution_ids),
            ContributionTag.fiche_id.in_(fiche_ids),
        )
        .order_by(ContributionTag.id.desc())  # the first tagged wins
    )
    closest.update({contribution_id: (1.0, fiche_id) for contribution_id, fiche_id in tagged})
    return closest


def _progress(scheme: Scheme) -> None:
    """Action progress and milestones that vary from fiche to fiche (demonstration values)."""
    if db.session.scalar(sa.select(Milestone.id).limit(1)):
        return  # set by an earlier load
    for fiche in scheme.fiches:
        if fiche.status != "adoptee":
            continue
        for action in fiche.top_actions:
            action.progress = (int(fiche.number) * 23 + action.position * 31) % 11 * 10
            action.status = (
                "realisee"
                if action.progress == 100
                else "en_cours"
                if action.progress
                else "a_venir"
            )
            if action.progress >= 50:
                action.milestones.append(
                    Milestone(label="Présentation au comité de suivi", done_on=date(2023, 10, 5))
                )
        fiche.progress_status = "en_cours"
    db.session.flush()


def _indicators(scheme: Scheme, data_dir) -> None:
    admin = _account("admin")
    path = data_dir / INDICATORS_FILE
    table = indicator_import.read(path.name, path.read_bytes())
    indicator_import.run_import(scheme, table, actor=admin)
    participation = next((f for f in scheme.fiches if f.number == "6"), None)
    if participation is not None and len(participation.indicators) >= 3:
        # Fiche 6 measures users' participation: the platform computes two of them.
        participation.indicators[1].computed = "part_usagers"
        participation.indicators[1].kind, participation.indicators[1].unit = "taux", "%"
        participation.indicators[2].computed = "participants"
    db.session.flush()


def _annual_report(scheme: Scheme, now) -> None:
    """The published bilan 2023, as its job would have generated it."""
    if db.session.scalar(sa.select(AnnualReport.id).where(AnnualReport.scheme_id == scheme.id)):
        return
    report = AnnualReport(
        scheme=scheme,
        year=2023,
        status="published",
        document=build_report(scheme, 2023).to_dict(),
        generated_at=now,
        published_at=now,
    )
    db.session.add(report)
    db.session.flush()


def load_follow_up(scheme: Scheme, data_dir, now) -> None:
    """Everything above (flushes, never commits); running it twice changes nothing."""
    groups = _groups(scheme)
    _meetings(scheme, groups[0])
    version = _share_synthesis(scheme, groups[0])
    _drafted_fiche(groups[0], version, now)
    _decisions(groups[0], "membre", now)
    _decisions(groups[1], "animateur", now)
    _progress(scheme)
    _indicators(scheme, data_dir)
    _annual_report(scheme, now)
