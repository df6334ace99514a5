"""Branding: name, colour (contrast-checked) and logo (type-checked)."""

import io
from datetime import date

import pytest

from consult.site.services import (
    SiteError,
    check_colour,
    contrast_with_white,
    logo_mimetype,
)
from tests.factories import DEFAULT_PASSWORD as PASSWORD

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _settings(**overrides):
    data = {
        "department_name": "Département de la Vienne",
        "platform_name": "Vienne Participe",
        "primary_colour": "#00594f",
        "contact_email": "dpo@vienne.example",
    }
    data.update(overrides)
    return data


def test_contrast_is_computed_like_wcag():
    assert contrast_with_white("#000000") == pytest.approx(21.0)
    assert contrast_with_white("#ffffff") == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("colour", "message"),
    [
        ("#ffff00", "trop claire"),
        ("bleu", "#RRVVBB"),
        ("#12345", "#RRVVBB"),
    ],
)
def test_unreadable_or_malformed_colours_are_refused(colour, message):
    with pytest.raises(SiteError, match=message):
        check_colour(colour)


def test_logo_must_be_a_real_png_or_jpeg():
    assert logo_mimetype(PNG) == "image/png"
    with pytest.raises(SiteError, match="PNG ou JPEG"):
        logo_mimetype(b"<svg onload=alert(1)>")
    with pytest.raises(SiteError, match="512 Ko"):
        logo_mimetype(PNG + b"\x00" * 600_000)


def test_admin_changes_branding_shown_on_every_page(client, make_user, login):
    login(make_user(role="admin"))
    data = _settings(logo=(io.BytesIO(PNG), "logo.png"))
    response = client.post("/admin/apparence", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    assert "Vienne Participe" in client.get("/").get_data(as_text=True)
    assert "--brand: #00594f" in client.get("/theme.css").get_data(as_text=True)
    logo = client.get("/logo")
    assert logo.mimetype == "image/png"
    assert logo.data == PNG


def test_light_colour_is_refused_with_explanation(client, make_user, login):
    login(make_user(role="admin"))
    response = client.post("/admin/apparence", data=_settings(primary_colour="#f0f0f0"))
    assert response.status_code == 422
    assert "trop claire" in response.get_data(as_text=True)
    assert "#f0f0f0" not in client.get("/theme.css").get_data(as_text=True)


def test_no_logo_answers_404(client):
    assert client.get("/logo").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/accessibilite",
        "/donnees-personnelles",
        "/rencontres/",
        "/contributions/",
        "/territoires/",
    ],
)
def test_public_pages_render(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert '<a class="skip-link" href="#contenu">' in response.get_data(as_text=True)


def test_home_page_offers_to_follow_a_contribution(client, make_contribution, db):
    contribution = make_contribution(status="pending", body="Un accueil de jour le samedi")
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "Suivre ma contribution" in page.split("<footer")[0]
    assert '<form method="post" action="/suivi"' in page
    result = client.post("/suivi", data={"code": contribution.receipt_code})
    assert result.status_code == 200
    assert "Un accueil de jour le samedi" in result.get_data(as_text=True)


@pytest.mark.parametrize(("role", "landing"), [("facilitator", "/a-faire"), ("admin", "/a-faire")])
def test_staff_land_on_their_to_do_page(client, make_user, login, role, landing):
    response = login(make_user(role=role))
    assert response.status_code == 302
    assert response.headers["Location"] == landing


@pytest.mark.parametrize(
    ("role", "landing"), [("participant", "/"), ("member", "/groupes/"), ("partner", "/")]
)
def test_others_land_elsewhere_and_cannot_see_it(client, make_user, login, role, landing):
    """Working group members land on their groups; the to-do page is the staff's."""
    assert login(make_user(role=role)).headers["Location"] == landing
    assert client.get("/a-faire").status_code in (302, 403)


def test_asked_page_wins_over_the_to_do_page(client, make_user):
    user = make_user(role="facilitator")
    response = client.post(
        "/connexion?next=/rencontres/", data={"email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/rencontres/"


def test_to_do_page_lists_what_waits(client, make_user, login, make_meeting, make_contribution, db):
    waiting = make_meeting(status="open", title="Concertation à modérer")
    for _ in range(3):
        make_contribution(meeting=waiting, status="pending")
    make_contribution(meeting=waiting, status="published")
    past = make_meeting(status="open", title="Forum oublié", held_on=date(2020, 1, 15))
    make_meeting(status="open", title="Forum à venir", held_on=date(2999, 1, 1))
    login(make_user(role="facilitator"))
    page = client.get("/a-faire").get_data(as_text=True)
    assert "3 contributions à modérer — Concertation à modérer" in page
    assert f"/moderation/?statut=pending&amp;rencontre={waiting.id}" in page
    assert "Forum oublié" in page
    assert f"/rencontres/{past.id}/gestion" in page
    assert "Forum à venir" not in page
    assert "Aucune synthèse en cours." in page


@pytest.mark.parametrize(
    ("role", "team_menu", "admin_links"),
    [
        (None, False, False),
        ("participant", False, False),
        ("member", False, False),
        ("partner", False, False),
        ("facilitator", True, False),
        ("admin", True, True),
    ],
)
def test_menus_follow_the_roles_written_once(
    client, make_user, login, db, role, team_menu, admin_links
):
    if role:
        login(make_user(role=role))
    home = client.get("/").get_data(as_text=True)
    assert ('href="/admin/"' in home) is team_menu
    admin = client.get("/admin/")
    if not team_menu:
        assert admin.status_code in (302, 403)
        return
    page = admin.get_data(as_text=True)
    assert ("Comptes et organisations" in page) is admin_links
    queue = client.get("/moderation/").get_data(as_text=True)
    assert ("Journal de modération" in queue) is admin_links
