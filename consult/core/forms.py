"""Form base class: CSRF-protected, whitespace stripped, French messages."""

import unicodedata

from flask_wtf import FlaskForm
from wtforms import validators


def _strip(value):
    """Trim, and normalise (NFC) as the sanitiser will: lengths are checked on what is stored."""
    return unicodedata.normalize("NFC", value.strip()) if isinstance(value, str) else value


class BaseForm(FlaskForm):
    """Every form of the platform: CSRF on, leading/trailing spaces removed."""

    class Meta:
        locales = ("fr_FR", "fr")

        def bind_field(self, form, unbound_field, options):
            filters = list(unbound_field.kwargs.get("filters", []))
            filters.append(_strip)
            return unbound_field.bind(form=form, filters=filters, **options)


def required(message: str = "Ce champ est obligatoire."):
    """DataRequired with a French message."""
    return validators.InputRequired(message=message)


def length(min: int = -1, max: int = -1):  # noqa: A002 - mirrors wtforms' names
    """Length with a French message."""
    if min > 0 and max > 0:
        message = f"Entre {min} et {max} caractères, s'il vous plaît."
    elif max > 0:
        message = f"{max} caractères au maximum, s'il vous plaît."
    else:
        message = f"{min} caractères au minimum, s'il vous plaît."
    return validators.Length(min=min, max=max, message=message)
