"""French error pages that leak nothing, and the one base of the domains' refusals.

A service refuses a request by raising a :class:`DomainError` subclass whose message is
written for the person, in French. A view that re-renders its form calls
:func:`refuse` (undo the request's writes, flash the message); one the view does not
catch gets the 422 page with that message (``init_app``).
"""

import logging

import sqlalchemy as sa
from flask import flash, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from consult.extensions import db

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Requête incorrecte", "La demande n'a pas pu être comprise."),
    403: ("Accès refusé", "Vous n'avez pas l'autorisation d'accéder à cette page."),
    404: ("Page introuvable", "Cette page n'existe pas ou n'est plus disponible."),
    405: ("Action impossible", "Cette action n'est pas possible à cette adresse."),
    413: (
        "Envoi trop volumineux",
        "Le contenu envoyé dépasse la taille autorisée. Réduisez-le puis réessayez.",
    ),
    422: ("Demande refusée", "La demande n'a pas pu être enregistrée."),
    429: (
        "Trop de tentatives",
        "Vous avez fait trop de tentatives. Patientez quelques minutes puis réessayez.",
    ),
    500: (
        "Erreur du service",
        "Une erreur s'est produite de notre côté. Rien de ce que vous aviez déjà "
        "enregistré n'est perdu. Réessayez dans un instant.",
    ),
    503: (
        "Service très sollicité",
        "Le service est très sollicité en ce moment et n'a pas pu enregistrer votre envoi. "
        "Rien de ce que vous aviez déjà enregistré n'est perdu. Réessayez dans une minute.",
    ),
}
# The database busy or out of reach (SQLite's lock held past its timeout, every pooled
# connection taken, PostgreSQL restarting): the request can be sent again as it was.
BUSY = (sa.exc.OperationalError, sa.exc.TimeoutError)


class DomainError(Exception):
    """A use case refused; ``str(error)`` is the French message shown to the person.

    :param field: the form field the refusal is about ("" for the whole request).
    :param status: the HTTP status the view answers with (422 unless said otherwise).
    """

    status = 422

    def __init__(self, message: str = "", *, field: str = "", status: int | None = None):
        super().__init__(message)
        self.field = field
        if status is not None:
            self.status = status


class NotFoundError(DomainError):
    """The thing asked for does not exist or is out of the person's sight: a 404 page.

    Raised by scoped getters (``core.db.get_or_404``, ``<domain>_or_404`` in services and
    permissions) so that services never ``abort``; the message defaults to the standard
    French 404 text, which reveals nothing about whether the thing exists.
    """

    status = 404


class ForbiddenError(DomainError):
    """The person may not do this: a 403 page (the standard French text by default)."""

    status = 403


def refuse(error: DomainError, form=None, default_field: str = "") -> None:
    """Undo what the request wrote and show the refusal's French message.

    With a ``form``, the message goes under the field the error names (``error.field``),
    else under ``default_field``; without one, it is flashed for the next page.
    """
    db.session.rollback()
    if form is None:
        flash(str(error), "error")
        return
    field = getattr(form, error.field or default_field, None) or form[default_field]
    field.errors = [*field.errors, str(error)]


def _text(code: int) -> str:
    return MESSAGES.get(code, MESSAGES[500 if code >= 500 else 400])[1]


def _render(code: int, detail: str | None = None, kept_text: str | None = None):
    title, text = MESSAGES.get(code, MESSAGES[500 if code >= 500 else 400])
    return (
        render_template(
            "errors/error.html", code=code, title=title, text=detail or text, kept_text=kept_text
        ),
        code,
    )


def init_app(app) -> None:
    """Register the error handlers."""

    @app.errorhandler(CSRFError)
    def _csrf_error(error):
        # A participant's text is given back (escaped on output) so that it is not lost.
        return _render(
            400,
            "Le formulaire a expiré ou a été envoyé deux fois. Rechargez la page puis recommencez.",
            kept_text=request.form.get("body", "")[:5000] or None,
        )

    @app.errorhandler(DomainError)
    def _domain_error(error):
        # A refusal no view caught: nothing it wrote is kept, the person reads why.
        db.session.rollback()
        message = str(error) or _text(error.status)
        if request.path.startswith("/api/"):
            return {"erreur": message, "statut": error.status}, error.status
        return _render(error.status, message)

    @app.errorhandler(HTTPException)
    def _http_error(error):
        if request.path.startswith("/api/"):  # the API answers JSON, even to a bad URL
            code = error.code or 500
            return {"erreur": MESSAGES.get(code, MESSAGES[400])[1], "statut": code}, code
        return _render(error.code or 500)

    @app.errorhandler(Exception)
    def _unexpected(error):
        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001 - the connection itself may be what failed
            log.warning("rollback impossible after an error on %s", request.path)
        log.exception("unexpected error on %s %s", request.method, request.path)
        # what a participant wrote is given back, never lost with the error page
        kept = request.form.get("body", "")[:5000] or None if request.method == "POST" else None
        return _render(503 if isinstance(error, BUSY) else 500, kept_text=kept)
