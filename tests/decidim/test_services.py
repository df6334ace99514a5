"""Decidim import services: hostile files, clear French refusals, masking at scale."""

import csv
import io

import pytest

from consult.contributions.importing import ImportFileError
from consult.core.db import utcnow
from consult.decidim import services
from tests.factories import FIXTURES

DECIDIM = FIXTURES / "decidim"


@pytest.fixture
def consultation(make_meeting):
    return make_meeting(kind="consultation_en_ligne")


def export_of(proposals: bytes, comments: bytes | None = None):
    return services.read_export(
        ("proposals.csv", proposals), None if comments is None else ("comments.csv", comments)
    )


def fixture(name: str) -> bytes:
    return (DECIDIM / name).read_bytes()


def test_a_file_without_decidim_columns_is_refused_clearly(db, consultation):
    export = export_of("texte;auteur\nPlus de crèches;usager\n".encode())
    with pytest.raises(ImportFileError, match="colonne « id » absente"):
        services.plan_import(consultation, export)


def test_comments_given_as_proposals_are_refused(db, consultation):
    export = export_of(fixture("comments-0.30.csv"))
    with pytest.raises(ImportFileError, match="fichier de commentaires"):
        services.plan_import(consultation, export)


def test_a_header_only_comments_file_is_refused(db):
    with pytest.raises(ImportFileError, match="aucun commentaire"):
        export_of(fixture("proposals-0.30.csv"), b"id;body;commentable_id;commentable_type\n")


def test_a_closed_consultation_takes_nothing(db, make_meeting):
    closed = make_meeting(kind="consultation_en_ligne", status="closed")
    with pytest.raises(services.DecidimError, match="n'accepte pas de contributions"):
        services.run_import(closed, export_of(fixture("proposals-0.30.csv")), now=utcnow())


def test_bad_ids_votes_and_dates_are_refused_with_their_line(db, consultation):
    content = (
        b"id;title/fr;body/fr;votes;published_at\n"
        b"abc;Titre;Un texte assez long;1;2025-01-01 10:00:00 UTC\n"
        b"2;Titre;Un texte assez long;beaucoup;2025-01-01 10:00:00 UTC\n"
        b"3;Titre;Un texte assez long;1;hier\n"
        b"4;Titre;Un texte assez long;1;2025-01-01 10:00:00 UTC\n"
    )
    plan = services.plan_import(consultation, export_of(content))
    assert plan.summary() == "decidim proposals 4 comments 0 refused 3"
    assert plan.refused_lines() == [
        "proposals ligne 2 : identifiant Decidim « abc » illisible",
        "proposals ligne 3 : nombre de votes « beaucoup » illisible",
        "proposals ligne 4 : date « hier » illisible",
    ]
    assert [item.decidim_id for item in plan.items] == [4]


def test_thousands_of_names_are_masked_in_every_text(db, consultation):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["id", "author/name", "title/fr", "body/fr"])
    for n in range(2000):
        writer.writerow(
            [n + 1, f"Personne{n} Nom{n}", "Avis", f"Comme le dit Personne{n + 1} Nom{n + 1}"]
        )
    plan = services.plan_import(consultation, export_of(buffer.getvalue().encode()))
    assert plan.rejected == []
    masked = [item for item in plan.items if "[nom masqué]" in item.body]
    assert len(masked) == 1999  # the last one cites a name no author has
    assert "Personne2000 Nom2000" in plan.items[-1].body
