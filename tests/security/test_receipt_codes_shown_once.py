"""Issue 12 #6: a receipt code is shown once, never kept readable in the session cookie.

On a shared tablet, the next person must not find the previous participant's
code (which lets anyone withdraw the contribution) in the cookie, on ``/merci``,
nor by sending the previous form again.
"""

import base64
import zlib
from datetime import timedelta

from consult.contributions.models import Contribution
from consult.core.db import utcnow
from tests.contributions.test_views import BODY, answers, form_key


def _cookie_text(client) -> str:
    """The session cookie as anyone holding the browser can read it (no key needed)."""
    cookie = client.get_cookie("session")
    if cookie is None:
        return ""
    payload = cookie.value.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    if cookie.value.startswith("."):
        raw = zlib.decompress(raw)
    return raw.decode("utf-8", "replace")


def _contribute(client, meeting):
    key = form_key(client.get(f"/rencontres/{meeting.id}/contribuer"))
    receipt = client.post(f"/rencontres/{meeting.id}/contribuer", data=answers(key))
    return key, receipt


def test_receipt_code_is_not_readable_in_the_cookie(client, make_meeting, db):
    meeting = make_meeting(status="open")
    _contribute(client, meeting)
    code = db.session.query(Contribution).one().receipt_code
    assert code not in _cookie_text(client)
    assert code.replace("-", "") not in _cookie_text(client)


def test_thanks_page_shows_the_code_once(client, make_meeting, db):
    meeting = make_meeting(status="open")
    _key, first = _contribute(client, meeting)  # the receipt is the POST's answer
    code = db.session.query(Contribution).one().receipt_code
    assert code in first.text
    assert "no-store" in first.headers["Cache-Control"]
    second = client.get(f"/rencontres/{meeting.id}/merci", follow_redirects=True)
    assert code not in second.text
    assert BODY not in second.text


def test_sending_an_old_form_again_does_not_reveal_the_code(client, make_meeting, db):
    meeting = make_meeting(status="open")
    key, _receipt = _contribute(client, meeting)
    contribution = db.session.query(Contribution).one()
    # The next person, later, goes back and sends the same (cached) form again.
    contribution.created_at = utcnow() - timedelta(minutes=20)
    db.session.flush()
    again = client.post(
        f"/rencontres/{meeting.id}/contribuer", data=answers(key), follow_redirects=True
    )
    assert contribution.receipt_code not in again.text
    assert db.session.query(Contribution).count() == 1
