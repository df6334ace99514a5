"""Documents rendered once by a job, kept as files in the instance folder, served as is.

A file is named by its *family* (one object: ``synthese-v12``, ``bilan-3``) and a
*key* computed from the database only (what the document shows: its version, status,
editorial part, the contributions it may still quote), never from the request. A
request finds the file of the current key and sends it (ETag, Last-Modified), or asks
a job to render it and says « en cours de préparation »: no request ever renders one.
Storing a file removes the family's other files of the same format, so that a text
withdrawn since is not kept on disk.
"""

import hashlib
import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, render_template, request, send_file

from consult.core.db import utcnow
from consult.core.jobs import (
    ACTIVE,
    STATUS_LABELS,
    SYNTHESIS,
    InlineDispatcher,
    JobRun,
    dispatcher_for,
    enqueue_after_commit,
    report_progress,
)
from consult.extensions import db

MIMETYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
KIND_LABELS = {"pdf": "PDF", "docx": "Word (DOCX)"}
INLINE_LOST = 30  # seconds
RENDER_TIMEOUT = 900  # seconds: a long synthesis or a 33-fiche bilan takes a while to print


@dataclass
class StoredFile:
    """A rendered document on disk."""

    path: Path
    key: str

    @property
    def modified(self) -> datetime:
        return datetime.fromtimestamp(self.path.stat().st_mtime, tz=UTC)


def folder() -> Path:
    """``DOCUMENTS_DIR`` if set (the tests use a temporary one), else instance/documents."""
    configured = current_app.config.get("DOCUMENTS_DIR")
    return Path(configured or Path(current_app.config["INSTANCE_DIR"]) / "documents")


def make_key(*parts) -> str:
    """A short digest of what a document depends on (database values only)."""
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:32]


def _path(family: str, key: str, extension: str) -> Path:
    return folder() / f"{family}.{key}.{extension}"


def stored_file(family: str, key: str, extension: str) -> StoredFile | None:
    """The family's file for ``key`` if it was rendered, else None."""
    path = _path(family, key, extension)
    return StoredFile(path, key) if path.is_file() else None


def family_files(family: str) -> list[StoredFile]:
    """Every file kept for one object, whatever its key and format."""
    found = folder().glob(f"{family}.*")
    return [StoredFile(p, p.name.split(".")[1]) for p in found if p.name.count(".") == 2]


def families(prefix: str) -> set[str]:
    """The families that have files, among those whose name starts with ``prefix``."""
    return {p.name.split(".")[0] for p in folder().glob(f"{prefix}*.*.*")}


def store_file(family: str, key: str, extension: str, body: bytes) -> StoredFile:
    """Write the file (temporary name, then rename) and drop the family's older ones."""
    target = _path(family, key, extension)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.parent / f".{target.name}.{os.getpid()}.tmp"
    partial.write_bytes(body)
    os.replace(partial, target)
    for old in folder().glob(f"{family}.*.{extension}"):
        if old != target:
            old.unlink(missing_ok=True)
    return StoredFile(target, key)


def remove_family(family: str, *, keep: str | None = None) -> int:
    """Delete the family's files (but those of key ``keep``); returns how many went."""
    removed = 0
    for stored in family_files(family):
        if stored.key != keep:
            stored.path.unlink(missing_ok=True)
            removed += 1
    return removed


def send_stored(stored: StoredFile, *, extension: str, download_name: str, public: bool):
    """The file with its ETag and Last-Modified (a 304 when the browser has it).

    Published documents may be kept by browsers and proxies a minute; drafts only by
    the reader's browser, which checks them again each time.
    """
    # Read at once (a few hundred kilobytes): no file handle left to the WSGI server.
    response = send_file(
        io.BytesIO(stored.path.read_bytes()),
        mimetype=MIMETYPES[extension],
        as_attachment=True,
        download_name=download_name,
        etag=stored.key,
        last_modified=stored.modified,
        conditional=True,
        max_age=60 if public else 0,
    )
    response.cache_control.public = public
    response.cache_control.private = not public
    if not public:
        response.cache_control.no_cache = True
    return response


def public_request_context() -> tuple[str, object]:
    """The site's public root URL and a request context on it, for a job's links.

    A document's links and static files come from the ``PUBLIC_URL`` setting, never
    from the Host header of whoever asked first.
    """
    base_url = (current_app.config.get("PUBLIC_URL") or "http://localhost").rstrip("/") + "/"
    return base_url, current_app.test_request_context("/", base_url=base_url)


def render_label(family: str, extension: str) -> str:
    return f"document:{family}.{extension}"


def active_render(family: str, extension: str) -> JobRun | None:
    """The job preparing this document, if one is waiting or running.

    Without Redis a job runs right after the request that asked for it: one still
    waiting after :data:`INLINE_LOST` seconds was lost (its request failed, the
    process stopped), and a new one is asked for. With Redis the relay sends lost
    jobs again; a job older than its timeout is not waited for either.
    """
    patience = RENDER_TIMEOUT if renders_ahead() else INLINE_LOST
    return db.session.scalar(
        sa.select(JobRun)
        .where(
            JobRun.name == render_label(family, extension),
            JobRun.status.in_(ACTIVE),
            JobRun.created_at >= utcnow() - timedelta(seconds=patience),
        )
        .order_by(JobRun.id.desc())
        .limit(1)
    )


def renders_ahead() -> bool:
    """Whether to render files before anyone asks (a worker does it: RQ).

    Without Redis, jobs run in the web process after the *next* request, which would
    make whoever comes next wait seconds for a PDF: files are then rendered when first
    asked for, by the request that polls for them.
    """
    return not isinstance(dispatcher_for(current_app), InlineDispatcher)


def kinds_ahead(kinds: tuple[str, ...], *, generated: bool, every: bool = False) -> tuple[str, ...]:
    """The files to render before anyone asks: all of them with a worker (or when
    ``every`` is asked, as the demo does for what it publishes); without one, only the
    PDF of a version just generated (its request waits for it, so that the download
    right after is immediate), the others when first asked for."""
    if every or renders_ahead():
        return kinds
    return ("pdf",) if generated and "pdf" in kinds else ()


def request_render(func, family: str, extension: str, *args) -> JobRun:
    """Queue ``func(job_run_id, *args, extension)`` to render it, unless under way.

    The caller commits (the job is sent after the commit).
    """
    running = active_render(family, extension)
    if running is not None:
        return running
    return enqueue_after_commit(
        func,
        *args,
        extension,
        queue=SYNTHESIS,  # the queue of long renderings (syntheses, reports)
        timeout=RENDER_TIMEOUT,
        label=render_label(family, extension),
    )


def request_renders(
    func, family: str, ident: int, kinds: tuple[str, ...], *, generated: bool, every=False
):
    """Queue ``func`` for each of ``kinds`` to render before anyone asks (:func:`kinds_ahead`)."""
    for kind in kinds_ahead(kinds, generated=generated, every=every):
        request_render(func, family, kind, ident)


def render_once(
    job_run_id: int, family: str, key: str, kind: str, render: Callable[[], bytes], message: str
) -> None:
    """In a render job: render and store the file of ``key`` unless it is stored already."""
    if stored_file(family, key, kind) is None:
        report_progress(job_run_id, 10, message)
        store_file(family, key, kind, render())


def preparing_page(*, title: str, kind: str, run: JobRun, back_url: str):
    """202 « en cours de préparation »: the page asks again until the file is ready."""
    body = render_template(
        "documents/preparing.html",
        title=title,
        kind_label=KIND_LABELS[kind],
        run=run,
        status_labels=STATUS_LABELS,
        document_url=request.path,
        back_url=back_url,
    )
    return body, 202, {"Retry-After": "3", "Cache-Control": "no-store"}


@dataclass(frozen=True)
class Download:
    """A stored document as its page offers it: where it is kept, how it is named."""

    family: str
    key: str  # from the database only (never from the request)
    extension: str
    name: str  # the file name the reader's browser saves
    public: bool  # published: proxies may keep it a minute
    title: str  # for the « en cours de préparation » page
    back_url: str


def serve_or_prepare(download: Download, render_job, *args):
    """The stored file; else its rendering is queued (idempotent) and « en cours » shown.

    Without a worker (the zero-setup mode) the rendering runs inside this request, as
    inline jobs always do, and the reader gets the file rather than a page to reload.
    """
    stored = stored_file(download.family, download.key, download.extension)
    if stored is None:
        run = request_render(render_job, download.family, download.extension, *args)
        db.session.commit()
        if not renders_ahead():
            dispatcher_for(current_app).run_pending()
            stored = stored_file(download.family, download.key, download.extension)
    if stored is not None:
        return send_stored(
            stored,
            extension=download.extension,
            download_name=download.name,
            public=download.public,
        )
    return preparing_page(
        title=download.title, kind=download.extension, run=run, back_url=download.back_url
    )
