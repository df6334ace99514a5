"""Moderation forms: decisions, tags, merges, and bulk actions."""

from wtforms import (
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import AnyOf, NumberRange, Optional, Regexp

from consult.core.db import MAX_ID, small_int
from consult.core.forms import BaseForm, length, required
from consult.moderation.models import REJECTION_REASONS

DECISIONS = ("publish", "reject", "edit", "mask")
BULK_ACTIONS = {
    "publish": "Publier",
    "reject": "Rejeter",
    "accept_suggestions": "Accepter les suggestions au-dessus du seuil",
}


class DecisionForm(BaseForm):
    """One decision on one contribution; the pressed button gives ``action``."""

    action = HiddenField(validators=[AnyOf(DECISIONS, message="Décision inconnue.")])
    reason = SelectField(
        "Motif du rejet",
        choices={"": "— Choisir un motif —", **REJECTION_REASONS},
        validators=[Optional()],
    )
    note = TextAreaField(
        "Précision (visible par l'auteur sur sa page de suivi)", validators=[length(max=1000)]
    )
    body = TextAreaField("Texte corrigé", validators=[length(max=5000)])
    edit_reason = TextAreaField("Pourquoi cette correction ?", validators=[length(max=500)])


_TARGET = Regexp(r"^(theme|fiche):\d{1,9}$", message="Étiquette inconnue.")


class TagForm(BaseForm):
    """Accept or refuse a suggestion, add a theme or fiche, or remove a tag."""

    accept = IntegerField(validators=[Optional(), NumberRange(1, MAX_ID)])
    refuse = IntegerField(validators=[Optional(), NumberRange(1, MAX_ID)])
    # What the accepted or refused suggestion named (``theme:<id>``, ``fiche:<id>``): a
    # refresh may have replaced the suggestion since the page was loaded.
    target = StringField(validators=[Optional(), _TARGET])
    add = SelectField("Ajouter une thématique ou une fiche", validators=[Optional()])
    remove = IntegerField(validators=[Optional(), NumberRange(1, MAX_ID)])

    def fill_choices(self, scheme) -> None:
        """``theme:<id>`` and ``fiche:<id>`` of the contribution's scheme."""
        choices = {"": "— Choisir —"}
        choices.update(
            {f"theme:{t.id}": f"Thématique {t.number} : {t.title}" for t in scheme.themes}
        )
        choices.update({f"fiche:{f.id}": f"Fiche {f.number} : {f.title}" for f in scheme.fiches})
        self.add.choices = choices


class MergeForm(BaseForm):
    """Merge the chosen contributions into the target (the one kept)."""

    target = IntegerField(
        validators=[required("Choisissez la contribution à garder."), NumberRange(1, MAX_ID)]
    )
    sources = SelectMultipleField(coerce=small_int, validate_choice=False)


_NUMBER = Regexp(r"^\d{1,9}$", message="Un numéro de contribution s'écrit en chiffres.")


class MergeNumberForm(BaseForm):
    """« Fusionner avec le n° … »: two contributions by number, and which one is kept."""

    contribution = StringField(
        "N°",
        validators=[required("Indiquez le numéro de la contribution."), _NUMBER],
    )
    number = StringField(
        "avec le n°",
        validators=[required("Indiquez le numéro de l'autre contribution."), _NUMBER],
    )
    keep = SelectField(
        "Garder",
        choices={"this": "la première", "other": "la seconde"},
        validators=[required("Choisissez la contribution gardée.")],
    )

    def numbers(self) -> tuple[int, int]:
        """The two numbers, once validated."""
        return int(self.contribution.data), int(self.number.data)


class CampaignForm(BaseForm):
    """Merge a campaign: the near-identical contributions, the oldest is kept."""

    ids = SelectMultipleField(coerce=small_int, validate_choice=False)


class BulkForm(BaseForm):
    """The same decision on every selected contribution of the queue."""

    ids = SelectMultipleField(coerce=small_int, validate_choice=False)
    action = SelectField("Action sur la sélection", choices=BULK_ACTIONS)
    reason = SelectField(
        "Motif (rejet)", choices={"": "— Choisir —", **REJECTION_REASONS}, validators=[Optional()]
    )
    minimum = IntegerField(
        "Seuil de confiance des suggestions (%)",
        default=80,
        validators=[Optional(), NumberRange(0, 100, "Un seuil entre 0 et 100 %%, par exemple 80.")],
    )
    # Accepting suggestions shows what it will do first; the preview's button confirms
    # exactly the suggestions it listed.
    confirm = HiddenField()
    suggestions = SelectMultipleField(coerce=small_int, validate_choice=False)
    # …named by what they tag (``<contribution>:theme:<id>``): a refresh after a tag
    # replaces the stored suggestions, and with them their ids, between preview and click.
    planned = SelectMultipleField(validate_choice=False)
    back = HiddenField()


class AcceptSuggestionForm(BaseForm):
    """Accept one suggestion from the queue's list, then go back to the same page."""

    accept = IntegerField(validators=[required("Suggestion manquante."), NumberRange(1, MAX_ID)])
    # The row's contribution and what its suggestion named, for when a refresh replaced it.
    contribution = IntegerField(validators=[Optional(), NumberRange(1, MAX_ID)])
    target = StringField(validators=[Optional(), _TARGET])
    back = HiddenField()
