"""The administrator's form to create a partner organisation's API token."""

from wtforms import HiddenField, SelectField, StringField, ValidationError

from consult.api.models import SCOPES
from consult.contributions.forms import MultiCheckboxField
from consult.core.forms import BaseForm, length, required


class TokenForm(BaseForm):
    organisation_id = SelectField(
        "Organisation",
        coerce=int,
        validators=[required("Choisissez l'organisation qui utilisera ce jeton.")],
    )
    name = StringField(
        "À quoi sert ce jeton",
        description="Par exemple : « Formulaire du site de la CAF » (facultatif).",
        validators=[length(max=120)],
    )
    scopes = MultiCheckboxField(
        "Ce que le jeton permet",
        choices=dict(SCOPES),
        default=list(SCOPES)[:1],
        validators=[required("Cochez au moins une permission.")],
    )
    form_key = HiddenField()

    def validate_organisation_id(self, field) -> None:
        if not field.data:  # the « — choisir — » line
            raise ValidationError("Choisissez l'organisation qui utilisera ce jeton.")
