"""The OpenAPI description: valid 3.1, every /api route described, every path served."""

import re

import schemathesis

from consult.api.openapi import spec
from consult.opendata.services import DATASETS


def api_routes(app) -> set[tuple[str, str]]:
    """(OpenAPI path, method) of every /api route of the app."""
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api"):
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            found.add((path, method.lower()))
    return found


def described(document) -> set[tuple[str, str]]:
    return {(path, method) for path, item in document["paths"].items() for method in item}


def test_every_api_route_is_described_and_every_path_exists(app):
    assert api_routes(app)  # the API is registered
    assert api_routes(app) == described(spec())


def test_served_description_is_valid_openapi_31(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"] == "3.1.0"
    operations = list(schemathesis.openapi.from_dict(document).get_all_operations())
    assert len(operations) == len(described(document))
    assert all(operation.ok() for operation in operations)


def test_item_schemas_list_every_open_data_column():
    schemas = spec()["components"]["schemas"]
    for name, dataset in (
        ("Contribution", "contributions"),
        ("Rencontre", "rencontres"),
        ("Idee", "idees"),
        ("Indicateur", "indicateurs"),
        ("Mesure", "mesures"),
    ):
        columns = next(d.columns for d in DATASETS if d.name == dataset)
        assert {c.name for c in columns} <= set(schemas[name]["properties"])
