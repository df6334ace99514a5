"""An account holder's rights (RGPD): download everything, erase the account.

The same rights over one contribution, proved by its receipt code, are asked from the
contribution's tracking page (``suite.download_data``, ``suite.erase``),
which they re-render; they call :mod:`consult.privacy.services` too.
"""

import json

from flask import Blueprint, Response, flash, redirect, session, url_for
from flask_login import current_user, login_required, logout_user

from consult.accounts.passwords import verify_password
from consult.core.db import utcnow
from consult.extensions import db
from consult.privacy import services
from consult.privacy.forms import EraseAccountForm

bp = Blueprint("privacy", __name__)


@bp.get("/mon-compte/donnees")
@login_required
def download_data():
    """RGPD: the account and every contribution written with it, as one JSON file."""
    user = current_user._get_current_object()
    body = json.dumps(services.export_account(user), ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": "attachment; filename=mes-donnees.json",
            "Cache-Control": "no-store",  # personal data: never kept in a cache
        },
    )


@bp.post("/mon-compte/effacer")
@login_required
def erase_account():
    """RGPD: contributions stay, anonymous; the account is emptied and closed."""
    form = EraseAccountForm()
    user = current_user._get_current_object()
    if not form.validate_on_submit() or not verify_password(user.password_hash, form.password.data):
        flash("Mot de passe incorrect : votre compte n'a pas été effacé.", "error")
        return redirect(url_for("accounts.account"), 303)
    services.erase_account(user, now=utcnow())
    db.session.commit()
    session.clear()
    # After clear(): logout_user() leaves the marker that deletes the remember cookie.
    logout_user()
    flash("Votre compte est effacé ; vos contributions restent, sans votre nom.", "success")
    return redirect(url_for("site.home"), 303)
