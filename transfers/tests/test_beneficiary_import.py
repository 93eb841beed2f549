"""Importing beneficiaries (PMKS/PPKS): NIK or name + birth date + village as the key, scope, round trip."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from audit.models import AccessLog
from cases.models import Beneficiary
from cases.names import name_key
from cases.tests.factories import BeneficiaryFactory, CaseFactory
from registry.nik import build_nik
from registry.tests.factories import LEBAK_VILLAGE, SERANG_VILLAGE
from transfers import services
from transfers.models import ImportBatch

UPLOAD = "admin:cases_beneficiary_import"
PREVIEW = "admin:cases_beneficiary_import_preview"
ROSTER = "admin:cases_beneficiary_import_roster"
HEADER = [
    "NIK",
    "No KK",
    "Nama",
    "JK",
    "Tgl Lahir",
    "Umur",
    "Kode Desa",
    "Alamat",
    "PMKS",
    "DTKS",
    "Desil",
    "Tgl Desil",
]


def nik(serial: int, village: str = SERANG_VILLAGE) -> str:
    return build_nik(village[:8], dt.date(1950, 3, 12), "P", 7000 + serial)  # factories use serials below 7000


def row(serial: int | None = 1, **values) -> list:
    data = {
        "nik": nik(serial) if serial else "",
        "kk": "",
        "name": f"Penerima Baru {serial}",
        "sex": "P",
        "birth": "12/03/1950",
        "age": None,
        "village": SERANG_VILLAGE,
        "address": "Kp. Cipare RT 01/RW 02",
        "pmks": "LUT",
        "dtks": "ya",
        "decile": None,
        "decile_date": None,
    }
    data.update(values)
    return list(data.values())


def xlsx(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    workbook.active.append(header)
    for values in rows:
        workbook.active.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, content: bytes, name: str = "pmks.xlsx") -> ImportBatch:
    response = client.post(reverse(UPLOAD), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportBatch.objects.latest("created_at")


@pytest.fixture
def staff(client, serang_staff):
    client.force_login(serang_staff)
    return serang_staff


def test_preview_of_a_messy_file_counts_and_explains_every_row(client, staff):
    changed = BeneficiaryFactory(full_name="Ahmad Sanusi", sex="L", decile=None)
    without_nik = BeneficiaryFactory(nik=None, full_name="Siti Aminah", birth_date=dt.date(1950, 3, 12))
    lookalike = BeneficiaryFactory(full_name="Rohayati", birth_date=dt.date(1950, 3, 12))
    batch = upload(
        client,
        xlsx(
            [
                row(1, pmks="LUT, Fakir Miskin", decile=2, decile_date="01/01/2025"),  # 2: new
                row(
                    None,
                    nik=changed.nik,
                    name="Ahmad Sanusi",
                    sex="L",
                    birth="17/05/1948",
                    decile=3,
                    decile_date="01/01/2025",
                ),  # 3: updated (decile)
                row(None, name="Hj. Siti  Aminah", pmks="FM"),  # 4: matched without NIK, category added
                row(None, name="Nenek Tanpa Tanggal", birth=None, age=70),  # 5: new, estimated birth date
                row(None, nik="3673••••••••0001", name="Disamarkan"),  # 6
                row(2, kk="12345"),  # 7
                row(3, pmks="LUT, Bukan PMKS"),  # 8
                row(4, decile=2),  # 9
                row(1, name="Penerima Baru 1 lagi"),  # 10: NIK of row 2
                row(5, name="Rohayati"),  # 11: new, but looks like a registered beneficiary
            ]
        ),
    )
    assert batch.status == ImportBatch.Status.READY, batch.message
    assert batch.counts == {"new": 3, "updated": 2, "unchanged": 0, "error": 5}
    errors = {e[0]: e[3] for e in batch.errors}
    assert "disamarkan" in errors[6]
    assert errors[7] == "No. KK harus 16 digit; tertulis 5 digit."
    assert "Jenis PMKS Bukan PMKS tidak dikenal" in errors[8]
    assert errors[9] == "Isi tanggal data desil."
    assert errors[10] == "NIK ini sudah tercantum di baris 2."
    page = client.get(reverse(PREVIEW, args=[batch.pk])).content.decode()
    assert "Kemungkinan ganda" in page
    assert f"#{lookalike.pk} Rohayati" in page
    assert "Desil" in page  # the change of row 3

    client.post(reverse(PREVIEW, args=[batch.pk]), {"only_valid": "on"})
    changed.refresh_from_db()
    assert (changed.decile, changed.version) == (3, 2)
    assert list(without_nik.categories.values_list("code", flat=True)) == ["FM"]
    aged = Beneficiary.objects.get(full_name="Nenek Tanpa Tanggal")
    assert aged.birth_date == dt.date(timezone.localdate().year - 70, 7, 1)
    assert aged.birth_date_estimated
    assert aged.nik is None
    assert aged.name_key == name_key("Nenek Tanpa Tanggal")
    assert Beneficiary.objects.filter(full_name="Rohayati").count() == 2


def test_rows_outside_the_officers_region_are_errors(client, staff):
    elsewhere = BeneficiaryFactory(village_code=LEBAK_VILLAGE)
    batch = upload(client, xlsx([row(1, village=LEBAK_VILLAGE), row(None, nik=elsewhere.nik, name="Siapa Saja")]))
    assert batch.counts == {"new": 0, "updated": 0, "unchanged": 0, "error": 2}
    messages = [e[3] for e in batch.errors]
    assert any("(Kabupaten Lebak) berada di luar wilayah Anda" in m for m in messages)
    assert any("terdaftar di luar wilayah Anda" in m for m in messages)
    client.post(reverse(PREVIEW, args=[batch.pk]), {"only_valid": "on"})
    assert Beneficiary.objects.count() == 1


def test_commit_writes_history_as_the_user_and_a_second_import_changes_nothing(client, staff):
    content = xlsx([row(1), row(None, name="Tanpa NIK"), row(None, name="Perkiraan Umur", birth=None, age=66)])
    batch = upload(client, content)
    client.post(reverse(PREVIEW, args=[batch.pk]))
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.COMMITTED
    first = Beneficiary.objects.get(nik=nik(1))
    assert (first.regency_id, first.district_id, first.dtks_status) == ("36.73", "36.73.05", "yes")
    assert list(first.categories.values_list("code", flat=True)) == ["LUT"]
    record = first.history.get()
    assert (record.history_user, record.history_type, record.name_key) == (staff, "+", name_key("Penerima Baru 1"))
    assert first.created_by == staff

    second = upload(client, content)
    assert second.counts == {"new": 0, "updated": 0, "unchanged": 3, "error": 0}
    history = Beneficiary.history.count()
    client.post(reverse(PREVIEW, args=[second.pk]))
    assert Beneficiary.objects.count() == 3
    assert Beneficiary.history.count() == history


def test_a_move_updates_the_beneficiary_and_the_region_of_their_cases(client, staff):
    case = CaseFactory()
    moved = case.beneficiary
    other_village = "36.73.01.1001"
    batch = upload(
        client,
        xlsx([row(None, nik=moved.nik, name=moved.full_name, birth="17/05/1948", village=other_village, pmks="")]),
    )
    assert batch.counts["updated"] == 1, batch.errors
    client.post(reverse(PREVIEW, args=[batch.pk]))
    case.refresh_from_db()
    assert (case.village_id, case.district_id) == (other_village, "36.73.01")
    assert moved.history.latest().history_user == staff


def test_round_trip_export_then_import_changes_nothing(client, staff):
    full = BeneficiaryFactory(
        kk_number="3673051203500001",
        decile=2,
        decile_as_of=dt.date(2025, 1, 1),
        decile_source="dtsen",
        house="rtlh",
        electricity="pln_shared",
        toilet="shared",
        clean_water="yes",
        disability="physical",
        dtks_status="no",
        location_description="Kp. Cipare",
        notes="catatan",
    )
    full.categories.add("LUT", "FM")
    BeneficiaryFactory(nik=None, birth_date=dt.date(1955, 7, 1), birth_date_estimated=True)
    BeneficiaryFactory(village_code=LEBAK_VILLAGE)  # not in the officer's roster

    roster = client.get(reverse(ROSTER))
    assert roster.status_code == 200
    log = AccessLog.objects.filter(action=AccessLog.Action.REVEAL)
    assert log.count() == 1
    batch = upload(client, roster.content, "roster.xlsx")
    assert batch.errors == []
    assert batch.counts == {"new": 0, "updated": 0, "unchanged": 2, "error": 0}

    # The changelist's export in full (entitled and asked) imports back the same way; a masked one does not.
    export = client.get(reverse("admin:cases_beneficiary_export"), {"_format": "csv", "_nik": "1"})
    content = b"".join(export.streaming_content)
    assert full.nik.encode() in content
    batch = upload(client, content, "ekspor.csv")
    assert batch.counts == {"new": 0, "updated": 0, "unchanged": 2, "error": 0}
    masked = client.get(reverse("admin:cases_beneficiary_export"), {"_format": "csv"})
    batch = upload(client, b"".join(masked.streaming_content), "samar.csv")
    assert batch.counts == {"new": 0, "updated": 0, "unchanged": 1, "error": 1}  # the row without NIK matches
    assert "NIK 3673••••••••" in batch.errors[0][3]
    assert "disamarkan" in batch.errors[0][3]


def test_template_has_the_beneficiary_columns_and_instructions(client, staff):
    from openpyxl import load_workbook

    response = client.get(reverse("admin:cases_beneficiary_import_template"))
    workbook = load_workbook(io.BytesIO(response.content))
    headers = [c.value for c in workbook.worksheets[0][1]]
    assert headers[:6] == ["NIK", "No. KK", "Nama lengkap", "Jenis kelamin", "Tanggal lahir", "Perkiraan umur"]
    assert "Jenis PMKS" in headers
    assert workbook.sheetnames[1] == "Petunjuk"


def test_all_or_nothing_in_the_service(serang_staff):
    content = xlsx([row(1), row(2), row(3, kk="123")])
    batch = services.import_upload(user=serang_staff, kind="beneficiary", upload=SimpleUploadedFile("a.xlsx", content))
    assert batch.counts["error"] == 1
    batch.status, batch.summary["counts"]["error"] = ImportBatch.Status.READY, 0  # pretend the preview was clean
    with pytest.raises(services.ImportRefused), transaction.atomic():
        services.run_commit(batch)
    assert not Beneficiary.objects.exists()
    assert not Beneficiary.history.exists()
