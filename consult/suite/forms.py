"""Following one's own contribution: the receipt code, and the rights it proves."""

from wtforms import BooleanField, HiddenField, RadioField, StringField
from wtforms.validators import Optional

from consult.core.forms import BaseForm, length, required


class ReceiptForm(BaseForm):
    """A participant types the receipt code they were given."""

    code = StringField(
        "Code de suivi",
        validators=[required("Tapez votre code de suivi."), length(max=20)],
        description="10 lettres et chiffres, par exemple ABCDE-23456.",
    )


class RightsForm(BaseForm):
    """Download or erase, proved by the receipt code (sent again, never kept in the session)."""

    code = HiddenField(validators=[required("Code de suivi manquant."), length(max=20)])
    choice = RadioField(
        "Que voulez-vous faire ?",
        choices={
            "anonymise": "Effacer ma signature : le texte reste, sans rien qui permette de me "
            "reconnaître.",
            "withdraw": "Retirer ma contribution : le texte est effacé partout.",
        },
        validators=[Optional()],
    )
    confirm = BooleanField("Je confirme ma demande.")
