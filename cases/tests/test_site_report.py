"""Reporting a case on the volunteer site (/relawan/kasus/lapor/): the story of issue 5 and its bad inputs."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Beneficiary, Case, CaseEntry, CasePhoto
from cases.tests import site_personas
from cases.tests.factories import BeneficiaryFactory, CaseFactory
from cases.tests.photo_files import exif_of, jpeg_upload, text_upload
from pskshub.tests.test_english import choose_english, needs_catalog
from registry.nik import build_nik
from registry.tests.factories import LEBAK_VILLAGE, SERANG_VILLAGE, PersonFactory

pytestmark = pytest.mark.django_db
URL = reverse("volunteer:case_report")
ELDERLY_BIRTH = dt.date(1948, 5, 17)


@pytest.fixture
def volunteer():
    return site_personas.volunteer()


@pytest.fixture
def tksk():
    return site_personas.tksk()


def report(**overrides) -> dict:
    data = {
        "nik": "",
        "full_name": "Mak Iyah",
        "sex": "P",
        "birth_date": "",
        "estimated_age": "78",
        "kk_number": "",
        "district": "",
        "village": SERANG_VILLAGE,
        "location_description": "Emperan Pasar Rau, dekat pos ojek",
        "category": "LUT",
        "description": "Nenek tidur di emperan pasar, tanpa KTP, tampak lemah.",
        "priority": "3",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _errors(response) -> list[str]:
    """The field errors shown under the fields (crispy-forms' markup)."""
    return [
        " ".join(m.split())
        for m in re.findall(r'id="error_\d+_id_\w+"[^>]*><strong>(.*?)</strong>', response.text, re.S)
    ]


def test_form_offers_only_villages_where_the_volunteer_may_report(client, volunteer):
    client.force_login(volunteer)
    response = client.get(URL)

    assert response.status_code == 200
    assert "Laporkan kasus" in response.text
    assert f'value="{SERANG_VILLAGE}"' in response.text
    assert f'value="{LEBAK_VILLAGE}"' not in response.text
    assert '<optgroup label="Cipocok Jaya">' in response.text  # grouped by kecamatan: usable without JS
    assert "js/case-report.js" in response.text
    assert 'enctype="multipart/form-data"' in response.text
    assert "Simpan lokasi (GPS) foto" in response.text


def test_volunteer_reports_a_case_with_estimated_age_and_a_photo(client, volunteer, tksk):
    client.force_login(volunteer)
    response = client.post(URL, report(photos=jpeg_upload("nenek.jpg")), follow=True)

    case = Case.objects.get()
    assert response.redirect_chain[-1][0] == reverse("volunteer:case_detail", args=[case.pk])
    assert "Laporan terkirim sebagai Kasus #" in response.text
    assert "Dinas Sosial Kota Serang" in response.text
    assert "Tono TKSK Cipocok" in response.text  # the reporter learns which TKSK receives it
    assert (case.status, case.reported_by, case.assignee, case.source) == ("new", volunteer, None, "volunteer")
    assert (case.regency_id, case.district_id, case.village_id) == ("36.73", "36.73.05", SERANG_VILLAGE)
    assert case.priority == Case.Priority.HIGH
    beneficiary = case.beneficiary
    assert (beneficiary.full_name, beneficiary.nik, beneficiary.sex) == ("Mak Iyah", None, "P")
    assert beneficiary.birth_date == Beneficiary.birth_date_from_age(78)
    assert beneficiary.birth_date_estimated is True
    assert beneficiary.location_description == "Emperan Pasar Rau, dekat pos ojek"
    assert beneficiary.created_by == volunteer
    assert list(beneficiary.categories.values_list("code", flat=True)) == ["LUT"]
    entry = case.entries.get()
    assert (entry.kind, entry.author) == (CaseEntry.Kind.REPORTED, volunteer)
    photo = CasePhoto.objects.get(entry=entry)
    assert photo.kept_location is False
    with photo.image.open("rb") as stored:
        assert exif_of(stored.read())[1] == {}  # GPS stripped before storing
    assert "/media/" not in response.text
    assert reverse("volunteer:case_photo", args=[photo.pk]) in response.text


def test_keep_location_keeps_the_gps_of_the_photo(client, volunteer):
    client.force_login(volunteer)
    client.post(URL, report(photos=jpeg_upload(), keep_location="on"))

    photo = CasePhoto.objects.get()
    assert photo.kept_location is True
    with photo.image.open("rb") as stored:
        assert exif_of(stored.read())[1]


def test_nik_gives_the_birth_date_when_none_is_typed(client, volunteer):
    nik = build_nik("36.73.05", ELDERLY_BIRTH, "P", 21)
    client.force_login(volunteer)
    client.post(URL, report(nik=nik, estimated_age=""))

    beneficiary = Beneficiary.objects.get()
    assert (beneficiary.nik, beneficiary.birth_date, beneficiary.birth_date_estimated) == (nik, ELDERLY_BIRTH, False)


def test_known_nik_attaches_the_case_to_the_beneficiary_after_confirmation(client, volunteer):
    BeneficiaryFactory()  # someone else
    existing = BeneficiaryFactory(full_name="Siti Aminah")
    client.force_login(volunteer)

    response = client.post(URL, report(nik=existing.nik, full_name="Nenek Siti", photos=jpeg_upload()))

    assert response.status_code == 200
    assert "NIK ini sudah terdaftar sebagai penerima manfaat" in response.text
    assert "S••• A•••••" in response.text
    assert "Siti Aminah" not in response.text  # nothing more than a masked name
    assert "Foto belum tersimpan: pilih lagi fotonya" in response.text
    assert not Case.objects.exists()
    token = re.search(r'name="confirm_existing" value="([0-9a-f]+)"', response.text)[1]

    response = client.post(URL, report(nik=existing.nik, full_name="Nenek Siti", confirm_existing=token), follow=True)

    case = Case.objects.get()
    assert case.beneficiary == existing
    assert Beneficiary.objects.count() == 2  # no duplicate made
    assert "Laporan dicatat untuk penerima manfaat yang sudah terdaftar dengan NIK ini." in response.text
    existing.refresh_from_db()
    assert existing.full_name == "Siti Aminah"  # the registered record is not overwritten by the report
    assert "Emperan Pasar Rau" in case.description


def test_a_forged_confirmation_does_not_attach(client, volunteer):
    existing = BeneficiaryFactory()
    client.force_login(volunteer)

    response = client.post(URL, report(nik=existing.nik, confirm_existing="0123456789abcdef0123"))

    assert "NIK ini sudah terdaftar sebagai penerima manfaat" in response.text
    assert not Case.objects.exists()


def test_similar_name_same_birth_date_and_village_needs_a_confirmation(client, volunteer):
    BeneficiaryFactory(full_name="Siti Aminah", nik=None, birth_date=ELDERLY_BIRTH)
    client.force_login(volunteer)
    data = report(full_name="Hj. Sitti Aminah", estimated_age="", birth_date=ELDERLY_BIRTH.isoformat())

    response = client.post(URL, data)

    assert response.status_code == 200
    assert "Sudah ada penerima manfaat dengan nama mirip" in response.text
    assert "S••• A•••••" in response.text  # not one of the volunteer's cases: masked, no link
    assert not Case.objects.exists()
    assert Beneficiary.objects.count() == 1
    token = re.search(r'name="confirm_similar" value="([0-9a-f]+)"', response.text)[1]

    client.post(URL, {**data, "confirm_similar": token})

    assert Case.objects.get().beneficiary.full_name == "Hj. Sitti Aminah"
    assert Beneficiary.objects.count() == 2


def test_similar_record_the_volunteer_may_see_is_linked(client, volunteer):
    own = CaseFactory(
        beneficiary=BeneficiaryFactory(full_name="Siti Aminah", nik=None, birth_date=ELDERLY_BIRTH),
        reported_by=volunteer,
    )
    client.force_login(volunteer)

    response = client.post(URL, report(full_name="Siti Aminah", estimated_age="", birth_date="1948-05-17"))

    assert f'<a href="{reverse("volunteer:case_detail", args=[own.pk])}">Siti Aminah</a>' in response.text


def test_village_outside_the_volunteers_regencies_is_refused(client, volunteer):
    client.force_login(volunteer)

    response = client.post(URL, report(village=LEBAK_VILLAGE))

    assert response.status_code == 200
    assert "Desa/kelurahan ini di luar wilayah tempat Anda dapat melaporkan kasus." in _errors(response)
    assert not Beneficiary.objects.exists()
    assert not Case.objects.exists()


def test_staff_of_another_regency_cannot_report_in_serang(client, lebak_staff):
    client.force_login(lebak_staff)

    response = client.post(URL, report())

    assert "Desa/kelurahan ini di luar wilayah tempat Anda dapat melaporkan kasus." in _errors(response)
    assert not Case.objects.exists()


def test_future_birth_date_is_refused(client, volunteer):
    client.force_login(volunteer)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    response = client.post(URL, report(estimated_age="", birth_date=tomorrow.isoformat()))

    assert "Tanggal lahir tidak boleh di masa depan." in _errors(response)
    assert not Beneficiary.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("nik", "3673055705", "NIK harus 16 digit; tertulis 10 digit."),
        ("nik", "9973055705480007", "Dua digit pertama NIK (99) bukan kode provinsi yang ada."),
        ("kk_number", "36730512AB", "No. KK hanya boleh berisi angka; ditemukan: AB."),
        ("estimated_age", "", "Isi tanggal lahir atau perkiraan umur."),
        ("estimated_age", "300", "Perkiraan umur paling tinggi 120 tahun."),
        ("category", "XYZ", "Pilih jenis PMKS dari daftar."),
        ("description", "", "Ceritakan apa yang Anda lihat."),
    ],
)
def test_bad_input_gives_a_clear_message_and_saves_nothing(client, volunteer, field, value, message):
    client.force_login(volunteer)

    response = client.post(URL, report(**{field: value}))

    assert response.status_code == 200
    assert message in _errors(response)
    assert not Beneficiary.objects.exists()
    assert not Case.objects.exists()


def test_a_text_file_named_jpg_is_refused_and_nothing_is_saved(client, volunteer):
    client.force_login(volunteer)

    response = client.post(URL, report(photos=[jpeg_upload(), text_upload("nenek.jpg")]))

    assert "Berkas “nenek.jpg” bukan foto JPEG atau PNG yang bisa dibuka." in _errors(response)
    assert not Case.objects.exists()
    assert not CasePhoto.objects.exists()


def test_an_oversized_photo_is_refused(client, volunteer, settings):
    settings.CASE_PHOTO_MAX_BYTES = 500
    client.force_login(volunteer)

    response = client.post(URL, report(photos=jpeg_upload(size=(300, 200))))

    assert any("terlalu besar" in error for error in _errors(response))
    assert not Case.objects.exists()


def test_a_forged_assignee_is_ignored(client, volunteer):
    other = PersonFactory(full_name="Relawan Titipan")
    client.force_login(volunteer)

    response = client.post(URL, report(assignee=str(other.pk), reported_by="1"), follow=True)

    case = Case.objects.get()
    assert case.assignee is None
    assert case.reported_by == volunteer
    assert "Kolom assignee, reported_by tidak dapat diubah di halaman ini dan diabaikan." in response.text


def test_login_without_a_person_or_staff_role_cannot_report(client, no_role_user):
    client.force_login(no_role_user)

    assert client.get(URL).status_code == 404
    assert client.post(URL, report()).status_code == 404
    assert not Case.objects.exists()


def test_staff_report_is_an_outreach_case(client, serang_staff):
    client.force_login(serang_staff)

    client.post(URL, report())

    assert Case.objects.get().source == Case.Source.OUTREACH


# --- A NIK that disagrees with what was typed (issue 5): warnings to tick, as in the registry ----------------------


def _warnings(response) -> list[str]:
    """The NIK warnings shown above the form."""
    block = re.search(r'<div class="alert alert-danger" role="alert">(.*?)</div>', response.text, re.S)
    return [" ".join(m.split()) for m in re.findall(r'<p class="mb-0">(.*?)</p>', block[1], re.S)] if block else []


def test_nik_of_a_man_for_a_woman_is_a_warning_to_tick(client, volunteer):
    nik = build_nik("36.73.05", ELDERLY_BIRTH, "L", 21)
    client.force_login(volunteer)
    data = report(nik=nik, photos=jpeg_upload())

    response = client.post(URL, data)

    assert response.status_code == 200
    assert _warnings(response) == ["Menurut NIK jenis kelaminnya laki-laki, tetapi formulir menyatakan perempuan."]
    assert "Centang kotak ini untuk menyimpan meski ada peringatan di atas." in _errors(response)
    assert 'type="checkbox" name="confirm_warnings"' in response.text
    assert "Saya sudah memeriksa peringatan NIK dan tetap ingin mengirim." in response.text
    assert "Foto belum tersimpan: pilih lagi fotonya" in response.text
    assert not Beneficiary.objects.exists()
    assert not Case.objects.exists()

    response = client.post(URL, report(nik=nik, confirm_warnings="on"), follow=True)

    assert "Laporan terkirim sebagai Kasus #" in response.text
    assert (Beneficiary.objects.get().nik, Beneficiary.objects.get().sex) == (nik, "P")


def test_no_warning_and_no_checkbox_when_the_nik_agrees(client, volunteer):
    client.force_login(volunteer)

    response = client.get(URL)
    assert 'type="checkbox" name="confirm_warnings"' not in response.text

    client.post(URL, report(nik=build_nik("36.73.05", ELDERLY_BIRTH, "P", 21), estimated_age="75"))

    assert Case.objects.count() == 1  # 78 by the NIK, about 75 by eye: close enough


def test_nik_birth_date_other_than_the_typed_one_is_a_warning(client, volunteer):
    nik = build_nik("36.73.05", ELDERLY_BIRTH, "P", 21)
    client.force_login(volunteer)

    response = client.post(URL, report(nik=nik, estimated_age="", birth_date="1948-05-18"))

    assert _warnings(response) == ["Menurut NIK tanggal lahirnya 17-05-48, tetapi formulir menyatakan 18-05-1948."]
    assert not Case.objects.exists()


def test_estimated_age_far_from_the_nik_is_a_warning(client, volunteer):
    nik = build_nik("36.73.05", dt.date(1990, 5, 17), "P", 21)
    client.force_login(volunteer)
    age = Beneficiary(birth_date=dt.date(1990, 5, 17)).age

    response = client.post(URL, report(nik=nik, estimated_age="78"))

    assert _warnings(response) == [f"Menurut NIK umurnya {age} tahun, tetapi perkiraan umur di formulir 78 tahun."]
    assert not Case.objects.exists()


def test_nik_of_another_regency_is_a_warning_naming_both(client, volunteer):
    nik = build_nik("36.02.14", ELDERLY_BIRTH, "P", 21)  # Rangkasbitung, Kabupaten Lebak
    client.force_login(volunteer)

    response = client.post(URL, report(nik=nik))

    assert _warnings(response) == [
        "Menurut NIK pemiliknya terdaftar di Kabupaten Lebak, tetapi desa/kelurahan yang dipilih ada di Kota Serang. "
        "Periksa kembali NIK-nya; bila orangnya memang berasal dari sana, lanjutkan."
    ]
    assert not Case.objects.exists()

    client.post(URL, report(nik=nik, confirm_warnings="on"))

    assert Case.objects.get().beneficiary.nik == nik


def test_a_mistyped_nik_of_someone_registered_is_caught_before_attaching(client, volunteer):
    registered = BeneficiaryFactory(full_name="Pak Darta", sex="L")  # the report is about a woman
    client.force_login(volunteer)

    response = client.post(URL, report(nik=registered.nik))

    assert _warnings(response) == ["Menurut NIK jenis kelaminnya laki-laki, tetapi formulir menyatakan perempuan."]
    assert "NIK ini sudah terdaftar sebagai penerima manfaat" not in response.text
    assert not Case.objects.exists()


@needs_catalog
def test_nik_warnings_in_english(client, volunteer):
    client.force_login(volunteer)
    choose_english(client)

    age = Beneficiary(birth_date=dt.date(1990, 5, 17)).age

    response = client.post(URL, report(nik=build_nik("36.02.14", dt.date(1990, 5, 17), "L", 21)))

    assert _warnings(response)[:2] == [
        "According to the NIK the sex is male, but the form says female.",
        f"According to the NIK the person is {age} years old, but the form estimates 78 years.",
    ]
    assert (
        "According to the NIK its holder is registered in Kabupaten Lebak, but the selected village is in"
        in (_warnings(response)[2])
    )
    assert "I have checked the NIK warnings and still want to submit." in response.text
