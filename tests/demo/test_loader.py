"""The demo loads the Savoie scheme, territories, meetings and contributions, once.

Loading takes ~15 s: it is loaded once for this module, in a transaction that is rolled back
at the end, and each test reads (or writes) in a savepoint of its own, rolled back after it.
"""

from datetime import date
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import scoped_session, sessionmaker

from consult.accounts.models import User
from consult.accounts.passwords import password_problems, verify_password
from consult.contributions.models import Contribution
from consult.demo.followup import SHOWCASE_SUBJECT
from consult.demo.loader import load_demo, parse_contributions
from consult.extensions import db as _db
from consult.followup.models import Measurement, Milestone
from consult.meetings.models import Meeting
from consult.reports.models import AnnualReport
from consult.schemes.models import Fiche, Membership, Scheme, Territory, WorkingGroup
from consult.synthesis import curation
from consult.synthesis.current import current_version
from consult.synthesis.document import Document
from consult.synthesis.models import SynthesisVersion
from consult.workgroups.models import Decision, FicheContribution, FicheIdea
from tests.conftest import RecordingDispatcher


def _bind_session(connection) -> None:
    _db.session = scoped_session(
        sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
    )


@pytest.fixture(scope="module")
def loaded(app, tmp_path_factory):
    """The demo, loaded once (its jobs recorded, not run), then rolled back."""
    with app.app_context():
        connection = _db.engine.connect()
        outer = connection.begin()
        original = _db.session
        saved = (app.extensions.get("consult_jobs"), app.config.get("DOCUMENTS_DIR"))
        app.extensions["consult_jobs"] = RecordingDispatcher()
        app.config["DOCUMENTS_DIR"] = str(tmp_path_factory.mktemp("demo-documents"))
        _bind_session(connection)
        try:
            result = load_demo()
            _db.session.commit()  # releases the session's savepoint into the outer transaction
            yield SimpleNamespace(
                connection=connection,
                scheme_id=result["scheme"].id,
                logins=result["logins"],
                contributions=result["contributions"],
            )
        finally:
            _db.session.remove()
            _db.session = original
            app.extensions["consult_jobs"], app.config["DOCUMENTS_DIR"] = saved
            outer.rollback()
            connection.close()


@pytest.fixture
def db(app, loaded):
    """This module's ``db``: the loaded demo, and a savepoint rolled back after the test."""
    with app.app_context():
        savepoint = loaded.connection.begin_nested()
        _bind_session(loaded.connection)
        try:
            yield _db
        finally:
            _db.session.remove()
            savepoint.rollback()


@pytest.fixture
def demo(db, loaded) -> dict:
    """What ``load_demo()`` returned, its scheme read again in this test's session."""
    return {
        "scheme": db.session.get(Scheme, loaded.scheme_id),
        "logins": loaded.logins,
        "contributions": loaded.contributions,
    }


def test_demo_fills_every_screen(db, count, demo):
    result = demo
    assert result["scheme"].department == "Savoie"
    assert count(Fiche, Fiche.status == "adoptee") == 33
    assert count(Territory) == 5
    assert count(Meeting) == 11  # ten past meetings, one open now
    assert count(Contribution) >= 200
    assert count(Contribution, Contribution.status == "published") >= 180
    assert count(Contribution, Contribution.status == "pending") >= 5
    kinds = set(db.session.scalars(sa.select(Contribution.kind).distinct()))
    assert kinds == {"constat", "proposition", "question", "temoignage"}


def test_demo_accounts_get_strong_random_passwords(db, demo):
    logins = demo["logins"]
    assert set(logins) == {
        f"{key}@demo.consult.fr"
        for key in ("admin", "animateur", "membre", "partenaire", "participant", "representant")
    }
    for email, password in logins.items():
        assert password_problems(password) == []
        user = db.session.scalar(sa.select(User).where(User.email == email))
        assert verify_password(user.password_hash, password)


def test_loading_twice_adds_nothing(db, count, demo):
    assert demo["contributions"] > 0  # the first load
    models = (Contribution, Meeting, User, WorkingGroup, Fiche, Decision, Measurement, Milestone)
    before = [count(model) for model in models]
    second = load_demo()
    assert [count(model) for model in models] == before
    assert second["logins"] == {}
    assert second["contributions"] == 0


def test_contribution_lines_are_parsed_with_codes_themes_and_pseudonyms():
    items = parse_contributions(
        "## us-2019\nt u pa #13 [Mamie Jo] Je vis seule.\n*p pro r Un rendez-vous plus tôt.\nRAS\n"
    )
    assert items[0] == {
        "meeting": "us-2019",
        "kind": "temoignage",
        "author_type": "usager",
        "public": "personnes_agees",
        "status": "published",
        "pseudonym": "Mamie Jo",
        "theme": "13",
        "fiches": [],
        "text": "Je vis seule.",
    }
    assert items[1]["status"] == "pending"
    assert items[1]["theme"] is None
    assert items[2]["text"] == "RAS"
    assert items[2]["status"] == "pending"
    assert items[2]["theme"] is None


def test_contribution_lines_name_the_fiches_the_facilitators_gave():
    """A line names its fiches after its theme (« #10 f31 f32 »), or alone (« f6 »); a line
    without any stays as it was, and a text starting with such a word keeps it."""
    items = parse_contributions(
        "## ct-aix\n"
        "p pa t #10 f31 f32 [Jo] Un guichet unique.\n"
        "p u ph f6 Participer aux groupes de travail.\n"
        "c u t #10 f5ans de délai, c'est long.\n"
        "c u t #10 Trop de sigles.\n",
        themes={"10"},
        fiches={"5", "6", "31", "32"},
    )
    assert [(item["theme"], item["fiches"]) for item in items] == [
        ("10", ["31", "32"]),
        (None, ["6"]),
        ("10", []),
        ("10", []),
    ]
    assert items[0]["pseudonym"] == "Jo"
    assert items[0]["text"] == "Un guichet unique."
    assert items[1]["text"] == "Participer aux groupes de travail."
    assert items[2]["text"] == "f5ans de délai, c'est long."


def test_a_fiche_or_theme_the_scheme_does_not_have_is_refused_with_its_line():
    text = "## ct-aix\nc u t #10 f31 Un guichet.\np u t #10 f34 Des transports.\n"
    with pytest.raises(ValueError, match=r"ligne 3 : « f34 » ne désigne aucune fiche du schéma"):
        parse_contributions(text, themes={"10"}, fiches={str(n) for n in range(1, 34)})
    with pytest.raises(ValueError, match=r"ligne 2 : « #10 » ne désigne aucune thématique"):
        parse_contributions(text, themes={"1", "9"}, fiches={"31", "34"})
    assert len(parse_contributions(text)) == 2  # numbers checked only against a scheme


def test_demo_contributions_carry_the_fiches_the_facilitators_gave(db, count, demo):
    """Issue 15: the demo's moderators tag fiches by hand too, as the tagging page records
    them, so that suggesters learn fiches from the demo and its synthesis sorts
    contributions into fiches by their tags, not by guesses."""
    from consult.demo.loader import DATA
    from consult.history.models import ModerationEvent
    from consult.synthesis import services as synthesis_services
    from consult.synthesis.models import Synthesis
    from consult.tagging.models import ContributionTag

    items = parse_contributions((DATA / "contributions.txt").read_text(encoding="utf-8"))
    published = [item for item in items if item["status"] == "published"]
    with_fiches = [item for item in published if item["fiches"]]
    assert len(with_fiches) >= 0.75 * len(published)
    assert not [item["text"] for item in items if item["status"] == "pending" and item["fiches"]]
    fiche_tags = db.session.scalars(
        sa.select(ContributionTag).where(
            ContributionTag.fiche_id.is_not(None), ContributionTag.from_suggestion.is_(False)
        )
    ).all()
    assert len(fiche_tags) == sum(len(item["fiches"]) for item in published)
    facilitator = db.session.scalar(sa.select(User).where(User.role == "facilitator"))
    assert {tag.set_by_id for tag in fiche_tags} == {facilitator.id}
    assert len({tag.fiche_id for tag in fiche_tags}) >= 25  # most of the 33 fiches
    events = db.session.scalars(
        sa.select(ModerationEvent.reason).where(ModerationEvent.action == "tag")
    ).all()
    assert sum(reason.startswith("Fiche") for reason in events) >= len(fiche_tags), events[:3]
    # the synthesis sorts contributions into fiches by these tags
    synthesis = db.session.scalars(sa.select(Synthesis)).one()
    placed = synthesis_services.collect_items(synthesis)
    by_tag = [item for item in placed if item.fiches]
    assert len(by_tag) >= 0.75 * len(placed)
    assert not [item for item in by_tag if item.suggested_fiches]


def test_demo_has_a_published_synthesis_of_its_contributions(db):
    version = db.session.scalars(sa.select(SynthesisVersion)).one()
    document = Document.from_dict(version.document)
    assert version.status == "published"
    assert version.contribution_count == document.contributions > 100
    assert any(section.ideas for section in document.sections)


def test_demo_synthesis_is_tagged_curated_and_written_before_it_is_published(db):
    """What a Département would publish (issue 14 #6): sections by theme from tags, ideas
    the team reworked, and its editorial part."""
    version = db.session.scalars(sa.select(SynthesisVersion)).one()
    document = current_version(version).document
    themed = [s for s in document.sections if s.kind == "theme" and s.ids]
    assert len(themed) >= 10
    assert sum(len(s.ids) - len(s.suggested) for s in themed) >= 40  # tagged, not guessed
    actions = [row.action for row in curation.history(version.synthesis_id)]
    assert "merge" in actions
    assert "rename" in actions
    titles = {idea.label for s in document.sections for idea in s.ideas if not idea.hidden}
    assert "Garder la même aide à domicile, et du répit pour les aidants" in titles
    assert all(version.editorial.get(part) for part in ("introduction", "analysis"))
    assert document.participants > 500  # from the head counts noted at each meeting
    assert "Garder la même aide à domicile, et du répit pour les aidants" in {
        finding.label for finding in document.findings
    }  # the first page reads the team's titles too


def test_demo_follows_up_the_scheme(db, count, demo):
    scheme = demo["scheme"]
    assert count(WorkingGroup) == 2
    assert count(Membership, Membership.role == "representant_usagers") == 1
    drafted = db.session.scalars(sa.select(Fiche).where(Fiche.working_group_id.is_not(None))).one()
    assert drafted.status == "proposee"
    assert count(FicheIdea, FicheIdea.fiche_id == drafted.id) == 2
    outcomes = set(db.session.scalars(sa.select(Decision.outcome)))
    assert outcomes == {"retenue", "partiellement_retenue", "non_retenue", "hors_champ"}
    # the groups answer their proposals (on-topic ones only since the demo tells one story)
    assert count(Decision) >= 8
    indicators = [i for f in scheme.fiches if f.status == "adoptee" for i in f.indicators]
    assert count(Measurement) == 2 * len(indicators) == 326
    years = set(db.session.scalars(sa.select(Measurement.year)))
    assert years == {2022, 2023}
    report = db.session.scalars(sa.select(AnnualReport)).one()
    assert (report.year, report.status) == (2023, "published")
    assert report.document  # generated with the measurements above


def test_showcase_fiche_lists_only_observations_about_its_subject(db):
    fiche = db.session.scalars(
        sa.select(Fiche).where(Fiche.title == "Un accueil de proximité pour les démarches en ligne")
    ).one()
    off_topic = ("transport", "maltrait", "aide à domicile", "aides à domicile", "bus ")
    observations = [line for line in fiche.context if line.strip()]
    assert observations
    linked = db.session.scalars(
        sa.select(Contribution.body)
        .join(FicheContribution, FicheContribution.contribution_id == Contribution.id)
        .where(FicheContribution.fiche_id == fiche.id)
    ).all()
    assert len(linked) >= 5
    for text in [*observations, *linked]:
        assert not any(word in text.lower() for word in off_topic), text
        assert SHOWCASE_SUBJECT.search(text), text


def test_demo_contributions_are_dated_within_their_meetings(db):
    meetings = db.session.scalars(sa.select(Meeting)).all()
    for meeting in meetings:
        said = sa.select(Contribution).where(Contribution.meeting_id == meeting.id)
        for contribution in db.session.scalars(said):
            local = contribution.created_at.astimezone(ZoneInfo("Europe/Paris"))
            assert local.date() >= meeting.held_on, (meeting.title, local)
            assert local.year == meeting.held_on.year, (meeting.title, local)
    past = [m for m in meetings if m.held_on.year < date.today().year]
    assert past
    assert all(m.status == "closed" for m in past)
    assert any(m.status == "open" and m.held_on == date.today() for m in meetings)


def test_closed_demo_meetings_say_when_they_closed_and_what_was_decided(db):
    """Item 16: a 2019 meeting's results page shows its relevé, like a real closed one."""
    closed = db.session.scalars(sa.select(Meeting).where(Meeting.status == "closed")).all()
    assert closed
    for meeting in closed:
        assert meeting.minutes.startswith("<p>Relevé de conclusions"), meeting.title
        assert meeting.closed_at is not None
        last = db.session.scalar(
            sa.select(sa.func.max(Contribution.created_at)).where(
                Contribution.meeting_id == meeting.id
            )
        )
        assert last is None or last <= meeting.closed_at, meeting.title


def test_demo_retains_proposals_only_in_fiches_about_them(db):
    """Item 16: a retained proposal sits in a fiche the facilitators tagged it with, or that
    its stored suggestions point to."""
    from consult.demo.followup import FITS_A_FICHE
    from consult.tagging.models import ContributionTag, TagSuggestion

    retained = db.session.scalars(sa.select(Decision).where(Decision.fiche_id.is_not(None))).all()
    assert retained
    query = sa.select(ContributionTag.contribution_id, ContributionTag.fiche_id)
    tagged = {
        (contribution_id, fiche_id) for contribution_id, fiche_id in db.session.execute(query)
    }
    assert any((d.contribution_id, d.fiche_id) in tagged for d in retained)
    for decision in retained:
        if (decision.contribution_id, decision.fiche_id) in tagged:
            continue
        score = db.session.scalar(
            sa.select(TagSuggestion.score).where(
                TagSuggestion.contribution_id == decision.contribution_id,
                TagSuggestion.fiche_id == decision.fiche_id,
            )
        )
        assert (score or 0.0) >= FITS_A_FICHE, decision.contribution.body
    outcomes = {d.outcome for d in db.session.scalars(sa.select(Decision))}
    assert outcomes == {"retenue", "partiellement_retenue", "non_retenue", "hors_champ"}


def test_facilitators_tag_every_published_contribution_before_the_synthesis(db, count, demo):
    """Issue 14 #6: the demo shows the moderators' hand tags, with the audit trail the tagging
    page records, and its synthesis has next to nothing « Sans thématique »."""
    from consult.demo.loader import DATA
    from consult.history.models import ModerationEvent
    from consult.tagging.models import ContributionTag

    items = parse_contributions((DATA / "contributions.txt").read_text(encoding="utf-8"))
    published = [item for item in items if item["status"] == "published"]
    untagged = [item["text"] for item in published if item["theme"] is None]
    assert len(untagged) <= 0.05 * len(published), untagged
    assert all(item["theme"] is None for item in items if item["status"] == "pending")

    scheme = demo["scheme"]
    assert {item["theme"] for item in published} - {None} <= {t.number for t in scheme.themes}
    by_hand = db.session.scalars(
        sa.select(ContributionTag).where(
            ContributionTag.from_suggestion.is_(False), ContributionTag.theme_id.is_not(None)
        )
    ).all()
    assert len(by_hand) == len(published) - len(untagged)
    facilitator = db.session.scalar(sa.select(User).where(User.role == "facilitator"))
    assert {tag.set_by_id for tag in by_hand} == {facilitator.id}
    events = count(ModerationEvent, ModerationEvent.action == "tag")
    assert events >= len(by_hand)
    version = db.session.scalars(sa.select(SynthesisVersion)).one()
    document = current_version(version).document
    loose = sum(len(s.ids) for s in document.sections if s.title == "Sans thématique")
    assert loose <= 0.05 * document.contributions


def test_demo_answers_out_of_scope_proposals_with_who_decides(db):
    """A « hors champ » answer names who decides, for that proposal; the ASE, the PMI or the
    MDPH (the Département's own services) are never answered « hors champ »."""
    from consult.demo.followup import out_of_scope_reason

    decided = db.session.scalars(sa.select(Decision)).all()
    out = [d for d in decided if d.outcome == "hors_champ"]
    assert out
    for decision in out:
        assert decision.reason == out_of_scope_reason(decision.contribution.body)
    own = ("ASE", "PMI", "MDPH", "APA")
    assert not [d for d in out if any(word in d.contribution.body for word in own)]
    assert out_of_scope_reason("Changer l'image de l'ASE auprès des familles.") is None


# Texts naming the demo's places (its territories, its communes), each about something else.
PLACED = [
    "Saint-Jean-de-Maurienne : l'accueil de jour Alzheimer est complet depuis un an.",
    "Les familles d'accueil de Tarentaise sont épuisées et pas assez payées.",
    "La MDPH de Chambéry met six mois à répondre pour l'AAH.",
    "Ouvrir une maison des adolescents à Aix-les-Bains.",
    "Les EHPAD de la Maurienne manquent d'aides-soignantes.",
    "En Avant-Pays savoyard, pas de permanence de la maison sociale.",
    "Pourquoi l'APA met si longtemps à être versée en Tarentaise ?",
    "En Haute-Maurienne, personne ne répond au téléphone de la maison sociale.",
    "Les saisonniers de Tarentaise-Vanoise au RSA ont besoin d'un accompagnement vers l'emploi.",
]
PLACE_WORDS = {"saint", "jean", "maurienne", "tarentaise", "chambéry", "aix", "bains", "haute"}


def test_demo_suggestions_never_give_a_place_as_a_reason(db, demo):
    """The demo's tagged contributions name its valleys (« La Maurienne est une vallée
    longue… » for the access fiche): « maurienne » was shown as the reason for that fiche."""
    from consult.tagging.services import build_suggesters

    suggesters = build_suggesters(demo["scheme"])
    for text in PLACED:
        for level, suggester in suggesters.items():
            for suggestion in suggester.suggest(text, top=3):
                shown = {w for word in suggestion.words for w in word.lower().split()}
                assert not shown & PLACE_WORDS, (text, level, suggestion)
                assert not any("savoyard" in word for word in shown), (text, suggestion)
    found = suggesters["fiche"].suggest(PLACED[0], top=3)
    assert "alzheimer" in found[0].words  # the capitalised word that is no place stays


def test_demo_suggests_the_access_fiche_for_a_service_that_never_calls_back(db, demo):
    """« J'ai appelé trois fois la MDPH… » went to fiche 3 and the draft GT1-1 first, carried
    by « dossier »: a word every right's paperwork uses (« dossier MDPH », « dossier RSA »),
    which tells no fiche from another. The access fiches come first or second, justified by
    what the text says of them."""
    from consult.tagging.services import build_suggesters

    text = "J'ai appelé trois fois la MDPH pour le dossier de ma fille, personne ne m'a rappelée"
    numbers = {str(f.id): f.number for f in demo["scheme"].fiches}
    found = build_suggesters(demo["scheme"])["fiche"].suggest(text, top=3)

    access = [s for s in found[:2] if numbers[s.key] in {"31", "32"}]
    assert access, [(numbers[s.key], s.score, s.words) for s in found]
    assert {"MDPH", "personne ne m'a rappelée"} <= set(access[0].words)
    assert all("dossier" not in s.words for s in found)
