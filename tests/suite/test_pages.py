"""Public "droit de suite" pages: what was said, what was done, who sees what."""

import pytest
from markupsafe import escape

from consult.tagging.models import ContributionTag
from consult.workgroups.models import FicheIdea, FicheStatusChange

ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"


def shown_and_hidden(page, world):
    """Published texts are shown (masked), hidden ones never, originals never."""
    assert "Texte en attente de modération" not in page
    assert "Texte rejeté par la modération" not in page
    assert "Dupontel" not in page
    assert '<script>alert("x")' not in page


# --- The overview ---------------------------------------------------------------------------


def test_index_shows_figures_lists_and_the_receipt_form(client, world, make_meeting, db):
    draft = make_meeting(scheme=world.scheme, status="draft", title="Rencontre en préparation")
    world.fiche.status = "brouillon"
    db.session.commit()
    page = client.get("/suite/")
    assert page.status_code == 200
    text = page.text
    assert "Ce que sont devenues vos contributions" in text
    assert f'href="/suite/rencontres/{world.meeting.id}"' in text
    assert f'href="/suite/rencontres/{draft.id}"' not in text
    assert f'href="/suite/thematiques/{world.theme.id}"' in text
    assert f'href="/suite/fiches/{world.other_fiche.id}"' in text
    assert f'href="/suite/fiches/{world.fiche.id}"' not in text  # now a draft
    assert 'action="/suivi"' in text
    assert 'name="code"' in text
    assert "32</span> fiches actions adoptées" in text  # 33 imported, one back to draft
    assert "4</span> contributions publiées" in text
    assert "2</span> avec une réponse" in text


def test_index_without_any_scheme(client, db):
    page = client.get("/suite/")
    assert page.status_code == 200
    assert "Aucun schéma" in page.text


# --- A meeting ------------------------------------------------------------------------------


def test_meeting_page_shows_what_was_said_and_done(client, world):
    page = client.get(f"/suite/rencontres/{world.meeting.id}")
    assert page.status_code == 200
    text = page.text
    assert "Concertation de Maurienne" in text
    assert "21 personnes" in text
    assert "Ouvrir une crèche à horaires décalés" in text
    assert "Suite donnée : Retenue" in text
    assert "Suite donnée : Non retenue" in text
    assert "Le stationnement relève des communes." in text
    assert "Suite donnée : en attente de réponse" in text
    assert "[nom masqué]" in text
    assert ESCAPED in text
    shown_and_hidden(text, world)
    # fiches answering the meeting: by decision and by link
    assert f'href="/suite/fiches/{world.fiche.id}"' in text
    assert f'href="/suite/fiches/{world.other_fiche.id}"' in text
    assert f"Voir la fiche action {world.fiche.number}" in text


def test_meeting_page_counts_answers(client, world):
    text = client.get(f"/suite/rencontres/{world.meeting.id}").text
    assert '<th scope="row">Retenue</th><td class="number">1</td>' in text
    assert '<th scope="row">Non retenue</th><td class="number">1</td>' in text
    assert '<th scope="row">En attente de réponse</th><td class="number">2</td>' in text


def test_meeting_page_lists_ideas_of_published_syntheses_only(
    client, world, make_meeting, make_synthesis_version, db
):
    meeting = make_meeting(scheme=world.scheme, status="closed")
    published = make_synthesis_version(meeting=meeting, status="published")
    shared = make_synthesis_version(meeting=meeting, status="shared")
    db.session.commit()
    text = client.get(f"/suite/rencontres/{meeting.id}").text
    assert str(escape(published.synthesis.title)) in text
    assert str(escape(shared.synthesis.title)) not in text
    label = published.document["sections"][0]["ideas"][0]["label"]
    assert str(escape(label)) in text
    # another meeting of the scheme is not covered by that synthesis
    other = client.get(f"/suite/rencontres/{world.meeting.id}").text
    assert published.synthesis.title not in other


def test_draft_meeting_is_hidden_except_from_the_team(
    client, login, make_meeting, make_user, world, db
):
    draft = make_meeting(scheme=world.scheme, status="draft")
    db.session.commit()
    url = f"/suite/rencontres/{draft.id}"
    assert client.get(url).status_code == 404
    login(make_user(role="participant"))
    assert client.get(url).status_code == 404
    client.post("/deconnexion")
    login(make_user(role="facilitator"))
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("page", ["0", "-1", "9999", "2147483648", "abc"])
def test_pagination_bounds_never_fail(client, world, page):
    response = client.get(f"/suite/rencontres/{world.meeting.id}?page={page}")
    assert response.status_code == 200
    assert "Ouvrir une crèche à horaires décalés" in response.text


def test_pagination_pages_through_contributions(client, world, make_contribution, db):
    for n in range(25):
        make_contribution(meeting=world.meeting, body=f"Idée numéro {n:02d} pour la suite")
    db.session.commit()
    first = client.get(f"/suite/rencontres/{world.meeting.id}").text
    assert "Page 1 sur 2" in first
    assert "Idée numéro 24 pour la suite" in first
    second = client.get(f"/suite/rencontres/{world.meeting.id}?page=2").text
    assert "Page 2 sur 2" in second
    assert "Idée numéro 24 pour la suite" not in second
    assert "Ouvrir une crèche à horaires décalés" in second


@pytest.mark.parametrize(
    "url",
    [
        "/suite/rencontres/999999",
        "/suite/thematiques/999999",
        "/suite/fiches/999999",
        "/suite/fiches/99999999999999",
    ],
)
def test_unknown_ids_are_not_found(client, db, url):
    assert client.get(url).status_code == 404


# --- A theme --------------------------------------------------------------------------------


def test_theme_page_lists_tagged_contributions_only(client, world):
    page = client.get(f"/suite/thematiques/{world.theme.id}")
    assert page.status_code == 200
    text = page.text
    assert str(escape(world.theme.title)) in text
    assert "Ouvrir une crèche à horaires décalés" in text
    assert "Suite donnée : Retenue" in text
    assert "Un parking gratuit" not in text  # not tagged with the theme
    assert "[nom masqué]" not in text
    shown_and_hidden(text, world)
    assert "Ce qui a été dit (1 contribution publiée)" in text
    assert f'href="/suite/fiches/{world.fiche.id}"' in text  # answers a tagged contribution


def test_theme_page_lists_its_working_groups_fiches(client, world, make_working_group, db):
    group = make_working_group(scheme=world.scheme, theme=world.theme)
    fiche = world.scheme.fiches[5]
    fiche.working_group_id = group.id
    db.session.commit()
    text = client.get(f"/suite/thematiques/{world.theme.id}").text
    assert f'href="/suite/fiches/{fiche.id}"' in text
    other_theme = world.scheme.themes[1]
    text = client.get(f"/suite/thematiques/{other_theme.id}").text
    assert f'href="/suite/fiches/{fiche.id}"' not in text
    assert "Aucune contribution publiée n&#39;est encore classée" in text


def test_theme_page_ignores_contributions_of_draft_meetings(
    client, world, make_meeting, make_contribution, db
):
    draft = make_meeting(scheme=world.scheme, status="draft")
    hidden = make_contribution(meeting=draft, body="Dite dans une rencontre en préparation")
    db.session.add(ContributionTag(contribution_id=hidden.id, theme_id=world.theme.id))
    db.session.commit()
    text = client.get(f"/suite/thematiques/{world.theme.id}").text
    assert "Dite dans une rencontre en préparation" not in text


# --- A fiche --------------------------------------------------------------------------------


def test_fiche_page_shows_the_fiche_and_what_it_answers(client, world, db):
    db.session.add(
        FicheIdea(
            fiche_id=world.fiche.id, section=0, idea=0, label="places en crèche, horaires", size=14
        )
    )
    db.session.add(
        FicheStatusChange(fiche_id=world.fiche.id, from_status="validee", to_status="adoptee")
    )
    world.fiche.actions[0].progress = 40
    db.session.commit()
    page = client.get(f"/suite/fiches/{world.fiche.id}")
    assert page.status_code == 200
    text = page.text
    assert str(escape(world.fiche.title)) in text
    assert "places en crèche, horaires" in text
    assert "14 contributions" in text
    assert "adoptée le" in text
    assert "40 %" in text
    assert "Ouvrir une crèche à horaires décalés" in text
    assert "Suite donnée : Retenue" in text
    assert "Un parking gratuit" not in text
    assert f'href="/suivi-du-schema/fiches/{world.fiche.id}"' in text
    assert "Suivre les indicateurs de cette fiche" in text
    shown_and_hidden(text, world)


def test_fiche_page_shows_linked_contributions_masked(client, world):
    text = client.get(f"/suite/fiches/{world.other_fiche.id}").text
    assert "[nom masqué]" in text
    assert "Dupontel" not in text
    assert "Suite donnée : en attente de réponse" in text


def test_fiche_page_never_shows_unpublished_linked_contributions(client, world, db):
    from consult.workgroups.models import FicheContribution

    db.session.add(
        FicheContribution(fiche_id=world.other_fiche.id, contribution_id=world.pending.id)
    )
    db.session.add(
        FicheContribution(fiche_id=world.other_fiche.id, contribution_id=world.rejected.id)
    )
    db.session.commit()
    text = client.get(f"/suite/fiches/{world.other_fiche.id}").text
    shown_and_hidden(text, world)
    assert "Les contributions auxquelles elle répond (1)" in text


def test_draft_fiche_is_seen_by_its_group_and_the_team_only(
    client, login, world, make_user, make_working_group, db
):
    member = make_user(role="member")
    outsider = make_user(role="member")
    group = make_working_group(scheme=world.scheme, members=[(member, "membre")])
    make_working_group(scheme=world.scheme, members=[(outsider, "pilote")])
    world.fiche.status = "brouillon"
    world.fiche.working_group_id = group.id
    db.session.commit()
    url = f"/suite/fiches/{world.fiche.id}"
    assert client.get(url).status_code == 404
    for user, expected in [
        (make_user(role="participant"), 404),
        (make_user(role="partner"), 404),
        (outsider, 404),
        (member, 200),
        (make_user(role="facilitator"), 200),
        (make_user(role="admin"), 200),
    ]:
        login(user)
        assert client.get(url).status_code == expected, user.role
        client.post("/deconnexion")
    # a draft fiche is never offered on the public pages, even to its group
    login(member)
    text = client.get(f"/suite/rencontres/{world.meeting.id}").text
    assert f'href="/suite/fiches/{world.fiche.id}"' not in text
    assert "Suite donnée : Retenue" in text


def test_public_pages_never_show_emails(client, world, make_user, db):
    author = make_user(role="participant", email="secret.personne@exemple.fr")
    world.kept.author_id = author.id
    world.kept.pseudonym = "Camille"
    db.session.commit()
    for url in (
        "/suite/",
        f"/suite/rencontres/{world.meeting.id}",
        f"/suite/thematiques/{world.theme.id}",
        f"/suite/fiches/{world.fiche.id}",
    ):
        text = client.get(url).text
        assert "secret.personne" not in text
        assert author.display_name not in text


def test_theme_page_lists_ideas_of_syntheses_on_the_theme(
    client, world, make_meeting, make_synthesis_version, db
):
    meeting = make_meeting(scheme=world.scheme, status="closed")
    on_theme = make_synthesis_version(meeting=meeting, status="published")
    on_theme.synthesis.scope = {**on_theme.synthesis.scope, "theme_ids": [world.theme.id]}
    elsewhere = make_synthesis_version(meeting=meeting, status="published")
    db.session.commit()
    text = client.get(f"/suite/thematiques/{world.theme.id}").text
    assert str(escape(on_theme.synthesis.title)) in text
    assert str(escape(elsewhere.synthesis.title)) not in text
    other = client.get(f"/suite/thematiques/{world.scheme.themes[1].id}").text
    assert str(escape(on_theme.synthesis.title)) not in other
    assert "Aucune synthèse publiée" in other
