"""Issue 12 #9: logging out kills the remember cookie and any copied session cookie."""

from tests.factories import DEFAULT_PASSWORD

REMEMBER = "remember_token"


def _sign_in_remembered(client, user):
    response = client.post(
        "/connexion", data={"email": user.email, "password": DEFAULT_PASSWORD, "remember": "y"}
    )
    assert response.status_code == 302
    assert client.get_cookie(REMEMBER) is not None


def _signed_in(app, cookies: dict) -> bool:
    """Whether a fresh browser holding only ``cookies`` reaches « Mon compte »."""
    other = app.test_client()
    for name, value in cookies.items():
        other.set_cookie(name, value)
    return other.get("/mon-compte").status_code == 200


def test_remember_cookie_stops_working_at_logout(app, client, make_user):
    _sign_in_remembered(client, make_user())
    remembered = {REMEMBER: client.get_cookie(REMEMBER).value}
    assert _signed_in(app, remembered)  # the cookie alone signs in before logout

    response = client.post("/deconnexion")

    assert response.status_code == 302
    assert client.get_cookie(REMEMBER) is None  # the browser is told to drop it
    assert client.get("/mon-compte").status_code == 302
    assert not _signed_in(app, remembered)  # and a copy kept elsewhere is worthless


def test_copied_session_cookie_stops_working_at_logout(app, client, make_user):
    _sign_in_remembered(client, make_user())
    session_cookie = app.config["SESSION_COOKIE_NAME"]
    copied = {session_cookie: client.get_cookie(session_cookie).value}
    assert _signed_in(app, copied)

    client.post("/deconnexion")

    assert not _signed_in(app, copied)


def test_logout_signs_the_account_out_on_every_device(app, client, make_user):
    user = make_user()
    phone = app.test_client()
    _sign_in_remembered(phone, user)
    phone_cookie = {REMEMBER: phone.get_cookie(REMEMBER).value}
    _sign_in_remembered(client, user)

    client.post("/deconnexion")

    # One counter per account: logging out signs the account out on every device.
    assert not _signed_in(app, phone_cookie)
