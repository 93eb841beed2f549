"""Importing institutions: natural keys (registration number, else name and village), rules, round trip."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from registry.models import Institution, PsksType
from registry.tests.factories import InstitutionFactory
from transfers.models import ImportBatch

UPLOAD = "admin:registry_institution_import"
PREVIEW = "admin:registry_institution_import_preview"
HEADER = ["Jenis", "Nama Lembaga", "Alamat", "Kode Desa", "No. Tanda Daftar", "Akreditasi", "Tgl Akreditasi"]


def xlsx(rows) -> bytes:
    workbook = Workbook()
    workbook.active.append(HEADER)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def staff(client, serang_staff):
    client.force_login(serang_staff)
    return serang_staff


def upload(client, content: bytes) -> ImportBatch:
    client.post(reverse(UPLOAD), {"file": SimpleUploadedFile("lembaga.xlsx", content)})
    return ImportBatch.objects.latest("created_at")


def test_new_updated_and_broken_rows(client, staff):
    existing = InstitutionFactory(name="LKS Harapan", registration_number="STD-1")
    InstitutionFactory(name="Karang Taruna Cipocok", psks_type=PsksType.objects.get(code="KT"))
    batch = upload(
        client,
        xlsx(
            [
                ["LKS", "LKS Baru", "Jl. A", "36.73.05.1002", "STD-2", "belum", None],
                ["LKS", "LKS Harapan Bangsa", "Jl. Uji", "36.73.05.1001", "STD-1", "B", "10/01/2024"],
                ["KT", "Karang Taruna Kedua", "Jl. B", "36.73.05.1001", "", "", None],
                ["LKS", "LKS Tanpa Tanggal", "Jl. C", "36.73.05.1003", "STD-3", "A", None],
                ["LKS", "LKS Ganda", "Jl. D", "36.73.05.1003", "STD-2", "", None],
            ]
        ),
    )
    assert batch.counts == {"new": 1, "updated": 1, "unchanged": 0, "error": 3}
    messages = [e[3] for e in batch.errors]
    assert any("sudah memiliki Karang Taruna yang aktif: Karang Taruna Cipocok" in m for m in messages)
    assert "Isi tanggal akreditasi." in messages
    assert any("sudah tercantum di baris 2" in m for m in messages)
    page = client.get(reverse(PREVIEW, args=[batch.pk])).content.decode()
    assert "LKS Harapan Bangsa" in page
    assert "Akreditasi" in page

    client.post(reverse(PREVIEW, args=[batch.pk]), {"only_valid": "on"})
    existing.refresh_from_db()
    assert existing.name == "LKS Harapan Bangsa"
    assert existing.accreditation_valid_until.year == 2027  # B: three years, as Institution.clean computes
    assert existing.version == 2
    assert existing.history.latest().history_user == staff
    assert Institution.objects.get(registration_number="STD-2").regency_id == "36.73"


def test_round_trip(client, staff):
    InstitutionFactory(name="LKS Satu", registration_number="STD-9", legal_entity=True, legal_entity_number="AHU-1")
    InstitutionFactory(name="LKS Dua")
    roster = client.get(reverse("admin:registry_institution_import_roster"))
    batch = upload(client, roster.content)
    assert batch.counts == {"new": 0, "updated": 0, "unchanged": 2, "error": 0}
