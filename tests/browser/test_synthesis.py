"""A facilitator produces the synthesis of the demo concertation and downloads it."""

import io
import re
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.browser.conftest import JOB_DONE_MS, check_a11y, login_as, press_for_a_job

pytestmark = pytest.mark.browser


def _download(page, link_text: str) -> bytes:
    with page.expect_download() as info:
        page.click(f"a:has-text('{link_text}')")
    return Path(info.value.path()).read_bytes()


def test_facilitator_generates_reads_and_downloads_a_synthesis(page, live_server):
    login_as(page, live_server, "animateur")
    page.goto("/syntheses/")
    check_a11y(page)
    page.click("text=Nouvelle synthèse")
    page.wait_for_url("**/syntheses/nouvelle")
    check_a11y(page)
    page.fill("#title", "Synthèse des concertations territoriales")
    page.select_option("#template", "concertations")
    press_for_a_job(page, "button:has-text('Préparer la synthèse')")
    page.wait_for_url(re.compile(r"/syntheses/\d+$"), timeout=JOB_DONE_MS)
    check_a11y(page)
    page.locator("a:has-text('Version 1')").wait_for(timeout=JOB_DONE_MS)
    page.click("a:has-text('Version 1')")
    check_a11y(page)

    main = page.inner_text("main")
    assert "Partie rédigée par l" in main
    assert "Ce que les participants ont dit" in main
    quote_links = page.locator(".synthesis-quote figcaption a[href*='/moderation/']")
    assert quote_links.count() >= 3  # every quote leads back to its contribution
    first = quote_links.first.get_attribute("href")
    page.goto(first)
    assert re.search(r"/moderation/\d+", page.url)
    page.go_back()

    page.click('a:has-text("Rédiger l\'introduction")')  # the warning names it too
    page.fill("#introduction", "Les habitants ont surtout parlé de mobilité.")
    page.click("button:has-text('Enregistrer')")
    page.wait_for_selector("text=Partie rédigée enregistrée")
    assert "Les habitants ont surtout parlé de mobilité." in page.inner_text("main")

    # The files are rendered by a job: the page says so, and puts their links in place.
    toolbar = page.locator(".synthesis-toolbar")
    toolbar.locator("a.button", has_text="PDF").wait_for(timeout=120_000)
    toolbar.locator("a.button", has_text="Word (DOCX)").wait_for(timeout=120_000)
    pdf = _download(page, "PDF")
    assert pdf.startswith(b"%PDF")
    pdf_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Les habitants ont surtout parlé de mobilité." in pdf_text
    assert "Contribution n°" in pdf_text  # quotes carry their contribution's number
    assert re.search(r"\d+ contributions?", pdf_text)  # ideas show their size
    docx = _download(page, "Word (DOCX)")
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        text = archive.read("word/document.xml").decode()
    assert "Les habitants ont surtout parlé de mobilité." in text

    page.click("a:has-text('Synthèse des concertations territoriales')")
    press_for_a_job(page, "button:has-text('Générer une nouvelle version')")
    page.locator("a:has-text('Version 2')").wait_for(timeout=JOB_DONE_MS)
    assert page.locator("a:has-text('Version 1')").count() == 1
