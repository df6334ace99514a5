"""Flask extensions, created unbound and initialised in ``create_app``."""

from functools import partial

import sqlalchemy as sa
from flask import current_app, request, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

# Every constraint gets a stable name (Alembic needs one to alter or drop it).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=sa.MetaData(naming_convention=NAMING_CONVENTION))
migrate = Migrate()


class AccountLoginManager(LoginManager):
    """Flask-Login whose « strong » session protection guards the sessions that hold an
    account, and only those.

    Flask-Login checks every non-empty session against the browser's address and
    user agent (``_id``). An anonymous participant's session (CSRF token, participant
    key) has none: each request "failed" the check, which rewrote the session cookie
    and deleted any remember cookie. And a session restored from the remember cookie
    (« Rester connecté·e ») got no ``_id`` either, so its second page signed the person
    out. Here an anonymous session is left alone, and a restored one is bound to the
    browser like a fresh sign-in (:meth:`bind_restored_session`).
    """

    def _session_protection_failed(self) -> bool:
        if "_user_id" not in session:
            return False  # no account in this session: nothing to protect, nothing to clear
        return super()._session_protection_failed()

    def bind_restored_session(self, sender, user) -> None:
        """Receiver of ``user_loaded_from_cookie``: what ``login_user`` records."""
        session["_id"] = self._session_identifier_generator()


login_manager = AccountLoginManager()
csrf = CSRFProtect()
# No default limit: routes opt in (anonymous posting, supports). Storage is
# Redis when configured (shared by gunicorn workers), memory otherwise.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
# Views that count their own limits in one Redis round trip (anonymous posting,
# ``contributions.views.anonymous_post_limits``). Flask-Limiter checks every request
# before its view and would only conclude, after resolving the app's limits, that these
# are exempt: its request filter lets them through at once.
_COUNTING_OWN_LIMITS: set = set()


def counts_own_limits(view):
    """Decorator (right under the route's): Flask-Limiter leaves this view alone."""
    exempt = limiter.exempt(view)
    _COUNTING_OWN_LIMITS.add(exempt)
    return exempt


@limiter.request_filter
def _counting_own_limits() -> bool:
    return current_app.view_functions.get(request.endpoint) in _COUNTING_OWN_LIMITS


def leave_own_limits_alone(app) -> None:
    """After ``limiter.init_app``: Flask-Limiter's hooks are not even started for the
    views that count their own limits — its check before each request (its request
    filter lets them through, but only after looking up the app's limits and meta limits
    at every request), and, as that check never ran, its two hooks after it: the one that
    adds the headers of the limits the check met (it builds the request's limiter state
    to find none) and the one that clears that state. Configured meta limits
    (``RATELIMIT_META``) count every request: then the hooks run as they are."""
    if app.config.get("RATELIMIT_META"):
        return
    check = limiter._check_request_limit  # noqa: SLF001 - the hooks init_app registered
    # the hook clearing its state (a private name: when a release renames it, it runs as it is)
    release = getattr(limiter, "_Limiter__release_context", None)

    def check_unless_counting_own():
        return None if _counting_own_limits() else check()

    def headers_unless_counting_own(response):
        return response if _counting_own_limits() else inject(response)

    def release_unless_counting_own(error=None):
        if not _counting_own_limits():
            release(error)

    before = app.before_request_funcs.setdefault(None, [])
    before[:] = [check_unless_counting_own if hook == check else hook for hook in before]
    after = app.after_request_funcs.setdefault(None, [])
    for index, hook in enumerate(after):
        if isinstance(hook, partial) and hook.args == (limiter,):  # Limiter.__inject_headers
            inject = hook
            after[index] = headers_unless_counting_own
    if release is not None:
        teardown = app.teardown_request_funcs.setdefault(None, [])
        teardown[:] = [
            release_unless_counting_own if hook == release else hook for hook in teardown
        ]
