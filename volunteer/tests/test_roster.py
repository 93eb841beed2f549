"""Unit Saya and a unit's roster: a coordinator sees their units' members (NIK masked), nobody else's."""

from __future__ import annotations

import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.models import Verification
from registry.tests.factories import MembershipFactory, PersonFactory

from .conftest import CIPOCOK_JAYA

pytestmark = pytest.mark.django_db
UNITS = reverse("volunteer:unit_list")


def roster_url(unit, kind: str = "lembaga") -> str:
    key = unit.pk if kind == "lembaga" else unit
    return reverse("volunteer:roster", kwargs={"kind": kind, "key": key})


# --- Unit Saya -------------------------------------------------------------------------------------------------------


def test_coordinator_sees_their_units(client, kt_chair, kt_member, karang_taruna):
    client.force_login(kt_chair)
    response = client.get(UNITS)

    assert response.status_code == 200
    assert "Karang Taruna Unit A" in response.text
    assert roster_url(karang_taruna) in response.text
    assert "2 anggota aktif" in response.text


def test_kecamatan_coordinator_sees_their_kecamatan(client, tksk_coordinator):
    client.force_login(tksk_coordinator)
    response = client.get(UNITS)

    assert "Kecamatan Cipocok Jaya" in response.text
    assert roster_url(CIPOCOK_JAYA, "kecamatan") in response.text


def test_volunteer_who_coordinates_nothing_gets_403(client, volunteer):
    client.force_login(volunteer)
    assert client.get(UNITS).status_code == 403


def test_unit_list_anonymous_goes_to_login(client):
    assert client.get(UNITS).url.startswith(reverse("login"))


def test_unit_list_wrong_method_is_405(client, kt_chair):
    client.force_login(kt_chair)
    assert client.post(UNITS).status_code == 405


# --- A unit's roster -------------------------------------------------------------------------------------------------


def test_roster_lists_members_with_masked_nik_and_verification(client, kt_chair, kt_member, karang_taruna):
    kt_member.verification = Verification.UNVERIFIED
    kt_member.save()
    client.force_login(kt_chair)

    response = client.get(roster_url(karang_taruna))

    assert response.status_code == 200
    assert "Citra Anggota A" in response.text
    assert "Ketua Unit A" in response.text
    assert "Sekretaris" in response.text
    assert kt_member.person.nik not in response.text  # a coordinator does not see others' full NIK
    assert kt_member.person.masked_nik in response.text
    assert "belum diverifikasi" in response.text
    assert reverse("volunteer:roster_add", kwargs={"kind": "lembaga", "key": karang_taruna.pk}) in response.text


def test_kecamatan_roster_lists_the_kecamatans_volunteers(
    client, tksk_coordinator, volunteer_membership, neighbour_membership, lks_member
):
    client.force_login(tksk_coordinator)
    response = client.get(roster_url(CIPOCOK_JAYA, "kecamatan"))

    assert response.status_code == 200
    assert "Ani Wulandari" in response.text
    assert "Budi Santoso" in response.text
    assert "Dedi Anggota B" not in response.text


def test_ended_members_are_on_their_own_tab(client, kt_chair, kt_member, karang_taruna):
    kt_member.status, kt_member.end_date, kt_member.status_reason = "ended", kt_member.start_date, "Pindah"
    kt_member.save()
    client.force_login(kt_chair)

    assert "Citra Anggota A" not in client.get(roster_url(karang_taruna)).text
    assert "Citra Anggota A" in client.get(roster_url(karang_taruna), {"status": "ended"}).text


def test_search_by_name(client, kt_chair, kt_member, karang_taruna):
    client.force_login(kt_chair)
    response = client.get(roster_url(karang_taruna), {"q": "citra"})

    assert "Citra Anggota A" in response.text
    assert "Ketua Unit A" not in response.text


def test_roster_is_paginated(client, kt_chair, karang_taruna):
    MembershipFactory.create_batch(30, psks_type=karang_taruna.psks_type, institution=karang_taruna)
    client.force_login(kt_chair)

    response = client.get(roster_url(karang_taruna))

    assert response.text.count('data-label="NIK"') == 25
    assert "page=2" in response.text
    assert client.get(roster_url(karang_taruna), {"page": 2}).text.count('data-label="NIK"') == 6


def test_coordinator_of_another_unit_gets_404_and_is_logged(client, lks_chair, karang_taruna, kt_member, caplog):
    client.force_login(lks_chair)
    with caplog.at_level(logging.WARNING, logger="pskshub.volunteer"):
        response = client.get(roster_url(karang_taruna))

    assert response.status_code == 404
    assert f"/relawan/unit/lembaga/{karang_taruna.pk}/" in caplog.text
    assert "ketua-b" in caplog.text


def test_kecamatan_of_another_coordinator_gets_404(client, tksk_coordinator):
    client.force_login(tksk_coordinator)
    assert client.get(roster_url("36.02.14", "kecamatan")).status_code == 404
    assert client.get(reverse("volunteer:roster", kwargs={"kind": "lembaga", "key": "x1"})).status_code == 404


def test_volunteer_who_coordinates_nothing_gets_403_on_a_roster(client, volunteer, karang_taruna):
    client.force_login(volunteer)
    assert client.get(roster_url(karang_taruna)).status_code == 403


def test_roster_anonymous_goes_to_login(client, karang_taruna):
    assert client.get(roster_url(karang_taruna)).url.startswith(reverse("login"))


def test_roster_wrong_method_is_405(client, kt_chair, karang_taruna):
    client.force_login(kt_chair)
    assert client.post(roster_url(karang_taruna)).status_code == 405


@pytest.mark.parametrize("kind", ["lembaga", "kecamatan"])
def test_roster_query_count_is_flat(client, kt_chair, karang_taruna, django_assert_max_num_queries, kind):
    from accounts.models import RoleAssignment

    RoleAssignment.objects.create(user=kt_chair, role=RoleAssignment.Role.UNIT_COORDINATOR, district_id=CIPOCOK_JAYA)
    url = roster_url(karang_taruna) if kind == "lembaga" else roster_url(CIPOCOK_JAYA, "kecamatan")
    client.force_login(kt_chair)

    def add(n: int) -> None:
        for _ in range(n):
            if kind == "lembaga":
                MembershipFactory(psks_type=karang_taruna.psks_type, institution=karang_taruna)
            else:
                MembershipFactory(person=PersonFactory())

    add(2)
    with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as small:
        client.get(url)
    add(20)
    with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)
