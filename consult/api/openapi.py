"""The OpenAPI 3.1 description of /api, written by hand; item schemas follow the open data."""

from consult.contributions.models import AUTHOR_TYPES, KINDS
from consult.opendata.services import DATASETS, SMALL_CELL

ERROR = {"$ref": "#/components/responses/Erreur"}
NOT_FOUND = {"$ref": "#/components/responses/Introuvable"}


def _param(name: str, description: str, schema: dict, where: str = "query") -> dict:
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "description": description,
        "schema": schema,
    }


ID = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
DAY = {"type": "string", "format": "date"}
PARAMS = {
    "page": _param("page", "Numéro de page (1 par défaut).", {**ID, "maximum": 100_000}),
    "per_page": _param(
        "per_page",
        "Éléments par page (20 par défaut, 100 au plus).",
        {"type": "integer", "minimum": 1, "maximum": 100},
    ),
    "scheme": _param(
        "scheme",
        "Identifiant court (slug) du schéma.",
        {"type": "string", "minLength": 1, "maxLength": 120},
    ),
    "meeting": _param("meeting", "Numéro de rencontre.", ID),
    "theme": _param("theme", "Numéro de thématique.", ID),
    "fiche": _param("fiche", "Numéro (identifiant) de fiche action publique.", ID),
    "date_from": _param("date_from", "Date de début incluse (AAAA-MM-JJ).", DAY),
    "date_to": _param("date_to", "Date de fin incluse (AAAA-MM-JJ).", DAY),
}
LISTS = {
    "schemes": ("Schema", "Les schémas des solidarités.", ()),
    "meetings": (
        "Rencontre",
        "Les rencontres publiques (ni brouillon ni groupe de travail).",
        ("scheme", "date_from", "date_to"),
    ),
    "contributions": (
        "Contribution",
        "Les contributions publiées, texte masqué, sans nom.",
        ("scheme", "meeting", "theme", "fiche", "date_from", "date_to"),
    ),
    "fiches": ("Fiche", "Les fiches actions validées ou adoptées.", ("scheme",)),
    "decisions": (
        "Decision",
        "Les suites données aux contributions publiées.",
        ("scheme", "meeting", "fiche", "date_from", "date_to"),
    ),
    "ideas": (
        "Idee",
        "Les idées de la dernière version publiée de chaque synthèse, telles que relues.",
        ("scheme", "date_from", "date_to"),
    ),
    "indicators": (
        "Indicateur",
        "Les indicateurs des fiches validées ou adoptées.",
        ("scheme", "fiche"),
    ),
    "measurements": ("Mesure", "Les mesures de ces indicateurs.", ("scheme",)),
}
DATASET_SCHEMAS = {
    "Contribution": "contributions",
    "Rencontre": "rencontres",
    "Fiche": "fiches",
    "Decision": "decisions",
    "Idee": "idees",
    "Indicateur": "indicateurs",
    "Mesure": "mesures",
}


def _column(column) -> dict:
    """A Table Schema column as JSON Schema; a small cell (or unknown) is an empty string."""
    if column.type in ("integer", "number"):
        blank = column.optional or "secret statistique" in column.description
        kind = {"type": [column.type, "string"]} if blank else {"type": column.type}
    else:
        kind = {"type": "string"}
    return {**kind, "title": column.title, "description": column.description}


def _dataset_schema(name: str) -> dict:
    dataset = next(d for d in DATASETS if d.name == name)
    properties = {"schema": {"type": "string", "description": "Slug du schéma."}}
    properties.update({c.name: _column(c) for c in dataset.columns})
    return {
        "type": "object",
        "description": dataset.description,
        "required": list(properties),
        "properties": properties,
    }


def _list(resource: str) -> dict:
    item, summary, filters = LISTS[resource]
    return {
        "get": {
            "operationId": f"list_{resource}",
            "summary": summary,
            "parameters": [PARAMS["page"], PARAMS["per_page"], *(PARAMS[f] for f in filters)],
            "responses": {
                "200": {
                    "description": "Une page de résultats.",
                    "content": {"application/json": {"schema": _page_schema(item)}},
                },
                "400": ERROR,
            },
        }
    }


def _page_schema(item: str) -> dict:
    return {
        "type": "object",
        "required": ["items", "page", "per_page", "total", "next"],
        "properties": {
            "items": {"type": "array", "items": {"$ref": f"#/components/schemas/{item}"}},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "total": {"type": "integer"},
            "next": {"type": ["string", "null"], "description": "Page suivante, ou null."},
        },
    }


SCHEME = {
    "type": "object",
    "required": ["id", "slug", "departement", "titre", "periode"],
    "properties": {
        "id": {"type": "integer"},
        "slug": {"type": "string"},
        "departement": {"type": "string"},
        "titre": {"type": "string"},
        "periode": {"type": "string"},
    },
}
NEW_CONTRIBUTION = {
    "type": "object",
    "required": ["texte"],
    "additionalProperties": False,
    "properties": {
        "texte": {"type": "string", "maxLength": 20000, "description": "Texte (modéré)."},
        "type": {"type": "string", "enum": list(KINDS), "default": "proposition"},
        "profil": {"type": "string", "enum": list(AUTHOR_TYPES), "default": "partenaire"},
        "signature": {"type": "string", "maxLength": 200},
    },
}
RECEIPT = {
    "type": "object",
    "required": ["id", "rencontre_id", "statut", "code_suivi", "cree"],
    "properties": {
        "id": {"type": "integer"},
        "rencontre_id": {"type": "integer"},
        "statut": {"type": "string", "description": "published, ou pending (à modérer)."},
        "code_suivi": {"type": "string"},
        "cree": {"type": "boolean", "description": "false : même Idempotency-Key déjà reçue."},
    },
}
ERROR_SCHEMA = {
    "type": "object",
    "required": ["erreur", "statut"],
    "properties": {"erreur": {"type": "string"}, "statut": {"type": "integer"}},
}


def _error_response(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Erreur"}}},
    }


def _write() -> dict:
    receipt = {"application/json": {"schema": {"$ref": "#/components/schemas/Recu"}}}
    return {
        "post": {
            "operationId": "create_contribution",
            "summary": "Déposer une contribution (partenaire, jeton « contributions:write »).",
            "security": [{"jeton": ["contributions:write"]}],
            "parameters": [
                PARAMS["meeting"] | {"name": "meeting_id", "in": "path", "required": True},
                _param(
                    "Idempotency-Key",
                    "Une clé par contribution : la renvoyer ne crée rien de plus.",
                    {"type": "string", "minLength": 1, "maxLength": 200},
                    "header",
                ),
            ],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {"$ref": "#/components/schemas/NouvelleContribution"}
                    }
                },
            },
            "responses": {
                "201": {"description": "Contribution créée.", "content": receipt},
                "200": {"description": "Déjà reçue (même clé).", "content": receipt},
                "400": ERROR,
                "401": _error_response("Jeton manquant, inconnu ou révoqué."),
                "403": _error_response("Le jeton n'a pas la portée requise."),
                "404": NOT_FOUND,
                "409": _error_response("Clé d'idempotence déjà utilisée."),
                "422": _error_response("Texte refusé ou rencontre fermée."),
                "429": _error_response("Trop de requêtes avec ce jeton."),
            },
        }
    }


def _meeting() -> dict:
    return {
        "get": {
            "operationId": "get_meeting",
            "summary": "Une rencontre publique.",
            "parameters": [
                PARAMS["meeting"] | {"name": "meeting_id", "in": "path", "required": True}
            ],
            "responses": {
                "200": {
                    "description": "La rencontre.",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Rencontre"}}
                    },
                },
                "404": NOT_FOUND,
            },
        }
    }


def spec() -> dict:
    """The whole description (a new dict at each call)."""
    paths = {f"/api/v1/{name}": _list(name) for name in LISTS}
    paths["/api/v1/meetings/{meeting_id}"] = _meeting()
    paths["/api/v1/meetings/{meeting_id}/contributions"] = _write()
    paths["/api/openapi.json"] = {
        "get": {
            "operationId": "openapi",
            "summary": "Cette description.",
            "responses": {"200": {"description": "OpenAPI 3.1 (JSON)."}},
        }
    }
    schemas = {name: _dataset_schema(data) for name, data in DATASET_SCHEMAS.items()}
    schemas |= {
        "Schema": SCHEME,
        "NouvelleContribution": NEW_CONTRIBUTION,
        "Recu": RECEIPT,
        "Erreur": ERROR_SCHEMA,
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "API de la plateforme de concertation",
            "version": "1.0.0",
            "description": (
                "Données publiques seulement : contributions publiées (texte masqué, sans "
                f"nom), rencontres publiques (effectifs de moins de {SMALL_CELL} personnes "
                "vides), fiches validées ou adoptées, suites données. Licence Ouverte 2.0."
            ),
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "responses": {
                "Erreur": _error_response("Paramètre ou corps refusé (message en français)."),
                "Introuvable": _error_response("Introuvable ou non public."),
            },
            "securitySchemes": {"jeton": {"type": "http", "scheme": "bearer"}},
        },
    }
