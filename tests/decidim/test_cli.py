"""``flask decidim import`` / ``export`` through the CLI runner, on Decidim-shaped fixtures."""

import csv

import pytest
import sqlalchemy as sa

from consult.contributions.models import Contribution
from consult.decidim.models import DecidimImport, DecidimRecord
from consult.schemes.models import Theme
from consult.tagging.models import TagSuggestion
from tests.factories import FIXTURES

DECIDIM = FIXTURES / "decidim"
CURRENT = str(DECIDIM / "proposals-0.30.csv")
OLD = str(DECIDIM / "proposals-0.27.csv")
COMMENTS = str(DECIDIM / "comments-0.30.csv")
AUTHORS = ("Camille Lefèvre", "Hugo Petit", "Nadia B.", "Inès Roux", "Jeanne Martin")


@pytest.fixture
def consultation(make_meeting):
    return make_meeting(kind="consultation_en_ligne", publish_immediately=True)


def run(runner, *args):
    return runner.invoke(args=["decidim", *map(str, args)])


def contributions_of(db, meeting):
    return db.session.scalars(
        sa.select(Contribution).where(Contribution.meeting_id == meeting.id)
    ).all()


def valid_copy(tmp_path, source, drop_ids):
    """The fixture without its refused lines (rows whose id is in ``drop_ids``)."""
    with open(source, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    kept, seen = [rows[0]], set()
    for row in rows[1:]:
        if row[0] not in drop_ids and row[0] not in seen:
            kept.append(row)
            seen.add(row[0])
    path = tmp_path / source.rsplit("/", 1)[-1]
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(kept)
    return str(path)


def test_dry_run_counts_and_lists_refused_lines(runner, db, consultation):
    result = run(
        runner, "import", CURRENT, "--comments", COMMENTS, "--meeting", consultation.id, "--dry-run"
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "decidim proposals 4 comments 5 refused 2"
    assert lines[1] == "proposals ligne 5 : identifiant Decidim 203 en double dans le fichier"
    assert lines[2].startswith("comments ligne 6 : la proposition Decidim 999")
    assert contributions_of(db, consultation) == []


def test_old_column_set_is_read_with_its_refusals(runner, db, consultation):
    result = run(runner, "import", OLD, "--meeting", consultation.id, "--dry-run")
    lines = result.output.splitlines()
    assert lines[0] == "decidim proposals 5 comments 0 refused 2"
    assert lines[1].startswith("proposals ligne 5 : Votre contribution est trop courte")
    assert "retirée" in lines[2]
    assert "ligne 6" in lines[2]


def test_refused_lines_import_nothing(runner, db, consultation, count):
    result = run(runner, "import", CURRENT, "--comments", COMMENTS, "--meeting", consultation.id)
    assert result.exit_code != 0
    assert "Rien n'a été importé" in result.output
    assert contributions_of(db, consultation) == []
    assert count(DecidimImport) == 0


def test_import_keeps_every_row_once_masks_names_links_comments(runner, db, tmp_path, consultation):
    proposals = valid_copy(tmp_path, CURRENT, set())
    comments = valid_copy(tmp_path, COMMENTS, {"505"})
    result = run(runner, "import", proposals, "--comments", comments, "--meeting", consultation.id)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "decidim proposals 3 comments 4 refused 0"
    created = contributions_of(db, consultation)
    assert len(created) == 7
    for contribution in created:
        assert contribution.pseudonym == ""
        assert contribution.channel == "import"
        assert not any(name in contribution.body for name in AUTHORS)
    records = {r.decidim_id: r for r in db.session.scalars(sa.select(DecidimRecord))}
    assert records[502].proposal_id == records[201].contribution_id  # a reply, to its root
    assert records[503].proposal_id == records[202].contribution_id
    assert records[504].proposal_id is None  # a debate's comment: kept, unlinked
    by_id = {c.id: c for c in created}
    assert by_id[records[201].contribution_id].support_count == 22
    assert "[nom masqué]" in by_id[records[502].contribution_id].body


def test_categories_and_scopes_become_theme_suggestions(runner, db, tmp_path, consultation):
    proposals = valid_copy(tmp_path, OLD, {"104", "105"})
    result = run(runner, "import", proposals, "--meeting", consultation.id)
    assert result.exit_code == 0, result.output
    record = db.session.scalar(sa.select(DecidimRecord).where(DecidimRecord.decidim_id == 101))
    assert record.labels == ["L'enfance handicapée", "Tarentaise"]
    suggested = db.session.scalars(
        sa.select(Theme.title)
        .join(TagSuggestion, TagSuggestion.theme_id == Theme.id)
        .where(TagSuggestion.contribution_id == record.contribution_id)
    ).all()
    assert suggested == ["L'enfance handicapée"]


def test_import_never_runs_twice(runner, db, tmp_path, consultation, count):
    proposals = valid_copy(tmp_path, CURRENT, set())
    first = run(runner, "import", proposals, "--meeting", consultation.id)
    assert first.exit_code == 0, first.output
    again = run(runner, "import", proposals, "--meeting", consultation.id)
    assert again.exit_code != 0
    assert again.output.strip() == (
        "Error: Ces fichiers ont déjà été importés dans cette rencontre : rien à faire."
    )
    assert len(contributions_of(db, consultation)) == 3
    assert count(DecidimImport) == 1


def test_import_refused_outside_an_online_consultation(runner, db, make_meeting):
    meeting = make_meeting(kind="concertation_territoriale")
    result = run(runner, "import", CURRENT, "--meeting", meeting.id, "--dry-run")
    assert result.exit_code != 0
    assert "consultation en ligne" in result.output


def test_same_rows_in_another_file_are_refused_line_by_line(runner, db, tmp_path, consultation):
    proposals = valid_copy(tmp_path, CURRENT, set())
    assert run(runner, "import", proposals, "--meeting", consultation.id).exit_code == 0
    with open(proposals, encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    subset = tmp_path / "subset.csv"
    subset.write_text("\n".join(lines[:2]) + "\n", encoding="utf-8")
    again = run(runner, "import", subset, "--meeting", consultation.id, "--dry-run")
    assert again.output.splitlines() == [
        "decidim proposals 1 comments 0 refused 1",
        "proposals ligne 2 : identifiant Decidim 201 déjà importé dans cette rencontre",
    ]


def test_export_then_import_round_trips(runner, db, tmp_path, consultation, make_meeting):
    proposals = valid_copy(tmp_path, CURRENT, set())
    comments = valid_copy(tmp_path, COMMENTS, {"505"})
    run(runner, "import", proposals, "--comments", comments, "--meeting", consultation.id)
    out = tmp_path / "out"
    result = run(runner, "export", "--meeting", consultation.id, out)
    assert result.exit_code == 0, result.output
    # Proposal 202 gives a phone number: it waits for a moderator (issue 12 #2), so it
    # is not exported and the comment on it goes out as a proposal of its own.
    assert result.output.strip() == "decidim proposals 4 comments 2"
    header = (out / "proposals.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("id;author/id;author/name;taxonomies/id;taxonomies/name")
    assert not any(name in (out / "comments.csv").read_text() for name in AUTHORS)
    target = make_meeting(kind="consultation_en_ligne", scheme=consultation.scheme)
    again = run(
        runner,
        "import",
        out / "proposals.csv",
        "--comments",
        out / "comments.csv",
        "--meeting",
        target.id,
    )
    assert again.output.splitlines()[0] == "decidim proposals 4 comments 2 refused 0"
    assert len(contributions_of(db, target)) == 6
