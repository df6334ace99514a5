"""Issue 12 #10: behind the HTTPS proxy, per-IP limits stay per client (trusted proxies)."""

import pytest
from flask import request
from flask_limiter.util import get_remote_address

from config import TestConfig
from consult import create_app
from consult.extensions import db


def _app(proxies: int):
    config = type("ProxiedConfig", (TestConfig,), {"TRUSTED_PROXIES": proxies})
    app = create_app(config)

    @app.get("/__client")
    def client_address():
        # What the login throttle, the limiter and the security log all read.
        return {"ip": get_remote_address(), "scheme": request.scheme}

    return app


@pytest.fixture
def proxied():
    app = _app(1)
    yield app.test_client()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def direct():
    app = _app(0)
    yield app.test_client()
    with app.app_context():
        db.engine.dispose()


def _seen(client, forwarded_for: str) -> dict:
    headers = {"X-Forwarded-For": forwarded_for, "X-Forwarded-Proto": "https"}
    return client.get("/__client", headers=headers, environ_base={"REMOTE_ADDR": "10.0.0.2"}).json


def test_behind_one_trusted_proxy_each_client_keeps_its_own_address(proxied):
    first, second = _seen(proxied, "203.0.113.7"), _seen(proxied, "198.51.100.4")
    assert first == {"ip": "203.0.113.7", "scheme": "https"}
    assert second["ip"] == "198.51.100.4"


def test_only_the_proxy_own_entry_is_trusted(proxied):
    # A client that forges X-Forwarded-For gets its real address (added by the proxy).
    assert _seen(proxied, "1.1.1.1, 203.0.113.7")["ip"] == "203.0.113.7"


def test_without_trusted_proxies_forwarded_headers_are_ignored(direct):
    assert _seen(direct, "203.0.113.7") == {"ip": "10.0.0.2", "scheme": "http"}
