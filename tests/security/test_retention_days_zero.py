"""Issue 12 #7 (retention): ``flask retention run --days 0`` does what it says.

It used to fall back silently to the 365-day default; a negative duration is
refused with a clear message.
"""

from datetime import timedelta

from consult.contributions.models import Contribution
from consult.core.db import utcnow


def test_days_zero_purges_now(runner, db, make_contribution):
    recent = make_contribution(body="Texte", pseudonym="Jo")
    recent.created_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    result = runner.invoke(args=["retention", "run", "--days", "0"])
    assert result.exit_code == 0, result.output
    assert "1 contribution purgée, 0 fichier d'import effacé" in result.output
    db.session.expire_all()
    assert db.session.get(Contribution, recent.id).pseudonym == ""


def test_negative_days_are_refused(runner, db, make_contribution):
    kept = make_contribution(body="Texte", pseudonym="Jo")
    db.session.commit()
    result = runner.invoke(args=["retention", "run", "--days", "-1"])
    assert result.exit_code != 0
    assert "--days" in result.output
    db.session.expire_all()
    assert db.session.get(Contribution, kept.id).pseudonym == "Jo"
