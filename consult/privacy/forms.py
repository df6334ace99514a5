"""Forms that exercise a right over one's data."""

from wtforms import PasswordField

from consult.core.forms import BaseForm, required


class EraseAccountForm(BaseForm):
    """Erasing one's account is confirmed with the password."""

    password = PasswordField(
        "Votre mot de passe, pour confirmer", validators=[required("Tapez votre mot de passe.")]
    )
