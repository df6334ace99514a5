"""Issue 12 #3: a raw import file is not kept once imported; retention covers uploads.

A CSV's names and phones must not stay readable on the import page after the
import (and after a moderator masked them), nor after ``flask retention run``.
"""

import io
from datetime import timedelta

from consult.contributions.models import Contribution, ContributionImport
from consult.core.db import utcnow
from consult.moderation.services import mask

PHONE = "06 55 44 33 22"
FILE = (
    "Texte;Type;Auteur;Pseudonyme\n"
    f"Rappelez Paul Martin au {PHONE} pour le bus;proposition;usager;Paulo\n"
    "Des permanences en mairie;question;élu;\n"
)


def _upload(client, meeting) -> str:
    data = {"file": (io.BytesIO(FILE.encode("cp1252")), "papiers.csv")}
    response = client.post(
        f"/rencontres/{meeting.id}/import", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    return response.headers["Location"]


def test_imported_file_is_not_kept(client, make_meeting, facilitator, db):
    meeting = make_meeting(status="open")
    location = _upload(client, meeting)
    assert PHONE in client.get(location).text  # the preview, before import, shows the rows
    client.post(location + "/confirmer")
    for contribution in db.session.query(Contribution).filter(Contribution.has_personal_data):
        mask(contribution, actor=facilitator, now=utcnow())
    db.session.commit()
    page = client.get(location)
    assert page.status_code == 200
    assert PHONE not in page.text
    assert "Paul Martin" not in page.text
    upload = db.session.query(ContributionImport).one()
    assert PHONE.encode() not in (upload.content or b"")
    again = client.post(location + "/confirmer", follow_redirects=True)
    assert "déjà été importé" in again.text


def test_retention_scrubs_kept_files_and_drops_old_uploads(
    client, runner, make_meeting, facilitator, db, count
):
    meeting = make_meeting(status="open")
    # A file imported before this fix (still holding its raw content) ...
    imported = ContributionImport(
        meeting_id=meeting.id,
        filename="ancien.csv",
        content=FILE.encode(),
        status="imported",
        imported_count=2,
    )
    # ... and a file uploaded long ago and never imported.
    forgotten = ContributionImport(
        meeting_id=meeting.id, filename="oubli.csv", content=FILE.encode()
    )
    db.session.add_all([imported, forgotten])
    db.session.flush()
    forgotten.created_at = utcnow() - timedelta(days=400)
    db.session.commit()
    result = runner.invoke(args=["retention", "run"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert PHONE.encode() not in db.session.get(ContributionImport, imported.id).content
    assert db.session.get(ContributionImport, forgotten.id) is None
    page = client.get(f"/rencontres/{meeting.id}/import/{imported.id}")
    assert PHONE not in page.text
