"""Finding what moved on the fiches, who must hear it, and managing addresses."""

import secrets
from collections import defaultdict
from datetime import datetime

import sqlalchemy as sa

from consult.accounts.models import User
from consult.contributions.models import Contribution
from consult.digest.models import Delivery, NewsItem, Subscription
from consult.extensions import db
from consult.followup.models import ACTION_STATUSES, Milestone
from consult.reports.models import AnnualReport
from consult.schemes.models import FICHE_STATUSES, Action, Fiche
from consult.workgroups.models import (
    Decision,
    FicheContribution,
    FicheStatusChange,
)

NEWS_STATUSES = ("proposee", "validee", "adoptee")


def new_token() -> str:
    return secrets.token_urlsafe(32)


def subscribe_address(contribution: Contribution, email: str, now: datetime) -> Subscription:
    """Keep the address an anonymous contributor left to receive news (flushes)."""
    subscription = Subscription(
        contribution_id=contribution.id, email=email.strip(), token=new_token(), created_at=now
    )
    db.session.add(subscription)
    db.session.flush()
    return subscription


def address_of(contribution: Contribution) -> Subscription | None:
    return db.session.scalar(
        sa.select(Subscription).where(Subscription.contribution_id == contribution.id)
    )


def delete_address(contribution: Contribution) -> bool:
    """Forget the address left with this contribution; False if there was none."""
    subscription = address_of(contribution)
    if subscription is None:
        return False
    db.session.delete(subscription)
    db.session.flush()
    return True


def find_subscription(token: str) -> Subscription | None:
    return db.session.scalar(sa.select(Subscription).where(Subscription.token == token))


def unsubscribe(subscription: Subscription, now: datetime) -> None:
    """No more digests for this recipient; an anonymous address is erased at once."""
    if subscription.email is not None:
        db.session.delete(subscription)
    elif subscription.unsubscribed_at is None:
        subscription.unsubscribed_at = now
    db.session.flush()


def forget_withdrawn(now: datetime) -> int:
    """Erase the addresses left with contributions since withdrawn; returns how many."""
    withdrawn = sa.select(Contribution.id).where(Contribution.status == "withdrawn")
    result = db.session.execute(
        sa.delete(Subscription).where(Subscription.contribution_id.in_(withdrawn))
    )
    return result.rowcount


# --- What moved ---------------------------------------------------------------------


def _fiche_label(fiche: Fiche) -> str:
    return f"Fiche {fiche.number} « {fiche.title} »"


def _status_news(now: datetime):
    rows = db.session.execute(
        sa.select(FicheStatusChange, Fiche)
        .join(Fiche, Fiche.id == FicheStatusChange.fiche_id)
        .where(FicheStatusChange.to_status.in_(NEWS_STATUSES))
    )
    for change, fiche in rows:
        text = f"{_fiche_label(fiche)} : {FICHE_STATUSES[change.to_status].lower()}."
        yield f"status:{change.id}", fiche, text, change.decided_at


def _action_news(now: datetime):
    rows = db.session.execute(
        sa.select(Action, Fiche)
        .join(Fiche, Fiche.id == Action.fiche_id)
        .where(sa.or_(Action.progress > 0, Action.status != "a_venir"))
    )
    for action, fiche in rows:
        status = ACTION_STATUSES.get(action.status, action.status).lower()
        text = f"{_fiche_label(fiche)}, action « {action.title} » : {action.progress} %, {status}."
        yield f"progress:{action.id}:{action.progress}:{action.status}", fiche, text, now
    milestones = db.session.execute(
        sa.select(Milestone, Action, Fiche)
        .join(Action, Action.id == Milestone.action_id)
        .join(Fiche, Fiche.id == Action.fiche_id)
        .where(Milestone.done_on.is_not(None))
    )
    for milestone, action, fiche in milestones:
        text = (
            f"{_fiche_label(fiche)}, action « {action.title} » : jalon atteint, {milestone.label}."
        )
        yield f"milestone:{milestone.id}:{milestone.done_on}", fiche, text, now


def collect_news(now: datetime) -> int:
    """Record what moved since the last run (each change once); returns how many are new."""
    known = set(db.session.scalars(sa.select(NewsItem.source)))
    found = 0
    for source, fiche, text, when in (*_status_news(now), *_action_news(now)):
        if source not in known:
            known.add(source)
            db.session.add(
                NewsItem(
                    source=source,
                    scheme_id=fiche.scheme_id,
                    fiche_id=fiche.id,
                    text=text[:700],
                    occurred_at=when,
                )
            )
            found += 1
    reports = db.session.scalars(sa.select(AnnualReport).where(AnnualReport.status == "published"))
    for report in reports:
        if f"report:{report.id}" not in known:
            text = f"Le bilan {report.year} du schéma est publié."
            db.session.add(
                NewsItem(
                    source=f"report:{report.id}",
                    scheme_id=report.scheme_id,
                    text=text,
                    occurred_at=report.published_at or now,
                )
            )
            found += 1
    db.session.flush()
    return found


# --- Who hears it -------------------------------------------------------------------


def _links() -> dict[int, set[tuple[int, int]]]:
    """Contribution id → the (fiche, scheme) answering it, merged contributions included."""
    links: dict[int, set[tuple[int, int]]] = defaultdict(set)
    queries = (
        sa.select(FicheContribution.contribution_id, Fiche.id, Fiche.scheme_id).join(
            Fiche, Fiche.id == FicheContribution.fiche_id
        ),
        sa.select(Decision.contribution_id, Fiche.id, Fiche.scheme_id).join(
            Fiche, Fiche.id == Decision.fiche_id
        ),
    )
    for query in queries:
        for contribution_id, fiche_id, scheme_id in db.session.execute(query):
            links[contribution_id].add((fiche_id, scheme_id))
    merged = db.session.execute(
        sa.select(Contribution.id, Contribution.merged_into_id).where(
            Contribution.merged_into_id.in_(list(links))
        )
    )
    for contribution_id, target_id in merged.all():
        links[contribution_id] |= links[target_id]
    return links


def _concerns(item: NewsItem, fiches: set[tuple[int, int]], since: datetime) -> bool:
    if item.occurred_at < since:
        return False
    if item.fiche_id is None:
        return item.scheme_id in {scheme_id for _, scheme_id in fiches}
    return item.fiche_id in {fiche_id for fiche_id, _ in fiches}


def news_for(contribution: Contribution) -> list[NewsItem]:
    """What moved on the fiches answering this contribution since it was written."""
    fiches = _links().get(contribution.id, set())
    if not fiches:
        return []
    items = db.session.scalars(sa.select(NewsItem).order_by(NewsItem.occurred_at.desc()))
    return [item for item in items if _concerns(item, fiches, contribution.created_at)]


def _recipients(contributions, now: datetime) -> dict[int, list[Subscription]]:
    """Contribution id → its active recipients (author's account, address left)."""
    author_ids = {c.author_id for c in contributions if c.author_id}
    users = db.session.scalars(
        sa.select(User).where(
            User.id.in_(author_ids),
            User.is_active_account.is_(True),
            User.password_hash.is_not(None),
        )
    ).all()
    subscriptions = db.session.scalars(
        sa.select(Subscription).where(
            sa.or_(
                Subscription.user_id.in_(author_ids),
                Subscription.contribution_id.in_([c.id for c in contributions]),
            )
        )
    ).all()
    by_user = {s.user_id: s for s in subscriptions if s.user_id}
    for user in users:
        if user.id not in by_user:
            by_user[user.id] = Subscription(user_id=user.id, token=new_token(), created_at=now)
            db.session.add(by_user[user.id])
    by_address = {s.contribution_id: s for s in subscriptions if s.email}
    active_users = {user.id for user in users}
    recipients = {}
    for c in contributions:
        found = [by_user[c.author_id]] if c.author_id in active_users else []
        found += [by_address[c.id]] if c.id in by_address else []
        recipients[c.id] = [s for s in found if s.unsubscribed_at is None]
    db.session.flush()
    return recipients


def pending_digests(now: datetime) -> dict[Subscription, list[NewsItem]]:
    """Each recipient with the news not sent to them yet, oldest first."""
    links = _links()
    contributions = db.session.scalars(
        sa.select(Contribution).where(Contribution.id.in_(list(links)))
    ).all()
    recipients = _recipients(contributions, now)
    news = db.session.scalars(sa.select(NewsItem).order_by(NewsItem.occurred_at, NewsItem.id))
    news = news.all()
    sent = set(db.session.execute(sa.select(Delivery.subscription_id, Delivery.news_id)))
    digests: dict[Subscription, list[NewsItem]] = defaultdict(list)
    for contribution in contributions:
        for item in news:
            if not _concerns(item, links[contribution.id], contribution.created_at):
                continue
            for subscription in recipients[contribution.id]:
                pending = (subscription.id, item.id) not in sent
                if pending and item not in digests[subscription]:
                    digests[subscription].append(item)
    return {s: sorted(items, key=lambda i: (i.occurred_at, i.id)) for s, items in digests.items()}


def record_sent(subscription: Subscription, items: list[NewsItem], now: datetime) -> None:
    """Remember these news were sent to this recipient (flushes)."""
    db.session.add_all(
        Delivery(subscription_id=subscription.id, news_id=item.id, sent_at=now) for item in items
    )
    db.session.flush()
