"""Every route, every role: the observed answer is the one ``consult/core/access.py`` states.

The objects behind URL parameters are built with the factories, lazily (a test only
builds what its URL needs: ``tests.security.World``). Users are signed in by writing
Flask-Login's session keys (``sign_in``): Argon2 at every request would take minutes.
"""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from werkzeug.routing import IntegerConverter

from consult.core.access import OUTCOMES, ROLES, RULES, VARIANTS, document
from tests.security import sign_in, url_rules, world_fixture  # noqa: F401 - the world fixture

SKIPPED_METHODS = {"HEAD", "OPTIONS"}
LOGIN_PATH = "/connexion"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "acces.md"
UNKNOWN_ID = 987_654
HUGE_ID = 10**20  # beyond a 64-bit integer: SQLite refuses it as a parameter
# Findings reported and not fixed yet: (endpoint, variant) → xfail mark (none today).
KNOWN: dict = {}


def methods_of(rule) -> set[str]:
    return set(rule.methods or ()) - SKIPPED_METHODS


def outcome(response, method: str) -> str:
    """The observed answer, in the vocabulary of ``consult.core.access``."""
    status = response.status_code
    if status >= 500:
        return f"erreur {status}"
    if status in (301, 302, 303, 307, 308):
        target = urlsplit(response.headers.get("Location", "")).path
        return "login" if target == LOGIN_PATH else "allow"
    if status == 401:
        return "login"
    if status == 403:
        return "deny"
    if status == 404:
        return "hidden"
    if status == 405:
        return "méthode refusée (405)"
    if status < 300 or method == "POST":
        return "allow"
    return f"réponse {status} à un GET"


def request(client, method: str, url: str, data=None):
    response = client.get(url) if method == "GET" else client.post(url, data=data or {})
    response.close()  # static files are streamed from an open file
    return response


def check(app, client, world, endpoint, role, method, variant=None):
    rules = url_rules(app)
    if endpoint not in rules:
        pytest.skip(f"{endpoint} n'est plus une route (voir test_no_rule_without_a_route)")
    expected = (RULES[endpoint].variants[variant] if variant else RULES[endpoint].outcomes)[role]
    url = world.url(endpoint, variant)
    data = world.form_data(endpoint, variant)
    user = world.user(role)
    world.commit()
    sign_in(client, user)
    response = request(client, method, url, data)
    observed = outcome(response, method)
    where = f"{method} {url} ({endpoint}) en tant que {role}"
    if variant:
        where += f", {VARIANTS[variant]}"
    assert observed == expected, (
        f"{where} : attendu {expected}, observé {observed} "
        f"(HTTP {response.status_code} {response.headers.get('Location', '')})"
    )


# --- The table covers the application, and the documentation is the table -------------


def test_every_route_has_a_rule(app):
    """A new route fails here until consult/core/access.py says who may use it."""
    missing = [
        f"{endpoint} ({rule.rule} {sorted(methods_of(rule))})"
        for endpoint, rule in sorted(url_rules(app).items())
        if endpoint not in RULES
    ]
    assert not missing, (
        "Routes sans règle d'accès dans consult/core/access.py (RULES) : " + ", ".join(missing)
    )


def test_no_rule_without_a_route(app):
    stale = sorted(set(RULES) - set(url_rules(app)))
    assert not stale, f"Règles pour des routes qui n'existent plus : {', '.join(stale)}"


def test_rules_state_the_real_paths_and_methods(app):
    wrong = []
    for endpoint, rule in sorted(url_rules(app).items()):
        if endpoint not in RULES:
            continue
        stated = RULES[endpoint]
        if stated.path != rule.rule or set(stated.methods) != methods_of(rule):
            wrong.append(
                f"{endpoint}: RULES dit {stated.path} {sorted(stated.methods)}, "
                f"l'application {rule.rule} {sorted(methods_of(rule))}"
            )
    assert not wrong, "\n".join(wrong)


def test_every_rule_names_every_role():
    for endpoint, rule in RULES.items():
        for values in (rule.outcomes, *rule.variants.values()):
            assert set(values) == set(ROLES), endpoint
            assert set(values.values()) <= set(OUTCOMES), endpoint
        assert set(rule.variants) <= set(VARIANTS), endpoint


def test_documentation_is_the_table():
    assert DOCS.read_text(encoding="utf-8") == document(), (
        "docs/acces.md ne correspond plus à consult/core/access.py : "
        "python -m consult.core.access > docs/acces.md"
    )


# --- The matrix -----------------------------------------------------------------------


def _main_cases():
    for endpoint, rule in sorted(RULES.items()):
        methods = [rule.method] + (
            ["POST"] if rule.method == "GET" and "POST" in rule.methods else []
        )
        for method in methods:
            for role in ROLES:
                yield pytest.param(endpoint, method, role, id=f"{endpoint}-{method}-{role}")


def _variant_cases():
    for endpoint, rule in sorted(RULES.items()):
        for variant in rule.variants:
            for role in ROLES:
                yield pytest.param(endpoint, variant, role, id=f"{endpoint}-{variant}-{role}")


@pytest.mark.parametrize(("endpoint", "method", "role"), list(_main_cases()))
def test_access(app, client, world, endpoint, method, role):
    check(app, client, world, endpoint, role, method)


@pytest.mark.parametrize(("endpoint", "variant", "role"), list(_variant_cases()))
def test_private_objects(app, client, world, endpoint, variant, role):
    check(app, client, world, endpoint, role, RULES[endpoint].method, variant)


def _id_cases():
    for endpoint, rule in sorted(RULES.items()):
        if "<int:" in rule.path and rule.outcomes["admin"] == "allow":
            for label, ident in (("inconnu", UNKNOWN_ID), ("immense", HUGE_ID)):
                marks = KNOWN.get((endpoint, label), ())
                yield pytest.param(endpoint, ident, id=f"{endpoint}-{label}", marks=marks)


@pytest.mark.parametrize(("endpoint", "ident"), list(_id_cases()))
def test_unknown_ids_answer_404(app, client, world, endpoint, ident):
    """An id that names nothing answers 404, even to an administrator."""
    if endpoint not in url_rules(app):
        pytest.skip(f"{endpoint} n'est plus une route")
    rule = url_rules(app)[endpoint]
    numeric = [n for n, c in rule._converters.items() if isinstance(c, IntegerConverter)]
    sign_in(client, world.user("admin"))
    for name in numeric:
        url = world.url(endpoint, **{name: ident})
        response = request(client, RULES[endpoint].method, url)
        assert response.status_code == 404, f"{url} : HTTP {response.status_code}, 404 attendu"


def test_a_session_written_by_sign_in_is_a_real_sign_in(client, world):
    """The shortcut the matrix uses gives what the login form gives."""
    sign_in(client, world.user("participant"))
    assert client.get("/mon-compte").status_code == 200


def test_home_figures_count_only_what_the_public_may_see(client, world):
    _ = world.meeting, world.draft_meeting  # one open, one in preparation
    world.commit()
    page = client.get("/").get_data(as_text=True)
    assert '<span class="figures__value">1</span> rencontres' in page
