"""Home page, branding stylesheet and logo, legal pages, administration home."""

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from consult.core.cache import public_body
from consult.core.db import utcnow
from consult.core.errors import refuse
from consult.core.security import admin_only, staff_only
from consult.extensions import db
from consult.meetings.models import Meeting
from consult.schemes.services import list_schemes
from consult.site import services
from consult.site.forms import SettingsForm
from consult.site.todo import staff_todo

bp = Blueprint("site", __name__)


def init_app(app) -> None:
    """Make the branding available to every template."""

    @app.context_processor
    def _inject_site():
        try:
            settings = services.branding()
        except SQLAlchemyError:
            # The error page must render even when the database is down.
            db.session.rollback()
            settings = services.default_branding()
        return {"site": settings, "user": current_user}


@bp.get("/")
def home():
    """The same page for every visitor: kept until a meeting, a scheme, a contribution or
    the branding changes (``core.cache.public_body``); its form gets a fresh token."""
    return render_template("site/home.html", body=public_body(("site", "home"), _home_body))


def _home_body() -> str:
    open_meetings = db.session.scalars(
        sa.select(Meeting).where(Meeting.status == "open").order_by(Meeting.held_on)
    ).all()
    return render_template(
        "site/_home_body.html",
        schemes=list_schemes(),
        open_meetings=open_meetings,
        figures=services.home_figures(),
    )


@bp.get("/theme.css")
def theme_css():
    colour = services.branding().primary_colour
    css = f":root {{ --brand: {colour}; }}\n"
    response = Response(css, mimetype="text/css", headers={"Cache-Control": "no-cache"})
    response.add_etag()  # revalidated on every page, answered 304 while unchanged
    return response.make_conditional(request)


@bp.get("/logo")
def logo():
    settings = services.get_settings()
    if not settings.logo:
        abort(404)
    return Response(
        settings.logo,
        mimetype=settings.logo_mimetype,
        headers={"Cache-Control": "no-cache"},
    )


@bp.get("/accessibilite")
def accessibility():
    return render_template("site/accessibility.html")


@bp.get("/donnees-personnelles")
def privacy():
    return render_template("site/privacy.html")


@bp.get("/admin/")
@staff_only
def admin_home():
    return render_template("site/admin.html")


@bp.get("/a-faire")
@staff_only
def todo():
    """Where staff land after signing in: what waits for them."""
    return render_template("site/todo.html", todo=staff_todo(utcnow().date()))


@bp.route("/admin/apparence", methods=["GET", "POST"])
@admin_only
def settings():
    current = services.get_settings()
    form = SettingsForm(obj=current)
    if form.validate_on_submit():
        upload = form.logo.data
        try:
            services.update_settings(
                department_name=form.department_name.data,
                platform_name=form.platform_name.data,
                primary_colour=form.primary_colour.data,
                contact_email=form.contact_email.data or "",
                logo=upload.read() if upload else None,
                remove_logo=form.remove_logo.data,
            )
        except services.SiteError as error:
            refuse(error)
            return render_template("site/settings.html", form=form), 422
        db.session.commit()
        flash("Apparence enregistrée.", "success")
        return redirect(url_for("site.settings"))
    return render_template("site/settings.html", form=form), 422 if form.errors else 200
