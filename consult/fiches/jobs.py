"""Telling account holders that their contribution got an answer (the "droit de suite").

Participants without an account read the answer with their receipt code; those who
wrote with an account also get an e-mail, sent by a background job once the decision
is committed (retried if the mail server fails).
"""

import logging

import sqlalchemy as sa
from flask import render_template

from consult.accounts.models import User
from consult.contributions.models import Contribution
from consult.core.jobs import enqueue_after_commit
from consult.core.mail import send_mail
from consult.extensions import db
from consult.workgroups.models import RECEIPT_SENTENCES, Decision

log = logging.getLogger(__name__)


def queue_answer_mail(decision: Decision, account_link: str) -> None:
    """After the commit, e-mail the authors (with an account) the contribution's answer."""
    enqueue_after_commit(mail_answer, decision.id, account_link, label=f"suite:{decision.id}")


def _authors(contribution_id: int) -> list[User]:
    """Account holders who wrote the contribution or one merged into it."""
    written = sa.or_(
        Contribution.id == contribution_id, Contribution.merged_into_id == contribution_id
    )
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Contribution, Contribution.author_id == User.id)
            .where(written, User.is_active_account.is_(True), User.password_hash.is_not(None))
            .distinct()
        )
    )


def mail_answer(job_run_id: int, decision_id: int, account_link: str) -> int:
    """Send the answer to each author; returns how many messages were sent."""
    decision = db.session.get(Decision, decision_id)
    if decision is None:
        return 0
    authors = _authors(decision.contribution_id)
    for user in authors:
        body = render_template(
            "emails/answer.txt",
            user=user,
            decision=decision,
            sentence=RECEIPT_SENTENCES.get(decision.outcome, decision.outcome_label),
            account_link=account_link,
        )
        send_mail(user.email, "Votre contribution a reçu une réponse", body)
    log.info("job %s: answer %s sent to %s author(s)", job_run_id, decision_id, len(authors))
    return len(authors)
