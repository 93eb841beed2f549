"""The regency dashboard: a forum chair of Kabupaten Serang reads their regency, kecamatan by kecamatan."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dashboards import sqlcache

from .conftest import event, grow_cases, grow_everything
from .helpers import chart_data, parse, table

pytestmark = pytest.mark.django_db

URL = reverse("dashboards:regency", args=["kabupaten-serang"])


@pytest.fixture
def page(client, serang_forum_chair, known_data, known_forums):
    client.force_login(serang_forum_chair)
    response = client.get(URL)
    assert response.status_code == 200
    return response.text


def numbers(cells: list[str]) -> list[int]:
    return [int(cell) for cell in cells]


def test_counts_per_type_with_their_unit(page):
    types = table(page, "table-jenis")

    assert types["header"] == ["Jenis PSKS", "Satuan", "Jumlah"]
    assert types["Tenaga Kesejahteraan Sosial Kecamatan (TKSK)"] == ["Orang", "1"]
    assert types["Pekerja Sosial Masyarakat (PSM)"] == ["Orang", "3"]
    assert types["Taruna Siaga Bencana (Tagana)"] == ["Orang", "2"]
    assert types["Pendamping Sosial PKH (Pendamping PKH)"] == ["Orang", "1"]
    assert types["Karang Taruna"] == ["Lembaga", "1"]
    assert types["Lembaga Kesejahteraan Sosial (LKS)"] == ["Lembaga", "3"]


def test_table_per_kecamatan(page):
    per_district = table(page, "table-wilayah")

    assert per_district["header"] == [
        "Kecamatan", "Ada TKSK aktif", "TKSK", "PSM", "Tagana", "Pendamping PKH", "Karang Taruna",
        "LKS A", "LKS B", "LKS C", "LKS belum terakreditasi", "LKS jumlah",
    ]  # fmt: skip
    assert per_district["Kramatwatu"] == ["Ya", "1", "2", "0", "0", "1", "1", "0", "0", "0", "1"]
    assert per_district["Ciruas"] == ["Tidak", "0", "1", "0", "1", "0", "0", "1", "0", "1", "2"]
    assert per_district["Anyar"] == ["Tidak", "0", "0", "1", "0", "0", "0", "0", "0", "0", "0"]
    assert per_district["Tanpa kecamatan (tingkat kabupaten/kota)"][1:4] == ["0", "0", "1"]
    assert per_district["Jumlah"] == ["", "1", "3", "2", "1", "1", "1", "1", "0", "1", "3"]
    assert len(per_district) == 1 + 29 + 1 + 1  # header, kecamatan, regency level, total


def test_gaps(page):
    without_tksk = table(page, "table-tanpa-tksk")
    assert "Kramatwatu" not in without_tksk
    assert {"Ciruas", "Anyar", "Pontang"} <= set(without_tksk)
    assert len(without_tksk) == 1 + 28

    villages = table(page, "table-kesenjangan")
    assert villages["Kramatwatu"] == ["Ya", "15", "14"]
    assert villages["Jumlah"] == ["", "326", "325"]
    assert '<details class="dashboard-details mb-3"><summary>Desa/kelurahan tanpa Karang Taruna aktif (325)' in page


def test_officers_and_vacancies(page):
    forums = table(page, "table-pengurus")
    assert forums["Forum PSKS Kabupaten Serang"] == ["kabupaten/kota", "Ketua Serang", "2", "2", "1"]
    assert forums["Forum TKSK Kramatwatu"] == ["kecamatan", "Plt. Ketua Kramatwatu", "3", "0", "0"]

    ending = table(page, "table-jabatan-berakhir")
    assert list(ending) == ["header", "Ketua Serang"]
    assert ending["Ketua Serang"][:2] == ["Forum PSKS Kabupaten Serang", "Ketua"]

    vacant = parse(page).tables["table-jabatan-kosong"]
    assert [row[:2] for row in vacant[1:]] == [
        ["Forum PSKS Kabupaten Serang", "Sekretaris"],
        ["Forum PSKS Kabupaten Serang", "Bendahara"],
    ]


def test_events_of_the_last_12_months_link_to_who_attended(page, known_forums):
    events = {name.split(" (")[0]: cells for name, cells in table(page, "table-kegiatan").items()}

    assert events["Bimtek TKSK"] == ["bimbingan teknis (bimtek)", "Ya", "Forum PSKS Kabupaten Serang", "3", "2"]
    assert events["Pelatihan PSM"][-2:] == ["2", "2"]
    assert "Jambore Lama" not in events
    assert "Rakor Mendatang" not in events
    bimtek_url = reverse("dashboards:regency_event", args=["kabupaten-serang", known_forums["bimtek"].pk])
    assert bimtek_url in parse(page).links["table-kegiatan"]


def test_every_chart_has_its_table_with_the_same_numbers(page):
    parsed = parse(page)
    charts = chart_data(page)

    assert set(charts) == {
        "chart-jenis", "chart-wilayah-relawan", "chart-wilayah-lembaga", "chart-kesenjangan",
        "chart-pengurus", "chart-kegiatan", "chart-kasus-jenis", "chart-kasus-wilayah", "chart-desil",
    }  # fmt: skip
    for key, data in charts.items():
        rows = parsed.tables[parsed.charts[key]]
        header, body = rows[0], [row for row in rows[1:] if row[0] != "Jumlah" and not row[0].startswith("Jumlah:")]
        assert data["labels"] == [row[0] for row in body], key
        for series in data["series"]:
            column = header.index(series["label"])
            assert series["values"] == [int(row[column]) for row in body], (key, series["label"])


def test_page_says_when_its_data_is_from_and_links_to_the_export(page):
    assert "Data per " in page
    assert 'href="?format=xlsx"' in page
    assert "js/dashboard.js" in page
    assert "<script>" not in page  # CSP: no inline script; chart data only in json_script blocks
    assert "style=" not in page


def test_names_are_shown_as_typed_never_as_markup(client, serang_forum_chair, known_forums):
    titles = {
        "Rapat <b>TKSK</b>": "Rapat &lt;b&gt;TKSK&lt;/b&gt;",
        "PSM & Tagana": "PSM &amp; Tagana",
        "Nilai > 5": "Nilai &gt; 5",
        'Rapat "Forum"': "Rapat &quot;Forum&quot;",
        "Jum'at Bersih": "Jum&#x27;at Bersih",
    }
    for title in titles:
        event(title, timezone.localdate(), organiser_regency_id="36.04")
    client.force_login(serang_forum_chair)
    page = client.get(URL).text
    events = {name.split(" (")[0] for name in table(page, "table-kegiatan")}
    for title, escaped in titles.items():
        assert f"{escaped} (" in page
        assert title in events  # read back as typed


def test_forum_chair_sees_no_personal_data_beyond_names(page):
    assert "3604" not in page  # no NIK (they start with the kecamatan code)
    assert "Jl. Uji" not in page  # no addresses


def test_province_staff_see_a_way_back_to_the_province(client, province_staff, serang_forum_chair):
    breadcrumb = '<li class="breadcrumb-item"><a href="/dasbor/">'
    client.force_login(province_staff)
    assert breadcrumb in client.get(URL).text
    client.force_login(serang_forum_chair)
    assert breadcrumb not in client.get(URL).text


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_query_count_is_the_same_at_two_data_sizes(client, serang_forum_chair, known_data, known_forums, known_cases):
    client.force_login(serang_forum_chair)
    client.get(URL)
    small = _queries(client, URL)

    grow_everything()
    grow_cases()
    sqlcache.clear()  # compiling again must not change the count either
    large = _queries(client, URL)

    assert large == small
    # session, user, roles, regencies, kecamatan, types, offices; 9 panel queries (2 of them PMKS); 2 from base.html
    assert small <= 18
