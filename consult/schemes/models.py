"""Scheme structure: axes, objectives, themes, fiches with actions and indicators, and the
working groups that draft the fiches (their roster)."""

import unicodedata
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.core.db import TimestampMixin, UTCDateTime, utcnow
from consult.extensions import db

DEFAULT_LEVEL_NAMES = {
    "axis": "Axe",
    "axes": "Axes",
    "objective": "Objectif",
    "objectives": "Objectifs",
    "theme": "Thématique",
    "themes": "Thématiques",
    "fiche": "Fiche action",
    "fiches": "Fiches actions",
}


class Scheme(TimestampMixin, db.Model):
    """A Département's schéma des solidarités for one period."""

    __tablename__ = "schemes"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    department: Mapped[str] = mapped_column(sa.String(120))
    title: Mapped[str] = mapped_column(sa.String(300))
    period: Mapped[str] = mapped_column(sa.String(40), default="")
    source: Mapped[str] = mapped_column(sa.Text, default="")
    level_names: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    process_figures: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    extra: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    imported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    imported_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    # Tag suggestions after facilitators tag (consult.tagging.jobs): when the suggesters
    # last learned (a tag set, a suggestion refused), and since when stored suggestions
    # miss what they learned (NULL: all computed with the newest model).
    suggestions_learned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    suggestions_stale_since: Mapped[datetime | None] = mapped_column(UTCDateTime)

    axes: Mapped[list["Axis"]] = relationship(
        back_populates="scheme", order_by="Axis.position", cascade="all, delete-orphan"
    )
    themes: Mapped[list["Theme"]] = relationship(
        back_populates="scheme", order_by="Theme.position", cascade="all, delete-orphan"
    )
    fiches: Mapped[list["Fiche"]] = relationship(
        back_populates="scheme", order_by="Fiche.position", cascade="all, delete-orphan"
    )

    def level(self, key: str) -> str:
        """The Département's name for a level (``axis``, ``themes``…)."""
        return (self.level_names or {}).get(key) or DEFAULT_LEVEL_NAMES[key]


class Axis(db.Model):
    """First level of the scheme (axe, orientation…)."""

    __tablename__ = "axes"
    __table_args__ = (sa.UniqueConstraint("scheme_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(sa.ForeignKey("schemes.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(sa.String(20))
    title: Mapped[str] = mapped_column(sa.String(500))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    scheme: Mapped[Scheme] = relationship(back_populates="axes")
    objectives: Mapped[list["Objective"]] = relationship(
        back_populates="axis",
        order_by="Objective.position",
        cascade="all, delete-orphan",
    )
    fiches: Mapped[list["Fiche"]] = relationship(back_populates="axis", order_by="Fiche.position")


class Objective(db.Model):
    """Second level under an axis (objectif, orientation…), when the scheme has one."""

    __tablename__ = "objectives"
    __table_args__ = (sa.UniqueConstraint("axis_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    axis_id: Mapped[int] = mapped_column(sa.ForeignKey("axes.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(sa.String(20))
    title: Mapped[str] = mapped_column(sa.String(500))
    position: Mapped[int] = mapped_column(default=0)

    axis: Mapped[Axis] = relationship(back_populates="objectives")
    fiches: Mapped[list["Fiche"]] = relationship(
        back_populates="objective", order_by="Fiche.position"
    )


class Theme(db.Model):
    """A working theme (thématique) contributions are sorted into."""

    __tablename__ = "themes"
    __table_args__ = (sa.UniqueConstraint("scheme_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(sa.ForeignKey("schemes.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(sa.String(20))
    title: Mapped[str] = mapped_column(sa.String(500))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    scheme: Mapped[Scheme] = relationship(back_populates="themes")


# Fiche lifecycle: drafted by a working group, proposed to the comité de pilotage,
# validated, then adopted with the scheme. Imported fiches are adopted.
FICHE_STATUSES = {
    "brouillon": "Brouillon",
    "proposee": "Proposée au comité de pilotage",
    "validee": "Validée par le comité de pilotage",
    "adoptee": "Adoptée",
}
FICHE_TRANSITIONS = {
    "brouillon": ("proposee",),
    "proposee": ("brouillon", "validee"),
    "validee": ("proposee", "adoptee"),
    "adoptee": (),
}
PUBLIC_FICHE_STATUSES = ("validee", "adoptee")


class Fiche(db.Model):
    """A fiche action: what the Département and its partners commit to do."""

    __tablename__ = "fiches"
    __table_args__ = (sa.UniqueConstraint("scheme_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(sa.ForeignKey("schemes.id", ondelete="CASCADE"))
    axis_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("axes.id", ondelete="SET NULL"), index=True
    )
    objective_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("objectives.id", ondelete="SET NULL"), index=True
    )
    number: Mapped[str] = mapped_column(sa.String(20))
    title: Mapped[str] = mapped_column(sa.String(500))
    part: Mapped[str] = mapped_column(sa.String(120), default="")
    policy: Mapped[str] = mapped_column(sa.String(200), default="")
    pilots: Mapped[str] = mapped_column(sa.Text, default="")
    partners: Mapped[str] = mapped_column(sa.Text, default="")
    internal_partners: Mapped[str] = mapped_column(sa.Text, default="")
    schedule: Mapped[str] = mapped_column(sa.Text, default="")
    context: Mapped[list] = mapped_column(sa.JSON, default=list)
    objectives: Mapped[list] = mapped_column(sa.JSON, default=list)
    implementation: Mapped[list] = mapped_column(sa.JSON, default=list)
    extra: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    position: Mapped[int] = mapped_column(default=0)
    # brouillon → proposee → validee → adoptee (consult.workgroups.models.FICHE_STATUSES);
    # an imported fiche is adopted with its scheme.
    status: Mapped[str] = mapped_column(sa.String(20), default="adoptee", server_default="adoptee")
    working_group_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("working_groups.id", ondelete="SET NULL"), index=True
    )
    # Follow-up state of the whole fiche (consult.followup.models.ACTION_STATUSES).
    progress_status: Mapped[str] = mapped_column(
        sa.String(20), default="a_venir", server_default="a_venir"
    )

    scheme: Mapped[Scheme] = relationship(back_populates="fiches")
    axis: Mapped[Axis | None] = relationship(back_populates="fiches")
    objective: Mapped[Objective | None] = relationship(back_populates="fiches")
    actions: Mapped[list["Action"]] = relationship(
        back_populates="fiche", order_by="Action.position", cascade="all, delete-orphan"
    )
    indicators: Mapped[list["Indicator"]] = relationship(
        back_populates="fiche",
        order_by="Indicator.position",
        cascade="all, delete-orphan",
    )
    links: Mapped[list["FicheLink"]] = relationship(
        back_populates="fiche",
        foreign_keys="FicheLink.fiche_id",
        order_by="FicheLink.position",
        cascade="all, delete-orphan",
    )

    @property
    def top_actions(self) -> list["Action"]:
        """Actions that are not sub-actions, in order."""
        return [action for action in self.actions if action.parent is None]


class Action(db.Model):
    """An action of a fiche, or a sub-action when it has a parent."""

    __tablename__ = "actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    fiche_id: Mapped[int] = mapped_column(
        sa.ForeignKey("fiches.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("actions.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(sa.Text)
    position: Mapped[int] = mapped_column(default=0)
    # Follow-up: 0–100 %, a status (consult.followup.models.ACTION_STATUSES) and dates.
    progress: Mapped[int] = mapped_column(default=0, server_default="0")
    status: Mapped[str] = mapped_column(sa.String(20), default="a_venir", server_default="a_venir")
    starts_on: Mapped[date | None] = mapped_column(sa.Date)
    ends_on: Mapped[date | None] = mapped_column(sa.Date)

    fiche: Mapped[Fiche] = relationship(back_populates="actions")
    parent: Mapped["Action | None"] = relationship(back_populates="sub_actions", remote_side=[id])
    sub_actions: Mapped[list["Action"]] = relationship(
        back_populates="parent", order_by="Action.position"
    )
    milestones = relationship(
        "Milestone",
        back_populates="action",
        order_by="Milestone.position",
        cascade="all, delete-orphan",
    )


# What an indicator counts (Indicator.kind); a person may type the label.
INDICATOR_KINDS = {
    "nombre": "Nombre",
    "taux": "Taux",
    "montant": "Montant",
    "qualitatif": "Qualitatif",
}


def indicator_kind(text: str | None) -> str | None:
    """The kind a person typed ("Taux", "montants", "qualitatif"…), or None if unknown."""
    wanted = _plain(text)
    for key, label in INDICATOR_KINDS.items():
        if wanted in (key, key + "s", _plain(label)):
            return key
    return None


def _plain(text: str | None) -> str:
    decomposed = unicodedata.normalize("NFKD", (text or "").strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class Indicator(db.Model):
    """An indicator a fiche is evaluated by (measurements come with the follow-up)."""

    __tablename__ = "indicators"

    id: Mapped[int] = mapped_column(primary_key=True)
    fiche_id: Mapped[int] = mapped_column(
        sa.ForeignKey("fiches.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(sa.Text)
    position: Mapped[int] = mapped_column(default=0)
    # consult.followup.models.INDICATOR_KINDS: nombre, taux, montant, qualitatif
    kind: Mapped[str] = mapped_column(sa.String(20), default="nombre", server_default="nombre")
    unit: Mapped[str] = mapped_column(sa.String(40), default="", server_default="")
    baseline: Mapped[float | None] = mapped_column(sa.Float)
    baseline_year: Mapped[int | None] = mapped_column()
    target: Mapped[float | None] = mapped_column(sa.Float)
    target_year: Mapped[int | None] = mapped_column()
    # For a platform-computed indicator (participation, fiche 6): its key in
    # consult.followup.participation.COMPUTED; measurements are then computed.
    computed: Mapped[str] = mapped_column(sa.String(40), default="", server_default="")

    fiche: Mapped[Fiche] = relationship(back_populates="indicators")
    measurements = relationship(
        "Measurement",
        back_populates="indicator",
        order_by="Measurement.year",
        cascade="all, delete-orphan",
    )


class FicheLink(db.Model):
    """A link from a fiche to another; the target may not exist (kept as written)."""

    __tablename__ = "fiche_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    fiche_id: Mapped[int] = mapped_column(
        sa.ForeignKey("fiches.id", ondelete="CASCADE"), index=True
    )
    target_number: Mapped[str] = mapped_column(sa.String(20))
    target_id: Mapped[int | None] = mapped_column(sa.ForeignKey("fiches.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(default=0)

    fiche: Mapped[Fiche] = relationship(back_populates="links", foreign_keys=[fiche_id])
    target: Mapped[Fiche | None] = relationship(foreign_keys=[target_id])


class Territory(db.Model):
    """A territory of the Département (bassin de vie…); territories form a tree."""

    __tablename__ = "territories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(60), default="Bassin de vie")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("territories.id", ondelete="RESTRICT"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)

    parent: Mapped["Territory | None"] = relationship(back_populates="children", remote_side=[id])
    children: Mapped[list["Territory"]] = relationship(
        back_populates="parent", order_by="Territory.position"
    )


class Public(db.Model):
    """A public the Département serves (personnes âgées, enfance-famille…)."""

    __tablename__ = "publics"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(60), unique=True)
    label: Mapped[str] = mapped_column(sa.String(200))
    position: Mapped[int] = mapped_column(default=0)


# --- Working groups' roster (their work is in consult.workgroups and consult.fiches) ---

MEMBER_ROLES = {
    "pilote": "Pilote",
    "copilote": "Co-pilote",
    "membre": "Membre",
    "representant_usagers": "Représentant·e des usagers",
}

working_group_fiches = sa.Table(
    "working_group_fiches",
    db.metadata,
    sa.Column(
        "working_group_id",
        sa.ForeignKey("working_groups.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("fiche_id", sa.ForeignKey("fiches.id", ondelete="CASCADE"), primary_key=True),
)


class WorkingGroup(TimestampMixin, db.Model):
    """A groupe de travail on a theme (or a set of fiches), piloted by a partner."""

    __tablename__ = "working_groups"
    __table_args__ = (sa.UniqueConstraint("scheme_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(
        sa.ForeignKey("schemes.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    theme_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("themes.id", ondelete="SET NULL"), index=True
    )
    pilot_organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="SET NULL")
    )
    copilot_organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="SET NULL")
    )
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    scheme = relationship("Scheme")
    theme = relationship("Theme")
    pilot_organisation = relationship("Organisation", foreign_keys=[pilot_organisation_id])
    copilot_organisation = relationship("Organisation", foreign_keys=[copilot_organisation_id])
    fiches = relationship("Fiche", secondary=working_group_fiches, order_by="Fiche.position")
    members: Mapped[list["Membership"]] = relationship(
        back_populates="group", cascade="all, delete-orphan", order_by="Membership.id"
    )


class Membership(db.Model):
    """One account's place in one working group."""

    __tablename__ = "working_group_members"
    __table_args__ = (sa.UniqueConstraint("working_group_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    working_group_id: Mapped[int] = mapped_column(
        sa.ForeignKey("working_groups.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(sa.String(30), default="membre")
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    group: Mapped[WorkingGroup] = relationship(back_populates="members")
    user = relationship("User")

    @property
    def role_label(self) -> str:
        return MEMBER_ROLES.get(self.role, self.role)
