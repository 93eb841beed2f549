"""Kasus Saya, the case page, notes, visits with photos, and the photo view of the volunteer site."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import storages
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLog
from cases import services
from cases.models import Case, CaseEntry, CasePhoto
from cases.photos import clean_photo
from cases.tests import site_personas
from cases.tests.factories import BeneficiaryFactory, CaseFactory
from cases.tests.photo_files import exif_of, jpeg_upload, text_upload
from registry.models import Person
from registry.tests.factories import LEBAK_VILLAGE, PersonFactory

pytestmark = pytest.mark.django_db
LIST_URL = reverse("volunteer:case_list")


@pytest.fixture
def volunteer():
    return site_personas.volunteer()


@pytest.fixture
def neighbour():
    """Another volunteer of the same kecamatan: none of the volunteer's cases are theirs."""
    return site_personas.volunteer("budi", "Budi Santoso")


@pytest.fixture
def case(volunteer):
    """A case the volunteer reported, with a photo on its report."""
    case = CaseFactory(
        reported_by=volunteer,
        beneficiary=BeneficiaryFactory(full_name="Mak Iyah", kk_number="3673050101090001"),
        description="Nenek tidur di emperan pasar.",
    )
    services.add_photos(case.entries.get(), [clean_photo(jpeg_upload())])
    return case


def detail_url(case: Case) -> str:
    return reverse("volunteer:case_detail", args=[case.pk])


def visit_url(case: Case) -> str:
    return reverse("volunteer:case_visit", args=[case.pk])


# --- Kasus Saya ------------------------------------------------------------------------------------------------------


def test_kasus_saya_lists_reported_and_assigned_cases_only(client, volunteer, neighbour):
    reported = CaseFactory(reported_by=volunteer, beneficiary=BeneficiaryFactory(full_name="Mak Iyah"))
    CaseFactory(
        reported_by=neighbour,
        assignee=Person.objects.get(account=volunteer),
        beneficiary=BeneficiaryFactory(full_name="Pak Darsa"),
    )
    CaseFactory(reported_by=neighbour, beneficiary=BeneficiaryFactory(full_name="Orang Lain"))
    client.force_login(volunteer)

    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert "Mak Iyah" in response.text
    assert "Pak Darsa" in response.text
    assert "Orang Lain" not in response.text
    assert response.text.index("Pak Darsa") < response.text.index("Mak Iyah")  # newest first
    assert reported.beneficiary.masked_nik in response.text
    assert reported.beneficiary.nik not in response.text  # NIK masked
    assert 'href="/relawan/kasus/"' in response.text  # the nav link
    assert "Kasus Saya" in response.text
    assert "baru" in response.text  # status badge
    assert reverse("volunteer:case_report") in response.text


def test_kasus_saya_filters_by_status(client, volunteer, serang_staff):
    CaseFactory(reported_by=volunteer, beneficiary=BeneficiaryFactory(full_name="Masih Baru"))
    verified = CaseFactory(reported_by=volunteer, beneficiary=BeneficiaryFactory(full_name="Sudah Diverifikasi"))
    services.transition(verified, Case.Status.VERIFIED, user=serang_staff)
    client.force_login(volunteer)

    response = client.get(LIST_URL, {"status": "verified"})

    assert "Sudah Diverifikasi" in response.text
    assert "Masih Baru" not in response.text
    assert client.get(LIST_URL, {"status": "bogus"}).status_code == 200  # an unknown status: all cases


def test_kasus_saya_pages_without_counting(client, volunteer, django_assert_max_num_queries):
    for n in range(23):
        CaseFactory(reported_by=volunteer, beneficiary=BeneficiaryFactory(full_name=f"Penerima {n:02d}"))
    client.force_login(volunteer)

    first = client.get(LIST_URL)
    second = client.get(LIST_URL, {"hal": "2"})

    assert "Berikutnya" in first.text
    assert "Penerima 22" in first.text
    assert "Penerima 02" not in first.text
    assert "Penerima 02" in second.text
    assert "Berikutnya" not in second.text
    assert "Sebelumnya" in second.text
    assert client.get(LIST_URL, {"hal": "x"}).status_code == 200


def test_kasus_saya_pages_mix_reported_and_assigned_newest_first_once_each(client, volunteer, neighbour, monkeypatch):
    """The page is merged from two index reads (reported, assigned): order, paging and no case twice."""
    from cases import site_views

    monkeypatch.setattr(site_views, "PAGE_SIZE", 2)
    me = Person.objects.get(account=volunteer)
    plan = [  # oldest first: (reporter, assigned to me)
        ("Kasus A", volunteer, False),
        ("Kasus B", neighbour, True),
        ("Kasus C", volunteer, True),  # both: listed once
        ("Kasus D", neighbour, False),  # neither: never listed
        ("Kasus E", neighbour, True),
    ]
    start = timezone.now() - dt.timedelta(days=10)
    for day, (name, reporter, mine) in enumerate(plan):
        case = CaseFactory(
            reported_by=reporter, assignee=me if mine else None, beneficiary=BeneficiaryFactory(full_name=name)
        )
        Case.objects.filter(pk=case.pk).update(opened_at=start + dt.timedelta(days=day))
    client.force_login(volunteer)

    pages = [client.get(LIST_URL, {"hal": n}).text for n in (1, 2, 3)]

    def names(page: str) -> list[str]:
        return [n for n in ("Kasus E", "Kasus C", "Kasus B", "Kasus A") if n in page]

    assert [names(page) for page in pages] == [["Kasus E", "Kasus C"], ["Kasus B", "Kasus A"], []]
    assert all("Kasus D" not in page for page in pages)
    assert pages[0].count("Kasus C") == 1
    assert "Berikutnya" in pages[0]
    assert "Berikutnya" not in pages[1]


@pytest.mark.parametrize("size", [3, 30])
def test_kasus_saya_queries_do_not_grow_with_the_cases(client, volunteer, size, django_assert_max_num_queries):
    for _ in range(size):
        CaseFactory(reported_by=volunteer, assignee=PersonFactory())
    client.force_login(volunteer)

    with django_assert_max_num_queries(16) as captured:
        response = client.get(LIST_URL)

    assert response.status_code == 200
    assert not any("COUNT(" in q["sql"].upper() for q in captured.captured_queries)


def test_staff_see_the_cases_they_reported_not_their_whole_regency(client, serang_staff, volunteer):
    CaseFactory(reported_by=serang_staff, beneficiary=BeneficiaryFactory(full_name="Dilaporkan Staf"))
    CaseFactory(reported_by=volunteer, beneficiary=BeneficiaryFactory(full_name="Dilaporkan Relawan"))
    client.force_login(serang_staff)

    response = client.get(LIST_URL)

    assert "Dilaporkan Staf" in response.text
    assert "Dilaporkan Relawan" not in response.text


def test_login_without_a_person_gets_no_case_list(client, no_role_user):
    client.force_login(no_role_user)
    assert client.get(LIST_URL).status_code == 404


# --- The case page ---------------------------------------------------------------------------------------------------


def test_reporter_sees_the_case_with_masked_identity_and_its_timeline(client, volunteer, case):
    tksk = site_personas.tksk()
    client.force_login(volunteer)

    response = client.get(detail_url(case))

    assert response.status_code == 200
    assert f"Kasus #{case.pk}" in response.text
    assert "Mak Iyah" in response.text
    assert case.beneficiary.masked_nik in response.text
    assert case.beneficiary.nik not in response.text
    assert "3673050101090001" not in response.text  # No. KK masked as well
    assert case.beneficiary.masked_kk in response.text
    assert "Nenek tidur di emperan pasar." in response.text
    assert tksk.full_name in response.text  # who receives it
    assert reverse("volunteer:case_photo", args=[CasePhoto.objects.get().pk]) in response.text
    assert visit_url(case) in response.text


def test_staff_of_the_regency_see_the_full_nik(client, serang_staff, case):
    client.force_login(serang_staff)
    response = client.get(detail_url(case))
    assert case.beneficiary.nik in response.text
    assert "3673050101090001" in response.text


def test_opening_the_case_is_logged(client, volunteer, case):
    client.force_login(volunteer)
    client.get(detail_url(case))

    log = AccessLog.objects.get()
    assert (log.user, log.action, log.object_id) == (volunteer, AccessLog.Action.VIEW, str(case.pk))
    assert log.content_type == ContentType.objects.get_for_model(Case)


@pytest.mark.parametrize("who", ["neighbour", "lebak_staff"])
def test_others_get_404_on_the_case_the_visit_and_the_photo(client, case, who, request):
    client.force_login(request.getfixturevalue(who))
    photo = CasePhoto.objects.get()

    assert client.get(detail_url(case)).status_code == 404
    assert client.post(detail_url(case), {"note-text": "Titipan"}).status_code == 404
    assert client.get(visit_url(case)).status_code == 404
    assert client.post(visit_url(case), {"visited_on": "2025-01-02", "text": "x"}).status_code == 404
    assert client.get(reverse("volunteer:case_photo", args=[photo.pk])).status_code == 404
    assert case.entries.count() == 1
    assert not AccessLog.objects.exists()


def test_assigned_volunteer_sees_the_case(client, case, neighbour):
    Case.objects.filter(pk=case.pk).update(assignee=Person.objects.get(account=neighbour))
    client.force_login(neighbour)
    assert client.get(detail_url(case)).status_code == 200


def test_photo_is_served_only_through_the_scoped_view(client, volunteer, case):
    photo = CasePhoto.objects.get()
    client.force_login(volunteer)

    response = client.get(reverse("volunteer:case_photo", args=[photo.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "private" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    assert exif_of(body)[1] == {}
    assert photo.image.storage is storages["private"]  # never under a public URL


def test_note_is_added_to_the_timeline(client, volunteer, case):
    client.force_login(volunteer)

    response = client.post(detail_url(case), {"note-text": "Keluarga di Cilegon dihubungi."}, follow=True)

    assert "Catatan ditambahkan." in response.text
    assert "Keluarga di Cilegon dihubungi." in response.text
    entry = case.entries.get(kind=CaseEntry.Kind.NOTE)
    assert entry.author == volunteer


def test_empty_note_is_refused(client, volunteer, case):
    client.force_login(volunteer)
    response = client.post(detail_url(case), {"note-text": "   "})
    assert "Catatan tidak boleh kosong." in response.text
    assert case.entries.count() == 1


# --- Visits ----------------------------------------------------------------------------------------------------------


def test_volunteer_logs_a_visit_with_photos(client, volunteer, case):
    client.force_login(volunteer)
    today = timezone.localdate()

    response = client.post(
        visit_url(case),
        {
            "visited_on": today.isoformat(),
            "text": "Nenek sudah makan, dibawa ke puskesmas.",
            "photos": [jpeg_upload("a.jpg"), jpeg_upload("b.jpg", color="blue")],
            "keep_location": "on",
        },
        follow=True,
    )

    assert "Kunjungan dicatat." in response.text
    assert "Nenek sudah makan, dibawa ke puskesmas." in response.text
    visit = case.entries.get(kind=CaseEntry.Kind.VISIT)
    assert (visit.visited_on, visit.author) == (today, volunteer)
    photos = list(visit.photos.all())
    assert len(photos) == 2
    assert all(p.kept_location for p in photos)
    with photos[0].image.open("rb") as stored:
        assert exif_of(stored.read())[1]  # the user chose to keep the location


def test_visit_in_the_future_is_refused(client, volunteer, case):
    client.force_login(volunteer)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    response = client.post(visit_url(case), {"visited_on": tomorrow.isoformat(), "text": "Besok"})

    assert "Tanggal kunjungan tidak boleh di masa depan." in response.text
    assert not case.entries.filter(kind=CaseEntry.Kind.VISIT).exists()


def test_visit_with_a_bad_photo_saves_nothing(client, volunteer, case):
    client.force_login(volunteer)

    response = client.post(
        visit_url(case), {"visited_on": "2025-03-01", "text": "Kunjungan", "photos": [text_upload("x.jpg")]}
    )

    assert "Berkas “x.jpg” bukan foto JPEG atau PNG yang bisa dibuka." in response.text
    assert not case.entries.filter(kind=CaseEntry.Kind.VISIT).exists()
    assert CasePhoto.objects.count() == 1


def test_closed_case_takes_no_visit(client, volunteer, case, serang_staff):
    for to in ("verified", "assessment", "intervention"):
        case = services.transition(case, to, user=serang_staff)
    case = services.transition(case, "closed", user=serang_staff, outcome="served")
    client.force_login(volunteer)

    response = client.post(visit_url(case), {"visited_on": "2025-03-01", "text": "Kunjungan"}, follow=True)

    assert "Kasus ini sudah ditutup; kunjungan tidak dapat dicatat." in response.text
    assert not case.entries.filter(kind=CaseEntry.Kind.VISIT).exists()


def test_lebak_case_is_not_reachable_for_serang_staff(client, serang_staff):
    lebak_case = CaseFactory(beneficiary=BeneficiaryFactory(village_code=LEBAK_VILLAGE))
    client.force_login(serang_staff)
    assert client.get(detail_url(lebak_case)).status_code == 404


@pytest.mark.parametrize("visits", [1, 12])
def test_case_page_queries_do_not_grow_with_the_timeline(
    client, volunteer, case, visits, django_assert_max_num_queries
):
    photo = clean_photo(jpeg_upload())
    for n in range(visits):
        services.log_visit(case, user=volunteer, visited_on=timezone.localdate(), text=f"Kunjungan {n}", photos=[photo])
    client.force_login(volunteer)

    with django_assert_max_num_queries(17):
        response = client.get(detail_url(case))

    assert f"Kunjungan {visits - 1}" in response.text
