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
"""

import os
import threading

from redis import Redis


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
    calling thread's held connection (:class:`HeldConnections`)."""

    def __init__(self, client: Redis):
        self.connections = HeldConnections(client.connection_pool)

    def get(self, key):
        return self.connections.client().get(key)

    def incr(self, key):
        return self.connections.client().incr(key)
