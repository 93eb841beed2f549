"""Permintaan Saya: the requests a user filed, pending and decided, with the decision's reason."""

from __future__ import annotations

import pytest
from django.urls import reverse

from registry import services

pytestmark = pytest.mark.django_db
URL = reverse("volunteer:change_request_list")


def test_volunteer_sees_their_requests_and_the_decision(client, volunteer, volunteer_person, serang_staff):
    services.change_request_create(
        record=volunteer_person, requested_by=volunteer, new_values={"birth_place": "Pandeglang"}
    )
    rejected = services.change_request_create(
        record=volunteer_person, requested_by=volunteer, new_values={"full_name": "Ani W."}
    )
    services.change_request_reject(
        change_request=rejected, acting_user=serang_staff, reason="Nama sesuai KTP sudah benar."
    )
    client.force_login(volunteer)

    response = client.get(URL)

    assert response.status_code == 200
    assert "Pandeglang" in response.text
    assert "Ani W." in response.text
    assert "Nama sesuai KTP sudah benar." in response.text
    assert response.text.count("Batalkan permintaan") == 1  # only the pending one can be withdrawn


def test_approved_request_shows_as_approved(client, volunteer, volunteer_person, serang_staff):
    request = services.change_request_create(
        record=volunteer_person, requested_by=volunteer, new_values={"birth_place": "Pandeglang"}
    )
    services.change_request_approve(change_request=request, acting_user=serang_staff)
    client.force_login(volunteer)

    assert "Disetujui pada" in client.get(URL).text


def test_other_volunteers_requests_are_not_listed(client, volunteer, neighbour):
    services.change_request_create(
        record=neighbour, requested_by=neighbour.account, new_values={"birth_place": "Tangerang"}
    )
    client.force_login(volunteer)

    response = client.get(URL)

    assert "Tangerang" not in response.text
    assert "Belum ada permintaan perubahan." in response.text


def test_coordinator_sees_requests_filed_for_members(client, kt_chair, kt_member):
    services.change_request_create(record=kt_member, requested_by=kt_chair, new_values={"position": "Bendahara"})
    client.force_login(kt_chair)

    response = client.get(URL)

    assert "Bendahara" in response.text
    assert kt_member.person.full_name in response.text


def test_user_without_person_or_unit_gets_the_friendly_page(client, no_role_user):
    client.force_login(no_role_user)
    assert client.get(URL).status_code == 404


def test_anonymous_goes_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_wrong_method_is_405(client, volunteer):
    client.force_login(volunteer)
    assert client.post(URL).status_code == 405
