"""Data Saya: a volunteer's own record, memberships, trainings and change requests, on a phone."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry import services
from registry.models import Verification
from registry.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db
URL = reverse("volunteer:my_data")
COMPILED_CATALOG = Path(__file__).resolve().parents[1] / "locale" / "en" / "LC_MESSAGES" / "django.mo"


def test_volunteer_sees_their_own_data(client, volunteer, volunteer_person, volunteer_membership):
    client.force_login(volunteer)
    response = client.get(URL)

    assert response.status_code == 200
    assert "Ani Wulandari" in response.text
    assert volunteer_person.nik in response.text  # the owner sees their NIK in full
    assert "+6281200000001" in response.text
    assert "460/1/2020" in response.text  # decree of the membership
    assert "KTA-ANI" in response.text
    assert "terverifikasi" in response.text
    assert "Belum ada data kegiatan atau pelatihan." in response.text
    assert reverse("volunteer:contacts_update") in response.text
    assert reverse("volunteer:change_request_create") in response.text
    assert reverse("volunteer:membership_change_request_create", args=[volunteer_membership.pk]) in response.text
    assert response["Cache-Control"].startswith("max-age=0")  # personal data is not cached on a shared phone


def test_unverified_membership_shows_as_belum_diverifikasi(client, volunteer, volunteer_person):
    MembershipFactory(person=volunteer_person, verification=Verification.UNVERIFIED)
    client.force_login(volunteer)

    assert "belum diverifikasi" in client.get(URL).text


def test_pending_and_decided_requests_show_with_status_and_reason(client, volunteer, volunteer_person, serang_staff):
    pending = services.change_request_create(
        record=volunteer_person, requested_by=volunteer, new_values={"birth_place": "Pandeglang"}
    )
    rejected = services.change_request_create(
        record=volunteer_person, requested_by=volunteer, new_values={"full_name": "Ani W."}
    )
    services.change_request_reject(change_request=rejected, acting_user=serang_staff, reason="Tidak sesuai KTP.")
    client.force_login(volunteer)

    response = client.get(URL)

    assert "Pandeglang" in response.text
    assert "menunggu" in response.text
    assert reverse("volunteer:change_request_withdraw", args=[pending.pk]) in response.text
    assert "ditolak" in response.text.lower()
    assert "Tidak sesuai KTP." in response.text


def test_does_not_show_another_volunteers_data(client, volunteer, neighbour, neighbour_membership):
    client.force_login(volunteer)
    response = client.get(URL)

    assert neighbour.full_name not in response.text
    assert neighbour.nik not in response.text
    assert "KTA-BUDI" not in response.text


def test_login_without_person_gets_a_friendly_404(client, no_role_user):
    client.force_login(no_role_user)
    response = client.get(URL)

    assert response.status_code == 404
    assert "belum terhubung dengan data relawan" in response.text
    assert "tanpa-peran" in response.text


def test_staff_without_person_go_to_the_admin(client, serang_staff):
    client.force_login(serang_staff)
    assert client.get(URL).url == reverse("admin:index")


def test_coordinator_without_person_goes_to_their_units(client, tksk_coordinator):
    client.force_login(tksk_coordinator)
    assert client.get(URL).url == reverse("volunteer:unit_list")


def test_anonymous_goes_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_wrong_method_is_405(client, volunteer):
    client.force_login(volunteer)
    assert client.post(URL).status_code == 405


def test_nav_shows_volunteer_links_and_units_only_to_coordinators(client, volunteer, kt_chair):
    client.force_login(volunteer)
    response = client.get(URL)
    assert reverse("volunteer:change_request_list") in response.text
    assert reverse("volunteer:unit_list") not in response.text

    client.force_login(kt_chair)
    assert reverse("volunteer:unit_list") in client.get(URL).text


def test_english_switch(client, volunteer):
    client.force_login(volunteer)
    assert '<html lang="id">' in client.get(URL).text

    client.post(reverse("set_language"), {"language": "en", "next": URL})
    response = client.get(URL)

    assert response.status_code == 200
    assert '<html lang="en">' in response.text


@pytest.mark.skipif(not COMPILED_CATALOG.exists(), reason="English catalog not compiled: run `make setup`")
def test_english_switch_translates_the_page(client, volunteer, volunteer_membership):
    client.force_login(volunteer)
    client.post(reverse("set_language"), {"language": "en", "next": URL})
    response = client.get(URL)

    assert "My data" in response.text
    assert "No events or trainings yet." in response.text
    assert "Request a correction" in response.text
    assert "verified" in response.text


def test_query_count_is_flat(client, volunteer, volunteer_person, django_assert_max_num_queries):
    client.force_login(volunteer)

    def add(n: int) -> None:
        for _ in range(n):
            MembershipFactory(person=volunteer_person)
            services.change_request_create(
                record=volunteer_person, requested_by=volunteer, new_values={"birth_place": "Lebak"}
            )

    add(1)
    with django_assert_max_num_queries(11), CaptureQueriesContext(connection) as small:
        client.get(URL)
    add(8)
    with django_assert_max_num_queries(11), CaptureQueriesContext(connection) as large:
        client.get(URL)
    assert len(large) == len(small)


def test_volunteer_sees_the_trainings_they_attended(client, volunteer, volunteer_person):
    from forums.tests.factories import EventFactory, ParticipationFactory

    ParticipationFactory(
        event=EventFactory(title="Bimtek Pendampingan Lansia"), person=volunteer_person, certificate=True
    )
    ParticipationFactory(event=EventFactory(title="Rakor Orang Lain"))  # someone else's event
    client.force_login(volunteer)

    response = client.get(URL)

    assert "Bimtek Pendampingan Lansia" in response.text
    assert "bersertifikat" in response.text
    assert "Rakor Orang Lain" not in response.text
    assert "Belum ada data kegiatan atau pelatihan." not in response.text
