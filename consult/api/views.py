"""The /api routes: public lists (GET, CORS) and the partner write route (bearer token)."""

from flask import Blueprint, jsonify, request, url_for
from werkzeug.exceptions import HTTPException

from consult.api import auth, services
from consult.api.auth import TokenError
from consult.api.openapi import spec
from consult.api.services import ApiError
from consult.core.db import utcnow
from consult.extensions import csrf, db, limiter

bp = Blueprint("api", __name__, url_prefix="/api")
WRITE_SCOPE = "contributions:write"
WRITE_LIMIT = "60 per minute"
MESSAGES = {
    404: "Ressource introuvable.",
    405: "Méthode non autorisée.",
    413: "Requête trop volumineuse.",
    429: "Trop de requêtes avec ce jeton : réessayez dans une minute.",
}


def token_key() -> str:
    """Rate-limit key: the token (hashed), else the caller's address."""
    raw = auth.bearer(request.headers.get("Authorization"))
    return f"api-token:{auth.hash_token(raw)}" if raw else f"api-anon:{request.remote_addr}"


def _error(message: str, status: int):
    return jsonify({"erreur": message, "statut": status}), status


@bp.errorhandler(ApiError)
def _api_error(error: ApiError):
    return _error(str(error), error.status)


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    status = error.code or 500
    if status == 429 and request.endpoint == "api.create_contribution":
        services.audit(None, request, 429, "limite de débit", now=utcnow(), contribution_id=None)
        db.session.commit()
    return _error(MESSAGES.get(status, error.description or "Requête refusée."), status)


@bp.after_request
def _cors(response):
    if request.method in ("GET", "HEAD"):
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _page(resource: str):
    query = services.parse_query(resource, request.args)
    found = services.items(resource, query)
    start = (query.page - 1) * query.per_page
    following = None
    if start + query.per_page < len(found):
        args = {**request.args.to_dict(), "page": query.page + 1, "per_page": query.per_page}
        following = url_for(request.endpoint, **args)
    return jsonify(
        {
            "items": found[start : start + query.per_page],
            "page": query.page,
            "per_page": query.per_page,
            "total": len(found),
            "next": following,
        }
    )


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of this API."""
    return jsonify(spec())


@bp.get("/v1/schemes")
def schemes():
    return _page("schemes")


@bp.get("/v1/meetings")
def meetings():
    return _page("meetings")


@bp.get("/v1/meetings/<int:meeting_id>")
def meeting(meeting_id: int):
    found = services.public_meeting(meeting_id)
    if found is None:
        raise ApiError("Rencontre introuvable.", 404)
    return jsonify(found)


@bp.get("/v1/contributions")
def contributions():
    return _page("contributions")


@bp.get("/v1/fiches")
def fiches():
    return _page("fiches")


@bp.get("/v1/decisions")
def decisions():
    return _page("decisions")


@bp.get("/v1/ideas")
def ideas():
    return _page("ideas")


@bp.get("/v1/indicators")
def indicators():
    return _page("indicators")


@bp.get("/v1/measurements")
def measurements():
    return _page("measurements")


@bp.post("/v1/meetings/<int:meeting_id>/contributions")
@csrf.exempt  # authenticated by a bearer token only: no session cookie is read
@limiter.limit(WRITE_LIMIT, key_func=token_key)
def create_contribution(meeting_id: int):
    """Submit a contribution for a partner, as the form does (moderation, masking)."""
    now, token = utcnow(), None
    try:
        token = auth.authenticate(request.headers.get("Authorization"), WRITE_SCOPE, now=now)
        draft = services.draft_from(
            request.get_json(silent=True),
            request.headers.get("Idempotency-Key"),
            token.organisation_id,
        )
        contribution, created = services.submit(meeting_id, draft, token, now=now)
    except (TokenError, ApiError) as error:
        # Nothing was written but the token's last use: the audit row joins it.
        token = token or getattr(error, "token", None)
        services.audit(token, request, error.status, str(error), now=now, contribution_id=None)
        db.session.commit()
        return _error(str(error), error.status)
    status = 201 if created else 200
    outcome = f"contribution {'créée' if created else 'déjà reçue'} ({contribution.status})"
    services.audit(token, request, status, outcome, now=now, contribution_id=contribution.id)
    db.session.commit()
    return jsonify(services.contribution_receipt(contribution, created)), status
