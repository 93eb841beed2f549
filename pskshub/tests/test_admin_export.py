"""Export of admin lists (pskshub.admin_export): the filtered rows, masked, logged, scoped, large ones as jobs."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AccessLog
from cases.tests.factories import BeneficiaryFactory, CaseFactory
from forums.tests.factories import EventFactory, ParticipationFactory
from jobs.models import Job
from registry.models import Person
from registry.nik import mask_nik
from registry.tests.factories import LEBAK_VILLAGE, InstitutionFactory, MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db

PERSON_EXPORT = "admin:registry_person_export"


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))


def column(rows: list[list[str]], header: str) -> list[str]:
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]]


@pytest.fixture
def people():
    serang = [
        PersonFactory(full_name="Ani Serang"),
        PersonFactory(full_name="Budi Serang"),
        PersonFactory(full_name="Citra Serang"),
    ]
    lebak = [PersonFactory(full_name="Dedi Lebak", village_code=LEBAK_VILLAGE)]
    return {"serang": serang, "lebak": lebak}


def test_the_changelist_offers_the_downloads_with_its_filters(client, province_staff, people):
    client.force_login(province_staff)
    html = client.get(reverse("admin:registry_person_changelist") + "?regency=36.73&q=Serang").content.decode()
    export = reverse(PERSON_EXPORT)
    assert f"{export}?regency=36.73&amp;q=Serang&amp;_format=xlsx" in html
    assert f"{export}?regency=36.73&amp;q=Serang&amp;_format=csv" in html
    assert "Unduh XLSX" in html
    assert "Unduh CSV" in html
    assert "Opsi unduhan" in html


def test_the_export_holds_exactly_the_filtered_changelist_rows(client, province_staff, people):
    PersonFactory(full_name="Ani Pandeglang", village_code=LEBAK_VILLAGE)
    client.force_login(province_staff)
    query = "?regency=36.73&q=Ani"
    changelist = client.get(reverse("admin:registry_person_changelist") + query)
    shown = [person.full_name for person in changelist.context["cl"].result_list]

    rows = csv_rows(client.get(reverse(PERSON_EXPORT) + query + "&_format=csv"))

    assert shown == ["Ani Serang"]
    assert column(rows, "Nama lengkap") == shown


def test_nik_is_masked_unless_an_entitled_user_asks(client, serang_staff, people):
    client.force_login(serang_staff)
    niks = sorted(p.nik for p in people["serang"])

    masked = column(csv_rows(client.get(reverse(PERSON_EXPORT) + "?_format=csv")), "NIK")
    full = column(csv_rows(client.get(reverse(PERSON_EXPORT) + "?_format=csv&_nik=1")), "NIK")

    assert sorted(masked) == sorted(mask_nik(nik) for nik in niks)
    assert sorted(full) == niks


def test_rows_outside_the_users_scope_stay_masked_even_when_asked(client, serang_staff):
    """Participants of a Serang event who live in Lebak: Serang staff see them, never their full NIK."""
    event = EventFactory(title="Bimtek Kota Serang")
    local = ParticipationFactory(event=event, person=PersonFactory(full_name="Warga Serang"))
    visitor = ParticipationFactory(
        event=event, person=PersonFactory(full_name="Tamu Lebak", village_code=LEBAK_VILLAGE)
    )
    client.force_login(serang_staff)

    rows = csv_rows(client.get(reverse("admin:forums_event_export") + "?_daftar=peserta&_format=csv&_nik=1"))

    niks = dict(zip(column(rows, "nama"), column(rows, "NIK"), strict=True))
    assert niks == {"Warga Serang": local.person.nik, "Tamu Lebak": mask_nik(visitor.person.nik)}


def test_a_serang_officers_export_has_no_lebak_rows(client, serang_staff, people):
    MembershipFactory(person=people["lebak"][0])
    for person in people["serang"]:
        MembershipFactory(person=person)
    client.force_login(serang_staff)

    persons = column(csv_rows(client.get(reverse(PERSON_EXPORT) + "?_format=csv&_nik=1")), "Nama lengkap")
    memberships = column(
        csv_rows(client.get(reverse("admin:registry_membership_export") + "?_format=csv")), "Nama lengkap"
    )

    assert sorted(persons) == ["Ani Serang", "Budi Serang", "Citra Serang"]
    assert sorted(memberships) == ["Ani Serang", "Budi Serang", "Citra Serang"]


def test_every_export_is_in_the_access_log(client, serang_staff, people):
    client.force_login(serang_staff)
    csv_rows(client.get(reverse(PERSON_EXPORT) + "?q=Serang&_format=csv"))

    entry = AccessLog.objects.get()
    assert entry.action == AccessLog.Action.EXPORT
    assert entry.user == serang_staff
    assert entry.content_type.model_class() is Person
    assert entry.row_count == 3
    assert "q=Serang" in entry.detail

    csv_rows(client.get(reverse(PERSON_EXPORT) + "?q=Serang&_format=csv&_nik=1"))
    assert set(AccessLog.objects.values_list("action", flat=True)) == {"export", "reveal"}
    assert "NIK/No. KK lengkap" in AccessLog.objects.get(action="reveal").detail


def test_xlsx_holds_the_same_rows(client, province_staff):
    institution = InstitutionFactory(name="LKS Harapan")
    InstitutionFactory(name="LKS Lebak", village_code=LEBAK_VILLAGE)
    client.force_login(province_staff)

    response = client.get(reverse("admin:registry_institution_export") + "?regency=36.73&_format=xlsx")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="lembaga-' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(body(response)), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "Nama lembaga" in rows[0]
    names = [row[rows[0].index("Nama lembaga")] for row in rows[1:]]
    assert names == [institution.name]


def test_a_value_that_looks_like_a_formula_is_neutralised(client, province_staff):
    PersonFactory(full_name='=HYPERLINK("http://evil.example","klik")')
    PersonFactory(full_name="@SUM(A1)")
    client.force_login(province_staff)

    names = column(csv_rows(client.get(reverse(PERSON_EXPORT) + "?_format=csv")), "Nama lengkap")

    assert sorted(names) == ['\'=HYPERLINK("http://evil.example","klik")', "'@SUM(A1)"]


def _case_with_everything():
    return CaseFactory(assignee=PersonFactory())


@pytest.mark.parametrize(
    ("export", "make"),
    [
        ("admin:registry_membership_export", MembershipFactory),
        ("admin:cases_case_export", _case_with_everything),
        ("admin:cases_beneficiary_export", BeneficiaryFactory),
    ],
)
def test_the_query_count_does_not_grow_with_the_rows(client, province_staff, export, make):
    """Rows are read in chunks and each chunk's relations in one query each (no query per row)."""
    client.force_login(province_staff)
    url = reverse(export) + "?_format=csv"

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            rows = csv_rows(client.get(url))
        return len(captured), len(rows)

    queries()  # the content type of the access log entry is cached from here on
    for _ in range(3):
        make()
    few, few_rows = queries()
    for _ in range(30):
        make()
    many, many_rows = queries()
    assert many_rows == few_rows + 30
    assert many == few


def test_a_large_export_runs_as_a_job_with_a_progress_page(client, serang_staff, people, settings):
    settings.EXPORT_SYNC_MAX_ROWS = 2
    client.force_login(serang_staff)

    response = client.get(reverse(PERSON_EXPORT) + "?q=Serang&_format=csv")

    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:job_detail", args=[job.pk])
    assert job.created_by == serang_staff
    assert job.status == Job.Status.DONE
    assert job.progress_done == job.progress_total == 3
    page = client.get(response["Location"]).content.decode()
    assert "3 baris siap diunduh." in page
    download = client.get(reverse("jobs:job_download", args=[job.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert sorted(column(rows, "Nama lengkap")) == ["Ani Serang", "Budi Serang", "Citra Serang"]
    assert column(rows, "NIK")[0].count("•") == 8
    entry = AccessLog.objects.get(action="export")
    assert (entry.user, entry.row_count) == (serang_staff, 3)


def test_the_options_page_offers_full_numbers_to_staff_only_and_the_other_lists(client, province_staff):
    client.force_login(province_staff)
    html = client.get(reverse("admin:forums_event_export") + "?wilayah=36.73").content.decode()
    assert "Tampilkan NIK/No. KK lengkap" in html
    assert 'name="wilayah" value="36.73"' in html
    assert "Peserta kegiatan" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?_format=pdf", "Format pdf tidak dikenal; pilih XLSX atau CSV."),
        ("?_format=csv&tidak_ada=1", "Filter daftar tidak dikenal atau tidak sah."),
        ("?_format=csv&_daftar=rahasia", "Daftar yang diminta tidak ada."),
    ],
)
def test_bad_input_is_explained_and_nothing_is_exported(client, province_staff, people, query, message):
    client.force_login(province_staff)
    response = client.get(reverse(PERSON_EXPORT) + query)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AccessLog.objects.exists()


def test_the_export_needs_the_view_permission(client, no_role_user):
    client.force_login(no_role_user)
    response = client.get(reverse(PERSON_EXPORT) + "?_format=csv")
    assert response.status_code == 302  # the admin's login page
    assert not AccessLog.objects.exists()
