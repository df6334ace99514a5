"""Every route, every role: the observed answer is the one ``consult/core/access.py`` states.

The rules name endpoints only: each path, method and URL argument comes from
``app.url_map`` (``consult.core.access.routes``). The objects behind URL arguments are
built with the factories, lazily (a test only builds what its URL needs:
``tests.security.World``). Users are signed in by writing Flask-Login's session keys
(``sign_in``): Argon2 at every request would take minutes.

One test per endpoint (and per private variant) asks as every role in turn; each
request runs in a savepoint rolled back after it, so what one role's request changes
never reaches the next one, and the typical objects are built once per endpoint
instead of once per role.
"""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from sqlalchemy import inspect
from sqlalchemy.orm import make_transient, make_transient_to_detached
from werkzeug.routing import IntegerConverter

from consult.accounts.models import User
from consult.core.access import OBJECTS, OUTCOMES, ROLES, RULES, VARIANTS, document, routes
from tests.security import sign_in, url_rules, world_fixture  # noqa: F401 - the world fixture

LOGIN_PATH = "/connexion"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "acces.md"
UNKNOWN_ID = 987_654
HUGE_ID = 10**20  # beyond a 64-bit integer: SQLite refuses it as a parameter


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


def _reattach(db, world) -> None:
    """Put back in the session the typical objects a rolled-back request deleted."""
    for value in list(vars(world).values()):
        for item in value.values() if isinstance(value, dict) else (value,):
            state = inspect(item, raiseerr=False)
            if state is None or not state.detached:
                continue
            if state.was_deleted:
                make_transient(item)
                make_transient_to_detached(item)
            db.session.add(item)


def ask(db, client, world, endpoint, role, method, variant=None, **override):
    """One request as ``role``, in a savepoint rolled back after it: (url, response).

    The objects the request names are built first, outside the savepoint: the world
    keeps them for the next requests. Inside, only what an earlier request deleted
    (a measurement) is made again.
    """
    world.user(role)
    world.url(endpoint, variant, **override)
    world.form_data(endpoint, variant)
    db.session.commit()
    savepoint = db.session.get_bind().begin_nested()
    try:
        url = world.url(endpoint, variant, **override)
        data = world.form_data(endpoint, variant)
        sign_in(client, world.user(role))
        return url, request(client, method, url, data)
    finally:
        db.session.rollback()
        savepoint.rollback()
        _reattach(db, world)


def check(app, db, client, world, endpoint, variant=None):
    """Ask as every role (and by every main method); one failure lists every wrong answer."""
    route = routes(app.url_map).get(endpoint)
    if route is None:
        pytest.skip(f"{endpoint} n'est plus une route (voir test_no_rule_without_a_route)")
    rule = RULES[endpoint]
    expected = rule.variants[variant] if variant else rule.outcomes
    methods = [route.method]
    if variant is None and route.method == "GET" and "POST" in route.methods:
        methods.append("POST")
    wrong = []
    for method in methods:
        for role in ROLES:
            url, response = ask(db, client, world, endpoint, role, method, variant)
            observed = outcome(response, method)
            if observed != expected[role]:
                where = f"{method} {url} ({endpoint}) en tant que {role}"
                if variant:
                    where += f", {VARIANTS[variant]}"
                wrong.append(
                    f"{where} : attendu {expected[role]}, observé {observed} "
                    f"(HTTP {response.status_code} {response.headers.get('Location', '')})"
                )
    assert not wrong, "\n".join(wrong)


# --- The table covers the application, and the documentation is the table -------------


def test_every_route_has_a_rule(app):
    """A new route fails here until consult/core/access.py says who may use it."""
    missing = [
        f"{endpoint} ({route.path} {list(route.methods)})"
        for endpoint, route in sorted(routes(app.url_map).items())
        if endpoint not in RULES
    ]
    assert not missing, (
        "Routes sans règle d'accès dans consult/core/access.py (RULES) : " + ", ".join(missing)
    )


def test_no_rule_without_a_route(app):
    stale = sorted(set(RULES) - set(routes(app.url_map)))
    assert not stale, f"Règles pour des routes qui n'existent plus : {', '.join(stale)}"


def test_every_url_argument_is_described(app):
    """docs/acces.md says which object each URL argument names in the matrix."""
    arguments = {name for route in routes(app.url_map).values() for name in route.arguments}
    missing = sorted(arguments - set(OBJECTS))
    assert not missing, f"Paramètres d'adresse absents de OBJECTS (access.py) : {missing}"


def test_every_rule_names_every_role():
    for endpoint, rule in RULES.items():
        for values in (rule.outcomes, *rule.variants.values()):
            assert set(values) == set(ROLES), endpoint
            assert set(values.values()) <= set(OUTCOMES), endpoint
        assert set(rule.variants) <= set(VARIANTS), endpoint


def test_documentation_is_the_table(app):
    assert DOCS.read_text(encoding="utf-8") == document(app.url_map), (
        "docs/acces.md ne correspond plus à consult/core/access.py et aux adresses de "
        "l'application : make access-docs"
    )


def test_documentation_takes_paths_from_the_url_map(app):
    """A path changed in a view changes the page, with no second copy to edit."""
    rule = app.url_map._rules_by_endpoint["site.accessibility"][0]
    original = rule.rule
    try:
        rule.rule = "/accessibilite-nouvelle"
        assert "| `/accessibilite-nouvelle` | GET | `site.accessibility` |" in document(app.url_map)
    finally:
        rule.rule = original


# --- The matrix -----------------------------------------------------------------------


def _main_cases():
    for endpoint in sorted(RULES):
        yield pytest.param(endpoint, id=endpoint)


def _variant_cases():
    for endpoint, rule in sorted(RULES.items()):
        for variant in rule.variants:
            yield pytest.param(endpoint, variant, id=f"{endpoint}-{variant}")


@pytest.mark.parametrize("endpoint", list(_main_cases()))
def test_access(app, db, client, world, endpoint):
    check(app, db, client, world, endpoint)


@pytest.mark.parametrize(("endpoint", "variant"), list(_variant_cases()))
def test_private_objects(app, db, client, world, endpoint, variant):
    check(app, db, client, world, endpoint, variant)


def test_unknown_ids_answer_404(app, db, client, world):
    """An id that names nothing answers 404, even to an administrator (every route whose
    administrator's answer is ``allow``, every integer argument of its path)."""
    wrong, asked = [], 0
    for endpoint, route in sorted(routes(app.url_map).items()):
        if endpoint not in RULES or RULES[endpoint].outcomes["admin"] != "allow":
            continue
        rule = url_rules(app)[endpoint]
        numeric = sorted(n for n, c in rule._converters.items() if isinstance(c, IntegerConverter))
        for name in numeric:
            for label, ident in (("inconnu", UNKNOWN_ID), ("immense", HUGE_ID)):
                url, response = ask(
                    db, client, world, endpoint, "admin", route.method, **{name: ident}
                )
                asked += 1
                if response.status_code != 404:
                    wrong.append(f"{url} ({label}) : HTTP {response.status_code}, 404 attendu")
    assert asked, "aucune adresse avec un identifiant entier"
    assert not wrong, "\n".join(wrong)


def test_what_a_request_changes_never_reaches_the_next_one(db, client, world):
    """The matrix's savepoints: a suspension by the administrator is undone after it."""
    _, response = ask(db, client, world, "accounts.toggle_user", "admin", "POST")
    assert response.status_code in (302, 303)
    db.session.commit()
    suspended = db.session.scalar(
        sa.select(sa.func.count()).select_from(User).where(User.is_active_account.is_(False))
    )
    assert world.target_user.is_active_account
    assert suspended == 0
    # Without the savepoint, the same request does suspend the account (the check can fail).
    sign_in(client, world.user("admin"))
    request(client, "POST", world.url("accounts.toggle_user"))
    db.session.commit()
    db.session.expire_all()
    assert not world.target_user.is_active_account


def test_a_session_written_by_sign_in_is_a_real_sign_in(client, world):
    """The shortcut the matrix uses gives what the login form gives."""
    sign_in(client, world.user("participant"))
    assert client.get("/mon-compte").status_code == 200


def test_home_figures_count_only_what_the_public_may_see(client, world):
    _ = world.meeting, world.draft_meeting  # one open, one in preparation
    world.commit()
    page = client.get("/").get_data(as_text=True)
    assert '<span class="figures__value">1</span> rencontres' in page
