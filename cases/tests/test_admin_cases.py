"""The case list and the case page in the staff admin: masking, scope, search, actions, bulk actions, query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from cases import services
from cases.models import Case, CaseEntry, Intervention
from cases.tests.factories import BeneficiaryFactory, CaseFactory
from registry.tests.factories import LEBAK_VILLAGE, InstitutionFactory, MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db
S = Case.Status
LIST = reverse("admin:cases_case_changelist")


def change_url(case) -> str:
    return reverse("admin:cases_case_change", args=[case.pk])


def psm(name="Budi Relawan", village=None):
    kwargs = {"village_code": village} if village else {}
    person = PersonFactory(full_name=name, **kwargs)
    MembershipFactory(person=person, **({"regency_id": person.regency_id} if village else {}))
    return person


# --- the list ----------------------------------------------------------------------------------------------------------


def test_list_masks_nik_and_reveals_only_when_asked_and_logged(client, serang_staff):
    case = CaseFactory(beneficiary=BeneficiaryFactory(full_name="Siti Aminah"))
    nik = case.beneficiary.nik
    client.force_login(serang_staff)
    page = client.get(LIST).content.decode()
    assert "Siti Aminah" in page
    assert nik not in page
    assert case.beneficiary.masked_nik in page
    assert not AccessLog.objects.filter(action=AccessLog.Action.REVEAL).exists()

    page = client.get(LIST + "?_nik=1").content.decode()
    assert nik in page
    log = AccessLog.objects.get(action=AccessLog.Action.REVEAL)
    assert (log.user, log.content_type.model) == (serang_staff, "case")


def test_serang_staff_see_only_serang_cases_and_get_404_for_lebak(client, serang_staff):
    mine = CaseFactory(beneficiary=BeneficiaryFactory(full_name="Warga Serang"))
    lebak = CaseFactory(beneficiary=BeneficiaryFactory(full_name="Warga Lebak", village_code=LEBAK_VILLAGE))
    client.force_login(serang_staff)
    page = client.get(LIST).content.decode()
    assert "Warga Serang" in page
    assert "Warga Lebak" not in page
    assert client.get(change_url(lebak)).status_code == 404
    assert client.post(change_url(lebak), {"action": "note", "text": "x"}).status_code == 404
    assert client.get(change_url(mine)).status_code == 200


def test_region_filters_list_only_the_users_regions(client, serang_staff, province_staff):
    CaseFactory()
    client.force_login(serang_staff)
    page = client.get(LIST).content.decode()
    assert "Kabupaten Lebak" not in page  # one regency: no regency list at all
    assert "Serang" in page  # its kecamatan are offered
    client.force_login(province_staff)
    page = client.get(LIST).content.decode()
    assert "Kabupaten Lebak" in page
    assert "Kota Cilegon" in page


def test_age_filter_buckets_open_cases(client, serang_staff):
    now = timezone.now()
    CaseFactory(beneficiary=BeneficiaryFactory(full_name="Kasus Muda"), opened_at=now - dt.timedelta(days=3))
    CaseFactory(beneficiary=BeneficiaryFactory(full_name="Kasus Lama"), opened_at=now - dt.timedelta(days=120))
    CaseFactory(
        beneficiary=BeneficiaryFactory(full_name="Kasus Tutup"),
        opened_at=now - dt.timedelta(days=200),
        status=S.CLOSED,
    )
    client.force_login(serang_staff)
    page = client.get(LIST + "?umur=gt90").content.decode()
    assert "Kasus Lama" in page
    assert "Kasus Muda" not in page
    assert "Kasus Tutup" not in page
    page = client.get(LIST + "?umur=lt7").content.decode()
    assert "Kasus Muda" in page
    assert "Kasus Lama" not in page
    assert True


def test_assignee_filter_unassigned_and_by_person(client, serang_staff):
    person = psm()
    assigned = CaseFactory(beneficiary=BeneficiaryFactory(full_name="Sudah Ditugaskan"), assignee=person)
    CaseFactory(beneficiary=BeneficiaryFactory(full_name="Belum Ada Pendamping"))
    client.force_login(serang_staff)
    page = client.get(LIST + "?pendamping=none").content.decode()
    assert "Belum Ada Pendamping" in page
    assert "Sudah Ditugaskan" not in page
    page = client.get(LIST + f"?pendamping={person.pk}").content.decode()
    assert "Sudah Ditugaskan" in page
    assert "Belum Ada Pendamping" not in page
    page = client.get(LIST + f"?district={assigned.district_id}").content.decode()
    assert "Budi Relawan" in page  # the kecamatan's volunteers are offered as choices
    assert client.get(LIST + "?pendamping=abc").status_code == 200


def test_search_by_nik_kk_and_name_variant(client, serang_staff):
    muhammad = CaseFactory(beneficiary=BeneficiaryFactory(full_name="Muhammad Rizki", kk_number="3673051203500001"))
    CaseFactory(beneficiary=BeneficiaryFactory(full_name="Ahmad Fauzi"))
    client.force_login(serang_staff)
    page = client.get(LIST, {"q": muhammad.beneficiary.nik}).content.decode()
    assert "Muhammad Rizki" in page
    assert "Ahmad Fauzi" not in page
    page = client.get(LIST, {"q": "3673 0512 0350 0001"}).content.decode()
    assert "Muhammad Rizki" in page
    assert "Ahmad Fauzi" not in page
    page = client.get(LIST, {"q": "Muhamad Riz"}).content.decode()
    assert "Muhammad Rizki" in page
    assert "Ahmad Fauzi" not in page


def test_a_short_search_term_is_refused_with_a_message(client, serang_staff):
    CaseFactory(beneficiary=BeneficiaryFactory(full_name="Muhammad Rizki"))
    CaseFactory(beneficiary=BeneficiaryFactory(full_name="Ahmad Fauzi"))
    client.force_login(serang_staff)
    page = client.get(LIST, {"q": "Ah"}).content.decode()
    assert "terlalu pendek" in page
    assert "Muhammad Rizki" in page
    assert "Ahmad Fauzi" in page
    page = client.get(LIST, {"q": "12345"}).content.decode()
    assert "16 digit" in page


@pytest.mark.parametrize("rows", [3, 30])
def test_changelist_queries_do_not_grow_with_rows(client, province_staff, django_assert_max_num_queries, rows):
    person = psm()
    for i in range(rows):
        CaseFactory(beneficiary=BeneficiaryFactory(full_name=f"Penerima {i}"), assignee=person if i % 2 else None)
    client.force_login(province_staff)
    with django_assert_max_num_queries(16):
        response = client.get(LIST)
    assert response.status_code == 200
    with django_assert_max_num_queries(16):
        response = client.get(LIST + "?status=new&regency=36.73")
    assert response.status_code == 200


# --- the case page -----------------------------------------------------------------------------------------------------


def test_case_page_shows_masked_identity_and_reveals_when_asked(client, serang_staff):
    case = CaseFactory(beneficiary=BeneficiaryFactory(kk_number="3673051203500001"))
    client.force_login(serang_staff)
    page = client.get(change_url(case)).content.decode()
    assert case.beneficiary.nik not in page
    assert "3673051203500001" not in page
    assert "Tampilkan NIK/KK" in page
    page = client.post(change_url(case), {"action": "reveal"}).content.decode()
    assert case.beneficiary.nik in page
    assert "3673051203500001" in page
    log = AccessLog.objects.get(action=AccessLog.Action.REVEAL)
    assert log.object_id == str(case.beneficiary.pk)


def test_transitions_through_the_page_are_on_the_timeline(client, serang_staff):
    case = CaseFactory()
    client.force_login(serang_staff)
    response = client.post(
        change_url(case), {"action": "transition", "to_status": S.VERIFIED, "expected_version": 1, "note": "Dicek"}
    )
    assert response.status_code == 302
    page = client.get(change_url(case)).content.decode()
    assert "Status kasus diubah" in page
    assert "terverifikasi" in page
    assert "kota-serang" in page
    case.refresh_from_db()
    assert case.status == S.VERIFIED


def test_a_refused_transition_shows_why_and_changes_nothing(client, serang_staff):
    case = CaseFactory()
    client.force_login(serang_staff)
    response = client.post(change_url(case), {"action": "transition", "to_status": S.CLOSED, "expected_version": 1})
    assert response.status_code == 400
    assert "Status tidak bisa diubah dari" in response.content.decode()
    response = client.post(change_url(case), {"action": "transition", "to_status": S.REJECTED, "expected_version": 1})
    assert "alasan penolakan" in response.content.decode()
    case.refresh_from_db()
    assert case.status == S.NEW
    assert not case.entries.filter(kind=CaseEntry.Kind.TRANSITION).exists()


def test_a_stale_page_cannot_change_the_status(client, serang_staff, province_staff):
    case = CaseFactory()
    services.transition(case, S.VERIFIED, user=province_staff)  # someone else, meanwhile: version 2
    client.force_login(serang_staff)
    response = client.post(
        change_url(case), {"action": "transition", "to_status": S.REJECTED, "expected_version": 1, "reason": "x"}
    )
    assert "baru saja diubah" in response.content.decode()
    case.refresh_from_db()
    assert case.status == S.VERIFIED


def test_note_and_assignment_with_a_forged_person_refused(client, serang_staff):
    case = CaseFactory()
    volunteer = psm()
    outsider = psm("Relawan Lebak", village=LEBAK_VILLAGE)
    client.force_login(serang_staff)
    page = client.get(change_url(case)).content.decode()
    assert "Budi Relawan" in page
    assert "Relawan Lebak" not in page
    assert client.post(change_url(case), {"action": "note", "text": "Sudah ditelepon"}).status_code == 302
    response = client.post(change_url(case), {"action": "assign", "person": outsider.pk})
    assert response.status_code == 400
    assert "Pilih relawan dari daftar" in response.content.decode()
    assert client.post(change_url(case), {"action": "assign", "person": volunteer.pk}).status_code == 302
    case.refresh_from_db()
    assert case.assignee == volunteer
    kinds = list(case.entries.values_list("kind", flat=True))
    assert kinds == ["reported", "note", "assignment"]
    response = client.post(change_url(case), {"action": "note", "text": "  "})
    assert "Catatan tidak boleh kosong" in response.content.decode()


def test_referral_to_an_lks_and_double_aid_warning(client, serang_staff):
    beneficiary = BeneficiaryFactory(kk_number="3673051203500001")
    case = CaseFactory(beneficiary=beneficiary)
    lks = InstitutionFactory(name="LKS Lansia Sejahtera")
    hidden_lks = InstitutionFactory(name="LKS Lebak", village_code=LEBAK_VILLAGE)
    client.force_login(serang_staff)
    page = client.get(change_url(case)).content.decode()
    assert "LKS Lansia Sejahtera" in page
    assert "LKS Lebak" not in page
    response = client.post(
        change_url(case),
        {
            "action": "intervention",
            "kind": "referral",
            "institution": hidden_lks.pk,
            "started_on": "2026-01-05",
            "status": "active",
        },
    )
    assert response.status_code == 400
    response = client.post(
        change_url(case),
        {
            "action": "intervention",
            "kind": "referral",
            "institution": lks.pk,
            "started_on": "2026-01-05",
            "status": "active",
        },
    )
    assert response.status_code == 302
    assert case.entries.filter(kind=CaseEntry.Kind.INTERVENTION).exists()
    client.post(
        change_url(case),
        {
            "action": "intervention",
            "kind": "programme",
            "programme": "pkh",
            "started_on": "2026-01-05",
            "status": "active",
        },
    )
    response = client.post(
        change_url(case),
        {
            "action": "intervention",
            "kind": "programme",
            "programme": "jscb",
            "started_on": "2026-01-05",
            "status": "active",
        },
        follow=True,
    )
    assert "Bantuan ganda" in response.content.decode()
    assert Intervention.objects.filter(case=case).count() == 3


def test_regency_staff_of_another_regency_and_no_role_cannot_post(client, lebak_staff, no_role_user):
    case = CaseFactory()
    for user in (lebak_staff, no_role_user):
        client.force_login(user)
        response = client.post(change_url(case), {"action": "note", "text": "x"})
        assert response.status_code in (302, 404)
    assert not case.entries.filter(kind=CaseEntry.Kind.NOTE).exists()


@pytest.mark.parametrize("entries", [1, 15])
def test_case_page_queries_do_not_grow_with_the_timeline(client, serang_staff, django_assert_max_num_queries, entries):
    case = CaseFactory()
    for i in range(entries):
        services.add_note(case, user=serang_staff, text=f"catatan {i}")
    client.force_login(serang_staff)
    with django_assert_max_num_queries(30):
        response = client.get(change_url(case))
    assert response.status_code == 200


# --- bulk actions ------------------------------------------------------------------------------------------------------


def test_bulk_status_change_records_each_case_and_lists_refusals(client, serang_staff):
    new = CaseFactory(beneficiary=BeneficiaryFactory(full_name="Kasus Baru"))
    closed = CaseFactory(beneficiary=BeneficiaryFactory(full_name="Kasus Selesai"), status=S.CLOSED)
    client.force_login(serang_staff)
    data = {"action": "bulk_transition", "_selected_action": [new.pk, closed.pk]}
    page = client.post(LIST, data).content.decode()
    assert "Kasus Baru" in page
    assert "Kasus Selesai" in page
    assert "Terapkan" in page
    response = client.post(LIST, {**data, "apply": "1", "to_status": S.VERIFIED}, follow=True)
    page = response.content.decode()
    assert "1 kasus diubah statusnya" in page
    assert "1 kasus tidak diubah" in page
    assert "Status tidak bisa diubah dari" in page
    new.refresh_from_db()
    assert new.status == S.VERIFIED
    assert new.entries.filter(kind=CaseEntry.Kind.TRANSITION, author=serang_staff).count() == 1
    assert not closed.entries.filter(kind=CaseEntry.Kind.TRANSITION).exists()


def test_bulk_assign_each_case_gets_its_entry(client, serang_staff):
    person = psm()
    cases = [CaseFactory() for _ in range(3)]
    client.force_login(serang_staff)
    data = {"action": "bulk_assign", "_selected_action": [c.pk for c in cases]}
    assert "Budi Relawan" in client.post(LIST, data).content.decode()
    response = client.post(LIST, {**data, "apply": "1", "person": person.pk}, follow=True)
    assert "3 kasus ditugaskan" in response.content.decode()
    for case in cases:
        case.refresh_from_db()
        assert case.assignee == person
        assert case.entries.filter(kind=CaseEntry.Kind.ASSIGNMENT).count() == 1


def test_bulk_assign_refuses_a_forged_person(client, serang_staff):
    outsider = psm("Relawan Lebak", village=LEBAK_VILLAGE)
    case = CaseFactory()
    client.force_login(serang_staff)
    data = {"action": "bulk_assign", "_selected_action": [case.pk], "apply": "1", "person": outsider.pk}
    page = client.post(LIST, data).content.decode()
    assert "Pilih relawan dari daftar" in page
    case.refresh_from_db()
    assert case.assignee is None


def test_staff_add_a_case_through_report_case(client, serang_staff):
    beneficiary = BeneficiaryFactory()
    client.force_login(serang_staff)
    response = client.post(
        reverse("admin:cases_case_add"),
        {
            "beneficiary": beneficiary.pk,
            "category": "LUT",
            "source": "outreach",
            "priority": 2,
            "description": "Ditemukan",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.reported_by, case.regency_id) == (serang_staff, "36.73")
    assert case.entries.get().kind == CaseEntry.Kind.REPORTED


# --- exports and photos ------------------------------------------------------------------------------------------------


def _csv(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_case_export_is_masked_unless_asked_and_logged(client, serang_staff):
    case = CaseFactory(beneficiary=BeneficiaryFactory(full_name="Siti Aminah", kk_number="3673051203500001"))
    CaseFactory(beneficiary=BeneficiaryFactory(full_name="Warga Lebak", village_code=LEBAK_VILLAGE))
    client.force_login(serang_staff)
    export = reverse("admin:cases_case_export")
    text = _csv(client.get(export, {"_format": "csv"}))
    assert "Siti Aminah" in text
    assert "Warga Lebak" not in text
    assert case.beneficiary.nik not in text
    assert "3673051203500001" not in text
    assert AccessLog.objects.filter(action=AccessLog.Action.EXPORT, user=serang_staff).count() == 1
    text = _csv(client.get(export, {"_format": "csv", "_nik": "1"}))
    assert case.beneficiary.nik in text
    assert AccessLog.objects.filter(action=AccessLog.Action.REVEAL, user=serang_staff).exists()
    assert "umur kasus" in text


def test_filtered_case_export_follows_the_list(client, serang_staff):
    CaseFactory(beneficiary=BeneficiaryFactory(full_name="Kasus Baru"))
    CaseFactory(beneficiary=BeneficiaryFactory(full_name="Kasus Tutup"), status=S.CLOSED)
    client.force_login(serang_staff)
    assert "Unduh XLSX" in client.get(LIST).content.decode()
    text = _csv(client.get(reverse("admin:cases_case_export"), {"_format": "csv", "status": "closed"}))
    assert "Kasus Tutup" in text
    assert "Kasus Baru" not in text


def test_timeline_shows_photos_through_the_scoped_view(client, serang_staff):
    from django.core.files.base import ContentFile

    from cases.models import CasePhoto

    case = CaseFactory()
    photo = CasePhoto(entry=case.entries.get())
    photo.image.save("foto.png", ContentFile(b"not really a png"), save=True)
    client.force_login(serang_staff)
    page = client.get(change_url(case)).content.decode()
    assert reverse("volunteer:case_photo", args=[photo.pk]) in page


def test_staff_correct_the_reported_details_and_the_timeline_says_what_changed(client, serang_staff, province_staff):
    case = CaseFactory(priority=Case.Priority.NORMAL)
    client.force_login(serang_staff)
    assert "Rincian kasus" in client.get(change_url(case)).content.decode()
    details = {
        "action": "details",
        "category": "PD",
        "other_categories": ["FM"],
        "priority": Case.Priority.URGENT,
        "description": "Nenek lumpuh, tinggal sendiri",
        "expected_version": 1,
    }
    assert client.post(change_url(case), details).status_code == 302
    case.refresh_from_db()
    assert (case.category_id, case.priority, case.version) == ("PD", Case.Priority.URGENT, 2)
    assert list(case.other_categories.values_list("code", flat=True)) == ["FM"]
    entry = case.entries.get(kind=CaseEntry.Kind.DETAILS)
    assert entry.author == serang_staff
    assert "Lanjut Usia Telantar → Penyandang Disabilitas" in entry.text
    assert "sedang → darurat" in entry.text
    assert "Ditemukan tidur di emperan pasar." in entry.text  # the old description is kept on the timeline
    # A page opened before that change is refused and changes nothing.
    stale = client.post(change_url(case), {**details, "priority": Case.Priority.LOW})
    assert "baru saja diubah" in stale.content.decode()
    case.refresh_from_db()
    assert case.priority == Case.Priority.URGENT
    # An empty description is a form error; nothing changes.
    empty = client.post(change_url(case), {**details, "description": " ", "expected_version": 2})
    assert empty.status_code == 400
    case.refresh_from_db()
    assert case.description == "Nenek lumpuh, tinggal sendiri"
