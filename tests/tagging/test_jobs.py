"""Tagging reacts to submitted contributions through a signal, not a hidden import."""

import ast
from pathlib import Path

from consult.contributions.services import Draft, submit_contribution
from consult.core.db import utcnow
from consult.tagging.services import suggestions_of

SERVICES = Path(__file__).parents[2] / "consult" / "contributions" / "services.py"


def test_submitted_contribution_gets_suggestions_through_the_signal(
    db, jobs, make_scheme, make_meeting
):
    meeting = make_meeting(scheme=make_scheme(), status="open")
    body = "Plus de places d'accueil de jour et de répit pour les aidants."
    contribution, created = submit_contribution(meeting, Draft(body=body), now=utcnow())
    db.session.commit()

    assert created
    assert [c.path for c in jobs.calls] == ["consult.tagging.jobs.suggest_tags"]
    assert jobs.run_all() == [True]
    assert suggestions_of(contribution)


def test_bulk_import_submission_queues_no_suggestion_job(db, jobs, make_scheme, make_meeting):
    meeting = make_meeting(scheme=make_scheme(), status="open")
    submit_contribution(meeting, Draft(body="Plus de bus"), now=utcnow(), suggest=False)
    db.session.commit()

    assert jobs.calls == []


def test_contributions_services_never_imports_tagging():
    tree = ast.parse(SERVICES.read_text(encoding="utf-8"))
    imported = [
        node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    ] + [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    ]

    assert not [name for name in imported if name.startswith("consult.tagging")]
