"""Forms of the fiches drafted by working groups, of their validation and of decisions."""

from wtforms import DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional, Regexp

from consult.contributions.forms import KEY_PATTERN
from consult.core.forms import BaseForm, length, required
from consult.schemes.models import FICHE_STATUSES
from consult.workgroups.models import DECISION_OUTCOMES

# The three parts of a scheme's fiches, as the Savoie names them.
FICHE_PARTS = {
    "transversale": "Transversale",
    "politique publique": "Par politique publique",
    "organisationnelle": "Organisationnelle",
}
LINES_HELP = "Une idée par ligne."
ACTIONS_HELP = (
    "Une action par ligne. Une ligne qui commence par « - » est une sous-action de l'action "
    "au-dessus."
)
INDICATORS_HELP = (
    "Un indicateur par ligne. Vous pouvez préciser, séparés par « | » : type (nombre, taux, "
    "montant, qualitatif), unité, valeur de départ, cible. Par exemple : Nombre de places "
    "créées | nombre | places | 120 | 200"
)


class FicheForm(BaseForm):
    """Every field of a fiche action, lists written one item per line."""

    title = StringField("Titre de la fiche", validators=[required(), length(min=3, max=500)])
    part = SelectField("Partie du schéma", choices=FICHE_PARTS, validators=[required()])
    policy = StringField(
        "Politique concernée (facultatif)",
        validators=[length(max=200)],
        description="Par exemple : Personnes âgées, Enfance jeunesse famille…",
    )
    context = TextAreaField(
        "Constats", validators=[length(max=20000)], description=LINES_HELP, render_kw={"rows": 8}
    )
    objectives = TextAreaField(
        "Objectifs", validators=[length(max=10000)], description=LINES_HELP, render_kw={"rows": 5}
    )
    actions = TextAreaField(
        "Actions", validators=[length(max=20000)], description=ACTIONS_HELP, render_kw={"rows": 8}
    )
    pilots = StringField("Pilotes (facultatif)", validators=[length(max=2000)])
    partners = TextAreaField("Partenaires (facultatif)", validators=[length(max=5000)])
    indicators = TextAreaField(
        "Indicateurs",
        validators=[length(max=10000)],
        description=INDICATORS_HELP,
        render_kw={"rows": 5},
    )
    schedule = StringField("Calendrier (facultatif)", validators=[length(max=2000)])
    links = StringField(
        "Fiches liées (facultatif)",
        validators=[length(max=500)],
        description="Les numéros des fiches, séparés par des virgules. Par exemple : 3, 12",
    )
    form_key = HiddenField(
        "Formulaire",
        validators=[
            Optional(),
            Regexp(KEY_PATTERN, message="Le formulaire était incomplet : envoyez-le à nouveau."),
        ],
    )


class FicheStatusForm(BaseForm):
    """A step of the fiche's validation; the note records the comité de pilotage's decision."""

    target = SelectField("Nouvel état", choices=FICHE_STATUSES, validators=[required()])
    note = TextAreaField(
        "Décision ou commentaire",
        validators=[length(max=5000)],
        description="Obligatoire pour une décision du comité de pilotage.",
    )
    meeting_id = SelectField(
        "Réunion où la décision a été prise (facultatif)",
        coerce=int,
        validators=[Optional()],
        validate_choice=False,
    )
    back = HiddenField(validators=[Optional()])
    # The adopting deliberation (SCDL « Délibérations »: DELIB_ID, DELIB_DATE, DELIB_URL).
    deliberation_identifier = StringField(
        "Numéro de la délibération", validators=[Optional(), length(max=100)]
    )
    deliberation_date = DateField("Date de la délibération", validators=[Optional()])
    deliberation_url = StringField(
        "Adresse de la délibération publiée", validators=[Optional(), length(max=500)]
    )

    def fill_meetings(self, meetings) -> None:
        self.meeting_id.choices = {0: "Aucune"} | {m.id: m.title for m in meetings}


class DecisionForm(BaseForm):
    """What becomes of one contribution (suite donnée)."""

    outcome = RadioField(
        "Suite donnée", choices=DECISION_OUTCOMES, validators=[required("Choisissez une suite.")]
    )
    fiche_id = SelectField(
        "Fiche action concernée",
        coerce=int,
        validators=[Optional()],
        validate_choice=False,
        description="Obligatoire si la contribution est retenue, même en partie.",
    )
    action_id = SelectField(
        "Action de la fiche (facultatif)",
        coerce=int,
        validators=[Optional()],
        validate_choice=False,
    )
    reason = TextAreaField(
        "Motif",
        validators=[length(max=3000)],
        description="Expliquez en quelques mots pourquoi — la personne le lira.",
    )

    def fill_choices(self, fiches, action_fiches) -> None:
        """The fiches a decision may name, and the fiches whose actions are offered."""
        self.fiche_id.choices = [(0, "Aucune")] + [
            (f.id, f"Fiche {f.number} : {f.title}") for f in fiches
        ]
        self.action_id.choices = [(0, "Aucune action précise")] + [
            (action.id, f"Fiche {f.number} — {action.title}")
            for f in action_fiches
            for action in f.actions
        ]
        # Grouped per fiche for the page: it offers only the chosen fiche's actions.
        self.action_groups = [(f, list(f.actions)) for f in action_fiches if f.actions]
