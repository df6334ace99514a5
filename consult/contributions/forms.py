"""Contribution forms: participants (standard and easy-read), facilitators' rapid entry."""

import secrets

from flask import flash
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.csrf.core import CSRFTokenField
from wtforms.validators import AnyOf, Email, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from consult.contributions.models import AUTHOR_TYPES, FALC_KINDS, KINDS, REPORT_REASONS
from consult.contributions.services import MAX_LENGTH, MIN_LENGTH
from consult.core.forms import BaseForm, length, required

KEY_PATTERN = r"^[A-Za-z0-9_-]{16,64}$"
RECORDED_CHANNELS = {"en_salle": "Dit en salle", "papier": "Écrit sur papier"}
BODY_HELP = (
    f"Entre {MIN_LENGTH} et {MAX_LENGTH} caractères. Sur un téléphone, le micro du "
    "clavier permet de dicter."
)


def new_form_key() -> str:
    """The idempotency key of one displayed form: a resubmission reuses it."""
    return secrets.token_urlsafe(24)


def renew_missing_key(form) -> bool:
    """A form that came without its key gets a new one, and the participant is told."""
    if not form.form_key.errors:
        return False
    form.form_key.errors = []
    form.form_key.data = new_form_key()
    flash("Le formulaire était incomplet : vérifiez votre texte et envoyez-le à nouveau.", "error")
    return True


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a list of checkboxes (easier than a multiple select)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _body_field(label: str) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[
            required("Écrivez votre contribution."),
            length(min=MIN_LENGTH, max=MAX_LENGTH),
        ],
        description=BODY_HELP,
    )


def _key_field() -> HiddenField:
    return HiddenField(validators=[Regexp(KEY_PATTERN, message="Formulaire incomplet.")])


class FieldsBuiltOnce:
    """Meta of a form whose fields are built once per process and copied for each form.

    WTForms builds every field of a form anew for each request (its label, flags, its
    validators checked, its filters listed): the same work each time for the same class
    attribute. Here the first form of the process builds each field as usual and keeps
    it; each later form gets a copy of it (its attributes; the form and its meta its
    own), which ``process`` then fills with this request's data as it would a new
    field. What a request sets (data, errors, choices) is set on the copy, never on the
    kept field. The CSRF field is built each time (it is not a class attribute)."""

    def bind_field(self, form, unbound_field, options):
        if issubclass(unbound_field.field_class, CSRFTokenField):
            return super().bind_field(form, unbound_field, options)
        key = (unbound_field, options.get("name"), options.get("prefix", ""))
        translations = options.get("translations")
        built = _BUILT_FIELDS.get(key)
        if built is None or built[0] is not translations:
            kept = super().bind_field(form, unbound_field, options)
            kept._form = None  # each copy gets its own form: the first one is not kept
            built = _BUILT_FIELDS[key] = (translations, kept)
        kept = built[1]
        field = object.__new__(type(kept))
        field.__dict__.update(kept.__dict__)
        field._form = form
        field.meta = form.meta
        return field


# (class attribute, name, prefix) → (translations, the field built first): class
# attributes live as long as the process, so this holds one field per field of the
# forms that use it.
_BUILT_FIELDS: dict = {}


class ContributionForm(BaseForm):
    """A participant's contribution, with or without an account."""

    class Meta(FieldsBuiltOnce):
        pass

    body = _body_field("Votre contribution")
    # Nothing pre-ticked: a professional who does not look must not be counted as
    # a service user (field trial, issue 16 item 17).
    kind = RadioField(
        "C'est plutôt…",
        choices=KINDS,
        validators=[required("Choisissez si c'est un constat, une proposition, …")],
    )
    author_type = RadioField(
        "Vous êtes…",
        choices=AUTHOR_TYPES,
        validators=[required("Dites-nous qui vous êtes.")],
    )
    pseudonym = StringField(
        "Prénom ou pseudonyme (facultatif)",
        validators=[length(max=80)],
        description="Il sera affiché avec votre contribution. N'écrivez pas votre nom de famille.",
    )
    public_ids = MultiCheckboxField("Qui est concerné ? (facultatif)", coerce=int)
    territory_id = SelectField("Votre territoire (facultatif)", coerce=int, validators=[Optional()])
    consent = BooleanField(
        "J'ai lu comment mon avis sera utilisé et je suis d'accord.",
        validators=[required("Cochez la case pour envoyer votre contribution.")],
    )
    news_email = StringField(
        "Recevoir des nouvelles par e-mail (facultatif)",
        validators=[
            Optional(),
            length(max=254),
            Email("Cette adresse e-mail n'est pas valide.", check_deliverability=False),
        ],
        description="Seulement pour vous prévenir quand la fiche qui répond à votre "
        "contribution avance. Jamais publiée ; vous pourrez l'effacer avec votre code de suivi.",
    )
    form_key = _key_field()

    def fill_choices(self, publics, territories) -> None:
        """``publics`` and ``territories`` are ``(id, label)`` pairs."""
        self.public_ids.choices = dict(publics)
        self.territory_id.choices = {0: "Je ne sais pas, ou je préfère ne pas le dire"}
        self.territory_id.choices.update(territories)


FALC_STEPS = ("qui", "quoi", "avis", "prenom", "envoyer")
FALC_AUTHORS = {
    "usager": "Je suis aidé par le Département",
    "proche_aidant": "J'aide une personne de ma famille",
    "professionnel": "Je travaille avec les personnes aidées",
    "elu": "Je suis élu",
}


class EasyReadForm(BaseForm):
    """The easy-read (FALC) form: the same answers, asked one per screen."""

    class Meta(FieldsBuiltOnce):
        pass

    author_type = RadioField(
        "Qui êtes-vous ?",
        choices=FALC_AUTHORS,
        validators=[required("Choisissez une réponse.")],
    )
    kind = RadioField(
        "Que voulez-vous dire ?",
        choices=FALC_KINDS,
        validators=[required("Choisissez une réponse.")],
    )
    body = TextAreaField(
        "Écrivez votre avis",
        validators=[
            required("Écrivez votre avis."),
            length(min=MIN_LENGTH, max=MAX_LENGTH),
        ],
    )
    pseudonym = StringField("Votre prénom", validators=[length(max=80)])
    consent = BooleanField(
        "Je suis d'accord.", validators=[required("Cochez « Je suis d'accord » pour envoyer.")]
    )
    step = HiddenField(validators=[AnyOf(FALC_STEPS)])
    form_key = _key_field()

    STEP_FIELDS = {
        "qui": ("author_type",),
        "quoi": ("kind",),
        "avis": ("body",),
        "prenom": ("pseudonym",),
        "envoyer": ("author_type", "kind", "body", "pseudonym", "consent"),
    }

    def validate_step(self, step: str) -> bool:
        """Validate only what this screen asked (the last one checks everything)."""
        ok = True
        for name in self.STEP_FIELDS[step] + ("form_key",):
            field = self[name]
            ok = field.validate(self) and ok
        return ok


class RapidEntryForm(BaseForm):
    """A facilitator types what was said in the room or written on paper."""

    class Meta(FieldsBuiltOnce):
        pass

    body = _body_field("Contribution")
    # Nothing chosen in advance: a professional typed as « usager » would skew every
    # comparison (issue 16 #17). The choice is then kept from one entry to the next.
    kind = SelectField(
        "Type", choices={"": "— choisir —"} | KINDS, validators=[required("Choisissez le type.")]
    )
    author_type = SelectField(
        "Auteur",
        choices={"": "— choisir —"} | AUTHOR_TYPES,
        validators=[required("Choisissez qui s'exprime.")],
    )
    channel = SelectField("Recueillie", choices=RECORDED_CHANNELS)
    on_behalf_of = StringField(
        "Groupe ou table (facultatif)",
        validators=[length(max=200)],
        description="Par exemple « Atelier 2 » : gardé d'une saisie à l'autre.",
    )
    territory_id = SelectField("Territoire", coerce=int, validators=[Optional()])
    form_key = _key_field()

    def fill_choices(self, territories) -> None:
        """``territories`` are ``(id, name)`` pairs."""
        self.territory_id.choices = {0: "Celui de la rencontre"}
        self.territory_id.choices.update(territories)


class SupportForm(BaseForm):
    """The "je soutiens" button (a CSRF-protected POST)."""


class ReportForm(BaseForm):
    """A participant or partner reports a published contribution."""

    reason = SelectField(
        "Pourquoi signalez-vous cette contribution ?",
        choices={"": "— Choisir —", **REPORT_REASONS},
        validators=[required("Choisissez une raison.")],
    )
    note = TextAreaField("Précision (facultatif)", validators=[length(max=1000)])


NOT_IN_FILE = -1


class UploadForm(BaseForm):
    """A spreadsheet of contributions (paper forms typed in, another tool's export)."""

    file = FileField(
        "Fichier CSV ou Excel (.xlsx)",
        validators=[
            FileRequired("Choisissez un fichier."),
            FileAllowed(["csv", "xlsx"], "Seuls les fichiers .csv et .xlsx sont acceptés."),
        ],
        description="La première ligne donne les noms des colonnes. 10 000 lignes au plus.",
    )


class ConfirmImportForm(BaseForm):
    """Confirming an import; lines already in the meeting are left out unless ticked."""

    include_existing = BooleanField(
        "Importer aussi les lignes déjà présentes dans la rencontre (elles seront en double)"
    )


def mapping_form(headers: list[str], fields: dict[str, str], mapping: dict[str, int]):
    """A form with one "which column?" choice per accepted field, preset to ``mapping``."""

    class MappingForm(BaseForm):
        pass

    choices = {NOT_IN_FILE: "— Pas dans le fichier —"}
    choices.update({i: f"Colonne {i + 1} : {h or '(sans nom)'}" for i, h in enumerate(headers)})
    for name, label in fields.items():
        field = SelectField(label, coerce=int, choices=choices, default=NOT_IN_FILE)
        setattr(MappingForm, name, field)
    return MappingForm(data={name: mapping.get(name, NOT_IN_FILE) for name in fields})
