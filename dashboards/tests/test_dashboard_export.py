"""One click exports a dashboard to XLSX: a sheet of information, then a sheet per panel, Indonesian headers."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db

REGENCY = reverse("dashboards:regency", args=["kabupaten-serang"])
PROVINCE = reverse("dashboards:province")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    return load_workbook(io.BytesIO(response.content))


def block_rows(sheet, caption: str) -> list[list]:
    """The rows of the table under `caption` in a sheet (header first), up to the blank row after it."""
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    start = next(i for i, row in enumerate(rows) if row[0] == caption)
    width = sum(1 for cell in rows[start + 1] if cell is not None)
    result = []
    for row in rows[start + 1 :]:
        if row[0] is None:
            break
        result.append(row[:width])
    return result


def block(sheet, caption: str) -> dict:
    """The table under `caption` as {"header": [...], first cell: [other cells]}."""
    header, *rows = block_rows(sheet, caption)
    return {"header": header, **{row[0]: row[1:] for row in rows}}


def test_regency_export_has_a_sheet_per_panel_with_the_page_numbers(
    client, serang_forum_chair, known_data, known_forums
):
    client.force_login(serang_forum_chair)
    response = client.get(REGENCY, {"format": "xlsx"})

    book = workbook(response)
    assert 'filename="dasbor-kabupaten-serang-' in response["Content-Disposition"]
    assert book.sheetnames == [
        "Keterangan",
        "PSKS per jenis",
        "Per kecamatan",
        "Kesenjangan",
        "Pengurus forum dan kekosongan",
        "Kegiatan dan pelatihan 12 bulan",
        "Kasus PMKS",
        "Rumah tangga per desil",
    ]
    info = [list(row) for row in book["Keterangan"].values]
    assert info[0] == ["Dasbor PSKS", "Kabupaten Serang"]
    assert info[1][0] == "Data per"

    types = block(book["PSKS per jenis"], "Jumlah PSKS per jenis — Kabupaten Serang")
    assert types["header"] == ["Jenis PSKS", "Satuan", "Jumlah"]
    assert types["Pekerja Sosial Masyarakat (PSM)"] == ["Orang", 3]
    assert types["Karang Taruna"] == ["Lembaga", 1]

    per_district = block(book["Per kecamatan"], "PSKS per kecamatan — Kabupaten Serang")
    assert per_district["header"][:3] == ["Kecamatan", "Ada TKSK aktif", "TKSK"]
    assert per_district["Kramatwatu"] == ["Ya", 1, 2, 0, 0, 1, 1, 0, 0, 0, 1]
    assert per_district["Ciruas"] == ["Tidak", 0, 1, 0, 1, 0, 0, 1, 0, 1, 2]
    assert per_district["Jumlah"][1:] == [1, 3, 2, 1, 1, 1, 1, 0, 1, 3]

    gaps = book["Kesenjangan"]
    assert len(block_rows(gaps, "Kecamatan tanpa TKSK aktif")) == 1 + 28
    uncovered = block_rows(gaps, "Desa/kelurahan tanpa Karang Taruna aktif")
    assert len(uncovered) == 1 + 325  # the whole list (collapsed on the page)
    assert ["Kramatwatu", "Margasana", "36.04.05.2002"] in uncovered

    officers = book["Pengurus forum dan kekosongan"]
    forums = block(officers, "Forum dan pengurus — Kabupaten Serang")
    assert forums["Forum PSKS Kabupaten Serang"] == ["kabupaten/kota", "Ketua Serang", 2, 2, 1]
    ending = block(officers, "Masa jabatan forum Kabupaten Serang yang berakhir dalam 90 hari")
    assert ending["Ketua Serang"][1:2] == ["Ketua"]
    assert ending["Ketua Serang"][3] == "Tidak"

    events = [list(row) for row in book["Kegiatan dan pelatihan 12 bulan"].values]
    bimtek = next(row for row in events if str(row[0]).startswith("Bimtek TKSK ("))
    assert bimtek[1:] == ["bimbingan teknis (bimtek)", "Ya", "Forum PSKS Kabupaten Serang", 3, 2]
    assert not any(str(row[0]).startswith("Klik") for row in events)  # page hints stay on the page


def test_province_export(client, province_staff, known_data, known_forums):
    client.force_login(province_staff)
    response = client.get(PROVINCE, {"format": "xlsx"})

    book = workbook(response)
    assert 'filename="dasbor-provinsi-' in response["Content-Disposition"]
    assert book.sheetnames[2] == "Per kabupaten-kota"
    per_regency = block(book["Per kabupaten-kota"], "PSKS per kabupaten/kota")
    assert per_regency["header"][0] == "Kabupaten/Kota"
    assert per_regency["Kabupaten Serang"] == [1, 3, 2, 1, 1, 1, 1, 0, 1, 3]
    assert per_regency["Kabupaten Lebak"] == [0, 0, 1, 0, 1, 0, 0, 0, 0, 0]
    gaps = block(book["Kesenjangan"], "Kesenjangan per kabupaten/kota")
    assert gaps["Kota Serang"] == [6, 6, 67, 67]


def test_export_of_a_region_out_of_scope_is_404(client, serang_forum_chair):
    client.force_login(serang_forum_chair)
    assert client.get(reverse("dashboards:regency", args=["kabupaten-lebak"]), {"format": "xlsx"}).status_code == 404


def test_attendance_export(client, serang_forum_chair, known_forums):
    client.force_login(serang_forum_chair)
    url = reverse("dashboards:regency_event", args=["kabupaten-serang", known_forums["bimtek"].pk])

    sheet = workbook(client.get(url, {"format": "xlsx"})).active
    rows = [list(row) for row in sheet.values]
    header = rows.index(["No.", "Nama", "Domisili", "Peran", "Hadir", "Bersertifikat"])
    names = {row[1]: row[4] for row in rows[header + 1 : header + 4]}
    assert names == {"Peserta Serang 0": "Ya", "Peserta Serang 1": "Ya", "Peserta Serang 2": "Tidak"}
    assert rows[header + 4][0] == "Jumlah"


def test_names_are_never_formulas(client, province_staff, known_forums):
    forum = known_forums["serang_forum"]
    forum.name = '=HYPERLINK("http://example.org","klik")'
    forum.save()
    client.force_login(province_staff)

    book = workbook(client.get(REGENCY, {"format": "xlsx"}))

    cells = [cell for row in book["Pengurus forum dan kekosongan"].iter_rows() for cell in row if cell.value]
    name = next(cell for cell in cells if str(cell.value).startswith("=HYPERLINK"))
    assert name.data_type == "s"
