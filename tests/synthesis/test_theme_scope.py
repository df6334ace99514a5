"""A theme-scoped synthesis: the theme's fiches, its own participants, French local time."""

from datetime import UTC, datetime

import pytest
from flask import render_template_string

from consult.core.db import utcnow
from consult.core.formatting import long_date
from consult.synthesis import services
from consult.synthesis.services import Scope
from consult.tagging.services import add_tag


@pytest.fixture
def staff(make_user):
    return make_user(role="facilitator")


@pytest.fixture
def theme_setup(db, make_scheme, make_meeting, make_contribution, make_working_group, staff):
    """Theme A's contributions at one meeting (12 people), another theme's at another (50)."""
    scheme = make_scheme(department="Dépt thème")
    theme, other_theme = scheme.themes[0], scheme.themes[1]
    fiche = next(f for f in scheme.fiches if f.status == "adoptee")
    group = make_working_group(scheme=scheme, theme=theme)
    group.fiches.append(fiche)
    here = make_meeting(scheme=scheme, attendance_by_type={"usagers": 12})
    elsewhere = make_meeting(scheme=scheme, attendance_by_type={"usagers": 50})
    on_theme = make_contribution(meeting=here, body="Un accueil de proximité dans le canton")
    on_fiche = make_contribution(meeting=here, body="Un guichet pour les démarches en ligne")
    off_theme = make_contribution(meeting=elsewhere, body="Des bus le soir")
    add_tag(on_theme, theme=theme, actor=staff, now=utcnow())
    add_tag(on_fiche, fiche=fiche, actor=staff, now=utcnow())
    add_tag(off_theme, theme=other_theme, actor=staff, now=utcnow())
    db.session.flush()
    synthesis = services.create_synthesis(
        scheme=scheme,
        title="Synthèse de la thématique",
        template="concertations",
        scope=Scope(theme_ids=[theme.id]),
        actor=staff,
    )
    return synthesis, fiche, (on_theme, on_fiche, off_theme)


def test_theme_scope_reads_the_contributions_of_the_theme_fiches(theme_setup):
    synthesis, _fiche, (on_theme, on_fiche, off_theme) = theme_setup
    read = {item.id for item in services.collect_items(synthesis)}
    assert read == {on_theme.id, on_fiche.id}
    assert off_theme.id not in read


def test_theme_scope_names_the_theme_fiches(theme_setup):
    synthesis, fiche, _ = theme_setup
    described = dict(services.describe_scope(synthesis))
    assert described["Fiches"] == fiche.title


def test_theme_scope_counts_only_the_participants_of_its_meetings(theme_setup):
    synthesis, _, _ = theme_setup
    assert services.participants(synthesis) == 12


def test_unscoped_synthesis_counts_every_meeting_it_reads(theme_setup):
    synthesis, _, _ = theme_setup
    synthesis.scope = Scope().to_dict()
    assert services.participants(synthesis) == 62


def test_unscoped_synthesis_leaves_out_meetings_that_gave_it_no_contribution(
    theme_setup, make_meeting
):
    """A later forum or a working-group sitting (attendance, no contribution) is not
    counted among the people whose contributions the synthesis reads."""
    synthesis, _, _ = theme_setup
    synthesis.scope = Scope().to_dict()
    make_meeting(scheme=synthesis.scheme, attendance_by_type={"usagers": 134})
    assert services.participants(synthesis) == 62


def test_document_times_are_french_local_time():
    summer = datetime(2025, 7, 1, 14, 5, tzinfo=UTC)
    winter = datetime(2025, 1, 15, 23, 30, tzinfo=UTC)
    assert long_date(summer) == "1er juillet 2025 à 16 h 05"
    assert long_date(winter) == "16 janvier 2025 à 0 h 30"  # already the next day in Paris


def test_heure_locale_filter(app):
    with app.test_request_context():
        text = render_template_string(
            "{{ moment|heure_locale }}", moment=datetime(2025, 7, 1, 14, 5, tzinfo=UTC)
        )
    assert text == "01/07/2025 à 16:05"
