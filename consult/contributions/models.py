"""A contribution and the publics it concerns."""

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.accounts.models import Organisation, User
from consult.core.db import TimestampMixin, UTCDateTime, utcnow
from consult.extensions import db
from consult.meetings.models import Meeting
from consult.schemes.models import Public, Territory

KINDS = {
    "constat": "Constat",
    "proposition": "Proposition",
    "question": "Question",
    "temoignage": "Témoignage",
}
# The same kinds, as the easy-read (FALC) form and pages say them.
FALC_KINDS = {
    "constat": "Je parle d'un problème",
    "proposition": "J'ai une idée",
    "question": "J'ai une question",
    "temoignage": "Je raconte ce que je vis",
}
AUTHOR_TYPES = {
    "usager": "Usager·e",
    "proche_aidant": "Proche ou aidant·e",
    "professionnel": "Professionnel·le",
    "partenaire": "Partenaire",
    "elu": "Élu·e",
    "agent": "Agent du Département",
}
CHANNELS = {
    "en_ligne": "En ligne",
    "en_salle": "En salle",
    "papier": "Papier",
    "import": "Import",
}
STATUSES = {
    "pending": "À modérer",
    "published": "Publiée",
    "rejected": "Rejetée",
    "merged": "Fusionnée",
    "withdrawn": "Retirée par son auteur",
}
REPORT_REASONS = {
    "injurieux": "Propos injurieux ou discriminatoires",
    "donnees_personnelles": "Contient des données personnelles",
    "hors_sujet": "Hors sujet",
    "autre": "Autre raison",
}
RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
# Times a sweeper may take a contribution to compute its tag suggestions: one whose
# computation fails (or kills the worker) this often is left without suggestions.
SUGGEST_ATTEMPTS = 3

contribution_publics = sa.Table(
    "contribution_publics",
    db.metadata,
    sa.Column(
        "contribution_id",
        sa.ForeignKey("contributions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("public_id", sa.ForeignKey("publics.id", ondelete="CASCADE"), primary_key=True),
)


RECEIPT_LENGTH = 10
# Every code of RECEIPT_LENGTH characters, numbered: one draw below this picks a code.
_RECEIPT_CODES = len(RECEIPT_ALPHABET) ** RECEIPT_LENGTH


def new_receipt_code() -> str:
    """A code the participant keeps to find out what became of the contribution.

    Each code equally likely, as ten ``secrets.choice``, from one ``secrets.randbelow``
    over all the codes read in base 31 (one read of the system's randomness instead of
    ten or more: issue 17, 28 µs → 3 µs per contribution)."""
    number = secrets.randbelow(_RECEIPT_CODES)
    size = len(RECEIPT_ALPHABET)
    characters = []
    for _ in range(RECEIPT_LENGTH):
        number, digit = divmod(number, size)
        characters.append(RECEIPT_ALPHABET[digit])
    raw = "".join(characters)
    return f"{raw[:5]}-{raw[5:]}"


class Contribution(TimestampMixin, db.Model):
    """What one participant (or a group, recorded by a facilitator) said."""

    __tablename__ = "contributions"
    __table_args__ = (
        # The moderation queue: pending work oldest first, everything else newest first.
        sa.Index("ix_contributions_status_created_at", "status", "created_at", "id"),
        sa.Index("ix_contributions_created_at", "created_at", "id"),
        # A meeting's published contributions, newest first (droit de suite, 100k rows).
        sa.Index(
            "ix_contributions_meeting_status_created_at", "meeting_id", "status", "created_at", "id"
        ),
        # Contributions whose tag suggestions are not computed yet (a few at a time).
        sa.Index(
            "ix_contributions_suggestions_pending",
            "id",
            sqlite_where=sa.text("suggested_at IS NULL"),
            postgresql_where=sa.text("suggested_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Indexed by ix_contributions_meeting_status_created_at (its first column), as is
    # ``status`` by ix_contributions_status_created_at: no index of their own to keep up.
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="RESTRICT"))
    body: Mapped[str] = mapped_column(sa.Text)
    kind: Mapped[str] = mapped_column(sa.String(20), default="proposition")
    author_type: Mapped[str] = mapped_column(sa.String(20), default="usager")
    channel: Mapped[str] = mapped_column(sa.String(20), default="en_ligne")
    status: Mapped[str] = mapped_column(sa.String(20), default="pending")
    pseudonym: Mapped[str] = mapped_column(sa.String(80), default="")
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="SET NULL")
    )
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    on_behalf_of: Mapped[str] = mapped_column(sa.String(200), default="")
    territory_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("territories.id", ondelete="SET NULL"), index=True
    )
    receipt_code: Mapped[str] = mapped_column(sa.String(12), unique=True, default=new_receipt_code)
    idempotency_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    support_count: Mapped[int] = mapped_column(default=0)
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Moderation (see consult.moderation): the original text is kept, for
    # moderators only, when the text is edited or masked, until retention purges it.
    rejection_reason: Mapped[str] = mapped_column(sa.String(30), default="")
    rejection_note: Mapped[str] = mapped_column(sa.Text, default="")
    original_body: Mapped[str | None] = mapped_column(sa.Text)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    edited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    merged_into_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("contributions.id", ondelete="SET NULL"), index=True
    )
    has_personal_data: Mapped[bool] = mapped_column(default=False, index=True)
    # How many people sent this idea: 1, plus the weights of the contributions merged
    # into it (a campaign of 50 identical texts merged into one weighs 50). Syntheses
    # count it as that many authors of one idea.
    weight: Mapped[int] = mapped_column(default=1, server_default="1")
    # When its tag suggestions were last computed (none may have scored enough); NULL:
    # not yet, the worker's sweeper (or, without a worker, the request) computes them.
    suggested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Times a sweeper took it to compute them (kept across restarts: bounded, see
    # consult.tagging.jobs), and when the sweeper computing them now took it.
    suggest_attempts: Mapped[int] = mapped_column(sa.SmallInteger, default=0, server_default="0")
    suggest_claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    meeting: Mapped[Meeting] = relationship()
    territory: Mapped[Territory | None] = relationship()
    publics: Mapped[list[Public]] = relationship(
        secondary=contribution_publics, order_by=Public.position
    )
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    organisation: Mapped[Organisation | None] = relationship()

    @property
    def suggestions_given_up(self) -> bool:
        """Its suggestions failed every attempt: facilitators tag it by hand."""
        return self.suggested_at is not None and self.suggest_attempts >= SUGGEST_ATTEMPTS

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)

    @property
    def channel_label(self) -> str:
        return CHANNELS.get(self.channel, self.channel)

    @property
    def author_type_label(self) -> str:
        return AUTHOR_TYPES.get(self.author_type, self.author_type)

    @property
    def public_signature(self) -> str:
        """How the author is shown in public: never an account's real name."""
        if self.organisation is not None:
            return self.organisation.name
        return self.pseudonym or "Participant·e anonyme"


class Support(db.Model):
    """A "je soutiens" on a published contribution: once per supporter."""

    __tablename__ = "supports"
    __table_args__ = (sa.UniqueConstraint("contribution_id", "supporter_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contributions.id", ondelete="CASCADE"), index=True
    )
    # The account id ("u:12") or a random browser token ("b:…"), never an IP.
    supporter_key: Mapped[str] = mapped_column(sa.String(80))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Report(db.Model):
    """A participant's or partner's report on a published contribution."""

    __tablename__ = "reports"
    __table_args__ = (sa.UniqueConstraint("contribution_id", "reporter_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contributions.id", ondelete="CASCADE"), index=True
    )
    reporter_key: Mapped[str] = mapped_column(sa.String(80))
    reason: Mapped[str] = mapped_column(sa.String(30))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(20), default="open", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    handled_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    contribution: Mapped[Contribution] = relationship()


class ContributionImport(TimestampMixin, db.Model):
    """An uploaded CSV/XLSX file waiting for its column mapping and confirmation."""

    __tablename__ = "contribution_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    filename: Mapped[str] = mapped_column(sa.String(255))
    # SHA-256 of the file: recognises it when it comes again, even once its content is gone.
    checksum: Mapped[str] = mapped_column(sa.String(64), default="", server_default="", index=True)
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)
    mapping: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    status: Mapped[str] = mapped_column(sa.String(20), default="uploaded")
    row_count: Mapped[int] = mapped_column(default=0)
    imported_count: Mapped[int] = mapped_column(default=0)

    meeting: Mapped[Meeting] = relationship()
