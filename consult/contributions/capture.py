"""Facilitators' capture: rapid keyboard entry and spreadsheet import."""

import csv
import io

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from consult.contributions import importing, services
from consult.contributions.forms import (
    NOT_IN_FILE,
    RECORDED_CHANNELS,
    ConfirmImportForm,
    RapidEntryForm,
    UploadForm,
    mapping_form,
    new_form_key,
    renew_missing_key,
)
from consult.contributions.models import Contribution
from consult.contributions.permissions import can_import, can_record_for_others
from consult.core.db import get_or_404, small_int, utcnow
from consult.core.errors import refuse
from consult.core.formatting import plural_ending
from consult.core.security import staff_only
from consult.extensions import db
from consult.meetings.models import Meeting
from consult.schemes.services import territory_choices

bp = Blueprint("capture", __name__)
RECENT = 10
# What stays from one entry to the next (query string → form field).
STICKY = {"type": "kind", "auteur": "author_type", "canal": "channel", "groupe": "on_behalf_of"}


def _open_meeting_or_404(meeting_id: int, permission) -> Meeting | None:
    meeting = get_or_404(db.session, Meeting, meeting_id)
    if not permission(current_user, meeting):
        if meeting.status != "open":
            flash(
                "Cette rencontre n'est pas ouverte : ouvrez-la avant d'y saisir des contributions.",
                "error",
            )
            return None
        abort(404)
    return meeting


def _recent_entries(meeting: Meeting) -> tuple[list[Contribution], int]:
    """What this facilitator typed in for this meeting: the last few and the count."""
    mine = sa.select(Contribution).where(
        Contribution.meeting_id == meeting.id, Contribution.recorded_by_id == current_user.id
    )
    total = db.session.scalar(sa.select(sa.func.count()).select_from(mine.subquery()))
    recent = db.session.scalars(mine.order_by(Contribution.id.desc()).limit(RECENT)).all()
    return recent, total


def _rapid_form() -> RapidEntryForm:
    form = RapidEntryForm()
    form.fill_choices(territory_choices())
    if request.method == "GET":
        for arg, name in STICKY.items():
            if request.args.get(arg):
                form[name].data = request.args[arg][:200]
        form.territory_id.data = request.args.get("territoire", 0, type=small_int)
        form.form_key.data = new_form_key()
    return form


def _draft(form: RapidEntryForm) -> services.Draft:
    return services.Draft(
        body=form.body.data,
        kind=form.kind.data,
        author_type=form.author_type.data,
        channel=form.channel.data if form.channel.data in RECORDED_CHANNELS else "papier",
        on_behalf_of=form.on_behalf_of.data or "",
        territory_id=form.territory_id.data or None,
        idempotency_key=form.form_key.data,
    )


def _next_entry_url(meeting: Meeting, form: RapidEntryForm) -> str:
    sticky = {arg: form[name].data or "" for arg, name in STICKY.items()}
    return url_for(
        ".rapid_entry", meeting_id=meeting.id, territoire=form.territory_id.data or 0, **sticky
    )


@bp.route("/rencontres/<int:meeting_id>/saisie", methods=["GET", "POST"])
@staff_only
def rapid_entry(meeting_id: int):
    meeting = _open_meeting_or_404(meeting_id, can_record_for_others)
    if meeting is None:
        return redirect(url_for("meetings.manage", meeting_id=meeting_id))
    form = _rapid_form()
    if form.validate_on_submit():
        try:
            contribution, created = services.submit_contribution(
                meeting, _draft(form), actor=current_user, now=utcnow()
            )
            db.session.commit()
        except services.ContributionError as error:
            refuse(error, form, "body")
        else:
            repeat = "" if created else " déjà (envoi en double ignoré)"
            flash(f"Contribution n° {contribution.id} enregistrée{repeat}.", "success")
            return redirect(_next_entry_url(meeting, form), code=303)
    incomplete = renew_missing_key(form)
    recent, total = _recent_entries(meeting)
    return render_template(
        "capture/rapid_entry.html", meeting=meeting, form=form, recent=recent, total=total
    ), (422 if form.errors or incomplete else 200)


# --- Import of a CSV or XLSX file: upload, mapping and dry run, then all or nothing -----

SAMPLE_ROWS = [
    ["Plus de bus le dimanche pour aller voir ma mère à l'EHPAD", "proposition", "proche"],
    ["Les horaires de la PMI ne conviennent pas", "constat", "usager"],
]
SHOWN_ROWS = 20


@bp.route("/rencontres/<int:meeting_id>/import", methods=["GET", "POST"])
@staff_only
def import_upload(meeting_id: int):
    meeting = _open_meeting_or_404(meeting_id, can_import)
    if meeting is None:
        return redirect(url_for("meetings.manage", meeting_id=meeting_id))
    form = UploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            stored = importing.store_upload(meeting, upload.filename, upload.read(), current_user)
            db.session.commit()
        except importing.ImportFileError as error:
            refuse(error, form, "file")
        else:
            return redirect(url_for(".import_preview", meeting_id=meeting.id, import_id=stored.id))
    return render_template(
        "capture/import_upload.html",
        meeting=meeting,
        form=form,
        columns=importing.ACCEPTED_COLUMNS,
        identical=_identical(meeting),
    ), (422 if form.errors else 200)


def _identical(meeting: Meeting) -> int:
    """How many of the meeting's contributions repeat another word for word."""
    return sum(len(group) - 1 for group in importing.identical_groups(meeting.id))


@bp.get("/rencontres/<int:meeting_id>/import/modele.csv")
@staff_only
def import_sample(meeting_id: int):
    """A file to start from: the accepted columns (semicolons, as French Excel writes)."""
    get_or_404(db.session, Meeting, meeting_id)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["texte", "type", "auteur", "pseudonyme", "publics", "territoire", "groupe"])
    for text, kind, author in SAMPLE_ROWS:
        writer.writerow([text, kind, author, "", "", "", "Atelier 1"])
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=modele-import-contributions.csv"},
    )


def _upload_or_404(meeting: Meeting, import_id: int):
    upload = importing.load_upload(import_id, meeting)
    if upload is None:
        abort(404)
    if not upload.content:  # imported: the raw file is not kept (see mark_imported)
        return upload, None
    return upload, importing.upload_table(upload)


def _save_mapping(form, upload, table) -> str | None:
    """Keep the columns the facilitator chose; a French message if they cannot be used."""
    chosen = {
        name: form[name].data
        for name in importing.ACCEPTED_COLUMNS
        if form[name].data is not None and form[name].data != NOT_IN_FILE
    }
    try:
        upload.mapping = importing.check_mapping(chosen, table.headers)
    except importing.ImportFileError as error:
        return str(error)
    db.session.commit()
    return None


@bp.route("/rencontres/<int:meeting_id>/import/<int:import_id>", methods=["GET", "POST"])
@staff_only
def import_preview(meeting_id: int, import_id: int):
    meeting = get_or_404(db.session, Meeting, meeting_id)
    upload, table = _upload_or_404(meeting, import_id)
    if table is None:
        return render_template("capture/import_preview.html", meeting=meeting, upload=upload)
    form = mapping_form(table.headers, importing.ACCEPTED_COLUMNS, upload.mapping or {})
    problem = None
    if upload.status != "imported" and form.validate_on_submit():
        problem = _save_mapping(form, upload, table)
    try:
        result = importing.preview(meeting, table, upload.mapping or {}, upload=upload)
    except importing.ImportFileError as error:
        problem, result = problem or str(error), None
    return render_template(
        "capture/import_preview.html",
        meeting=meeting,
        upload=upload,
        table=table,
        form=form,
        problem=problem,
        result=result,
        shown=SHOWN_ROWS,
        confirm_form=ConfirmImportForm(formdata=None),
        identical=_identical(meeting),
        can_confirm=bool(result and result.ok and not problem and meeting.is_open),
    ), (422 if problem else 200)


@bp.post("/rencontres/<int:meeting_id>/import/<int:import_id>/confirmer")
@staff_only
def import_confirm(meeting_id: int, import_id: int):
    meeting = get_or_404(db.session, Meeting, meeting_id)
    upload, table = _upload_or_404(meeting, import_id)
    form = ConfirmImportForm()
    try:
        result = importing.run_import(
            meeting,
            table,
            upload.mapping or {},
            actor=current_user,
            now=utcnow(),
            upload=upload,
            include_existing=form.validate_on_submit() and form.include_existing.data,
        )
        db.session.commit()
    except (importing.ImportRejected, importing.ImportFileError) as error:
        refuse(error)
        return redirect(url_for(".import_preview", meeting_id=meeting.id, import_id=upload.id))
    s = plural_ending(result.created)
    message = f"{result.created} contribution{s} importée{s} depuis « {upload.filename} »."
    if result.already:
        s = plural_ending(result.already)
        message += f" {result.already} ligne{s} déjà dans la rencontre : laissée{s} de côté."
    flash(message, "success")
    return redirect(url_for("meetings.manage", meeting_id=meeting.id), code=303)
