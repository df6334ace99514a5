"""Redis commands on every request without a pool's checkout and return each time.

A participant's form costs one Redis command (the public figures' generation), their
POST another (the rate limits). redis-py takes a connection from its pool and gives it
back around each command: a lock, a check that the socket holds no stray data (a
``poll``), and the bookkeeping of both lists — as much CPU as the command itself (issue
17: 40 µs per GET in a loop, 24 µs on a connection kept). :class:`HeldConnections` gives
each thread of each process a client holding one connection of the same pool for as long
as the thread lives: same address, same timeouts, same retries; a command that fails
closes that connection and the next one opens it again, as with the pool. A forked child
(the worker's sweeper) never uses its parent's socket: the client is made again when the
process id changes.

The form's command, the generation, is then not sent at all while it has not changed
(:class:`WatchedKey`: Redis tells the process when the key is written).
"""

import logging
import os
import select
import threading
import time
import weakref

from redis import Redis
from redis.exceptions import ConnectionError, RedisError, ResponseError

log = logging.getLogger(__name__)


class HeldConnections:
    """Per process and thread, a client that keeps one connection of ``pool``."""

    def __init__(self, pool):
        self.pool = pool
        self._local = threading.local()

    def client(self) -> Redis:
        held = getattr(self._local, "held", None)
        pid = os.getpid()
        if held is None or held[0] != pid:
            client = Redis(connection_pool=self.pool, single_connection_client=True)
            self._local.held = held = (pid, client)
        return held[1]


class HeldRedis:
    """The two commands the public figures' store sends (``get``, ``incr``), each on the
    calling thread's held connection (:class:`HeldConnections`); a ``get`` of the key
    ``watch`` answers from the process's copy while Redis says it has not changed
    (:class:`WatchedKey`)."""

    def __init__(self, client: Redis, watch: str | None = None):
        self.connections = HeldConnections(client.connection_pool)
        self.watched = WatchedKey(client.connection_pool, watch) if watch else None

    def get(self, key):
        if self.watched is not None and key == self.watched.key:
            return self.watched.get(lambda: self.connections.client().get(key))
        return self.connections.client().get(key)

    def incr(self, key):
        return self.connections.client().incr(key)


# --- A key kept by the process, dropped when Redis says it changed --------------------------


class _NoSocket(RuntimeError):
    """The client library no longer shows a connection's socket: keep reading the key."""


def _socket(connection):
    """The socket of a redis-py connection (``_sock``, not public): a later redis-py that
    names it otherwise turns the watch off (each call reads the key), never a failed page."""
    sock = getattr(connection, "_sock", None)
    if sock is None or not hasattr(sock, "fileno"):
        raise _NoSocket("redis-py ne donne plus le socket d'une connexion")
    return sock


INVALIDATE = b"__redis__:invalidate"
_UNKNOWN = object()  # no value kept: the next call reads the key


class WatchedKey:
    """One Redis key's value kept by this process, read again only once Redis said the key
    changed: Redis's own client-side caching (``CLIENT TRACKING … BCAST``) sends a message
    on a subscription of this process whenever any client writes the key (an ``INCR`` of
    another process, a script, a ``FLUSHDB``), and each call first reads, without waiting,
    what that subscription holds.

    The message is on this process's socket when the writer gets the answer to its write
    (Redis sends both in the same turn of its loop): a call that starts after the write
    was acknowledged sees it, as a ``GET`` would. While the subscription is not known to
    be alive, each call reads the key (``read()``) as before: nothing heard from it for
    :attr:`HEARTBEAT` seconds (then a ``PING`` goes out; its answer makes it trusted
    again), its connection closed or in error (then it is opened again after
    :attr:`RETRY` seconds), or a Redis that does not know ``CLIENT TRACKING``.
    A forked child opens its own connections (never the parent's sockets).
    """

    HEARTBEAT = 1.0
    RETRY = 5.0

    def __init__(self, pool, key: str):
        self.pool, self.key = pool, key
        self.lock = threading.Lock()
        self.pid = None
        self.unsupported = False
        self._forget()
        forked = weakref.WeakMethod(self._forked)
        os.register_at_fork(after_in_child=lambda: (method := forked()) and method())

    def _forked(self) -> None:
        """In a forked child: a new lock (the parent's copy may be held by a thread the
        child does not have) and no connection (the parent's sockets are not ours)."""
        self.lock = threading.Lock()
        self._forget()
        self.pid = os.getpid()

    def _forget(self) -> None:
        """Drop the connections without closing them (a child must not shut the parent's)."""
        self.sub = self.control = self.poller = None
        self.value = _UNKNOWN  # read at the next call
        self.heard = 0.0  # when the subscription last said something (monotonic)
        self.pinged = 0.0  # when a PING went out with no answer yet (0: none)
        self.retry_at = 0.0

    def get(self, read):
        """The key's value: the kept one while nothing says it changed, else ``read()``."""
        with self.lock:
            if self.pid != os.getpid():
                self._forget()
                self.pid = os.getpid()
            now = time.monotonic()
            if self.unsupported or (self.sub is None and now < self.retry_at):
                return read()
            try:
                if self.sub is None:
                    self._subscribe(now)
                self._drain(now)
                if now - self.heard > self.HEARTBEAT:
                    self._ping(now)
                    self.value = self._command("GET", self.key)
                elif self.value is _UNKNOWN:
                    self.value = self._command("GET", self.key)
                return self.value
            except (ResponseError, _NoSocket) as exc:  # no client-side caching to rely on
                log.warning("suivi de %s impossible (%s) : lu à chaque requête", self.key, exc)
                self.unsupported = True
            except (RedisError, OSError) as exc:
                log.warning("suivi de %s interrompu (%s) : lu à chaque requête", self.key, exc)
            self.close()
            self.retry_at = now + self.RETRY
        return read()

    def _connection(self):
        # RESP2: the subscription's messages are replies read here, not pushes that the
        # client library would hand to its own handlers (RESP3, redis-py's default).
        # Without the maintenance notifications redis-py adds (RESP3 only).
        kwargs = {
            name: value
            for name, value in self.pool.connection_kwargs.items()
            if not name.startswith(("maint", "orig_"))
        }
        connection = self.pool.connection_class(**kwargs, protocol=2)
        connection.connect()
        return connection

    def _subscribe(self, now: float) -> None:
        self.sub = self._connection()
        self.sub.send_command("CLIENT", "ID")
        sub_id = self.sub.read_response()
        self.sub.send_command("SUBSCRIBE", INVALIDATE)
        self.sub.read_response()
        self.control = self._connection()
        self.control.send_command(
            "CLIENT", "TRACKING", "ON", "REDIRECT", sub_id, "BCAST", "PREFIX", self.key
        )
        self.control.read_response()
        self.poller = select.poll()
        for connection in (self.sub, self.control):
            self.poller.register(_socket(connection), select.POLLIN)
        self.heard, self.value = now, _UNKNOWN

    def _drain(self, now: float) -> None:
        """Read what waits on the subscription: invalidations drop the value, a PONG (or
        anything) says it is alive. The control connection never speaks: data or a close
        there means tracking is gone. Between two calls nothing is left in either reader's
        buffer (each drain reads until nothing waits): one ``poll`` of the two sockets says
        whether anything came."""
        if not self.poller.poll(0):
            return
        if self.control.can_read(timeout=0):
            raise ConnectionError("connexion de suivi fermée")
        while self.sub.can_read(timeout=0):
            message = self.sub.read_response()
            self.heard, self.pinged = now, 0.0
            if message and message[0] == b"message" and message[1] == INVALIDATE:
                self.value = _UNKNOWN

    def _ping(self, now: float) -> None:
        """Ask the subscription to answer (without waiting): no answer in HEARTBEAT
        seconds, and it is taken for dead."""
        if self.pinged and now - self.pinged > self.HEARTBEAT:
            raise ConnectionError("abonnement muet")
        if not self.pinged:
            self.sub.send_command("PING")
            self.pinged = now

    def _command(self, *args):
        self.control.send_command(*args)
        return self.control.read_response()

    def close(self) -> None:
        """Close this process's connections (when they fail; and in tests)."""
        for connection in (self.sub, self.control):
            if connection is not None:
                connection.disconnect()
        self._forget()
