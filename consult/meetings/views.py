"""Meetings: the list, join code and QR code, poster, facilitators' management.

The pages that show a meeting's contributions (its public page, its results, its live
wall) are on this blueprint too but live in ``consult.contributions.meeting_pages``:
they list contributions, a domain above meetings.
"""

import io

import segno
import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from consult.core import idempotency
from consult.core.db import get_or_404, small_int, utcnow
from consult.core.errors import refuse
from consult.core.security import staff_only
from consult.extensions import db
from consult.meetings import services
from consult.meetings.forms import (
    CloseForm,
    JoinForm,
    MeetingForm,
    MinutesForm,
    StatusForm,
    attendance_form,
    minutes_text,
)
from consult.meetings.models import PARTICIPANT_TYPES, TRANSITIONS, Meeting
from consult.meetings.permissions import (
    can_close_meeting,
    can_create_meeting,
    can_edit_meeting,
    can_edit_minutes,
    can_record_attendance,
    can_view_join_code,
    can_view_meeting,
)
from consult.schemes.models import WorkingGroup
from consult.schemes.services import list_schemes, list_territories

bp = Blueprint("meetings", __name__)

TRANSITION_LABELS = {
    ("draft", "open"): "Ouvrir la rencontre aux contributions",
    ("closed", "open"): "Rouvrir la rencontre",
    ("closed", "archived"): "Archiver la rencontre",
    ("open", "closed"): "Clore la rencontre",
}
UNKNOWN_CODE = (
    "Aucune rencontre ouverte ne correspond à ce code. Vérifiez les lettres et les "
    "chiffres, ou demandez le code à l'animateur. Une rencontre close n'accepte plus "
    "de contributions."
)
ENDED = ("closed", "archived")


def contribute_url(meeting_id: int, external: bool = False) -> str:
    """The participants' form of a meeting."""
    return url_for("contributions.create", meeting_id=meeting_id, _external=external)


def join_url(meeting: Meeting, external: bool = False) -> str:
    """The short address a QR code encodes: ``/r/<join code>``."""
    return url_for("meetings.short_link", code=meeting.join_code, _external=external)


def qr_svg(url: str) -> bytes:
    """An SVG QR code of ``url`` (error level M: still readable on a creased poster)."""
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(
        out, kind="svg", scale=10, border=4, xmldecl=False, svgclass="qr"
    )
    return out.getvalue()


def meeting_or_404(meeting_id: int, permission=can_view_meeting) -> Meeting:
    meeting = get_or_404(db.session, Meeting, meeting_id)
    if not permission(current_user, meeting):
        abort(404)
    return meeting


@bp.get("/rencontres/")
def index():
    return render_template(
        "meetings/index.html",
        meetings=services.visible_meetings(current_user),
        can_create=can_create_meeting(current_user),
    )


# --- Joining: code typed on a phone, or the QR code's short link ---------------------


def _join_page(form: JoinForm, status: int = 200):
    return render_template("meetings/join.html", form=form), status


@bp.get("/rejoindre")
def join():
    if "code" not in request.args:
        return _join_page(JoinForm(formdata=None))
    form = JoinForm(formdata=request.args)
    if form.validate():
        target = _where_code_leads(form.code.data)
        if target is not None:
            return redirect(target)
        form.code.errors.append(UNKNOWN_CODE)
    return _join_page(form, 422)


def _where_code_leads(code: str) -> str | None:
    """An open meeting's form; a closed or archived one's results; else None."""
    meeting = services.find_by_join_code(code, statuses=ENDED + ("open",))
    if meeting is None:
        return None
    if meeting.is_open:
        return contribute_url(meeting.id)
    return url_for("meetings.results", meeting_id=meeting.id)


@bp.get("/r/<string(maxlength=30):code>")
def short_link(code: str):
    target = _where_code_leads(code)
    if target is not None:
        return redirect(target)
    form = JoinForm(formdata=None, data={"code": code})
    form.code.errors = [UNKNOWN_CODE]
    return _join_page(form, 422)


@bp.get("/rencontres/<int:meeting_id>/qr.svg")
def qr(meeting_id: int):
    meeting = meeting_or_404(meeting_id, can_view_join_code)
    return Response(
        qr_svg(join_url(meeting, external=True)),
        mimetype="image/svg+xml",
        headers={"Cache-Control": "no-cache"},
    )


@bp.get("/rencontres/<int:meeting_id>/affiche")
def poster(meeting_id: int):
    meeting = meeting_or_404(meeting_id, can_view_join_code)
    return render_template(
        "meetings/poster.html",
        meeting=meeting,
        join_page=request.host + url_for("meetings.join"),
        short_url=join_url(meeting, external=True),
    )


# --- Facilitators: create, edit, manage ----------------------------------------------


def _meeting_form(form: MeetingForm) -> MeetingForm:
    groups = db.session.scalars(sa.select(WorkingGroup).order_by(WorkingGroup.name)).all()
    form.fill_choices(list_schemes(), list_territories(), groups)
    return form


def _details(form: MeetingForm) -> services.MeetingDetails:
    return services.MeetingDetails(
        title=form.title.data,
        kind=form.kind.data,
        scheme_id=form.scheme_id.data,
        held_on=form.held_on.data,
        place=form.place.data or "",
        description=form.description.data or "",
        territory_id=form.territory_id.data or None,
        theme_ids=form.theme_ids.data or [],
        user_groups=form.group_lines(),
        publish_immediately=form.publish_immediately.data,
        working_group=db.session.get(WorkingGroup, form.working_group_id.data)
        if form.working_group_id.data
        else None,
    )


def _initial(meeting: Meeting) -> dict:
    return {
        "kind": meeting.kind,
        "title": meeting.title,
        "held_on": meeting.held_on,
        "place": meeting.place,
        "description": meeting.description,
        "territory_id": meeting.territory_id or 0,
        "scheme_id": meeting.scheme_id,
        "theme_ids": [t.id for t in meeting.themes],
        "user_groups": "\n".join(meeting.user_groups or []),
        "publish_immediately": meeting.publish_immediately,
        "working_group_id": meeting.working_group_id or 0,
    }


def _form_page(form: MeetingForm, meeting: Meeting | None):
    status = 422 if request.method == "POST" else 200
    return render_template("meetings/form.html", form=form, meeting=meeting), status


@bp.route("/rencontres/nouvelle", methods=["GET", "POST"])
@staff_only
def create():
    form = _meeting_form(MeetingForm(data=_prefill_from_group()))
    if request.method == "GET":
        form.form_key.data = idempotency.new_key()
    if form.validate_on_submit():
        done = idempotency.already_done(form.form_key.data)
        if done:  # the same form sent twice: show the meeting it created
            return redirect(done)
        try:
            meeting = services.create_meeting(_details(form), actor=current_user, now=utcnow())
        except services.MeetingError as error:
            refuse(error)
        else:
            target = url_for("meetings.manage", meeting_id=meeting.id)
            flash(
                "Rencontre créée. Elle reste en préparation tant que vous ne l'ouvrez pas.",
                "success",
            )
            return redirect(idempotency.commit_once(form.form_key.data, target))
    return _form_page(form, None)


def _prefill_from_group() -> dict | None:
    """``?type=groupe_de_travail&groupe=<id>`` (from a group's page): a meeting of that group."""
    if request.method != "GET":
        return None
    group_id = request.args.get("groupe", type=small_int)
    group = db.session.get(WorkingGroup, group_id) if group_id else None
    if group is None:
        return None
    return {
        "kind": "groupe_de_travail",
        "working_group_id": group.id,
        "scheme_id": group.scheme_id,
        "title": f"Groupe de travail « {group.name} » — séance",
        "theme_ids": [group.theme_id] if group.theme_id else [],
    }


@bp.route("/rencontres/<int:meeting_id>/modifier", methods=["GET", "POST"])
@staff_only
def edit(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    if not can_edit_meeting(current_user, meeting):
        flash("Une rencontre archivée ne peut plus être modifiée.", "error")
        return redirect(url_for("meetings.manage", meeting_id=meeting.id))
    form = _meeting_form(MeetingForm(data=_initial(meeting)))
    if form.validate_on_submit():
        try:
            services.update_meeting(meeting, _details(form))
        except services.MeetingError as error:
            refuse(error)
        else:
            db.session.commit()
            flash("Rencontre modifiée.", "success")
            return redirect(url_for("meetings.manage", meeting_id=meeting.id))
    return _form_page(form, meeting)


def _manage_page(meeting: Meeting, status: int = 200, attendance=None, closing=None, minutes=None):
    attendance = attendance or attendance_form(meeting, formdata=None, prefix="presences")
    closing = closing or attendance_form(meeting, CloseForm, formdata=None, prefix="cloture")
    minutes = minutes or MinutesForm(
        formdata=None, data={"minutes": minutes_text(meeting.minutes)}, prefix="releve"
    )
    transitions = [
        (target, TRANSITION_LABELS.get((meeting.status, target), target))
        for target in TRANSITIONS.get(meeting.status, ())
        if target != "closed"  # closing goes through its own form (minutes, counts)
    ]
    return render_template(
        "meetings/manage.html",
        meeting=meeting,
        attendance=attendance,
        closing=closing,
        minutes_form=minutes,
        minutes_versions=services.minutes_versions(meeting),
        transitions=transitions,
        participant_types=PARTICIPANT_TYPES,
        can_edit=can_edit_meeting(current_user, meeting),
        can_record=can_record_attendance(current_user, meeting),
        can_close=can_close_meeting(current_user, meeting),
        can_edit_minutes=can_edit_minutes(current_user, meeting),
        contribute_url=contribute_url(meeting.id, external=True),
        short_url=join_url(meeting, external=True),
    ), status


def _refuse(meeting: Meeting, message: str, **forms):
    """A refused change: nothing is kept, the page says why (422)."""
    db.session.rollback()
    flash(message, "error")
    return _manage_page(meeting, 422, **forms)


def _done(meeting: Meeting, message: str):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("meetings.manage", meeting_id=meeting.id))


@bp.get("/rencontres/<int:meeting_id>/gestion")
@staff_only
def manage(meeting_id: int):
    return _manage_page(meeting_or_404(meeting_id))


@bp.post("/rencontres/<int:meeting_id>/etat")
@staff_only
def change_status(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    form = StatusForm()
    if not form.validate_on_submit():
        return _refuse(meeting, "Cette étape n'existe pas. Rechargez la page et recommencez.")
    try:
        services.change_status(meeting, form.target.data, now=utcnow())
    except services.MeetingError as error:
        return _refuse(meeting, str(error))
    return _done(meeting, f"La rencontre est maintenant « {meeting.status_label.lower()} ».")


@bp.post("/rencontres/<int:meeting_id>/presences")
@staff_only
def attendance(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    if not can_record_attendance(current_user, meeting):
        return _refuse(meeting, "Les effectifs se notent pendant la rencontre ou après sa clôture.")
    form = attendance_form(meeting, prefix="presences")
    if not form.validate_on_submit():
        return _refuse(
            meeting, "Effectifs non enregistrés : corrigez les nombres signalés.", attendance=form
        )
    try:
        services.record_attendance(meeting, form.by_type(), form.by_group())
    except services.MeetingError as error:
        return _refuse(meeting, str(error), attendance=form)
    return _done(meeting, "Effectifs enregistrés.")


@bp.post("/rencontres/<int:meeting_id>/cloture")
@staff_only
def close(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    if not can_close_meeting(current_user, meeting):
        return _refuse(meeting, "Seule une rencontre ouverte peut être close.")
    form = attendance_form(meeting, CloseForm, prefix="cloture")
    if not form.validate_on_submit():
        return _refuse(
            meeting,
            "La rencontre n'a pas été close : corrigez les erreurs signalées.",
            closing=form,
        )
    try:
        services.close_meeting(
            meeting,
            minutes=form.minutes_html(),
            by_type=form.by_type(),
            by_group=form.by_group(),
            now=utcnow(),
            actor=current_user,
        )
    except services.MeetingError as error:
        return _refuse(meeting, str(error), closing=form)
    return _done(meeting, "Rencontre close : le relevé et les effectifs sont sur sa page publique.")


@bp.post("/rencontres/<int:meeting_id>/releve")
@staff_only
def minutes(meeting_id: int):
    meeting = meeting_or_404(meeting_id)
    if not can_edit_minutes(current_user, meeting):
        return _refuse(meeting, "Le relevé se corrige une fois la rencontre close.")
    form = MinutesForm(prefix="releve")
    if not form.validate_on_submit():
        return _refuse(meeting, "Relevé non enregistré : corrigez l'erreur signalée.", minutes=form)
    try:
        services.set_minutes(meeting, form.minutes_html(), actor=current_user, now=utcnow())
    except services.MeetingError as error:
        return _refuse(meeting, str(error), minutes=form)
    return _done(meeting, "Relevé de conclusions enregistré ; la version précédente est gardée.")
