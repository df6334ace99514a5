"""Issue 17: the form's and the POST's Redis commands go over a connection their thread
keeps, not through a pool checkout and return each time (``core.redisconn``)."""

import os
import threading

import pytest
import redis
from limits.storage import RedisStorage

from consult.core.redisconn import HeldConnections
from consult.extensions import limiter
from tests.contributions.test_views import answers, form_key

REDIS_URL = os.environ.get("CONSULT_TEST_REDIS_URL")
FORM = "/rencontres/{}/contribuer"

pytestmark = pytest.mark.skipif(
    not REDIS_URL, reason="CONSULT_TEST_REDIS_URL not set (PostgreSQL + Redis variant)"
)


@pytest.fixture
def checkouts(monkeypatch):
    """How many connections redis-py's pools hand out meanwhile."""
    taken = []
    original = redis.ConnectionPool.get_connection

    def counting(pool, *args, **kwargs):
        taken.append(pool)
        return original(pool, *args, **kwargs)

    monkeypatch.setattr(redis.ConnectionPool, "get_connection", counting)
    return taken


def test_a_thread_keeps_its_connection_and_another_thread_has_its_own(checkouts):
    held = HeldConnections(redis.Redis.from_url(REDIS_URL).connection_pool)
    first = held.client()
    first.ping()
    assert held.client() is first
    assert held.client().ping()
    assert len(checkouts) == 1  # one checkout, then kept
    other = []
    thread = threading.Thread(target=lambda: other.append(held.client()))
    thread.start()
    thread.join()
    assert other[0] is not first


def test_a_forked_process_opens_its_own_connection(monkeypatch):
    held = HeldConnections(redis.Redis.from_url(REDIS_URL).connection_pool)
    parent = held.client()
    monkeypatch.setattr(os, "getpid", lambda: -1)  # as in the worker's forked sweeper
    assert held.client() is not parent


@pytest.mark.usefixtures("limits_on", "figures_kept")
def test_the_form_and_the_post_take_no_pooled_connection_once_warm(
    app, client, make_meeting, monkeypatch, checkouts
):
    storage = RedisStorage(REDIS_URL)
    monkeypatch.setattr(limiter, "_storage", storage)
    storage.reset()
    meeting = make_meeting(status="open")
    url = FORM.format(meeting.id)
    first = client.post(url, data=answers(form_key(client.get(url)), body="Plus de bus le soir"))
    assert first.status_code == 200
    checkouts.clear()
    page = client.get(url)
    posted = client.post(url, data=answers(form_key(page), body="Un second avis, merci"))
    assert (page.status_code, posted.status_code) == (200, 200)
    assert checkouts == []  # before: one checkout per command (the generation, the limits)
    storage.reset()
