"""Sign-in, sign-out, passwords, invitations and the administrator's account list."""

import logging
import re
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from consult.accounts import services
from consult.accounts.forms import (
    ChangePasswordForm,
    ConfirmForm,
    ForgotPasswordForm,
    InviteForm,
    LoginForm,
    OrganisationForm,
    RegisterForm,
    SetPasswordForm,
)
from consult.accounts.models import Organisation, User
from consult.core.db import get_or_404, utcnow
from consult.core.errors import refuse
from consult.core.mail import public_url, send_mail
from consult.core.security import STAFF, admin_only
from consult.extensions import db, limiter, login_manager

bp = Blueprint("accounts", __name__)
log = logging.getLogger(__name__)


def init_app(app) -> None:
    """Wire Flask-Login's user loader."""

    @login_manager.user_loader
    def _load_user(user_id: str):
        ident, _, token = user_id.partition(":")
        user = db.session.get(User, int(ident)) if ident.isdigit() else None
        if user is None or not token or user.session_token != token or not user.is_active:
            return None
        return user


def _submitted_address() -> str:
    # Limiter key: each request to these forms sends a message to this address.
    return "address:" + services.normalise_email(request.form.get("email", ""))


# Each request costs an e-mail (and a database row): bounded per source and per
# target address, shared by the sign-up and forgotten-password forms.
mail_per_ip = limiter.shared_limit(
    lambda: current_app.config["ACCOUNT_MAIL_LIMIT_IP"],
    scope="account-mail-ip",
    key_func=get_remote_address,
    methods=["POST"],
)
mail_per_address = limiter.shared_limit(
    lambda: current_app.config["ACCOUNT_MAIL_LIMIT_ADDRESS"],
    scope="account-mail-address",
    key_func=_submitted_address,
    methods=["POST"],
)


def _client_ip() -> str:
    return request.remote_addr or "inconnue"


def _safe_next(target: str | None) -> str:
    """Only a path of this site: an open redirect would help phishing.

    Browsers drop tabs and newlines and read ``\\`` as ``/``: "/\t/evil" is "//evil".
    """
    cleaned = re.sub(r"[\x00-\x1f\x7f]", "", target or "").replace("\\", "/")
    parts = urlsplit(cleaned)
    if cleaned.startswith("/") and not cleaned.startswith("//") and not parts.netloc:
        return cleaned
    return url_for("site.home")


def _start_session(user: User, remember: bool = False) -> None:
    session.clear()  # a fresh session at sign-in: no fixation
    login_user(user, remember=remember)


@bp.route("/connexion", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        config = current_app.config
        try:
            user = services.authenticate(
                form.email.data,
                form.password.data,
                ip=_client_ip(),
                now=utcnow(),
                max_failures=config["LOGIN_MAX_FAILURES"],
                minutes=config["LOGIN_LOCK_MINUTES"],
                account_max_failures=config["LOGIN_ACCOUNT_MAX_FAILURES"],
            )
        except services.AccountError as error:
            db.session.commit()  # keep the failed attempt: it feeds the throttle
            flash(str(error), "error")
            return render_template("accounts/login.html", form=form), error.status
        db.session.commit()
        _start_session(user, form.remember.data)
        flash(f"Bienvenue, {user.display_name}.", "success")
        target = request.args.get("next") or _landing(user.role)
        return redirect(_safe_next(target))
    return render_template("accounts/login.html", form=form), 422 if form.errors else 200


def _landing(role: str) -> str | None:
    """Staff land on what waits for them, working group members on their groups."""
    if role in STAFF:
        return url_for("site.todo")
    if role == "member":
        return url_for("workgroups.index")
    return None


@bp.post("/deconnexion")
@login_required
def logout():
    if ConfirmForm().validate_on_submit():
        services.sign_out(current_user._get_current_object(), now=utcnow())
        db.session.commit()
        _end_session()
        flash("Vous êtes déconnecté·e.", "success")
    return redirect(url_for("site.home"))


def _end_session() -> None:
    session.clear()
    # After clear(): logout_user() leaves the marker that deletes the remember cookie.
    logout_user()


@bp.route("/inscription", methods=["GET", "POST"])
@mail_per_ip
@mail_per_address
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        user, outcome = services.register_participant(
            email=form.email.data, display_name=form.display_name.data, now=utcnow()
        )
        db.session.commit()
        _send_registration_mail(user, outcome)
        # The same answer whether the address is new or not: no account enumeration.
        flash(
            f"Un message vient d'être envoyé à {form.email.data}. Ouvrez le lien qu'il "
            "contient pour choisir votre mot de passe (il est valable 7 jours).",
            "success",
        )
        return redirect(url_for("site.home"))
    return render_template("accounts/register.html", form=form), 422 if form.errors else 200


def _send_registration_mail(user: User, outcome: str) -> None:
    """The activation link, or, for an address that has an account, a reminder."""
    if outcome == "activate":
        _send_invitation(user)
        return
    link = None
    if outcome == "existing":
        token = services.make_token(user, current_app.config["SECRET_KEY"], services.RESET_SALT)
        link = public_url("accounts.reset_password", token=token)
    send_mail(
        user.email,
        "Vous avez déjà un compte",
        render_template("emails/accounts/account_exists.txt", user=user, link=link),
    )


@bp.route("/mon-compte", methods=["GET", "POST"])
@login_required
def account():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user, form.current.data, form.password.data, now=utcnow()
            )
        except services.AccountError as error:
            refuse(error)
            return _account_page(form, 422)
        db.session.commit()
        _start_session(current_user._get_current_object())
        flash("Votre mot de passe est changé.", "success")
        return redirect(url_for("accounts.account"))
    return _account_page(form, 422 if form.errors else 200)


def _account_page(form, status: int):
    """The account, and what later domains show there (``services.account_shown``)."""
    user = current_user._get_current_object()
    sections = [section for _, section in services.account_shown.send(user)]
    return render_template("accounts/account.html", form=form, sections=sections), status


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
@mail_per_ip
@mail_per_address
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = services.find_user_by_email(form.email.data)
        if user is not None and user.is_active_account and user.password_hash:
            token = services.make_token(user, current_app.config["SECRET_KEY"], services.RESET_SALT)
            link = public_url("accounts.reset_password", token=token)
            send_mail(
                user.email,
                "Réinitialiser votre mot de passe",
                render_template("emails/accounts/reset.txt", user=user, link=link),
            )
            services.log_security_event("reset_requested", user=user, ip=_client_ip(), now=utcnow())
            db.session.commit()
        elif user is not None and user.is_active_account:
            _send_invitation(user)  # never activated: the activation link again
        # Same answer whether or not the address exists: no account enumeration.
        flash(
            "Si un compte existe pour cette adresse, un lien de réinitialisation "
            "vient d'y être envoyé. Il est valable une heure.",
            "success",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot.html", form=form), 422 if form.errors else 200


def _token_page(token: str, salt: str, max_age_key: str, template: str, kind: str):
    config = current_app.config
    try:
        user = services.read_token(token, config["SECRET_KEY"], salt, config[max_age_key])
    except services.AccountError as error:
        return render_template("accounts/token_invalid.html", message=str(error)), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            services.set_password(user, form.password.data, now=utcnow(), kind=kind)
        except services.AccountError as error:
            refuse(error)
            return render_template(template, form=form, user=user), 422
        db.session.commit()
        _start_session(user)
        flash("Votre mot de passe est enregistré. Vous êtes connecté·e.", "success")
        return redirect(url_for("site.home"))
    return render_template(template, form=form, user=user), 422 if form.errors else 200


@bp.route("/reinitialiser/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    return _token_page(
        token,
        services.RESET_SALT,
        "PASSWORD_RESET_MAX_AGE",
        "accounts/reset.html",
        "password_reset",
    )


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    return _token_page(
        token,
        services.INVITATION_SALT,
        "INVITATION_MAX_AGE",
        "accounts/invitation.html",
        "invitation_accepted",
    )


def _invite_form() -> InviteForm:
    form = InviteForm()
    organisations = db.session.scalars(sa.select(Organisation).order_by(Organisation.name))
    form.organisation_id.choices = {0: "— Aucune —"} | {o.id: o.name for o in organisations}
    return form


def _accounts_page(form, org_form, status=200):
    users = db.session.scalars(sa.select(User).order_by(User.role, User.display_name)).all()
    organisations = db.session.scalars(sa.select(Organisation).order_by(Organisation.name))
    return render_template(
        "accounts/admin_users.html",
        users=users,
        form=form,
        org_form=org_form,
        organisations=organisations.all(),
        confirm=ConfirmForm(),
    ), status


@bp.route("/admin/comptes", methods=["GET", "POST"])
@admin_only
def admin_users():
    form = _invite_form()
    if form.validate_on_submit():
        organisation = db.session.get(Organisation, form.organisation_id.data or 0)
        try:
            user = services.invite_user(
                current_user,
                email=form.email.data,
                display_name=form.display_name.data,
                role=form.role.data,
                organisation=organisation,
                now=utcnow(),
            )
        except services.AccountError as error:
            refuse(error)
            return _accounts_page(form, OrganisationForm(formdata=None), 422)
        db.session.commit()
        _send_invitation(user)
        flash(f"Invitation envoyée à {user.email}.", "success")
        return redirect(url_for("accounts.admin_users"))
    return _accounts_page(form, OrganisationForm(formdata=None), 422 if form.errors else 200)


def _send_invitation(user: User) -> None:
    token = services.make_token(user, current_app.config["SECRET_KEY"], services.INVITATION_SALT)
    link = public_url("accounts.accept_invitation", token=token)
    if user.invited_by_id is None:  # a participant who signed up: activation
        subject, template = "Activer votre compte", "emails/accounts/activation.txt"
    else:
        subject = "Invitation sur la plateforme de concertation"
        template = "emails/accounts/invitation.txt"
    send_mail(user.email, subject, render_template(template, user=user, link=link))


@bp.post("/admin/organisations")
@admin_only
def create_organisation():
    org_form = OrganisationForm()
    if org_form.validate_on_submit():
        try:
            services.create_organisation(org_form.name.data, org_form.kind.data)
        except services.AccountError as error:
            refuse(error)
            return _accounts_page(_invite_form(), org_form, 422)
        db.session.commit()
        flash("Organisation ajoutée.", "success")
        return redirect(url_for("accounts.admin_users"))
    return _accounts_page(_invite_form(), org_form, 422)


@bp.post("/admin/comptes/<int:user_id>/statut")
@admin_only
def toggle_user(user_id: int):
    user = get_or_404(db.session, User, user_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.set_account_active(
                current_user, user, not user.is_active_account, now=utcnow()
            )
        except services.AccountError as error:
            refuse(error)
            return redirect(url_for("accounts.admin_users"))
        db.session.commit()
        flash(
            "Compte réactivé." if user.is_active_account else "Compte suspendu.",
            "success",
        )
    return redirect(url_for("accounts.admin_users"))


@bp.post("/admin/comptes/<int:user_id>/relancer")
@admin_only
def resend_invitation(user_id: int):
    user = get_or_404(db.session, User, user_id)
    if ConfirmForm().validate_on_submit() and user.password_hash is None:
        _send_invitation(user)
        flash(f"Invitation renvoyée à {user.email}.", "success")
    return redirect(url_for("accounts.admin_users"))
