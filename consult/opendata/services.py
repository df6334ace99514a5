"""Open data of a scheme: the public, masked rows of each dataset and their Table Schema.

Only what the public pages already show goes out, pseudonymised: published contributions
of meetings that are not drafts nor working-group spaces, texts masked again, no names;
attendance and author profiles of fewer than ``SMALL_CELL`` people are left blank.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from consult.analysis.personal_data import mask_personal_data
from consult.contributions.models import AUTHOR_TYPES, KINDS, Contribution
from consult.core.cache import public_figures, watch_public_figures
from consult.deliberations.models import Deliberation
from consult.extensions import db
from consult.followup.models import Measurement
from consult.meetings.models import KINDS as MEETING_KINDS
from consult.meetings.models import PARTICIPANT_TYPES, Meeting
from consult.schemes.models import (
    FICHE_STATUSES,
    PUBLIC_FICHE_STATUSES,
    Fiche,
    Indicator,
    Scheme,
    Territory,
    Theme,
)
from consult.synthesis.current import current_version
from consult.synthesis.models import IdeaCuration, Synthesis, SynthesisVersion
from consult.tagging.models import ContributionTag
from consult.workgroups.models import (
    DECISION_OUTCOMES,
    Decision,
)

SMALL_CELL = 5  # fewer people than this: the count (or profile) is not published
LICENCE = {
    "name": "etalab-2.0",
    "title": "Licence Ouverte / Open Licence version 2.0",
    "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}


@dataclass(frozen=True)
class Column:
    """One column: its name, Table Schema type, French title and description."""

    name: str
    type: str
    title: str
    description: str
    enum: tuple[str, ...] = ()
    optional: bool = False  # may be empty (not known), whatever its type


@dataclass(frozen=True)
class Dataset:
    """One file set (CSV, JSON, schema): what it holds and its columns."""

    name: str
    title: str
    description: str
    columns: tuple[Column, ...]


def _col(name, type_, title, description, enum=(), optional=False) -> Column:
    return Column(name, type_, title, description, tuple(enum), optional)


SMALL = f"Vide si moins de {SMALL_CELL} personnes (secret statistique)."
DATASETS = (
    Dataset(
        "contributions",
        "Contributions publiées",
        "Les contributions publiées des rencontres publiques, texte masqué, sans nom.",
        (
            _col("id", "integer", "Identifiant", "Numéro de la contribution sur la plateforme."),
            _col(
                "rencontre_id", "integer", "Rencontre", "Numéro de la rencontre (voir rencontres)."
            ),
            _col("date_publication", "date", "Date de publication", "Jour de publication."),
            _col("type", "string", "Type", "Constat, proposition, question ou témoignage.", KINDS),
            _col(
                "profil",
                "string",
                "Qui s'exprime",
                f"Profil de l'auteur·rice. {SMALL.replace('personnes', 'contributions')}",
                AUTHOR_TYPES,
            ),
            _col("territoire", "string", "Territoire", "Territoire concerné, s'il est connu."),
            _col("texte", "string", "Texte", "Texte publié, données personnelles masquées."),
            _col("thematiques", "string", "Thématiques", "Thématiques, séparées par « ; »."),
            _col("fiches", "string", "Fiches actions", "Numéros des fiches, séparés par « ; »."),
            _col("soutiens", "integer", "Soutiens", "Nombre de « je soutiens »."),
            _col(
                "idees",
                "string",
                "Idées",
                "Idées des synthèses publiées qu'elle soutient (voir idees), séparées par « ; ».",
            ),
        ),
    ),
    Dataset(
        "rencontres",
        "Rencontres",
        "Les rencontres ouvertes, closes ou archivées, avec leurs effectifs (sans noms).",
        (
            _col("id", "integer", "Identifiant", "Numéro de la rencontre."),
            _col("type", "string", "Type", "Type de rencontre.", MEETING_KINDS),
            _col("titre", "string", "Titre", "Titre de la rencontre."),
            _col("date", "date", "Date", "Jour où elle s'est tenue, s'il est connu."),
            _col("territoire", "string", "Territoire", "Territoire de la rencontre."),
            _col("participants", "integer", "Participants", f"Effectif total. {SMALL}"),
            *(
                _col(f"participants_{key}", "integer", label, f"Effectif : {label}. {SMALL}")
                for key, label in PARTICIPANT_TYPES.items()
            ),
        ),
    ),
    Dataset(
        "fiches",
        "Fiches actions",
        "Les fiches actions validées ou adoptées, leur état et la délibération qui les adopte.",
        (
            _col("id", "integer", "Identifiant", "Numéro de la fiche sur la plateforme."),
            _col("numero", "string", "Numéro", "Numéro de la fiche dans le schéma."),
            _col("titre", "string", "Titre", "Titre de la fiche."),
            _col("statut", "string", "État", "Validée ou adoptée.", PUBLIC_FICHE_STATUSES),
            _col("avancement", "string", "Avancement", "Avancement de la mise en œuvre."),
            _col("deliberation_id", "string", "DELIB_ID", "Numéro de la délibération (SCDL)."),
            _col("deliberation_date", "date", "DELIB_DATE", "Date du vote (SCDL)."),
            _col("deliberation_url", "string", "DELIB_URL", "Adresse de l'acte publié (SCDL)."),
        ),
    ),
    Dataset(
        "decisions",
        "Suites données aux contributions",
        "Ce que les groupes de travail ont fait de chaque contribution publiée, et pourquoi.",
        (
            _col("contribution_id", "integer", "Contribution", "Voir le fichier contributions."),
            _col("suite", "string", "Suite donnée", "Retenue, non retenue…", DECISION_OUTCOMES),
            _col("motif", "string", "Motif", "Raison de la décision, texte masqué."),
            _col("fiche", "string", "Fiche", "Numéro de la fiche qui la reprend, s'il y en a."),
            _col("date_decision", "date", "Date", "Jour de la décision."),
        ),
    ),
    Dataset(
        "idees",
        "Idées des synthèses publiées",
        "Les idées de la dernière version publiée de chaque synthèse, telles que l'équipe "
        "d'animation les a relues (titres renommés, idées fusionnées ou masquées).",
        (
            _col("id", "string", "Identifiant", "Synthèse, version et rang de l'idée : S3-V2-I4."),
            _col("synthese_id", "integer", "Synthèse", "Numéro de la synthèse."),
            _col("synthese_titre", "string", "Titre de la synthèse", "Titre de la synthèse."),
            _col("version", "integer", "Version", "Numéro de la version publiée."),
            _col("date_publication", "date", "Date de publication", "Jour de publication."),
            _col("partie", "string", "Partie", "Thématique ou fiche de la partie de l'idée."),
            _col("idee", "string", "Idée", "L'idée, en une phrase."),
            _col("mots_cles", "string", "Mots-clés", "Mots-clés de l'idée, séparés par « ; »."),
            _col("contributions", "integer", "Contributions", "Contributions qui la portent."),
            _col(
                "part",
                "number",
                "Part",
                "Part des contributions de la synthèse (0 à 1).",
                optional=True,
            ),
            _col("soutiens", "integer", "Soutiens", "« Je soutiens » de ces contributions."),
        ),
    ),
    Dataset(
        "indicateurs",
        "Indicateurs des fiches actions",
        "Les indicateurs des fiches validées ou adoptées, avec valeur initiale et cible.",
        (
            _col("id", "integer", "Identifiant", "Numéro de l'indicateur."),
            _col("fiche_id", "integer", "Fiche", "Voir le fichier fiches."),
            _col("fiche_numero", "string", "Numéro de fiche", "Numéro de la fiche dans le schéma."),
            _col("libelle", "string", "Libellé", "Ce que l'indicateur mesure."),
            _col("type", "string", "Type", "Nombre, taux, montant ou qualitatif."),
            _col("unite", "string", "Unité", "Unité des valeurs, s'il y en a une."),
            _col(
                "valeur_initiale", "number", "Valeur initiale", "Valeur de départ.", optional=True
            ),
            _col(
                "annee_initiale",
                "integer",
                "Année initiale",
                "Année de la valeur de départ.",
                optional=True,
            ),
            _col("cible", "number", "Cible", "Valeur visée.", optional=True),
            _col(
                "annee_cible",
                "integer",
                "Année cible",
                "Année où la cible est visée.",
                optional=True,
            ),
        ),
    ),
    Dataset(
        "mesures",
        "Mesures des indicateurs",
        "Les valeurs relevées chaque année pour les indicateurs publiés, par territoire.",
        (
            _col("id", "integer", "Identifiant", "Numéro de la mesure."),
            _col("indicateur_id", "integer", "Indicateur", "Voir le fichier indicateurs."),
            _col("annee", "integer", "Année", "Année mesurée."),
            _col("territoire", "string", "Territoire", "Territoire ; vide : tout le schéma."),
            _col("valeur", "number", "Valeur", "Valeur chiffrée.", optional=True),
            _col("valeur_texte", "string", "Valeur (texte)", "Valeur d'un indicateur qualitatif."),
            _col("source", "string", "Source", "D'où vient la valeur."),
        ),
    ),
)


def table_schema(dataset: Dataset) -> dict:
    """The Table Schema (frictionless) describing every column of ``dataset``."""
    fields = []
    for column in dataset.columns:
        field = {
            "name": column.name,
            "type": column.type,
            "title": column.title,
            "description": column.description,
        }
        if column.enum:
            field["constraints"] = {"enum": list(column.enum)}
        fields.append(field)
    key = "contribution_id" if dataset.name == "decisions" else "id"
    return {"fields": fields, "primaryKey": key, "missingValues": [""]}


# --- Rows ----------------------------------------------------------------------------


def public_meetings(scheme: Scheme) -> list[Meeting]:
    """Meetings the public pages show: not drafts, not working-group spaces."""
    return db.session.scalars(
        sa.select(Meeting)
        .where(
            Meeting.scheme_id == scheme.id,
            Meeting.status != "draft",
            Meeting.working_group_id.is_(None),
        )
        .order_by(Meeting.id)
    ).all()


# Besides those the public pages watch (contributions, decisions, fiches, syntheses…), the
# rows depend on these: a commit writing one refreshes the kept rows (core.cache).
watch_public_figures(Deliberation, IdeaCuration, Indicator, Measurement)


def kept_rows(scheme: Scheme) -> dict[str, list[dict]]:
    """:func:`rows`, kept until something public changes (the API reads them per page)."""
    return public_figures(("opendata-rows", scheme.id), lambda: rows(scheme))


def rows(scheme: Scheme) -> dict[str, list[dict]]:
    """Every dataset's rows for ``scheme``."""
    meetings = public_meetings(scheme)
    contributions = _published(meetings)
    ideas, ideas_of = _idea_rows(published_versions(scheme))
    indicators = _indicator_rows(scheme)
    return {
        "contributions": _contribution_rows(contributions, ideas_of),
        "rencontres": [_meeting_row(meeting) for meeting in meetings],
        "fiches": _fiche_rows(scheme),
        "decisions": _decision_rows(contributions),
        "idees": ideas,
        "indicateurs": indicators,
        "mesures": _measurement_rows([row["id"] for row in indicators]),
    }


def _published(meetings: list[Meeting]) -> list[Contribution]:
    return db.session.scalars(
        sa.select(Contribution)
        .where(
            Contribution.meeting_id.in_([m.id for m in meetings]),
            Contribution.status == "published",
        )
        .order_by(Contribution.id)
    ).all()


def _tags(ids: list[int]) -> dict[int, tuple[list[str], list[str]]]:
    found: dict[int, tuple[list[str], list[str]]] = {i: ([], []) for i in ids}
    # A draft fiche is not public: neither its number nor that it exists (issue 12 #18).
    public_fiche = sa.and_(
        Fiche.id == ContributionTag.fiche_id, Fiche.status.in_(PUBLIC_FICHE_STATUSES)
    )
    query = (
        sa.select(ContributionTag.contribution_id, Theme.title, Fiche.number)
        .outerjoin(Theme, Theme.id == ContributionTag.theme_id)
        .outerjoin(Fiche, public_fiche)
        .where(ContributionTag.contribution_id.in_(ids))
        .where(sa.or_(Theme.id.is_not(None), Fiche.id.is_not(None)))
        .order_by(ContributionTag.id)
    )
    for contribution_id, theme, fiche in db.session.execute(query):
        themes, fiches = found[contribution_id]
        (themes if theme else fiches).append(theme or fiche)
    return found


def _contribution_rows(
    contributions: list[Contribution], ideas_of: dict[int, list[str]]
) -> list[dict]:
    profiles = Counter((c.meeting_id, c.author_type) for c in contributions)
    tags = _tags([c.id for c in contributions])
    territories = dict(db.session.execute(sa.select(Territory.id, Territory.name)).all())
    return [
        {
            "id": c.id,
            "rencontre_id": c.meeting_id,
            "date_publication": _day(c.published_at or c.created_at),
            "type": c.kind,
            "profil": c.author_type
            if profiles[(c.meeting_id, c.author_type)] >= SMALL_CELL
            else "",
            "territoire": territories.get(c.territory_id, ""),
            "texte": mask_personal_data(c.body),
            "thematiques": "; ".join(tags[c.id][0]),
            "fiches": "; ".join(tags[c.id][1]),
            "soutiens": c.support_count,
            "idees": "; ".join(ideas_of.get(c.id, ())),
        }
        for c in contributions
    ]


def _count(value) -> int | str:
    """A head count, or blank when it is under the small-cell threshold."""
    number = int(value or 0)
    return number if number >= SMALL_CELL else ""


def _meeting_row(meeting: Meeting) -> dict:
    by_type = meeting.attendance_by_type or {}
    row = {
        "id": meeting.id,
        "type": meeting.kind,
        "titre": meeting.title,
        "date": meeting.held_on.isoformat() if meeting.held_on else "",
        "territoire": meeting.territory.name if meeting.territory else "",
        "participants": _count(meeting.participant_count),
    }
    for key in PARTICIPANT_TYPES:
        row[f"participants_{key}"] = _count(by_type.get(key))
    return row


def _fiche_rows(scheme: Scheme) -> list[dict]:
    query = (
        sa.select(Fiche, Deliberation)
        .outerjoin(Deliberation, Deliberation.fiche_id == Fiche.id)
        .where(Fiche.scheme_id == scheme.id, Fiche.status.in_(PUBLIC_FICHE_STATUSES))
        .order_by(Fiche.position, Fiche.id)
    )
    return [
        {
            "id": fiche.id,
            "numero": fiche.number,
            "titre": fiche.title,
            "statut": fiche.status,
            "avancement": fiche.progress_status or "",
            "deliberation_id": deliberation.identifier if deliberation else "",
            "deliberation_date": deliberation.voted_on.isoformat() if deliberation else "",
            "deliberation_url": deliberation.url if deliberation else "",
        }
        for fiche, deliberation in db.session.execute(query)
    ]


def _decision_rows(contributions: list[Contribution]) -> list[dict]:
    query = (
        sa.select(Decision, Fiche.number, Fiche.status)
        .outerjoin(Fiche, Fiche.id == Decision.fiche_id)
        .where(Decision.contribution_id.in_([c.id for c in contributions]))
        .order_by(Decision.contribution_id)
    )
    return [
        {
            "contribution_id": decision.contribution_id,
            "suite": decision.outcome,
            "motif": mask_personal_data(decision.reason or ""),
            # A fiche still in draft is not public: its number is not either.
            "fiche": number if status in PUBLIC_FICHE_STATUSES else "",
            "date_decision": _day(decision.decided_at),
        }
        for decision, number, status in db.session.execute(query)
    ]


def published_versions(scheme: Scheme) -> list[SynthesisVersion]:
    """The latest published version of each of the scheme's syntheses."""
    latest = (
        sa.select(sa.func.max(SynthesisVersion.id))
        .join(Synthesis, Synthesis.id == SynthesisVersion.synthesis_id)
        .where(Synthesis.scheme_id == scheme.id, SynthesisVersion.status == "published")
        .group_by(SynthesisVersion.synthesis_id)
    )
    return db.session.scalars(
        sa.select(SynthesisVersion)
        .where(SynthesisVersion.id.in_(latest))
        .order_by(SynthesisVersion.synthesis_id)
    ).all()


def _idea_rows(versions: list[SynthesisVersion]) -> tuple[list[dict], dict[int, list[str]]]:
    """One row per idea the published versions show now (curated, less what was retired)."""
    rows: list[dict] = []
    ideas_of: dict[int, list[str]] = {}
    for version in versions:
        document = current_version(version).document
        shown = [(s, i) for s in document.sections for i in s.ideas if not i.hidden]
        for rank, (section, idea) in enumerate(shown, start=1):
            key = f"S{version.synthesis_id}-V{version.number}-I{rank}"
            rows.append(_idea_row(key, version, document.contributions, section.title, idea))
            for contribution_id in idea.ids:
                ideas_of.setdefault(contribution_id, []).append(key)
    return rows, ideas_of


def _idea_row(key: str, version: SynthesisVersion, total: int, part: str, idea) -> dict:
    return {
        "id": key,
        "synthese_id": version.synthesis_id,
        "synthese_titre": version.synthesis.title,
        "version": version.number,
        "date_publication": _day(version.status_changed_at or version.generated_at),
        "partie": part,
        "idee": idea.label,
        "mots_cles": "; ".join(idea.terms),
        "contributions": idea.size,
        "part": round(idea.size / total, 4) if total else "",
        "soutiens": idea.supports,
    }


def _indicator_rows(scheme: Scheme) -> list[dict]:
    query = (
        sa.select(Indicator, Fiche.number)
        .join(Fiche, Fiche.id == Indicator.fiche_id)
        .where(Fiche.scheme_id == scheme.id, Fiche.status.in_(PUBLIC_FICHE_STATUSES))
        .order_by(Fiche.position, Fiche.id, Indicator.position, Indicator.id)
    )
    return [
        {
            "id": indicator.id,
            "fiche_id": indicator.fiche_id,
            "fiche_numero": number,
            "libelle": indicator.label,
            "type": indicator.kind,
            "unite": indicator.unit,
            "valeur_initiale": _number(indicator.baseline),
            "annee_initiale": _number(indicator.baseline_year),
            "cible": _number(indicator.target),
            "annee_cible": _number(indicator.target_year),
        }
        for indicator, number in db.session.execute(query)
    ]


def _measurement_rows(indicator_ids: list[int]) -> list[dict]:
    territories = dict(db.session.execute(sa.select(Territory.id, Territory.name)).all())
    query = (
        sa.select(Measurement)
        .where(Measurement.indicator_id.in_(indicator_ids))
        .order_by(Measurement.indicator_id, Measurement.year, Measurement.id)
    )
    return [
        {
            "id": measurement.id,
            "indicateur_id": measurement.indicator_id,
            "annee": measurement.year,
            "territoire": territories.get(measurement.territory_id, ""),
            "valeur": _number(measurement.value),
            "valeur_texte": mask_personal_data(measurement.text_value or ""),
            "source": measurement.source,
        }
        for measurement in db.session.scalars(query)
    ]


def _number(value) -> float | int | str:
    return "" if value is None else value


def _day(moment: datetime | date | None) -> str:
    if moment is None:
        return ""
    return (moment.date() if isinstance(moment, datetime) else moment).isoformat()


def status_labels() -> dict[str, dict[str, str]]:
    """Labels of the coded values, for the data card."""
    return {"fiches": FICHE_STATUSES, "decisions": DECISION_OUTCOMES}
