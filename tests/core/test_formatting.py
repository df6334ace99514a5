"""French formatting, once (core.formatting): local time, long dates, numbers, shares."""

from datetime import UTC, date, datetime

from flask import render_template_string

from consult.core import formatting


def test_a_stored_moment_is_read_in_french_local_time():
    late = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # already 1 January in Paris
    assert formatting.short_date(late) == "01/01/2027"
    assert formatting.local_time_text(late) == "01/01/2027 à 00:30"
    summer = datetime(2026, 7, 1, 10, 0)  # naive values are UTC
    assert formatting.local_time_text(summer) == "01/07/2026 à 12:00"
    assert formatting.short_date(date(2026, 3, 9)) == "09/03/2026"
    assert formatting.short_date(None) == ""


def test_long_dates_say_1er_and_the_time_only_when_there_is_one():
    assert formatting.long_date(date(2025, 3, 1)) == "1er mars 2025"
    assert (
        formatting.long_date(datetime(2025, 8, 12, 12, 5, tzinfo=UTC)) == "12 août 2025 à 14 h 05"
    )
    assert formatting.long_date(datetime(2025, 12, 2)) == "2 décembre 2025"


def test_numbers_and_shares_the_french_way():
    assert formatting.number(1234567) == "1\u202f234\u202f567"
    assert formatting.number(1234.5, decimals=2) == "1\u202f234,5"
    assert formatting.number(12.0, decimals=2) == "12"
    assert formatting.percent(1, 20) == "5,0\u202f%"
    assert formatting.percent(1, 3) == "33\u202f%"
    assert formatting.percent(0, 0) == "—"


def test_templates_get_the_filters(app):
    moment = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
    with app.test_request_context("/"):
        shown = render_template_string(
            "{{ m|date_fr }} | {{ m|date_heure }} | {{ m|heure_locale('%H:%M') }} | "
            "{{ m|date_longue }} | {{ n|nombre }}",
            m=moment,
            n=12345,
        )
    assert (
        shown
        == "01/07/2026 | 01/07/2026 à 12:00 | 12:00 | 1er juillet 2026 à 12 h 00 | 12\u202f345"
    )


def test_the_moderation_desk_shows_when_a_contribution_came_in_french_time(
    client, login, make_user, make_contribution, db
):
    contribution = make_contribution(body="Plus de places en crèche le matin tôt.")
    contribution.created_at = datetime(2026, 7, 1, 21, 45, tzinfo=UTC)
    db.session.commit()
    login(make_user(role="facilitator"))
    page = client.get(f"/moderation/{contribution.id}")
    assert page.status_code == 200
    assert "reçue le 01/07/2026 à 23:45" in page.text


def test_french_spacing_binds_punctuation_to_its_word():
    spaced = formatting.french_spacing("Idées : oui ? Non ! « Bien » ; voir https://x.fr")
    assert spaced == (
        "Idées\u00a0: oui\u202f? Non\u202f! «\u00a0Bien\u00a0»\u202f; voir https://x.fr"
    )
    assert formatting.french_spacing("Déjà\u00a0: rien ?") == "Déjà\u00a0: rien\u202f?"


def test_french_spacing_of_html_leaves_tags_styles_and_scripts_alone():
    html = (
        '<style>a :hover { content: " ? " }</style><p title="a : b">Chiffres : 12 ?</p>'
        "<script>if (a ? b : c) {}</script><b>fin</b> !"
    )
    assert formatting.french_spacing_html(html) == (
        '<style>a :hover { content: " ? " }</style><p title="a : b">Chiffres\u00a0: 12\u202f?</p>'
        "<script>if (a ? b : c) {}</script><b>fin</b>\u202f!"
    )


def test_the_typographie_filter_spaces_a_rendered_block_and_still_escapes(app):
    with app.test_request_context("/"):
        shown = render_template_string(
            "{% filter typographie %}<p>Idée : {{ said }}</p>{% endfilter %}",
            said="<b>oui</b> ?",
        )
    assert shown == "<p>Idée\u00a0: &lt;b&gt;oui&lt;/b&gt;\u202f?</p>"


def test_a_word_agrees_with_its_count_the_french_way(app):
    assert [formatting.plural_ending(n) for n in (0, 1, 2, 1.5, 12)] == ["", "", "s", "", "s"]
    assert formatting.plural_ending([1, 2, 3], "nt") == "nt"  # what has a length: its length
    with app.test_request_context():
        shown = render_template_string(
            "{{ n }} contribution{{ n|pluriel }} choisie{{ n|pluriel }}, "
            "{{ rows|length }} ligne{{ rows|pluriel }}",
            n=1,
            rows=[1, 2],
        )
    assert shown == "1 contribution choisie, 2 lignes"
