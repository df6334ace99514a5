"""Public list of published contributions."""

import sqlalchemy as sa
from flask import Blueprint, render_template, request

from consult.contributions.models import KINDS
from consult.contributions.services import published_page
from consult.extensions import db
from consult.schemes.models import Territory

bp = Blueprint("contributions", __name__)


@bp.get("/contributions/")
def index():
    kind = request.args.get("type") if request.args.get("type") in KINDS else None
    territory_id = request.args.get("territoire", type=int)
    page = published_page(
        page=request.args.get("page", 1, type=int), kind=kind, territory_id=territory_id
    )
    territories = db.session.scalars(sa.select(Territory).order_by(Territory.position)).all()
    return render_template(
        "contributions/index.html",
        page=page,
        kinds=KINDS,
        territories=territories,
        kind=kind,
        territory_id=territory_id,
    )
