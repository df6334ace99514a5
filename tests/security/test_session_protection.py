"""Flask-Login's « strong » protection guards signed-in sessions, and only those."""

from tests.factories import DEFAULT_PASSWORD

REMEMBER = "remember_token"
OTHER_BROWSER = {"User-Agent": "Autre navigateur/1.0"}


def _sign_in(client, user, remember=False):
    data = {"email": user.email, "password": DEFAULT_PASSWORD}
    response = client.post("/connexion", data=data | ({"remember": "y"} if remember else {}))
    assert response.status_code == 302


def test_a_remembered_browser_stays_signed_in_page_after_page(app, client, make_user):
    """« Rester connecté·e sur cet appareil »: the restored session used to lose the
    account on its second page (it had no browser fingerprint, so the check failed)."""
    _sign_in(client, make_user(), remember=True)
    later = app.test_client()  # the browser reopened: only the remember cookie is left
    later.set_cookie(REMEMBER, client.get_cookie(REMEMBER).value)
    assert [later.get("/mon-compte").status_code for _ in range(3)] == [200, 200, 200]
    assert later.get_cookie(REMEMBER) is not None


def test_a_signed_in_session_copied_to_another_browser_is_refused(app, client, make_user):
    _sign_in(client, make_user())
    name = app.config["SESSION_COOKIE_NAME"]
    thief = app.test_client()
    thief.set_cookie(name, client.get_cookie(name).value)
    assert thief.get("/mon-compte", headers=OTHER_BROWSER).status_code == 302
    assert client.get("/mon-compte").status_code == 200  # the owner is still signed in


def test_a_restored_session_is_bound_to_its_browser(app, client, make_user):
    _sign_in(client, make_user(), remember=True)
    later = app.test_client()
    later.set_cookie(REMEMBER, client.get_cookie(REMEMBER).value)
    assert later.get("/mon-compte").status_code == 200
    name = app.config["SESSION_COOKIE_NAME"]
    thief = app.test_client()
    thief.set_cookie(name, later.get_cookie(name).value)  # the session, not the cookie
    assert thief.get("/mon-compte", headers=OTHER_BROWSER).status_code == 302


def test_an_anonymous_participant_session_is_not_rewritten_at_each_page(client, make_meeting, db):
    """Before, each anonymous request "failed" the check: the session cookie was signed
    and sent again, with an order to delete a remember cookie nobody had."""
    meeting = make_meeting(status="open")
    db.session.commit()
    url = f"/rencontres/{meeting.id}/contribuer"
    client.get(url)  # the form: the session gets its CSRF token
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers.getlist("Set-Cookie") == []
