"""Registry rules on memberships, persons and institutions: through the admin where officers meet them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.html import escape

from registry.models import Institution, Membership, Person, PsksType
from registry.tests.factories import InstitutionFactory, MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db

MEMBERSHIP_ADD = reverse("admin:registry_membership_add")
CIPOCOK_JAYA = "36.73.05"  # Kota Serang
TAKTAKAN = "36.73.06"  # Kota Serang
RANGKASBITUNG_BARAT = "36.02.14.1002"  # Kabupaten Lebak


def membership_data(person, psks_type="TKSK", **overrides) -> dict[str, str]:
    data = {
        "person": str(person.pk),
        "psks_type": psks_type,
        "institution": "",
        "position": "",
        "district": "",
        "regency": "",
        "decree_number": "",
        "decree_date": "",
        "decree_issuer": "",
        "membership_number": "",
        "start_date": "2024-01-02",
        "end_date": "",
        "status": Membership.Status.ACTIVE,
        "status_reason": "",
        "verification": "unverified",
    }
    data.update(overrides)
    return data


@pytest.fixture
def staff_client(client, province_staff):
    client.force_login(province_staff)
    return client


def shows(response, text: str) -> bool:
    return escape(text) in response.content.decode()


def tksk(person, district=CIPOCOK_JAYA, **kwargs) -> Membership:
    return MembershipFactory(person=person, psks_type=PsksType.objects.get(code="TKSK"), district_id=district, **kwargs)


# One active TKSK per kecamatan.


def test_second_active_tksk_in_a_kecamatan_names_the_holder(staff_client):
    holder = PersonFactory(full_name="Budi Santoso")
    tksk(holder, start_date=dt.date(2023, 1, 2))
    newcomer = PersonFactory(full_name="Dedi Kurniawan")

    response = staff_client.post(MEMBERSHIP_ADD, membership_data(newcomer, district=CIPOCOK_JAYA))

    assert response.status_code == 200
    assert shows(
        response,
        "Kecamatan Cipocok Jaya sudah memiliki TKSK aktif: Budi Santoso (sejak 02-01-2023). "
        "Akhiri dulu keanggotaan tersebut.",
    )
    assert not Membership.objects.filter(person=newcomer).exists()


def test_tksk_in_another_kecamatan_is_fine(staff_client):
    tksk(PersonFactory())
    newcomer = PersonFactory()
    response = staff_client.post(MEMBERSHIP_ADD, membership_data(newcomer, district=TAKTAKAN))
    assert response.status_code == 302
    membership = Membership.objects.get(person=newcomer)
    assert (membership.district_id, membership.regency_id) == (TAKTAKAN, "36.73")


def test_ending_the_holder_frees_the_kecamatan(staff_client):
    holder = tksk(PersonFactory(full_name="Budi Santoso"))
    holder.status = Membership.Status.ENDED
    holder.end_date = dt.date(2023, 12, 31)
    holder.full_clean()
    holder.save()

    newcomer = PersonFactory()
    response = staff_client.post(MEMBERSHIP_ADD, membership_data(newcomer, district=CIPOCOK_JAYA))
    assert response.status_code == 302
    assert Membership.objects.filter(district_id=CIPOCOK_JAYA, psks_type="TKSK").count() == 2
    assert Membership.objects.get(district_id=CIPOCOK_JAYA, status="active").person == newcomer


def test_ended_tksk_without_end_date_is_refused(staff_client):
    response = staff_client.post(
        MEMBERSHIP_ADD, membership_data(PersonFactory(), district=CIPOCOK_JAYA, status=Membership.Status.ENDED)
    )
    assert shows(response, "Isi tanggal selesai untuk keanggotaan yang berakhir.")
    assert Membership.objects.count() == 0


def test_database_refuses_a_second_active_tksk():
    tksk(PersonFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        tksk(PersonFactory())
    assert Membership.objects.count() == 1


def test_tksk_without_kecamatan_is_refused(staff_client):
    response = staff_client.post(MEMBERSHIP_ADD, membership_data(PersonFactory(), district=""))
    assert response.status_code == 200
    assert shows(response, "TKSK wajib memiliki kecamatan tugas.")
    assert Membership.objects.count() == 0


def test_pendamping_pkh_without_kecamatan_is_refused(staff_client):
    response = staff_client.post(MEMBERSHIP_ADD, membership_data(PersonFactory(), psks_type="PKH"))
    assert shows(response, "Pendamping PKH wajib memiliki kecamatan tugas.")
    assert Membership.objects.count() == 0


def test_two_active_pendamping_pkh_may_share_a_kecamatan(staff_client):
    MembershipFactory(psks_type=PsksType.objects.get(code="PKH"), district_id=CIPOCOK_JAYA)
    response = staff_client.post(
        MEMBERSHIP_ADD, membership_data(PersonFactory(), psks_type="PKH", district=CIPOCOK_JAYA)
    )
    assert response.status_code == 302
    assert Membership.objects.filter(psks_type="PKH", district_id=CIPOCOK_JAYA).count() == 2


# Dates.


def test_end_date_before_start_date_is_refused(staff_client):
    response = staff_client.post(
        MEMBERSHIP_ADD,
        membership_data(
            PersonFactory(), psks_type="PSM", start_date="2024-05-01", end_date="2024-04-30", status="ended"
        ),
    )
    assert response.status_code == 200
    assert shows(response, "Tanggal selesai tidak boleh sebelum tanggal mulai.")
    assert Membership.objects.count() == 0


def test_end_date_on_start_date_is_allowed(staff_client):
    response = staff_client.post(
        MEMBERSHIP_ADD,
        membership_data(
            PersonFactory(), psks_type="PSM", start_date="2024-05-01", end_date="2024-05-01", status="ended"
        ),
    )
    assert response.status_code == 302


def test_database_refuses_end_date_before_start_date():
    membership = MembershipFactory()
    membership.end_date = membership.start_date - dt.timedelta(days=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        membership.save()
    membership.refresh_from_db()
    assert membership.end_date is None


def test_full_clean_reports_bad_dates_on_end_date():
    membership = MembershipFactory.build(
        person=PersonFactory(), start_date=dt.date(2024, 5, 1), end_date=dt.date(2024, 1, 1)
    )
    with pytest.raises(ValidationError) as exc:
        membership.full_clean()
    assert exc.value.message_dict["end_date"] == ["Tanggal selesai tidak boleh sebelum tanggal mulai."]


# Several memberships of one person.


def test_person_may_hold_different_types(staff_client):
    person = PersonFactory()
    MembershipFactory(person=person)  # PSM
    response = staff_client.post(
        MEMBERSHIP_ADD, membership_data(person, psks_type="TAGANA", regency="36.73", membership_number="NIA-001")
    )
    assert response.status_code == 302
    assert sorted(person.memberships.values_list("psks_type", flat=True)) == ["PSM", "TAGANA"]


def test_tagana_without_kabupaten_is_refused(staff_client):
    person = PersonFactory()  # lives in Kota Serang
    response = staff_client.post(MEMBERSHIP_ADD, membership_data(person, psks_type="TAGANA"))
    assert shows(response, "Tagana wajib memiliki kabupaten/kota tugas.")
    assert Membership.objects.count() == 0


def test_duplicate_active_membership_of_the_same_type_is_refused(staff_client):
    person = PersonFactory()
    MembershipFactory(person=person)  # PSM, active
    response = staff_client.post(MEMBERSHIP_ADD, membership_data(person, psks_type="PSM"))
    assert response.status_code == 200
    assert shows(response, "Relawan ini sudah memiliki keanggotaan PSM aktif yang sama.")
    assert person.memberships.count() == 1


def test_same_type_again_after_the_first_ended(staff_client):
    person = PersonFactory()
    MembershipFactory(person=person, status="ended", end_date=dt.date(2023, 12, 31))
    response = staff_client.post(MEMBERSHIP_ADD, membership_data(person, psks_type="PSM"))
    assert response.status_code == 302
    assert person.memberships.count() == 2


def test_membership_number_unique_per_type(staff_client):
    MembershipFactory(psks_type=PsksType.objects.get(code="TAGANA"), regency_id="36.73", membership_number="NIA-7")
    response = staff_client.post(
        MEMBERSHIP_ADD, membership_data(PersonFactory(), psks_type="TAGANA", regency="36.73", membership_number="NIA-7")
    )
    assert shows(response, "Nomor anggota ini sudah dipakai untuk jenis PSKS yang sama.")
    assert Membership.objects.count() == 1


def test_institution_of_another_type_is_refused(staff_client):
    lks = InstitutionFactory(name="LKS Harapan Bunda")  # type LKS
    response = staff_client.post(MEMBERSHIP_ADD, membership_data(PersonFactory(), psks_type="KT", institution=lks.pk))
    assert response.status_code == 200
    assert shows(response, "Lembaga ini berjenis LKS, bukan Karang Taruna.")
    assert Membership.objects.count() == 0


def test_member_of_an_institution_of_its_type(staff_client):
    lks = InstitutionFactory()
    response = staff_client.post(
        MEMBERSHIP_ADD, membership_data(PersonFactory(), psks_type="LKS", institution=lks.pk, position="Ketua")
    )
    assert response.status_code == 302
    assert Membership.objects.get().institution == lks


# Region columns, derived on save.


def test_membership_regency_from_district():
    person = PersonFactory()  # Kota Serang
    membership = MembershipFactory(
        person=person, psks_type=PsksType.objects.get(code="PKH"), district_id="36.02.14", regency_id="36.73"
    )
    assert membership.regency_id == "36.02"  # the kecamatan of assignment wins


def test_membership_regency_from_institution():
    lks = InstitutionFactory(village_code=RANGKASBITUNG_BARAT)
    membership = MembershipFactory(person=PersonFactory(), psks_type=lks.psks_type, institution=lks)
    assert membership.regency_id == "36.02"


def test_membership_regency_from_domicile():
    membership = MembershipFactory(person=PersonFactory(village_code=RANGKASBITUNG_BARAT))
    assert membership.regency_id == "36.02"


def test_membership_regency_given_is_kept_without_district():
    membership = MembershipFactory(psks_type=PsksType.objects.get(code="TAGANA"), regency_id="36.04")
    assert membership.regency_id == "36.04"


def test_person_district_and_regency_follow_the_village():
    person = PersonFactory()
    assert (person.district_id, person.regency_id) == ("36.73.05", "36.73")
    person.village_id = RANGKASBITUNG_BARAT
    person.save()
    person.refresh_from_db()
    assert (person.district.name, person.regency.name) == ("Rangkasbitung", "Kabupaten Lebak")


def test_nik_unique_in_the_database():
    person = PersonFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(nik=person.nik)
    assert Person.objects.count() == 1


def test_nik_unique_in_full_clean():
    person = PersonFactory()
    twin = PersonFactory.build(nik=person.nik)
    with pytest.raises(ValidationError) as exc:
        twin.full_clean()
    assert exc.value.message_dict["nik"] == ["NIK ini sudah terdaftar untuk relawan lain."]


# Institutions.

INSTITUTION_ADD = reverse("admin:registry_institution_add")


def institution_data(**overrides) -> dict[str, str]:
    data = {
        "psks_type": "KT",
        "name": "Karang Taruna Tunas Muda",
        "service_fields": [],
        "village": "36.73.05.1001",
        "address": "Jl. Karya Bakti No. 1",
        "phone": "",
        "email": "",
        "registration_number": "",
        "registration_date": "",
        "registration_valid_until": "",
        "legal_entity_number": "",
        "accreditation": Institution.Accreditation.NONE,
        "accreditation_date": "",
        "accreditation_valid_until": "",
        "status": Institution.Status.ACTIVE,
        "notes": "",
        "verification": "unverified",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def karang_taruna(**kwargs) -> Institution:
    return InstitutionFactory(psks_type=PsksType.objects.get(code="KT"), name="Karang Taruna Lama", **kwargs)


def test_second_active_karang_taruna_in_a_village_is_refused(staff_client):
    karang_taruna()
    response = staff_client.post(INSTITUTION_ADD, institution_data())
    assert response.status_code == 200
    assert shows(response, "Desa/kelurahan ini sudah memiliki Karang Taruna yang aktif.")
    assert Institution.objects.count() == 1


def test_karang_taruna_in_another_village_or_after_the_old_one_stopped(staff_client):
    old = karang_taruna()
    assert staff_client.post(INSTITUTION_ADD, institution_data(village="36.73.05.1002")).status_code == 302
    old.status = Institution.Status.INACTIVE
    old.save()
    assert staff_client.post(INSTITUTION_ADD, institution_data(name="Karang Taruna Baru")).status_code == 302
    assert Institution.objects.filter(psks_type="KT", status="active").count() == 2


def test_database_refuses_a_second_active_karang_taruna():
    karang_taruna()
    with pytest.raises(IntegrityError), transaction.atomic():
        karang_taruna()


def test_two_lks_may_share_a_village(staff_client):
    InstitutionFactory()
    assert staff_client.post(INSTITUTION_ADD, institution_data(psks_type="LKS", name="LKS Dua")).status_code == 302


def test_accreditation_b_is_valid_three_years(staff_client):
    response = staff_client.post(
        INSTITUTION_ADD,
        institution_data(psks_type="LKS", name="LKS Amanah", accreditation="B", accreditation_date="2024-02-29"),
    )
    assert response.status_code == 302
    institution = Institution.objects.get()
    assert institution.accreditation_valid_until == dt.date(2027, 2, 28)


@pytest.mark.parametrize(("grade", "until"), [("A", dt.date(2029, 5, 10)), ("C", dt.date(2026, 5, 10))])
def test_accreditation_a_and_c(grade, until):
    institution = InstitutionFactory.build(accreditation=grade, accreditation_date=dt.date(2024, 5, 10))
    institution.full_clean()
    assert institution.accreditation_valid_until == until


def test_accreditation_valid_until_typed_is_kept():
    institution = InstitutionFactory.build(
        accreditation="B", accreditation_date=dt.date(2024, 5, 10), accreditation_valid_until=dt.date(2025, 1, 1)
    )
    institution.full_clean()
    assert institution.accreditation_valid_until == dt.date(2025, 1, 1)


def test_accreditation_without_date_is_refused(staff_client):
    response = staff_client.post(INSTITUTION_ADD, institution_data(psks_type="LKS", accreditation="B"))
    assert shows(response, "Isi tanggal akreditasi.")
    assert Institution.objects.count() == 0


def test_registration_number_is_unique(staff_client):
    InstitutionFactory(registration_number="460/123/Dinsos/2024")
    response = staff_client.post(
        INSTITUTION_ADD, institution_data(psks_type="LKS", name="LKS Dua", registration_number="460/123/Dinsos/2024")
    )
    assert response.status_code == 200
    assert shows(response, "Nomor tanda daftar ini sudah dipakai lembaga lain.")
    assert Institution.objects.count() == 1


def test_empty_registration_numbers_do_not_collide():
    InstitutionFactory(registration_number="")
    InstitutionFactory(registration_number="")
    assert Institution.objects.count() == 2


def test_database_refuses_a_duplicate_registration_number():
    InstitutionFactory(registration_number="460/1/2024")
    with pytest.raises(IntegrityError), transaction.atomic():
        InstitutionFactory(registration_number="460/1/2024")


def test_legal_entity_needs_its_number(staff_client):
    response = staff_client.post(INSTITUTION_ADD, institution_data(psks_type="LKS", legal_entity="on"))
    assert shows(response, "Lembaga berbadan hukum wajib mencantumkan nomor SK/akta.")
    assert Institution.objects.count() == 0


def test_institution_region_columns_follow_the_village():
    institution = InstitutionFactory(village_code=RANGKASBITUNG_BARAT)
    assert (institution.district_id, institution.regency_id) == ("36.02.14", "36.02")
