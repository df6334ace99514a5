"""The one sanitiser: markup stripped, controls removed, text kept."""

import random

import pytest

from consult.core import sanitize
from consult.core.sanitize import clean_html, clean_line, clean_text

HOSTILE = [
    "<script>alert(1)</script>Bonjour",
    "<img src=x onerror=alert(1)>Bonjour",
    "<svg/onload=alert(1)>Bonjour",
    '<a href="javascript:alert(1)">Bonjour</a>',
    "<IMG SRC=JaVaScRiPt:alert(1)>Bonjour",
    '<iframe src="//evil"></iframe>Bonjour',
    "<<script>script>alert(1)<</script>/script>Bonjour",
    "<body onload=alert(1)>Bonjour",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_clean_text_leaves_no_tag_or_handler(text):
    cleaned = clean_text(text)
    assert "<script" not in cleaned.lower()
    assert "<img" not in cleaned.lower()
    assert "<svg" not in cleaned.lower()
    assert "<iframe" not in cleaned.lower()
    assert "Bonjour" in cleaned


def test_clean_text_keeps_plain_comparisons_and_accents():
    assert (
        clean_text("Les 16 < 25 ans & leurs « aidants »") == "Les 16 < 25 ans & leurs « aidants »"
    )


def test_clean_text_removes_controls_and_bidi_overrides():
    assert clean_text("a\x00b\x1bc\u202ed\u2066e") == "abcde"


def test_clean_text_normalises_whitespace_and_keeps_paragraphs():
    assert clean_text("  un   deux \r\n\r\n\r\n\r\ntrois  ") == "un deux\n\ntrois"


def test_clean_text_composes_unicode():
    assert clean_text("e\u0301te\u0301") == "été"


def test_clean_line_makes_one_line():
    assert clean_line("Fiche\n<b>12</b>\tbis") == "Fiche 12 bis"


def test_clean_html_keeps_allowed_structure_and_drops_scripts():
    html = '<p onclick="x()">Texte <strong>fort</strong></p><script>alert(1)</script>'
    assert clean_html(html) == "<p>Texte <strong>fort</strong></p>alert(1)"


def test_clean_html_refuses_javascript_links():
    assert "javascript" not in clean_html('<a href="javascript:alert(1)">lien</a>')


@pytest.mark.parametrize("empty", [None, ""])
def test_empty_input_gives_empty_string(empty):
    assert clean_text(empty) == ""
    assert clean_html(empty) == ""


def test_text_without_markup_or_entity_skips_bleach_and_comes_out_the_same(monkeypatch):
    """The short cut (no ``<``, no ``&``) gives what the full bleach pass gives."""
    rng = random.Random(7)
    alphabet = list("ab é'\"> \n\t;:!?%#*()[]/«»—…") + ["\ufffe", "\U0001f600", "\xa0", "\u200b"]
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40))) for _ in range(500)]
    through_bleach = [sanitize._normalise(sanitize._strip_markup(t)) for t in texts]

    def refused(text):
        raise AssertionError(f"bleach called for {text!r}")

    monkeypatch.setattr(sanitize, "_strip_markup", refused)
    assert [clean_text(t) for t in texts] == through_bleach
