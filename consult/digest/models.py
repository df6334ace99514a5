"""Digest data: who wants news, what happened to a fiche, what was already sent."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from consult.core.db import UTCDateTime, utcnow
from consult.extensions import db


class Subscription(db.Model):
    """One recipient of digests: an account holder, or an address left at submission.

    The address of an anonymous contributor is kept here, apart from the
    contribution, and never shown publicly; ``token`` is the unsubscribe link.
    """

    __tablename__ = "digest_subscriptions"
    __table_args__ = (sa.CheckConstraint("(user_id IS NULL) <> (email IS NULL)", name="recipient"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True
    )
    contribution_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("contributions.id", ondelete="CASCADE"), unique=True
    )
    email: Mapped[str | None] = mapped_column(sa.String(254))
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class NewsItem(db.Model):
    """Something that happened to a fiche (or a scheme's bilan), found once by its source."""

    __tablename__ = "digest_news"

    id: Mapped[int] = mapped_column(primary_key=True)
    # "status:<change id>", "milestone:<id>:<date>", "progress:<id>:<%>:<status>", "report:<id>"
    source: Mapped[str] = mapped_column(sa.String(120), unique=True)
    scheme_id: Mapped[int] = mapped_column(sa.ForeignKey("schemes.id", ondelete="CASCADE"))
    fiche_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("fiches.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(sa.String(700))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Delivery(db.Model):
    """A news item sent to a recipient: never sent twice."""

    __tablename__ = "digest_deliveries"
    __table_args__ = (sa.UniqueConstraint("subscription_id", "news_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(
        sa.ForeignKey("digest_subscriptions.id", ondelete="CASCADE")
    )
    news_id: Mapped[int] = mapped_column(
        sa.ForeignKey("digest_news.id", ondelete="CASCADE"), index=True
    )
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
