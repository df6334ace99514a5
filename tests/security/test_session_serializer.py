"""Issue 17: the session cookie's signing serializer is built once per secret key, not at
each request, and the cookie is Flask's own."""

from flask import session
from flask.sessions import SecureCookieSessionInterface

from consult.core.security import KeptSerializerSessions


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
