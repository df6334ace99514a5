"""Scheme import and level-name forms."""

from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField, StringField
from wtforms.validators import Optional

from consult.core.forms import BaseForm, length, required


class SchemeImportForm(BaseForm):
    document = FileField(
        "Fichier du schéma (JSON consult-scheme/1)",
        validators=[
            FileRequired("Choisissez un fichier."),
            FileAllowed(["json"], "Le fichier doit être au format JSON (.json)."),
        ],
    )


class LevelNamesForm(BaseForm):
    axis = StringField("Nom du 1er niveau (singulier)", validators=[length(max=60)])
    axes = StringField("Nom du 1er niveau (pluriel)", validators=[length(max=60)])
    objective = StringField("Nom du 2e niveau (singulier)", validators=[length(max=60)])
    objectives = StringField("Nom du 2e niveau (pluriel)", validators=[length(max=60)])
    theme = StringField("Nom des thématiques (singulier)", validators=[length(max=60)])
    themes = StringField("Nom des thématiques (pluriel)", validators=[length(max=60)])
    fiche = StringField("Nom des fiches (singulier)", validators=[length(max=60)])
    fiches = StringField("Nom des fiches (pluriel)", validators=[length(max=60)])


class TerritoryForm(BaseForm):
    name = StringField("Nom du territoire", validators=[required(), length(min=2, max=200)])
    kind = StringField(
        "Type",
        default="Bassin de vie",
        validators=[length(max=60)],
        description="Par exemple : bassin de vie, territoire d'action sociale, commune.",
    )
    parent_id = SelectField("Fait partie de", coerce=int, validators=[Optional()])


class PublicForm(BaseForm):
    label = StringField("Nom du public", validators=[required(), length(min=2, max=200)])
