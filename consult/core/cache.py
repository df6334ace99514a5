"""Per-process caches for small reference data read on every page.

The branding and the lists of publics and territories change a few times a
year but are read by every participant's request: each process keeps them for
``REFERENCE_CACHE_SECONDS`` (0 switches the cache off, as the tests do). Writes
in this process clear the cache at once; other processes see them within the delay.

Slow documents (a bilan's PDF) are kept as files instead: :func:`rendered_file`.

Public figures (how many contributions a meeting received, how many were answered)
are read by every visitor of the public pages and cost whole-table counts:
:func:`public_figures` keeps them per process, valid while the *figures generation*
is unchanged and for at most ``PUBLIC_FIGURES_SECONDS`` (0: off, as in the tests).
A commit that writes a watched model (:func:`watch_public_figures`: a contribution
published, a decision recorded…) bumps the generation after it commits: in Redis
when ``REDIS_URL`` is set (every process sees it at its next request: Redis tells
each process when the generation changes, ``core.redisconn.WatchedKey``, else one
GET per request), in this process otherwise. When Redis cannot be read, the delay
alone bounds how stale a figure may be. What decides who may see a page (a fiche's
status) is kept only while Redis is read (:func:`access_facts`).
"""

import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable, Hashable
from functools import wraps
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, g, has_app_context, has_request_context, request
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy.orm import Session

from consult.core.redisconn import HeldRedis

log = logging.getLogger(__name__)


def reference_cache(func: Callable[[], object]) -> Callable[[], object]:
    """Cache a zero-argument function's (immutable) result for a few seconds."""
    stored: dict[str, tuple[float, object]] = {}

    @wraps(func)
    def wrapper():
        ttl = current_app.config.get("REFERENCE_CACHE_SECONDS", 0)
        now = time.monotonic()
        hit = stored.get("value")
        if ttl and hit is not None and now - hit[0] < ttl:
            return hit[1]
        value = func()
        if ttl:
            stored["value"] = (now, value)
        return value

    wrapper.cache_clear = stored.clear
    return wrapper


def page_with_tokens(key: Hashable, render: Callable[[], str], tokens: dict[str, str]) -> str:
    """A page rendered once per ``key`` and ``REFERENCE_CACHE_SECONDS`` (0: every time),
    with its per-request ``tokens`` (a CSRF token, a form key) put in at each call.

    ``render()`` must show each token's value as it is (no escaping changes the
    URL-safe values the callers pass); the kept copy holds a marker in their place.
    Only for pages that depend on nothing else of the request (anonymous, no flash).
    """
    ttl = current_app.config.get("REFERENCE_CACHE_SECONDS", 0)
    pages = current_app.extensions.setdefault("consult_token_pages", {})
    now = time.monotonic()
    hit = pages.get(key)
    if ttl and hit is not None and now - hit[0] < ttl:
        html = hit[1]
        for name, value in tokens.items():
            html = html.replace(f"\x00{name}\x00", value)
        return html
    html = render()
    if ttl:
        kept = html
        for name, value in tokens.items():
            kept = kept.replace(value, f"\x00{name}\x00")
        pages.pop(key, None)
        pages[key] = (now, kept)
        while len(pages) > MAX_ENTRIES:
            pages.pop(next(iter(pages)), None)
    return html


def page_with_marks(
    key: Hashable, render: Callable[[], str], values: dict[str, str], *, unmarked: Callable[[], str]
) -> str:
    """A page rendered once per ``key`` and ``REFERENCE_CACHE_SECONDS`` (0: every time)
    with marks in place of its per-request values: ``values`` maps each mark ``render()``
    shows to what replaces it at each call (HTML, filled in order: put values a
    participant wrote last, so that a mark they typed stays as they typed it).

    A page that does not show every mark (a template changed) is never kept nor filled:
    ``unmarked()`` renders it with its real values. Only for pages that depend on
    nothing else of the request.
    """
    ttl = current_app.config.get("REFERENCE_CACHE_SECONDS", 0)
    if not ttl:
        return unmarked()
    pages = current_app.extensions.setdefault("consult_marked_pages", {})
    now = time.monotonic()
    hit = pages.get(key)
    if hit is not None and now - hit[0] < ttl:
        html = hit[1]
    else:
        html = render()
        if not all(mark in html for mark in values):
            log.warning("page %s : une marque manque, page rendue sans être gardée", key)
            return unmarked()
        pages.pop(key, None)
        pages[key] = (now, html)
        while len(pages) > MAX_ENTRIES:
            pages.pop(next(iter(pages)), None)
    for mark, value in values.items():
        html = html.replace(mark, value)
    return html


def rendered_file(family: str, key: str, render: Callable[[], bytes]) -> bytes:
    """A slow document (a PDF) rendered once per ``key`` and kept in the instance folder.

    ``family`` names the object ("bilan-12"); ``key`` says what the bytes depend on
    (its generation date, its status…). Writing a new key removes the family's older
    files; a file is written under a temporary name then renamed, so that a reader in
    another process never sees half of it.
    """
    folder = Path(current_app.config["INSTANCE_DIR"]) / "cache"
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    path = folder / f"{family}-{digest}.bin"
    if path.exists():
        return path.read_bytes()
    body = render()
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob(f"{family}-*.bin"):
        old.unlink(missing_ok=True)
    partial = folder / f".{path.name}.{os.getpid()}.tmp"
    partial.write_bytes(body)
    os.replace(partial, path)
    return body


# --- Public figures -----------------------------------------------------------------------

GENERATION_KEY = "consult:public-figures:generation"
# Bodies of pages are kept too (tens of Ko each): a crawler walking every page of every
# meeting must not grow a process without bound; the oldest entries go first.
MAX_ENTRIES = 500
_STALE = "consult_public_figures_stale"
_WATCHED: set[type] = set()
_NEW_ONLY_IF: dict[type, Callable[[object], bool]] = {}


class FiguresStore:
    """One process's figures, each stamped with the generation it was computed under."""

    def __init__(self, redis_url: str | None):
        # Each request asks for the generation: kept by the process while Redis says it has
        # not changed (redisconn.WatchedKey), else read on a connection its thread keeps.
        self.redis = (
            HeldRedis(
                Redis.from_url(redis_url, socket_connect_timeout=1, socket_timeout=1),
                watch=GENERATION_KEY,
            )
            if redis_url
            else None
        )
        self.local = 0  # bumped by this process's own commits
        self.entries: dict[Hashable, tuple[tuple, float, object]] = {}
        self.lock = threading.Lock()

    def generation(self) -> tuple:
        """(shared generation or None when Redis is not there, this process's generation)."""
        shared = None
        if self.redis is not None:
            try:
                shared = self.redis.get(GENERATION_KEY) or b"0"
            except RedisError as exc:
                log.warning("génération des chiffres publics illisible (%s)", exc)
        return (shared, self.local)

    def bump(self) -> None:
        with self.lock:
            self.local += 1
        if self.redis is not None:
            try:
                self.redis.incr(GENERATION_KEY)
            except RedisError as exc:
                log.warning("chiffres publics : Redis injoignable (%s)", exc)


def figures_store(app) -> FiguresStore:
    """The app's store of public figures (created at first use)."""
    store = app.extensions.get("consult_public_figures")
    if store is None:
        store = app.extensions.setdefault(
            "consult_public_figures", FiguresStore(app.config.get("REDIS_URL"))
        )
    return store


def _current_generation(store: FiguresStore) -> tuple:
    """Read once per request: a page asking for several figures costs one Redis GET."""
    if not has_request_context():
        return store.generation()
    environ = request.environ  # not ``g``: tests share one app context between requests
    if "consult.figures_generation" not in environ:
        environ["consult.figures_generation"] = store.generation()
    return environ["consult.figures_generation"]


def public_figures(key: Hashable, compute: Callable[[], object]) -> object:
    """``compute()`` (plain values, never ORM objects), kept until the figures change."""
    ttl = current_app.config.get("PUBLIC_FIGURES_SECONDS", 0)
    if not ttl:
        return compute()
    store = figures_store(current_app)
    generation = _current_generation(store)  # read before computing: a bump wins
    now = time.monotonic()
    hit = store.entries.get(key)
    if hit is not None and hit[0] == generation and now - hit[1] < ttl:
        return hit[2]
    value = compute()
    with store.lock:
        store.entries.pop(key, None)
        store.entries[key] = (generation, now, value)
        while len(store.entries) > MAX_ENTRIES:
            del store.entries[next(iter(store.entries))]
    return value


def access_facts(key: Hashable, compute: Callable[[], object]) -> object:
    """What decides who may see a public page (a fiche's status), kept like
    :func:`public_figures` but only while the generation is read from Redis: every process
    then sees a change at its next request. Without Redis, or when it cannot be read, a
    process would not see another's change: ``compute()`` runs at each call.
    """
    if current_app.config.get("PUBLIC_FIGURES_SECONDS", 0):
        shared, _local = _current_generation(figures_store(current_app))
        if shared is None:
            return compute()
    return public_figures(key, compute)


CSRF_MARK = "\x00csrf_token\x00"


def public_body(key: Hashable, render: Callable[[], str]) -> Markup:
    """A public page's body (``render()``: the output of an autoescaped template), kept by
    :func:`public_figures` and served to everyone who may see the page.

    The only part of it that belongs to one visitor, the CSRF token of its forms (« je
    soutiens »), is kept as a marker and put back at each call; a body without forms
    creates no token (nor session). The caller checks access first, and renders
    without this function what depends on the visitor (flashed messages, links for
    the team).
    """

    def compute() -> str:
        html = str(render())
        token = g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"))
        return html.replace(token, CSRF_MARK) if token else html

    kept = public_figures(key, compute)
    if CSRF_MARK in kept:
        kept = kept.replace(CSRF_MARK, generate_csrf())
    return Markup(kept)  # noqa: S704 - an autoescaped template's output, kept as is


def watch_public_figures(*models: type, new_only_if=None) -> None:
    """A commit that adds, changes or deletes one of ``models`` refreshes the figures.

    ``new_only_if(instance)``: a new row counts only when it says so (a contribution
    waiting for moderation changes no public figure).
    """
    _WATCHED.update(models)
    if new_only_if is not None:
        _NEW_ONLY_IF.update(dict.fromkeys(models, new_only_if))


def _watched(instances, *, new: bool = False) -> bool:
    for instance in instances:
        if type(instance) not in _WATCHED:
            continue
        check = _NEW_ONLY_IF.get(type(instance)) if new else None
        if check is None or check(instance):
            return True
    return False


@sa.event.listens_for(Session, "before_flush")
def _note_watched_writes(session, _context, _instances) -> None:
    changed = _watched(session.dirty) or _watched(session.deleted)
    if changed or _watched(session.new, new=True):
        session.info[_STALE] = True


def note_new_row(session, instance) -> None:
    """A row inserted outside the unit of work (``insert_once``), judged like ``session.new``."""
    if _watched([instance], new=True):
        session.info[_STALE] = True


@sa.event.listens_for(Session, "do_orm_execute")
def _note_bulk_writes(state) -> None:
    if state.execution_options.get("consult_insert_once"):
        return  # insert_once judges its row itself (note_new_row)
    writes = state.is_update or state.is_delete or state.is_insert
    if writes and state.bind_mapper is not None and state.bind_mapper.class_ in _WATCHED:
        state.session.info[_STALE] = True


@sa.event.listens_for(Session, "after_commit")
def _bump_after_commit(session) -> None:
    if session.info.pop(_STALE, False) and has_app_context():
        figures_store(current_app).bump()


@sa.event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session) -> None:
    session.info.pop(_STALE, None)
