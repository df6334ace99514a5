"""Issue 16 #14: text in angle brackets is a participant's words, not markup to delete.

« Il faut <plus> de places » used to be stored as « Il faut de places ». Real
markup is still removed; everything else is kept and escaped on output.
"""

import pytest

from consult.contributions.models import Contribution
from consult.core.sanitize import clean_line, clean_text
from tests.contributions.test_views import contribute


@pytest.mark.parametrize(
    "text",
    [
        "Il faut <plus> de places",
        "Les <jeunes> et les </vieux> aussi",
        "Je vous aime <3 et <<vraiment>> merci",
        "Écrire à <mairie@exemple.fr> ou <Monsieur le maire>",
        "des <places en crèche> et <plus de bus>",
    ],
)
def test_words_in_angle_brackets_are_kept(text):
    assert clean_text(text) == text
    assert clean_line(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('<script>alert("x")</script>Bonjour', 'alert("x")Bonjour'),
        ("Plus de <b>bus</b> <plus> vite", "Plus de bus <plus> vite"),
        ("<<script>script>alert(1)<</script>/script>Bonjour", None),
        ("<IMG SRC=x onerror=alert(1)>Bonjour <ici>", "Bonjour <ici>"),
    ],
)
def test_real_markup_is_still_removed(text, expected):
    cleaned = clean_text(text)
    assert "<script" not in cleaned.lower()
    assert "<img" not in cleaned.lower()
    if expected is not None:
        assert cleaned == expected


def test_contribution_keeps_its_words_and_shows_them_escaped(client, make_meeting, db):
    meeting = make_meeting(status="open", publish_immediately=True)
    assert contribute(client, meeting, body="Il faut <plus> de places").status_code == 200
    assert db.session.query(Contribution).one().body == "Il faut <plus> de places"
    page = client.get(f"/rencontres/{meeting.id}").text
    assert "Il faut &lt;plus&gt; de places" in page
    assert "<plus>" not in page
