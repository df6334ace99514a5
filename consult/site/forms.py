"""Branding form."""

from flask_wtf.file import FileAllowed, FileField
from wtforms import BooleanField, EmailField, StringField
from wtforms.validators import Email, Optional

from consult.core.forms import BaseForm, length, required


class SettingsForm(BaseForm):
    department_name = StringField(
        "Nom du Département", validators=[required(), length(min=2, max=120)]
    )
    platform_name = StringField(
        "Nom de la plateforme", validators=[required(), length(min=2, max=120)]
    )
    primary_colour = StringField(
        "Couleur principale",
        validators=[required(), length(max=7)],
        description="Format #RRVVBB. Le texte blanc doit rester lisible dessus (contraste 4,5:1).",
        render_kw={"type": "color"},
    )
    contact_email = EmailField(
        "Adresse de contact (données personnelles, accessibilité)",
        validators=[Optional(), Email("Adresse e-mail invalide."), length(max=254)],
    )
    logo = FileField(
        "Logo (PNG ou JPEG, 512 Ko au plus)",
        validators=[FileAllowed(["png", "jpg", "jpeg"], "Le logo doit être PNG ou JPEG.")],
    )
    remove_logo = BooleanField("Retirer le logo actuel")
