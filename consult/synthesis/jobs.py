"""Background jobs: generate a synthesis version, then render its PDF and Word files.

A version's files are rendered here, never in a request, and kept under a key made of
what the version shows now (:mod:`consult.synthesis.current`). When a contribution is
withdrawn, masked or rejected, moderation sends ``contribution_changed``: a job then
deletes every stored file that no longer matches its version and renders it again. A
request never serves a file whose key is not the current one either, so a missed
signal can delay a file, never show a withdrawn text.
"""

import logging

import sqlalchemy as sa
from flask import url_for

from consult.analysis.text import load_lemmas
from consult.core import stored_documents
from consult.core.cli import before_work_horse
from consult.core.db import utcnow
from consult.core.jobs import WAITING, JobRun, enqueue_after_commit, report_progress
from consult.extensions import db
from consult.history.services import contribution_changed
from consult.synthesis import exports, services
from consult.synthesis.analysis import build_document
from consult.synthesis.current import CurrentVersion, current_version
from consult.synthesis.models import TEMPLATE_GROUPING, Synthesis, SynthesisVersion

log = logging.getLogger(__name__)
DOCUMENT_KINDS = ("pdf", "docx")
FAMILY_PREFIX = "synthese-v"
REFRESH_LABEL = "documents:synthese"
# Audit-trail actions that cannot take text out of a version (anything else may).
HARMLESS_ACTIONS = frozenset({"publish", "merge", "anonymise"})


def _by_user_group(items):
    """Université sociale: each user group gets its section (themes stand for groups)."""
    for item in items:
        item.themes = [item.group or "Sans groupe précisé"]
    return items


def generate_synthesis(job_run_id: int, synthesis_id: int) -> int | None:
    """Read the scope, analyse, store a new version; returns its number."""
    synthesis = db.session.get(Synthesis, synthesis_id)
    if synthesis is None:
        return None
    report_progress(job_run_id, 5, "Lecture des contributions")

    def reading(done: int, total: int) -> None:
        report_progress(job_run_id, 5 + 45 * done // max(total, 1), f"{done}/{total} lues")

    items = services.collect_items(synthesis, progress=reading)
    grouping = TEMPLATE_GROUPING.get(synthesis.template, "theme")
    if grouping == "group":
        items, grouping = _by_user_group(items), "theme"
    report_progress(job_run_id, 55, "Regroupement des idées")
    document = build_document(
        items,
        title=synthesis.title,
        template=synthesis.template,
        scope=services.describe_scope(synthesis),
        participants=services.participants(synthesis),
        now=utcnow(),
        group_by=grouping,
    )
    version = services.add_version(synthesis, document.to_dict(), len(items), now=utcnow())
    request_documents(version, generated=True)
    db.session.commit()
    report_progress(job_run_id, 100, f"Version {version.number} prête")
    log.info("job %s: synthesis %s version %s", job_run_id, synthesis_id, version.number)
    return version.number


# --- Stored PDF and Word files ---------------------------------------------------------


def version_family(version: SynthesisVersion) -> str:
    return f"{FAMILY_PREFIX}{version.id}"


def request_documents(
    version: SynthesisVersion, *, generated: bool = False, every_kind: bool = False
) -> None:
    """Queue the version's PDF and Word files (after commit), unless already under way."""
    stored_documents.request_renders(
        render_version_document,
        version_family(version),
        version.id,
        DOCUMENT_KINDS,
        generated=generated,
        every=every_kind,
    )


def _render(version: SynthesisVersion, current: CurrentVersion, kind: str) -> bytes:
    """One file of the version, links to the public contribution pages of the site."""
    editorial = services.editorial_of(version)
    base_url, context = stored_documents.public_request_context()
    with context:

        def contribution_url(ident: int) -> str:
            return url_for("contributions.show", contribution_id=ident, _external=True)

        if kind == "pdf":
            return exports.render_pdf(
                current.document,
                editorial,
                version=version.number,
                status_label=version.status_label,
                base_url=base_url,
                contribution_url=contribution_url,
                retired=current.retired,
            )
        return exports.render_docx(
            current.document,
            editorial,
            version=version.number,
            status_label=version.status_label,
            retired=current.retired,
        )


def render_version_document(job_run_id: int, version_id: int, kind: str) -> str | None:
    """Render and store one file of a version as it reads now; returns its key."""
    version = db.session.get(SynthesisVersion, version_id)
    if version is None or kind not in DOCUMENT_KINDS:
        return None
    current = current_version(version)
    family = version_family(version)
    stored_documents.render_once(
        job_run_id,
        family,
        current.fingerprint,
        kind,
        lambda: _render(version, current, kind),
        "Mise en page du document",
    )
    log.info("job %s: synthesis version %s %s ready", job_run_id, version_id, kind)
    return current.fingerprint


def refresh_stored_documents(job_run_id: int) -> int:
    """Delete the stored files a version no longer shows as is, and render them again.

    :returns: how many files were out of date.
    """
    stale = 0
    for family in sorted(stored_documents.families(FAMILY_PREFIX)):
        ident = family.removeprefix(FAMILY_PREFIX)
        version = db.session.get(SynthesisVersion, int(ident)) if ident.isdigit() else None
        if version is None:
            stored_documents.remove_family(family)
            continue
        key = current_version(version).fingerprint
        kinds = {
            f.path.suffix.lstrip(".") for f in stored_documents.family_files(family) if f.key != key
        }
        stale += stored_documents.remove_family(family, keep=key)
        for kind in sorted(kinds & set(DOCUMENT_KINDS)) if stored_documents.renders_ahead() else ():
            stored_documents.request_render(render_version_document, family, kind, version.id)
    db.session.commit()
    log.info("job %s: %s stored synthesis file(s) out of date", job_run_id, stale)
    return stale


def _refresh_waiting() -> bool:
    """A refresh not started yet will see this change too."""
    waiting = sa.select(JobRun.id).where(JobRun.name == REFRESH_LABEL, JobRun.status.in_(WAITING))
    return db.session.scalar(waiting.limit(1)) is not None


def _on_contribution_changed(contribution, *, action: str = "", **_extra) -> None:
    """Moderation changed a contribution: refresh the stored files after its commit."""
    if action in HARMLESS_ACTIONS or not stored_documents.families(FAMILY_PREFIX):
        return
    if not _refresh_waiting():
        enqueue_after_commit(refresh_stored_documents, queue="synthesis", label=REFRESH_LABEL)


def _load_lemmas_before_fork(app, job=None, **_extra) -> None:
    """In the worker, before a job's work horse is forked (signal from ``flask worker``):
    the lemma dictionary and the terms of its words (``load_lemmas``) are read once and
    inherited by every synthesis job."""
    args = list(getattr(job, "args", None) or ())
    if len(args) >= 2 and args[1] == f"{__name__}.{generate_synthesis.__qualname__}":
        load_lemmas()


def init_app(app) -> None:
    """Subscribe to the audit trail's ``contribution_changed`` (one receiver, however often);
    prepare the worker for synthesis jobs."""
    contribution_changed.connect(_on_contribution_changed)
    before_work_horse.connect(_load_lemmas_before_fork)
