"""Who may do what: one declarative table, keyed by Flask endpoint.

This module is data (it imports no view). ``tests/security/test_access_matrix.py``
walks ``app.url_map``: every route must have a :class:`Rule` here, and for every
role the observed answer must be the one written below. ``docs/acces.md`` is
:func:`document` (``python -m consult.core.access > docs/acces.md``).

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
    """What each role gets on one endpoint; ``path`` and ``methods`` as in ``app.url_map``."""

    path: str
    outcomes: dict[str, str]
    methods: tuple[str, ...] = ("GET",)
    note: str = ""
    variants: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def method(self) -> str:
        """The main method: GET when the route has one, else its only other method."""
        return "GET" if "GET" in self.methods else self.methods[0]


GET_POST = ("GET", "POST")
POST = ("POST",)
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
    "site.home": Rule("/", PUBLIC),
    "site.theme_css": Rule("/theme.css", PUBLIC),
    "site.logo": Rule("/logo", PUBLIC, note="404 pour tous tant qu'aucun logo n'est déposé."),
    "site.accessibility": Rule("/accessibilite", PUBLIC),
    "site.privacy": Rule("/donnees-personnelles", PUBLIC),
    "site.admin_home": Rule("/admin/", STAFF),
    "site.todo": Rule(
        "/a-faire", STAFF, note="La page « à faire » de l'équipe, après la connexion."
    ),
    "site.settings": Rule(
        "/admin/apparence", ADMIN, GET_POST, note="Logo PNG ou JPEG, 512 Ko au plus."
    ),
    "static": Rule("/static/<path:filename>", PUBLIC),
    # --- Accounts --------------------------------------------------------------------
    "accounts.login": Rule(
        "/connexion",
        PUBLIC,
        GET_POST,
        note=(
            "Essais limités par adresse depuis une même IP, et par IP : le blocage vise la "
            "source qui échoue, pas le compte ; un nouveau mot de passe le lève."
        ),
    ),
    "accounts.logout": Rule(
        "/deconnexion",
        SIGNED_IN,
        POST,
        note="Ferme la session sur tous les appareils, cookie « Rester connecté·e » compris.",
    ),
    "accounts.register": Rule(
        "/inscription",
        PUBLIC,
        GET_POST,
        note=(
            "Ne crée que des comptes participant·e. Même réponse que l'adresse ait déjà un "
            "compte ou non (un e-mail le dit à son titulaire) ; envois limités par IP et par "
            "adresse."
        ),
    ),
    "accounts.account": Rule("/mon-compte", SIGNED_IN, GET_POST),
    "privacy.download_data": Rule(
        "/mon-compte/donnees",
        SIGNED_IN,
        ("GET",),
        note=(
            "Le compte et toutes ses contributions, en JSON (droit d'accès) ; "
            "jamais gardé en cache (Cache-Control: no-store)."
        ),
    ),
    "privacy.erase_account": Rule(
        "/mon-compte/effacer",
        SIGNED_IN,
        POST,
        note=(
            "Confirmé par le mot de passe ; les contributions restent, anonymes ; l'adresse "
            "disparaît aussi des essais de connexion et du journal de sécurité."
        ),
    ),
    "accounts.forgot_password": Rule(
        "/mot-de-passe-oublie",
        PUBLIC,
        GET_POST,
        note=(
            "Même réponse que l'adresse existe ou non (pas d'énumération des comptes) ; "
            "envois limités par IP et par adresse."
        ),
    ),
    "accounts.reset_password": Rule(
        "/reinitialiser/<token>",
        PUBLIC,
        GET_POST,
        note="Le lien signé (valable une heure) tient lieu d'autorisation.",
        variants={"expired_token": NOBODY_SEES},
    ),
    "accounts.accept_invitation": Rule(
        "/invitation/<token>",
        PUBLIC,
        GET_POST,
        note=(
            "Le lien signé (valable 7 jours) tient lieu d'autorisation ; sans effet pour un "
            "compte suspendu ou effacé."
        ),
        variants={"expired_token": NOBODY_SEES},
    ),
    "accounts.admin_users": Rule(
        "/admin/comptes",
        ADMIN,
        GET_POST,
        note="Invitation d'un compte d'équipe ; un compte partenaire a une organisation.",
    ),
    "accounts.create_organisation": Rule("/admin/organisations", ADMIN, POST),
    "accounts.toggle_user": Rule(
        "/admin/comptes/<int:user_id>/statut",
        ADMIN,
        POST,
        note="Suspendre ou réactiver un compte ; pas le sien.",
    ),
    "accounts.resend_invitation": Rule(
        "/admin/comptes/<int:user_id>/relancer",
        ADMIN,
        POST,
        note="Seulement un compte qui n'a pas encore choisi son mot de passe.",
    ),
    # --- Schemes and reference lists ---------------------------------------------------
    "schemes.index": Rule("/schemas/", PUBLIC),
    "schemes.show": Rule("/schemas/<slug>/", PUBLIC),
    "schemes.fiche": Rule("/schemas/<slug>/fiches/<number>", PUBLIC),
    "schemes.territories": Rule("/territoires/", PUBLIC),
    "schemes.admin_territories": Rule("/admin/territoires", ADMIN),
    "schemes.add_territory": Rule("/admin/territoires", ADMIN, POST),
    "schemes.add_public": Rule("/admin/publics", ADMIN, POST),
    "schemes.import_form": Rule("/admin/schemas/importer", ADMIN, GET_POST),
    "schemes.levels": Rule("/admin/schemas/<slug>/niveaux", ADMIN, GET_POST),
    # --- Meetings --------------------------------------------------------------------
    "meetings.index": Rule(
        "/rencontres/",
        PUBLIC,
        note="Les rencontres en préparation n'y figurent que pour l'équipe d'animation.",
    ),
    "meetings.show": Rule("/rencontres/<int:meeting_id>", PUBLIC, variants=ON_DRAFT_MEETING),
    "meetings.join": Rule("/rejoindre", PUBLIC, note="Le code mène à une rencontre ouverte."),
    "meetings.short_link": Rule(
        "/r/<string(maxlength=30):code>",
        PUBLIC,
        note="Seulement vers une rencontre ouverte ; sinon « code inconnu » (422).",
    ),
    "meetings.qr": Rule(
        "/rencontres/<int:meeting_id>/qr.svg",
        PUBLIC,
        note="Avant l'ouverture, seule l'équipe d'animation voit le code.",
        variants=ON_DRAFT_MEETING,
    ),
    "meetings.poster": Rule(
        "/rencontres/<int:meeting_id>/affiche", PUBLIC, variants=ON_DRAFT_MEETING
    ),
    "meetings.wall": Rule("/rencontres/<int:meeting_id>/mur", PUBLIC, variants=ON_DRAFT_MEETING),
    "meetings.wall_feed": Rule(
        "/rencontres/<int:meeting_id>/mur.json",
        PUBLIC,
        note="Seulement les contributions publiées.",
        variants=ON_DRAFT_MEETING,
    ),
    "meetings.create": Rule("/rencontres/nouvelle", STAFF, GET_POST),
    "meetings.edit": Rule(
        "/rencontres/<int:meeting_id>/modifier",
        STAFF,
        GET_POST,
        note="Rencontre archivée : retour à la gestion, rien ne change.",
        variants={"draft_meeting": STAFF},
    ),
    "meetings.manage": Rule(
        "/rencontres/<int:meeting_id>/gestion", STAFF, variants={"draft_meeting": STAFF}
    ),
    "meetings.change_status": Rule(
        "/rencontres/<int:meeting_id>/etat",
        STAFF,
        POST,
        note="Préparation → ouverte → close → archivée (une rencontre close peut rouvrir).",
    ),
    "meetings.attendance": Rule(
        "/rencontres/<int:meeting_id>/presences",
        STAFF,
        POST,
        note="Rencontre ouverte ou close seulement (422 sinon).",
    ),
    "meetings.minutes": Rule(
        "/rencontres/<int:meeting_id>/releve",
        STAFF,
        POST,
        note="Corriger le relevé d'une rencontre ; chaque version remplacée est gardée.",
    ),
    "meetings.results": Rule(
        "/rencontres/<int:meeting_id>/resultats",
        PUBLIC,
        note="Rencontre close ou archivée : ce qui a été dit et décidé ; sinon, sa page.",
        variants=ON_DRAFT_MEETING,
    ),
    "meetings.close": Rule(
        "/rencontres/<int:meeting_id>/cloture",
        STAFF,
        POST,
        note="Rencontre ouverte seulement (422 sinon).",
    ),
    # --- Contributions ---------------------------------------------------------------
    "contributions.create": Rule(
        "/rencontres/<int:meeting_id>/contribuer",
        PUBLIC,
        GET_POST,
        note=OPEN_ONLY + " Envois anonymes limités par navigateur et par IP.",
        variants=ON_DRAFT_MEETING,
    ),
    "contributions.create_easy": Rule(
        "/rencontres/<int:meeting_id>/contribuer/facile",
        PUBLIC,
        GET_POST,
        note=OPEN_ONLY,
        variants=ON_DRAFT_MEETING,
    ),
    "contributions.thanks": Rule(
        "/rencontres/<int:meeting_id>/merci",
        PUBLIC,
        note="Montre une seule fois le reçu qui vient d'être donné ; sinon, renvoie au formulaire.",
        variants=ON_DRAFT_MEETING,
    ),
    "contributions.track": Rule(
        "/suivi", PUBLIC, GET_POST, note="Le code de suivi tient lieu d'autorisation."
    ),
    "contributions.track_link": Rule(
        "/suivi/<string(maxlength=20):code>",
        PUBLIC,
        note="Le code de suivi dans le lien (page à garder en favori) tient lieu d'autorisation.",
    ),
    "contributions.download_data": Rule(
        "/suivi/donnees",
        PUBLIC,
        POST,
        note="Le code de suivi envoyé avec le formulaire tient lieu d'autorisation.",
        variants={"unknown_receipt": NOBODY_SEES},
    ),
    "contributions.erase": Rule(
        "/suivi/effacer",
        PUBLIC,
        POST,
        note=(
            "Le code de suivi envoyé avec le formulaire tient lieu d'autorisation ; "
            "effacer la signature ou retirer la contribution."
        ),
        variants={"unknown_receipt": NOBODY_SEES},
    ),
    "contributions.index": Rule("/contributions/", PUBLIC, note="Contributions publiées seules."),
    "contributions.show": Rule(
        "/contributions/<int:contribution_id>",
        PUBLIC,
        note="Fusionnée : renvoi vers celle qui la garde.",
        variants=ON_PENDING,
    ),
    "contributions.support": Rule(
        "/contributions/<int:contribution_id>/soutenir",
        PUBLIC,
        POST,
        note="Un soutien par compte ou par navigateur ; pas sur une rencontre archivée.",
        variants=ON_PENDING,
    ),
    "contributions.report": Rule(
        "/contributions/<int:contribution_id>/signaler",
        PUBLIC,
        GET_POST,
        variants=ON_PENDING,
    ),
    # --- Capture by facilitators -----------------------------------------------------
    "capture.rapid_entry": Rule(
        "/rencontres/<int:meeting_id>/saisie", STAFF, GET_POST, note=CAPTURE_NOTE
    ),
    "capture.import_upload": Rule(
        "/rencontres/<int:meeting_id>/import", STAFF, GET_POST, note=CAPTURE_NOTE
    ),
    "capture.import_sample": Rule("/rencontres/<int:meeting_id>/import/modele.csv", STAFF),
    "capture.import_preview": Rule(
        "/rencontres/<int:meeting_id>/import/<int:import_id>",
        STAFF,
        GET_POST,
        variants={"other_meeting_upload": STAFF_BUT_HIDDEN},
    ),
    "capture.import_confirm": Rule(
        "/rencontres/<int:meeting_id>/import/<int:import_id>/confirmer",
        STAFF,
        POST,
        note="Tout ou rien, une seule fois par fichier, rencontre ouverte seulement.",
        variants={"other_meeting_upload": STAFF_BUT_HIDDEN},
    ),
    # --- Moderation ------------------------------------------------------------------
    "desk.queue": Rule("/moderation/", STAFF),
    "desk.review": Rule(
        "/moderation/<int:contribution_id>",
        STAFF,
        note=(
            "403 (et non 404) hors de l'équipe, pour toute adresse /moderation/… : "
            "la réponse ne révèle pas si la contribution existe."
        ),
        variants={"pending_contribution": STAFF},
    ),
    "desk.decide": Rule(
        "/moderation/<int:contribution_id>/decision",
        STAFF,
        POST,
        variants={"pending_contribution": STAFF},
    ),
    "desk.tag": Rule("/moderation/<int:contribution_id>/etiquettes", STAFF, POST),
    "desk.merge": Rule(
        "/moderation/fusion", STAFF, POST, note="Contributions d'une même rencontre seulement."
    ),
    "desk.duplicates": Rule("/moderation/doublons", STAFF),
    "merges.by_number": Rule(
        "/moderation/fusion/numero", STAFF, POST, note="Deux contributions d'un même schéma."
    ),
    "merges.undo": Rule("/moderation/<int:contribution_id>/annuler-fusion", STAFF, POST),
    "merges.campaign": Rule(
        "/moderation/campagne", STAFF, POST, note="Contributions d'une même rencontre seulement."
    ),
    "merges.undo_campaign": Rule("/moderation/<int:contribution_id>/annuler-campagne", STAFF, POST),
    "desk.accept_suggestion": Rule(
        "/moderation/suggestion", STAFF, POST, note="Accepter la meilleure suggestion d'une ligne."
    ),
    "desk.bulk": Rule("/moderation/lot", STAFF, POST, note="1 000 contributions au plus."),
    "moderation.audit_log": Rule("/admin/journal-moderation", ADMIN),
    "moderation.merge_identical_contributions": Rule(
        "/rencontres/<int:meeting_id>/fusionner-identiques",
        STAFF,
        POST,
        note="Texte, type et type d'auteur identiques ; chaque fusion est journalisée.",
    ),
    "moderation.audit_log_csv": Rule(
        "/admin/journal-moderation.csv",
        ADMIN,
        note="Les cellules qui commencent par = + - @ sont neutralisées (apostrophe).",
    ),
    # --- Syntheses -------------------------------------------------------------------
    "synthesis.index": Rule(
        "/syntheses/", PUBLIC, note="Chacun n'y voit que les versions qu'il peut lire."
    ),
    "synthesis.create": Rule("/syntheses/nouvelle", STAFF, GET_POST),
    "synthesis.show": Rule(
        "/syntheses/<int:synthesis_id>",
        PUBLIC,
        note="Hors de l'équipe : renvoi vers la dernière version lisible.",
        variants=ON_VERSIONS,
    ),
    "synthesis.regenerate": Rule("/syntheses/<int:synthesis_id>/generer", STAFF, POST),
    "synthesis.job_status": Rule("/taches/<int:job_run_id>.json", STAFF),
    "synthesis.version": Rule(
        "/syntheses/<int:synthesis_id>/v<int:number>",
        PUBLIC,
        note="Brouillon : l'équipe ; partagée : aussi les groupes de travail et partenaires.",
        variants=ON_VERSIONS,
    ),
    "synthesis.change_status": Rule(
        "/syntheses/<int:synthesis_id>/v<int:number>/etat",
        STAFF,
        POST,
        note="Une synthèse qui lit des contributions non modérées ne se publie pas.",
    ),
    "synthesis.edit_editorial": Rule(
        "/syntheses/<int:synthesis_id>/v<int:number>/redaction",
        STAFF,
        GET_POST,
        note="Une version publiée ne change plus.",
    ),
    "synthesis.curate_ideas": Rule(
        "/syntheses/<int:synthesis_id>/v<int:number>/idees",
        STAFF,
        POST,
        note="Renommer, fusionner, scinder, déplacer, citer, masquer ; chaque retouche est "
        "journalisée et reprise à la régénération. Une version publiée ne change plus.",
    ),
    "synthesis.export": Rule(
        "/syntheses/<int:synthesis_id>/v<int:number>.<any(pdf, docx, json):kind>",
        PUBLIC,
        variants=ON_VERSIONS,
    ),
    "synthesis.export_contributions": Rule(
        "/syntheses/<int:synthesis_id>/v<int:number>/contributions.<any(csv, xlsx):kind>",
        PUBLIC,
        variants=ON_VERSIONS,
    ),
    # --- Working groups ------------------------------------------------------------
    "workgroups.index": Rule(
        "/groupes/", SIGNED_IN, note="Chacun voit ses groupes ; l'équipe les voit tous."
    ),
    "workgroups.create": Rule("/groupes/nouveau", STAFF, GET_POST),
    "workgroups.edit": Rule(
        "/groupes/<int:group_id>/modifier",
        STAFF,
        GET_POST,
        note="Même le pilote ne modifie pas le groupe : l'équipe le fait.",
    ),
    "workgroups.show": Rule(
        "/groupes/<int:group_id>/",
        GROUP_SPACE,
        note="L'espace privé du groupe : synthèses partagées, contributions, fiches.",
        variants=ON_OTHER_GROUP,
    ),
    "workgroups.add_member": Rule("/groupes/<int:group_id>/membres", STAFF, POST),
    "workgroups.remove_member": Rule(
        "/groupes/<int:group_id>/membres/<int:membership_id>/retirer", STAFF, POST
    ),
    "workgroups.share_synthesis": Rule("/groupes/<int:group_id>/syntheses", STAFF, POST),
    "workgroups.read_version": Rule(
        "/groupes/<int:group_id>/syntheses/<int:version_id>",
        GROUP_SPACE,
        note="Une version partagée ou publiée d'une synthèse partagée avec ce groupe.",
        variants={"other_group": NOT_SHARED_HERE},
    ),
    "workgroups.comment": Rule(
        "/groupes/<int:group_id>/syntheses/<int:version_id>/idees/<int:section>/<int:idea>"
        "/commentaires",
        GROUP_SPACE,
        POST,
        variants={"other_group": NOT_SHARED_HERE},
    ),
    "workgroups.validate_version": Rule(
        "/groupes/<int:group_id>/syntheses/<int:version_id>/validation",
        outcomes("login", "hidden", "hidden", "deny", "deny", "deny"),
        POST,
        note=(
            "« Relue et validée » : les représentant·es des usagers du groupe (le pilote : "
            "403) ; l'équipe seulement au nom d'un·e représentant·e (validation sur papier)."
        ),
        variants={"other_group": NOT_SHARED_HERE},
    ),
    # --- Fiches drafted by working groups, decisions, comité de pilotage ---------------
    "fiches.new_fiche": Rule(
        "/groupes/<int:group_id>/fiches/nouvelle",
        GROUP_SPACE,
        GET_POST,
        note="À partir des idées cochées d'une synthèse partagée avec le groupe.",
        variants=ON_OTHER_GROUP,
    ),
    "fiches.show": Rule(
        "/groupes/<int:group_id>/fiches/<int:fiche_id>", GROUP_SPACE, variants=ON_OTHER_GROUP
    ),
    "fiches.edit": Rule(
        "/groupes/<int:group_id>/fiches/<int:fiche_id>/modifier",
        GROUP_SPACE,
        GET_POST,
        note="Brouillon ou proposée seulement ; validée ou adoptée : 409.",
        variants=ON_OTHER_GROUP,
    ),
    "fiches.change_status": Rule(
        "/groupes/<int:group_id>/fiches/<int:fiche_id>/etat",
        GROUP_SPACE,
        POST,
        note=(
            "Pilote et co-pilote : brouillon ⇄ proposée (un simple membre : 403). Validée "
            "puis adoptée : l'équipe seule, qui consigne la décision du comité de pilotage."
        ),
        variants=ON_OTHER_GROUP,
    ),
    "fiches.decisions": Rule(
        "/groupes/<int:group_id>/decisions", GROUP_SPACE, variants=ON_OTHER_GROUP
    ),
    "fiches.export_decisions": Rule(
        "/groupes/<int:group_id>/decisions.csv",
        GROUP_SPACE,
        note="Tableur (CSV) : chaque contribution du groupe et sa suite ; aucune formule.",
        variants=ON_OTHER_GROUP,
    ),
    "fiches.decide": Rule(
        "/groupes/<int:group_id>/contributions/<int:contribution_id>/decision",
        GROUP_SPACE,
        POST,
        note=(
            "Contributions du périmètre du groupe seulement (sinon 404, même pour l'équipe : "
            "la contribution ordinaire n'est pas dans le périmètre de l'autre groupe)."
        ),
        variants={"other_group": outcomes("login", *["hidden"] * 5)},
    ),
    "fiches.committee": Rule("/comite/", STAFF),
    # --- Follow-up: progress, indicators, participation -------------------------------
    "followup.index": Rule("/suivi-du-schema/", PUBLIC),
    "followup.dashboard": Rule("/suivi-du-schema/<slug>/", PUBLIC),
    "followup.participation": Rule("/suivi-du-schema/<slug>/participation", PUBLIC),
    "followup.fiche": Rule(
        "/suivi-du-schema/fiches/<int:fiche_id>", PUBLIC, variants=ON_DRAFT_FICHE
    ),
    "followup.update_progress": Rule(
        "/suivi-du-schema/fiches/<int:fiche_id>/avancement",
        PILOTS,
        POST,
        note="Pilotes et co-pilotes d'un groupe qui suit la fiche, et l'équipe.",
        variants=ON_DRAFT_FICHE_EDIT,
    ),
    "followup.add_milestone": Rule(
        "/suivi-du-schema/actions/<int:action_id>/jalons",
        PILOTS,
        POST,
        variants=ON_DRAFT_FICHE_EDIT,
    ),
    "followup.update_milestone": Rule(
        "/suivi-du-schema/jalons/<int:milestone_id>", PILOTS, POST, variants=ON_DRAFT_FICHE_EDIT
    ),
    "followup.update_indicator": Rule(
        "/suivi-du-schema/indicateurs/<int:indicator_id>",
        PILOTS,
        POST,
        variants=ON_DRAFT_FICHE_EDIT,
    ),
    "followup.add_measurement": Rule(
        "/suivi-du-schema/indicateurs/<int:indicator_id>/mesures",
        PILOTS,
        POST,
        note="Une mesure par année et territoire : la saisir de nouveau la remplace.",
        variants=ON_DRAFT_FICHE_EDIT,
    ),
    "followup.delete_measurement": Rule(
        "/suivi-du-schema/mesures/<int:measurement_id>/supprimer",
        PILOTS,
        POST,
        note="Une valeur saisie pour la mauvaise année ou le mauvais territoire.",
        variants=ON_DRAFT_FICHE_EDIT,
    ),
    "followup.import_measurements": Rule(
        "/suivi-du-schema/<slug>/import",
        STAFF,
        GET_POST,
        note="CSV ou XLSX ; « Vérifier » n'enregistre rien ; « Importer » : tout ou rien.",
    ),
    "followup.import_template": Rule("/suivi-du-schema/<slug>/modele.csv", STAFF),
    # --- Annual reports ------------------------------------------------------------
    "reports.index": Rule(
        "/bilans/", PUBLIC, note="Les bilans publiés ; l'équipe voit aussi les brouillons."
    ),
    "reports.create": Rule(
        "/bilans/nouveau",
        STAFF,
        POST,
        note="Un bilan par schéma et par année : le redemander le régénère.",
    ),
    "reports.show": Rule(
        "/bilans/<int:report_id>", PUBLIC, variants={"draft_report": STAFF_ONLY_SEE}
    ),
    "reports.regenerate": Rule("/bilans/<int:report_id>/generer", STAFF, POST),
    "reports.change_status": Rule("/bilans/<int:report_id>/etat", STAFF, POST),
    "reports.export": Rule(
        "/bilans/<int:report_id>.<any(pdf, docx):kind>",
        PUBLIC,
        note="409 tant que le bilan n'a pas été généré.",
        variants={"draft_report": STAFF_ONLY_SEE},
    ),
    # --- Public "droit de suite" pages ---------------------------------------------
    "suite.index": Rule("/suite/", PUBLIC),
    "suite.meeting": Rule("/suite/rencontres/<int:meeting_id>", PUBLIC, variants=ON_DRAFT_MEETING),
    "suite.theme": Rule("/suite/thematiques/<int:theme_id>", PUBLIC),
    "suite.fiche": Rule("/suite/fiches/<int:fiche_id>", PUBLIC, variants=ON_DRAFT_FICHE),
    # --- Open data -----------------------------------------------------------------------
    "opendata.index": Rule("/donnees-ouvertes/", PUBLIC),
    "opendata.download": Rule("/donnees-ouvertes/<slug>/<name>", PUBLIC),
    # --- News for contributors (digest) --------------------------------------------------
    "digest.unsubscribe": Rule(
        "/nouvelles/desabonnement/<string(maxlength=64):token>",
        PUBLIC,
        GET_POST,
        note=(
            "Le jeton du lien reçu par e-mail tient lieu d'autorisation ; GET montre le bouton, "
            "POST désabonne (sans jeton CSRF : désabonnement en un clic, RFC 8058). Un jeton "
            "inconnu montre la même page, sans dire s'il existe."
        ),
    ),
    "digest.forget_address": Rule(
        "/suivi/nouvelles/effacer",
        PUBLIC,
        POST,
        note="Le code de suivi envoyé avec le formulaire tient lieu d'autorisation.",
        variants={"unknown_receipt": NOBODY_SEES},
    ),
    # --- API (docs/api.md): public data only; partners write with a bearer token -------
    "api.openapi": Rule("/api/openapi.json", PUBLIC),
    "api.schemes": Rule("/api/v1/schemes", PUBLIC),
    "api.meetings": Rule("/api/v1/meetings", PUBLIC),
    "api.meeting": Rule(
        "/api/v1/meetings/<int:meeting_id>",
        PUBLIC,
        variants={"draft_meeting": NOBODY_SEES},
        note="L'API ne sert que les données publiques, à l'équipe aussi.",
    ),
    "api.contributions": Rule("/api/v1/contributions", PUBLIC),
    "api.fiches": Rule("/api/v1/fiches", PUBLIC),
    "api.decisions": Rule("/api/v1/decisions", PUBLIC),
    "api.ideas": Rule("/api/v1/ideas", PUBLIC),
    "api.indicators": Rule("/api/v1/indicators", PUBLIC),
    "api.measurements": Rule("/api/v1/measurements", PUBLIC),
    "api_admin.tokens": Rule(
        "/admin/api", ADMIN, note="Jetons des organisations et journal des appels en écriture."
    ),
    "api_admin.create_token": Rule(
        "/admin/api", ADMIN, POST, note="La valeur du jeton n'est affichée qu'une fois."
    ),
    "api_admin.revoke_token": Rule("/admin/api/jetons/<int:token_id>/revoquer", ADMIN, POST),
    "api.create_contribution": Rule(
        "/api/v1/meetings/<int:meeting_id>/contributions",
        TOKEN_ONLY,
        POST,
        note="Jeton d'organisation (portée contributions:write) ; la session ne suffit "
        "pas (401). Sans CSRF : aucun cookie n'est lu.",
    ),
}


def _cells(values: dict[str, str]) -> str:
    return " | ".join(OUTCOME_LABELS[values[role]] for role in ROLES)


def describe() -> str:
    """The table as Markdown: one line per route, one more per private variant."""
    header = "| Adresse | Méthode | Point d'entrée | " + " | ".join(ROLE_LABELS[r] for r in ROLES)
    lines = [
        header + " | Conditions |",
        "|" + " --- |" * (len(ROLES) + 4),
    ]
    for endpoint, rule in sorted(RULES.items(), key=lambda item: (item[1].path, item[0])):
        methods = ", ".join(rule.methods)
        path = rule.path.replace("|", "\\|")
        lines.append(
            f"| `{path}` | {methods} | `{endpoint}` | {_cells(rule.outcomes)} | {rule.note} |"
        )
        for variant, values in rule.variants.items():
            lines.append(f"| ↳ {VARIANTS[variant]} | | | {_cells(values)} | |")
    return "\n".join(lines) + "\n"


INTRO = """\
# Qui peut faire quoi

Ce tableau est produit à partir de `consult/core/access.py` (`python -m consult.core.access
> docs/acces.md`) : c'est le seul endroit qui dit qui peut ouvrir chaque page et envoyer
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


def document() -> str:
    """The whole of ``docs/acces.md``: the introduction, the objects, the table, proxies."""
    objects = "".join(f"- `{name}` : {text}\n" for name, text in OBJECTS.items())
    return INTRO + objects + "\n" + describe() + BEHIND_A_PROXY


if __name__ == "__main__":
    print(document(), end="")
