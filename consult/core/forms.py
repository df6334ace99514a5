"""Form base class: CSRF-protected, whitespace stripped, French messages."""

import unicodedata

from flask_wtf import FlaskForm
from wtforms import validators
from wtforms.csrf.core import CSRFTokenField
from wtforms.fields import HiddenField


def _strip(value):
    """Trim, and normalise (NFC) as the sanitiser will: lengths are checked on what is stored."""
    return unicodedata.normalize("NFC", value.strip()) if isinstance(value, str) else value


class TokenWhenShown(CSRFTokenField):
    """The CSRF token field, whose token is signed only when the form is shown.

    WTForms signs one as each form is built (an HMAC of the session's token, with a
    timestamp): a POST answered without its form (a receipt, a redirect) needs none.
    The token sent is still checked as before (``pre_validate``)."""

    _token = None

    def process(self, *args, **kwargs):
        HiddenField.process(self, *args, **kwargs)  # not CSRFTokenField's: no token yet

    @property
    def current_token(self):
        if self._token is None:
            self._token = self.csrf_impl.generate_csrf_token(self)
        return self._token

    @current_token.setter
    def current_token(self, value):
        self._token = value


class _CSRF(FlaskForm.Meta.csrf_class):
    field_class = TokenWhenShown


class BaseForm(FlaskForm):
    """Every form of the platform: CSRF on, leading/trailing spaces removed."""

    class Meta:
        locales = ("fr_FR", "fr")
        csrf_class = _CSRF

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
