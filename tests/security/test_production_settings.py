"""Issue 12 #13: production refuses a weak SECRET_KEY and never logs account links.

Choice: without a mail server, production refuses to start. Reset and invitation
links are keys to accounts (the administrator's included), and logs travel to
places (journald, log collectors, support tickets) read by more people than the
platform's administrators. A trial may accept the risk explicitly with
CONSULT_MAIL_TO_LOG=1, which is then announced at every start.
"""

import logging

import pytest

from config import ProductionConfig
from consult import ConfigurationError, create_app
from consult.core.mail import send_mail
from consult.extensions import db

STRONG_KEY = "k" * 64


def _config(**settings):
    base = {
        "SECRET_KEY": STRONG_KEY,
        "SQLALCHEMY_DATABASE_URI": "sqlite://",
        "PUBLIC_URL": "https://concertation.departement.example",
        "MAIL_SERVER": "smtp.departement.example",
        "MAIL_TO_LOG": False,
    }
    return type("Production", (ProductionConfig,), base | settings)


def _start(config):
    app = create_app(config)
    with app.app_context():
        db.engine.dispose()
    return app


@pytest.mark.parametrize("key", ["x", "s3cret", "a" * 31])
def test_production_refuses_a_weak_secret_key(key):
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app(_config(SECRET_KEY=key))


def test_production_starts_with_safe_settings():
    assert _start(_config()).config["PRODUCTION"] is True


def test_production_refuses_to_start_without_a_mail_server():
    with pytest.raises(ConfigurationError, match="CONSULT_MAIL_SERVER"):
        create_app(_config(MAIL_SERVER=None))


def test_production_needs_an_https_public_address():
    with pytest.raises(ConfigurationError, match="CONSULT_PUBLIC_URL"):
        create_app(_config(PUBLIC_URL="http://concertation.departement.example"))
    with pytest.raises(ConfigurationError, match="CONSULT_PUBLIC_URL"):
        create_app(_config(PUBLIC_URL=None))


def test_mail_to_log_in_production_is_announced_loudly_at_start(caplog):
    with caplog.at_level(logging.CRITICAL):
        _start(_config(MAIL_SERVER=None, MAIL_TO_LOG=True))
    assert any(
        r.levelno == logging.CRITICAL and "journal" in r.getMessage() for r in caplog.records
    )


def test_without_mail_to_log_a_message_body_never_reaches_the_log(app, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    monkeypatch.setitem(app.config, "MAIL_TO_LOG", False)
    with app.app_context(), caplog.at_level(logging.DEBUG):
        send_mail("anne@exemple.fr", "Réinitialiser", "https://x.example/reinitialiser/SECRET")
    assert "SECRET" not in caplog.text
    assert "non envoyé" in caplog.text
