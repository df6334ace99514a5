"""Tags, explainable suggestions computed by a job, learning, bulk acceptance."""

import pytest

from consult.analysis import tag_feedback
from consult.analysis.tag_feedback import out_of_fold
from consult.core.db import utcnow
from consult.core.jobs import enqueue_after_commit
from consult.history.services import history
from consult.tagging.jobs import suggest_tags
from consult.tagging.models import ContributionTag
from consult.tagging.services import (
    TaggingError,
    accept_suggestions,
    add_tag,
    build_suggesters,
    reject_suggestion,
    store_suggestions,
    suggestions_of,
    tags_of,
)


@pytest.fixture
def savoie_meeting(make_scheme, make_meeting):
    return make_meeting(scheme=make_scheme())


def _fiche(meeting, number):
    return next(f for f in meeting.scheme.fiches if f.number == number)


def test_tag_records_who_and_is_idempotent(db, savoie_meeting, make_contribution, make_user, count):
    facilitator = make_user(role="facilitator")
    contribution = make_contribution(meeting=savoie_meeting)
    theme = savoie_meeting.scheme.themes[0]
    add_tag(contribution, theme=theme, actor=facilitator, now=utcnow())
    add_tag(contribution, theme=theme, actor=facilitator, now=utcnow())
    assert count(ContributionTag) == 1
    assert tags_of(contribution)[0].set_by_id == facilitator.id


def test_audit_trail_keeps_the_tags_before_and_after(
    db, savoie_meeting, make_contribution, make_user
):
    facilitator = make_user(role="facilitator")
    contribution = make_contribution(meeting=savoie_meeting)
    theme = savoie_meeting.scheme.themes[0]
    add_tag(contribution, theme=theme, actor=facilitator, now=utcnow())
    event = history(contribution)[-1]
    assert (event.action, event.before["tags"]) == ("tag", [])
    assert event.after["tags"] == [f"theme:{theme.id}"]


def test_tag_from_another_scheme_is_refused(
    db, savoie_meeting, make_scheme, make_contribution, make_user
):
    other = make_scheme(fixture="vienne.json")
    with pytest.raises(TaggingError, match="schéma"):
        add_tag(
            make_contribution(meeting=savoie_meeting),
            fiche=other.fiches[0],
            actor=make_user(role="facilitator"),
            now=utcnow(),
        )


def test_job_stores_explained_suggestions(db, jobs, savoie_meeting, make_contribution):
    contribution = make_contribution(
        meeting=savoie_meeting,
        body="Il faut plus de places d'accueil de jour et de répit pour les aidants des "
        "personnes âgées qui vivent à domicile.",
    )
    enqueue_after_commit(suggest_tags, contribution.id)
    db.session.commit()
    assert jobs.run_all() == [True]
    suggestions = suggestions_of(contribution)
    assert suggestions
    assert all(s.words for s in suggestions)
    assert suggestions[0].score >= suggestions[-1].score


def test_bulk_accept_above_confidence_marks_tags_as_from_suggestion(
    db, savoie_meeting, make_contribution, make_user
):
    facilitator = make_user(role="facilitator")
    contribution = make_contribution(
        meeting=savoie_meeting,
        body="Aider les aidants : plateformes de répit et accueil de "
        "jour pour les personnes âgées à domicile.",
    )
    store_suggestions(contribution, build_suggesters(savoie_meeting.scheme), now=utcnow())
    best = suggestions_of(contribution)[0].score
    added = accept_suggestions([contribution], minimum=best, actor=facilitator, now=utcnow())
    assert added >= 1
    assert all(t.from_suggestion for t in tags_of(contribution))


def test_suggestions_learn_from_decisions(db, savoie_meeting, make_contribution, make_user):
    facilitator = make_user(role="facilitator")
    target = _fiche(savoie_meeting, "33")
    text = "Les saisonniers des stations de ski n'ont pas de médecin traitant."
    for body in (
        "Permanence pour les saisonniers des stations de ski.",
        "Les saisonniers en station ne connaissent pas leurs droits.",
    ):
        add_tag(
            make_contribution(meeting=savoie_meeting, body=body),
            fiche=target,
            actor=facilitator,
            now=utcnow(),
        )
    fresh = make_contribution(meeting=savoie_meeting, body=text)
    store_suggestions(fresh, build_suggesters(savoie_meeting.scheme), now=utcnow())
    fiche_suggestions = [s for s in suggestions_of(fresh) if s.fiche_id]
    assert fiche_suggestions[0].fiche_id == target.id
    assert fiche_suggestions[0].learned is True


def test_one_more_tag_is_learned_without_measuring_the_calibration_again(
    db, savoie_meeting, make_contribution, make_user, monkeypatch
):
    facilitator = make_user(role="facilitator")
    fiches = [_fiche(savoie_meeting, n) for n in ("9", "31", "33")]
    words = ("aidants répit", "accueil rappel", "saisonniers station")
    for n in range(20):
        for fiche, word in zip(fiches, words, strict=True):
            body = f"{word} {n}"
            contribution = make_contribution(meeting=savoie_meeting, body=body)
            add_tag(contribution, fiche=fiche, actor=facilitator, now=utcnow())
    measured = []
    monkeypatch.setattr(
        tag_feedback, "out_of_fold", lambda *a, **k: measured.append(a) or out_of_fold(*a, **k)
    )
    build_suggesters(savoie_meeting.scheme)
    assert len(measured) == 2  # fiches, then themes
    text = "Un festival de musique pour tous"
    one_more = make_contribution(meeting=savoie_meeting, body=text)
    add_tag(one_more, fiche=fiches[0], actor=facilitator, now=utcnow())
    suggesters = build_suggesters(savoie_meeting.scheme)
    assert len(measured) == 2  # 1 tag out of 60: the last estimate holds
    assert suggesters["fiche"].suggest(text)[0].key == str(fiches[0].id)  # learned anyway
    for n in range(6):  # 7 tags out of 60: more than 10 %
        add_tag(
            make_contribution(meeting=savoie_meeting, body=f"{text} {n}"),
            fiche=fiches[0],
            actor=facilitator,
            now=utcnow(),
        )
    build_suggesters(savoie_meeting.scheme)
    assert len(measured) == 4  # both again: the themes hear their fiches


def test_a_refused_suggestion_is_never_offered_again_and_others_keep_their_numbers(
    db, savoie_meeting, make_contribution, make_user
):
    facilitator = make_user(role="facilitator")
    contribution = make_contribution(
        meeting=savoie_meeting,
        body="Plus de places d'accueil de jour et de répit pour les aidants des personnes âgées.",
    )
    store_suggestions(contribution, build_suggesters(savoie_meeting.scheme), now=utcnow())
    first, *others = suggestions_of(contribution)
    reject_suggestion(first, actor=facilitator, now=utcnow())
    assert [(s.id, s.rank) for s in suggestions_of(contribution)] == [
        (s.id, s.rank) for s in others
    ]
    store_suggestions(contribution, build_suggesters(savoie_meeting.scheme), now=utcnow())
    keys = {(s.theme_id, s.fiche_id) for s in suggestions_of(contribution)}
    assert (first.theme_id, first.fiche_id) not in keys
    assert tags_of(contribution) == []


def test_a_refusal_lowers_that_fiche_for_similar_texts(
    db, savoie_meeting, make_contribution, make_user
):
    facilitator = make_user(role="facilitator")
    body = "Les aidants ont besoin de répit : accueil de jour le week-end pour souffler."
    refused_on = make_contribution(meeting=savoie_meeting, body=body)
    similar = make_contribution(meeting=savoie_meeting, body=body + " Merci.")

    def score_of_best_fiche(contribution):
        store_suggestions(contribution, build_suggesters(savoie_meeting.scheme), now=utcnow())
        best = next(s for s in suggestions_of(contribution) if s.fiche_id)
        return best.fiche_id, best.score

    fiche_id, before = score_of_best_fiche(similar)
    store_suggestions(refused_on, build_suggesters(savoie_meeting.scheme), now=utcnow())
    refused = next(s for s in suggestions_of(refused_on) if s.fiche_id == fiche_id)
    reject_suggestion(refused, actor=facilitator, now=utcnow())
    store_suggestions(similar, build_suggesters(savoie_meeting.scheme), now=utcnow())
    after = {s.fiche_id: s.score for s in suggestions_of(similar) if s.fiche_id}
    assert after.get(fiche_id, 0.0) < before
    best_after = max(after, key=after.get) if after else None
    assert best_after != fiche_id


def test_fiches_hear_the_untagged_contributions_of_their_scheme_only(
    db, savoie_meeting, make_scheme, make_meeting, make_contribution, make_user
):
    from consult.tagging.services import _untagged

    facilitator = make_user(role="facilitator")
    waiting = make_contribution(meeting=savoie_meeting, body="En attente", status="pending")
    make_contribution(meeting=savoie_meeting, body="Publiée", status="published")
    make_contribution(meeting=savoie_meeting, body="Rejetée", status="rejected")
    tagged = make_contribution(meeting=savoie_meeting, body="Étiquetée fiche")
    add_tag(tagged, fiche=_fiche(savoie_meeting, "33"), actor=facilitator, now=utcnow())
    elsewhere = make_meeting(scheme=make_scheme(fixture="vienne.json"))
    make_contribution(meeting=elsewhere, body="Autre schéma")
    scheme_id = savoie_meeting.scheme.id
    assert _untagged(ContributionTag.fiche_id, scheme_id) == ["Publiée", waiting.body]
    # Tagged with a fiche, not with a theme: themes still hear it.
    assert "Étiquetée fiche" in _untagged(ContributionTag.theme_id, scheme_id)
    suggesters = build_suggesters(savoie_meeting.scheme)
    assert suggesters["fiche"].feedback.any()
