"""The factory, configuration, security headers and error pages."""

import pytest
from flask import Flask

from config import ProductionConfig
from consult import ConfigurationError, create_app
from consult.extensions import db


class _NoSecret(ProductionConfig):
    SECRET_KEY = None
    SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://localhost/x"


class _NoDatabase(ProductionConfig):
    SECRET_KEY = "s3cret"
    SQLALCHEMY_DATABASE_URI = None


@pytest.mark.parametrize(
    ("config", "missing"), [(_NoSecret, "SECRET_KEY"), (_NoDatabase, "DATABASE_URL")]
)
def test_production_refuses_to_start_without_required_setting(config, missing):
    with pytest.raises(ConfigurationError, match=missing):
        create_app(config)


def test_testing_app_is_built_from_test_config(app):
    assert isinstance(app, Flask)
    assert app.config["TESTING"] is True


def test_every_page_carries_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_security_headers_come_once_and_yield_to_what_a_view_set():
    app = create_app("config.TestConfig")

    @app.get("/__own-cache")
    def own_cache():
        return "ok", 200, {"Cache-Control": "public, max-age=60", "x-frame-options": "SAMEORIGIN"}

    client = app.test_client()
    page, own = client.get("/"), client.get("/__own-cache")
    static = client.get("/static/css/consult.css")
    static.close()
    with app.app_context():
        db.engine.dispose()
    assert page.headers.getlist("Cache-Control") == ["no-store"]
    assert own.headers.getlist("Cache-Control") == ["public, max-age=60"]
    assert own.headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]  # names match in any case
    assert "no-store" not in static.headers.get("Cache-Control", "")
    for response in (page, own, static):
        assert len(response.headers.getlist("Content-Security-Policy")) == 1
        assert response.headers.getlist("X-Content-Type-Options") == ["nosniff"]


def test_unknown_page_answers_french_404(client):
    response = client.get("/nulle-part")
    assert response.status_code == 404
    assert "Page introuvable" in response.get_data(as_text=True)


def test_unexpected_error_answers_french_500_without_details(app):
    failing = create_app("config.TestConfig")
    failing.config["PROPAGATE_EXCEPTIONS"] = False

    @failing.get("/__boom")
    def boom():
        raise RuntimeError("secret-internal-detail")

    response = failing.test_client().get("/__boom")
    with failing.app_context():
        db.engine.dispose()  # its own pool: close it rather than leave it to the GC
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Erreur du service" in body
    assert "secret-internal-detail" not in body
    assert "Traceback" not in body


def test_oversized_request_answers_413_in_french(app, client):
    big = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/connexion", data=big, content_type="application/octet-stream")
    assert response.status_code == 413
    assert "trop volumineux" in response.get_data(as_text=True)


def test_session_cookie_is_http_only_and_same_site(app):
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert ProductionConfig.SESSION_COOKIE_SECURE is True
