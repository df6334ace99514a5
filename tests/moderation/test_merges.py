"""Merges that can be undone, merge by number, and campaigns of identical texts."""

import io
from datetime import timedelta

import docx
import pytest
import sqlalchemy as sa
from flask import render_template

from consult.core.db import utcnow
from consult.history.models import ModerationEvent
from consult.moderation.models import Merge
from consult.moderation.services import (
    ModerationError,
    campaign_of,
    merge,
    merge_by_number,
    merge_campaign,
    merged_sources,
    undo_campaign,
    undo_merge,
)
from consult.synthesis.analysis import build_document
from consult.synthesis.document import Editorial
from consult.synthesis.exports import (
    document_context,
    grouped_count,
    isolated_count,
    render_docx,
    section_tally,
)
from consult.synthesis.services import Scope, collect_items, create_synthesis
from consult.tagging.models import ContributionTag


@pytest.fixture
def moderator(make_user):
    return make_user(role="facilitator")


@pytest.fixture
def sent_together(make_meeting, make_contribution):
    """``count`` copies of ``body`` sent to one new meeting a minute apart, oldest first."""

    def send(body: str, count: int) -> list:
        meeting, start = make_meeting(), utcnow() - timedelta(hours=3)
        return [
            make_contribution(meeting=meeting, body=body, created_at=start + timedelta(minutes=n))
            for n in range(count)
        ]

    return send


def _tags(db, contribution) -> set:
    rows = db.session.execute(
        sa.select(ContributionTag.theme_id, ContributionTag.fiche_id).where(
            ContributionTag.contribution_id == contribution.id
        )
    )
    return {(t, f) for t, f in rows}


def test_merge_then_undo_restores_status_supports_weight_and_tags(
    db, make_meeting, make_contribution, moderator
):
    meeting = make_meeting()
    theme, other_theme = meeting.scheme.themes[0], meeting.scheme.themes[1]
    target = make_contribution(meeting=meeting, body="Plus de bus", support_count=2)
    source = make_contribution(
        meeting=meeting, body="Des bus le soir", status="pending", support_count=3
    )
    db.session.add_all(
        [
            ContributionTag(contribution_id=target.id, theme_id=theme.id),
            ContributionTag(contribution_id=source.id, theme_id=theme.id),
            ContributionTag(contribution_id=source.id, theme_id=other_theme.id),
        ]
    )
    db.session.flush()

    merge(target, [source], actor=moderator, now=utcnow())
    assert (source.status, source.merged_into_id) == ("merged", target.id)
    assert (target.support_count, target.weight) == (5, 2)
    assert _tags(db, target) == {(theme.id, None), (other_theme.id, None)}

    undo_merge(source, actor=moderator, now=utcnow())
    assert (source.status, source.merged_into_id) == ("pending", None)
    assert (target.support_count, target.weight) == (2, 1)
    assert _tags(db, target) == {(theme.id, None)}  # its own tag stays
    assert _tags(db, source) == {(theme.id, None), (other_theme.id, None)}
    assert merged_sources(target) == []
    actions = db.session.scalars(
        sa.select(ModerationEvent.action)
        .where(ModerationEvent.contribution_id == source.id)
        .order_by(ModerationEvent.id)
    ).all()
    assert actions == ["merge", "unmerge"]
    with pytest.raises(ModerationError, match="pas fusionnée"):
        undo_merge(source, actor=moderator, now=utcnow())


def test_undoing_one_merge_keeps_a_tag_another_merged_contribution_still_brings(
    db, make_meeting, make_contribution, moderator
):
    """Typed into the demo: n° 254 (theme 10) and then n° 250 (theme 10 too) merged into
    n° 253; undoing 254 took theme 10 off 253, though 250, still merged into it, has it."""
    meeting = make_meeting()
    theme, fiche = meeting.scheme.themes[0], meeting.scheme.fiches[0]
    kept, first, second = (make_contribution(meeting=meeting, body=f"Texte {n}") for n in "abc")
    db.session.add_all(
        [
            ContributionTag(contribution_id=first.id, theme_id=theme.id),
            ContributionTag(contribution_id=first.id, fiche_id=fiche.id),
            ContributionTag(contribution_id=second.id, theme_id=theme.id),
        ]
    )
    db.session.flush()
    merge(kept, [first], actor=moderator, now=utcnow())
    merge(kept, [second], actor=moderator, now=utcnow())

    undo_merge(first, actor=moderator, now=utcnow())
    assert _tags(db, kept) == {(theme.id, None)}  # as if only the second had been merged
    undo_merge(second, actor=moderator, now=utcnow())
    assert _tags(db, kept) == set()


def test_weight_follows_merges_of_merges_and_undo_in_order(
    db, make_meeting, make_contribution, moderator
):
    meeting = make_meeting()
    a, b, c = (make_contribution(meeting=meeting, body=f"Texte {n}") for n in "abc")
    merge(b, [c], actor=moderator, now=utcnow())
    merge(a, [b], actor=moderator, now=utcnow())
    assert a.weight == 3  # c's author still counts, through b
    with pytest.raises(ModerationError, match="annulez d'abord"):
        undo_merge(c, actor=moderator, now=utcnow())
    undo_merge(b, actor=moderator, now=utcnow())
    undo_merge(c, actor=moderator, now=utcnow())
    assert (a.weight, b.weight, c.weight) == (1, 1, 1)


def test_merge_by_number_keeps_the_chosen_one(db, make_meeting, make_contribution, moderator):
    meeting = make_meeting()
    here = make_contribution(meeting=meeting, body="Plus de places en crèche")
    there = make_contribution(meeting=make_meeting(scheme=meeting.scheme), body="Des crèches")
    kept = merge_by_number(here, there.id, keep_other=True, actor=moderator, now=utcnow())
    assert kept is there
    assert (here.status, here.merged_into_id) == ("merged", there.id)


@pytest.mark.parametrize(
    ("number", "message"), [(None, "pas de contribution"), (10**8, "pas de contribution")]
)
def test_merge_by_number_refuses_a_missing_number(
    db, make_contribution, moderator, number, message
):
    with pytest.raises(ModerationError, match=message):
        merge_by_number(
            make_contribution(), number, keep_other=False, actor=moderator, now=utcnow()
        )


def test_merge_by_number_refuses_itself_and_another_scheme(
    db, make_meeting, make_contribution, moderator
):
    here = make_contribution()
    with pytest.raises(ModerationError, match="autre contribution"):
        merge_by_number(here, here.id, keep_other=False, actor=moderator, now=utcnow())
    elsewhere = make_contribution(meeting=make_meeting())
    with pytest.raises(ModerationError, match="autre schéma"):
        merge_by_number(here, elsewhere.id, keep_other=False, actor=moderator, now=utcnow())
    assert here.status == "published"


def test_a_campaign_merges_into_its_oldest_text_and_can_be_undone(db, sent_together, moderator):
    copies = sent_together("Non à la fermeture du foyer !", 50)
    campaign = merge_campaign(list(reversed(copies)), actor=moderator, now=utcnow())
    kept = copies[0]
    assert campaign.contribution_id == kept.id
    assert (campaign.size, kept.weight) == (50, 50)
    assert campaign.label == "texte identique envoyé par 50 personnes"
    assert campaign_of(kept) is campaign
    assert len(merged_sources(kept)) == 49
    assert db.session.scalar(sa.select(sa.func.count(Merge.id))) == 49

    undo_campaign(campaign, actor=moderator, now=utcnow())
    assert {c.status for c in copies} == {"published"}
    assert kept.weight == 1
    assert campaign.size == 50  # what was undone stays on record
    assert campaign_of(kept) is None
    with pytest.raises(ModerationError, match="déjà"):
        undo_campaign(campaign, actor=moderator, now=utcnow())


def test_a_copy_put_back_apart_leaves_the_campaign_and_its_count(db, sent_together, moderator):
    copies = sent_together("Gardez la navette !", 4)
    campaign = merge_campaign(copies, actor=moderator, now=utcnow())
    undo_merge(copies[3], actor=moderator, now=utcnow())
    assert (campaign.size, copies[0].weight) == (3, 3)
    assert campaign.label == "texte identique envoyé par 3 personnes"
    for copy in copies[1:3]:
        undo_merge(copy, actor=moderator, now=utcnow())
    assert copies[0].weight == 1
    assert campaign.undone_at is not None  # the kept text alone is no campaign
    assert campaign_of(copies[0]) is None


def test_a_synthesis_counts_a_campaign_as_one_idea_of_its_senders(
    db, sent_together, make_contribution, moderator
):
    slogan = "Non à la fermeture du foyer de vie de Moûtiers, gardons nos places d'accueil."
    copies = sent_together(slogan, 50)
    meeting = copies[0].meeting
    others = [
        make_contribution(meeting=meeting, body=f"Plus de bus le soir vers la vallée {n}.")
        for n in range(3)
    ]
    merge_campaign(copies, actor=moderator, now=utcnow())
    synthesis = create_synthesis(
        scheme=meeting.scheme,
        title="Synthèse",
        template="concertations",
        scope=Scope(),
        actor=moderator,
    )
    items = collect_items(synthesis)
    assert sorted(i.id for i in items) == sorted([copies[0].id] + [o.id for o in others])
    document = build_document(
        items,
        title="Synthèse",
        template="concertations",
        scope=[],
        participants=None,
        now=utcnow(),
        group_by="all",
    )
    assert document.contributions == 53  # 50 senders + 3
    (section,) = document.sections
    campaign_ideas = [idea for idea in section.ideas if copies[0].id in idea.ids]
    assert [(idea.size, idea.ids) for idea in campaign_ideas] == [(50, [copies[0].id])]
    assert campaign_ideas[0].quotes[0].weight == 50
    html = render_template(
        "synthesis/document.html",
        **document_context(
            document, Editorial(), version=1, status_label="Brouillon", contribution_url=None
        ),
    )
    assert campaign_ideas[0].quotes[0].campaign
    # said as what it is: one text sent by 50, on the first page and under its quote
    assert "texte identique envoyé par 50 personnes (campagne)" in html
    assert [f.identical for f in document.findings if copies[0].id in f.ids] == [50]
    assert "dont 50 envois d&#39;un même texte (campagne)" in html
    word = docx.Document(io.BytesIO(render_docx(document, Editorial(), version=1, status_label="")))
    cells = [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    said = [p.text for p in word.paragraphs] + cells
    assert any("texte identique envoyé par 50 personnes (campagne)" in t for t in said)
    assert any("dont 50 envois d'un même texte (campagne)" in t for t in said)


def test_a_synthesis_key_figures_add_up_with_a_campaign_and_say_it(
    db, sent_together, make_contribution, moderator
):
    """Typed into the demo: 50 copies merged as a campaign, and a pair merged, in a meeting
    of 3 texts. « 53 contributions » on the first page, « 2 idées … qui regroupent 2
    contributions », « 1 contribution isolée »: 50 people went missing between the lines,
    and nothing there said that 50 of the 53 were one text."""
    copies = sent_together("Un accueil de loisirs adapté dans chaque bassin de vie.", 50)
    meeting = copies[0].meeting
    pair = [
        make_contribution(meeting=meeting, body=f"Les délais de la MDPH sont trop longs {n}.")
        for n in "ab"
    ]
    make_contribution(meeting=meeting, body="Plus de transports le soir en Maurienne.")
    merge_campaign(copies, actor=moderator, now=utcnow())
    merge(pair[0], [pair[1]], actor=moderator, now=utcnow())
    synthesis = create_synthesis(
        scheme=meeting.scheme,
        title="Synthèse",
        template="concertations",
        scope=Scope(),
        actor=moderator,
    )
    document = build_document(
        collect_items(synthesis),
        title="S",
        template="concertations",
        scope=[],
        participants=None,
        now=utcnow(),
        group_by="all",
    )
    assert document.contributions == 53
    assert document.identical == 50
    assert grouped_count(document) + isolated_count(document) == 53
    (section,) = document.sections
    tally = section_tally(section, document.weights)
    assert tally.startswith(f"{grouped_count(document)} contribution")
    html = render_template(
        "synthesis/document.html",
        **document_context(
            document, Editorial(), version=1, status_label="Brouillon", contribution_url=None
        ),
    )
    figures = html.split('id="synthese-chiffres"')[1].split("</section>")[0]
    assert "contributions, dont 50 envois d&#39;un même texte (campagne)" in figures
    word = docx.Document(io.BytesIO(render_docx(document, Editorial(), version=1, status_label="")))
    said = [p.text for p in word.paragraphs]
    assert "Contributions : 53, dont 50 envois d'un même texte (campagne)" in said


def test_a_synthesis_counts_the_authors_of_merges_of_merges(
    db, make_meeting, make_contribution, moderator
):
    meeting = make_meeting()
    a, b, c = (make_contribution(meeting=meeting, body=f"Texte {n} sur les bus") for n in "abc")
    merge(b, [c], actor=moderator, now=utcnow())
    merge(a, [b], actor=moderator, now=utcnow())
    synthesis = create_synthesis(
        scheme=meeting.scheme,
        title="Synthèse",
        template="concertations",
        scope=Scope(),
        actor=moderator,
    )
    assert [(i.id, i.weight, i.campaign) for i in collect_items(synthesis)] == [(a.id, 3, False)]
