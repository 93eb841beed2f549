"""Adding a volunteer in the admin: what the officer sees for a wrong NIK, a NIK warning, a bad phone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from registry.models import Person
from registry.nik import FEMALE, MALE, build_nik
from registry.tests.factories import SERANG_VILLAGE, PersonFactory

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:registry_person_add")
BIRTH = dt.date(1985, 3, 12)
NIK = build_nik("36.73.05", BIRTH, MALE, 12)  # 3673051203850012
RANGKASBITUNG_BARAT = "36.02.14.1002"  # Kec. Rangkasbitung, Kabupaten Lebak
CONFIRM = "Centang kotak ini untuk menyimpan meski ada peringatan di atas."
INLINE = {
    "memberships-TOTAL_FORMS": "0",
    "memberships-INITIAL_FORMS": "0",
    "memberships-MIN_NUM_FORMS": "0",
    "memberships-MAX_NUM_FORMS": "1000",
}


def person_data(**overrides) -> dict[str, str]:
    data = {
        "nik": NIK,
        "full_name": "Ahmad Fauzi",
        "sex": MALE,
        "birth_place": "Serang",
        "birth_date": BIRTH.isoformat(),
        "village": SERANG_VILLAGE,
        "address": "Jl. Raya Petir No. 5, RT 02/RW 03",
        "phone": "0812-3456-7890",
        "email": "",
        "education": "sma",
        "status": Person.Status.ACTIVE,
        "status_date": "",
        "status_reason": "",
        "verification": "unverified",
        "notes": "",
        **INLINE,
    }
    data.update(overrides)
    return data


@pytest.fixture
def staff_client(client, province_staff):
    client.force_login(province_staff)
    return client


def shows(response, text: str) -> bool:
    return escape(text) in response.content.decode()


def assert_refused(response, *messages: str) -> None:
    assert response.status_code == 200, "a refused form is shown again, not redirected"
    for message in messages:
        assert shows(response, message), message
    assert Person.objects.count() == 0


def test_valid_man_is_saved_with_normalised_phone(staff_client):
    response = staff_client.post(ADD_URL, person_data())
    assert response.status_code == 302
    person = Person.objects.get()
    assert person.nik == NIK
    assert person.full_name == "Ahmad Fauzi"
    assert person.phone == "+6281234567890"
    assert (person.district_id, person.regency_id) == ("36.73.05", "36.73")


def test_nik_typed_with_spaces_and_name_with_extra_spaces_are_cleaned(staff_client):
    response = staff_client.post(ADD_URL, person_data(nik="3673 0512 0385 0012", full_name="  Ahmad   Fauzi "))
    assert response.status_code == 302
    person = Person.objects.get()
    assert (person.nik, person.full_name) == ("3673051203850012", "Ahmad Fauzi")


def test_valid_woman_is_saved(staff_client):
    nik = build_nik("36.73.05", BIRTH, FEMALE, 13)
    response = staff_client.post(ADD_URL, person_data(nik=nik, sex=FEMALE, full_name="Siti Aminah"))
    assert response.status_code == 302
    assert Person.objects.get().sex == FEMALE


def test_nik_of_another_kecamatan_than_domicile_saves_without_warning(staff_client):
    # Registered in Rangkasbitung (Lebak), now living in Kota Serang: the NIK does not move.
    nik = build_nik("36.02.14", BIRTH, MALE, 7)
    response = staff_client.post(ADD_URL, person_data(nik=nik))
    assert response.status_code == 302
    assert Person.objects.get().nik == nik


@pytest.mark.parametrize(
    ("nik", "message"),
    [
        ("36730512038500AB", "NIK hanya boleh berisi angka; ditemukan: AB."),
        ("367305120385001", "NIK harus 16 digit; tertulis 15 digit."),
        ("36730512038500123", "NIK harus 16 digit; tertulis 17 digit."),
        ("9973051203850012", "Dua digit pertama NIK (99) bukan kode provinsi yang ada."),
        ("3673053203850012", "Digit 7–12 NIK (320385) bukan tanggal lahir yang sah."),
        ("3673051213850012", "Digit 7–12 NIK (121385) bukan tanggal lahir yang sah."),
        ("3673053002850012", "Digit 7–12 NIK (300285) bukan tanggal lahir yang sah."),
        ("3673057203850012", "Digit 7–12 NIK (720385) bukan tanggal lahir yang sah."),
        ("367305¹²03850012", "NIK hanya boleh berisi angka; ditemukan: ²¹."),
    ],
)
def test_invalid_nik_is_refused_with_its_message(staff_client, nik, message):
    assert_refused(staff_client.post(ADD_URL, person_data(nik=nik)), message)


@pytest.mark.parametrize(
    ("nik", "message"),
    [
        ("36730512038500123", "NIK harus 16 digit; tertulis 17 digit."),
        ("3673 0512 0385 0012 9999", "NIK harus 16 digit; tertulis 20 digit."),
    ],
)
def test_too_long_nik_gets_one_message_not_two(staff_client, nik, message):
    response = staff_client.post(ADD_URL, person_data(nik=nik))
    assert response.context["adminform"].form.errors["nik"] == [message]
    assert not shows(response, "paling banyak 16 karakter")


def test_nik_with_future_birth_date_is_refused(staff_client):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    if tomorrow.year != timezone.localdate().year:
        pytest.skip("on 31 December no later date has this year's two digits")
    nik = build_nik("36.73.05", tomorrow, MALE, 1)
    response = staff_client.post(ADD_URL, person_data(nik=nik, birth_date=tomorrow.isoformat()))
    assert_refused(response, "ada di masa depan.", "Tanggal lahir tidak boleh di masa depan.")


def test_empty_nik_is_refused(staff_client):
    assert_refused(staff_client.post(ADD_URL, person_data(nik="")), "Bidang ini tidak boleh kosong.")


def test_duplicate_nik_is_refused(staff_client):
    PersonFactory(nik=NIK, full_name="Relawan Lama")
    response = staff_client.post(ADD_URL, person_data())
    assert response.status_code == 200
    assert shows(response, "NIK ini sudah terdaftar untuk relawan lain.")
    assert list(Person.objects.values_list("full_name", flat=True)) == ["Relawan Lama"]


def test_duplicate_nik_typed_with_spaces_is_refused(staff_client):
    PersonFactory(nik=NIK)
    response = staff_client.post(ADD_URL, person_data(nik="3673 0512 0385 0012"))
    assert shows(response, "NIK ini sudah terdaftar untuk relawan lain.")
    assert Person.objects.count() == 1


SEX_WARNING = "Menurut NIK jenis kelaminnya laki-laki, tetapi formulir menyatakan perempuan."
DATE_WARNING = "Menurut NIK tanggal lahirnya 12-03-85, tetapi formulir menyatakan 13-03-1985."
KECAMATAN_WARNING = (
    "Kode kecamatan pada NIK (369999) tidak ada dalam daftar kecamatan nasional saat ini. "
    "Periksa kembali; NIK bisa berasal dari sebelum pemekaran wilayah."
)


@pytest.mark.parametrize(
    ("overrides", "warning"),
    [
        ({"sex": FEMALE}, SEX_WARNING),
        ({"birth_date": "1985-03-13"}, DATE_WARNING),
        ({"nik": "3699991203850012"}, KECAMATAN_WARNING),
    ],
    ids=["sex", "birth-date", "kecamatan"],
)
def test_nik_warning_stops_the_save_until_confirmed(staff_client, overrides, warning):
    response = staff_client.post(ADD_URL, person_data(**overrides))
    assert_refused(response, warning, CONFIRM)

    response = staff_client.post(ADD_URL, person_data(confirm_warnings="on", **overrides))
    assert response.status_code == 302
    person = Person.objects.get()
    assert person.nik == overrides.get("nik", NIK)


def test_warning_confirmed_keeps_what_the_officer_typed(staff_client):
    staff_client.post(ADD_URL, person_data(sex=FEMALE, birth_date="1985-03-13", confirm_warnings="on"))
    person = Person.objects.get()
    assert (person.sex, person.birth_date) == (FEMALE, dt.date(1985, 3, 13))


def test_all_warnings_are_listed_each_on_its_own(staff_client):
    response = staff_client.post(ADD_URL, person_data(nik="3699991203850012", sex=FEMALE, birth_date="1985-03-13"))
    assert_refused(
        response,
        KECAMATAN_WARNING,
        SEX_WARNING,
        DATE_WARNING,
        CONFIRM,
    )


def test_no_warning_box_error_when_nik_agrees(staff_client):
    response = staff_client.post(ADD_URL, person_data(phone="12"))  # refused for the phone only
    assert response.status_code == 200
    assert not shows(response, CONFIRM)


def test_confirmation_does_not_override_a_nik_error(staff_client):
    response = staff_client.post(ADD_URL, person_data(nik="9973051203850012", confirm_warnings="on"))
    assert_refused(response, "Dua digit pertama NIK (99) bukan kode provinsi yang ada.")


@pytest.mark.parametrize(
    ("phone", "message"),
    [
        (
            "0812-ABCD-7890",
            "Nomor telepon hanya boleh berisi angka (boleh dengan spasi, tanda hubung, atau + di depan).",
        ),
        ("+1 202 555 0100", "Hanya nomor Indonesia (+62) yang diterima."),
        ("812 3456 7890", "Nomor telepon harus diawali 0, 62, atau +62."),
        ("0812345", "Nomor telepon 0812345 tidak lengkap atau terlalu panjang."),
        ("08111111111", "Nomor telepon 08111111111 tidak masuk akal."),
    ],
)
def test_malformed_phone_is_refused(staff_client, phone, message):
    assert_refused(staff_client.post(ADD_URL, person_data(phone=phone)), message)


def test_phone_may_be_left_empty(staff_client):
    assert staff_client.post(ADD_URL, person_data(phone="")).status_code == 302
    assert Person.objects.get().phone == ""


def test_status_moved_needs_date_and_reason(staff_client):
    response = staff_client.post(ADD_URL, person_data(status=Person.Status.MOVED))
    assert_refused(response, "Isi tanggal perubahan status.", "Isi alasan perubahan status.")


def test_status_moved_with_date_and_reason_saves(staff_client):
    response = staff_client.post(
        ADD_URL,
        person_data(status=Person.Status.MOVED, status_date="2025-01-15", status_reason="Pindah ke Kabupaten Lebak"),
    )
    assert response.status_code == 302
    assert Person.objects.get().status == Person.Status.MOVED


def test_status_date_in_the_future_is_refused(staff_client):
    future = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    response = staff_client.post(
        ADD_URL, person_data(status=Person.Status.INACTIVE, status_date=future, status_reason="Sakit")
    )
    assert_refused(response, "Tanggal status tidak boleh di masa depan.")


def test_birth_date_in_the_future_is_refused(staff_client):
    future = timezone.localdate() + dt.timedelta(days=2)
    response = staff_client.post(ADD_URL, person_data(birth_date=future.isoformat(), confirm_warnings="on"))
    assert_refused(response, "Tanggal lahir tidak boleh di masa depan.")


def test_village_decides_district_and_regency(staff_client):
    assert staff_client.post(ADD_URL, person_data(village=RANGKASBITUNG_BARAT)).status_code == 302
    person = Person.objects.get()
    assert (person.district_id, person.regency_id) == ("36.02.14", "36.02")


def test_add_form_shows_the_confirmation_box(staff_client):
    response = staff_client.get(ADD_URL)
    assert response.status_code == 200
    assert shows(response, "Saya sudah memeriksa peringatan NIK dan tetap ingin menyimpan.")
    assert 'name="confirm_warnings"' in response.content.decode()


def membership_rows(*rows: dict[str, str]) -> dict[str, str]:
    data = {**INLINE, "memberships-TOTAL_FORMS": str(len(rows))}
    for i, row in enumerate(rows):
        fields = {"psks_type": "PSM", "start_date": "2024-01-02", "status": "active", "verification": "unverified"}
        data.update({f"memberships-{i}-{key}": value for key, value in {**fields, **row}.items()})
    return data


def test_two_active_tksk_rows_for_one_kecamatan_in_one_save_are_refused(staff_client):
    rows = membership_rows({"psks_type": "TKSK", "district": "36.73.05"}, {"psks_type": "TKSK", "district": "36.73.05"})
    response = staff_client.post(ADD_URL, person_data(**rows))
    assert_refused(response, "Kecamatan Cipocok Jaya tercantum untuk dua TKSK aktif.")


def test_the_same_active_membership_twice_in_one_save_is_refused(staff_client):
    response = staff_client.post(ADD_URL, person_data(**membership_rows({}, {})))
    assert_refused(response, "Keanggotaan PSM aktif yang sama tercantum dua kali.")


def test_two_memberships_of_different_types_in_one_save_are_kept(staff_client):
    rows = membership_rows({"psks_type": "PSM"}, {"psks_type": "TKSK", "district": "36.73.05"})
    response = staff_client.post(ADD_URL, person_data(**rows))
    assert response.status_code == 302
    assert sorted(Person.objects.get().memberships.values_list("psks_type", flat=True)) == ["PSM", "TKSK"]
