"""A volunteer corrects their contacts at once; official fields cannot ride along; no lost updates."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from registry import services
from registry.models import Person

pytestmark = pytest.mark.django_db
URL = reverse("volunteer:contacts_update")


def post_data(person: Person, **changes) -> dict:
    return {
        "phone": "0812-3456 7890",
        "email": "ani@example.org",
        "address": "Jl. Baru No. 5",
        "expected_version": person.version,
        **changes,
    }


def test_volunteer_updates_their_contacts(client, volunteer, volunteer_person):
    client.force_login(volunteer)
    assert client.get(URL).status_code == 200

    response = client.post(URL, post_data(volunteer_person), follow=True)

    assert response.redirect_chain[-1][0] == reverse("volunteer:my_data")
    assert "Kontak diperbarui." in response.text
    volunteer_person.refresh_from_db()
    assert volunteer_person.phone == "+6281234567890"
    assert volunteer_person.email == "ani@example.org"
    assert volunteer_person.address == "Jl. Baru No. 5"
    assert volunteer_person.version == 2
    assert volunteer_person.history.first().history_user == volunteer


def test_bad_phone_is_refused_with_a_message(client, volunteer, volunteer_person):
    client.force_login(volunteer)
    response = client.post(URL, post_data(volunteer_person, phone="12ab"))

    assert response.status_code == 200
    assert "is-invalid" in response.text
    volunteer_person.refresh_from_db()
    assert volunteer_person.phone == "+6281200000001"


def test_lost_update_is_refused(client, volunteer, volunteer_person, serang_staff):
    """Two tabs: the form is opened at version 1, someone else saves, the old form is submitted."""
    client.force_login(volunteer)
    opened_at = volunteer_person.version
    services.person_update_contacts(
        person=Person.objects.get(pk=volunteer_person.pk),
        acting_user=serang_staff,
        expected_version=opened_at,
        phone="+6281298765432",
        email="",
        address="Jl. Staf No. 9",
    )

    response = client.post(URL, post_data(volunteer_person, expected_version=opened_at))

    assert response.status_code == 200
    assert "ditolak agar perubahan itu tidak tertimpa" in response.text
    assert "Jl. Staf No. 9" in response.text  # what changed meanwhile is shown
    volunteer_person.refresh_from_db()
    assert volunteer_person.phone == "+6281298765432"
    assert volunteer_person.address == "Jl. Staf No. 9"


def test_forged_official_fields_are_ignored_and_logged(client, volunteer, volunteer_person, caplog):
    client.force_login(volunteer)
    nik, name = volunteer_person.nik, volunteer_person.full_name

    with caplog.at_level(logging.WARNING, logger="pskshub.volunteer"):
        response = client.post(
            URL,
            post_data(volunteer_person, nik="3673050101900001", full_name="Nama Palsu", verification="verified"),
            follow=True,
        )

    assert "tidak dapat diubah di halaman ini" in response.text
    volunteer_person.refresh_from_db()
    assert (volunteer_person.nik, volunteer_person.full_name) == (nik, name)
    assert volunteer_person.phone == "+6281234567890"  # the real contacts were saved
    assert "full_name, nik, verification" in caplog.text


def test_user_without_person_gets_the_friendly_page(client, no_role_user):
    client.force_login(no_role_user)
    response = client.post(URL, {"phone": "081234567890", "address": "x", "expected_version": 1})
    assert response.status_code == 404
    assert "belum terhubung" in response.text


def test_anonymous_goes_to_login(client):
    response = client.post(URL, {"phone": "081234567890"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_wrong_method_is_405(client, volunteer):
    client.force_login(volunteer)
    assert client.put(URL).status_code == 405
