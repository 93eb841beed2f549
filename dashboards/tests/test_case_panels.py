"""The PMKS panels: cases by category × status and by region, households by decile; "<5" for who may not see cases."""

from __future__ import annotations

import io
from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import RoleAssignment
from dashboards import case_panels, sqlcache
from registry.tests.factories import RoleFactory

from .helpers import chart_data, table
from .test_dashboard_export import block
from .test_panels import by_name, province_area, regency_area

pytestmark = pytest.mark.django_db

REGENCY = reverse("dashboards:regency", args=["kabupaten-serang"])
PROVINCE = reverse("dashboards:province")
STATUS_HEADER = ["Baru", "Terverifikasi", "Asesmen", "Intervensi", "Selesai", "Ditolak", "Jumlah"]


def tables_of(panel) -> dict[str, dict[str, list]]:
    return {t.key: {"header": t.columns, **by_name(t), "Jumlah": t.footer[1:]} for t in panel.tables}


# --- Exact, for staff of the region -----------------------------------------------------------------------------------


def test_cases_by_category_and_status_exact_for_staff_of_the_regency(known_cases, serang_regency_staff):
    area = regency_area(user=serang_regency_staff)
    tables = tables_of(case_panels.cases(area))

    by_category = tables["kasus-jenis"]
    assert by_category["header"] == ["Jenis PMKS", *STATUS_HEADER]
    #                                       new ver ass int clo rej total
    assert by_category["Lanjut Usia Telantar"] == [6, 1, 0, 0, 2, 0, 9]
    assert by_category["Anak Jalanan"] == [1, 0, 0, 0, 0, 0, 1]
    assert by_category["Penyandang Disabilitas"] == [0, 0, 0, 3, 0, 0, 3]
    assert by_category["Fakir Miskin"] == [0, 0, 0, 0, 0, 1, 1]
    assert by_category["Korban Bencana Alam"] == [0, 0, 0, 0, 0, 0, 0]
    assert len(by_category) == 1 + 26 + 1  # every PMKS category is a row, with or without cases
    assert by_category["Jumlah"] == [7, 1, 0, 3, 2, 1, 14]

    by_district = tables["kasus-wilayah"]
    assert by_district["header"][0] == "Kecamatan"
    assert by_district["Kramatwatu"] == [7, 0, 0, 0, 2, 0, 9]
    assert by_district["Ciruas"] == [0, 1, 0, 3, 0, 0, 4]
    assert by_district["Anyar"] == [0, 0, 0, 0, 0, 1, 1]
    assert by_district["Pontang"] == [0] * 7
    assert by_district["Jumlah"] == [7, 1, 0, 3, 2, 1, 14]  # Kota Serang's and Lebak's cases are not here


def test_households_by_decile_count_each_household_once(known_cases, serang_regency_staff):
    area = regency_area(user=serang_regency_staff)
    tables = tables_of(case_panels.households(area))

    summary = tables["desil"]
    assert summary["Desil 1"] == [3]  # KK A (three members) once, and two beneficiaries without KK
    assert summary["Desil 2"] == [1]  # KK B: its representative's (the first recorded), the other's is unknown
    assert summary["Desil 3"] == [0]
    assert summary["Desil 4"] == [1]  # KK C: desil 4 (its representative) and 3 recorded, counted once, in desil 4
    assert summary["Desil 5"] == [0]  # Lebak's household is not Kabupaten Serang's
    assert summary["Tidak diketahui"] == [1]
    assert summary["Jumlah"] == [6]

    per_district = tables["desil-wilayah"]
    assert per_district["header"][0] == "Kecamatan"
    assert per_district["header"][-2:] == ["Tidak diketahui", "Jumlah"]
    #                                   d1 d2 d3 d4 d5 d6 d7 d8 d9 d10 ? total
    assert per_district["Kramatwatu"] == [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]
    assert per_district["Ciruas"] == [2, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 3]
    assert per_district["Anyar"] == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1]
    assert per_district["Jumlah"] == [3, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 6]


def test_province_counts_every_regency_exactly_for_provincial_staff(known_cases, province_staff):
    area = province_area(user=province_staff)
    cases = tables_of(case_panels.cases(area))
    assert cases["kasus-wilayah"]["Kabupaten Serang"] == [7, 1, 0, 3, 2, 1, 14]
    assert cases["kasus-wilayah"]["Kota Serang"] == [2, 0, 0, 0, 0, 0, 2]
    assert cases["kasus-wilayah"]["Kabupaten Lebak"] == [1, 0, 0, 0, 0, 0, 1]
    assert cases["kasus-jenis"]["Lanjut Usia Telantar"] == [8, 1, 0, 0, 2, 0, 11]
    assert cases["kasus-jenis"]["Jumlah"] == [10, 1, 0, 3, 2, 1, 17]

    households = tables_of(case_panels.households(area))
    assert households["desil"]["Desil 1"] == [3 + 1]  # Kota Serang's KK E
    assert households["desil"]["Desil 5"] == [1]  # Lebak
    assert households["desil-wilayah"]["Kota Serang"][0] == 1
    assert households["desil"]["Jumlah"] == [8]


# --- "<5" for forum officers ------------------------------------------------------------------------------------------


def test_forum_officer_sees_small_counts_as_less_than_5_and_totals_as_lower_bounds(known_cases, serang_forum_chair):
    area = regency_area(user=serang_forum_chair)
    tables = tables_of(case_panels.cases(area))

    by_category = tables["kasus-jenis"]
    assert by_category["Lanjut Usia Telantar"] == [6, "<5", 0, 0, "<5", 0, "≥ 8"]
    assert by_category["Anak Jalanan"] == ["<5", 0, 0, 0, 0, 0, "≥ 1"]
    assert by_category["Korban Bencana Alam"] == [0] * 7  # zero names nobody
    by_district = tables["kasus-wilayah"]
    assert by_district["Kramatwatu"] == [7, 0, 0, 0, "<5", 0, "≥ 8"]
    assert by_district["Ciruas"] == [0, "<5", 0, "<5", 0, 0, "≥ 2"]
    # The totals of both tables are the same protected figures: "Baru" is exactly 7 by kecamatan, but the
    # categories hide Anak Jalanan's 1, so an exact 7 would give it away (7 − 6).
    assert by_category["Jumlah"] == by_district["Jumlah"] == ["≥ 7", "≥ 1", 0, "≥ 1", "≥ 1", "≥ 1", "≥ 11"]

    households = tables_of(case_panels.households(area))
    assert households["desil"]["Desil 1"] == ["≥ 2"]  # 1 + 2 households, both hidden
    assert households["desil"]["Desil 3"] == [0]
    assert households["desil-wilayah"]["Ciruas"] == ["<5", 0, 0, "<5", 0, 0, 0, 0, 0, 0, 0, "≥ 2"]
    assert households["desil"]["Jumlah"] == ["≥ 5"]


def test_a_province_forum_officer_who_is_staff_of_one_regency_sees_that_regency_exactly(known_cases):
    user = RoleFactory(role=RoleAssignment.Role.FORUM_OFFICER, regency=None).user
    RoleFactory(user=user, role=RoleAssignment.Role.REGENCY_STAFF, regency_id="36.73")
    area = province_area(user=user)
    by_regency = tables_of(case_panels.cases(area))["kasus-wilayah"]
    assert by_regency["Kota Serang"] == [2, 0, 0, 0, 0, 0, 2]  # their own regency: exact
    assert by_regency["Kabupaten Lebak"] == ["<5", 0, 0, 0, 0, 0, "≥ 1"]
    assert by_regency["Kabupaten Serang"] == [7, "<5", 0, "<5", "<5", "<5", "≥ 11"]


def test_hidden_counts_are_not_drawn(known_cases, serang_forum_chair):
    area = regency_area(user=serang_forum_chair)
    chart = next(c for c in case_panels.cases(area).charts if c.key == "chart-kasus-wilayah")
    series = {s["label"]: s["values"] for s in chart.data()["series"]}
    kramatwatu = chart.data()["labels"].index("Kramatwatu")
    assert series["Baru"][kramatwatu] == 7
    assert series["Selesai"][kramatwatu] is None  # "<5": no bar


def test_shown_total_never_reveals_a_hidden_cell():
    hidden = case_panels.LESS_THAN_SMALL
    assert case_panels.shown(4, exact=False) == hidden
    assert case_panels.shown(4, exact=True) == 4
    assert case_panels.shown(0, exact=False) == 0
    assert case_panels.shown(5, exact=False) == 5
    assert case_panels.shown_total(12, [7, hidden, 0]) == "≥ 8"
    assert case_panels.shown_total(12, [7, 5, 0]) == 12


# --- The pages and the export -----------------------------------------------------------------------------------------


def test_regency_page_masks_for_the_forum_chair_and_not_for_staff(
    client, known_data, known_forums, known_cases, serang_forum_chair, serang_regency_staff
):
    client.force_login(serang_forum_chair)
    page = client.get(REGENCY).text
    by_district = table(page, "table-kasus-wilayah")
    assert by_district["header"] == ["Kecamatan", *STATUS_HEADER]
    assert by_district["Kramatwatu"] == ["7", "0", "0", "0", "<5", "0", "≥ 8"]
    assert table(page, "table-desil")["Desil 4"] == ["≥ 1"]  # a total with a hidden cell: its lower bound
    assert "Jumlah 1 sampai 4 ditampilkan sebagai" in page
    assert chart_data(page)["chart-desil"]["series"][0]["values"][3] is None

    client.force_login(serang_regency_staff)
    page = client.get(REGENCY).text
    assert table(page, "table-kasus-wilayah")["Kramatwatu"] == ["7", "0", "0", "0", "2", "0", "9"]
    assert table(page, "table-desil")["Desil 1"] == ["3"]
    assert table(page, "table-kasus-jenis")["Jumlah"] == ["7", "1", "0", "3", "2", "1", "14"]
    assert "Jumlah 1 sampai 4 ditampilkan sebagai" not in page


def test_province_page_links_each_regency_and_is_exact_for_provincial_staff(client, known_cases, province_staff):
    client.force_login(province_staff)
    page = client.get(PROVINCE).text
    assert table(page, "table-kasus-wilayah")["Kabupaten Serang"] == ["7", "1", "0", "3", "2", "1", "14"]
    assert table(page, "table-desil-wilayah")["Kota Serang"][0] == "1"
    assert 'href="/dasbor/kabupaten-serang/"' in page


def test_export_follows_the_same_masking(client, known_cases, serang_forum_chair, serang_regency_staff):
    def sheet(user, name):
        client.force_login(user)
        response = client.get(REGENCY, {"format": "xlsx"})
        return load_workbook(io.BytesIO(response.content))[name]

    masked = block(sheet(serang_forum_chair, "Kasus PMKS"), "Kasus PMKS per jenis dan status — Kabupaten Serang")
    assert masked["Lanjut Usia Telantar"] == [6, "<5", 0, 0, "<5", 0, "≥ 8"]
    exact = block(sheet(serang_regency_staff, "Kasus PMKS"), "Kasus PMKS per jenis dan status — Kabupaten Serang")
    assert exact["Lanjut Usia Telantar"] == [6, 1, 0, 0, 2, 0, 9]
    households = block(sheet(serang_forum_chair, "Rumah tangga per desil"), "Rumah tangga per desil — Kabupaten Serang")
    assert households["Desil 1"] == ["≥ 2"]


def test_households_past_the_statement_time_limit_leave_the_rest_of_the_page(client, known_cases, province_staff):
    class QueryCanceled(Exception):
        pgcode = "57014"

    def canceled(key, build):
        if key[0] == "households":
            raise OperationalError("canceling statement due to statement timeout") from QueryCanceled()
        return sqlcache.uncached(build())

    client.force_login(province_staff)
    with mock.patch.object(sqlcache, "rows", canceled):
        response = client.get(PROVINCE)
    assert response.status_code == 200
    assert "Rumah tangga per desil belum dapat dihitung saat ini" in response.text
    assert table(response.text, "table-kasus-wilayah")["Kabupaten Serang"][-1] == "14"  # the other panels are there
