"""Meeting forms: details, lifecycle, join code, attendance and closing."""

import re
from html import unescape

from markupsafe import escape
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional, Regexp, ValidationError
from wtforms.widgets import NumberInput

from consult.core.forms import BaseForm, length, required
from consult.core.sanitize import PROFILES
from consult.meetings.models import KINDS, PARTICIPANT_TYPES, STATUSES
from consult.meetings.services import MAX_ATTENDANCE

USER_GROUPS_KIND = "universite_sociale"
_DIGITS = re.compile(r"[0-9]+")
_PARAGRAPH = re.compile(r"<p>((?:(?!</?p>).)*)</p>", re.DOTALL)
_PARAGRAPHS = re.compile(r"(?:<p>(?:(?!</?p>).)*</p>)*", re.DOTALL)
_P_OR_BR = re.compile(r"</?p>|<br\s*/?>")
_BR = re.compile(r"<br\s*/?>")
# Minutes containing one of the allowed tags are HTML; anything else is plain text.
_ALLOWED_TAG = re.compile(
    r"<\s*/?\s*(?:{})\b".format("|".join(sorted(PROFILES["rich"]["tags"]))), re.IGNORECASE
)


def _scheme_label(scheme) -> str:
    return f"{scheme.title} ({', '.join(x for x in (scheme.department, scheme.period) if x)})"


class MeetingForm(BaseForm):
    """Create or edit a meeting; choices are filled by the view (``fill_choices``)."""

    kind = SelectField("Type de rencontre", choices=KINDS, validators=[required()])
    title = StringField(
        "Titre",
        validators=[required(), length(min=3, max=300)],
        description="Par exemple : Concertation territoriale du bassin chambérien.",
    )
    held_on = DateField(
        "Date",
        validators=[Optional()],
        description="Laissez vide si la date n'est pas encore fixée.",
    )
    place = StringField(
        "Lieu", validators=[length(max=300)], description="Adresse ou nom de la salle."
    )
    description = TextAreaField(
        "Présentation (facultatif)",
        validators=[length(max=5000)],
        description="Quelques lignes pour expliquer aux participants à quoi sert la rencontre.",
    )
    territory_id = SelectField("Territoire", coerce=int, validators=[Optional()])
    scheme_id = SelectField(
        "Schéma concerné", coerce=int, validators=[required("Choisissez un schéma.")]
    )
    theme_ids = SelectMultipleField("Thématiques abordées", coerce=int, validators=[Optional()])
    working_group_id = SelectField(
        "Groupe de travail",
        coerce=int,
        validators=[Optional()],
        description="Pour une réunion d'un groupe de travail : elle apparaîtra dans son espace.",
    )
    user_groups = TextAreaField(
        "Groupes d'usagers",
        validators=[length(max=3000)],
        description=(
            "Pour une université sociale : un groupe par ligne, par exemple "
            "« Personnes âgées » puis « Jeunes accueillis en protection de l'enfance »."
        ),
    )
    # One key per displayed form: a double submit creates one meeting.
    form_key = HiddenField()
    publish_immediately = BooleanField(
        "Publier les contributions sans modération préalable",
        description=(
            "Cochez seulement si le public n'est pas vulnérable : les contributions "
            "apparaîtront aussitôt et seront relues ensuite."
        ),
    )

    def fill_choices(self, schemes, territories, groups=()) -> None:
        """Offer the schemes, their themes (grouped by scheme), the territory tree and groups."""
        self.working_group_id.choices = {0: "— Aucun —"} | {g.id: g.name for g in groups}
        self.scheme_id.choices = {s.id: _scheme_label(s) for s in schemes}
        self.theme_ids.choices = {
            _scheme_label(s): {t.id: f"{t.number}. {t.title}" for t in s.themes} for s in schemes
        }
        options = {0: "— Aucun territoire en particulier —"}
        for territory in territories:
            options[territory.id] = territory.name
            options |= {c.id: f"{territory.name} › {c.name}" for c in territory.children}
        self.territory_id.choices = options

    def group_lines(self) -> list[str]:
        """User groups typed one per line (only kept for an université sociale)."""
        if self.kind.data != USER_GROUPS_KIND:
            return []
        return [line.strip() for line in (self.user_groups.data or "").splitlines()]


class StatusForm(BaseForm):
    """One lifecycle button: the target status travels in the button's value."""

    target = SelectField(choices=STATUSES, validators=[required()])


class JoinForm(BaseForm):
    """The join code participants type (sent by GET: no CSRF, nothing changes)."""

    class Meta:
        csrf = False

    code = StringField(
        "Code de la rencontre",
        validators=[required("Tapez le code affiché dans la salle."), length(max=30)],
        description="6 lettres ou chiffres, affichés dans la salle ou donnés par l'animateur.",
        render_kw={
            "inputmode": "text",
            "autocapitalize": "characters",
            "autocomplete": "off",
            "autocorrect": "off",
            "spellcheck": "false",
            "enterkeyhint": "go",
            "class": "join-code-input",
        },
    )


def _within_limit(form, field) -> None:
    if _DIGITS.fullmatch(field.data or "") and int(field.data) > MAX_ATTENDANCE:
        raise ValidationError(f"{MAX_ATTENDANCE} personnes au maximum.")


def _count_field(label: str) -> StringField:
    return StringField(
        label,
        validators=[
            Regexp(
                r"[0-9]*\Z", message="Écrivez un nombre entier, 0 ou plus (sans lettre ni signe)."
            ),
            length(max=7),
            _within_limit,
        ],
        widget=NumberInput(min=0, step=1),
    )


class AttendanceForm(BaseForm):
    """Head counts per participant type and per user group, built for one meeting."""

    type_keys: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()

    def type_fields(self):
        return [self[f"type_{key}"] for key in self.type_keys]

    def group_fields(self):
        return [self[f"group_{i}"] for i in range(len(self.groups))]

    def by_type(self) -> dict[str, str]:
        return {key: self[f"type_{key}"].data or "0" for key in self.type_keys}

    def by_group(self) -> dict[str, str]:
        return {g: self[f"group_{i}"].data or "0" for i, g in enumerate(self.groups)}


class MinutesForm(BaseForm):
    """The relevé de conclusions, typed as plain text (or HTML) by the facilitator."""

    minutes = TextAreaField(
        "Relevé de conclusions",
        validators=[length(max=50_000)],
        description=(
            "Ce qui a été dit et décidé. Laissez une ligne vide entre deux paragraphes. "
            "Il sera affiché sur la page publique de la rencontre."
        ),
    )

    def minutes_html(self) -> str:
        """The minutes as HTML: plain text becomes escaped paragraphs; HTML is left as typed.

        Either way ``set_minutes`` passes it through ``clean_html`` before storing it.
        """
        text = (self.minutes.data or "").replace("\r\n", "\n")
        if _ALLOWED_TAG.search(text):
            return text
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
        return "".join(
            "<p>" + "<br>".join(str(escape(line)) for line in p.split("\n")) + "</p>"
            for p in paragraphs
        )


def minutes_text(html: str) -> str:
    """Stored minutes back as the text typed: the inverse of ``minutes_html``.

    Minutes made of plain paragraphs come back as plain text; richer HTML is
    shown as is, so that saving it unchanged keeps it unchanged.
    """
    html = html or ""
    if not _PARAGRAPHS.fullmatch(html) or "<" in _P_OR_BR.sub("", html):
        return html
    paragraphs = _PARAGRAPH.findall(html)
    return "\n\n".join(unescape(_BR.sub("\n", p)) for p in paragraphs)


class CloseForm(AttendanceForm, MinutesForm):
    """Closing: the relevé de conclusions and the final head counts."""


def attendance_form(meeting, base=AttendanceForm, **kwargs) -> AttendanceForm:
    """Build ``base`` with one number field per participant type and user group.

    Group names are free text, so fields are numbered (``group_0``…) rather than named.
    """
    groups = tuple(meeting.user_groups or ())
    fields = {f"type_{key}": _count_field(label) for key, label in PARTICIPANT_TYPES.items()}
    fields |= {f"group_{i}": _count_field(name) for i, name in enumerate(groups)}
    form_class = type(
        base.__name__, (base,), {**fields, "type_keys": tuple(PARTICIPANT_TYPES), "groups": groups}
    )
    counts = {f"type_{k}": str(v) for k, v in (meeting.attendance_by_type or {}).items()}
    if issubclass(base, MinutesForm):
        counts["minutes"] = minutes_text(meeting.minutes)
    by_group = meeting.attendance_by_group or {}
    counts |= {f"group_{i}": str(by_group[g]) for i, g in enumerate(groups) if g in by_group}
    return form_class(data=counts, **kwargs)
