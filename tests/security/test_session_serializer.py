"""Issue 17: the session cookie's signing serializer is built once per secret key, not at
each request, and the cookie is Flask's own."""

import hashlib
import re

import pytest
from flask import g, session
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import validate_csrf
from itsdangerous import URLSafeTimedSerializer, url_safe
from wtforms.validators import ValidationError

from consult.core.security import KeptSerializerSessions, ShortPayloadSerializer, csrf_token


def test_the_serializer_is_built_once_per_secret_key(app, monkeypatch):
    sessions = app.session_interface
    assert isinstance(sessions, KeptSerializerSessions)
    monkeypatch.setattr(sessions, "_kept", None)
    first = sessions.get_signing_serializer(app)
    assert sessions.get_signing_serializer(app) is first
    monkeypatch.setattr(app, "secret_key", "une-autre-clé-" + "x" * 40)
    other = sessions.get_signing_serializer(app)
    assert other is not first
    assert other.loads(other.dumps({"a": 1})) == {"a": 1}
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", ["ancienne-" + "y" * 40])
    assert sessions.get_signing_serializer(app) is not other  # fallbacks are part of it


def test_the_cookie_is_flasks_own_both_ways(app, monkeypatch):
    monkeypatch.setattr(app.session_interface, "_kept", None)
    ours, flasks = app.session_interface, SecureCookieSessionInterface()
    value = {"csrf_token": "abc", "participant_key": "def"}
    assert (
        flasks.get_signing_serializer(app).loads(ours.get_signing_serializer(app).dumps(value))
        == value
    )
    assert (
        ours.get_signing_serializer(app).loads(flasks.get_signing_serializer(app).dumps(value))
        == value
    )


def test_a_cookie_signed_with_another_key_is_refused(app, client, monkeypatch):
    monkeypatch.setattr(app.session_interface, "_kept", None)
    forged = SecureCookieSessionInterface()
    monkeypatch.setattr(app, "secret_key", "pas-la-bonne-clé-" + "z" * 40)
    cookie = forged.get_signing_serializer(app).dumps({"_user_id": "1"})
    monkeypatch.undo()
    client.set_cookie("session", cookie)
    with client:
        client.get("/")
        assert "_user_id" not in session


# --- Short values signed without trying zlib (session, CSRF token) ----------------------


def _no_zlib(monkeypatch) -> list:
    """Each call of zlib by itsdangerous meanwhile (a deflate stream started)."""
    calls = []
    original = url_safe.zlib.compress
    monkeypatch.setattr(
        url_safe.zlib, "compress", lambda data, *a: calls.append(data) or original(data, *a)
    )
    return calls


def test_short_values_are_signed_without_zlib_and_read_by_the_standard_serializer(
    monkeypatch,
):
    ours = ShortPayloadSerializer("k" * 40, salt="wtf-csrf-token")
    standard = URLSafeTimedSerializer("k" * 40, salt="wtf-csrf-token")
    calls = _no_zlib(monkeypatch)
    token = hashlib.sha1(b"jeton").hexdigest()  # noqa: S324 - a CSRF token's shape
    signed = ours.dumps(token)
    assert calls == []
    assert standard.loads(signed) == token
    # A random token never compresses: the very bytes the standard serializer signs.
    assert signed.split(".")[0] == standard.dumps(token).split(".")[0]
    long = {"_flashes": [["info", "Votre contribution est enregistrée."]] * 5}
    packed = ours.dumps(long)
    assert packed.startswith(".")  # a long value still compressed when that is shorter
    assert standard.loads(packed) == long


def test_the_forms_csrf_token_is_flask_wtfs_own(app, client, make_meeting, monkeypatch):
    """The blank form's token (signed without zlib) passes Flask-WTF's check; the
    session's raw token is the one Flask-WTF would compare it to."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    meeting = make_meeting(status="open")
    calls = _no_zlib(monkeypatch)
    with client:
        g.pop("csrf_token", None)  # the tests' requests share one app context
        page = client.get(f"/rencontres/{meeting.id}/contribuer")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text)[1]
        validate_csrf(token)  # raises ValidationError if not
        assert calls == []
        assert csrf_token() == token  # kept for the request, as Flask-WTF's
    with pytest.raises(ValidationError), app.test_request_context():
        validate_csrf(token)  # another session: refused
