"""Annual report forms: ask for a report, regenerate it, publish it or take it back.

Every message a participant may read is in French, including wtforms' own parse and
choice errors (replaced by the fields below).
"""

from wtforms import IntegerField, SelectField
from wtforms.validators import NumberRange, StopValidation

from consult.core.forms import BaseForm, required
from consult.reports.jobs import MAX_YEAR, MIN_YEAR
from consult.reports.models import REPORT_STATUSES

YEAR_MESSAGE = f"Choisissez une année entre {MIN_YEAR} et {MAX_YEAR}, en chiffres."


class YearField(IntegerField):
    """A year in digits; a text that is not a number gets one French message."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(YEAR_MESSAGE) from error

    def pre_validate(self, form):
        if self.process_errors:  # already explained: no second message from the range
            raise StopValidation()


class ChoiceField(SelectField):
    """A select whose unknown or unreadable choice is refused with ``message``."""

    def __init__(self, *args, message: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.message = message

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(self.message) from error

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()
        if self.data not in dict(self.choices or {}):
            raise StopValidation(self.message)


class ReportForm(BaseForm):
    """Which scheme, which year."""

    scheme_id = ChoiceField(
        "Schéma",
        coerce=int,
        validators=[required("Choisissez le schéma du bilan.")],
        message="Choisissez un schéma dans la liste.",
    )
    year = YearField(
        "Année du bilan",
        validators=[
            required("Indiquez l'année du bilan, par exemple 2026."),
            NumberRange(min=MIN_YEAR, max=MAX_YEAR, message=YEAR_MESSAGE),
        ],
        description="Si le bilan de cette année existe déjà, il est préparé à nouveau.",
    )

    def fill_choices(self, schemes) -> None:
        self.scheme_id.choices = {s.id: s.title for s in schemes}


class RegenerateForm(BaseForm):
    """Nothing to fill in: the form carries the CSRF token."""


class ReportStatusForm(BaseForm):
    target = ChoiceField(
        choices=dict(REPORT_STATUSES),
        validators=[required()],
        message="Cet état n'existe pas : choisissez « Publier » ou « Brouillon ».",
    )
