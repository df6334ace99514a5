"""A synthesis (its scope and template), its versions (generated document + editorial), the
working groups it is shared with and their validations of a version."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.accounts.models import User
from consult.core.db import TimestampMixin, UTCDateTime, utcnow
from consult.core.jobs import JobRun
from consult.extensions import db
from consult.schemes.models import Scheme

TEMPLATES = {
    "concertations": "Synthèse des concertations territoriales",
    "universite_sociale": "Actes de l'université sociale",
    "groupe_de_travail": "Synthèse pour un groupe de travail",
    "rencontre": "Synthèse d'une rencontre",
}
# How each template groups what was said (per theme, per fiche, per user group, all together).
TEMPLATE_GROUPING = {
    "concertations": "theme",
    "universite_sociale": "group",
    "groupe_de_travail": "fiche",
    "rencontre": "theme",
}
VERSION_STATUSES = {
    "draft": "Brouillon",
    "shared": "Partagée avec le groupe de travail",
    "published": "Publiée",
}
VERSION_TRANSITIONS = {"draft": ("shared", "published"), "shared": ("draft", "published")}


class Synthesis(TimestampMixin, db.Model):
    """What a facilitator asked for: a template and a scope over the contributions."""

    __tablename__ = "syntheses"

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(sa.ForeignKey("schemes.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(sa.String(300))
    template: Mapped[str] = mapped_column(sa.String(30))
    # meeting_ids, territory_ids, theme_ids, fiche_ids, public_ids, author_types, kinds,
    # date_from, date_to (ISO dates), published_only (bool).
    scope: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    job_run_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("job_runs.id", ondelete="SET NULL")
    )

    scheme: Mapped[Scheme] = relationship()
    created_by: Mapped[User | None] = relationship()
    job_run: Mapped[JobRun | None] = relationship()
    versions: Mapped[list["SynthesisVersion"]] = relationship(
        back_populates="synthesis",
        order_by="SynthesisVersion.number.desc()",
        cascade="all, delete-orphan",
    )

    @property
    def template_label(self) -> str:
        return TEMPLATES.get(self.template, self.template)

    @property
    def latest(self) -> "SynthesisVersion | None":
        return self.versions[0] if self.versions else None


class SynthesisVersion(db.Model):
    """One generation of a synthesis: never changed afterwards, except its editorial part."""

    __tablename__ = "synthesis_versions"
    __table_args__ = (sa.UniqueConstraint("synthesis_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    synthesis_id: Mapped[int] = mapped_column(
        sa.ForeignKey("syntheses.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column()
    status: Mapped[str] = mapped_column(sa.String(20), default="draft")
    document: Mapped[dict] = mapped_column(sa.JSON)
    # introduction, analysis, conclusions: sanitised HTML written by the facilitator.
    editorial: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    contribution_count: Mapped[int] = mapped_column(default=0)
    generated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status_changed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    synthesis: Mapped[Synthesis] = relationship(back_populates="versions")

    @property
    def status_label(self) -> str:
        return VERSION_STATUSES.get(self.status, self.status)


CURATION_ACTIONS = {
    "rename": "Idée renommée",
    "merge": "Idées fusionnées",
    "split": "Idée scindée",
    "move": "Contribution déplacée",
    "quotes": "Citations choisies",
    "hide": "Idée masquée",
    "show": "Idée affichée de nouveau",
}


class IdeaCuration(db.Model):
    """One change the team made to the ideas of a synthesis, re-applied to every version.

    Ideas are found again by their contributions (``idea_ids``), so a regenerated version
    inherits the curation; each row is also the history entry (who, when, what).
    """

    __tablename__ = "idea_curations"

    id: Mapped[int] = mapped_column(primary_key=True)
    synthesis_id: Mapped[int] = mapped_column(
        sa.ForeignKey("syntheses.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(sa.String(20))
    idea_ids: Mapped[list] = mapped_column(sa.JSON, default=list)  # the curated idea
    other_ids: Mapped[list] = mapped_column(sa.JSON, default=list)  # merged, split, moved…
    title: Mapped[str] = mapped_column(sa.String(300), default="")
    summary: Mapped[str] = mapped_column(sa.String(600), default="")  # for the history
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    author: Mapped[User | None] = relationship()

    @property
    def action_label(self) -> str:
        return CURATION_ACTIONS.get(self.action, self.action)


class GroupSynthesis(db.Model):
    """A synthesis shared with a working group (the group reads its shared/published versions)."""

    __tablename__ = "working_group_syntheses"

    working_group_id: Mapped[int] = mapped_column(
        sa.ForeignKey("working_groups.id", ondelete="CASCADE"), primary_key=True
    )
    synthesis_id: Mapped[int] = mapped_column(
        sa.ForeignKey("syntheses.id", ondelete="CASCADE"), primary_key=True
    )
    shared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    shared_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    group = relationship("WorkingGroup")
    synthesis = relationship("Synthesis")


class SynthesisValidation(db.Model):
    """A user representative's "relue et validée" on a synthesis version, for one group.

    A representative without an account (or not at ease with screens) validates on paper
    or aloud in a meeting: a facilitator records it in their name (``on_behalf_of``), and
    ``user_id`` is then the facilitator who recorded it.
    """

    __tablename__ = "synthesis_validations"
    __table_args__ = (
        sa.UniqueConstraint(
            "working_group_id",
            "version_id",
            "user_id",
            "on_behalf_of",
            name="uq_synthesis_validations_who",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    working_group_id: Mapped[int] = mapped_column(
        sa.ForeignKey("working_groups.id", ondelete="CASCADE"), index=True
    )
    version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("synthesis_versions.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    on_behalf_of: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    validated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User")
