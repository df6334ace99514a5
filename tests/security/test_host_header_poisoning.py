"""Issue 12 #8: links in e-mails come from CONSULT_PUBLIC_URL, never from the Host header."""

import logging
import re

import pytest

from config import TestConfig
from consult import create_app
from consult.core.mail import public_url
from consult.extensions import db
from consult.tagging.models import ContributionTag
from tests.factories import DEFAULT_PASSWORD

PUBLIC = "https://concertation.departement.example"
EVIL = "http://consult.evil.example"


@pytest.fixture(autouse=True)
def public_address(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", PUBLIC)


def _sign_in_on_evil_host(client, user):
    # The attacker's own account, its cookies set for the forged host.
    data = {"email": user.email, "password": DEFAULT_PASSWORD}
    assert client.post("/connexion", data=data, base_url=EVIL).status_code == 302


def _mailed_links(caplog) -> list[str]:
    return re.findall(r"https?://\S+", caplog.text)


def _assert_only_public_links(caplog, path):
    links = _mailed_links(caplog)
    assert any(path in link for link in links), caplog.text
    assert all(link.startswith(PUBLIC + "/") for link in links), links
    assert "evil" not in caplog.text


def test_reset_link_ignores_a_forged_host(client, make_user, caplog):
    user = make_user()
    with caplog.at_level(logging.WARNING, logger="consult.mail"):
        client.post("/mot-de-passe-oublie", data={"email": user.email}, base_url=EVIL)
    _assert_only_public_links(caplog, "/reinitialiser/")


def test_invitation_link_ignores_a_forged_host(client, make_user, caplog):
    _sign_in_on_evil_host(client, make_user(role="admin"))
    with caplog.at_level(logging.WARNING, logger="consult.mail"):
        response = client.post(
            "/admin/comptes",
            data={
                "display_name": "Léa Animatrice",
                "email": "lea@exemple.fr",
                "role": "facilitator",
            },
            base_url=EVIL,
        )
    assert response.status_code == 302
    _assert_only_public_links(caplog, "/invitation/")


def test_answer_mail_link_ignores_a_forged_host(
    client,
    make_scheme,
    make_working_group,
    make_meeting,
    make_user,
    make_contribution,
    db,
    jobs,
    caplog,
):
    scheme, pilot, author = make_scheme(), make_user(role="member"), make_user()
    group = make_working_group(scheme=scheme, members=[(pilot, "pilote")], theme=scheme.themes[0])
    meeting = make_meeting(scheme=scheme, status="open")
    proposal = make_contribution(meeting=meeting, body="Des crèches le samedi", author_id=author.id)
    db.session.add(ContributionTag(contribution=proposal, theme=group.theme))
    db.session.commit()
    _sign_in_on_evil_host(client, pilot)
    response = client.post(
        f"/groupes/{group.id}/contributions/{proposal.id}/decision",
        data={"outcome": "non_retenue", "reason": "Déjà financé"},
        base_url=EVIL,
    )
    assert response.status_code == 303
    with caplog.at_level(logging.WARNING, logger="consult.mail"):
        assert jobs.run_all() == [True]
    _assert_only_public_links(caplog, "/mon-compte")


def test_public_url_keeps_a_path_prefix_and_works_outside_requests(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://cd73.example/concertation/")
    with app.app_context():
        link = public_url("accounts.reset_password", token="abc")
    assert link == "https://cd73.example/concertation/reinitialiser/abc"


def test_trusted_hosts_refuse_a_forged_host_with_a_plain_400():
    config = type("Hosted", (TestConfig,), {"TRUSTED_HOSTS": ["concertation.departement.example"]})
    app = create_app(config)
    client = app.test_client()
    refused = client.get("/connexion", base_url=EVIL)
    served = client.get("/static/css/consult.css", base_url=PUBLIC)
    served.close()
    with app.app_context():
        db.engine.dispose()
    assert refused.status_code == 400
    assert "non reconnue" in refused.text
    assert served.status_code == 200
