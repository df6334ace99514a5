"""Working-group forms: the group itself, its members, shared syntheses, discussion, validation."""

from wtforms import EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import Email, Optional

from consult.contributions.forms import MultiCheckboxField
from consult.core.forms import BaseForm, length, required
from consult.schemes.models import MEMBER_ROLES

NO_CHOICE = 0
COMMENT_MIN, COMMENT_MAX = 2, 2000


def _scheme_label(scheme) -> str:
    return f"{scheme.title} ({', '.join(x for x in (scheme.department, scheme.period) if x)})"


class GroupForm(BaseForm):
    """Create or edit a working group; choices are filled by the view (``fill_choices``)."""

    scheme_id = SelectField(
        "Schéma concerné", coerce=int, validators=[required("Choisissez un schéma.")]
    )
    name = StringField(
        "Nom du groupe",
        validators=[required(), length(min=3, max=200)],
        description="Par exemple : Groupe de travail « Accès aux droits ».",
    )
    description = TextAreaField(
        "Présentation (facultatif)",
        validators=[length(max=5000)],
        description="Ce que le groupe doit faire, quand il se réunit.",
    )
    theme_id = SelectField(
        "Thématique du groupe",
        coerce=int,
        validators=[Optional()],
        description="Une thématique du schéma choisi ci-dessus.",
    )
    fiche_ids = MultiCheckboxField("Fiches actions suivies par le groupe", coerce=int)
    pilot_organisation_id = SelectField("Organisation pilote", coerce=int, validators=[Optional()])
    copilot_organisation_id = SelectField(
        "Organisation co-pilote", coerce=int, validators=[Optional()]
    )

    def fill_choices(self, schemes, organisations) -> None:
        """Schemes, their themes and fiches (grouped by scheme), organisations."""
        self.scheme_id.choices = {s.id: _scheme_label(s) for s in schemes}
        self.theme_id.choices = {NO_CHOICE: "— Aucune thématique —"} | {
            _scheme_label(s): {t.id: f"{t.number}. {t.title}" for t in s.themes} for s in schemes
        }
        self.fiche_ids.choices = {
            _scheme_label(s): {f.id: f"Fiche {f.number} : {f.title}" for f in s.fiches}
            for s in schemes
        }
        none = {NO_CHOICE: "— Aucune organisation —"}
        self.pilot_organisation_id.choices = none | {o.id: o.name for o in organisations}
        self.copilot_organisation_id.choices = none | {o.id: o.name for o in organisations}


class MemberForm(BaseForm):
    """Add an existing account to a group, with its role."""

    email = EmailField(
        "Adresse e-mail du compte",
        validators=[
            required("Indiquez l'adresse e-mail d'un compte existant."),
            length(max=254),
            Email("Cette adresse e-mail n'est pas valide."),
        ],
        description="La personne doit déjà avoir un compte sur la plateforme.",
    )
    role = SelectField("Rôle dans le groupe", choices=MEMBER_ROLES, validators=[required()])


class RemoveMemberForm(BaseForm):
    """The button that takes one member out of a group (CSRF only)."""


class ShareForm(BaseForm):
    """Pick a synthesis of the group's scheme to share with the group."""

    synthesis_id = SelectField(
        "Synthèse à partager", coerce=int, validators=[required("Choisissez une synthèse.")]
    )


class CommentForm(BaseForm):
    """A message in the discussion of one idea."""

    body = TextAreaField(
        "Votre message",
        validators=[
            required("Écrivez votre message avant de l'envoyer."),
            length(min=COMMENT_MIN, max=COMMENT_MAX),
        ],
    )


class ValidationForm(BaseForm):
    """A user representative's "relue et validée", with an optional comment; the team
    records one given on paper or aloud in the representative's name."""

    on_behalf_of = StringField(
        "Au nom de (représentant·e des usagers)",
        validators=[length(max=200)],
        description="Pour une validation donnée sur papier ou pendant une réunion.",
    )
    comment = TextAreaField(
        "Commentaire (facultatif)",
        validators=[length(max=COMMENT_MAX)],
        description="Ce que vous souhaitez dire au groupe en validant cette synthèse.",
    )
