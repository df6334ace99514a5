"""HTTP security headers, proxy and production checks, the roles and their decorators.

The roles are written here once: ``is_staff``/``is_admin`` answer for the domains'
permissions, the decorators for the views, and every template gets ``can_run_platform``
and ``can_administer`` (the menu) instead of testing a role itself.
"""

import logging
import re
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix

from consult.extensions import login_manager

log = logging.getLogger(__name__)

# Below this a key can be guessed offline from one signed cookie (32 random bytes
# in hexadecimal are 64 characters: ``python -c "import secrets; print(secrets.token_hex(32))"``).
MIN_SECRET_KEY_LENGTH = 32

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), geolocation=(), microphone=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def production_problems(config) -> list[str]:
    """Say, in French, why these production settings are unsafe (empty when fine)."""
    problems = []
    if len(config.get("SECRET_KEY") or "") < MIN_SECRET_KEY_LENGTH:
        problems.append(
            f"SECRET_KEY doit compter au moins {MIN_SECRET_KEY_LENGTH} caractères "
            '(par exemple : python -c "import secrets; print(secrets.token_hex(32))").'
        )
    if not (config.get("PUBLIC_URL") or "").startswith("https://"):
        problems.append(
            "CONSULT_PUBLIC_URL doit être l'adresse publique en https:// "
            "(par exemple https://concertation.departement.fr) : les liens des e-mails en "
            "dépendent."
        )
    if not config.get("MAIL_SERVER") and not config.get("MAIL_TO_LOG"):
        problems.append(
            "CONSULT_MAIL_SERVER est obligatoire : sans serveur de messagerie, les liens "
            "d'invitation et de réinitialisation iraient dans le journal. Pour un essai, "
            "CONSULT_MAIL_TO_LOG=1 l'accepte explicitement."
        )
    return problems


def _trust_proxies(app) -> None:
    """Behind ``TRUSTED_PROXIES`` reverse proxies, read the client's IP and scheme.

    Without it every visitor has the proxy's address, and per-IP limits become
    one limit for the whole platform. The Host header is never taken from the
    proxy: e-mail links come from ``PUBLIC_URL``.
    """
    proxies = app.config.get("TRUSTED_PROXIES") or 0
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)


def local_path(target: str | None) -> str | None:
    """``target`` if it is a path of this site, else None (no open redirect).

    Browsers drop tabs and newlines and read ``\\`` as ``/``: "/\t/evil" is "//evil".
    """
    cleaned = re.sub(r"[\x00-\x1f\x7f]", "", target or "").replace("\\", "/")
    if cleaned.startswith("/") and not cleaned.startswith("//") and not urlsplit(cleaned).netloc:
        return cleaned
    return None


class KeptSerializerSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, same cookie, whose signing serializer is built once
    per secret key (and its fallbacks) instead of at each request's opening and saving of
    the session: Flask makes a new one each time, and itsdangerous checks its JSON
    serializer by encoding ``{}`` in it each time (issue 17: two per participant's
    request, 1.4 % of a capture journey's CPU)."""

    _kept = None  # (keys, serializer)

    def get_signing_serializer(self, app):
        if not app.secret_key:
            return None
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        kept = self._kept
        if kept is None or kept[0] != keys:
            kept = self._kept = (keys, super().get_signing_serializer(app))
        return kept[1]


def init_app(app) -> None:
    """Trust the configured proxies; add security headers to every response."""
    _trust_proxies(app)
    app.session_interface = KeptSerializerSessions()
    if app.config.get("PRODUCTION") and not app.config.get("MAIL_SERVER"):
        log.critical(
            "ATTENTION : aucun serveur de messagerie (CONSULT_MAIL_SERVER) ; "
            "CONSULT_MAIL_TO_LOG=1 : les liens d'invitation et de réinitialisation "
            "sont écrits dans le journal. Quiconque lit le journal peut prendre un compte."
        )

    @app.errorhandler(SecurityError)
    def _untrusted_host(error):
        # A Host outside TRUSTED_HOSTS: no URL can be built, so no page template.
        return (
            "Requête refusée : adresse du site non reconnue.",
            400,
            {"Content-Type": "text/plain"},
        )

    @app.context_processor
    def _platform_permissions():
        # The menu on every page; outside a request (e-mails, documents) no one is signed in.
        user = current_user if has_request_context() else None
        return {"can_run_platform": is_staff(user), "can_administer": is_admin(user)}

    every_page = dict(HEADERS)
    if app.config.get("SESSION_COOKIE_SECURE"):
        every_page["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    # Private by default: pages and downloads (account data, receipt-code
    # exports, CSV files) must not stay in a shared tablet's or proxy's cache.
    pages = [*every_page.items(), ("Cache-Control", "no-store")]
    files = list(every_page.items())

    @app.after_request
    def _headers(response):
        # What a view set itself wins; the rest is added in one pass over the headers.
        present = {name.lower() for name, _value in response.headers}
        wanted = files if request.endpoint == "static" else pages
        response.headers.extend([(k, v) for k, v in wanted if k.lower() not in present])
        return response


# Who runs the platform day to day; everyone else sees what their role opens to them.
STAFF = ("admin", "facilitator")


def roles_required(*roles: str):
    """Allow the view only to signed-in users holding one of ``roles``.

    Anonymous users are sent to the login page; others get 403.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def is_staff(user) -> bool:
    """The Département's team (administrators, facilitators), signed in."""
    return bool(user is not None and user.is_authenticated and user.role in STAFF)


def is_admin(user) -> bool:
    """An administrator, signed in."""
    return bool(user is not None and user.is_authenticated and user.role == "admin")


staff_only = roles_required(*STAFF)
admin_only = roles_required("admin")
