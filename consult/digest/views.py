"""Unsubscribing from digests, and the news block of the /suivi page."""

from types import SimpleNamespace

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from consult.contributions import services as contributions
from consult.core.db import utcnow
from consult.digest import services
from consult.digest.forms import ForgetAddressForm, UnsubscribeForm
from consult.extensions import csrf, db, limiter

bp = Blueprint("digest", __name__)


@bp.route("/nouvelles/desabonnement/<string(maxlength=64):token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058 one-click: mail clients POST without a form; the token is the proof
@limiter.limit("30 per minute")
def unsubscribe(token: str):
    subscription = services.find_subscription(token)
    done = subscription is None or subscription.unsubscribed_at is not None
    if request.method == "POST" and not done:
        services.unsubscribe(subscription, utcnow())
        db.session.commit()
        done = True
    return render_template("digest/unsubscribe.html", form=UnsubscribeForm(), done=done)


@bp.post("/suivi/nouvelles/effacer")
@limiter.limit("10 per minute")
def forget_address():
    form = ForgetAddressForm()
    contribution = contributions.find_by_receipt(form.code.data) if form.validate() else None
    if contribution is None:
        abort(404)
    if services.delete_address(contribution):
        db.session.commit()
        flash("Votre adresse e-mail est effacée : vous ne recevrez plus de nouvelles.", "success")
    else:
        flash("Aucune adresse e-mail n'était enregistrée pour cette contribution.", "info")
    return redirect(url_for("suite.track_link", code=contribution.receipt_code), 303)


def _keep_address(contribution, address: str, now) -> None:
    services.subscribe_address(contribution, address, now)


def _follow_up(contribution) -> SimpleNamespace:
    return SimpleNamespace(
        template="digest/_track.html",
        news=services.news_for(contribution),
        has_address=services.address_of(contribution) is not None,
        forget=ForgetAddressForm(formdata=None, code=contribution.receipt_code),
    )


def init_app(app) -> None:
    """Listen to the contribution pages (a later domain is never imported by them)."""
    contributions.news_address_given.connect(_keep_address)
    contributions.follow_up_shown.connect(_follow_up)
