"""Sending the digests: one e-mail per recipient with everything new since the last one."""

import logging
from datetime import datetime

from flask import render_template

from consult.accounts.models import User
from consult.core.mail import public_url, send_mail
from consult.digest import services
from consult.digest.models import NewsItem, Subscription
from consult.extensions import db

log = logging.getLogger(__name__)
SUBJECT = "Des nouvelles des fiches qui répondent à votre contribution"


def _address(subscription: Subscription) -> str:
    if subscription.email is not None:
        return subscription.email
    return db.session.get(User, subscription.user_id).email


def mail_digest(subscription: Subscription, items: list[NewsItem]) -> None:
    """Send one recipient their digest, with a one-click unsubscribe link."""
    unsubscribe = public_url("digest.unsubscribe", token=subscription.token)
    body = render_template(
        "emails/digest/digest.txt",
        items=items,
        unsubscribe=unsubscribe,
        follow=public_url("suite.track"),
    )
    headers = {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    send_mail(_address(subscription), SUBJECT, body, headers=headers)


def send_digests(now: datetime) -> tuple[int, int]:
    """Collect what moved, send each recipient one digest, commit once.

    Run daily (``flask digest send`` from cron): a day's changes to a fiche make
    one message, and a run twice sends nothing twice (deliveries are recorded).
    :returns: (news found in this run, digests sent)
    """
    services.forget_withdrawn(now)
    found = services.collect_news(now)
    digests = services.pending_digests(now)
    for subscription, items in digests.items():
        mail_digest(subscription, items)
        services.record_sent(subscription, items, now)
    db.session.commit()
    log.info("digest: %s new item(s), %s digest(s) sent", found, len(digests))
    return found, len(digests)
