"""Open-data files: valid against their own schema, public rows only, small cells blank."""

import csv
import json
from datetime import date

import pytest
import sqlalchemy as sa

from consult.core.db import utcnow
from consult.deliberations.models import Deliberation
from consult.followup.models import Measurement
from consult.moderation import services as moderation
from consult.opendata import files, services
from consult.schemes.models import Fiche, Indicator
from consult.synthesis.document import Document
from consult.synthesis.models import IdeaCuration
from consult.tagging.models import ContributionTag
from consult.workgroups.models import Decision

PHONE_TEXT = "Rappelez-moi au 06 12 34 56 78 pour les horaires du relais"


@pytest.fixture
def instance(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "INSTANCE_DIR", tmp_path)
    return tmp_path


@pytest.fixture
def world(db, make_scheme, make_meeting, make_contribution, make_working_group, make_user):
    scheme = make_scheme()
    public = make_meeting(
        scheme=scheme,
        attendance_by_type={"usagers": 12, "elus": 2},
        title="Rencontre d'Albertville",
    )
    draft = make_meeting(scheme=scheme, status="draft")
    group = make_working_group(scheme=scheme)
    private = make_meeting(scheme=scheme, kind="groupe_de_travail", working_group_id=group.id)
    shown = [make_contribution(meeting=public, body=f"Avis public {n}") for n in range(5)]
    elected = make_contribution(meeting=public, body="Avis d'élu", author_type="elu")
    phone = make_contribution(meeting=public, body=PHONE_TEXT)
    make_contribution(meeting=public, body="Avis en attente", status="pending")
    make_contribution(meeting=draft, body="Avis d'une rencontre en préparation")
    make_contribution(meeting=private, body="Avis du groupe de travail")
    adopted = Fiche(
        scheme_id=scheme.id, number="A1", title="Relais petite enfance", status="adoptee"
    )
    hidden = Fiche(scheme_id=scheme.id, number="Z9", title="Brouillon secret", status="brouillon")
    db.session.add_all([adopted, hidden])
    db.session.flush()
    db.session.add_all(
        [
            Deliberation(
                fiche_id=adopted.id,
                identifier="CD-2026-042",
                voted_on=date(2026, 11, 20),
                url="https://example.fr/CD-2026-042.pdf",
            ),
            Decision(contribution_id=shown[0].id, outcome="retenue", fiche_id=adopted.id),
            Decision(
                contribution_id=shown[1].id,
                outcome="non_retenue",
                reason="Hors budget",
                fiche_id=hidden.id,
            ),
        ]
    )
    db.session.commit()
    return {
        "scheme": scheme,
        "shown": shown,
        "elected": elected,
        "phone": phone,
        "admin": make_user(role="admin"),
    }


@pytest.fixture
def followed(db, world, make_meeting, make_synthesis_version):
    """The world, plus a published synthesis, a shared one, and indicators with measurements."""
    scheme = world["scheme"]
    published = make_synthesis_version(meeting=make_meeting(scheme=scheme), status="published")
    shared = make_synthesis_version(meeting=make_meeting(scheme=scheme), status="shared")
    fiches = {f.number: f for f in scheme.fiches}
    counted = Indicator(
        fiche_id=fiches["A1"].id, label="Places ouvertes", unit="places", baseline=40, target=60
    )
    secret = Indicator(fiche_id=fiches["Z9"].id, label="Indicateur d'une fiche en brouillon")
    db.session.add_all([counted, secret])
    db.session.flush()
    db.session.add_all(
        [
            Measurement(indicator_id=counted.id, year=2025, value=48.5, source="CAF"),
            Measurement(indicator_id=secret.id, year=2025, value=7),
        ]
    )
    db.session.commit()
    return {**world, "published": published, "shared": shared, "indicator": counted}


def build(runner, scheme):
    result = runner.invoke(args=["opendata", "build", "--scheme", scheme.slug])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def read(instance, scheme, dataset):
    folder = instance / "opendata" / scheme.slug
    with (folder / f"{dataset}.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    schema = json.loads((folder / f"{dataset}.schema.json").read_text(encoding="utf-8"))
    as_json = json.loads((folder / f"{dataset}.json").read_text(encoding="utf-8"))
    return rows, schema, as_json, list(rows[0]) if rows else []


def check_against_schema(rows, schema, header):
    """A small Table Schema validator: names, types, enums, primary key unique."""
    fields = {field["name"]: field for field in schema["fields"]}
    assert header == [field["name"] for field in schema["fields"]]
    assert all(field["description"] for field in schema["fields"])
    keys = [row[schema["primaryKey"]] for row in rows]
    assert len(keys) == len(set(keys))
    for row in rows:
        for name, value in row.items():
            if value in schema["missingValues"]:
                continue
            kind = fields[name]["type"]
            if kind == "integer":
                int(value)
            elif kind == "number":
                float(value)
            elif kind == "date":
                date.fromisoformat(value)
            enum = fields[name].get("constraints", {}).get("enum")
            if enum:
                assert value in enum, (name, value)


def test_every_file_validates_against_its_own_schema(runner, instance, world):
    output = build(runner, world["scheme"])
    public = [f for f in world["scheme"].fiches if f.status in ("validee", "adoptee")]
    indicators = sum(len(f.indicators) for f in public)
    assert output == (
        f"opendata {world['scheme'].slug} contributions 7 rencontres 1 fiches {len(public)} "
        f"decisions 2 idees 0 indicateurs {indicators} mesures 0"
    )


def test_every_file_of_a_followed_scheme_validates_against_its_schema(runner, instance, followed):
    build(runner, followed["scheme"])
    for dataset in services.DATASETS:
        rows, schema, as_json, header = read(instance, followed["scheme"], dataset.name)
        assert rows, dataset.name
        check_against_schema(rows, schema, header)
        assert len(as_json) == len(rows)


def test_only_public_masked_rows_and_no_small_cells(runner, instance, world):
    build(runner, world["scheme"])
    rows, *_ = read(instance, world["scheme"], "contributions")
    texts = {row["texte"] for row in rows}
    assert "Avis public 0" in texts
    assert not {"Avis en attente", "Avis du groupe de travail"} & texts
    assert "Avis d'une rencontre en préparation" not in texts
    assert PHONE_TEXT not in texts
    assert any("[téléphone masqué]" in text for text in texts)
    profiles = {row["id"]: row["profil"] for row in rows}
    assert profiles[str(world["elected"].id)] == ""  # one elected member: not published
    assert profiles[str(world["shown"][0].id)] == "usager"
    meetings, *_ = read(instance, world["scheme"], "rencontres")
    albertville = next(row for row in meetings if row["titre"] == "Rencontre d'Albertville")
    assert albertville["participants"] == "14"
    assert albertville["participants_usagers"] == "12"
    assert albertville["participants_elus"] == ""  # 2 people: below the threshold


def test_a_draft_fiche_tag_never_shows_in_the_contributions_file(runner, instance, world, db):
    draft = db.session.scalars(sa.select(Fiche).where(Fiche.number == "Z9")).one()
    adopted = db.session.scalars(sa.select(Fiche).where(Fiche.number == "A1")).one()
    db.session.add_all(
        [
            ContributionTag(contribution_id=world["shown"][2].id, fiche_id=draft.id),
            ContributionTag(contribution_id=world["shown"][3].id, fiche_id=adopted.id),
        ]
    )
    db.session.commit()
    build(runner, world["scheme"])
    rows, _, as_json, _ = read(instance, world["scheme"], "contributions")
    assert "Z9" not in json.dumps(as_json) + json.dumps(rows)
    assert "A1" in json.dumps(as_json)  # a public fiche's tag stays


def test_fiches_carry_their_deliberation_and_decisions_their_reason(runner, instance, world):
    build(runner, world["scheme"])
    fiches, *_ = read(instance, world["scheme"], "fiches")
    by_number = {row["numero"]: row for row in fiches}
    assert "Z9" not in by_number  # a draft fiche is not public
    assert by_number["A1"]["deliberation_id"] == "CD-2026-042"
    assert by_number["A1"]["deliberation_date"] == "2026-11-20"
    decisions, *_ = read(instance, world["scheme"], "decisions")
    by_outcome = {row["suite"]: row for row in decisions}
    assert by_outcome["retenue"]["fiche"] == "A1"
    assert by_outcome["non_retenue"]["motif"] == "Hors budget"
    assert by_outcome["non_retenue"]["fiche"] == ""  # a draft fiche's number stays private


def test_rejecting_a_contribution_rebuilds_the_files_without_it(
    app, db, runner, instance, world, jobs, monkeypatch
):
    build(runner, world["scheme"])
    monkeypatch.setitem(app.config, "OPENDATA_AUTO", True)
    target = world["shown"][3]
    moderation.reject(target, actor=world["admin"], reason="hors_sujet", now=utcnow())
    db.session.commit()
    assert [call.path for call in jobs.calls] == ["consult.opendata.jobs.build_open_data"]
    jobs.run_all()
    rows, *_ = read(instance, world["scheme"], "contributions")
    assert str(target.id) not in {row["id"] for row in rows}
    assert len(rows) == 6


def test_pending_contribution_triggers_no_rebuild(
    app, db, world, jobs, monkeypatch, make_contribution
):
    monkeypatch.setitem(app.config, "OPENDATA_AUTO", True)
    make_contribution(meeting=world["shown"][0].meeting, body="Encore en attente", status="pending")
    db.session.commit()
    assert jobs.calls == []


def test_a_decision_added_through_its_relationship_triggers_one_rebuild(
    app, db, world, jobs, monkeypatch
):
    monkeypatch.setitem(app.config, "OPENDATA_AUTO", True)
    db.session.add(Decision(contribution=world["shown"][2], outcome="retenue"))
    db.session.add(Decision(contribution=world["shown"][3], outcome="hors_champ", reason="Non"))
    db.session.commit()
    assert [call.args for call in jobs.calls] == [(world["scheme"].id,)]


def test_ideas_of_the_published_version_only_linked_from_their_contributions(
    runner, instance, followed
):
    build(runner, followed["scheme"])
    ideas, *_ = read(instance, followed["scheme"], "idees")
    assert {row["synthese_id"] for row in ideas} == {str(followed["published"].synthesis_id)}
    assert all(row["id"].startswith(f"S{followed['published'].synthesis_id}-V1-") for row in ideas)
    contributions, *_ = read(instance, followed["scheme"], "contributions")
    linked = {key for row in contributions for key in row["idees"].split("; ") if key}
    assert linked == {row["id"] for row in ideas}
    for idea in ideas:
        assert 0 < float(idea["part"]) <= 1
        supporters = [row for row in contributions if idea["id"] in row["idees"].split("; ")]
        assert len(supporters) == int(idea["contributions"])


def test_the_teams_title_is_what_the_ideas_file_says(runner, instance, followed, db):
    version = followed["shared"]  # curated while shared with the group, then published
    first = next(i for s in Document.from_dict(version.document).sections for i in s.ideas)
    db.session.add(
        IdeaCuration(
            synthesis_id=version.synthesis_id,
            action="rename",
            idea_ids=first.ids,
            title="Des places de crèche aux horaires des parents",
            created_at=utcnow(),
        )
    )
    version.status, version.status_changed_at = "published", utcnow()
    db.session.commit()
    build(runner, followed["scheme"])
    ideas, *_ = read(instance, followed["scheme"], "idees")
    titles = {row["idee"] for row in ideas if row["synthese_id"] == str(version.synthesis_id)}
    assert "Des places de crèche aux horaires des parents" in titles
    assert first.label not in titles


def test_indicators_and_measurements_of_public_fiches_only(runner, instance, followed):
    build(runner, followed["scheme"])
    indicators, *_ = read(instance, followed["scheme"], "indicateurs")
    by_label = {row["libelle"]: row for row in indicators}
    assert "Indicateur d'une fiche en brouillon" not in by_label
    assert {row["fiche_numero"] for row in indicators} & {"Z9"} == set()
    counted = by_label["Places ouvertes"]
    assert (counted["fiche_numero"], counted["unite"]) == ("A1", "places")
    assert (counted["valeur_initiale"], counted["cible"]) == ("40.0", "60.0")
    measures, *_ = read(instance, followed["scheme"], "mesures")
    assert [(row["annee"], row["valeur"], row["source"]) for row in measures] == [
        ("2025", "48.5", "CAF")
    ]


def test_publishing_a_version_and_measuring_rebuild_the_files(
    app, db, world, jobs, monkeypatch, make_meeting, make_synthesis_version
):
    version = make_synthesis_version(meeting=make_meeting(scheme=world["scheme"]))
    db.session.commit()
    monkeypatch.setitem(app.config, "OPENDATA_AUTO", True)
    version.status = "published"
    db.session.commit()
    adopted = next(f for f in world["scheme"].fiches if f.number == "A1")
    indicator = Indicator(fiche_id=adopted.id, label="Familles accueillies")
    db.session.add(indicator)
    db.session.commit()
    db.session.add(Measurement(indicator_id=indicator.id, year=2026, value=3))
    db.session.commit()
    assert [call.args for call in jobs.calls] == [(world["scheme"].id,)] * 3


def test_a_burst_of_publications_costs_one_rebuild(app, db, world, jobs, monkeypatch):
    monkeypatch.setitem(app.config, "OPENDATA_AUTO", True)
    for target in world["shown"][2:4]:
        moderation.reject(target, actor=world["admin"], reason="hors_sujet", now=utcnow())
        db.session.commit()
    built = []
    monkeypatch.setattr(files, "write_all", lambda scheme, now: built.append(scheme.id) or {})

    assert len(jobs.calls) == 2
    assert jobs.run_all() == [True, True]
    assert built == [world["scheme"].id]  # the first left to the second, which reads both
