"""Issue 17 #1: every limit of an anonymous contribution counted in one Redis round trip.

The POST is limited per browser ("10 per minute;60 per hour" in production) and per
address: three counters. Flask-Limiter sent one script per limit (three round trips);
``core.ratelimit.hit_all`` counts them all with one. Counted here with a Redis
connection class that counts the commands it sends (the PostgreSQL + Redis variant:
``CONSULT_TEST_REDIS_URL``); the limits themselves are checked on every variant.
"""

import os

import pytest
import redis
from flask import request
from flask_limiter import Limiter
from limits.storage import RedisStorage

from consult.contributions.models import Contribution
from consult.core import ratelimit
from consult.extensions import limiter
from tests.contributions.test_views import answers, form_key

FORM = "/rencontres/{}/contribuer"
REDIS_URL = os.environ.get("CONSULT_TEST_REDIS_URL")


class CountingConnection(redis.Connection):
    """A Redis connection that counts what it sends: one send, one round trip."""

    sent = 0

    def send_packed_command(self, command, check_health=True):
        CountingConnection.sent += 1
        return super().send_packed_command(command, check_health)


def _send(client, meeting, body):
    key = form_key(client.get(FORM.format(meeting.id)))
    return client.post(FORM.format(meeting.id), data=answers(key, body=body))


@pytest.fixture
def redis_limits(monkeypatch, limits_on):
    """The limiter counting in the test Redis, through counting connections."""
    if not REDIS_URL:
        pytest.skip("CONSULT_TEST_REDIS_URL not set (PostgreSQL + Redis variant)")
    storage = RedisStorage(REDIS_URL, connection_class=CountingConnection)
    monkeypatch.setattr(limiter, "_storage", storage)
    storage.reset()
    yield storage
    storage.reset()


def test_three_limits_cost_one_redis_round_trip(
    client, make_meeting, app, monkeypatch, count, redis_limits
):
    monkeypatch.setitem(app.config, "ANON_POST_LIMIT_BROWSER", "10 per minute;60 per hour")
    monkeypatch.setitem(app.config, "ANON_POST_LIMIT_IP", "300 per minute")
    meeting = make_meeting(status="open")
    assert _send(client, meeting, "Plus de bus le dimanche").status_code == 200  # script loaded
    key = form_key(client.get(FORM.format(meeting.id)))
    CountingConnection.sent = 0
    response = client.post(FORM.format(meeting.id), data=answers(key, body="Un second avis"))
    assert response.status_code == 200
    assert CountingConnection.sent == 1
    assert count(Contribution) == 2
    # The three counters exist under Flask-Limiter's keys, each with its window.
    keys = sorted(k.decode() for k in redis_limits.get_connection().keys("LIMITS:*"))
    assert len(keys) == 3
    assert all(redis_limits.get_connection().ttl(k) > 0 for k in keys)


def test_the_strictest_limit_refuses_in_redis(
    client, make_meeting, app, monkeypatch, count, redis_limits
):
    monkeypatch.setitem(app.config, "ANON_POST_LIMIT_BROWSER", "60 per hour")
    monkeypatch.setitem(app.config, "ANON_POST_LIMIT_IP", "2 per minute")
    meeting = make_meeting(status="open")
    statuses = [_send(client, meeting, f"Avis numéro {n}").status_code for n in range(3)]
    assert statuses == [200, 200, 429]
    assert count(Contribution) == 2


@pytest.mark.usefixtures("limits_on")
def test_the_address_limit_holds_for_a_browser_that_drops_its_cookie(
    app, make_meeting, monkeypatch, count
):
    monkeypatch.setitem(app.config, "ANON_POST_LIMIT_BROWSER", "10 per minute")
    monkeypatch.setitem(app.config, "ANON_POST_LIMIT_IP", "2 per minute")
    meeting = make_meeting(status="open")
    statuses = []
    for n in range(3):
        with app.test_client() as fresh:  # a new browser key each time, the same address
            statuses.append(_send(fresh, meeting, f"Avis numéro {n}").status_code)
    assert statuses == [200, 200, 429]
    assert count(Contribution) == 2


def test_redis_unreachable_counts_in_memory_and_still_limits(
    client, make_meeting, app, monkeypatch, count
):
    monkeypatch.setattr(limiter, "enabled", True)  # not limits_on: its reset needs Redis
    storage = RedisStorage("redis://127.0.0.1:1/0", connection_class=CountingConnection)
    monkeypatch.setattr(limiter, "_storage", storage)
    monkeypatch.setattr(ratelimit, "_fallback", type(ratelimit._fallback)())
    monkeypatch.setattr(ratelimit, "_down_until", [0.0])
    tried = []

    def refused(_connection):
        tried.append(1)
        raise redis.exceptions.ConnectionError("Connection refused")

    monkeypatch.setattr(CountingConnection, "connect", refused)
    monkeypatch.setitem(app.config, "ANON_POST_LIMIT_BROWSER", "2 per minute")
    meeting = make_meeting(status="open")
    statuses = [_send(client, meeting, f"Avis numéro {n}").status_code for n in range(3)]
    assert statuses == [200, 200, 429]  # no 500 for the participants, the limit still holds
    assert count(Contribution) == 2
    assert len(tried) == 1  # Redis tried again only after ratelimit.RETRY_SECONDS


@pytest.mark.usefixtures("limits_on")
def test_flask_limiter_leaves_the_views_counting_their_own_limits_alone(
    client, make_meeting, make_contribution, monkeypatch
):
    """Its check before the request is not started for the contribution forms (they count
    their own limits); a route with its own Flask-Limiter limit is still checked."""
    looked_up = []
    scope = limiter.limit_manager.exemption_scope  # what each check asks first

    def noting(app, endpoint, *args, **kwargs):
        looked_up.append(endpoint)
        return scope(app, endpoint, *args, **kwargs)

    monkeypatch.setattr(limiter.limit_manager, "exemption_scope", noting)
    meeting = _post_and_show_forms(client, make_meeting)
    assert looked_up == []
    _support(client, make_contribution, meeting)
    assert "contributions.support" in looked_up


@pytest.mark.usefixtures("limits_on")
def test_flask_limiter_keeps_no_request_state_for_the_views_counting_their_own_limits(
    client, make_meeting, make_contribution, monkeypatch
):
    """Its hooks after the request (limit headers, clearing its state) are not started for
    the contribution forms either: its check never ran, it has nothing to add nor clear.
    A route with its own Flask-Limiter limit still has both."""
    used = []
    state = Limiter.context

    def noting(self):
        used.append(request.endpoint)
        return state.fget(self)

    monkeypatch.setattr(Limiter, "context", property(noting))
    meeting = _post_and_show_forms(client, make_meeting)
    assert used == []
    _support(client, make_contribution, meeting)
    assert "contributions.support" in used


def _post_and_show_forms(client, make_meeting):
    """A contribution posted to an open meeting, then its easy-read form shown."""
    meeting = make_meeting(status="open")
    assert _send(client, meeting, "Plus de bus le dimanche").status_code == 200
    assert client.get(FORM.format(meeting.id) + "/facile").status_code == 200
    return meeting


def _support(client, make_contribution, meeting) -> None:
    """A published contribution of ``meeting`` supported: a route with its own limit."""
    published = make_contribution(meeting=meeting, status="published")
    client.post(f"/contributions/{published.id}/soutenir")
