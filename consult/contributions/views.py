"""Participants: contribute (standard and easy-read), receipts, supports.

Following a contribution with its receipt code is the droit de suite's (``consult.suite``).
"""

import functools
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter.util import get_remote_address
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import escape

from consult.contributions import services
from consult.contributions.forms import (
    FALC_AUTHORS,
    FALC_KINDS,
    FALC_STEPS,
    ContributionForm,
    EasyReadForm,
    ReportForm,
    SupportForm,
    new_form_key,
    renew_missing_key,
)
from consult.contributions.models import KINDS, Contribution
from consult.contributions.permissions import can_support
from consult.core.cache import MAX_ENTRIES, page_with_marks, page_with_tokens, public_figures
from consult.core.db import get_or_404, loaded_after_commit, small_int, utcnow
from consult.core.errors import refuse
from consult.core.ratelimit import hit_all
from consult.core.security import local_path
from consult.extensions import counts_own_limits, db, limiter
from consult.meetings.models import Meeting, MeetingForPosting
from consult.meetings.permissions import can_view_meeting
from consult.schemes.models import Territory
from consult.schemes.services import public_choices, territory_choices

bp = Blueprint("contributions", __name__)
# A repeat of the same form shows the receipt again only this soon after (double
# click, network retry): later, it is someone else going back on a shared device.
REPEAT_SHOWS_RECEIPT = timedelta(minutes=2)
# A receipt left unseen (tab closed before the redirect) is not shown hours later.
RECEIPT_PAGE_WINDOW = timedelta(minutes=30)


# --- Who is posting: rate limits and supporter identity ------------------------------


def browser_key() -> str:
    """A random key kept in the session: one browser, without tracking its IP."""
    if "participant_key" not in session:
        session["participant_key"] = secrets.token_urlsafe(16)
    return "b:" + session["participant_key"]


def _signed_in() -> bool:
    """Accounts are accountable: only anonymous posting is throttled."""
    return current_user.is_authenticated


def _not_sending() -> bool:
    """Only sending counts: the easy-read form's « Suivant » and « Retour » create nothing."""
    return _signed_in() or (
        request.endpoint == "contributions.create_easy" and "envoyer" not in request.form
    )


def anonymous_post_limits(view):
    """Anonymous sending is limited per browser (``ANON_POST_LIMIT_BROWSER``) and, more
    loosely, per address (``ANON_POST_LIMIT_IP``): all these limits counted in one Redis
    round trip (``core.ratelimit.hit_all``), under Flask-Limiter's keys; 429 beyond."""

    @functools.wraps(view)
    def limited(*args, **kwargs):
        if request.method == "POST" and not _not_sending():
            config = current_app.config
            groups = [
                (config["ANON_POST_LIMIT_BROWSER"], (browser_key(), "contribution-browser")),
                (config["ANON_POST_LIMIT_IP"], (get_remote_address(), "contribution-address")),
            ]
            if not hit_all(groups):
                abort(429)
        return view(*args, **kwargs)

    return limited


def supporter_key() -> str:
    return f"u:{current_user.id}" if current_user.is_authenticated else browser_key()


FROM_THIS_SOURCE = (
    "De nombreuses personnes ont déjà {action} cette contribution depuis votre connexion "
    "internet : pour {verb} vous aussi, connectez-vous à votre compte."
)


def source_allows(setting: str, scope: str, contribution_id: int) -> bool:
    """Count one anonymous support or report against the client address's bound.

    A browser key alone is a cookie anyone can drop: each source (the address
    the rate limiter sees) may add only so many per contribution.
    """
    if current_user.is_authenticated or not limiter.enabled:
        return True
    address = get_remote_address()
    return hit_all([(current_app.config[setting], (scope, str(contribution_id), address))])


# --- Contributing -----------------------------------------------------------------------


def _meeting_or_404(meeting_id: int) -> Meeting:
    meeting = get_or_404(db.session, Meeting, meeting_id)
    if not can_view_meeting(current_user, meeting):
        abort(404)
    return meeting


def _is_partner() -> bool:
    return bool(current_user.is_authenticated and current_user.role == "partner")


def _closed_page(meeting: Meeting, text: str | None):
    """A clear refusal that gives the participant their text back."""
    status = 409 if request.method == "POST" else 200
    return render_template("contributions/closed.html", meeting=meeting, text=text), status


def _submit(
    meeting: Meeting | MeetingForPosting,
    draft: services.Draft,
    form,
    easy: bool = False,
    kept: bool = False,
):
    """Create the contribution (once) and answer with its receipt; or explain the refusal.

    The receipt is this POST's answer (no redirect, no re-read after the commit):
    reloading it sends the same form key again, which shows the same receipt for a
    short while and never adds a row. Nothing readable is kept in the session.
    ``kept``: see ``services.submit_contribution`` (raises ``services.NotInserted``).
    """
    now = utcnow()
    address = getattr(form, "news_email", None)
    news = address is not None and bool(address.data)
    try:
        with loaded_after_commit(db.session()):
            contribution, created = services.submit_contribution(
                meeting, draft, actor=current_user, now=now, kept=kept, alone=not news
            )
            if created and news:
                services.news_address_given.send(contribution, address=address.data, now=now)
            db.session.commit()
    except services.ContributionError as error:
        refuse(error, form, "body")
        return None
    session.pop("receipts", None)  # what older versions kept: readable codes
    session.pop("receipt_for", None)
    if not created and now - contribution.created_at > REPEAT_SHOWS_RECEIPT:
        flash("Cette contribution était déjà enregistrée.", "info")
        return redirect(url_for("meetings.show", meeting_id=meeting.id), code=303)
    return _receipt(meeting, contribution, easy)


def _receipt(meeting: Meeting | MeetingForPosting, contribution: Contribution, easy: bool):
    """The receipt page (easy-read after the easy-read form); never kept by a cache.

    For an anonymous participant without message waiting, the page is rendered once
    per meeting version and status with marks in place of the code and the text
    (``core.cache.page_with_marks``), filled at each answer."""
    template = "contributions/" + ("thanks_easy.html" if easy else "thanks.html")

    def render(shown) -> str:
        return render_template(template, meeting=meeting, contribution=shown)

    if _same_for_everyone():
        published = contribution.status == "published"
        # The site's address as scheme, host and root (what ``request.host_url`` joins,
        # without building and encoding a URL at each receipt).
        site = (request.scheme, request.host, request.root_path)
        key = ("receipt", template, meeting.id, meeting.updated_at, published, site)
        stand_in = ReceiptMarks(status=contribution.status)
        code = contribution.receipt_code
        html = page_with_marks(
            key,
            lambda: render(stand_in),
            {
                CODE_MARK: code,
                " ".join(CODE_MARK): " ".join(code),
                BODY_MARK: str(escape(contribution.body)),
            },
            unmarked=lambda: render(contribution),
        )
    else:
        html = render(contribution)
    response = make_response(html)
    response.headers["Cache-Control"] = "no-store"
    return response


# What a kept receipt shows in place of the code (no code has lower-case letters) and
# of the participant's text.
CODE_MARK = "RECUcodeMARQUE"
BODY_MARK = "\x00texte\x00"


@dataclass(frozen=True)
class ReceiptMarks:
    """The contribution a kept receipt is rendered with: marks for its own values."""

    status: str
    receipt_code: str = CODE_MARK
    body: str = BODY_MARK


def _draft(form: ContributionForm) -> services.Draft:
    partner = _is_partner()
    return services.Draft(
        body=form.body.data,
        kind=form.kind.data,
        author_type="partenaire" if partner else form.author_type.data,
        pseudonym="" if partner else form.pseudonym.data or "",
        public_ids=form.public_ids.data or [],
        territory_id=form.territory_id.data or None,
        idempotency_key=form.form_key.data,
    )


def _contribution_form() -> ContributionForm:
    form = ContributionForm()
    form.fill_choices(public_choices(), territory_choices())
    if _is_partner():
        del form.author_type
        del form.pseudonym
    if request.method == "GET":
        form.form_key.data = new_form_key()
    return form


@bp.route("/rencontres/<int:meeting_id>/contribuer", methods=["GET", "POST"])
@counts_own_limits
@anonymous_post_limits
def create(meeting_id: int):
    if request.method == "GET" and _same_for_everyone():
        kept = _kept_meeting(meeting_id)
        if kept is None or not can_view_meeting(current_user, kept):
            abort(404)
        if kept.is_open:
            return _blank_form(kept)
    form = None
    if request.method == "POST":
        form, response = _post(meeting_id)
        if response is not None:
            return response
    meeting = _meeting_or_404(meeting_id)
    form = form or _contribution_form()
    if not meeting.is_open:
        return _closed_page(meeting, form.body.data)
    incomplete = renew_missing_key(form)
    return render_template(
        "contributions/form.html", meeting=meeting, form=form, partner=_is_partner()
    ), (422 if form.errors or incomplete else 200)


def _post(meeting_id: int):
    """The standard form's POST: ``(form, response)``, ``response`` None when the form is
    shown again (invalid, refused) or the meeting is not open (``form`` None then).

    The meeting is the copy this process kept from an earlier POST when it says « open »:
    the INSERT itself checks that the meeting's row still holds what the copy says
    (``services.submit_contribution(kept=True)``), so no SELECT comes before it. When
    nothing was inserted (meeting changed, closed, or the same form sent again), the
    meeting is read in the transaction and everything goes on as without a copy."""
    kept = _posting_copies().get(meeting_id)
    posted = kept if kept is not None and kept.is_open else _read_for_posting(meeting_id)
    if posted is None or not can_view_meeting(current_user, posted):
        abort(404)
    if not posted.is_open:
        return None, None
    form = _contribution_form()
    if not form.validate_on_submit():
        return form, None
    draft = _draft(form)
    if posted is kept:
        try:
            return form, _submit(posted, draft, form, kept=True)
        except services.NotInserted:
            posted = _read_for_posting(meeting_id)
            if posted is None or not can_view_meeting(current_user, posted):
                abort(404)
            if not posted.is_open:
                return None, None
    return form, _submit(posted, draft, form)


def _posting_copies() -> dict[int, MeetingForPosting]:
    """This process's copies of the meetings posted to (checked by each INSERT)."""
    return current_app.extensions.setdefault("consult_posting_meetings", {})


def _read_for_posting(meeting_id: int) -> MeetingForPosting | None:
    """The meeting read in the POST's transaction; the process keeps a copy of it."""
    posted = MeetingForPosting.read(meeting_id)
    copies = _posting_copies()
    copies.pop(meeting_id, None)
    if posted is not None:
        copies[meeting_id] = posted
        while len(copies) > MAX_ENTRIES:
            copies.pop(next(iter(copies)), None)
    return posted


def _same_for_everyone() -> bool:
    """The blank form looks the same to every anonymous visitor but for its tokens."""
    return not current_user.is_authenticated and "_flashes" not in session


@dataclass(frozen=True)
class KeptMeeting:
    """What the blank form needs to know of its meeting, as plain values (core.cache)."""

    id: int
    status: str
    updated_at: datetime

    @property
    def is_open(self) -> bool:
        return self.status == "open"


def _kept_meeting(meeting_id: int) -> KeptMeeting | None:
    """Kept until a meeting (or anything public) changes (``core.cache.public_figures``:
    one Redis GET per request instead of a transaction and a query): access and the
    kept page are decided on the current status and version of the meeting."""

    def read() -> KeptMeeting | None:
        row = db.session.execute(
            sa.select(Meeting.id, Meeting.status, Meeting.updated_at).where(
                Meeting.id == meeting_id
            )
        ).first()
        return KeptMeeting(*row) if row is not None else None

    return public_figures(("contributions", "form-meeting", meeting_id), read)


def _blank_form(meeting: KeptMeeting) -> str:
    """The blank form, its HTML kept apart from its tokens (CSRF token, form key): the
    form itself (and the meeting) is built only when the page is rendered again."""
    tokens = {"csrf": generate_csrf(), "form_key": new_form_key()}

    def render() -> str:
        form = _contribution_form()
        form.form_key.data = tokens["form_key"]
        loaded = _meeting_or_404(meeting.id)
        return render_template("contributions/form.html", meeting=loaded, form=form)

    return page_with_tokens(("contribution-form", meeting.id, meeting.updated_at), render, tokens)


def _falc_step(form: EasyReadForm) -> str:
    """The screen to show after this POST: back, jump to a screen, or the next one."""
    current = form.step.data if form.step.data in FALC_STEPS else FALC_STEPS[0]
    index = FALC_STEPS.index(current)
    if request.form.get("aller") in FALC_STEPS:
        return request.form["aller"]
    if "retour" in request.form:
        return FALC_STEPS[max(0, index - 1)]
    if form.validate_step(current):
        return FALC_STEPS[min(index + 1, len(FALC_STEPS) - 1)]
    return current


def _falc_draft(form: EasyReadForm) -> services.Draft:
    return services.Draft(
        body=form.body.data,
        kind=form.kind.data,
        author_type=form.author_type.data,
        pseudonym=form.pseudonym.data or "",
        idempotency_key=form.form_key.data,
    )


@bp.route("/rencontres/<int:meeting_id>/contribuer/facile", methods=["GET", "POST"])
@counts_own_limits
@anonymous_post_limits
def create_easy(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    form = EasyReadForm()
    if not meeting.is_open:
        return _closed_page(meeting, form.body.data)
    if request.method == "GET" or not form.form_key.data:
        form.form_key.data = new_form_key()
        step = FALC_STEPS[0]
    else:
        sending = form.step.data == "envoyer" and "envoyer" in request.form
        if sending and form.validate_step("envoyer"):
            response = _submit(meeting, _falc_draft(form), form, easy=True)
            if response is not None:
                return response
        step = "envoyer" if sending else _falc_step(form)
    return render_template(
        "contributions/easy.html",
        meeting=meeting,
        form=form,
        step=step,
        number=FALC_STEPS.index(step) + 1,
        steps=len(FALC_STEPS),
        kinds=FALC_KINDS,
        authors=FALC_AUTHORS,
    ), (422 if any(form[name].errors for name in form.STEP_FIELDS[step]) else 200)


@bp.get("/rencontres/<int:meeting_id>/merci")
def thanks(meeting_id: int):
    """The receipt, shown once, for a session an older version sent here after its POST
    (the POST now answers with the receipt); a second visit (the next person) gets the form."""
    meeting = _meeting_or_404(meeting_id)
    contribution_id = session.pop("receipt_for", None)
    contribution = (
        db.session.get(Contribution, contribution_id) if isinstance(contribution_id, int) else None
    )
    if (
        contribution is None
        or contribution.meeting_id != meeting.id
        or utcnow() - contribution.created_at > RECEIPT_PAGE_WINDOW
    ):
        return redirect(url_for(".create", meeting_id=meeting.id))
    return _receipt(meeting, contribution, _easy())


def _easy() -> bool:
    """``?facile=1``: the participant came through the easy-read (FALC) form."""
    return request.args.get("facile") == "1"


# --- Public list and supports ----------------------------------------------------------


@bp.get("/contributions/")
def index():
    kind = request.args.get("type") if request.args.get("type") in KINDS else None
    territory_id = request.args.get("territoire", type=small_int)
    page = services.published_page(
        page=request.args.get("page", 1, type=small_int), kind=kind, territory_id=territory_id
    )
    territories = db.session.scalars(sa.select(Territory).order_by(Territory.position)).all()
    return render_template(
        "contributions/index.html",
        page=page,
        kinds=KINDS,
        territories=territories,
        kind=kind,
        territory_id=territory_id,
    )


@bp.get("/contributions/<int:contribution_id>")
def show(contribution_id: int):
    """One published contribution: where syntheses' figures and quotes lead."""
    contribution = get_or_404(db.session, Contribution, contribution_id)
    if contribution.status == "merged" and contribution.merged_into_id:
        return redirect(url_for(".show", contribution_id=contribution.merged_into_id))
    if contribution.status != "published" or not can_view_meeting(
        current_user, contribution.meeting
    ):
        abort(404)
    return render_template("contributions/show.html", contribution=contribution)


@bp.post("/contributions/<int:contribution_id>/soutenir")
@limiter.limit("60 per minute")
def support(contribution_id: int):
    contribution = get_or_404(db.session, Contribution, contribution_id)
    if contribution.status != "published" or not can_view_meeting(
        current_user, contribution.meeting
    ):
        abort(404)
    form = SupportForm()
    if not form.validate_on_submit() or not can_support(current_user, contribution):
        flash("Cette contribution ne peut plus être soutenue.", _in_place("error", contribution))
    else:
        message, category = _record_support(contribution)
        flash(message, _in_place(category, contribution))
    return redirect(_back_to(contribution), code=303)


def _in_place(category: str, contribution: Contribution) -> str:
    """A confirmation shown in the contribution's card when the person goes back to it."""
    return f"{category}@contribution-{contribution.id}" if _return_path() else category


def _return_path() -> str | None:
    return local_path(request.args.get("retour"))


def _back_to(contribution: Contribution) -> str:
    """The page the person came from (same place, confirmation in view), else the meeting."""
    back = _return_path()
    if back:
        return f"{back}#contribution-{contribution.id}-confirmation"
    target = url_for("meetings.show", meeting_id=contribution.meeting_id)
    return f"{target}#contribution-{contribution.id}"


def _record_support(contribution: Contribution) -> tuple[str, str]:
    """Add the support (once per browser, bounded per source); the flash to show."""
    user = current_user if current_user.is_authenticated else None
    added = services.support_contribution(contribution, supporter_key(), user=user, now=utcnow())
    if added and not source_allows("ANON_SUPPORT_LIMIT_SOURCE", "support", contribution.id):
        db.session.rollback()
        return FROM_THIS_SOURCE.format(action="soutenu", verb="la soutenir"), "info"
    db.session.commit()
    if added:
        return "Merci : votre soutien est enregistré.", "success"
    return "Vous soutenez déjà cette contribution.", "info"


@bp.route("/contributions/<int:contribution_id>/signaler", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def report(contribution_id: int):
    contribution = get_or_404(db.session, Contribution, contribution_id)
    if contribution.status != "published" or not can_view_meeting(
        current_user, contribution.meeting
    ):
        abort(404)
    form = ReportForm()
    if form.validate_on_submit():
        message, category = _record_report(contribution, form)
        flash(message, _in_place(category, contribution))
        return redirect(_back_to(contribution), code=303)
    back = _return_path() or url_for("meetings.show", meeting_id=contribution.meeting_id)
    return render_template(
        "contributions/report.html", contribution=contribution, form=form, back=back
    ), (422 if form.errors else 200)


def _record_report(contribution: Contribution, form: ReportForm) -> tuple[str, str]:
    """Add the report (once per browser, bounded per source); the flash to show."""
    added = services.report_contribution(
        contribution, supporter_key(), reason=form.reason.data, note=form.note.data, now=utcnow()
    )
    if added and not source_allows("ANON_REPORT_LIMIT_SOURCE", "report", contribution.id):
        db.session.rollback()
        return FROM_THIS_SOURCE.format(action="signalé", verb="la signaler"), "info"
    db.session.commit()
    if added:
        return "Merci : l'équipe de modération va relire cette contribution.", "success"
    return "Vous avez déjà signalé cette contribution : l'équipe va la relire.", "success"
