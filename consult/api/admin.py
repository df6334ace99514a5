"""The administrator's page for partner API tokens: create, revoke, read the audit trail."""

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from consult.accounts.models import Organisation
from consult.accounts.services import log_security_event
from consult.api import auth
from consult.api.forms import TokenForm
from consult.api.models import SCOPES, ApiToken
from consult.core import idempotency
from consult.core.db import utcnow
from consult.core.security import admin_only
from consult.extensions import db

bp = Blueprint("api_admin", __name__)


def _organisations() -> list[Organisation]:
    return db.session.scalars(sa.select(Organisation).order_by(Organisation.name)).all()


def _page(form: TokenForm, created: tuple[ApiToken, str] | None = None, status: int = 200):
    organisations = _organisations()
    names = {o.id: o.name for o in organisations}
    return (
        render_template(
            "api/admin.html",
            form=form,
            tokens=auth.tokens(),
            calls=auth.recent_calls(),
            names=names,
            scopes=SCOPES,
            created=created,
        ),
        status,
    )


def _form() -> TokenForm:
    form = TokenForm()
    form.organisation_id.choices = {0: "— choisir —"} | {o.id: o.name for o in _organisations()}
    return form


@bp.get("/admin/api")
@admin_only
def tokens():
    form = _form()
    form.form_key.data = idempotency.new_key()
    return _page(form)


@bp.post("/admin/api")
@admin_only
def create_token():
    form = _form()
    if not form.validate_on_submit():
        return _page(form, status=422)
    if idempotency.already_done(form.form_key.data):
        flash(
            "Ce jeton a déjà été créé par ce formulaire ; sa valeur n'est affichée qu'une fois. "
            "Si vous ne l'avez pas notée, révoquez-le et créez-en un autre.",
            "info",
        )
        return redirect(url_for("api_admin.tokens"), 303)
    organisation = db.session.get(Organisation, form.organisation_id.data)
    token, raw = auth.create_token(
        organisation, form.scopes.data, name=form.name.data or "", now=utcnow()
    )
    log_security_event(
        "api_token_created", actor=current_user, detail=f"{token.prefix} {organisation.name}"
    )
    target = url_for("api_admin.tokens", _anchor=f"jeton-{token.id}")
    if idempotency.commit_once(form.form_key.data, target) != target:
        return redirect(url_for("api_admin.tokens"), 303)  # the other submission won
    # The clear value is shown in this answer only (never stored, never in the session).
    return _page(_form(), created=(token, raw))


@bp.post("/admin/api/jetons/<int:token_id>/revoquer")
@admin_only
def revoke_token(token_id: int):
    token = db.get_or_404(ApiToken, token_id)
    if token.active:
        auth.revoke_token(token, now=utcnow())
        log_security_event("api_token_revoked", actor=current_user, detail=token.prefix)
        db.session.commit()
        flash(f"Jeton {token.prefix}… révoqué : il est refusé dès maintenant.", "success")
    return redirect(url_for("api_admin.tokens"), 303)
