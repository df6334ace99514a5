"""Sign-in, password and invitation forms."""

from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import Email, EqualTo, Optional

from consult.accounts.models import ORGANISATION_KINDS, ROLES
from consult.core.forms import BaseForm, length, required

EMAIL_MESSAGE = "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr."


class LoginForm(BaseForm):
    email = EmailField(
        "Adresse e-mail",
        validators=[required(), Email(EMAIL_MESSAGE), length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        "Mot de passe",
        validators=[required(), length(max=256)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField("Rester connecté·e sur cet appareil")


class NewPasswordMixin:
    password = PasswordField(
        "Nouveau mot de passe",
        validators=[required(), length(max=256)],
        description=(
            "Au moins 12 caractères mêlant minuscules, majuscules, chiffres et "
            "caractères spéciaux, ou une phrase plus longue."
        ),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Confirmer le mot de passe",
        validators=[
            required(),
            EqualTo("password", "Les deux mots de passe diffèrent."),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class SetPasswordForm(NewPasswordMixin, BaseForm):
    pass


class ChangePasswordForm(NewPasswordMixin, BaseForm):
    current = PasswordField(
        "Mot de passe actuel",
        validators=[required()],
        render_kw={"autocomplete": "current-password"},
    )


class ForgotPasswordForm(BaseForm):
    email = EmailField(
        "Adresse e-mail du compte",
        validators=[required(), Email(EMAIL_MESSAGE), length(max=254)],
        render_kw={"autocomplete": "email"},
    )


class RegisterForm(BaseForm):
    """Name and address only: the password is chosen from the e-mailed link."""

    display_name = StringField(
        "Prénom ou pseudonyme",
        validators=[required(), length(min=2, max=120)],
        description="C'est le seul nom affiché. Vous n'êtes pas obligé·e de donner votre nom.",
        render_kw={"autocomplete": "nickname"},
    )
    email = EmailField(
        "Adresse e-mail",
        validators=[required(), Email(EMAIL_MESSAGE), length(max=254)],
        render_kw={"autocomplete": "email"},
    )


class InviteForm(BaseForm):
    display_name = StringField("Nom et prénom", validators=[required(), length(min=2, max=120)])
    email = EmailField(
        "Adresse e-mail", validators=[required(), Email(EMAIL_MESSAGE), length(max=254)]
    )
    role = SelectField("Rôle", choices={k: v for k, v in ROLES.items() if k != "participant"})
    organisation_id = SelectField(
        "Organisation",
        coerce=int,
        validators=[Optional()],
        description="Obligatoire pour un compte partenaire.",
    )


class OrganisationForm(BaseForm):
    name = StringField("Nom de l'organisation", validators=[required(), length(min=2, max=200)])
    kind = SelectField("Type", choices=ORGANISATION_KINDS)


class ConfirmForm(BaseForm):
    """An empty form: a button that changes state still needs CSRF."""
