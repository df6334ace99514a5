"""Reference data kept per process: served from memory, cleared by writes in this process."""

from contextlib import contextmanager

import sqlalchemy as sa

from consult.core.cache import page_with_marks
from consult.schemes import services as schemes
from consult.site import services as site


@contextmanager
def _queries(db):
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)


def test_choices_are_kept_then_refreshed_after_a_write(app, db, monkeypatch, make_public):
    monkeypatch.setitem(app.config, "REFERENCE_CACHE_SECONDS", 30)
    schemes.clear_reference_cache()
    make_public(label="Personnes âgées")
    first = schemes.public_choices()
    with _queries(db) as statements:
        assert schemes.public_choices() == first
    assert statements == []  # served from memory
    schemes.add_public(label="Jeunes majeurs")
    assert "Jeunes majeurs" in [label for _, label in schemes.public_choices()]
    schemes.clear_reference_cache()


def test_cache_is_off_when_the_delay_is_zero(app, db, monkeypatch, make_public):
    monkeypatch.setitem(app.config, "REFERENCE_CACHE_SECONDS", 0)
    make_public(label="Personnes âgées")
    schemes.public_choices()
    make_public(label="Enfants confiés")
    assert "Enfants confiés" in [label for _, label in schemes.public_choices()]


def test_branding_is_cleared_when_settings_change(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "REFERENCE_CACHE_SECONDS", 30)
    site.branding.cache_clear()
    site.update_settings(
        department_name="Savoie",
        platform_name="Consult",
        primary_colour="#1d4f91",
        contact_email="",
    )
    assert site.branding().department_name == "Savoie"
    site.update_settings(
        department_name="Vienne",
        platform_name="Consult",
        primary_colour="#1d4f91",
        contact_email="",
    )
    assert site.branding().department_name == "Vienne"
    site.branding.cache_clear()


def test_theme_stylesheet_is_answered_304_while_unchanged(client):
    first = client.get("/theme.css")
    assert first.status_code == 200
    again = client.get("/theme.css", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_a_slow_document_is_rendered_once_per_key(app, tmp_path, monkeypatch):
    from consult.core.cache import rendered_file

    monkeypatch.setitem(app.config, "INSTANCE_DIR", tmp_path)
    calls = []

    def render(text):
        def _render():
            calls.append(text)
            return text.encode()

        return _render

    with app.app_context():
        assert rendered_file("bilan-1", "v1", render("premier")) == b"premier"
        assert rendered_file("bilan-1", "v1", render("jamais")) == b"premier"
        assert rendered_file("bilan-2", "v1", render("autre")) == b"autre"
        assert rendered_file("bilan-1", "v2", render("second")) == b"second"
    assert calls == ["premier", "autre", "second"]
    kept = sorted(p.name.split("-")[1] for p in (tmp_path / "cache").iterdir())
    assert kept == ["1", "2"]  # bilan-1's older file is gone; nothing half-written is left


def test_a_marked_page_is_kept_and_filled_and_never_kept_without_its_marks(app, monkeypatch):
    monkeypatch.setitem(app.config, "REFERENCE_CACHE_SECONDS", 30)
    rendered = []

    def render(html):
        def _render():
            rendered.append(html)
            return html

        return _render

    with app.test_request_context():
        first = page_with_marks("k", render("<p>@A@ @B@</p>"), {"@A@": "1", "@B@": "x @A@"},
                                unmarked=lambda: "sans")  # fmt: skip
        second = page_with_marks("k", render("autre"), {"@A@": "2", "@B@": "y"},
                                 unmarked=lambda: "sans")  # fmt: skip
        missing = page_with_marks("m", render("<p>@A@</p>"), {"@A@": "1", "@B@": "y"},
                                  unmarked=lambda: "sans")  # fmt: skip
        again = page_with_marks("m", render("<p>@A@ @B@</p>"), {"@A@": "1", "@B@": "y"},
                                unmarked=lambda: "sans")  # fmt: skip
    app.extensions.pop("consult_marked_pages", None)

    assert first == "<p>1 x @A@</p>"  # what a participant wrote is put in last, as written
    assert second == "<p>2 y</p>"
    assert missing == "sans"
    assert again == "<p>1 y</p>"
    assert rendered == ["<p>@A@ @B@</p>", "<p>@A@</p>", "<p>@A@ @B@</p>"]
