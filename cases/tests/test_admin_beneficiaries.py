"""Beneficiaries, the double-aid list and programmes in the staff admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AccessLog
from cases.models import Beneficiary, Case, CaseEntry, Programme
from cases.tests.factories import BeneficiaryFactory, CaseFactory, InterventionFactory
from registry.tests.factories import LEBAK_VILLAGE, SERANG_VILLAGE

pytestmark = pytest.mark.django_db
LIST = reverse("admin:cases_beneficiary_changelist")
ADD = reverse("admin:cases_beneficiary_add")


def change_url(beneficiary) -> str:
    return reverse("admin:cases_beneficiary_change", args=[beneficiary.pk])


def form_data(**overrides) -> dict:
    data = {
        "nik": "",
        "kk_number": "",
        "full_name": "Siti Aminah",
        "sex": "P",
        "birth_date": "1950-03-12",
        "village": SERANG_VILLAGE,
        "location_description": "",
        "dtks_status": "unknown",
        "house": "unknown",
        "electricity": "unknown",
        "toilet": "unknown",
        "clean_water": "unknown",
        "disability": "",
        "categories": ["LUT"],
        "notes": "",
    }
    data.update(overrides)
    return data


def test_list_masks_nik_and_kk_and_searches(client, serang_staff):
    b = BeneficiaryFactory(full_name="Muhammad Rizki", kk_number="3673051203500001")
    BeneficiaryFactory(full_name="Ahmad Fauzi")
    BeneficiaryFactory(full_name="Muhamad Lebak", village_code=LEBAK_VILLAGE)
    client.force_login(serang_staff)
    page = client.get(LIST).content.decode()
    assert "Muhammad Rizki" in page
    assert "Muhamad Lebak" not in page
    assert b.nik not in page
    assert "3673051203500001" not in page
    page = client.get(LIST, {"q": "muhamad"}).content.decode()
    assert "Muhammad Rizki" in page
    assert "Ahmad Fauzi" not in page
    page = client.get(LIST, {"q": "3673051203500001"}).content.decode()
    assert "Muhammad Rizki" in page
    assert "Ahmad Fauzi" not in page
    page = client.get(LIST, {"q": "mu"}).content.decode()
    assert "terlalu pendek" in page


def test_opening_a_record_is_logged_every_time_and_identity_masked_until_asked(client, serang_staff):
    b = BeneficiaryFactory(kk_number="3673051203500001")
    client.force_login(serang_staff)
    page = client.get(change_url(b)).content.decode()
    client.get(change_url(b))
    assert AccessLog.objects.filter(action=AccessLog.Action.VIEW, object_id=str(b.pk), user=serang_staff).count() == 2
    assert b.nik not in page
    assert b.masked_nik in page
    page = client.get(change_url(b) + "?_nik=1").content.decode()
    assert b.nik in page
    assert "3673051203500001" in page
    assert AccessLog.objects.filter(action=AccessLog.Action.REVEAL, object_id=str(b.pk)).count() == 1


def test_a_record_out_of_scope_is_404(client, serang_staff):
    b = BeneficiaryFactory(village_code=LEBAK_VILLAGE)
    client.force_login(serang_staff)
    assert client.get(change_url(b)).status_code == 404
    assert not AccessLog.objects.exists()


def test_exact_nik_blocks_with_a_link(client, serang_staff):
    existing = BeneficiaryFactory(full_name="Siti Lama")
    client.force_login(serang_staff)
    response = client.post(ADD, form_data(nik=existing.nik))
    assert response.status_code == 200
    page = response.content.decode()
    assert "NIK ini sudah terdaftar" in page
    assert change_url(existing) in page
    assert Beneficiary.objects.count() == 1


def test_similar_name_birth_date_and_village_warns_until_confirmed(client, serang_staff):
    import datetime as dt

    existing = BeneficiaryFactory(full_name="Hj. Siti Aminah", birth_date=dt.date(1950, 3, 12))
    client.force_login(serang_staff)
    response = client.post(ADD, form_data(full_name="Siti Aminah"))
    page = response.content.decode()
    assert "nama, tanggal lahir dan desa yang sama" in page
    assert change_url(existing) in page
    assert Beneficiary.objects.count() == 1
    response = client.post(ADD, form_data(full_name="Siti Aminah", confirm_similar="on"))
    assert response.status_code == 302
    assert Beneficiary.objects.count() == 2


def test_estimated_age_sets_the_birth_date(client, serang_staff):
    client.force_login(serang_staff)
    response = client.post(ADD, form_data(birth_date="", estimated_age="70"))
    assert response.status_code == 302
    b = Beneficiary.objects.get()
    assert b.birth_date_estimated
    assert b.birth_date == Beneficiary.birth_date_from_age(70)
    assert b.created_by == serang_staff


def test_merge_two_through_the_admin(client, serang_staff):
    keep = BeneficiaryFactory(full_name="Siti Aminah", nik=None)
    drop = BeneficiaryFactory(full_name="Siti Aminah")
    case = CaseFactory(beneficiary=drop)
    client.force_login(serang_staff)
    data = {"action": "merge_two", "_selected_action": [keep.pk, drop.pk]}
    page = client.post(LIST, data).content.decode()
    assert "Gabungkan" in page
    assert "data yang dipertahankan" in page.lower()
    response = client.post(LIST, {**data, "apply": "1", "keep": keep.pk})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.beneficiary_id == keep.pk
    assert case.entries.filter(kind=CaseEntry.Kind.MERGE).exists()
    assert AccessLog.objects.filter(action=AccessLog.Action.MERGE).exists()
    assert not Beneficiary.objects.filter(pk=drop.pk).exists()


def test_merge_needs_exactly_two(client, serang_staff):
    rows = [BeneficiaryFactory() for _ in range(3)]
    client.force_login(serang_staff)
    response = client.post(LIST, {"action": "merge_two", "_selected_action": [b.pk for b in rows]}, follow=True)
    assert "Pilih tepat dua" in response.content.decode()
    assert Beneficiary.objects.count() == 3


def test_double_aid_on_the_record_and_in_the_list(client, serang_staff, lebak_staff):
    a = BeneficiaryFactory(full_name="Penerima Ganda", kk_number="3673051203500001")
    b = BeneficiaryFactory(full_name="Anggota KK", kk_number="3673051203500001")
    InterventionFactory(case=CaseFactory(beneficiary=a), programme_id="jscb")
    InterventionFactory(case=CaseFactory(beneficiary=b), programme_id="pkh")
    InterventionFactory(case=CaseFactory(beneficiary=BeneficiaryFactory(full_name="Tidak Ganda")), programme_id="pkh")
    client.force_login(serang_staff)
    page = client.get(change_url(a)).content.decode()
    assert "Jaminan Sosial Cilegon" in page
    assert "PKH" in page
    assert "Anggota KK" in page
    page = client.get(reverse("admin:cases_intervention_changelist") + "?ganda=ya").content.decode()
    assert "Penerima Ganda" in page
    assert "Tidak Ganda" not in page
    assert "3673051203500001" not in page
    client.force_login(lebak_staff)
    page = client.get(reverse("admin:cases_intervention_changelist") + "?ganda=ya").content.decode()
    assert "Penerima Ganda" not in page


def test_province_staff_edit_exclusions_regency_staff_read_only(client, province_staff, serang_staff):
    url = reverse("admin:cases_programme_change", args=["aslut"])
    client.force_login(serang_staff)
    client.post(url, {"excludes": ["pkh"]})
    assert not Programme.objects.get(pk="aslut").excludes.exists()
    client.force_login(province_staff)
    response = client.post(url, {"excludes": ["pkh", "bpnt"]})
    assert response.status_code == 302
    assert set(Programme.objects.get(pk="aslut").excludes.values_list("pk", flat=True)) == {"pkh", "bpnt"}
    assert Programme.objects.get(pk="aslut").name.startswith("ASLUT")


@pytest.mark.parametrize("rows", [3, 30])
def test_beneficiary_list_queries_do_not_grow(client, province_staff, django_assert_max_num_queries, rows):
    for i in range(rows):
        BeneficiaryFactory(full_name=f"Penerima {i}")
    client.force_login(province_staff)
    with django_assert_max_num_queries(15):
        assert client.get(LIST).status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(LIST + "?pmks=LUT&desil=none").status_code == 200
    assert Case.objects.count() == 0


def test_beneficiary_export_masks_nik_and_kk(client, serang_staff):
    b = BeneficiaryFactory(full_name="Siti Aminah", kk_number="3673051203500001")
    client.force_login(serang_staff)
    response = client.get(reverse("admin:cases_beneficiary_export"), {"_format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Siti Aminah" in text
    assert b.nik not in text
    assert "3673051203500001" not in text
    assert AccessLog.objects.filter(action=AccessLog.Action.EXPORT).count() == 1


def test_a_save_based_on_an_older_version_is_refused_naming_the_change(client, serang_staff, province_staff):
    from cases import services

    b = services.save_beneficiary(BeneficiaryFactory.build(full_name="Siti Aminah", nik=None), user=serang_staff)
    opened_at_version = b.version
    b.location_description = "Pindah ke rumah anaknya"
    services.save_beneficiary(b, user=province_staff)  # someone else saves meanwhile
    client.force_login(serang_staff)
    response = client.post(
        change_url(b), form_data(location_description="Emperan pasar", expected_version=opened_at_version)
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "setelah formulir Anda dibuka" in page
    assert "Pindah ke rumah anaknya" in page
    b.refresh_from_db()
    assert b.location_description == "Pindah ke rumah anaknya"
