"""Browse the scheme (public) and import one (administrators)."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from consult.core.db import utcnow
from consult.core.errors import refuse
from consult.core.security import admin_only
from consult.extensions import db
from consult.schemes import services
from consult.schemes.forms import LevelNamesForm, PublicForm, SchemeImportForm, TerritoryForm
from consult.schemes.importer import SchemeImportError, import_scheme, load_document
from consult.schemes.models import DEFAULT_LEVEL_NAMES
from consult.schemes.permissions import can_import_scheme

bp = Blueprint("schemes", __name__)


def _scheme_or_404(slug: str):
    scheme = services.get_scheme(slug)
    if scheme is None:
        abort(404)
    return scheme


@bp.get("/schemas/")
def index():
    return render_template(
        "schemes/index.html",
        schemes=services.list_schemes(),
        can_import=can_import_scheme(current_user),
    )


@bp.get("/schemas/<slug>/")
def show(slug: str):
    scheme = _scheme_or_404(slug)
    return render_template(
        "schemes/show.html",
        scheme=scheme,
        groups=services.fiches_by_group(scheme),
        can_import=can_import_scheme(current_user),
    )


@bp.get("/territoires/")
def territories():
    return render_template(
        "schemes/territories.html",
        territories=services.list_territories(),
        publics=services.list_publics(),
    )


def _territory_forms(territory_form=None, public_form=None):
    territory_form = territory_form or TerritoryForm(formdata=None)
    roots = services.list_territories()
    territory_form.parent_id.choices = {0: "— Aucun (territoire de premier niveau) —"} | {
        t.id: t.name for t in roots
    }
    return territory_form, public_form or PublicForm(formdata=None)


def _references_page(territory_form, public_form, status=200):
    return render_template(
        "schemes/admin_territories.html",
        territories=services.list_territories(),
        publics=services.list_publics(),
        territory_form=territory_form,
        public_form=public_form,
    ), status


@bp.get("/admin/territoires")
@admin_only
def admin_territories():
    return _references_page(*_territory_forms())


@bp.post("/admin/territoires")
@admin_only
def add_territory():
    form, public_form = _territory_forms(TerritoryForm())
    if not form.validate_on_submit():
        return _references_page(form, public_form, 422)
    try:
        services.add_territory(
            name=form.name.data, kind=form.kind.data, parent_id=form.parent_id.data or None
        )
    except services.TerritoryError as error:
        refuse(error)
        return _references_page(form, public_form, 422)
    db.session.commit()
    flash("Territoire ajouté.", "success")
    return redirect(url_for("schemes.admin_territories"))


@bp.post("/admin/publics")
@admin_only
def add_public():
    territory_form, form = _territory_forms(public_form=PublicForm())
    if not form.validate_on_submit():
        return _references_page(territory_form, form, 422)
    try:
        services.add_public(label=form.label.data)
    except services.TerritoryError as error:
        refuse(error)
        return _references_page(territory_form, form, 422)
    db.session.commit()
    flash("Public ajouté.", "success")
    return redirect(url_for("schemes.admin_territories"))


@bp.route("/admin/schemas/importer", methods=["GET", "POST"])
@admin_only
def import_form():
    form = SchemeImportForm()
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            document = load_document(form.document.data.read())
            scheme = import_scheme(document, actor=current_user, now=utcnow())
        except SchemeImportError as error:
            db.session.rollback()
            errors = error.errors
        else:
            db.session.commit()
            flash(f"Schéma importé : {len(scheme.fiches)} fiches.", "success")
            return redirect(url_for("schemes.show", slug=scheme.slug))
    status = 422 if (errors or form.errors) else 200
    return render_template("schemes/import.html", form=form, errors=errors), status


@bp.route("/admin/schemas/<slug>/niveaux", methods=["GET", "POST"])
@admin_only
def levels(slug: str):
    scheme = _scheme_or_404(slug)
    form = LevelNamesForm(data={k: scheme.level(k) for k in DEFAULT_LEVEL_NAMES})
    if form.validate_on_submit():
        services.set_level_names(scheme, {k: form[k].data for k in DEFAULT_LEVEL_NAMES})
        db.session.commit()
        flash("Noms des niveaux enregistrés.", "success")
        return redirect(url_for("schemes.show", slug=scheme.slug))
    return render_template("schemes/levels.html", form=form, scheme=scheme), (
        422 if form.errors else 200
    )
