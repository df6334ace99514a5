"""The « Données ouvertes » page and the files it links, at stable URLs."""

import sqlalchemy as sa
from flask import Blueprint, abort, render_template, send_from_directory

from consult.core.db import utcnow
from consult.extensions import db
from consult.opendata import files, services
from consult.schemes.models import Scheme

bp = Blueprint("opendata", __name__, url_prefix="/donnees-ouvertes")
MIMETYPES = {".csv": "text/csv", ".json": "application/json", ".md": "text/markdown"}


@bp.get("/")
def index():
    """Every scheme's file set (built on first download if need be) and its columns."""
    schemes = db.session.scalars(sa.select(Scheme).order_by(Scheme.title)).all()
    return render_template(
        "opendata/index.html",
        schemes=schemes,
        datasets=services.DATASETS,
        small=services.SMALL_CELL,
        licence=services.LICENCE,
    )


@bp.get("/<slug>/<name>")
def download(slug: str, name: str):
    """One file; only the documented names are served, as stored by the last rebuild."""
    if name not in files.file_names():
        abort(404)
    scheme = db.session.scalar(sa.select(Scheme).where(Scheme.slug == slug))
    if scheme is None:
        abort(404)
    if not (files.directory(scheme.slug) / name).is_file():
        # Never built yet (a new scheme, or the job has not run): build it now, once.
        files.write_all(scheme, now=utcnow())
    suffix = "." + name.rsplit(".", 1)[-1]
    return send_from_directory(
        files.directory(scheme.slug), name, mimetype=MIMETYPES[suffix], max_age=300
    )
