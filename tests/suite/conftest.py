"""A small concertation with answers: meetings, contributions, decisions, fiches."""

from types import SimpleNamespace

import pytest

from consult.tagging.models import ContributionTag
from consult.workgroups.models import Decision, FicheContribution

HOSTILE = '<script>alert("x")</script>Des <b>bus</b> le soir'


@pytest.fixture
def decide(db):
    """Record the working groups' answer on a contribution."""

    def _decide(contribution, outcome="retenue", reason="", fiche=None):
        decision = Decision(
            contribution_id=contribution.id,
            outcome=outcome,
            reason=reason,
            fiche_id=fiche.id if fiche else None,
        )
        db.session.add(decision)
        db.session.flush()
        return decision

    return _decide


@pytest.fixture
def world(db, make_scheme, make_meeting, make_contribution, make_user, decide):
    """One scheme: an open meeting with decided, waiting and hidden contributions."""
    scheme = make_scheme(department="Savoie (suite)")
    meeting = make_meeting(
        scheme=scheme,
        status="closed",
        title="Concertation de Maurienne",
        attendance_by_type={"usagers": 12, "professionnels": 9},
    )
    fiche, other_fiche = scheme.fiches[0], scheme.fiches[1]
    theme = scheme.themes[0]
    kept = make_contribution(meeting=meeting, body="Ouvrir une crèche à horaires décalés")
    refused = make_contribution(meeting=meeting, body="Un parking gratuit devant chaque mairie")
    waiting = make_contribution(meeting=meeting, body=HOSTILE)
    masked = make_contribution(
        meeting=meeting,
        body="Mon assistante sociale [nom masqué] ne répond jamais",
        original_body="Mon assistante sociale Mme Dupontel ne répond jamais",
    )
    pending = make_contribution(
        meeting=meeting, body="Texte en attente de modération", status="pending"
    )
    rejected = make_contribution(
        meeting=meeting, body="Texte rejeté par la modération", status="rejected"
    )
    decide(kept, "retenue", fiche=fiche)
    decide(refused, "non_retenue", reason="Le stationnement relève des communes.")
    db.session.add(FicheContribution(fiche_id=other_fiche.id, contribution_id=masked.id))
    db.session.add(ContributionTag(contribution_id=kept.id, theme_id=theme.id))
    db.session.add(ContributionTag(contribution_id=pending.id, theme_id=theme.id))
    db.session.commit()
    return SimpleNamespace(
        scheme=scheme,
        meeting=meeting,
        fiche=fiche,
        other_fiche=other_fiche,
        theme=theme,
        kept=kept,
        refused=refused,
        waiting=waiting,
        masked=masked,
        pending=pending,
        rejected=rejected,
    )
