"""Browser harness: the app on a free local port, Debian's Chromium, axe-core.

The live server has its own database (a SQLite file, or a sibling PostgreSQL
database when CONSULT_TEST_DATABASE_URL is set), filled with the demo data.
"""

import os
import secrets
import shutil
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from config import TestConfig
from consult import create_app
from consult.demo.loader import load_demo
from consult.extensions import db
from consult.meetings.models import Meeting
from consult.schemes.models import Scheme
from tests.factories import recreated_postgresql

# Debian's Chromium: its headless shell (package chromium-headless-shell) when installed,
# lighter than the whole browser run headless, else the browser (package chromium).
CHROMIUM = (
    os.environ.get("CONSULT_CHROMIUM")
    or shutil.which("chromium-headless-shell")
    or shutil.which("chromium")
    or "/usr/bin/chromium"
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
_axe = Axe()


def _browser_database() -> str:
    base = os.environ.get("CONSULT_TEST_DATABASE_URL")
    if not base:
        path = Path(TestConfig.INSTANCE_DIR) / f"browser-{os.getpid()}.db"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    return recreated_postgresql(base, "browser")


class LiveServer:
    """The running app: its base URL and the demo accounts' passwords."""

    def __init__(self, app, server, logins):
        self.app, self.server, self.logins = app, server, logins
        self.base_url = f"http://127.0.0.1:{server.server_port}"

    def url(self, path: str) -> str:
        return self.base_url + path


def _static_read_whole(app):
    """``app``, its static files read whole and closed before they are sent. Werkzeug's
    server leaves a file open when the browser drops the connection in the middle of it
    (a page that navigates on while ``site.js`` is sent): the ResourceWarning then fails
    whatever test runs next (seen once in ~2,400 tests, at the setup of a keyboard test).
    Pages, exports and streams are served as they are."""

    def wsgi(environ, start_response):
        answer = app(environ, start_response)
        if not environ.get("PATH_INFO", "").startswith("/static/"):
            return answer
        try:
            return [b"".join(answer)]
        finally:
            if hasattr(answer, "close"):
                answer.close()

    return wsgi


@pytest.fixture(scope="session")
def live_server():
    config = type(
        "BrowserConfig",
        (TestConfig,),
        {
            "SQLALCHEMY_DATABASE_URI": _browser_database(),
            "WTF_CSRF_ENABLED": True,
            "REDIS_URL": None,
            "JOBS_INLINE": True,
        },
    )
    app = create_app(config)
    with app.app_context():
        db.drop_all()
        db.create_all()
        logins = load_demo()["logins"]
        db.session.commit()
    server = make_server("127.0.0.1", 0, _static_read_whole(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(app, server, logins)
    server.shutdown()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    database = config.SQLALCHEMY_DATABASE_URI
    if database.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(database.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = (
            "Chromium (paquet Debian chromium-headless-shell ou chromium) est absent : "
            "parcours navigateur ignorés."
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="fr-FR", base_url=live_server.base_url)
    page = context.new_page()
    # Generous: the suite runs its SQLite and PostgreSQL halves side by side on a busy machine.
    page.set_default_timeout(30_000)
    yield page
    context.close()


def _axe_results(page):
    """axe-core's answer on the page once it is loaded.

    A click that follows a link may still be navigating when the check starts: the page
    that axe was injected into is then replaced. The check waits for the new page to
    load and runs again (a navigation ends; it is the state that is waited for).
    """
    for _ in range(5):
        page.wait_for_load_state()
        try:
            return _axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        except PlaywrightError as error:
            if "context was destroyed" not in str(error) and "navigat" not in str(error):
                raise
    pytest.fail(f"axe-core : la page {page.url} n'a pas cessé de changer pendant le contrôle")


# The test server runs jobs in the request (JOBS_INLINE): a button that asks for a synthesis
# is answered once the synthesis is made, which takes longer than an action's timeout on a
# busy machine. Journeys press it without waiting for that answer, then wait (this long) for
# the page the job leads to.
JOB_DONE_MS = 180_000


def press_for_a_job(page, selector: str) -> None:
    """Press a button whose answer comes when its job is done (see ``JOB_DONE_MS``)."""
    page.locator(selector).click(no_wait_after=True)


def check_a11y(page) -> None:
    """Fail with a readable report when axe-core finds any WCAG 2.1 A/AA violation."""
    results = _axe_results(page)
    violations = results.response["violations"]
    if violations:
        lines = [f"axe-core : {len(violations)} violation(s) sur {page.url}"]
        for v in violations:
            targets = ", ".join(str(n["target"]) for n in v["nodes"][:5])
            lines.append(f"- {v['id']} ({v['impact']}) : {v['help']} → {targets}")
        pytest.fail("\n".join(lines))


def login_as(page, live_server, key: str) -> None:
    """Sign in a demo account (admin, animateur, membre, partenaire, participant)."""
    email = f"{key}@demo.consult.fr"
    page.goto("/connexion")
    page.fill("#email", email)
    page.fill("#password", live_server.logins[email])
    page.click("button[type=submit] >> text=Se connecter")
    page.wait_for_url(lambda url: "/connexion" not in url)


def add_open_meeting(title: str) -> Meeting:
    """An open meeting of the demo scheme (call inside the live server's app context)."""
    meeting = Meeting(
        scheme=db.session.scalars(sa.select(Scheme)).first(),
        kind="concertation_territoriale",
        status="open",
        title=f"{title} {secrets.token_hex(3)}",
    )
    db.session.add(meeting)
    db.session.flush()
    return meeting
