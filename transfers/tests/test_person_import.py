"""Importing persons and memberships from a messy workbook: preview, errors, commit, round trip, background."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from jobs.models import Job
from registry.models import Membership, Person
from registry.nik import build_nik
from registry.tests.factories import LEBAK_VILLAGE, MembershipFactory, PersonFactory
from transfers import engine, services
from transfers.models import ImportBatch

UPLOAD = "admin:registry_person_import"
PREVIEW = "admin:registry_person_import_preview"

HEADER = [
    "nik",
    "NAMA",
    "Jenis Kelamin",
    "tempat lahir",
    "Tgl Lahir",
    "alamat",
    "Desa",
    "Kec.",
    "Kabupaten/Kota",
    "No HP",
    "Jenis PSKS",
    "No KTA",
    "TMT",
    "Kolom Bebas",
]


def nik(serial: int, district: str = "36.73.05", sex: str = "L") -> str:
    return build_nik(district, dt.date(1985, 3, 12), sex, 5000 + serial)  # factories use serials below 5000


def person_row(
    number: int,
    *,
    nik_value=None,
    name=None,
    village="KEL. CIPOCOK JAYA",
    district="Kec. Cipocok Jaya",
    regency="Kota Serang",
    phone="0812 3456 7890",
    kta=None,
):
    return [
        nik_value if nik_value is not None else nik(number),
        name or f"Relawan Impor {number}",
        "L",
        "Serang",
        dt.date(1985, 3, 12),
        "Jl. Impor No. 1",
        village,
        district,
        regency,
        phone,
        "PSM",
        kta if kta is not None else f"KTA-{number}",
        "02/01/2023",
        "diabaikan",
    ]


def workbook_bytes(rows, *, header=HEADER, title_rows=0, merge=None, formula_at=None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for _ in range(title_rows):
        sheet.append(["Daftar PSM Kota Serang 2025"])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    if formula_at:
        sheet[formula_at] = "=A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, content: bytes, name: str = "psm.xlsx"):
    return client.post(reverse(UPLOAD), {"file": SimpleUploadedFile(name, content)})


def latest_batch() -> ImportBatch:
    return ImportBatch.objects.latest("created_at")


@pytest.fixture
def staff(client, serang_staff):
    client.force_login(serang_staff)
    return serang_staff


def messy_rows(existing_same: Person, existing_changed: Person) -> list:
    rows = [
        person_row(1),  # row 2: new
        person_row(2, nik_value=nik(2)[:15]),  # row 3: 15 digits
        person_row(3, nik_value="36730A1203850003"),  # row 4: a letter
        person_row(4, nik_value=int(nik(10))),  # row 5: a number, Excel kept 15 digits
        person_row(5, nik_value=nik(1), name="Orang Lain"),  # row 6: NIK of row 2 with other data
        person_row(6, district="Kec. Tidak Ada"),  # row 7: no such kecamatan
        person_row(7, village="Rangkasbitung Barat", district="Rangkasbitung", regency="Kabupaten Lebak"),  # row 8
    ]
    rows += [[None] * len(HEADER)] * 10  # rows 9–18: blank
    same = person_row(0, nik_value=existing_same.nik, name=existing_same.full_name, phone="")
    same[10:13] = ["", "", ""]
    changed = person_row(
        0, nik_value="'" + existing_changed.nik, name=existing_changed.full_name, phone="0813-1111-2222"
    )
    changed[10:13] = ["", "", ""]
    rows += [same, changed]  # rows 19, 20
    rows.append(person_row(8, nik_value="3673"))  # row 21: the formula goes into its NIK cell
    return rows


@pytest.fixture
def registry_people(db):
    same = PersonFactory(full_name="Relawan Impor 0", address="Jl. Impor No. 1", village_code="36.73.05.1001")
    changed = PersonFactory(
        full_name="Relawan Impor 0", address="Jl. Impor No. 1", village_code="36.73.05.1001", phone="+6281200000000"
    )
    return same, changed


def test_preview_counts_and_messages(client, staff, registry_people):
    same, changed = registry_people
    same.birth_place = changed.birth_place = "Serang"
    content = workbook_bytes(messy_rows(same, changed), formula_at="A21")
    response = upload(client, content)
    batch = latest_batch()
    assert response.status_code == 302
    assert response["Location"] == reverse(PREVIEW, args=[batch.pk])

    page = client.get(response["Location"]).content.decode()
    assert batch.counts == {"new": 1, "updated": 1, "unchanged": 1, "error": 7}, (batch.errors, batch.changes)
    for text in (
        "NIK harus 16 digit; tertulis 15 digit",
        "NIK hanya boleh berisi angka; ditemukan: A.",
        "Excel hanya menyimpan 15 digit angka",
        "NIK ini sudah tercantum di baris 2 dengan data relawan yang berbeda",
        "Kecamatan Kec. Tidak Ada tidak ditemukan.",
        "berada di luar wilayah Anda",
        "Sel berisi rumus yang hasilnya tidak tersimpan",
        "10 baris kosong dilewati.",
        "Kolom Bebas",  # ignored column, named
        "Nomor HP",  # the changed field, with its old and new value
        "+6281200000000",
        "+6281311112222",
    ):
        assert text in page, text
    errors = {(row, letter): message for row, letter, _header, message in batch.errors}
    assert errors[(3, "A")].startswith("NIK harus 16 digit")
    assert (7, "H") in errors
    assert (8, "G") in errors
    assert Person.objects.count() == 2  # nothing written by the preview


def test_error_workbook_has_the_messages_in_an_extra_column(client, staff, registry_people):
    content = workbook_bytes(messy_rows(*registry_people))
    upload(client, content)
    batch = latest_batch()
    response = client.get(reverse("admin:registry_person_import_errors", args=[batch.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=1, column=len(HEADER) + 1).value == "Kesalahan"
    assert "NIK harus 16 digit" in sheet.cell(row=3, column=len(HEADER) + 1).value
    assert sheet.cell(row=2, column=len(HEADER) + 1).value is None  # a valid row has no message
    assert sheet.cell(row=3, column=2).value == "Relawan Impor 2"  # the original data is kept


def test_commit_refuses_a_file_with_errors_unless_only_valid_rows(client, staff, registry_people):
    upload(client, workbook_bytes(messy_rows(*registry_people)))
    batch = latest_batch()
    response = client.post(reverse(PREVIEW, args=[batch.pk]), follow=True)
    assert "Masih ada 7 baris yang salah" in response.content.decode()
    assert Person.objects.count() == 2

    response = client.post(reverse(PREVIEW, args=[batch.pk]), {"only_valid": "on"}, follow=True)
    page = response.content.decode()
    assert "7 baris yang salah tidak diimpor." in page
    assert Person.objects.count() == 3
    assert Person.objects.get(nik=nik(1)).memberships.get().membership_number == "KTA-1"


@pytest.mark.django_db(transaction=True)
def test_a_failure_on_the_last_row_leaves_nothing_written(client, serang_staff):
    """Rows 2–4 valid at preview; before the commit someone takes row 4's membership number."""
    client.force_login(serang_staff)
    upload(client, workbook_bytes([person_row(1), person_row(2), person_row(3)]))
    batch = latest_batch()
    assert batch.counts["new"] == 3
    MembershipFactory(person=PersonFactory(village_code="36.73.05.1001"), membership_number="KTA-3")
    before = (Person.objects.count(), Membership.objects.count(), Person.history.count())
    response = client.post(reverse(PREVIEW, args=[batch.pk]), follow=True)
    assert "Tidak ada yang diimpor" in response.content.decode()
    assert (Person.objects.count(), Membership.objects.count(), Person.history.count()) == before
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.FAILED


def test_commit_writes_history_as_the_user_and_a_second_import_changes_nothing(client, staff):
    content = workbook_bytes([person_row(1), person_row(2)])
    upload(client, content)
    client.post(reverse(PREVIEW, args=[latest_batch().pk]))
    person = Person.objects.get(nik=nik(1))
    assert person.regency_id == "36.73"
    assert person.district_id == "36.73.05"
    assert person.phone == "+6281234567890"
    record = person.history.get()
    assert record.history_user == staff
    assert record.history_type == "+"
    assert person.memberships.get().history.get().history_user == staff

    upload(client, content)
    second = latest_batch()
    assert second.counts == {"new": 0, "updated": 0, "unchanged": 2, "error": 0}
    history = (Person.history.count(), Membership.history.count())
    client.post(reverse(PREVIEW, args=[second.pk]))
    assert (Person.history.count(), Membership.history.count()) == history
    assert ImportBatch.objects.get(pk=second.pk).status == ImportBatch.Status.COMMITTED


def test_an_update_bumps_the_version_and_records_the_change(client, staff):
    person = PersonFactory(village_code="36.73.05.1001", phone="+6281200000000")
    row = person_row(1, nik_value=person.nik, name=person.full_name, phone="0813 1111 2222")
    row[10:13] = ["", "", ""]
    upload(client, workbook_bytes([row]))
    batch = latest_batch()
    assert batch.counts["updated"] == 1
    client.post(reverse(PREVIEW, args=[batch.pk]))
    person.refresh_from_db()
    assert person.phone == "+6281311112222"
    assert person.version == 2
    latest = person.history.latest()
    assert latest.history_type == "~"
    assert latest.history_user == staff
    assert latest.phone == "+6281311112222"


def test_rows_outside_the_officers_region_are_errors(client, lebak_staff):
    client.force_login(lebak_staff)
    upload(client, workbook_bytes([person_row(1)]))  # a Kota Serang village
    batch = latest_batch()
    assert batch.counts == {"new": 0, "updated": 0, "unchanged": 0, "error": 1}
    assert "berada di luar wilayah Anda" in batch.errors[0][3]
    assert client.post(reverse(PREVIEW, args=[batch.pk]), {"only_valid": "on"}).status_code == 302
    assert not Person.objects.exists()


def test_an_existing_person_of_another_region_is_refused(client, staff):
    other = PersonFactory(village_code=LEBAK_VILLAGE)
    row = person_row(1, nik_value=other.nik)
    upload(client, workbook_bytes([row]))
    assert "terdaftar sebagai relawan di luar wilayah Anda" in latest_batch().errors[0][3]


def test_round_trip_export_then_import_changes_nothing(client, staff):
    a = PersonFactory(village_code="36.73.05.1001", phone="+6281299990000", education="sma")
    MembershipFactory(person=a, membership_number="KTA-A", decree_number="SK/1")
    PersonFactory(
        village_code="36.73.05.1001", status="moved", status_date=dt.date(2025, 1, 2), status_reason="Pindah ke Lebak"
    )
    tksk = PersonFactory(village_code="36.73.05.1001")
    MembershipFactory(person=tksk, psks_type_id="TKSK", district_id="36.73.05")
    roster = client.get(reverse("admin:registry_person_import_roster"))
    assert roster.status_code == 200
    upload(client, roster.content, "roster.xlsx")
    batch = latest_batch()
    assert batch.errors == []
    assert batch.counts == {"new": 0, "updated": 0, "unchanged": 3, "error": 0}


def test_template_has_headers_and_instructions(client, staff):
    response = client.get(reverse("admin:registry_person_import_template"))
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Relawan", "Petunjuk"]
    headers = [c.value for c in workbook["Relawan"][1]]
    assert headers[:3] == ["NIK", "Nama lengkap", "Jenis kelamin"]
    # The template's example row itself imports (with a valid village by code).
    upload(client, response.content, "templat.xlsx")
    assert latest_batch().counts["error"] == 0


def test_csv_from_excel_windows_1252_with_semicolons(client, staff):
    lines = [
        "NIK;Nama lengkap;Jenis kelamin;Tempat lahir;Tanggal lahir;Alamat;Kode desa/kelurahan",
        f"{nik(1)};José Müller;L;Serang;12/03/1985;Jl. Café;36.73.05.1001",
        "3,67305E+15;Budi;L;Serang;12/03/1985;Jl. A;36.73.05.1001",
    ]
    content = ("\r\n".join(lines) + "\r\n").encode("cp1252")
    upload(client, content, "psm.csv")
    batch = latest_batch()
    assert batch.counts["new"] == 1
    assert batch.counts["error"] == 1
    assert "notasi ilmiah (3,67305E+15)" in batch.errors[0][3]
    client.post(reverse(PREVIEW, args=[batch.pk]), {"only_valid": "on"})
    assert Person.objects.get(nik=nik(1)).full_name == "José Müller"
    errors = client.get(reverse("admin:registry_person_import_errors", args=[batch.pk]))
    assert "notasi ilmiah".encode("cp1252") in errors.content
    assert b"Kesalahan" in errors.content


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "kosong.xlsx", "File kosong"),
        (b"%PDF-1.4\x00\x01binary", "surat.pdf", "bukan lembar kerja Excel"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "lama.xls", "File Excel lama (.xls)"),
        (b"foo,bar\n1,2\n", "acak.csv", "Judul kolom tidak dikenali"),
        (b"PK\x03\x04broken", "rusak.xlsx", "rusak atau tidak lengkap"),
    ],
)
def test_bad_files_are_refused_clearly(client, staff, content, name, message):
    response = upload(client, content, name)
    page = (
        response.content.decode() if response.status_code == 200 else client.get(response["Location"]).content.decode()
    )
    assert message in page
    assert not Person.objects.exists()


def test_a_file_above_the_size_limit_is_refused(client, staff, settings):
    settings.IMPORT_MAX_BYTES = 1000
    response = upload(client, b"NIK,Nama\n" + b"x" * 2000, "besar.csv")
    assert "melebihi batas" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_merged_cells_and_a_title_row_above_the_header(client, staff):
    content = workbook_bytes([person_row(1), person_row(2), person_row(3)], title_rows=1, merge="F3:F4")
    upload(client, content)
    batch = latest_batch()
    assert batch.summary["header_row"] == 2
    assert {row for row, *_rest in batch.errors} == {3, 4}
    assert "Sel digabung (merge) F3:F4" in batch.errors[0][3]


def test_background_import_reaches_100_percent(client, staff, settings):
    settings.IMPORT_SYNC_MAX_ROWS = 2
    upload(client, workbook_bytes([person_row(n) for n in range(1, 6)]))
    batch = latest_batch()
    preview_job = Job.objects.get(pk=batch.job_id)
    assert preview_job.status == Job.Status.DONE
    assert preview_job.percent == 100
    assert batch.status == ImportBatch.Status.READY
    assert batch.counts["new"] == 5
    page = client.get(reverse(PREVIEW, args=[batch.pk])).content.decode()
    assert 'data-count="new">5<' in page

    client.post(reverse(PREVIEW, args=[batch.pk]))
    batch.refresh_from_db()
    commit_job = Job.objects.get(pk=batch.job_id)
    assert commit_job.status == Job.Status.DONE
    assert commit_job.percent == 100
    assert commit_job.progress_done == 5
    assert batch.status == ImportBatch.Status.COMMITTED
    assert Person.objects.count() == 5


def test_a_failed_background_commit_shows_why_and_writes_nothing(client, staff, settings):
    settings.IMPORT_SYNC_MAX_ROWS = 1
    upload(client, workbook_bytes([person_row(1), person_row(2)]))
    batch = latest_batch()
    MembershipFactory(person=PersonFactory(village_code="36.73.05.1001"), membership_number="KTA-2")
    count = Person.objects.count()
    page = client.post(reverse(PREVIEW, args=[batch.pk]), follow=True).content.decode()
    assert Job.objects.get(pk=ImportBatch.objects.get(pk=batch.pk).job_id).status == Job.Status.FAILED
    assert "Tidak ada yang diimpor" in page
    assert Person.objects.count() == count


def test_a_batch_is_seen_by_its_uploader_only(client, staff, province_staff):
    upload(client, workbook_bytes([person_row(1)]))
    batch = latest_batch()
    client.force_login(province_staff)
    assert client.get(reverse(PREVIEW, args=[batch.pk])).status_code == 404
    assert client.post(reverse(PREVIEW, args=[batch.pk])).status_code == 404


def test_all_or_nothing_in_the_service(serang_staff):
    """The commit service itself, inside a transaction: an invalid last row rolls back every row."""
    content = workbook_bytes([person_row(1), person_row(2, nik_value="123")])
    batch = services.import_upload(user=serang_staff, kind="person", upload=SimpleUploadedFile("a.xlsx", content))
    batch.status, batch.summary["counts"]["error"] = ImportBatch.Status.READY, 0  # pretend the preview was clean
    with pytest.raises(services.ImportRefused), transaction.atomic():
        services.run_commit(batch)
    assert not Person.objects.exists()


def test_a_bad_last_row_rolls_back_the_chunks_already_written(serang_staff, monkeypatch):
    """Chunks 1 and 2 are written (COPY on PostgreSQL) before chunk 3 finds its row now wrong: nothing stays."""
    monkeypatch.setattr(engine, "CHUNK_ROWS", 2)
    content = workbook_bytes([person_row(n) for n in range(1, 6)])
    batch = services.import_upload(user=serang_staff, kind="person", upload=SimpleUploadedFile("a.xlsx", content))
    assert batch.counts["new"] == 5
    MembershipFactory(person=PersonFactory(village_code="36.73.05.1001"), membership_number="KTA-5")
    before = (Person.objects.count(), Membership.objects.count(), Person.history.count(), Membership.history.count())
    services.import_commit(batch=batch, acting_user=serang_staff)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert "Tidak ada yang diimpor" in batch.message
    after = (Person.objects.count(), Membership.objects.count(), Person.history.count(), Membership.history.count())
    assert after == before


def test_repeated_cells_get_the_same_answer_and_every_bad_row_its_message(client, staff):
    """The parser's answer is kept per text: a bad date repeated is an error on each row; a True cell and a 1
    (equal in Python) are still read apart."""
    rows = [person_row(n) for n in range(1, 5)]
    rows[0][4] = rows[1][4] = "31/02/1985"  # rows 2 and 3
    rows[2][5], rows[3][5] = True, 1  # address cells of rows 4 and 5
    upload(client, workbook_bytes(rows))
    batch = latest_batch()
    errors = {(row, letter) for row, letter, _header, _message in batch.errors}
    assert errors == {(2, "E"), (3, "E")}
    assert batch.counts["new"] == 2
    client.post(reverse(PREVIEW, args=[batch.pk]), {"only_valid": "1"})
    assert dict(Person.objects.values_list("nik", "address")) == {nik(3): "ya", nik(4): "1"}


def test_a_person_in_two_chunks_gets_one_record_and_both_memberships(serang_staff, monkeypatch):
    """Chunk 1 creates the person; chunk 2 repeats them with another membership. On PostgreSQL chunk 1 is
    still being written (COPY in the background) while chunk 2 is checked."""
    monkeypatch.setattr(engine, "CHUNK_ROWS", 2)
    again = person_row(1, kta="KTA-1-PEKSOS")
    again[10] = "PEKSOS"
    content = workbook_bytes([person_row(1), person_row(2), again, person_row(3), person_row(4)])
    batch = services.import_upload(user=serang_staff, kind="person", upload=SimpleUploadedFile("a.xlsx", content))
    assert batch.counts == {"new": 4, "updated": 1, "unchanged": 0, "error": 0}
    histories_before = Person.history.count()  # what this import writes, whatever earlier tests left
    with transaction.atomic():
        services.run_commit(batch)
    person = Person.objects.get(nik=nik(1))
    assert sorted(person.memberships.values_list("psks_type_id", "membership_number")) == [
        ("PEKSOS", "KTA-1-PEKSOS"),
        ("PSM", "KTA-1"),
    ]
    assert Person.objects.count() == 4
    assert Person.history.count() - histories_before == 4
    assert Person.history.filter(history_user=serang_staff, history_type="+").count() == 4
    assert Membership.history.filter(history_user=serang_staff, history_type="+").count() == 5
    assert batch.summary["written"] == {"persons_created": 4, "memberships_created": 5}


def test_the_queries_do_not_grow_with_the_rows(serang_staff, django_assert_max_num_queries):
    """No query per row: 300 rows (one chunk) take no more queries to preview and commit than 3 rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def preview_and_commit(first: int, size: int) -> None:
        content = workbook_bytes([person_row(n) for n in range(first, first + size)])
        batch = services.import_upload(
            user=serang_staff, kind="person", upload=SimpleUploadedFile(f"{first}.xlsx", content)
        )
        assert batch.counts["new"] == size
        services.import_commit(batch=batch, acting_user=serang_staff)
        assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.COMMITTED

    preview_and_commit(1, 3)  # first use: caches filled
    with CaptureQueriesContext(connection) as three:
        preview_and_commit(10, 3)
    with django_assert_max_num_queries(len(three)):
        preview_and_commit(1000, 300)
    assert Person.objects.count() == 306
