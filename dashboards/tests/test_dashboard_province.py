"""The province dashboard: a row per regency, with a link down to each regency's dashboard."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboards import sqlcache

from .conftest import grow_cases, grow_everything
from .helpers import chart_data, parse, table

pytestmark = pytest.mark.django_db

URL = reverse("dashboards:province")
REGENCIES = [
    "Kabupaten Pandeglang",
    "Kabupaten Lebak",
    "Kabupaten Tangerang",
    "Kabupaten Serang",
    "Kota Tangerang",
    "Kota Cilegon",
    "Kota Serang",
    "Kota Tangerang Selatan",
]


@pytest.fixture
def page(client, province_staff, known_data, known_forums):
    client.force_login(province_staff)
    response = client.get(URL)
    assert response.status_code == 200
    return response.text


def test_counts_per_type_for_the_province(page):
    types = table(page, "table-jenis")

    assert types["Pekerja Sosial Masyarakat (PSM)"] == ["Orang", "4"]
    assert types["Taruna Siaga Bencana (Tagana)"] == ["Orang", "3"]
    assert types["Karang Taruna"] == ["Lembaga", "2"]
    assert types["Lembaga Kesejahteraan Sosial (LKS)"] == ["Lembaga", "4"]


def test_a_row_per_regency_drilling_down(page):
    per_regency = table(page, "table-wilayah")

    assert per_regency["header"][0] == "Kabupaten/Kota"
    assert list(per_regency)[1:-1] == REGENCIES
    #                                 TKSK PSM Tgn PKH KT  A    B    C    belum LKS
    assert per_regency["Kabupaten Serang"] == ["1", "3", "2", "1", "1", "1", "1", "0", "1", "3"]
    assert per_regency["Kota Serang"] == ["0", "1", "0", "0", "0", "0", "0", "0", "1", "1"]
    assert per_regency["Kabupaten Lebak"] == ["0", "0", "1", "0", "1", "0", "0", "0", "0", "0"]
    assert per_regency["Jumlah"] == ["1", "4", "3", "1", "2", "1", "1", "0", "2", "4"]
    links = parse(page).links["table-wilayah"]
    assert links == [reverse("dashboards:regency", args=[slug]) for slug in [
        "kabupaten-pandeglang", "kabupaten-lebak", "kabupaten-tangerang", "kabupaten-serang",
        "kota-tangerang", "kota-cilegon", "kota-serang", "kota-tangerang-selatan",
    ]]  # fmt: skip


def test_gaps_per_regency(page):
    gaps = table(page, "table-kesenjangan")

    assert gaps["Kabupaten Serang"] == ["29", "28", "326", "325"]
    assert gaps["Kota Serang"] == ["6", "6", "67", "67"]
    assert gaps["Jumlah"] == ["155", "154", "1552", "1550"]
    without_tksk = parse(page).tables["table-tanpa-tksk"]
    assert len(without_tksk) == 1 + 154


def test_forums_and_events_per_region(page, known_forums):
    forums = table(page, "table-pengurus")
    assert forums["Tingkat provinsi"] == ["1", "3", "0", "1"]
    assert forums["Kabupaten Serang"] == ["2", "5", "2", "1"]

    events = table(page, "table-kegiatan")
    assert events["Tingkat provinsi"] == ["1", "0", "2", "1"]
    assert events["Kabupaten Serang"] == ["3", "2", "6", "5"]
    assert events["Jumlah"] == ["5", "3", "9", "7"]
    province_events = parse(page).links["table-kegiatan-provinsi"]
    assert province_events == [reverse("dashboards:province_event", args=[known_forums["jambore"].pk])]


def test_every_chart_has_its_table_with_the_same_numbers(page):
    parsed = parse(page)
    for key, data in chart_data(page).items():
        rows = parsed.tables[parsed.charts[key]]
        header, body = rows[0], [row for row in rows[1:] if row[0] != "Jumlah"]
        assert data["labels"] == [row[0] for row in body], key
        for series in data["series"]:
            column = header.index(series["label"])
            assert series["values"] == [int(row[column]) for row in body], (key, series["label"])


def test_province_forum_officer_sees_the_same_figures(client, province_forum_officer, page):
    client.force_login(province_forum_officer)
    other = client.get(URL).text
    assert table(other, "table-wilayah") == table(page, "table-wilayah")
    assert table(other, "table-kegiatan") == table(page, "table-kegiatan")


def test_query_count_is_the_same_at_two_data_sizes(client, province_staff, known_data, known_forums, known_cases):
    client.force_login(province_staff)
    client.get(URL)
    with CaptureQueriesContext(connection) as small:
        client.get(URL)

    grow_everything()
    grow_cases()
    sqlcache.clear()
    with CaptureQueriesContext(connection) as large:
        assert client.get(URL).status_code == 200

    assert len(large.captured_queries) == len(small.captured_queries)
    # session, user, roles, regencies, types, offices; 8 panel queries (2 of them PMKS); 2 from base.html
    assert len(small.captured_queries) <= 16
