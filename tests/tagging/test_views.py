"""Suggestions on the desk: best one per queue row, accepted from the list, bulk preview."""

import re

import pytest
import sqlalchemy as sa
from markupsafe import escape

from consult.tagging.models import ContributionTag, SuggestionRejection, TagSuggestion


@pytest.fixture
def facilitator(make_user, login):
    user = make_user(role="facilitator")
    login(user)
    return user


@pytest.fixture
def suggested(db, make_scheme, make_meeting, make_contribution):
    """A pending contribution with a fiche suggested at 90 % and a theme at 20 %."""
    meeting = make_meeting(scheme=make_scheme(), status="open")
    contribution = make_contribution(
        meeting=meeting, body="Du répit pour les aidants", status="pending"
    )
    fiche, theme = meeting.scheme.fiches[8], meeting.scheme.themes[12]
    rows = [
        TagSuggestion(
            contribution_id=contribution.id, score=0.9, words=["aidant"], fiche_id=fiche.id
        ),
        TagSuggestion(
            contribution_id=contribution.id, score=0.2, words=["répit"], theme_id=theme.id
        ),
    ]
    db.session.add_all(rows)
    db.session.commit()
    return contribution, rows


def _tags(db):
    return db.session.scalars(sa.select(ContributionTag).order_by(ContributionTag.id)).all()


def test_queue_shows_each_rows_best_suggestion_as_a_percentage(client, facilitator, suggested):
    contribution, (fiche_row, _theme_row) = suggested

    page = client.get("/moderation/").text

    assert f"Fiche {fiche_row.fiche.number} : " in page
    assert "90\u202f%" in page
    assert f'form="suggestion-{fiche_row.id}"' in page
    assert "car : aidant" in page


def test_accepting_from_the_list_tags_and_returns_to_the_queue(db, client, facilitator, suggested):
    contribution, (fiche_row, theme_row) = suggested

    response = client.post(
        "/moderation/suggestion", data={"accept": fiche_row.id, "back": "/moderation/?page=1"}
    )

    assert response.status_code == 303
    assert response.headers["Location"].endswith("/moderation/?page=1")
    assert [(t.fiche_id, t.from_suggestion) for t in _tags(db)] == [(fiche_row.fiche_id, True)]
    page = client.get("/moderation/").text
    assert f'form="suggestion-{theme_row.id}"' in page  # the next best, not the applied one
    assert f'form="suggestion-{fiche_row.id}"' not in page


def test_accepting_a_vanished_suggestion_says_so(db, client, facilitator, suggested):
    response = client.post("/moderation/suggestion", data={"accept": 999999}, follow_redirects=True)

    assert "existe plus : rechargez la page" in response.text
    assert _tags(db) == []


def test_review_page_keeps_numbers_after_one_is_accepted(db, client, facilitator, suggested):
    contribution, (fiche_row, theme_row) = suggested
    client.post("/moderation/suggestion", data={"accept": fiche_row.id})

    page = client.get(f"/moderation/{contribution.id}").text

    assert '<li value="2">' in page
    assert 'data-key="2"' in page
    assert 'data-key="1"' not in page


def test_bulk_accept_previews_before_writing_then_writes_what_it_showed(
    db, client, facilitator, suggested
):
    contribution, (fiche_row, _theme_row) = suggested
    data = {"ids": [contribution.id], "action": "accept_suggestions", "minimum": "80"}

    preview = client.post("/moderation/lot", data=data)

    assert preview.status_code == 200
    assert "encore enregistré" in preview.text
    assert "faire sur la contribution choisie" in preview.text  # one: no « (s) », no « les 1 »
    assert "Ajouter cette étiquette" in preview.text or "Ajouter ces " in preview.text
    assert escape(f"Fiche {fiche_row.fiche.number} : {fiche_row.fiche.title}") in preview.text
    planned = f"{contribution.id}:fiche:{fiche_row.fiche_id}"
    assert f'name="planned" value="{planned}"' in preview.text
    assert _tags(db) == []

    client.post("/moderation/lot", data={**data, "confirm": "1", "planned": [planned]})

    assert [(t.fiche_id, t.from_suggestion) for t in _tags(db)] == [(fiche_row.fiche_id, True)]


def test_bulk_confirm_skips_suggestions_the_preview_did_not_show(
    db, client, facilitator, suggested
):
    contribution, (fiche_row, _theme_row) = suggested
    data = {"ids": [contribution.id], "action": "accept_suggestions", "minimum": "10"}

    client.post("/moderation/lot", data={**data, "confirm": "1", "suggestions": [fiche_row.id]})

    assert [t.fiche_id for t in _tags(db)] == [fiche_row.fiche_id]


def test_bulk_threshold_over_100_is_refused(db, client, facilitator, suggested):
    contribution, _rows = suggested
    data = {"ids": [contribution.id], "action": "accept_suggestions", "minimum": "150"}

    response = client.post("/moderation/lot", data=data, follow_redirects=True)

    assert "vérifiez le seuil" in response.text
    assert _tags(db) == []


def test_refusing_a_suggestion_on_the_review_page_removes_it_without_tagging(
    db, client, facilitator, suggested
):
    contribution, (fiche_row, theme_row) = suggested
    page = client.get(f"/moderation/{contribution.id}").text
    assert f'name="refuse" value="{fiche_row.id}"' in page

    response = client.post(
        f"/moderation/{contribution.id}/etiquettes",
        data={"accept": fiche_row.id, "refuse": fiche_row.id},
        follow_redirects=True,
    )

    assert "Suggestion refusée" in response.text
    assert _tags(db) == []
    assert f'name="refuse" value="{fiche_row.id}"' not in response.text
    assert f'name="refuse" value="{theme_row.id}"' in response.text
    assert '<li value="2">' in response.text  # the theme keeps its number


def test_queue_no_longer_offers_a_suggestion_refused_on_the_review_page(
    db, client, facilitator, suggested
):
    """« Elle ne sera plus proposée » must hold on the queue too, before any refresh:
    the row then offers the next suggestion, and its button cannot tag the refused one."""
    contribution, (fiche_row, theme_row) = suggested
    client.post(f"/moderation/{contribution.id}/etiquettes", data={"refuse": fiche_row.id})

    page = client.get("/moderation/").text

    assert f'form="suggestion-{fiche_row.id}"' not in page
    assert f'form="suggestion-{theme_row.id}"' in page
    # A queue page loaded before the refusal still carries its button.
    response = client.post(
        "/moderation/suggestion", data={"accept": fiche_row.id}, follow_redirects=True
    )
    assert "refusée" in response.text
    assert _tags(db) == []


def test_scores_keep_their_percent_sign_on_the_same_line(db, client, facilitator, suggested):
    """« 39 » at the end of a line and « % » at the start of the next, in the queue's
    narrow column: the space before « % » is a no-break one, as French typography wants."""
    contribution, _rows = suggested
    data = {"ids": [contribution.id], "action": "accept_suggestions", "minimum": "80"}

    pages = [
        client.get("/moderation/").text,
        client.get(f"/moderation/{contribution.id}").text,
        client.post("/moderation/lot", data=data).text,
    ]

    for page in pages:
        assert "90\u202f%" in page
        assert "90 %" not in page


def _refresh(db, contribution, rows) -> None:
    """What a refresh after a tag does: every stored suggestion of the contribution is
    deleted and written again. Here the same targets in the other order: SQLite gives
    the freed ids again, so an old id now names another suggestion."""
    db.session.execute(
        sa.delete(TagSuggestion).where(TagSuggestion.contribution_id == contribution.id)
    )
    fresh = [
        TagSuggestion(
            contribution_id=contribution.id,
            score=row.score,
            words=row.words,
            theme_id=row.theme_id,
            fiche_id=row.fiche_id,
        )
        for row in reversed(rows)
    ]
    db.session.add_all(fresh)
    db.session.commit()


def _form_of(page: str, suggestion_id: int, action: str) -> dict:
    """The hidden fields of the review page's form whose ``action`` button names the suggestion."""
    at = page.index(f'name="accept" value="{suggestion_id}"')
    form = page[page.rindex("<form", 0, at) : page.index("</form>", at)]
    fields = dict(re.findall(r'type="hidden" name="(accept|target)" value="([^"]*)"', form))
    return {action: suggestion_id, **({"target": fields["target"]} if "target" in fields else {})}


def test_a_suggestion_replaced_by_a_refresh_is_still_accepted_or_refused_from_the_page(
    db, client, facilitator, suggested
):
    """Seen in the demo: each tag queues a refresh that, some seconds later, writes every
    stored suggestion again under new ids; the page loaded before it then answered
    « n'existe plus : rechargez la page » to its next click. The forms now also say what
    the suggestion named."""
    contribution, (fiche_row, theme_row) = suggested
    page = client.get(f"/moderation/{contribution.id}").text
    accept = _form_of(page, fiche_row.id, "accept")
    refuse = _form_of(page, theme_row.id, "refuse")
    _refresh(db, contribution, [fiche_row, theme_row])

    response = client.post(
        f"/moderation/{contribution.id}/etiquettes", data=accept, follow_redirects=True
    )
    assert "Suggestion acceptée" in response.text
    assert [(t.fiche_id, t.from_suggestion) for t in _tags(db)] == [(fiche_row.fiche_id, True)]

    response = client.post(
        f"/moderation/{contribution.id}/etiquettes", data=refuse, follow_redirects=True
    )
    assert "Suggestion refusée" in response.text
    refused = db.session.scalars(sa.select(SuggestionRejection)).all()
    assert [(r.contribution_id, r.theme_id) for r in refused] == [
        (contribution.id, theme_row.theme_id)
    ]


def test_the_queues_button_survives_a_refresh_too(db, client, facilitator, suggested):
    contribution, (fiche_row, theme_row) = suggested
    page = client.get("/moderation/").text
    at = page.index(f'id="suggestion-{fiche_row.id}"')
    form = page[at : page.index("</form>", at)]
    data = dict(
        re.findall(r'type="hidden" name="(accept|contribution|target)" value="([^"]*)"', form)
    )
    _refresh(db, contribution, [fiche_row, theme_row])

    response = client.post("/moderation/suggestion", data=data, follow_redirects=True)

    assert "Suggestion acceptée pour la contribution" in response.text
    assert [(t.fiche_id, t.from_suggestion) for t in _tags(db)] == [(fiche_row.fiche_id, True)]


def test_bulk_confirm_adds_what_the_preview_showed_after_a_refresh(
    db, client, facilitator, suggested
):
    contribution, (fiche_row, theme_row) = suggested
    data = {"ids": [contribution.id], "action": "accept_suggestions", "minimum": "80"}
    preview = client.post("/moderation/lot", data=data).text
    planned = re.findall(r'name="planned" value="([^"]+)"', preview)
    _refresh(db, contribution, [fiche_row, theme_row])

    client.post("/moderation/lot", data={**data, "confirm": "1", "planned": planned})

    assert [(t.fiche_id, t.from_suggestion) for t in _tags(db)] == [(fiche_row.fiche_id, True)]


def test_merged_contributions_are_offered_no_suggestion(db, client, facilitator, suggested):
    """« Tous les états » listed the 48 merged copies of the demo's campaign, each with
    « Meilleure suggestion … Accepter », and « tout cocher » then bulk acceptance tagged
    them: a merged text is not tagged any more, the one kept carries its tags."""
    contribution, (fiche_row, _theme_row) = suggested
    contribution.status = "merged"
    db.session.commit()
    data = {"ids": [contribution.id], "action": "accept_suggestions", "minimum": "10"}

    page = client.get("/moderation/?statut=merged").text
    preview = client.post("/moderation/lot", data=data).text
    forged = f"{contribution.id}:fiche:{fiche_row.fiche_id}"
    client.post("/moderation/lot", data={**data, "confirm": "1", "planned": [forged]})

    assert f'form="suggestion-{fiche_row.id}"' not in page
    assert 'name="planned"' not in preview
    assert _tags(db) == []
