"""A scheme with public and private data, and partner tokens, for the API tests."""

from datetime import date

import pytest

from consult.api import auth
from consult.core.db import utcnow
from consult.followup.models import Measurement
from consult.schemes.models import Fiche, Indicator, Theme
from consult.tagging.models import ContributionTag
from consult.workgroups.models import Decision


@pytest.fixture
def world(
    db, make_scheme, make_meeting, make_contribution, make_working_group, make_synthesis_version
):
    scheme = make_scheme()
    public = make_meeting(scheme=scheme, held_on=date(2026, 3, 1), title="Rencontre publique")
    other = make_meeting(scheme=scheme, held_on=date(2026, 6, 1), title="Autre rencontre")
    draft = make_meeting(scheme=scheme, status="draft", title="Rencontre secrète")
    group = make_working_group(scheme=scheme)
    private = make_meeting(scheme=scheme, kind="groupe_de_travail", working_group_id=group.id)
    shown = [
        make_contribution(meeting=public, body=f"Avis public numéro {n}", published_at=utcnow())
        for n in range(7)
    ]
    elsewhere = make_contribution(meeting=other, body="Avis d'une autre rencontre")
    secrets_ = [
        make_contribution(meeting=public, body="Avis en attente secret", status="pending"),
        make_contribution(meeting=public, body="Avis rejeté secret", status="rejected"),
        make_contribution(meeting=public, body="Avis retiré secret", status="withdrawn"),
        make_contribution(meeting=draft, body="Avis de brouillon secret"),
        make_contribution(meeting=private, body="Avis du groupe secret"),
    ]
    adopted, hidden, theme = _fiches_and_tags(db, scheme, shown, elsewhere)
    # Its texts sit in the draft meeting: never listed; its ideas are, once published.
    synthesis = make_synthesis_version(meeting=draft, status="published")
    _indicators(db, adopted, hidden)
    return {
        "synthesis": synthesis,
        "scheme": scheme,
        "public": public,
        "other": other,
        "draft": draft,
        "private": private,
        "shown": shown,
        "elsewhere": elsewhere,
        "secrets": secrets_,
        "adopted": adopted,
        "hidden": hidden,
        "theme": theme,
    }


def _fiches_and_tags(db, scheme, shown, elsewhere):
    """An adopted and a draft fiche, tags and decisions on the public contributions."""
    adopted = Fiche(scheme_id=scheme.id, number="A1", title="Fiche adoptée", status="adoptee")
    hidden = Fiche(scheme_id=scheme.id, number="Z9", title="Fiche secrète", status="brouillon")
    theme = db.session.query(Theme).filter_by(scheme_id=scheme.id).first()
    db.session.add_all([adopted, hidden])
    db.session.flush()
    db.session.add_all(
        [
            ContributionTag(contribution_id=shown[0].id, theme_id=theme.id),
            ContributionTag(contribution_id=shown[1].id, fiche_id=adopted.id),
            ContributionTag(contribution_id=shown[2].id, fiche_id=hidden.id),
            Decision(contribution_id=shown[1].id, outcome="retenue", fiche_id=adopted.id),
            Decision(contribution_id=elsewhere.id, outcome="non_retenue", reason="Hors budget"),
        ]
    )
    db.session.flush()
    return adopted, hidden, theme


def _indicators(db, adopted, hidden):
    """An indicator measured twice on the adopted fiche; one on the draft fiche, secret."""
    counted = Indicator(fiche_id=adopted.id, label="Familles accueillies", baseline=10)
    secret = Indicator(fiche_id=hidden.id, label="Indicateur secret")
    db.session.add_all([counted, secret])
    db.session.flush()
    db.session.add_all(
        [
            Measurement(indicator_id=counted.id, year=2025, value=12),
            Measurement(indicator_id=counted.id, year=2026, text_value="En hausse"),
            Measurement(indicator_id=secret.id, year=2026, value=3, source="secret"),
        ]
    )
    db.session.flush()


@pytest.fixture
def make_token(db, make_organisation):
    def _make(organisation=None, scopes=("contributions:write",)):
        organisation = organisation or make_organisation()
        token, raw = auth.create_token(organisation, list(scopes), now=utcnow())
        return token, {"Authorization": f"Bearer {raw}"}

    return _make
