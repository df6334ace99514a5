"""Pilots update progress, milestones, indicator definitions and yearly measurements."""

from datetime import date

import pytest
import sqlalchemy as sa

from consult.followup.models import Measurement, Milestone
from consult.followup.services import MeasureError, fiche_progress, parse_number


@pytest.fixture
def pilot(savoie, login):
    login(savoie.people.pilot)
    return savoie.people.pilot


def progress_data(fiche, **overrides):
    data = {"avancement-progress_status": "en_cours"}
    for n, action in enumerate(fiche.actions):
        data[f"avancement-progress_{action.id}"] = str(10 * n)
        data[f"avancement-status_{action.id}"] = "en_cours"
    data.update(overrides)
    return data


def test_progress_is_saved_and_shown(client, savoie, pilot, db):
    fiche = savoie.fiche
    first = fiche.actions[0]
    data = progress_data(
        fiche,
        **{
            f"avancement-progress_{first.id}": "80",
            f"avancement-status_{first.id}": "realisee",
            f"avancement-starts_{first.id}": "2025-01-15",
            f"avancement-ends_{first.id}": "31/12/2026",
        },
    )
    response = client.post(f"/suivi-du-schema/fiches/{fiche.id}/avancement", data=data)
    assert response.status_code == 303
    db.session.expire_all()
    assert fiche.progress_status == "en_cours"
    assert (first.progress, first.status) == (80, "realisee")
    assert (first.starts_on, first.ends_on) == (date(2025, 1, 15), date(2026, 12, 31))
    expected = fiche_progress(fiche)
    assert expected == round(sum(a.progress for a in fiche.top_actions) / len(fiche.top_actions))
    page = client.get(f"/suivi-du-schema/fiches/{fiche.id}").text
    assert "Réalisée" in page
    assert "15/01/2025" in page
    board = client.get(f"/suivi-du-schema/{savoie.scheme.slug}/").text
    assert f'value="{expected}"' in board


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("progress", "150", "L&#39;avancement va de 0 à 100 %."),
        ("progress", "-1", "L&#39;avancement va de 0 à 100 %."),
        ("progress", "beaucoup", "Un nombre entier en chiffres"),
        ("progress", "", "Indiquez l&#39;avancement"),
        ("ends", "2024-01-01", "La fin ne peut pas précéder le début."),
        ("starts", "31/02/2025", "Une date au format jj/mm/aaaa"),
        ("status", "fini", "Not a valid choice"),
    ],
)
def test_progress_validation(client, savoie, pilot, db, field, value, message):
    fiche = savoie.fiche
    first = fiche.actions[0]
    data = progress_data(
        fiche,
        **{f"avancement-starts_{first.id}": "2025-06-01", f"avancement-{field}_{first.id}": value},
    )
    response = client.post(f"/suivi-du-schema/fiches/{fiche.id}/avancement", data=data)
    assert response.status_code == 422
    if message != "Not a valid choice":
        assert message in response.text
    assert "Le formulaire contient" in response.text
    db.session.expire_all()
    assert all(action.progress == 0 for action in fiche.actions)
    assert fiche.progress_status == "a_venir"


def test_milestone_added_once_then_done_then_deleted(client, savoie, pilot, db, count):
    action = savoie.fiche.actions[0]
    url = f"/suivi-du-schema/actions/{action.id}/jalons"
    data = {
        f"jalon-{action.id}-label": "Comité <b>de suivi</b>",
        f"jalon-{action.id}-due_on": "2026-03-01",
    }
    assert client.post(url, data=data).status_code == 303
    assert client.post(url, data=data).status_code == 303  # double post
    assert count(Milestone) == 1
    milestone = db.session.scalar(sa.select(Milestone))
    assert milestone.label == "Comité de suivi"
    response = client.post(
        f"/suivi-du-schema/jalons/{milestone.id}",
        data={
            f"jalon-maj-{milestone.id}-operation": "done",
            f"jalon-maj-{milestone.id}-done_on": "2026-02-20",
        },
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert milestone.done_on == date(2026, 2, 20)
    assert "atteint le 20/02/2026" in client.get(f"/suivi-du-schema/fiches/{savoie.fiche.id}").text
    response = client.post(
        f"/suivi-du-schema/jalons/{milestone.id}",
        data={f"jalon-maj-{milestone.id}-operation": "delete"},
    )
    assert response.status_code == 303
    assert count(Milestone) == 0


def test_a_sub_action_has_its_own_milestones(client, savoie, pilot, db):
    from consult.schemes.models import Action

    top = savoie.fiche.top_actions[0]
    sub = Action(fiche=savoie.fiche, parent=top, title="Former les agents d'accueil", position=9)
    db.session.add(sub)
    db.session.commit()
    page = client.get(f"/suivi-du-schema/fiches/{savoie.fiche.id}").text
    assert f'action="/suivi-du-schema/actions/{sub.id}/jalons"' in page
    data = {f"jalon-{sub.id}-label": "Première session", f"jalon-{sub.id}-due_on": "2023-05-04"}
    response = client.post(f"/suivi-du-schema/actions/{sub.id}/jalons", data=data)
    assert response.headers["Location"].endswith(f"#action-{sub.id}")
    page = client.get(f"/suivi-du-schema/fiches/{savoie.fiche.id}").text
    assert "Sous-action : Former les agents d&#39;accueil" in page
    assert "Première session" in page
    assert [m.label for m in sub.milestones] == ["Première session"]


def test_milestone_needs_a_label(client, savoie, pilot, count):
    action = savoie.fiche.actions[0]
    response = client.post(
        f"/suivi-du-schema/actions/{action.id}/jalons", data={f"jalon-{action.id}-label": ""}
    )
    assert response.status_code == 422
    assert "Ce champ est obligatoire." in response.text
    assert count(Milestone) == 0


def test_milestone_of_another_fiche_is_refused(client, savoie, pilot, db, count):
    other_action = savoie.scheme.fiches[1].actions[0]
    response = client.post(
        f"/suivi-du-schema/actions/{other_action.id}/jalons",
        data={f"jalon-{other_action.id}-label": "Jalon"},
    )
    assert response.status_code == 403
    assert count(Milestone) == 0


def measure(client, indicator, **fields):
    data = {f"mesure-{indicator.id}-{name}": value for name, value in fields.items()}
    return client.post(f"/suivi-du-schema/indicateurs/{indicator.id}/mesures", data=data)


def test_measurement_upsert_and_french_decimals(client, savoie, pilot, db, count):
    indicator = savoie.fiche.indicators[0]
    assert measure(client, indicator, year="2025", value="1 200,5", source="CAF").status_code == 303
    assert measure(client, indicator, year="2025", value="1 200,5", source="CAF").status_code == 303
    assert count(Measurement, Measurement.indicator_id == indicator.id) == 1
    assert measure(client, indicator, year="2025", value="12.5").status_code == 303
    rows = db.session.scalars(sa.select(Measurement)).all()
    assert [(m.year, m.value, m.territory_id) for m in rows] == [(2025, 12.5, None)]
    assert rows[0].entered_by_id == pilot.id
    page = client.get(f"/suivi-du-schema/fiches/{savoie.fiche.id}").text
    assert "12,5" in page


def test_a_measurement_typed_by_mistake_is_deleted_by_a_pilot_only(
    client, savoie, pilot, login, db, count
):
    indicator = savoie.fiche.indicators[0]
    measure(client, indicator, year="2024", value="7")
    measure(client, indicator, year="2025", value="9")
    wrong = db.session.scalar(sa.select(Measurement).where(Measurement.year == 2024))
    login(savoie.people.member)  # a plain member of the fiche's group
    assert client.post(f"/suivi-du-schema/mesures/{wrong.id}/supprimer").status_code == 403
    login(pilot)
    page = client.get(f"/suivi-du-schema/fiches/{savoie.fiche.id}").text
    assert f"/suivi-du-schema/mesures/{wrong.id}/supprimer" in page
    response = client.post(f"/suivi-du-schema/mesures/{wrong.id}/supprimer")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"#indicateur-{indicator.id}")
    assert [m.year for m in db.session.scalars(sa.select(Measurement))] == [2025]
    assert client.post(f"/suivi-du-schema/mesures/{wrong.id}/supprimer").status_code == 404


def test_measurement_per_territory_is_separate(client, savoie, pilot, make_territory, db, count):
    territory = make_territory(name="Maurienne")
    db.session.commit()
    indicator = savoie.fiche.indicators[0]
    measure(client, indicator, year="2025", value="10")
    measure(client, indicator, year="2025", value="4", territory_id=str(territory.id))
    measure(client, indicator, year="2025", value="5", territory_id=str(territory.id))
    values = sorted(
        (m.territory_id or 0, m.value) for m in db.session.scalars(sa.select(Measurement))
    )
    assert values == [(0, 10.0), (territory.id, 5.0)]
    assert "Maurienne" in client.get(f"/suivi-du-schema/fiches/{savoie.fiche.id}").text


def test_territories_are_charted_side_by_side(client, savoie, pilot, make_territory, db):
    north, south = make_territory(name="Tarentaise"), make_territory(name="Maurienne")
    db.session.commit()
    indicator = savoie.fiche.indicators[0]
    page_url = f"/suivi-du-schema/fiches/{savoie.fiche.id}"
    measure(client, indicator, year="2023", value="4", territory_id=str(north.id))
    assert "par territoire" not in client.get(page_url).text  # one territory: nothing to compare
    measure(client, indicator, year="2023", value="7,5", territory_id=str(south.id))
    measure(client, indicator, year="2022", value="3", territory_id=str(south.id))
    page = client.get(page_url).text
    assert "2023, par territoire. Maurienne : 7,5 ; Tarentaise : 4." in page  # read aloud
    assert "2022, par territoire" not in page  # the latest year compared


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"year": "2025", "value": "douze"}, "n&#39;est pas un nombre"),
        ({"year": "2025", "value": ""}, "Indiquez la valeur mesurée"),
        ({"year": "1850", "value": "3"}, "Une année entre 1900 et 2200"),
        ({"year": "", "value": "3"}, "Indiquez l&#39;année de la mesure."),
        ({"year": "2025", "value": "3", "territory_id": "99999"}, "Territoire"),
    ],
)
def test_bad_measurement_is_refused(client, savoie, pilot, count, fields, message):
    response = measure(client, savoie.fiche.indicators[0], **fields)
    assert response.status_code == 422
    assert message in response.text
    assert count(Measurement) == 0


def test_qualitative_measurement_keeps_text(client, savoie, pilot, db):
    indicator = savoie.fiche.indicators[1]
    indicator.kind = "qualitatif"
    db.session.commit()
    response = measure(client, indicator, year="2026", text_value="")
    assert response.status_code == 422
    assert "Décrivez le constat" in response.text
    response = measure(
        client,
        indicator,
        year="2026",
        text_value="Plateformes <script>alert(1)</script>ouvertes en Maurienne",
    )
    assert response.status_code == 303
    stored = db.session.scalar(sa.select(Measurement))
    assert stored.value is None
    assert stored.text_value == "Plateformes alert(1)ouvertes en Maurienne"
    page = client.get(f"/suivi-du-schema/fiches/{savoie.fiche.id}").text
    assert "Plateformes alert(1)ouvertes en Maurienne" in page
    assert "<script>alert" not in page
    assert "Indicateur qualitatif : pas de graphique" in page


def test_indicator_definition(client, savoie, pilot, db):
    indicator = savoie.fiche.indicators[0]
    prefix = f"indicateur-{indicator.id}-"
    response = client.post(
        f"/suivi-du-schema/indicateurs/{indicator.id}",
        data={
            prefix + "kind": "taux",
            prefix + "unit": "%",
            prefix + "baseline": "12,5",
            prefix + "baseline_year": "2024",
            prefix + "target": "30",
            prefix + "target_year": "2029",
        },
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert (indicator.kind, indicator.unit, indicator.baseline, indicator.baseline_year) == (
        "taux",
        "%",
        12.5,
        2024,
    )
    assert (indicator.target, indicator.target_year) == (30.0, 2029)
    response = client.post(
        f"/suivi-du-schema/indicateurs/{indicator.id}",
        data={prefix + "kind": "taux", prefix + "baseline": "beaucoup"},
    )
    assert response.status_code == 422
    assert "n&#39;est pas un nombre" in response.text
    db.session.expire_all()
    assert indicator.baseline == 12.5


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12,5", 12.5),
        ("1 200", 1200.0),
        ("1\u202f200,75", 1200.75),
        ("1.200,5", 1200.5),
        ("12.5", 12.5),
        ("40 %", 40.0),
        ("-3", -3.0),
        ("'-3", -3.0),
        ("", None),
    ],
)
def test_parse_number(raw, expected):
    assert parse_number(raw) == expected


@pytest.mark.parametrize("raw", ["douze", "1,2,3", "nan", "inf", "1e400", "=1+1"])
def test_parse_number_refuses(raw):
    with pytest.raises(MeasureError):
        parse_number(raw)
