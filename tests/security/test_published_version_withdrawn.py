"""Issue 12 (1): a published synthesis never shows text withdrawn, masked or rejected since.

The version is built by hand (not by the analysis) so that every contribution is
quoted for sure; then its author withdraws one with the receipt code, a moderator
masks a phone and an e-mail or rejects one, and every format of the published version
is read again as an anonymous visitor: page, JSON, PDF, DOCX, CSV and XLSX.
"""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from consult.core.db import utcnow
from consult.moderation.services import mask, reject
from consult.privacy.services import withdraw
from consult.synthesis.document import Breakdown, Cell, Document, Idea, Quote, Section
from consult.synthesis.models import GroupSynthesis, Synthesis, SynthesisVersion
from consult.workgroups.services import idea_at

WITHDRAWN = "Mon fils est placé au foyer des Tilleuls depuis mars"
PHONE, EMAIL = "06 55 44 33 22", "paul.martin@example.org"
CONTACT = f"Les horaires de la crèche sont trop courts, rappelez Paul au {PHONE} ou {EMAIL}"
REJECTED = "La directrice du foyer Mme Durand crie sur les enfants tous les soirs"
OTHERS = [
    "Plus de bus le soir pour rentrer du travail",
    "Des places en crèche pour les horaires décalés",
    "Un accueil de proximité pour les démarches en ligne",
]


@pytest.fixture
def published(db, make_meeting, make_contribution, make_user):
    """A published version quoting six contributions (ideas, proposals, questions)."""
    staff = make_user(role="facilitator")
    meeting = make_meeting(status="closed")
    texts = [WITHDRAWN, CONTACT, REJECTED, *OTHERS]
    made = [make_contribution(meeting=meeting, body=t, status="published") for t in texts]
    ids = [c.id for c in made]
    synthesis = Synthesis(
        scheme_id=meeting.scheme_id,
        title="Synthèse publiée",
        template="rencontre",
        scope={"meeting_ids": [meeting.id], "published_only": True},
    )
    db.session.add(synthesis)
    db.session.flush()
    quotes = [Quote(id=c.id, text=c.body) for c in made]
    section = Section(
        kind="theme",
        title="1. Vivre au quotidien",
        count=len(ids),
        ids=ids,
        ideas=[Idea("crèche · horaires", ["crèche"], 3, 0, ids[:3], quotes[:3])],
        proposals=quotes[3:5],
        questions=quotes[5:],
    )
    document = Document(
        title="Synthèse publiée",
        template="rencontre",
        scope=[("Rencontres", meeting.title)],
        generated_at=utcnow() - timedelta(days=1),
        participants=None,
        contributions=len(ids),
        breakdowns=[Breakdown("kind", "Par type", [Cell("Proposition", len(ids), ids)])],
        sections=[section],
    )
    version = SynthesisVersion(
        synthesis_id=synthesis.id,
        number=1,
        status="published",
        document=document.to_dict(),
        editorial={},
        contribution_count=len(ids),
        generated_at=document.generated_at,
    )
    db.session.add(version)
    db.session.commit()
    return {
        "url": f"/syntheses/{synthesis.id}/v1",
        "made": made,
        "staff": staff,
        "synthesis_id": synthesis.id,
        "version_id": version.id,
        "scheme": meeting.scheme,
    }


def download(client, jobs, url: str):
    """A document of the version, once its job (if any) has prepared it."""
    response = client.get(url)
    for _ in range(3):
        if response.status_code != 202:
            break
        jobs.run_all()
        response = client.get(url)
    assert response.status_code == 200, url
    return response


def every_format(client, jobs, url: str) -> dict[str, str]:
    """The text of each format of the version, as an anonymous visitor reads it."""
    page = client.get(url)
    assert page.status_code == 200
    pdf = download(client, jobs, f"{url}.pdf").data
    docx = download(client, jobs, f"{url}.docx").data
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        docx_text = archive.read("word/document.xml").decode()
    workbook = load_workbook(io.BytesIO(download(client, jobs, f"{url}/contributions.xlsx").data))
    cells = [str(c.value) for row in workbook.active.iter_rows() for c in row if c.value]
    return {
        "page": page.text,
        "json": download(client, jobs, f"{url}.json").data.decode(),
        "pdf": " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages),
        "docx": docx_text,
        "csv": download(client, jobs, f"{url}/contributions.csv").text,
        "xlsx": "\n".join(cells),
    }


def squeezed(text: str) -> str:
    """Without spaces, line breaks and JSON escapes (a PDF breaks lines anywhere)."""
    return "".join(text.replace("\\n", " ").split())


def assert_nowhere(formats: dict[str, str], *secrets: str) -> None:
    for name, text in formats.items():
        for secret in secrets:
            assert squeezed(secret) not in squeezed(text), f"« {secret} » still in {name}"


def test_before_any_change_every_format_quotes_them(client, jobs, published):
    formats = every_format(client, jobs, published["url"])
    for name, text in formats.items():
        assert squeezed(OTHERS[0]) in squeezed(text), name
        assert squeezed(PHONE) in squeezed(text), name  # the test can fail


def test_withdrawn_with_the_receipt_code_is_gone_from_every_format(client, jobs, published):
    withdrawn = published["made"][0]
    answer = client.post(
        "/suivi/effacer",
        data={"code": withdrawn.receipt_code, "choice": "withdraw", "confirm": "y"},
    )
    assert "est retirée" in answer.text
    formats = every_format(client, jobs, published["url"])
    assert_nowhere(formats, WITHDRAWN)
    assert "1 contribution retirée" in formats["page"]
    assert "1 contribution retirée" in formats["pdf"]
    assert "1 contribution retirée" in formats["docx"]
    data = json.loads(formats["json"])
    assert data["document"]["contributions"] == 5
    assert data["contributions_retirees"] == 1
    assert withdrawn.id not in data["document"]["sections"][0]["ids"]
    assert data["document"]["sections"][0]["ideas"][0]["size"] == 2


def test_masked_after_publication_shows_the_masked_text(client, jobs, published, db):
    contact = published["made"][1]
    mask(contact, actor=published["staff"], now=utcnow())
    db.session.commit()
    formats = every_format(client, jobs, published["url"])
    assert_nowhere(formats, PHONE, EMAIL)
    for name, text in formats.items():
        assert squeezed("Les horaires de la crèche sont trop courts") in squeezed(text), name
    assert json.loads(formats["json"])["document"]["contributions"] == 6


def test_rejected_after_publication_is_gone_from_every_format(client, jobs, published, db):
    rejected = published["made"][2]
    reject(rejected, actor=published["staff"], reason="autre", note="Met en cause", now=utcnow())
    db.session.commit()
    formats = every_format(client, jobs, published["url"])
    assert_nowhere(formats, REJECTED)
    assert "1 contribution retirée" in formats["page"]
    assert json.loads(formats["json"])["document"]["contributions"] == 5
    assert formats["csv"].count("\r\n") == 1 + 5  # header and the five still shown


def test_working_group_reading_page_and_fiche_seeds_forget_it_too(
    client, published, db, make_user, make_working_group, login
):
    member = make_user(role="member")
    group = make_working_group(scheme=published["scheme"], members=[(member, "membre")])
    link = GroupSynthesis(working_group_id=group.id, synthesis_id=published["synthesis_id"])
    db.session.add(link)
    db.session.commit()
    withdraw(published["made"][0], now=utcnow())
    mask(published["made"][1], actor=published["staff"], now=utcnow())
    db.session.commit()
    login(member)
    page = client.get(f"/groupes/{group.id}/syntheses/{published['version_id']}")
    assert page.status_code == 200
    assert_nowhere({"group page": page.text}, WITHDRAWN, PHONE, EMAIL)
    assert squeezed("Les horaires de la crèche sont trop courts") in squeezed(page.text)
    idea = idea_at(db.session.get(SynthesisVersion, published["version_id"]), 0, 0)
    assert_nowhere({"fiche seed": json.dumps(idea, ensure_ascii=False)}, WITHDRAWN, PHONE)
