# ruff: noqa: S101, S105, S108  (a test: asserts, a test password, a failure screenshot in /tmp)
"""End to end in a real browser: a volunteer edits their phone and files a change request; staff approve it."""

from __future__ import annotations

import re

import pytest

from accounts.models import RoleAssignment
from regions.loader import load_province
from registry.models import ChangeRequest, Person
from registry.tests.factories import MembershipFactory, PersonFactory, RoleFactory, UserFactory

PASSWORD = "rahasia-uji-123"
TIMEOUT_MS = 15_000


def _log_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()


@pytest.mark.browser
def test_volunteer_edits_phone_and_staff_approve_change_request(live_server, transactional_db, browser):
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    load_province("36")  # idempotent; an earlier transactional test may have flushed the database
    person = PersonFactory(full_name="Siti Relawan", birth_place="Serang", account=UserFactory(username="siti"))
    MembershipFactory(person=person)
    staff = RoleFactory(
        user=UserFactory(username="kota-serang"), role=RoleAssignment.Role.REGENCY_STAFF, regency_id="36.73"
    ).user
    base = live_server.url
    page = None
    try:
        # The volunteer, on a phone.
        volunteer = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
        volunteer.set_default_timeout(TIMEOUT_MS)
        page = volunteer.new_page()
        _log_in(page, base, "siti")
        expect(page).to_have_url(f"{base}/relawan/")
        expect(page.locator("h1")).to_have_text("Data Saya")

        page.get_by_role("link", name="Ubah kontak").click()
        expect(page).to_have_url(f"{base}/relawan/kontak/")
        page.fill("input[name=phone]", "0812 9999 1234")
        page.get_by_role("button", name="Simpan").click()
        expect(page).to_have_url(f"{base}/relawan/")
        expect(page.locator(".alert-success")).to_contain_text("Kontak diperbarui.")
        expect(page.locator("main")).to_contain_text("+6281299991234")

        page.get_by_role("link", name="Ajukan perbaikan data").click()
        expect(page).to_have_url(f"{base}/relawan/ubah-data/")
        page.fill("input[name=birth_place]", "Pandeglang")
        page.fill("textarea[name=note]", "Sesuai KTP.")
        page.get_by_role("button", name="Kirim permintaan").click()
        expect(page).to_have_url(f"{base}/relawan/")
        expect(page.locator(".alert-success")).to_contain_text("Permintaan perubahan dikirim ke Dinas Sosial")

        toggler = page.locator(".navbar-toggler")
        if toggler.is_visible():
            toggler.click()
            expect(page.locator("#main-nav")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
        page.get_by_role("button", name="Keluar").click()
        expect(page).to_have_url(re.compile(r"/masuk/"))
        volunteer.close()

        # Staff of Kota Serang, on a desktop.
        desk = browser.new_context(viewport={"width": 1366, "height": 900}, locale="id-ID")
        desk.set_default_timeout(TIMEOUT_MS)
        page = desk.new_page()
        _log_in(page, base, "kota-serang")
        expect(page).to_have_url(re.compile(r"/admin/$"))
        page.goto(f"{base}/admin/registry/changerequest/")
        page.locator("#result_list tbody tr").first.locator("a").first.click()
        expect(page.locator("#content")).to_contain_text("Pandeglang")
        page.get_by_role("button", name="Setujui").click()
        expect(page).to_have_url(f"{base}/admin/registry/changerequest/")
        expect(page.locator(".messagelist .success")).to_contain_text("Permintaan perubahan disetujui.")
        desk.close()
        page = None
    except Exception:
        if page is not None and not page.is_closed():
            page.screenshot(path="/tmp/e2e-volunteer-flow-failure.png", full_page=True)
        raise

    person.refresh_from_db()
    assert person.phone == "+6281299991234"
    assert person.birth_place == "Pandeglang"
    assert ChangeRequest.objects.get(person=person).status == ChangeRequest.Status.APPROVED
    latest = person.history.latest()
    assert latest.birth_place == "Pandeglang"
    assert latest.history_user == staff
    assert Person.history.filter(id=person.pk, history_user=person.account).exists()
