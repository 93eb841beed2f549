"""A coordinator adds a member: an existing person is found by NIK (never duplicated), a new one is entered;
both wait unverified, and the recap does not count them until Dinas Sosial verifies."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.urls import reverse

from registry.models import Membership, Person, Verification
from registry.nik import FEMALE, MALE, build_nik
from registry.recap import psks_recap
from registry.tests.factories import LEBAK_VILLAGE, PersonFactory

from .conftest import CIPOCOK_JAYA

pytestmark = pytest.mark.django_db
NEW_NIK = build_nik(CIPOCOK_JAYA, dt.date(1990, 5, 1), MALE, 77)
CIPOCOK_VILLAGE = "36.73.05.1001"


def add_url(unit, kind: str = "lembaga") -> str:
    return reverse("volunteer:roster_add", kwargs={"kind": kind, "key": unit.pk if kind == "lembaga" else unit})


def new_person_data(**changes) -> dict:
    return {
        "step": "save",
        "nik": NEW_NIK,
        "full_name": "Eko  Prasetyo",
        "sex": MALE,
        "birth_place": "Serang",
        "birth_date": "1990-05-01",
        "village": CIPOCOK_VILLAGE,
        "address": "Kp. Baru RT 01/RW 01",
        "phone": "0812 7777 0000",
        "position": "Anggota",
        "start_date": "2026-01-05",
        "confirm_warnings": "False",
    } | changes


def test_lookup_finds_an_existing_person_and_shows_the_name_only(client, kt_chair, karang_taruna):
    other = PersonFactory(full_name="Fajar Dari Lebak", village_code=LEBAK_VILLAGE, phone="+6281255550000")
    client.force_login(kt_chair)
    assert client.get(add_url(karang_taruna)).status_code == 200

    response = client.post(add_url(karang_taruna), {"step": "lookup", "nik": other.nik})

    assert response.status_code == 200
    assert "Fajar Dari Lebak" in response.text
    assert "+6281255550000" not in response.text
    assert other.address not in response.text
    assert 'name="full_name"' not in response.text  # no person form: the record exists


def test_coordinator_adds_an_existing_person_without_duplicating_them(client, kt_chair, karang_taruna):
    other = PersonFactory(full_name="Fajar Dari Lebak", village_code=LEBAK_VILLAGE)
    persons = Person.objects.count()
    client.force_login(kt_chair)

    response = client.post(
        add_url(karang_taruna),
        {"step": "save", "nik": other.nik, "position": "Anggota", "start_date": "2026-01-05"},
        follow=True,
    )

    assert "Fajar Dari Lebak ditambahkan ke Karang Taruna Unit A" in response.text
    assert Person.objects.count() == persons
    membership = Membership.objects.get(person=other)
    assert membership.institution == karang_taruna
    assert membership.psks_type_id == "KT"
    assert membership.verification == Verification.UNVERIFIED
    assert membership.history.first().history_user == kt_chair
    other.refresh_from_db()
    assert other.verification == Verification.VERIFIED  # the person's own record is untouched
    assert "belum diverifikasi" in response.text


def test_coordinator_adds_a_new_person_unverified(client, kt_chair, karang_taruna):
    client.force_login(kt_chair)
    response = client.post(add_url(karang_taruna), {"step": "lookup", "nik": NEW_NIK})
    assert 'name="full_name"' in response.text
    assert f'value="{NEW_NIK}"' in response.text

    response = client.post(add_url(karang_taruna), new_person_data())

    assert response.status_code == 302
    person = Person.objects.get(nik=NEW_NIK)
    assert person.full_name == "Eko Prasetyo"
    assert person.verification == Verification.UNVERIFIED
    assert person.phone == "+6281277770000"
    assert person.regency_id == "36.73"
    membership = person.memberships.get()
    assert (membership.institution, membership.verification, membership.position) == (
        karang_taruna,
        Verification.UNVERIFIED,
        "Anggota",
    )


def test_nik_rules_apply_at_lookup(client, kt_chair, karang_taruna):
    client.force_login(kt_chair)
    response = client.post(add_url(karang_taruna), {"step": "lookup", "nik": "367305010590007"})

    assert "NIK harus 16 digit; tertulis 15 digit." in response.text


def test_nik_warnings_need_confirmation(client, kt_chair, karang_taruna):
    client.force_login(kt_chair)
    data = new_person_data(sex=FEMALE)

    response = client.post(add_url(karang_taruna), data)
    assert response.status_code == 200
    assert "Menurut NIK jenis kelaminnya laki-laki" in response.text
    assert not Person.objects.filter(nik=NEW_NIK).exists()

    response = client.post(add_url(karang_taruna), data | {"confirm_warnings": "on"})
    assert response.status_code == 302
    assert Person.objects.get(nik=NEW_NIK).sex == FEMALE


def test_village_outside_the_units_area_is_refused(client, tksk_coordinator):
    """A kecamatan unit: the new member lives in that kecamatan (here a forged Lebak village)."""
    client.force_login(tksk_coordinator)
    response = client.post(add_url(CIPOCOK_JAYA, "kecamatan"), new_person_data(village=LEBAK_VILLAGE, psks_type="PSM"))

    assert response.status_code == 200
    assert 'class="select form-select is-invalid"' in response.text  # the village field
    assert not Person.objects.filter(nik=NEW_NIK).exists()


def test_kecamatan_unit_offers_person_types_only(client, tksk_coordinator):
    client.force_login(tksk_coordinator)
    response = client.post(add_url(CIPOCOK_JAYA, "kecamatan"), {"step": "lookup", "nik": NEW_NIK})
    assert 'value="PSM"' in response.text
    assert 'value="TKSK"' not in response.text

    response = client.post(add_url(CIPOCOK_JAYA, "kecamatan"), new_person_data(psks_type="TKSK"))
    assert response.status_code == 200
    assert not Person.objects.filter(nik=NEW_NIK).exists()

    response = client.post(add_url(CIPOCOK_JAYA, "kecamatan"), new_person_data(psks_type="PSM"))
    assert response.status_code == 302
    membership = Membership.objects.get(person__nik=NEW_NIK)
    assert (membership.psks_type_id, membership.district_id) == ("PSM", CIPOCOK_JAYA)


def test_forged_type_and_verification_are_ignored_and_logged(client, kt_chair, karang_taruna, caplog):
    client.force_login(kt_chair)
    with caplog.at_level(logging.WARNING, logger="pskshub.volunteer"):
        response = client.post(
            add_url(karang_taruna), new_person_data(psks_type="PSM", verification="verified", institution="999")
        )

    assert response.status_code == 302
    membership = Membership.objects.get(person__nik=NEW_NIK)
    assert membership.psks_type_id == "KT"
    assert membership.institution == karang_taruna
    assert membership.verification == membership.person.verification == Verification.UNVERIFIED
    assert "institution, psks_type, verification" in caplog.text


def test_an_active_member_cannot_be_added_twice(client, kt_chair, karang_taruna, kt_member):
    client.force_login(kt_chair)
    response = client.post(
        add_url(karang_taruna), {"step": "save", "nik": kt_member.person.nik, "start_date": "2026-01-05"}
    )

    assert response.status_code == 200
    assert "sudah memiliki keanggotaan Karang Taruna aktif yang sama" in response.text
    assert kt_member.person.memberships.count() == 1


def test_recap_does_not_count_the_unverified_new_member(client, tksk_coordinator, neighbour, province_staff):
    def psm_in_kota_serang() -> int:
        recap = psks_recap(province_staff)
        column = [r.code for r in recap.regions].index("36.73")
        return next(row for row in recap.rows if row.psks_type.code == "PSM").counts[column]

    before = psm_in_kota_serang()
    client.force_login(tksk_coordinator)
    client.post(add_url(CIPOCOK_JAYA, "kecamatan"), new_person_data(psks_type="PSM"))
    client.post(
        add_url(CIPOCOK_JAYA, "kecamatan"),
        {"step": "save", "nik": neighbour.nik, "psks_type": "PSM", "start_date": "2026-01-05"},
    )

    assert Membership.objects.filter(psks_type="PSM", district_id=CIPOCOK_JAYA).count() == 2
    assert psm_in_kota_serang() == before

    Membership.objects.filter(person=neighbour).update(verification=Verification.VERIFIED)
    assert psm_in_kota_serang() == before + 1  # counted once Dinas Sosial verifies it


def test_coordinator_cannot_add_to_a_unit_that_is_not_theirs(client, lks_chair, karang_taruna, caplog):
    client.force_login(lks_chair)
    with caplog.at_level(logging.WARNING, logger="pskshub.volunteer"):
        response = client.post(add_url(karang_taruna), new_person_data())

    assert response.status_code == 404
    assert not Person.objects.filter(nik=NEW_NIK).exists()
    assert f"/relawan/unit/lembaga/{karang_taruna.pk}/tambah/" in caplog.text


def test_volunteer_who_coordinates_nothing_gets_403(client, volunteer, karang_taruna):
    client.force_login(volunteer)
    assert client.post(add_url(karang_taruna), new_person_data()).status_code == 403
    assert not Person.objects.filter(nik=NEW_NIK).exists()


def test_anonymous_goes_to_login(client, karang_taruna):
    assert client.post(add_url(karang_taruna), new_person_data()).url.startswith(reverse("login"))


def test_wrong_method_is_405(client, kt_chair, karang_taruna):
    client.force_login(kt_chair)
    assert client.put(add_url(karang_taruna)).status_code == 405


def test_nik_of_a_registered_person_typed_in_the_new_person_form_adds_nothing_yet(client, kt_chair, karang_taruna):
    """Step 2 of a new person, but the NIK now typed is someone else's: show that person, save nothing."""
    other = PersonFactory(full_name="Gita Terdaftar")
    client.force_login(kt_chair)

    response = client.post(add_url(karang_taruna), new_person_data(nik=other.nik))

    assert response.status_code == 200
    assert "Gita Terdaftar" in response.text
    assert not Membership.objects.filter(person=other).exists()
    assert not Person.objects.filter(full_name="Eko Prasetyo").exists()


def test_nik_lookups_are_logged_masked(client, kt_chair, karang_taruna, caplog):
    client.force_login(kt_chair)
    with caplog.at_level(logging.INFO, logger="pskshub.volunteer"):
        client.post(add_url(karang_taruna), {"step": "lookup", "nik": NEW_NIK})

    assert "looked up NIK 3673••••••••0077" in caplog.text
    assert NEW_NIK not in caplog.text
