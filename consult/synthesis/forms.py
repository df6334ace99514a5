"""Synthesis forms: scope and template, editorial part, version status."""

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional

from consult.contributions.forms import MultiCheckboxField
from consult.contributions.models import AUTHOR_TYPES, KINDS
from consult.core.forms import BaseForm, length, required
from consult.synthesis.models import TEMPLATES


class SynthesisForm(BaseForm):
    """What to read and how to present it; empty lists mean "all"."""

    title = StringField(
        "Titre",
        validators=[required(), length(min=3, max=300)],
        description="Par exemple : Synthèse des concertations territoriales 2026.",
    )
    template = SelectField("Modèle", choices=TEMPLATES, validators=[required()])
    # One key per displayed form: a double submit asks for one synthesis, one job.
    form_key = HiddenField()
    scheme_id = SelectField("Schéma", coerce=int, validators=[required()])
    meeting_ids = MultiCheckboxField("Rencontres (toutes si aucune cochée)", coerce=int)
    territory_ids = MultiCheckboxField("Territoires", coerce=int)
    theme_ids = MultiCheckboxField("Thématiques", coerce=int)
    fiche_ids = MultiCheckboxField("Fiches actions", coerce=int)
    public_ids = MultiCheckboxField("Publics", coerce=int)
    author_types = MultiCheckboxField("Auteurs", choices=AUTHOR_TYPES)
    kinds = MultiCheckboxField("Types de contribution", choices=KINDS)
    date_from = DateField("Du (facultatif)", validators=[Optional()])
    date_to = DateField("Au (facultatif)", validators=[Optional()])
    include_pending = BooleanField(
        "Inclure les contributions pas encore modérées",
        description=(
            "Pour un premier aperçu de l'équipe seulement : une telle synthèse ne peut être "
            "ni partagée avec les groupes de travail ni publiée."
        ),
    )

    def fill_choices(self, schemes, meetings, territories, themes, fiches, publics) -> None:
        self.scheme_id.choices = {s.id: s.title for s in schemes}
        self.meeting_ids.choices = {m.id: m.title for m in meetings}
        self.territory_ids.choices = {t.id: t.name for t in territories}
        self.theme_ids.choices = {t.id: f"{t.number}. {t.title}" for t in themes}
        self.fiche_ids.choices = {f.id: f"Fiche {f.number} : {f.title}" for f in fiches}
        self.public_ids.choices = {p.id: p.label for p in publics}


class EditorialForm(BaseForm):
    """The facilitator's introduction, analysis and conclusions."""

    HELP = (
        "Paragraphes séparés par une ligne vide ; les balises simples (gras, listes) sont gardées."
    )
    introduction = TextAreaField("Introduction", validators=[length(max=20000)], description=HELP)
    analysis = TextAreaField("Analyse", validators=[length(max=50000)], description=HELP)
    conclusions = TextAreaField("Conclusions", validators=[length(max=20000)], description=HELP)


class VersionStatusForm(BaseForm):
    """Back to draft, share with working groups (which ones), or publish (confirmed)."""

    target = SelectField(choices={"draft": "", "shared": "", "published": ""})
    group_ids = MultiCheckboxField("Groupes de travail qui liront cette version", coerce=int)
    confirm = BooleanField(
        "Je confirme la publication : cette version sera visible de tous et ne changera plus."
    )
