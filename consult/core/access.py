"""Who may do what: one declarative table, keyed by Flask endpoint.

This module is data (it imports no view). A rule says only who gets what: the path,
the methods and the URL arguments of each endpoint are the application's own
(``app.url_map``), never typed here a second time. ``tests/security/test_access_matrix.py``
walks ``app.url_map``: every route must have a :class:`Rule` here, and for every
role the observed answer must be the one written below. ``docs/acces.md`` is
:func:`document` of the application's URL map (``make access-docs``, i.e.
``flask access document > docs/acces.md``); a test checks the committed file.

Outcomes, for the route's main method (GET when it has one, else POST) on a
typical existing object (an open meeting, a published contribution…):

- ``allow``: the page is served (2xx), or a redirect elsewhere than the login page
  (for a POST sent empty: anything but login, 403 or 404, e.g. 303, 400, 409, 422);
- ``login``: redirect to the login page (``/connexion``);
- ``deny``: 403, the role may not use this route at all;
- ``hidden``: 404, the object is private and its existence is not revealed.

``variants`` say what happens on a private version of the object (a meeting in
preparation, a pending contribution, another working group…). ``member`` is the
pilot of the working group the URL names: a group's space answers 404 to anyone
who is not one of its members, except the Département's team.
"""

from dataclasses import dataclass, field

ROLES = ("anonymous", "participant", "partner", "member", "facilitator", "admin")
OUTCOMES = ("allow", "login", "deny", "hidden")

ROLE_LABELS = {
    "anonymous": "Anonyme",
    "participant": "Participant·e",
    "partner": "Partenaire",
    "member": "Membre (groupe de travail)",
    "facilitator": "Animateur·rice",
    "admin": "Administrateur·rice",
}
OUTCOME_LABELS = {
    "allow": "oui",
    "login": "connexion",
    "deny": "non (403)",
    "hidden": "caché (404)",
}
# The typical object each URL parameter names in the matrix (the test builds them).
OBJECTS = {
    "meeting_id": "une rencontre ouverte (contributions publiées directement)",
    "contribution_id": "une contribution publiée de cette rencontre",
    "import_id": "un fichier d'import déposé pour cette rencontre",
    "user_id": "un compte participant·e à administrer",
    "token": "un lien valide (réinitialisation ou invitation) pour un compte existant",
    "slug": "un schéma importé",
    "name": "un fichier de données ouvertes de ce schéma (contributions.csv)",
    "number": "une fiche de ce schéma ; pour une synthèse, sa version publiée",
    "code": "le code de la rencontre ouverte",
    "code de suivi": (
        "(envoyé dans le formulaire) le code de suivi de la contribution publiée (droits RGPD)"
    ),
    "filename": "une feuille de style",
    "synthesis_id": "une synthèse dont une version est publiée",
    "job_run_id": "la tâche de génération de cette synthèse",
    "kind": "le format d'export (json ; csv pour les contributions)",
    "group_id": (
        "un groupe de travail dont « Membre » est pilote (les autres rôles n'en sont pas "
        "membres) ; il suit la fiche 1"
    ),
    "fiche_id": (
        "pour /groupes/… une fiche que ce groupe rédige (brouillon) ; ailleurs, la fiche 1, "
        "adoptée, suivie par ce groupe"
    ),
    "action_id": "la première action de la fiche 1",
    "milestone_id": "un jalon de cette action",
    "measurement_id": "une mesure du premier indicateur de la fiche 1",
    "indicator_id": "le premier indicateur de la fiche 1",
    "theme_id": "la première thématique du schéma",
    "membership_id": "la place d'un autre membre (simple membre) dans ce groupe",
    "version_id": "une version de synthèse partagée avec ce groupe",
    "section": "la première partie de cette version",
    "idea": "sa première idée",
    "report_id": "un bilan annuel publié (export : docx)",
    "token_id": "un jeton d'API actif d'une organisation partenaire",
}
# The private objects variants are about.
VARIANTS = {
    "draft_meeting": "sur une rencontre en préparation",
    "pending_contribution": "sur une contribution en attente de modération",
    "other_meeting_upload": "avec un fichier déposé pour une autre rencontre",
    "expired_token": "avec un lien invalide ou expiré",
    "unknown_receipt": "avec un code de suivi inconnu",
    "draft_version": "sur une synthèse dont la version est un brouillon",
    "shared_version": "sur une version partagée avec les groupes de travail",
    "other_group": "sur un groupe de travail dont la personne n'est pas membre",
    "draft_fiche": "sur une fiche en préparation dans un autre groupe de travail",
    "draft_report": "sur un bilan annuel en brouillon",
}


def outcomes(anonymous, participant, partner, member, facilitator, admin) -> dict[str, str]:
    """One outcome per role, in the order of :data:`ROLES`."""
    values = (anonymous, participant, partner, member, facilitator, admin)
    unknown = [v for v in values if v not in OUTCOMES]
    if unknown:
        raise ValueError(f"unknown outcome(s): {unknown}")
    return dict(zip(ROLES, values, strict=True))


PUBLIC = outcomes("allow", "allow", "allow", "allow", "allow", "allow")
SIGNED_IN = outcomes("login", "allow", "allow", "allow", "allow", "allow")
STAFF = outcomes("login", "deny", "deny", "deny", "allow", "allow")
ADMIN = outcomes("login", "deny", "deny", "deny", "deny", "allow")
STAFF_ONLY_SEE = outcomes("hidden", "hidden", "hidden", "hidden", "allow", "allow")
NOBODY_SEES = outcomes("hidden", "hidden", "hidden", "hidden", "hidden", "hidden")
STAFF_BUT_HIDDEN = outcomes("login", "deny", "deny", "deny", "hidden", "hidden")
# Working groups: members and the Département's team; others are not told the group exists.
GROUP_SPACE = outcomes("login", "hidden", "hidden", "allow", "allow", "allow")
NOT_A_MEMBER = outcomes("login", "hidden", "hidden", "hidden", "allow", "allow")
# Follow-up entered by the pilots of the fiche's working group and by the team.
PILOTS = outcomes("login", "deny", "deny", "allow", "allow", "allow")
ON_OTHER_GROUP = {"other_group": NOT_A_MEMBER}
# A version read through a group it is not shared with: nobody, the team included.
NOT_SHARED_HERE = outcomes("login", "hidden", "hidden", "hidden", "hidden", "hidden")
ON_DRAFT_FICHE = {"draft_fiche": STAFF_ONLY_SEE}
# The partner API: a bearer token, never a session (401 for everyone without one).
TOKEN_ONLY = outcomes("login", "login", "login", "login", "login", "login")
ON_DRAFT_FICHE_EDIT = {"draft_fiche": NOT_A_MEMBER}


@dataclass(frozen=True)
class Rule:
    """What each role gets on one endpoint (its path and methods: ``app.url_map``)."""

    outcomes: dict[str, str]
    note: str = ""
    variants: dict[str, dict[str, str]] = field(default_factory=dict)


# Methods Flask adds to every route by itself; the table speaks of the others.
IMPLICIT_METHODS = frozenset({"HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Route:
    """One endpoint as the application serves it (from ``app.url_map``)."""

    endpoint: str
    path: str
    methods: tuple[str, ...]
    arguments: tuple[str, ...]

    @property
    def method(self) -> str:
        """The main method: GET when the route has one, else its first other method."""
        return "GET" if "GET" in self.methods else self.methods[0]


def routes(url_map) -> dict[str, Route]:
    """Endpoint → :class:`Route`, read from a werkzeug ``Map`` (one rule per endpoint)."""
    found = {}
    for rule in url_map.iter_rules():
        methods = tuple(sorted(set(rule.methods or ()) - IMPLICIT_METHODS))
        arguments = tuple(sorted(rule.arguments))
        found[rule.endpoint] = Route(rule.endpoint, rule.rule, methods, arguments)
    return found


ON_DRAFT_MEETING = {"draft_meeting": STAFF_ONLY_SEE}
ON_PENDING = {"pending_contribution": NOBODY_SEES}
# A shared version: the team and the members of the groups it is shared with (the
# matrix's version is shared with no group, so members and partners get 404).
ON_VERSIONS = {"draft_version": STAFF_ONLY_SEE, "shared_version": STAFF_ONLY_SEE}
OPEN_ONLY = (
    "Seulement si la rencontre est ouverte ; close ou archivée : une page « rencontre close » "
    "qui rend le texte (200, 409 en POST)."
)
CAPTURE_NOTE = "Rencontre ouverte seulement ; sinon retour à la page de gestion avec un message."

RULES: dict[str, Rule] = {
    # --- Site ------------------------------------------------------------------------
    "site.home": Rule(PUBLIC),
    "site.theme_css": Rule(PUBLIC),
    "site.logo": Rule(PUBLIC, note="404 pour tous tant qu'aucun logo n'est déposé."),
    "site.accessibility": Rule(PUBLIC),
    "site.privacy": Rule(PUBLIC),
    "site.admin_home": Rule(STAFF),
    "site.todo": Rule(STAFF, note="La page « à faire » de l'équipe, après la connexion."),
    "site.settings": Rule(ADMIN, note="Logo PNG ou JPEG, 512 Ko au plus."),
    "static": Rule(PUBLIC),
    # --- Accounts --------------------------------------------------------------------
    "accounts.login": Rule(
        PUBLIC,
        note=(
            "Essais limités par adresse depuis une même IP, et par IP : le blocage vise la "
            "source qui échoue, pas le compte ; un nouveau mot de passe le lève."
        ),
    ),
    "accounts.logout": Rule(
        SIGNED_IN,
        note="Ferme la session sur tous les appareils, cookie « Rester connecté·e » compris.",
    ),
    "accounts.register": Rule(
        PUBLIC,
        note=(
            "Ne crée que des comptes participant·e. Même réponse que l'adresse ait déjà un "
            "compte ou non (un e-mail le dit à son titulaire) ; envois limités par IP et par "
            "adresse."
        ),
    ),
    "accounts.account": Rule(SIGNED_IN),
    "privacy.download_data": Rule(
        SIGNED_IN,
        note=(
            "Le compte et toutes ses contributions, en JSON (droit d'accès) ; "
            "jamais gardé en cache (Cache-Control: no-store)."
        ),
    ),
    "privacy.erase_account": Rule(
        SIGNED_IN,
        note=(
            "Confirmé par le mot de passe ; les contributions restent, anonymes ; l'adresse "
            "disparaît aussi des essais de connexion et du journal de sécurité."
        ),
    ),
    "accounts.forgot_password": Rule(
        PUBLIC,
        note=(
            "Même réponse que l'adresse existe ou non (pas d'énumération des comptes) ; "
            "envois limités par IP et par adresse."
        ),
    ),
    "accounts.reset_password": Rule(
        PUBLIC,
        note="Le lien signé (valable une heure) tient lieu d'autorisation.",
        variants={"expired_token": NOBODY_SEES},
    ),
    "accounts.accept_invitation": Rule(
        PUBLIC,
        note=(
            "Le lien signé (valable 7 jours) tient lieu d'autorisation ; sans effet pour un "
            "compte suspendu ou effacé."
        ),
        variants={"expired_token": NOBODY_SEES},
    ),
    "accounts.admin_users": Rule(
        ADMIN,
        note="Invitation d'un compte d'équipe ; un compte partenaire a une organisation.",
    ),
    "accounts.create_organisation": Rule(ADMIN),
    "accounts.toggle_user": Rule(
        ADMIN,
        note="Suspendre ou réactiver un compte ; pas le sien.",
    ),
    "accounts.resend_invitation": Rule(
        ADMIN,
        note="Seulement un compte qui n'a pas encore choisi son mot de passe.",
    ),
    # --- Schemes and reference lists ---------------------------------------------------
    "schemes.index": Rule(PUBLIC),
    "schemes.show": Rule(PUBLIC),
    "schemes.territories": Rule(PUBLIC),
    "schemes.admin_territories": Rule(ADMIN),
    "schemes.add_territory": Rule(ADMIN),
    "schemes.add_public": Rule(ADMIN),
    "schemes.import_form": Rule(ADMIN),
    "schemes.levels": Rule(ADMIN),
    # --- Meetings --------------------------------------------------------------------
    "meetings.index": Rule(
        PUBLIC,
        note="Les rencontres en préparation n'y figurent que pour l'équipe d'animation.",
    ),
    "meetings.show": Rule(PUBLIC, variants=ON_DRAFT_MEETING),
    "meetings.join": Rule(PUBLIC, note="Le code mène à une rencontre ouverte."),
    "meetings.short_link": Rule(
        PUBLIC,
        note="Seulement vers une rencontre ouverte ; sinon « code inconnu » (422).",
    ),
    "meetings.qr": Rule(
        PUBLIC,
        note="Avant l'ouverture, seule l'équipe d'animation voit le code.",
        variants=ON_DRAFT_MEETING,
    ),
    "meetings.poster": Rule(PUBLIC, variants=ON_DRAFT_MEETING),
    "meetings.wall": Rule(PUBLIC, variants=ON_DRAFT_MEETING),
    "meetings.wall_feed": Rule(
        PUBLIC,
        note="Seulement les contributions publiées.",
        variants=ON_DRAFT_MEETING,
    ),
    "meetings.create": Rule(STAFF),
    "meetings.edit": Rule(
        STAFF,
        note="Rencontre archivée : retour à la gestion, rien ne change.",
        variants={"draft_meeting": STAFF},
    ),
    "meetings.manage": Rule(STAFF, variants={"draft_meeting": STAFF}),
    "meetings.change_status": Rule(
        STAFF,
        note="Préparation → ouverte → close → archivée (une rencontre close peut rouvrir).",
    ),
    "meetings.attendance": Rule(
        STAFF,
        note="Rencontre ouverte ou close seulement (422 sinon).",
    ),
    "meetings.minutes": Rule(
        STAFF,
        note="Corriger le relevé d'une rencontre ; chaque version remplacée est gardée.",
    ),
    "meetings.results": Rule(
        PUBLIC,
        note="Rencontre close ou archivée : ce qui a été dit et décidé ; sinon, sa page.",
        variants=ON_DRAFT_MEETING,
    ),
    "meetings.close": Rule(
        STAFF,
        note="Rencontre ouverte seulement (422 sinon).",
    ),
    # --- Contributions ---------------------------------------------------------------
    "contributions.create": Rule(
        PUBLIC,
        note=OPEN_ONLY + " Envois anonymes limités par navigateur et par IP.",
        variants=ON_DRAFT_MEETING,
    ),
    "contributions.create_easy": Rule(
        PUBLIC,
        note=OPEN_ONLY,
        variants=ON_DRAFT_MEETING,
    ),
    "contributions.thanks": Rule(
        PUBLIC,
        note="Montre une seule fois le reçu qui vient d'être donné ; sinon, renvoie au formulaire.",
        variants=ON_DRAFT_MEETING,
    ),
    "contributions.index": Rule(PUBLIC, note="Contributions publiées seules."),
    "contributions.show": Rule(
        PUBLIC,
        note="Fusionnée : renvoi vers celle qui la garde.",
        variants=ON_PENDING,
    ),
    "contributions.support": Rule(
        PUBLIC,
        note="Un soutien par compte ou par navigateur ; pas sur une rencontre archivée.",
        variants=ON_PENDING,
    ),
    "contributions.report": Rule(
        PUBLIC,
        variants=ON_PENDING,
    ),
    # --- Capture by facilitators -----------------------------------------------------
    "capture.rapid_entry": Rule(STAFF, note=CAPTURE_NOTE),
    "capture.import_upload": Rule(STAFF, note=CAPTURE_NOTE),
    "capture.import_sample": Rule(STAFF),
    "capture.import_preview": Rule(
        STAFF,
        variants={"other_meeting_upload": STAFF_BUT_HIDDEN},
    ),
    "capture.import_confirm": Rule(
        STAFF,
        note="Tout ou rien, une seule fois par fichier, rencontre ouverte seulement.",
        variants={"other_meeting_upload": STAFF_BUT_HIDDEN},
    ),
    # --- Moderation ------------------------------------------------------------------
    "desk.queue": Rule(STAFF),
    "desk.review": Rule(
        STAFF,
        note=(
            "403 (et non 404) hors de l'équipe, pour toute adresse /moderation/… : "
            "la réponse ne révèle pas si la contribution existe."
        ),
        variants={"pending_contribution": STAFF},
    ),
    "desk.decide": Rule(
        STAFF,
        variants={"pending_contribution": STAFF},
    ),
    "desk.tag": Rule(STAFF),
    "desk.merge": Rule(STAFF, note="Contributions d'une même rencontre seulement."),
    "desk.duplicates": Rule(STAFF),
    "merges.by_number": Rule(STAFF, note="Deux contributions d'un même schéma."),
    "merges.undo": Rule(STAFF),
    "merges.campaign": Rule(STAFF, note="Contributions d'une même rencontre seulement."),
    "merges.undo_campaign": Rule(STAFF),
    "desk.accept_suggestion": Rule(STAFF, note="Accepter la meilleure suggestion d'une ligne."),
    "desk.bulk": Rule(STAFF, note="1 000 contributions au plus."),
    "moderation.audit_log": Rule(ADMIN),
    "moderation.merge_identical_contributions": Rule(
        STAFF,
        note="Texte, type et type d'auteur identiques ; chaque fusion est journalisée.",
    ),
    "moderation.audit_log_csv": Rule(
        ADMIN,
        note="Les cellules qui commencent par = + - @ sont neutralisées (apostrophe).",
    ),
    # --- Syntheses -------------------------------------------------------------------
    "synthesis.index": Rule(PUBLIC, note="Chacun n'y voit que les versions qu'il peut lire."),
    "synthesis.create": Rule(STAFF),
    "synthesis.show": Rule(
        PUBLIC,
        note="Hors de l'équipe : renvoi vers la dernière version lisible.",
        variants=ON_VERSIONS,
    ),
    "synthesis.regenerate": Rule(STAFF),
    "synthesis.job_status": Rule(STAFF),
    "synthesis.version": Rule(
        PUBLIC,
        note="Brouillon : l'équipe ; partagée : aussi les groupes de travail et partenaires.",
        variants=ON_VERSIONS,
    ),
    "synthesis.change_status": Rule(
        STAFF,
        note="Une synthèse qui lit des contributions non modérées ne se publie pas.",
    ),
    "synthesis.edit_editorial": Rule(
        STAFF,
        note="Une version publiée ne change plus.",
    ),
    "synthesis.curate_ideas": Rule(
        STAFF,
        note="Renommer, fusionner, scinder, déplacer, citer, masquer ; chaque retouche est "
        "journalisée et reprise à la régénération. Une version publiée ne change plus.",
    ),
    "synthesis.export": Rule(
        PUBLIC,
        variants=ON_VERSIONS,
    ),
    "synthesis.export_contributions": Rule(
        PUBLIC,
        variants=ON_VERSIONS,
    ),
    # --- Working groups ------------------------------------------------------------
    "workgroups.index": Rule(SIGNED_IN, note="Chacun voit ses groupes ; l'équipe les voit tous."),
    "workgroups.create": Rule(STAFF),
    "workgroups.edit": Rule(
        STAFF,
        note="Même le pilote ne modifie pas le groupe : l'équipe le fait.",
    ),
    "workgroups.show": Rule(
        GROUP_SPACE,
        note="L'espace privé du groupe : synthèses partagées, contributions, fiches.",
        variants=ON_OTHER_GROUP,
    ),
    "workgroups.add_member": Rule(STAFF),
    "workgroups.remove_member": Rule(STAFF),
    "workgroups.share_synthesis": Rule(STAFF),
    "workgroups.read_version": Rule(
        GROUP_SPACE,
        note="Une version partagée ou publiée d'une synthèse partagée avec ce groupe.",
        variants={"other_group": NOT_SHARED_HERE},
    ),
    "workgroups.comment": Rule(
        GROUP_SPACE,
        variants={"other_group": NOT_SHARED_HERE},
    ),
    "workgroups.validate_version": Rule(
        outcomes("login", "hidden", "hidden", "deny", "deny", "deny"),
        note=(
            "« Relue et validée » : les représentant·es des usagers du groupe (le pilote : "
            "403) ; l'équipe seulement au nom d'un·e représentant·e (validation sur papier)."
        ),
        variants={"other_group": NOT_SHARED_HERE},
    ),
    # --- Fiches drafted by working groups, decisions, comité de pilotage ---------------
    "fiches.read": Rule(PUBLIC),
    "fiches.new_fiche": Rule(
        GROUP_SPACE,
        note="À partir des idées cochées d'une synthèse partagée avec le groupe.",
        variants=ON_OTHER_GROUP,
    ),
    "fiches.show": Rule(GROUP_SPACE, variants=ON_OTHER_GROUP),
    "fiches.edit": Rule(
        GROUP_SPACE,
        note="Brouillon ou proposée seulement ; validée ou adoptée : 409.",
        variants=ON_OTHER_GROUP,
    ),
    "fiches.change_status": Rule(
        GROUP_SPACE,
        note=(
            "Pilote et co-pilote : brouillon ⇄ proposée (un simple membre : 403). Validée "
            "puis adoptée : l'équipe seule, qui consigne la décision du comité de pilotage."
        ),
        variants=ON_OTHER_GROUP,
    ),
    "fiches.decisions": Rule(GROUP_SPACE, variants=ON_OTHER_GROUP),
    "fiches.export_decisions": Rule(
        GROUP_SPACE,
        note="Tableur (CSV) : chaque contribution du groupe et sa suite ; aucune formule.",
        variants=ON_OTHER_GROUP,
    ),
    "fiches.decide": Rule(
        GROUP_SPACE,
        note=(
            "Contributions du périmètre du groupe seulement (sinon 404, même pour l'équipe : "
            "la contribution ordinaire n'est pas dans le périmètre de l'autre groupe)."
        ),
        variants={"other_group": outcomes("login", *["hidden"] * 5)},
    ),
    "fiches.committee": Rule(STAFF),
    # --- Follow-up: progress, indicators, participation -------------------------------
    "followup.index": Rule(PUBLIC),
    "followup.dashboard": Rule(PUBLIC),
    "followup.participation": Rule(PUBLIC),
    "followup.fiche": Rule(PUBLIC, variants=ON_DRAFT_FICHE),
    "followup.update_progress": Rule(
        PILOTS,
        note="Pilotes et co-pilotes d'un groupe qui suit la fiche, et l'équipe.",
        variants=ON_DRAFT_FICHE_EDIT,
    ),
    "followup.add_milestone": Rule(
        PILOTS,
        variants=ON_DRAFT_FICHE_EDIT,
    ),
    "followup.update_milestone": Rule(PILOTS, variants=ON_DRAFT_FICHE_EDIT),
    "followup.update_indicator": Rule(
        PILOTS,
        variants=ON_DRAFT_FICHE_EDIT,
    ),
    "followup.add_measurement": Rule(
        PILOTS,
        note="Une mesure par année et territoire : la saisir de nouveau la remplace.",
        variants=ON_DRAFT_FICHE_EDIT,
    ),
    "followup.delete_measurement": Rule(
        PILOTS,
        note="Une valeur saisie pour la mauvaise année ou le mauvais territoire.",
        variants=ON_DRAFT_FICHE_EDIT,
    ),
    "followup.import_measurements": Rule(
        STAFF,
        note="CSV ou XLSX ; « Vérifier » n'enregistre rien ; « Importer » : tout ou rien.",
    ),
    "followup.import_template": Rule(STAFF),
    # --- Annual reports ------------------------------------------------------------
    "reports.index": Rule(PUBLIC, note="Les bilans publiés ; l'équipe voit aussi les brouillons."),
    "reports.create": Rule(
        STAFF,
        note="Un bilan par schéma et par année : le redemander le régénère.",
    ),
    "reports.show": Rule(PUBLIC, variants={"draft_report": STAFF_ONLY_SEE}),
    "reports.regenerate": Rule(STAFF),
    "reports.change_status": Rule(STAFF),
    "reports.export": Rule(
        PUBLIC,
        note="409 tant que le bilan n'a pas été généré.",
        variants={"draft_report": STAFF_ONLY_SEE},
    ),
    # --- Public "droit de suite" pages ---------------------------------------------
    "suite.index": Rule(PUBLIC),
    "suite.meeting": Rule(PUBLIC, variants=ON_DRAFT_MEETING),
    "suite.theme": Rule(PUBLIC),
    "suite.fiche": Rule(PUBLIC, variants=ON_DRAFT_FICHE),
    "suite.track": Rule(PUBLIC, note="Le code de suivi tient lieu d'autorisation."),
    "suite.track_link": Rule(
        PUBLIC,
        note="Le code de suivi dans le lien (page à garder en favori) tient lieu d'autorisation.",
    ),
    "suite.download_data": Rule(
        PUBLIC,
        note="Le code de suivi envoyé avec le formulaire tient lieu d'autorisation.",
        variants={"unknown_receipt": NOBODY_SEES},
    ),
    "suite.erase": Rule(
        PUBLIC,
        note=(
            "Le code de suivi envoyé avec le formulaire tient lieu d'autorisation ; "
            "effacer la signature ou retirer la contribution."
        ),
        variants={"unknown_receipt": NOBODY_SEES},
    ),
    # --- Open data -----------------------------------------------------------------------
    "opendata.index": Rule(PUBLIC),
    "opendata.download": Rule(PUBLIC),
    # --- News for contributors (digest) --------------------------------------------------
    "digest.unsubscribe": Rule(
        PUBLIC,
        note=(
            "Le jeton du lien reçu par e-mail tient lieu d'autorisation ; GET montre le bouton, "
            "POST désabonne (sans jeton CSRF : désabonnement en un clic, RFC 8058). Un jeton "
            "inconnu montre la même page, sans dire s'il existe."
        ),
    ),
    "digest.forget_address": Rule(
        PUBLIC,
        note="Le code de suivi envoyé avec le formulaire tient lieu d'autorisation.",
        variants={"unknown_receipt": NOBODY_SEES},
    ),
    # --- API (docs/api.md): public data only; partners write with a bearer token -------
    "api.openapi": Rule(PUBLIC),
    "api.schemes": Rule(PUBLIC),
    "api.meetings": Rule(PUBLIC),
    "api.meeting": Rule(
        PUBLIC,
        variants={"draft_meeting": NOBODY_SEES},
        note="L'API ne sert que les données publiques, à l'équipe aussi.",
    ),
    "api.contributions": Rule(PUBLIC),
    "api.fiches": Rule(PUBLIC),
    "api.decisions": Rule(PUBLIC),
    "api.ideas": Rule(PUBLIC),
    "api.indicators": Rule(PUBLIC),
    "api.measurements": Rule(PUBLIC),
    "api_admin.tokens": Rule(
        ADMIN, note="Jetons des organisations et journal des appels en écriture."
    ),
    "api_admin.create_token": Rule(ADMIN, note="La valeur du jeton n'est affichée qu'une fois."),
    "api_admin.revoke_token": Rule(ADMIN),
    "api.create_contribution": Rule(
        TOKEN_ONLY,
        note="Jeton d'organisation (portée contributions:write) ; la session ne suffit "
        "pas (401). Sans CSRF : aucun cookie n'est lu.",
    ),
}


def _cells(values: dict[str, str]) -> str:
    return " | ".join(OUTCOME_LABELS[values[role]] for role in ROLES)


def describe(url_map) -> str:
    """The table as Markdown: one line per route, one more per private variant.

    Paths and methods come from ``url_map``; a rule whose endpoint is not a route
    (the tests fail on it) is left out.
    """
    header = "| Adresse | Méthode | Point d'entrée | " + " | ".join(ROLE_LABELS[r] for r in ROLES)
    lines = [
        header + " | Conditions |",
        "|" + " --- |" * (len(ROLES) + 4),
    ]
    served = routes(url_map)
    for route in sorted(served.values(), key=lambda route: (route.path, route.endpoint)):
        endpoint, rule = route.endpoint, RULES.get(route.endpoint)
        if rule is None:
            continue
        methods = ", ".join(route.methods)
        path = route.path.replace("|", "\\|")
        lines.append(
            f"| `{path}` | {methods} | `{endpoint}` | {_cells(rule.outcomes)} | {rule.note} |"
        )
        for variant, values in rule.variants.items():
            lines.append(f"| ↳ {VARIANTS[variant]} | | | {_cells(values)} | |")
    return "\n".join(lines) + "\n"


INTRO = """\
# Qui peut faire quoi

Ce tableau est produit à partir des règles de `consult/core/access.py` et des adresses
que l'application sert (`make access-docs`, c'est-à-dire `flask access document >
docs/acces.md`) : c'est le seul endroit qui dit qui peut ouvrir chaque page et envoyer
chaque formulaire. Les tests (`tests/security/test_access_matrix.py`) parcourent toutes
les adresses de l'application avec chaque rôle et vérifient que la réponse observée est
celle écrite ici ; une nouvelle adresse sans ligne dans ce tableau fait échouer les tests.

Chaque case donne la réponse à une consultation (GET), ou à l'envoi du formulaire
(POST) pour les adresses qui ne font qu'enregistrer, sur un objet ordinaire :

- **oui** : la page s'affiche, ou renvoie ailleurs que vers la connexion ;
- **connexion** : il faut d'abord se connecter ;
- **non (403)** : ce rôle n'a pas accès à cette fonction ;
- **caché (404)** : l'objet est privé ; la réponse ne dit pas qu'il existe.

Les lignes « ↳ » disent ce qui change sur un objet privé (rencontre en préparation,
contribution en attente, autre groupe de travail…). La colonne « Membre » est une
personne membre (pilote) du groupe de travail concerné : un groupe est invisible (404)
pour qui n'en est pas membre, sauf pour l'équipe du Département (animation,
administration).

Objets ordinaires utilisés par les tests :

"""


BEHIND_A_PROXY = """
## Limites par adresse IP, proxy et liens envoyés par e-mail

Les limites « par IP » (essais de connexion, envois anonymes, soutiens, signalements,
inscription, mot de passe oublié) comptent l'adresse de chaque personne. Derrière le proxy
HTTPS (nginx, Apache, Caddy, répartiteur de charge), l'application ne voit que l'adresse
du proxy : déclarez combien de proxys se trouvent devant elle avec
`CONSULT_TRUSTED_PROXIES` (1 pour un seul proxy ; 0 par défaut, l'application étant
alors exposée directement). L'application lit alors l'adresse du client et le schéma
(https) dans `X-Forwarded-For` et `X-Forwarded-Proto`, en ne faisant confiance qu'aux
entrées ajoutées par ces proxys. Sans ce réglage, toutes les limites par IP deviennent
une seule limite pour toute la plateforme ; avec un nombre trop grand, un client peut
choisir l'adresse qu'il annonce.

Les liens des e-mails (réinitialisation, invitation, activation, réponse à une
contribution) sont construits à partir de `CONSULT_PUBLIC_URL` (obligatoire en
production, en `https://`), jamais à partir de l'en-tête `Host` de la requête.
`CONSULT_TRUSTED_HOSTS` (noms séparés par des virgules) fait en plus refuser (400) toute
requête adressée à un autre nom.
"""


def document(url_map) -> str:
    """The whole of ``docs/acces.md``: the introduction, the objects, the table, proxies."""
    objects = "".join(f"- `{name}` : {text}\n" for name, text in OBJECTS.items())
    return INTRO + objects + "\n" + describe(url_map) + BEHIND_A_PROXY
