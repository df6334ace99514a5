"""Syntheses over HTTP: define, generate by a job, version, share, publish, export."""

import csv
import io
import json
import zipfile

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from consult.contributions.models import Contribution
from consult.core.db import utcnow
from consult.moderation.services import mask
from consult.schemes.models import Membership, WorkingGroup
from consult.synthesis.models import GroupSynthesis, Synthesis, SynthesisVersion
from tests.factories import download


def generate(client, jobs, meeting, title="Synthèse de la rencontre"):
    response = client.post(
        "/syntheses/nouvelle",
        data={
            "title": title,
            "template": "rencontre",
            "scheme_id": meeting.scheme_id,
            "meeting_ids": [meeting.id],
        },
    )
    assert response.status_code == 303, response.text
    assert "consult.synthesis.jobs.generate_synthesis" in [c.path for c in jobs.calls]
    jobs.run_all()
    return response.headers["Location"]


def latest(db) -> SynthesisVersion:
    return db.session.scalars(
        sa.select(SynthesisVersion).order_by(SynthesisVersion.id.desc())
    ).first()


def test_facilitator_generates_a_traceable_synthesis(client, facilitator, meeting, jobs, db):
    location = generate(client, jobs, meeting)
    version = latest(db)
    assert (version.number, version.status, version.contribution_count) == (1, "draft", 7)
    page = client.get(f"/syntheses/{version.synthesis_id}/v1")
    assert page.status_code == 200
    assert "Partie rédigée par l" in page.text
    assert "Ce que les participants ont dit" in page.text
    ids = sa.select(Contribution.id).where(Contribution.meeting_id == meeting.id)
    linked = [i for i in db.session.scalars(ids) if f"/moderation/{i}" in page.text]
    assert len(linked) >= 3  # quotes and ideas lead back to their contributions
    assert "28" in page.text  # participants from the attendance
    assert client.get(location).status_code == 200
    # French typography in the document, as in its PDF: no line starts with « : »
    start = page.text.index("Ce que les participants ont dit")
    document = page.text[start : page.text.index('id="curation"')]
    assert "\u00a0:" in document
    assert " :" not in document.replace("\u00a0:", "")


def test_regenerating_after_new_contributions_keeps_version_1(
    client, facilitator, meeting, jobs, db, make_contribution
):
    generate(client, jobs, meeting)
    synthesis = db.session.scalars(sa.select(Synthesis)).one()
    make_contribution(meeting=meeting, body="Une nouvelle idée sur le logement", status="published")
    db.session.commit()
    client.post(f"/syntheses/{synthesis.id}/generer")
    jobs.run_all()
    versions = db.session.scalars(
        sa.select(SynthesisVersion).order_by(SynthesisVersion.number)
    ).all()
    assert [(v.number, v.contribution_count) for v in versions] == [(1, 7), (2, 8)]
    assert client.get(f"/syntheses/{synthesis.id}/v1").status_code == 200


def test_drafts_are_private_shared_for_groups_published_for_all(
    client, facilitator, meeting, jobs, db, make_user, login
):
    generate(client, jobs, meeting)
    version = latest(db)
    url = f"/syntheses/{version.synthesis_id}/v1"
    client.post("/deconnexion")
    assert client.get(url).status_code == 404
    login(facilitator)
    outsider, reader = make_user(role="member"), make_user(role="member")
    group = WorkingGroup(scheme_id=meeting.scheme_id, name="Groupe de lecture")
    group.members.append(Membership(user=reader, role="membre"))
    db.session.add(group)
    db.session.commit()
    client.post(f"{url}/etat", data={"target": "shared", "group_ids": [group.id]})
    assert db.session.get(GroupSynthesis, (group.id, version.synthesis_id)) is not None
    login(outsider)  # shared: only with the groups it is shared with
    assert client.get(url).status_code == 404
    login(reader)
    assert client.get(url).status_code == 200
    client.post("/deconnexion")
    assert client.get(url).status_code == 404
    login(facilitator)
    client.post(f"{url}/redaction", data={"introduction": "<p>Intro</p>"})
    client.post(f"{url}/etat", data={"target": "published", "confirm": "y"})
    client.post("/deconnexion")
    assert client.get(url).status_code == 200
    assert download(client, jobs, f"{url}.pdf").data.startswith(b"%PDF")


def test_editorial_part_is_sanitised_and_kept_apart(client, facilitator, meeting, jobs, db):
    generate(client, jobs, meeting)
    version = latest(db)
    url = f"/syntheses/{version.synthesis_id}/v1"
    client.post(
        f"{url}/redaction",
        data={
            "introduction": "Notre lecture.\n\n<script>alert(1)</script>Deuxième paragraphe",
            "analysis": "",
            "conclusions": "",
        },
    )
    page = client.get(url).text
    assert "<p>Notre lecture.</p>" in page
    assert "<script>alert(1)" not in page


def test_exports_open_and_never_show_masked_data(client, facilitator, meeting, jobs, db):
    phone = Contribution(
        meeting=meeting,
        body="Appelez le 06 12 34 56 78 : plus de places en crèche",
        status="published",
    )
    db.session.add(phone)
    db.session.flush()
    mask(phone, actor=facilitator, now=utcnow())
    db.session.commit()
    generate(client, jobs, meeting)
    url = f"/syntheses/{latest(db).synthesis_id}/v1"
    pdf = download(client, jobs, f"{url}.pdf")
    assert pdf.data.startswith(b"%PDF")
    docx = download(client, jobs, f"{url}.docx")
    with zipfile.ZipFile(io.BytesIO(docx.data)) as archive:
        document_xml = archive.read("word/document.xml").decode()
    assert "06 12 34 56 78" not in document_xml
    data = json.loads(client.get(f"{url}.json").data)
    assert "06 12 34 56 78" not in json.dumps(data, ensure_ascii=False)
    rows = list(
        csv.reader(
            io.StringIO(client.get(f"{url}/contributions.csv").text.lstrip("\ufeff")), delimiter=";"
        )
    )
    flat = "\n".join(";".join(r) for r in rows)
    assert "06 12 34 56 78" not in flat
    assert "'=HYPERLINK" in flat
    workbook = load_workbook(io.BytesIO(client.get(f"{url}/contributions.xlsx").data))
    cells = [str(c.value) for row in workbook.active.iter_rows() for c in row if c.value]
    assert not any(value.startswith("=") for value in cells)
    assert not any("06 12 34 56 78" in value for value in cells)


def test_job_progress_is_reported(client, facilitator, meeting, db, jobs):
    client.post(
        "/syntheses/nouvelle",
        data={"title": "Suivi", "template": "rencontre", "scheme_id": meeting.scheme_id},
    )
    run_id = db.session.scalars(sa.select(Synthesis)).one().job_run_id
    waiting = client.get(f"/taches/{run_id}.json").get_json()
    assert (waiting["status"], waiting["progress"]) == ("queued", 0)
    assert (
        "Préparation en cours"
        in client.get(f"/syntheses/{db.session.scalars(sa.select(Synthesis)).one().id}").text
    )
    jobs.run_all()
    done = client.get(f"/taches/{run_id}.json").get_json()
    assert (done["status"], done["progress"]) == ("done", 100)


@pytest.mark.parametrize("role", ["participant", "partner", "member"])
def test_only_staff_define_syntheses(client, make_user, login, role):
    login(make_user(role=role))
    assert client.get("/syntheses/nouvelle").status_code == 403


def test_without_a_worker_the_answer_comes_first_then_the_generation(
    app, client, facilitator, meeting, db, monkeypatch
):
    """Zero-setup mode: the facilitator sees the page (with the job's progress) at once;
    the version is made once the answer has been sent, as a worker would make it."""
    from consult.core.jobs import InlineDispatcher, JobRun

    monkeypatch.setitem(app.extensions, "consult_jobs", InlineDispatcher())
    monkeypatch.setitem(app.config, "JOBS_AFTER_RESPONSE", True)
    response = client.post(
        "/syntheses/nouvelle",
        data={"title": "Synthèse", "template": "rencontre", "scheme_id": meeting.scheme_id,
              "meeting_ids": [meeting.id]},
    )  # fmt: skip
    assert response.status_code == 303
    run = db.session.scalars(sa.select(JobRun)).one()
    assert (run.status, latest(db)) == ("queued", None)  # answered before the job ran
    page = client.get(response.headers["Location"])
    assert "Préparation en cours" in page.text
    response.close()  # what the server does once the answer is sent
    db.session.expire_all()
    assert db.session.get(JobRun, run.id).status == "done"
    assert latest(db).contribution_count == 7
