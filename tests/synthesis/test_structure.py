"""The structure a working group reads: sections, key findings, differences, vigilance."""

import io
import re
import zipfile

import pytest
from flask import render_template
from markupsafe import escape

from consult.core.db import utcnow
from consult.synthesis import services
from consult.synthesis.analysis import (
    _ALARM_PARTS,
    _NEGATIVE_PARTS,
    ALARM_WORDS,
    NEGATIVE_WORDS,
    _holds,
    vigilance_reason,
)
from consult.synthesis.document import Document, Editorial
from consult.synthesis.exports import (
    authors,
    document_context,
    few_authors_note,
    masks_authors,
    render_docx,
)
from consult.synthesis.services import PLACEMENT_FLOOR, Scope
from consult.tagging.models import TagSuggestion
from consult.tagging.services import add_tag
from tests.synthesis.test_analysis import CRECHE, MDPH, build, item

SOCIAL, MOBILITE = "1. Social", "2. Mobilité"
BUS = [
    "Un bus le soir pour rentrer du travail dans la vallée.",
    "Les bus du soir manquent pour rentrer du travail.",
    "Plus de bus le soir entre la vallée et la ville.",
    "Des bus tard le soir pour rentrer du travail.",
]


def test_sections_come_from_tags_then_suggestions_marked_then_neither():
    items = [item(n, text, themes=[SOCIAL]) for n, text in enumerate(CRECHE, 1)]
    items += [item(10 + n, t, suggested_themes=[MOBILITE]) for n, t in enumerate(BUS)]
    items += [item(20, "Des crèches.", themes=[SOCIAL], suggested_themes=[MOBILITE])]
    items += [item(30, "Rien de plus à dire sur tout ça.")]
    sections = build(items).sections
    assert [(s.title, s.ids) for s in sections] == [
        (SOCIAL, [1, 2, 3, 4, 20]),
        (MOBILITE, [10, 11, 12, 13]),
        ("Sans thématique", [30]),
    ]
    social, mobility, rest = sections
    assert social.suggested == []  # a tag wins over any suggestion
    assert mobility.suggested == [10, 11, 12, 13]
    assert rest.suggested == []


def _placed_document() -> Document:
    """Five tagged, five placed by suggestion, five neither: every cell big enough to show."""
    items = [item(n, text, themes=[SOCIAL]) for n, text in enumerate(CRECHE, 1)]
    items += [item(5, "Des crèches le samedi.", themes=[SOCIAL])]
    items += [item(10 + n, t, suggested_themes=[MOBILITE]) for n, t in enumerate(BUS)]
    items += [item(14, "Un car le dimanche.", suggested_themes=[MOBILITE])]
    items += [item(30 + n, f"Rien de plus à dire, vraiment {n}.") for n in range(5)]
    return build(items)


def test_theme_table_counts_what_the_sections_hold_suggestions_included():
    document = _placed_document()
    sections = {s.title: s for s in document.sections}
    table = next(b for b in document.breakdowns if b.dimension == "theme")
    cells = {c.label: c for c in table.cells}
    for title, section in sections.items():
        assert (cells[title].count, cells[title].ids) == (section.count, section.ids)
        assert cells[title].suggested == section.suggested
    assert cells[MOBILITE].suggested == [10, 11, 12, 13, 14]
    assert cells["Sans thématique"].count == 5


def test_theme_table_says_how_many_were_placed_by_suggestion(request_ctx):
    document = _placed_document()
    html, docx = _page_and_docx(document)
    assert "Dont par suggestion" in html
    assert "Dont par suggestion" in docx
    for shown in (html, docx):
        assert "dont 5 contributions placées par suggestion, à vérifier" in shown


def test_untagged_contributions_get_their_best_sure_suggestion(
    db, make_meeting, make_contribution, make_user
):
    staff = make_user(role="facilitator")
    meeting = make_meeting(status="open")
    first, second = meeting.scheme.themes[0], meeting.scheme.themes[1]
    tagged = make_contribution(meeting=meeting, body="Des crèches", status="published")
    guessed = make_contribution(meeting=meeting, body="Des bus", status="published")
    unsure = make_contribution(meeting=meeting, body="Autre chose", status="published")
    add_tag(tagged, theme=first, actor=staff, now=utcnow())
    for contribution, theme, score in [
        (tagged, second, 0.9),
        (guessed, first, PLACEMENT_FLOOR + 0.1),
        (guessed, second, PLACEMENT_FLOOR + 0.3),
        (unsure, first, PLACEMENT_FLOOR / 2),
    ]:
        db.session.add(
            TagSuggestion(contribution_id=contribution.id, theme_id=theme.id, score=score)
        )
    db.session.commit()
    synthesis = services.create_synthesis(
        scheme=meeting.scheme,
        title="Synthèse",
        template="concertations",
        scope=Scope(),
        actor=staff,
    )
    items = {it.id: it for it in services.collect_items(synthesis)}
    label = f"{second.number}. {second.title}"
    assert items[tagged.id].suggested_themes == []
    assert items[guessed.id].suggested_themes == [label]
    assert items[unsure.id].suggested_themes == []


def test_key_findings_give_weighted_counts_shares_and_authors():
    items = [item(n, t, themes=[SOCIAL], weight=3) for n, t in enumerate(CRECHE, 1)]
    items += [item(10 + n, t, themes=[SOCIAL], author="professionnel") for n, t in enumerate(MDPH)]
    document = build(items)
    assert document.contributions == 16
    findings = {f.label: f for f in document.findings}
    ideas = {i.label: i for s in document.sections for i in s.ideas}
    assert findings.keys() == ideas.keys()
    assert len(findings) >= 2
    creche = next(f for f in document.findings if set(f.ids) <= {1, 2, 3, 4})
    assert creche.count == 3 * len(creche.ids)  # a campaign counts its senders
    assert creche.share == pytest.approx(creche.count / 16)
    assert [(c.label, c.count) for c in creche.authors] == [("Usager", creche.count)]
    assert document.findings[0] is creche  # largest first
    assert Document.from_dict(document.to_dict()).findings == document.findings


def _groups(users: list[str], pros: list[str]) -> list:
    items = [item(n, t, author="usager") for n, t in enumerate(users, 1)]
    return items + [item(100 + n, t, author="professionnel") for n, t in enumerate(pros)]


def test_differences_compare_the_shares_of_ideas_with_the_test_named():
    document = build(_groups(CRECHE * 5, MDPH * 5))
    difference = next(d for d in document.differences if d.title == "Usagers et professionnels")
    assert difference.tested >= 2
    assert difference.ideas
    creche = next(s for s in difference.ideas if set(s.ids) & {1, 2})
    assert (creche.count_a, creche.count_b) == (len(set(creche.ids)), 0)
    assert creche.share_a > 0.5
    assert creche.share_b == 0
    assert creche.test == "χ²"
    assert creche.p_value <= 0.05
    assert "pas la même part entre usagers et professionnels" in difference.summary
    assert "test du χ², seuil 5 % après correction" in difference.summary


def test_small_counts_use_fisher_exact_test():
    document = build(_groups(CRECHE * 2 + BUS * 2, MDPH * 2 + BUS * 2))
    difference = next(d for d in document.differences if d.title == "Usagers et professionnels")
    assert difference.tested
    assert "exact de Fisher" in difference.summary


def test_nothing_differs_is_said_in_plain_words():
    document = build(_groups(CRECHE * 2 + MDPH * 2, CRECHE * 2 + MDPH * 2))
    difference = next(d for d in document.differences if d.title == "Usagers et professionnels")
    assert difference.tested >= 2
    assert difference.ideas == []
    assert difference.summary.startswith("Aucune différence nette entre usagers et professionnels")
    assert "seuil 5 % après correction" in difference.summary
    docx = render_docx(document, Editorial(), version=1, status_label="Brouillon")
    assert b"word/document.xml" in docx


def test_vigilance_needs_an_alarm_word_or_a_negative_situation():
    assert "risque" in vigilance_reason("Il y a un risque d'épuisement.", "proposition")
    assert vigilance_reason("Il ne faut pas hésiter à demander.", "proposition") == ""
    assert "témoignage" in vigilance_reason("Je suis isolée depuis un an.", "temoignage")
    assert "signalée" in vigilance_reason("Aucune aide reçue.", "proposition", flagged=True)


def test_every_cue_word_holds_one_of_the_parts_looked_for_first():
    # a text holding none of the parts skips the regular expressions: none of them must
    # be able to match it
    for words, parts in ((ALARM_WORDS, _ALARM_PARTS), (NEGATIVE_WORDS, _NEGATIVE_PARTS)):
        assert len(parts) < len(words)
        assert all(_holds(word, parts) for word in words)
        assert not _holds("les aidants ont besoin de répit", parts)


@pytest.mark.parametrize(
    ("text", "kind", "reason"),
    [
        (
            "Mon fils est autiste, on attend une place en IME depuis trois ans.",
            "temoignage",
            "attente qui dure (depuis trois ans) dans un témoignage",
        ),
        (
            "Six mois d'attente pour un dossier MDPH, et toujours pas de réponse.",
            "constat",
            "attente qui dure (six mois d'attente, toujours pas) dans un constat",
        ),
        (
            "Ma mère est isolée depuis deux ans.",
            "temoignage",
            "expression négative (isolée) et attente qui dure (depuis deux ans) dans un témoignage",
        ),
        ("Une famille en détresse.", "constat", "termes d'alerte : détresse"),
        # how long, not a wait; a service's name, not an alarm
        ("Je suis famille d'accueil depuis 12 ans, on me prévient la veille.", "temoignage", ""),
        ("Des solutions de garde d'urgence pour les parents seuls.", "proposition", ""),
        ("Il y a urgence : les familles attendent.", "proposition", "termes d'alerte : urgence"),
        # an alarm denied is none; the negation's reach ends at a comma or after two words
        ("Préparer les fins de placement, jamais dans l'urgence.", "proposition", ""),
        ("Il n'y a pas de danger à rester chez soi.", "constat", ""),
        ("Pas assez de personnel, c'est dangereux.", "constat", "termes d'alerte : dangereux"),
        ("Pas assez de personnel en urgence la nuit.", "constat", "termes d'alerte : urgence"),
    ],
)
def test_vigilance_names_its_cues_as_written(text, kind, reason):
    assert vigilance_reason(text, kind) == reason
    items = [
        item(1, "Attention au risque d'épuisement des aidants.", themes=["A"]),
        item(2, "Il ne faut pas oublier les aidants.", themes=["A"], kind="proposition"),
        item(3, "Je suis isolée, personne ne vient.", themes=["A"], kind="temoignage"),
    ]
    vigilance = build(items).sections[0].vigilance
    assert {q.id for q in vigilance} == {1, 3}
    assert all(q.reason for q in vigilance)


def _structured_document() -> Document:
    items = _groups(CRECHE * 2 + MDPH * 2, CRECHE * 2 + MDPH * 2)
    items += [item(300 + n, t, suggested_themes=[MOBILITE]) for n, t in enumerate(BUS)]
    items += [item(400, "Zorblatique quintessence !")]
    return build(items)


def _page_and_docx(document) -> tuple[str, str]:
    """The version page's HTML and the Word file's text of a draft ``document``."""
    html = render_template(
        "synthesis/document.html",
        **document_context(
            document, Editorial(), version=1, status_label="Brouillon", contribution_url=None
        ),
    )
    docx = _docx_text(render_docx(document, Editorial(), version=1, status_label="Brouillon"))
    return html, docx


def _docx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("word/document.xml").decode()
    return re.sub(r"<[^>]+>", "", xml)


def test_page_and_docx_show_the_same_structure(request_ctx):
    document = _structured_document()
    html, docx = _page_and_docx(document)
    ideas = sum(len(s.ideas) for s in document.sections)
    isolated = sum(len(s.isolated) for s in document.sections)
    assert isolated >= 1  # the lone text is listed, never counted as an idea
    assert f"{ideas}</span> idée" in html
    summary = next(d.summary for d in document.differences if d.title.startswith("Usagers"))
    for shown in (html, docx):
        assert "Les idées principales" in shown
        assert "L'essentiel" in shown or "L&#39;essentiel" in shown
        assert document.findings[0].label in shown or escape(document.findings[0].label) in shown
        assert "placée" in shown
        assert "par suggestion, à vérifier" in shown
        assert summary in shown
        assert "Contributions ni étiquetées ni placées par une suggestion." in shown


def test_who_took_part_comes_after_what_they_said(request_ctx):
    """Twelve pages of counts by meeting, territory, public… before the first idea kept a
    working group from what people said: the detail comes after the parts."""
    document = _structured_document()
    assert document.breakdowns
    assert document.sections
    html, docx = _page_and_docx(document)
    toc = html[html.index('id="synthese-sommaire"') : html.index('id="synthese-redigee"')]
    said = html[html.index("synthese-participants-titre") :]
    for shown in (toc, said, docx[docx.index("Cette partie est produite à partir") :]):
        # each part's title, where it first appears: its heading (the breakdown by theme,
        # further on, names the parts again)
        parts = [shown.index(escape(section.title)) for section in document.sections]
        assert shown.index("Qui a contribué, et où") > max(parts)


@pytest.fixture
def request_ctx(app):
    with app.test_request_context("/"):
        yield


def test_key_findings_never_hide_who_said_an_idea_in_small_groups():
    items = [item(n, t, themes=[SOCIAL]) for n, t in enumerate(CRECHE * 2, 1)]
    items += [item(20, CRECHE[0], themes=[SOCIAL], author="elu")]
    finding = next(f for f in build(items).findings if 20 in f.ids)
    assert [(c.label, c.count) for c in finding.authors] == [("Usager", finding.count - 1)]
    assert finding.authors_hidden == 1
    assert authors(finding) == f"Usager ({finding.count - 1}), autres types (1)"


def test_versions_stored_before_the_new_structure_still_load():
    document = _structured_document()
    stored = document.to_dict()
    for key in ("findings",):
        del stored[key]
    for section in stored["sections"]:
        del section["suggested"]
        for quote in section["vigilance"]:
            del quote["reason"]
    for difference in stored["differences"]:
        for key in ("ideas", "tested", "summary"):
            del difference[key]
    loaded = Document.from_dict(stored)
    assert loaded.findings == []
    assert [s.suggested for s in loaded.sections] == [[]] * len(loaded.sections)
    assert [d.summary for d in loaded.differences] == [""] * len(loaded.differences)
    assert loaded.sections[0].ideas == document.sections[0].ideas


def test_key_findings_say_when_author_types_were_merged():
    items = [item(n, t, themes=[SOCIAL]) for n, t in enumerate(CRECHE * 2, 1)]
    for n, author in enumerate(("elu", "elu", "partenaire", "partenaire", "agent"), 30):
        items.append(item(n, CRECHE[0], themes=[SOCIAL], author=author))
    finding = next(f for f in build(items).findings if 30 in f.ids)
    merged = next(c for c in finding.authors if c.label != "Usager")
    assert f"plusieurs types d'auteurs ({merged.count})" in authors(finding)
    assert "Autres (" not in authors(finding)
    assert masks_authors([finding])
    assert not masks_authors([f for f in build(items).findings if 30 not in f.ids])


def test_an_alarm_word_of_the_section_title_names_its_subject_not_an_alert():
    question = "Comment mieux travailler avec les écoles pour repérer les enfants en danger ?"
    section = "Le repérage et l'évaluation du danger"
    assert vigilance_reason(question, "question") == "termes d'alerte : danger"
    assert vigilance_reason(question, "question", topic=section) == ""
    # another alarm word still is one, and so is a situation that goes wrong
    assert vigilance_reason(
        "Des enfants en danger, une famille en détresse.", "constat", topic=section
    ) == ("termes d'alerte : détresse")
    assert "isolée" in vigilance_reason("Je suis isolée, en danger.", "temoignage", topic=section)


def test_key_findings_name_the_two_families_when_no_author_type_is_large_enough():
    """No author type reaches 5 people: « Plusieurs types d'auteurs (11) » told a working
    group nothing; the families « Ce qui diffère » compares are coarser, and said."""
    authors_of = ["usager"] * 3 + ["proche_aidant"] * 3 + ["professionnel"] * 2
    authors_of += ["partenaire"] * 2 + ["agent"]
    texts = (CRECHE * 3)[: len(authors_of)]
    items = [
        item(n, text, themes=[SOCIAL], author=author)
        for n, (text, author) in enumerate(zip(texts, authors_of, strict=True), 1)
    ]
    (finding,) = [f for f in build(items).findings if 1 in f.ids]
    assert authors(finding) == (
        "Usagers et proches aidants (6), Professionnels, partenaires et agents (5)"
    )
    assert not masks_authors([finding])
    # the note under the table says it (only then: the first page holds on one page)
    assert "par famille" in few_authors_note([finding])
    assert "par famille" not in few_authors_note(build(items[:4]).findings)
