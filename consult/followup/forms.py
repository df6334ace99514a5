"""Follow-up forms: progress of a fiche's actions, milestones, indicators, measurements, import.

Numbers typed the French way ("12,5", "1 200") are read by
:func:`consult.followup.services.parse_number`; the forms only check that they parse.
"""

from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import NumberRange, Optional, ValidationError

from consult.core.forms import BaseForm, length, required
from consult.followup.models import ACTION_STATUSES
from consult.followup.participation import COMPUTED
from consult.followup.services import MeasureError, parse_number
from consult.schemes.models import INDICATOR_KINDS

YEARS = NumberRange(min=1900, max=2200, message="Une année entre 1900 et 2200, s'il vous plaît.")
PERCENT = NumberRange(min=0, max=100, message="L'avancement va de 0 à 100 %%.")


class WholeNumberField(IntegerField):
    """An integer field whose parse error is in French."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError("Un nombre entier en chiffres, s'il vous plaît.") from error


class FrenchDateField(DateField):
    """A date field whose parse error is in French."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError("Une date au format jj/mm/aaaa, s'il vous plaît.") from error


def _date(label: str, **kwargs) -> DateField:
    """A date typed as a browser date input sends it (aaaa-mm-jj) or the French way."""
    return FrenchDateField(
        label,
        format=["%Y-%m-%d", "%d/%m/%Y"],
        validators=[Optional()],
        render_kw={"type": "date"},
        **kwargs,
    )


def _french_number(form, field) -> None:
    if field.data:
        try:
            parse_number(field.data)
        except MeasureError as error:
            raise ValidationError(str(error)) from error


def progress_form(fiche, formdata=None):
    """A form with the fiche's status and, per action, progress, status and dates.

    Fields are named after the action's id (``progress_12``, ``status_12``…);
    :meth:`action_fields` gives them back per action for the template.
    """

    class ProgressForm(BaseForm):
        progress_status = SelectField(
            "État d'avancement de la fiche", choices=dict(ACTION_STATUSES)
        )

        def action_fields(self, action):
            return [
                self[f"{name}_{action.id}"] for name in ("progress", "status", "starts", "ends")
            ]

        def validate(self, extra_validators=None):
            valid = super().validate(extra_validators)
            for action in fiche.actions:
                starts, ends = self[f"starts_{action.id}"], self[f"ends_{action.id}"]
                if starts.data and ends.data and ends.data < starts.data:
                    ends.errors = [*ends.errors, "La fin ne peut pas précéder le début."]
                    valid = False
            return valid

    for action in fiche.actions:
        title = _action_name(action)
        setattr(
            ProgressForm,
            f"progress_{action.id}",
            WholeNumberField(
                f"Avancement en % — {title}",
                validators=[required("Indiquez l'avancement, de 0 à 100."), PERCENT],
                default=action.progress,
                render_kw={"min": 0, "max": 100, "inputmode": "numeric"},
            ),
        )
        setattr(
            ProgressForm,
            f"status_{action.id}",
            SelectField(f"État — {title}", choices=dict(ACTION_STATUSES), default=action.status),
        )
        setattr(ProgressForm, f"starts_{action.id}", _date(f"Début — {title}"))
        setattr(ProgressForm, f"ends_{action.id}", _date(f"Fin — {title}"))
    form = ProgressForm(formdata=formdata, prefix="avancement")
    if formdata is None:
        form.progress_status.data = fiche.progress_status
        for action in fiche.actions:
            form[f"starts_{action.id}"].data = action.starts_on
            form[f"ends_{action.id}"].data = action.ends_on
    return form


def _action_name(action) -> str:
    words = " ".join((action.title or "").split())
    short = words if len(words) <= 60 else words[:59].rstrip() + "…"
    return f"action {action.position + 1} ({short})" if short else f"action {action.id}"


class MilestoneForm(BaseForm):
    label = StringField("Intitulé du jalon", validators=[required(), length(max=300)])
    due_on = _date("Échéance prévue (facultatif)")


class MilestoneUpdateForm(BaseForm):
    """Mark a milestone done on a date, reopen it, or delete it (the button pressed)."""

    operation = SelectField(
        "Opération",
        choices={"done": "Marquer comme atteint", "reopen": "Rouvrir", "delete": "Supprimer"},
        validators=[required("Choisissez une opération.")],
    )
    done_on = _date("Atteint le")


class IndicatorForm(BaseForm):
    kind = SelectField("Type d'indicateur", choices=dict(INDICATOR_KINDS))
    unit = StringField(
        "Unité (facultatif)",
        validators=[length(max=40)],
        description="Par exemple : %, €, personnes, jours.",
    )
    baseline = StringField(
        "Valeur de référence (facultatif)", validators=[length(max=40), _french_number]
    )
    baseline_year = WholeNumberField(
        "Année de la valeur de référence",
        validators=[Optional(), YEARS],
        render_kw={"inputmode": "numeric"},
    )
    target = StringField("Valeur cible (facultatif)", validators=[length(max=40), _french_number])
    target_year = WholeNumberField(
        "Année de la cible", validators=[Optional(), YEARS], render_kw={"inputmode": "numeric"}
    )
    computed = SelectField(
        "Calculé par la plateforme",
        default="",
        choices={"": "Non : les valeurs sont saisies ou importées"}
        | {key: label for key, (label, _unit) in COMPUTED.items()},
        description=(
            "Pour un indicateur de participation : ses valeurs annuelles viennent des "
            "rencontres et des réponses enregistrées dans la plateforme."
        ),
    )


class MeasurementForm(BaseForm):
    year = WholeNumberField(
        "Année",
        validators=[required("Indiquez l'année de la mesure."), YEARS],
        render_kw={"inputmode": "numeric"},
    )
    territory_id = SelectField(
        "Territoire",
        coerce=int,
        validators=[Optional()],
        description="« Tout le Département » pour la valeur d'ensemble.",
    )
    value = StringField(
        "Valeur",
        validators=[length(max=40), _french_number],
        description="Un nombre : 12,5 ou 1 200. Pour un indicateur qualitatif, "
        "utilisez le champ « Constat ».",
    )
    text_value = TextAreaField("Constat (indicateur qualitatif)", validators=[length(max=5000)])
    source = StringField("Source (facultatif)", validators=[length(max=300)])
    comment = TextAreaField("Commentaire (facultatif)", validators=[length(max=5000)])

    def fill_choices(self, territories) -> None:
        self.territory_id.choices = {0: "Tout le Département"} | {t.id: t.name for t in territories}


class ImportForm(BaseForm):
    file = FileField(
        "Fichier CSV ou Excel (.xlsx)",
        validators=[
            FileRequired("Choisissez un fichier."),
            FileAllowed(["csv", "xlsx"], "Seuls les fichiers .csv et .xlsx sont acceptés."),
        ],
        description="La première ligne donne les noms des colonnes (voir le modèle).",
    )
    operation = SelectField(
        "Opération", choices={"check": "Vérifier", "import": "Importer"}, default="check"
    )


class DeleteForm(BaseForm):
    """A button that removes one row (the CSRF token is the whole form)."""
