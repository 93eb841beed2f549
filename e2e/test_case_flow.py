# ruff: noqa: S101, S105, S108  (a test: asserts, a test password, a failure screenshot in /tmp)
"""End to end on a phone (360 px): a volunteer reports a case with an estimated age, finds it in Kasus Saya,
and logs a visit with a photo."""

from __future__ import annotations

import re

import pytest

from cases.models import Case, CaseEntry, CasePhoto
from cases.tests.photo_files import jpeg_bytes
from regions.loader import load_province
from registry.tests.factories import MembershipFactory, PersonFactory, UserFactory

PASSWORD = "rahasia-uji-123"
TIMEOUT_MS = 15_000


def _open_nav(page) -> None:
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()


def _fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.browser
def test_volunteer_reports_a_case_and_logs_a_visit_on_a_phone(live_server, transactional_db, browser):
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    load_province("36")  # idempotent; an earlier transactional test may have flushed the database
    person = PersonFactory(full_name="Siti Relawan", account=UserFactory(username="siti"))
    MembershipFactory(person=person)
    base = live_server.url
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    csp_errors = []
    page.on("console", lambda msg: csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    try:
        page.goto(f"{base}/masuk/")
        page.fill("input[name=username]", "siti")
        page.fill("input[name=password]", PASSWORD)
        page.locator("main form button[type=submit]").click()
        expect(page).to_have_url(f"{base}/relawan/")

        _open_nav(page)
        page.locator("#main-nav").get_by_role("link", name="Kasus Saya").click()
        expect(page.locator("h1")).to_have_text("Kasus Saya")
        page.get_by_role("link", name="Laporkan kasus").click()
        expect(page).to_have_url(f"{base}/relawan/kasus/lapor/")
        assert _fits_the_screen(page)

        page.fill("input[name=full_name]", "Mak Iyah")
        page.locator("label[for=id_sex_1]").click()  # perempuan
        page.fill("input[name=estimated_age]", "78")
        # The kecamatan select appears with JavaScript and narrows the villages.
        district = page.locator("select[name=district]")
        expect(district).to_be_visible()
        district.select_option(label="Cipocok Jaya")
        villages = page.locator("select[name=village] option:not([value=''])")
        assert all(v.startswith("36.73.05.") for v in villages.evaluate_all("els => els.map(e => e.value)"))
        page.locator("select[name=village]").select_option(index=1)
        page.fill("input[name=location_description]", "Emperan Pasar Rau")
        page.locator("select[name=category]").select_option(value="LUT")
        page.fill("textarea[name=description]", "Nenek tidur di emperan pasar, tanpa KTP.")
        page.locator("input[name=photos]").set_input_files(
            [{"name": "nenek.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}]
        )
        page.get_by_role("button", name="Kirim laporan").click()

        expect(page.locator(".alert-success")).to_contain_text("Laporan terkirim sebagai Kasus #")
        expect(page.locator("h1")).to_contain_text("Lanjut Usia Telantar")
        assert _fits_the_screen(page)
        expect(page.locator(".case-photos img")).to_have_count(1)

        _open_nav(page)
        page.locator("#main-nav").get_by_role("link", name="Kasus Saya").click()
        expect(page.locator(".case-card")).to_have_count(1)
        expect(page.locator(".case-card")).to_contain_text("Mak Iyah")
        page.locator(".case-card a").click()

        page.get_by_role("link", name="Catat kunjungan").click()
        expect(page).to_have_url(re.compile(r"/relawan/kasus/\d+/kunjungan/$"))
        page.fill("textarea[name=text]", "Nenek sudah dibawa ke puskesmas.")
        page.get_by_role("button", name="Simpan kunjungan").click()
        expect(page.locator(".alert-success")).to_contain_text("Kunjungan dicatat.")
        expect(page.locator(".case-timeline")).to_contain_text("Nenek sudah dibawa ke puskesmas.")
        assert _fits_the_screen(page)
        context.close()
    except Exception:
        if not page.is_closed():
            page.screenshot(path="/tmp/e2e-case-flow-failure.png", full_page=True)
        raise

    assert csp_errors == []
    case = Case.objects.get()
    assert (case.beneficiary.full_name, case.beneficiary.birth_date_estimated) == ("Mak Iyah", True)
    assert case.entries.filter(kind=CaseEntry.Kind.VISIT).count() == 1
    assert CasePhoto.objects.filter(entry__case=case).count() == 1
