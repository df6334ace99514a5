"""``bench/capture_profile.py --split``: the form GET's and the POST's CPU, apart."""

import re

from bench.capture_profile import _split
from consult.contributions.models import Contribution


def test_split_prints_the_form_and_the_post_apart(app, client, make_meeting, count, capsys):
    meeting = make_meeting(status="open")
    _split(app, f"/rencontres/{meeting.id}/contribuer", blocks=2, per_block=5)
    line = capsys.readouterr().out.strip()
    assert re.fullmatch(
        r"cpu form GET \d+\.\d{3} ms, POST \d+\.\d{3} ms \(median of 2 blocks of 5\)", line
    )
    assert count(Contribution) == 10  # every journey posted
