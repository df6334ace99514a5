"""HTTP security headers and the role decorator used by views."""

import re
from functools import wraps
from urllib.parse import urlsplit

from flask import abort
from flask_login import current_user

from consult.extensions import login_manager

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


def local_path(target: str | None) -> str | None:
    """``target`` if it is a path of this site, else None (no open redirect).

    Browsers drop tabs and newlines and read ``\\`` as ``/``: "/\t/evil" is "//evil".
    """
    cleaned = re.sub(r"[\x00-\x1f\x7f]", "", target or "").replace("\\", "/")
    if cleaned.startswith("/") and not cleaned.startswith("//") and not urlsplit(cleaned).netloc:
        return cleaned
    return None


def init_app(app) -> None:
    """Add security headers to every response (HSTS when cookies are Secure)."""

    @app.after_request
    def _headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        if response.mimetype == "text/html":
            response.headers.setdefault("Cache-Control", "no-store")
        return response


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
