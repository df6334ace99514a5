"""Facilitators' rapid entry of what was said in the room or written on paper."""

import io
import re
from urllib.parse import parse_qs, urlparse

import pytest

from consult.contributions.models import Contribution

PAPER = [
    "Les horaires de la PMI ne conviennent pas aux parents qui travaillent",
    "Un numéro unique pour joindre l'assistante sociale",
    "Plus de places en accueil de jour pour les personnes âgées",
]


def form_key(response) -> str:
    return re.search(r'name="form_key" type="hidden" value="([^"]+)"', response.text).group(1)


def entry(body, key, **overrides):
    data = {
        "body": body,
        "kind": "constat",
        "author_type": "usager",
        "channel": "papier",
        "on_behalf_of": "Atelier 2",
        "territory_id": "0",
        "form_key": key,
    }
    data.update(overrides)
    return data


def test_facilitator_types_paper_contributions_one_after_another(
    client, make_meeting, facilitator, db
):
    meeting = make_meeting(status="open")
    url = f"/rencontres/{meeting.id}/saisie"
    page = client.get(url)
    assert page.status_code == 200
    assert "autofocus" in page.text
    for body in PAPER:
        response = client.post(url, data=entry(body, form_key(page)))
        assert response.status_code == 303
        page = client.get(response.headers["Location"])
        assert 'value="Atelier 2"' in page.text  # the group stays for the next entry
        assert '<option selected value="papier">' in page.text
    rows = db.session.query(Contribution).order_by(Contribution.id).all()
    assert [c.body for c in rows] == PAPER
    assert {(c.channel, c.recorded_by_id, c.on_behalf_of, c.author_id) for c in rows} == {
        ("papier", facilitator.id, "Atelier 2", None)
    }
    assert "<strong>3</strong> contributions saisies par vous" in page.text


def test_sticky_choices_come_back_in_the_next_form(client, make_meeting, facilitator):
    meeting = make_meeting(status="open")
    url = f"/rencontres/{meeting.id}/saisie"
    key = form_key(client.get(url))
    response = client.post(
        url, data=entry(PAPER[0], key, kind="question", author_type="professionnel")
    )
    query = parse_qs(urlparse(response.headers["Location"]).query)
    assert query["type"] == ["question"]
    assert query["auteur"] == ["professionnel"]
    assert query["groupe"] == ["Atelier 2"]


def test_double_submission_of_an_entry_records_it_once(client, make_meeting, facilitator, count):
    meeting = make_meeting(status="open")
    url = f"/rencontres/{meeting.id}/saisie"
    key = form_key(client.get(url))
    client.post(url, data=entry(PAPER[0], key))
    second = client.post(url, data=entry(PAPER[0], key), follow_redirects=True)
    assert "envoi en double ignoré" in second.text
    assert count(Contribution) == 1


def test_entry_errors_keep_the_text(client, make_meeting, facilitator, count):
    meeting = make_meeting(status="open")
    url = f"/rencontres/{meeting.id}/saisie"
    response = client.post(url, data=entry("x" * 5001, form_key(client.get(url))))
    assert response.status_code == 422
    assert "Entre 3 et 5000 caractères" in response.text
    assert "x" * 5001 in response.text
    assert count(Contribution) == 0


def test_closed_meeting_sends_the_facilitator_back_with_a_message(
    client, make_meeting, facilitator, count
):
    meeting = make_meeting(status="closed")
    response = client.post(
        f"/rencontres/{meeting.id}/saisie", data=entry(PAPER[0], "k" * 32), follow_redirects=True
    )
    assert "n&#39;est pas ouverte" in response.text or "n'est pas ouverte" in response.text
    assert count(Contribution) == 0


@pytest.mark.parametrize("role", ["participant", "partner", "member"])
def test_only_staff_use_rapid_entry(client, make_meeting, make_user, login, role):
    meeting = make_meeting(status="open")
    login(make_user(role=role))
    assert client.get(f"/rencontres/{meeting.id}/saisie").status_code == 403


def test_anonymous_is_sent_to_login(client, make_meeting):
    meeting = make_meeting(status="open")
    response = client.get(f"/rencontres/{meeting.id}/saisie")
    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]


# --- Import of a spreadsheet ------------------------------------------------------------

GOOD_AND_BAD = (
    "Texte;Type;Auteur;Groupe\n"
    "Plus de bus le dimanche;proposition;usager;Atelier 1\n"
    ";constat;usager;Atelier 1\n"
    "Un accueil sans rendez-vous à la MDPH;avis;professionnel;Atelier 2\n"
    "Des permanences en mairie;question;élu;Atelier 2\n"
)
ALL_GOOD = (
    "Texte;Type;Auteur;Groupe\n"
    "Plus de bus le dimanche;proposition;usager;Atelier 1\n"
    "Des permanences en mairie;question;élu;Atelier 2\n"
)


def upload(client, meeting, text, filename="papiers.csv"):
    data = {"file": (io.BytesIO(text.encode("cp1252")), filename)}
    return client.post(
        f"/rencontres/{meeting.id}/import", data=data, content_type="multipart/form-data"
    )


def test_preview_names_each_bad_row_and_nothing_is_imported(
    client, make_meeting, facilitator, count
):
    meeting = make_meeting(status="open")
    response = upload(client, meeting, GOOD_AND_BAD)
    assert response.status_code == 302
    preview = client.get(response.headers["Location"])
    assert preview.status_code == 200
    rows = re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td></tr>", preview.text)
    assert [line for line, _ in rows] == ["3", "4"]
    assert "avis" in rows[1][1]
    assert "Importer les" not in preview.text  # no confirm button while a row is refused
    confirm = client.post(response.headers["Location"] + "/confirmer", follow_redirects=True)
    assert "Rien n&#39;a été importé" in confirm.text or "Rien n'a été importé" in confirm.text
    assert count(Contribution) == 0


def test_good_file_is_imported_once_after_confirmation(
    client, make_meeting, facilitator, count, db
):
    meeting = make_meeting(status="open")
    location = upload(client, meeting, ALL_GOOD).headers["Location"]
    preview = client.get(location)
    assert "Importer les 2 contributions" in preview.text
    assert count(Contribution) == 0  # the preview writes nothing
    done = client.post(location + "/confirmer", follow_redirects=True)
    assert "2 contributions importées" in done.text
    again = client.post(location + "/confirmer", follow_redirects=True)
    assert "déjà été importé" in again.text
    rows = db.session.query(Contribution).order_by(Contribution.id).all()
    assert [(c.body, c.kind, c.author_type, c.on_behalf_of, c.channel) for c in rows] == [
        ("Plus de bus le dimanche", "proposition", "usager", "Atelier 1", "import"),
        ("Des permanences en mairie", "question", "elu", "Atelier 2", "import"),
    ]
    assert {c.recorded_by_id for c in rows} == {facilitator.id}


def test_facilitator_changes_the_column_mapping(client, make_meeting, facilitator):
    meeting = make_meeting(status="open")
    location = upload(client, meeting, "Col A;Col B\nbonjour;Un vrai texte assez long\n").headers[
        "Location"
    ]
    first = client.get(location)
    assert first.status_code == 422
    assert "quelle colonne contient le texte" in first.text
    chosen = {"texte": "1", "type": "-1", "auteur": "-1", "pseudonyme": "0"}
    chosen.update(dict.fromkeys(("publics", "territoire", "groupe", "date"), "-1"))
    response = client.post(location, data=chosen)
    assert response.status_code == 200
    assert "Importer les 1 contributions" in response.text
    both = client.post(location, data={**chosen, "pseudonyme": "1"})
    assert "une colonne ne sert qu" in both.text


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"", "vide.csv", ""),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image.csv", ""),
        (b"PK\x03\x04 pas un vrai classeur", "faux.xlsx", ""),
        (b"texte\nbonjour tout le monde\n", "notes.txt", "Seuls les fichiers .csv et .xlsx"),
    ],
)
def test_unusable_files_are_refused_in_french(
    client, make_meeting, facilitator, count, content, filename, message
):
    from consult.contributions.models import ContributionImport

    meeting = make_meeting(status="open")
    data = {"file": (io.BytesIO(content), filename)}
    response = client.post(
        f"/rencontres/{meeting.id}/import", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert 'class="field__error"' in response.text
    assert message in response.text
    assert count(ContributionImport) == 0


def test_another_meetings_upload_is_not_found(client, make_meeting, facilitator):
    first, second = make_meeting(status="open"), make_meeting(status="open")
    location = upload(client, first, ALL_GOOD).headers["Location"]
    import_id = location.rsplit("/", 1)[1]
    assert client.get(f"/rencontres/{second.id}/import/{import_id}").status_code == 404


def test_import_sample_lists_the_accepted_columns(client, make_meeting, facilitator):
    meeting = make_meeting(status="open")
    response = client.get(f"/rencontres/{meeting.id}/import/modele.csv")
    assert response.mimetype == "text/csv"
    assert response.text.lstrip("\ufeff").startswith("texte;type;auteur")


def test_type_and_author_are_never_chosen_in_advance(client, make_meeting, facilitator, count):
    meeting = make_meeting(status="open")
    url = f"/rencontres/{meeting.id}/saisie"
    page = client.get(url)
    assert page.text.count('<option value="">— choisir —</option>') == 2  # first: shown
    assert "selected" not in page.text.split('id="kind"')[1].split('id="channel"')[0]
    response = client.post(url, data=entry(PAPER[0], form_key(page), kind="", author_type=""))
    assert "Choisissez le type." in response.text
    assert "Choisissez qui s&#39;exprime." in response.text
    assert count(Contribution) == 0
