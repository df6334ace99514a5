"""Issue 17: the form's and the POST's Redis commands go over a connection their thread
keeps, not through a pool checkout and return each time (``core.redisconn``)."""

import os
import signal
import threading
import time

import pytest
import redis
from limits.storage import RedisStorage

from consult.core.redisconn import HeldConnections, WatchedKey
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


# --- The generation kept by the process while Redis says it has not changed ------------


@pytest.fixture
def watched():
    """A key watched by a fresh ``WatchedKey``, and a client of another process."""
    other = redis.Redis.from_url(REDIS_URL)
    other.delete("consult-test:watched")
    watch = WatchedKey(redis.Redis.from_url(REDIS_URL).connection_pool, "consult-test:watched")
    reads = []

    def read():
        reads.append(1)
        return other.get("consult-test:watched")

    yield watch, other, reads, lambda: watch.get(read)
    watch.close()
    other.delete("consult-test:watched")


def _sent(watch, monkeypatch) -> list:
    """The commands the watcher's own connection sends meanwhile."""
    sent = []
    original = watch.control.send_command
    monkeypatch.setattr(watch.control, "send_command", _both(sent, original))
    return sent


def _both(sent, original):
    def send(*args, **kwargs):
        sent.append(args)
        return original(*args, **kwargs)

    return send


def test_a_watched_key_is_read_once_then_kept_until_another_client_writes_it(watched, monkeypatch):
    watch, other, reads, get = watched
    assert get() is None
    sent = _sent(watch, monkeypatch)
    assert [get() for _ in range(50)] == [None] * 50
    assert sent == []
    assert reads == []
    other.incr("consult-test:watched")  # another process bumps: acknowledged here
    assert get() == b"1"  # the very next call sees it
    assert [args[0] for args in sent] == ["GET"]
    other.set("consult-test:watched", b"7")
    assert get() == b"7"
    other.flushdb()
    assert get() is None


def test_a_watched_key_is_read_at_each_call_while_the_subscription_is_down(watched):
    watch, other, reads, get = watched
    get()
    killer = redis.Redis.from_url(REDIS_URL)
    killer.execute_command("CLIENT", "KILL", "ID", _client_id(watch.sub))
    other.incr("consult-test:watched")
    assert get() == b"1"
    assert len(reads) == 1
    other.incr("consult-test:watched")
    assert get() == b"2"
    assert len(reads) == 2
    watch.retry_at = 0
    assert get() == b"2"
    assert len(reads) == 2
    other.incr("consult-test:watched")
    assert get() == b"3"


def test_a_watched_key_is_read_while_tracking_is_gone(watched):
    """The connection that asked for tracking closed (Redis's idle ``timeout``): no
    message would come; each call reads until tracking is set up again."""
    watch, other, reads, get = watched
    get()
    redis.Redis.from_url(REDIS_URL).execute_command(
        "CLIENT", "KILL", "ID", _client_id(watch.control)
    )
    other.incr("consult-test:watched")
    assert get() == b"1"
    assert len(reads) == 1


def test_a_silent_subscription_is_trusted_only_for_a_heartbeat(watched, monkeypatch):
    """Nothing comes from the subscription (a network cut: no close, no message)."""
    watch, other, reads, get = watched
    get()
    monkeypatch.setattr(watch.sub, "send_command", lambda *args: None)  # the PING is lost
    monkeypatch.setattr(watch, "_drain", lambda now: None)  # and nothing arrives
    watch.heard -= watch.HEARTBEAT + 0.1
    sent = _sent(watch, monkeypatch)
    assert get() is None
    assert [args[0] for args in sent] == ["GET"]  # not trusted: read, and a PING sent
    watch.pinged -= watch.HEARTBEAT + 0.1
    other.incr("consult-test:watched")
    assert get() == b"1"
    assert len(reads) == 1
    assert watch.sub is None


def _read_at_each_call(watched) -> None:
    """The watch turned off for good: each call reads the key from Redis."""
    watch, other, reads, get = watched
    other.incr("consult-test:watched")
    assert (get(), get()) == (b"1", b"1")
    assert len(reads) == 2
    assert watch.unsupported


def test_a_redis_without_client_tracking_is_read_at_each_call(watched, monkeypatch):

    def refuse(self, now):
        raise redis.ResponseError("ERR unknown subcommand 'TRACKING'")

    monkeypatch.setattr(WatchedKey, "_subscribe", refuse)
    _read_at_each_call(watched)


def test_a_redis_py_without_the_socket_attribute_reads_at_each_call(watched, monkeypatch):

    class Renamed:
        """A connection whose socket is no longer called ``_sock``."""

        def __init__(self, connection):
            self.inner = connection

        def __getattr__(self, name):
            if name == "_sock":
                raise AttributeError(name)
            return getattr(self.inner, name)

    opened = WatchedKey._connection
    monkeypatch.setattr(WatchedKey, "_connection", lambda self: Renamed(opened(self)))
    _read_at_each_call(watched)


def test_a_forked_process_watches_on_its_own_connections(watched, monkeypatch):
    watch, other, reads, get = watched
    get()
    parent = watch.sub
    monkeypatch.setattr(os, "getpid", lambda: -1)
    other.incr("consult-test:watched")
    assert get() == b"1"
    assert watch.sub is not parent
    assert parent._sock is not None
    parent.disconnect()


def _client_id(connection) -> int:
    """The Redis client id of one of the watcher's connections (asked on a third one)."""
    port = connection._sock.getsockname()[1]
    for client in redis.Redis.from_url(REDIS_URL).client_list():
        if client["addr"].endswith(f":{port}"):
            return int(client["id"])
    raise AssertionError("connection not found")


@pytest.mark.usefixtures("figures_kept")
def test_the_blank_form_sends_no_redis_command_once_warm(app, client, make_meeting, monkeypatch):
    """The form page asks for the figures' generation: Redis says when it changes."""
    meeting = make_meeting(status="open")
    url = FORM.format(meeting.id)
    assert client.get(url).status_code == 200
    sent = []
    original = redis.connection.Connection.send_packed_command
    monkeypatch.setattr(
        redis.connection.Connection,
        "send_packed_command",
        lambda conn, command, check_health=True: (
            sent.append(command),
            original(conn, command, check_health),
        )[1],
    )
    pages = [client.get(url) for _ in range(3)]
    assert [page.status_code for page in pages] == [200] * 3
    assert sent == []  # before: one GET of the generation per page


def test_a_child_forked_while_the_lock_is_held_watches_on_its_own(watched):
    """A thread of the parent holds the lock at the fork: the child does not wait for it."""
    watch, other, reads, get = watched
    get()
    read, write = os.pipe()
    with watch.lock:
        pid = os.fork()
        if pid == 0:  # the child: one call, its answer through the pipe, then out
            try:
                os.write(write, b"ok" if watch.get(lambda: b"read") is None else b"no")
            finally:
                os._exit(0)
    deadline = time.monotonic() + 10
    while (done := os.waitpid(pid, os.WNOHANG)) == (0, 0) and time.monotonic() < deadline:
        time.sleep(0.05)
    if done == (0, 0):  # still waiting for the parent's lock
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        pytest.fail("the forked child waited for a lock its parent's thread held")
    assert os.read(read, 2) == b"ok"
