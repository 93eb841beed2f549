"""A volunteer asks Dinas Sosial to correct their official data; nothing changes until staff approve."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from registry import services
from registry.models import ChangeRequest, Person
from registry.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
URL = reverse("volunteer:change_request_create")


def post_data(person: Person, **changes) -> dict:
    return {
        "nik": person.nik,
        "full_name": person.full_name,
        "sex": person.sex,
        "birth_place": person.birth_place,
        "birth_date": person.birth_date.isoformat(),
        "note": "",
        "expected_version": person.version,
        "confirm_warnings": "False",
    } | changes


def test_form_is_prefilled_with_the_official_data(client, volunteer, volunteer_person):
    client.force_login(volunteer)
    response = client.get(URL)

    assert response.status_code == 200
    assert f'value="{volunteer_person.nik}"' in response.text
    assert 'value="1985-03-12"' in response.text
    assert 'type="checkbox"' not in response.text  # the NIK confirmation appears only with a warning


def test_birth_date_correction_needs_confirmation_then_is_filed(client, volunteer, volunteer_person):
    """The NIK says 12-03-85; asking for the 13th is a warning the volunteer must confirm."""
    client.force_login(volunteer)
    data = post_data(volunteer_person, birth_date="1985-03-13", note="Sesuai akta kelahiran.")

    response = client.post(URL, data)
    assert response.status_code == 200
    assert "Menurut NIK tanggal lahirnya" in response.text
    assert 'type="checkbox"' in response.text
    assert not ChangeRequest.objects.exists()

    response = client.post(URL, data | {"confirm_warnings": "on"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("volunteer:my_data")
    assert "Permintaan perubahan dikirim ke Dinas Sosial Kota Serang" in response.text
    request = ChangeRequest.objects.get()
    assert request.status == ChangeRequest.Status.PENDING
    assert request.changes == {"birth_date": {"old": "1985-03-12", "new": "1985-03-13"}}
    assert request.note == "Sesuai akta kelahiran."
    assert request.regency_id == "36.73"
    assert request.requested_by == volunteer
    assert request.membership is None
    volunteer_person.refresh_from_db()
    assert str(volunteer_person.birth_date) == "1985-03-12"  # unchanged until approved
    assert "13-03-1985" in response.text  # the pending request is shown on Data Saya


def test_nothing_different_files_nothing(client, volunteer, volunteer_person):
    client.force_login(volunteer)
    response = client.post(URL, post_data(volunteer_person, full_name="  Ani   Wulandari "), follow=True)

    assert "Tidak ada perubahan." in response.text
    assert not ChangeRequest.objects.exists()


def test_nik_rules_apply(client, volunteer, volunteer_person):
    other = PersonFactory()
    client.force_login(volunteer)

    response = client.post(URL, post_data(volunteer_person, nik="36730512038500"))
    assert "NIK harus 16 digit; tertulis 14 digit." in response.text

    response = client.post(URL, post_data(volunteer_person, nik=other.nik))
    assert "NIK ini sudah terdaftar untuk relawan lain." in response.text
    assert not ChangeRequest.objects.exists()


def test_request_built_on_older_data_is_refused(client, volunteer, volunteer_person, serang_staff):
    """Filing the old birth place with a name change would undo the change staff made meanwhile."""
    client.force_login(volunteer)
    opened = post_data(volunteer_person, full_name="Ani Wulandari Putri")
    record = Person.objects.get(pk=volunteer_person.pk)
    record.birth_place = "Cilegon"
    services.record_save(record=record, acting_user=serang_staff, expected_version=1)

    response = client.post(URL, opened)

    assert response.status_code == 200
    assert "ditolak agar perubahan itu tidak tertimpa" in response.text
    assert "Cilegon" in response.text
    assert not ChangeRequest.objects.exists()


def test_forged_field_is_ignored_and_logged(client, volunteer, volunteer_person, caplog):
    client.force_login(volunteer)
    with caplog.at_level(logging.WARNING, logger="pskshub.volunteer"):
        client.post(URL, post_data(volunteer_person, birth_place="Lebak", verification="verified", village="x"))

    request = ChangeRequest.objects.get()
    assert set(request.changes) == {"birth_place"}
    volunteer_person.refresh_from_db()
    assert volunteer_person.birth_place == "Serang"
    assert "verification, village" in caplog.text


def test_user_without_person_gets_the_friendly_page(client, forum_officer):
    client.force_login(forum_officer)
    assert client.get(URL).status_code == 404


def test_anonymous_goes_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_wrong_method_is_405(client, volunteer):
    client.force_login(volunteer)
    assert client.put(URL).status_code == 405
