"""A coordinator marks a member as left, with date and reason; it waits for Dinas Sosial to verify."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from registry import services
from registry.models import Membership, Verification

pytestmark = pytest.mark.django_db


def url(unit, membership: Membership) -> str:
    return reverse("volunteer:membership_end", kwargs={"kind": "lembaga", "key": unit.pk, "pk": membership.pk})


def post_data(membership: Membership, **changes) -> dict:
    return {"end_date": "2026-01-10", "reason": "Pindah domisili", "expected_version": membership.version} | changes


def test_coordinator_ends_a_membership(client, kt_chair, karang_taruna, kt_member):
    client.force_login(kt_chair)
    assert client.get(url(karang_taruna, kt_member)).status_code == 200

    response = client.post(url(karang_taruna, kt_member), post_data(kt_member), follow=True)

    assert "Keanggotaan Citra Anggota A diakhiri" in response.text
    kt_member.refresh_from_db()
    assert kt_member.status == Membership.Status.ENDED
    assert str(kt_member.end_date) == "2026-01-10"
    assert kt_member.status_reason == "Pindah domisili"
    assert kt_member.verification == Verification.UNVERIFIED
    assert kt_member.history.first().history_user == kt_chair


def test_reason_is_required_and_the_date_cannot_be_in_the_future(client, kt_chair, karang_taruna, kt_member):
    client.force_login(kt_chair)
    response = client.post(url(karang_taruna, kt_member), post_data(kt_member, reason=" ", end_date="2999-01-01"))

    assert "Tuliskan alasannya" in response.text
    assert "Tanggal tidak boleh di masa depan." in response.text
    kt_member.refresh_from_db()
    assert kt_member.status == Membership.Status.ACTIVE


def test_end_before_start_is_refused(client, kt_chair, karang_taruna, kt_member):
    client.force_login(kt_chair)
    response = client.post(url(karang_taruna, kt_member), post_data(kt_member, end_date="2020-01-01"))

    assert "Tanggal selesai tidak boleh sebelum tanggal mulai." in response.text
    kt_member.refresh_from_db()
    assert kt_member.status == Membership.Status.ACTIVE


def test_lost_update_is_refused(client, kt_chair, karang_taruna, kt_member, serang_staff):
    client.force_login(kt_chair)
    opened = post_data(kt_member)
    record = Membership.objects.get(pk=kt_member.pk)
    record.position = "Wakil Ketua"
    services.record_save(record=record, acting_user=serang_staff, expected_version=1)

    response = client.post(url(karang_taruna, kt_member), opened)

    assert "ditolak agar perubahan itu tidak tertimpa" in response.text
    kt_member.refresh_from_db()
    assert (kt_member.status, kt_member.position) == (Membership.Status.ACTIVE, "Wakil Ketua")


def test_membership_of_another_unit_gets_404_nothing_changed_and_logged(
    client, kt_chair, karang_taruna, lks_member, caplog
):
    """Unit A's coordinator posts the id of unit B's membership under unit A's own URL."""
    client.force_login(kt_chair)
    with caplog.at_level(logging.WARNING, logger="pskshub.volunteer"):
        response = client.post(url(karang_taruna, lks_member), post_data(lks_member))

    assert response.status_code == 404
    lks_member.refresh_from_db()
    assert lks_member.status == Membership.Status.ACTIVE
    assert lks_member.verification == Verification.VERIFIED
    assert f"/anggota/{lks_member.pk}/akhiri/" in caplog.text
    assert "ketua-a" in caplog.text


def test_other_units_url_gets_404(client, kt_chair, lebak_lks, lks_member):
    client.force_login(kt_chair)
    assert client.post(url(lebak_lks, lks_member), post_data(lks_member)).status_code == 404
    lks_member.refresh_from_db()
    assert lks_member.status == Membership.Status.ACTIVE


def test_volunteer_who_coordinates_nothing_gets_403(client, volunteer, karang_taruna, kt_member):
    client.force_login(volunteer)
    assert client.post(url(karang_taruna, kt_member), post_data(kt_member)).status_code == 403


def test_anonymous_goes_to_login(client, karang_taruna, kt_member):
    assert client.post(url(karang_taruna, kt_member), post_data(kt_member)).url.startswith(reverse("login"))


def test_wrong_method_is_405(client, kt_chair, karang_taruna, kt_member):
    client.force_login(kt_chair)
    assert client.put(url(karang_taruna, kt_member)).status_code == 405
