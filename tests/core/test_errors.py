"""The one domain-error base: a refusal undoes the request's writes and says why in French."""

from html import unescape

import pytest
import sqlalchemy as sa
from flask import get_flashed_messages
from wtforms import StringField

from consult.accounts.models import User
from consult.core.errors import DomainError, ForbiddenError, NotFoundError, refuse
from consult.core.forms import BaseForm
from consult.core.pagination import paginate
from consult.fiches.services import DraftingError
from consult.meetings.services import MeetingError
from consult.reports.jobs import ReportError
from consult.workgroups.services import GroupError


class NameForm(BaseForm):
    name = StringField()
    email = StringField()


def test_every_domain_error_of_the_moved_packages_shares_the_base():
    for error_class in (DraftingError, GroupError, MeetingError, ReportError):
        assert issubclass(error_class, DomainError)


def test_refuse_rolls_back_and_flashes_without_a_form(app, db, make_user):
    user = make_user(role="participant")
    db.session.commit()  # the account exists before the request
    with app.test_request_context("/"):
        user.display_name = "Nom jamais enregistré"
        refuse(MeetingError("Rencontre close : rien n'est enregistré."))
        assert get_flashed_messages(with_categories=True) == [
            ("error", "Rencontre close : rien n'est enregistré.")
        ]
    assert db.session.get(User, user.id).display_name != "Nom jamais enregistré"


def test_refuse_puts_the_message_under_the_field_the_error_names(app, db):
    with app.test_request_context("/", method="POST"):
        form = NameForm(meta={"csrf": False})
        refuse(GroupError("Adresse inconnue.", field="email"), form, "name")
        refuse(GroupError("Nom déjà pris."), form, "name")
        assert list(form.email.errors) == ["Adresse inconnue."]
        assert list(form.name.errors) == ["Nom déjà pris."]


def test_a_refusal_no_view_catches_gets_a_french_page_with_its_status(app, db):
    with app.test_request_context("/groupes/"):
        response = app.make_response(
            app.handle_user_exception(ReportError("Ce bilan est déjà publié.", status=409))
        )
    assert response.status_code == 409
    assert "Ce bilan est déjà publié." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("error", "status", "text"),
    [
        (NotFoundError(), 404, "Cette page n'existe pas ou n'est plus disponible."),
        (ForbiddenError(), 403, "Vous n'avez pas l'autorisation d'accéder à cette page."),
        (NotFoundError("Cette fiche n'existe pas."), 404, "Cette fiche n'existe pas."),
    ],
)
def test_a_service_s_not_found_or_forbidden_gets_the_french_page(app, db, error, status, text):
    with app.test_request_context("/groupes/"):
        response = app.make_response(app.handle_user_exception(error))
    assert response.status_code == status
    assert text in unescape(response.get_data(as_text=True))


def test_a_service_s_not_found_answers_json_under_the_api(app, db):
    with app.test_request_context("/api/v1/rencontres/1"):
        response = app.make_response(app.handle_user_exception(NotFoundError()))
    assert response.status_code == 404
    assert response.get_json() == {
        "erreur": "Cette page n'existe pas ou n'est plus disponible.",
        "statut": 404,
    }


def test_paginate_brings_a_page_past_the_end_back_to_the_last_one(db, make_user):
    for _ in range(5):
        make_user(role="participant")
    users = sa.select(User).order_by(User.id)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(users.subquery()))
    last = -(-total // 2)

    page = paginate(users, 99, 2)

    assert (page.number, page.pages, page.total) == (last, last, total)
    assert page.has_previous
    assert not page.has_next
    assert [u.id for u in page.items] == [u.id for u in db.session.scalars(users)][2 * (last - 1) :]
    assert paginate(users, 0, 2).number == 1


@pytest.mark.parametrize(
    "busy",
    [
        sa.exc.TimeoutError("QueuePool limit of size 5 overflow 10 reached"),
        sa.exc.OperationalError("INSERT", {}, Exception("database is locked")),
    ],
)
def test_a_post_the_busy_database_refused_gives_the_text_back(
    client, make_meeting, monkeypatch, busy
):
    """Every pooled connection taken or the database locked too long: the participant
    reads, in French, that nothing was recorded and to try again, with their text."""
    from consult.contributions import services
    from tests.contributions.test_views import answers, form_key

    meeting = make_meeting(status="open")
    key = form_key(client.get(f"/rencontres/{meeting.id}/contribuer"))

    def refused(*args, **kwargs):
        raise busy

    monkeypatch.setattr(services, "submit_contribution", refused)
    body = "Un bus le dimanche <b>entre</b> Modane et Saint-Jean, merci"
    response = client.post(f"/rencontres/{meeting.id}/contribuer", data=answers(key, body=body))
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "Service très sollicité" in page
    assert "Votre texte, pour ne pas le perdre" in page
    assert "Un bus le dimanche &lt;b&gt;entre&lt;/b&gt; Modane et Saint-Jean, merci" in page
