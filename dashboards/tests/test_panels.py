"""The panels' numbers on a known data set, computed straight from `dashboards.panels`."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import formats, timezone, translation

from accounts.models import RoleAssignment, User
from accounts.roles import staff_scope
from dashboards import panels, sqlcache
from forums import queries
from forums.models import Forum, Position
from regions.models import District, Regency
from registry.models import PsksType
from registry.tests.factories import RoleFactory

from .conftest import ANYAR, CIRUAS, KRAMATWATU, days, event, member

pytestmark = pytest.mark.django_db


def regency_area(code: str = "36.04", user=None) -> panels.Area:
    regency = Regency.objects.get(code=code)
    return panels.Area(
        regencies=[regency],
        regency=regency,
        districts=list(District.objects.filter(regency=regency)),
        psks_types=list(PsksType.objects.all()),
        single_positions=list(Position.objects.filter(single_holder=True)),
        today=timezone.localdate(),
        user=user,
        staff_scope=staff_scope(user),
    )


def province_area(user=None) -> panels.Area:
    return panels.Area(
        regencies=list(Regency.objects.all()),
        psks_types=list(PsksType.objects.all()),
        single_positions=list(Position.objects.filter(single_holder=True)),
        today=timezone.localdate(),
        user=user,
        staff_scope=staff_scope(user),
    )


def by_name(table: panels.Table) -> dict[str, list]:
    return {row[0]: row[1:] for row in table.rows}


def test_counts_per_type_follow_the_recap_rules(known_data):
    counts = {row[0]: row[1:] for row in panels.psks_types(regency_area()).tables[0].rows}

    assert counts["Tenaga Kesejahteraan Sosial Kecamatan (TKSK)"] == ["Orang", 1]
    assert counts["Pekerja Sosial Masyarakat (PSM)"] == ["Orang", 3]
    assert counts["Taruna Siaga Bencana (Tagana)"] == ["Orang", 2]
    assert counts["Pendamping Sosial PKH (Pendamping PKH)"] == ["Orang", 1]
    assert counts["Karang Taruna"] == ["Lembaga", 1]
    assert counts["Lembaga Kesejahteraan Sosial (LKS)"] == ["Lembaga", 3]
    assert counts["Keluarga Pioner"] == ["Keluarga", 0]
    assert len(counts) == PsksType.objects.count()


def test_province_counts_per_type_are_the_sum_of_the_regencies(known_data):
    counts = {row[0]: row[2] for row in panels.psks_types(province_area()).tables[0].rows}

    assert counts["Pekerja Sosial Masyarakat (PSM)"] == 3 + 1
    assert counts["Taruna Siaga Bencana (Tagana)"] == 2 + 1
    assert counts["Karang Taruna"] == 1 + 1
    assert counts["Lembaga Kesejahteraan Sosial (LKS)"] == 3 + 1


def test_area_counts_per_kecamatan(known_data):
    counts = panels.area_counts(regency_area())

    assert counts[KRAMATWATU] == {
        "tksk": 1, "psm": 2, "tagana": 0, "pkh": 0, "kt": 1, "lks_a": 1, "lks_b": 0, "lks_c": 0, "lks_none": 0,
    }  # fmt: skip
    assert counts[CIRUAS] == {
        "tksk": 0, "psm": 1, "tagana": 0, "pkh": 1, "kt": 0, "lks_a": 0, "lks_b": 1, "lks_c": 0, "lks_none": 1,
    }  # fmt: skip
    assert counts[ANYAR]["tagana"] == 1
    assert counts[panels.NO_DISTRICT]["tagana"] == 1  # assigned to the regency, living in Kota Serang
    assert set(counts) == {KRAMATWATU, CIRUAS, ANYAR, panels.NO_DISTRICT}


def test_per_kecamatan_table_lists_every_kecamatan_and_the_regency_level_row(known_data):
    table = panels.per_area(regency_area()).tables[0]
    rows = by_name(table)

    assert table.columns[:3] == ["Kecamatan", "Ada TKSK aktif", "TKSK"]
    assert len(rows) == 29 + 1
    #                          TKSK?  TKSK PSM Tgn PKH KT  A  B  C  belum LKS
    assert rows["Kramatwatu"] == [True, 1, 2, 0, 0, 1, 1, 0, 0, 0, 1]
    assert rows["Ciruas"] == [False, 0, 1, 0, 1, 0, 0, 1, 0, 1, 2]
    assert rows["Anyar"] == [False, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    assert rows["Tanpa kecamatan (tingkat kabupaten/kota)"] == [None, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    assert rows["Pontang"] == [False, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    assert table.footer == ["Jumlah", "", 1, 3, 2, 1, 1, 1, 1, 0, 1, 3]


def test_per_regency_table_of_the_province_links_to_each_regency(known_data):
    table = panels.per_area(province_area()).tables[0]
    rows = by_name(table)

    #                                TKSK PSM Tgn PKH KT  A  B  C  belum LKS
    assert rows["Kabupaten Serang"] == [1, 3, 2, 1, 1, 1, 1, 0, 1, 3]
    assert rows["Kota Serang"] == [0, 1, 0, 0, 0, 0, 0, 0, 1, 1]
    assert rows["Kabupaten Lebak"] == [0, 0, 1, 0, 1, 0, 0, 0, 0, 0]
    assert rows["Kota Cilegon"] == [0] * 10
    assert len(rows) == 8
    assert table.links[table.rows.index(next(r for r in table.rows if r[0] == "Kabupaten Serang"))] == (
        "/dasbor/kabupaten-serang/"
    )


def test_gaps_of_a_regency(known_data):
    panel = panels.gaps(regency_area())
    tables = {table.key: table for table in panel.tables}

    without_tksk = [row[0] for row in tables["tanpa-tksk"].rows]
    assert "Kramatwatu" not in without_tksk
    assert {"Ciruas", "Anyar", "Pontang"} <= set(without_tksk)  # unverified and ended TKSK leave a gap
    assert len(without_tksk) == 28

    summary = by_name(tables["kesenjangan"])
    assert summary["Kramatwatu"] == [True, 15, 14]  # one active, verified Karang Taruna in 15 villages
    assert summary["Ciruas"] == [False, 15, 15]  # its Karang Taruna is unverified
    assert tables["kesenjangan"].footer == ["Jumlah", "", 326, 325]

    uncovered = tables["desa-tanpa-kt"].rows
    assert len(uncovered) == 325
    assert ["Kramatwatu", "Kramatwatu", "36.04.05.2001"] not in uncovered
    assert ["Kramatwatu", "Margasana", "36.04.05.2002"] in uncovered  # its Karang Taruna is inactive


def test_gaps_of_the_province_per_regency(known_data):
    panel = panels.gaps(province_area())
    summary = by_name(panel.tables[0])

    #                                 kec. tanpa TKSK  desa  tanpa KT
    assert summary["Kabupaten Serang"] == [29, 28, 326, 325]
    assert summary["Kabupaten Lebak"][1] == summary["Kabupaten Lebak"][0]  # no TKSK at all
    assert summary["Kabupaten Lebak"][3] == summary["Kabupaten Lebak"][2] - 1
    assert summary["Kota Serang"] == [6, 6, 67, 67]
    assert panel.tables[0].footer[1:] == [155, 154, 1552, 1550]


def test_every_chart_plots_columns_of_its_own_table(known_data, known_forums, province_staff):
    for area in (regency_area(user=province_staff), province_area(user=province_staff)):
        for panel in panels.build(area):
            for chart in panel.charts:
                assert chart.table in panel.tables
                data = chart.data()
                assert data["labels"] == [str(row[0]) for row in chart.table.rows]
                for series, index in zip(data["series"], chart.columns, strict=True):
                    assert series["label"] == chart.table.columns[index]
                    assert series["values"] == chart.table.column(index)


# --- Forums: officers, vacancies, terms ending; events ------------------------------------------------------------


def test_officers_of_a_regency(known_forums, serang_forum_chair):
    panel = panels.officers(regency_area(user=serang_forum_chair))
    tables = {table.key: table for table in panel.tables}

    summary = by_name(tables["pengurus"])
    #                                           level         chair          officers vacant ending
    assert summary["Forum PSKS Kabupaten Serang"] == ["kabupaten/kota", "Ketua Serang", 2, 2, 1]
    assert summary["Forum TKSK Kramatwatu"] == ["kecamatan", "Plt. Ketua Kramatwatu", 3, 0, 0]
    assert "Forum Lama Serang" not in summary  # inactive
    assert "Forum PSKS Kabupaten Lebak" not in summary
    assert "Forum PSKS Banten" not in summary
    assert list(summary) == ["Forum PSKS Kabupaten Serang", "Forum TKSK Kramatwatu"]  # regency level first

    assert tables["jabatan-berakhir"].rows == [
        ["Ketua Serang", "Forum PSKS Kabupaten Serang", "Ketua", days(30), False]
    ]
    assert tables["jabatan-kosong"].rows == [
        ["Forum PSKS Kabupaten Serang", "Sekretaris", days(-9)],
        ["Forum PSKS Kabupaten Serang", "Bendahara", None],
    ]


def test_vacancies_are_those_of_the_forums_app(known_forums, province_staff):
    area = province_area(user=province_staff)
    mine = sorted(
        (row["name"], position, since)
        for row in panels.forum_rows(area)
        for position, since in panels._vacancies_of(area, row)
    )
    theirs = sorted((v.forum.name, v.position.name, v.vacant_since) for v in queries.vacancies(Forum.objects.all()))
    assert mine == theirs


def test_officers_of_the_province_count_per_region_and_list_the_province_level(known_forums, province_staff):
    panel = panels.officers(province_area(user=province_staff))
    tables = {table.key: table for table in panel.tables}

    summary = by_name(tables["pengurus"])
    #                               forums officers vacant ending
    assert summary["Tingkat provinsi"] == [1, 3, 0, 1]
    assert summary["Kabupaten Serang"] == [2, 5, 2, 1]
    assert summary["Kabupaten Lebak"] == [1, 1, 2, 0]
    assert summary["Kota Serang"] == [0, 0, 0, 0]
    assert tables["pengurus"].footer == ["Jumlah", 4, 9, 4, 2]
    # The lists: province-level forums only (the regencies' are on their own dashboards).
    assert [row[:4] for row in tables["jabatan-berakhir"].rows] == [
        [tables["jabatan-berakhir"].rows[0][0], "Forum PSKS Banten", "Ketua", days(20)]
    ]
    assert tables["jabatan-berakhir"].rows[0][4] is True  # successor recorded
    assert tables["jabatan-kosong"].rows == []


def test_events_of_a_regency_in_the_last_12_months(known_forums, serang_forum_chair):
    monthly, table = panels.events(regency_area(user=serang_forum_chair)).tables
    rows = {row[0].split(" (")[0]: row[1:] for row in table.rows}

    assert set(rows) == {"Bimtek TKSK", "Rakor Forum", "Pelatihan PSM"}  # not 400 days ago, not in 10 days
    assert rows["Bimtek TKSK"] == ["bimbingan teknis (bimtek)", True, "Forum PSKS Kabupaten Serang", 3, 2]
    assert rows["Pelatihan PSM"] == ["pelatihan", True, "Dinas Sosial Kabupaten Serang", 2, 2]
    assert rows["Rakor Forum"] == ["rapat koordinasi", False, "Forum TKSK Kramatwatu", 1, 1]
    assert [row[0] for row in table.rows][0].startswith("Bimtek TKSK (")  # newest first
    assert table.footer[4:] == [6, 5]
    bimtek = known_forums["bimtek"]
    assert table.links[0] == f"/dasbor/kabupaten-serang/kegiatan/{bimtek.pk}/"

    # Per month (the chart's table): every month of the window, the same totals.
    assert len(monthly.rows) == 13
    assert monthly.footer == ["Jumlah", 3, 2, 6, 5]
    by_month = by_name(monthly)
    assert by_month[formats.date_format(days(-200).replace(day=1), "M Y")][0] >= 1
    assert by_month[formats.date_format(timezone.localdate().replace(day=1), "M Y")][0] == 0  # Rakor Mendatang: future


def test_events_of_the_province_per_organiser_region(known_forums, province_staff):
    panel = panels.events(province_area(user=province_staff))
    summary = by_name(panel.tables[0])

    #                          events trainings participants attended
    assert summary["Tingkat provinsi"] == [1, 0, 2, 1]
    assert summary["Kabupaten Serang"] == [3, 2, 6, 5]
    assert summary["Kabupaten Lebak"] == [1, 1, 1, 1]
    assert summary["Kota Serang"] == [0, 0, 0, 0]
    assert [row[0].split(" (")[0] for row in panel.tables[1].rows] == ["Jambore PSKS Banten"]
    assert panel.tables[1].links == [f"/dasbor/kegiatan/{known_forums['jambore'].pk}/"]


def test_compiled_sql_gives_the_same_numbers_and_queries_as_the_orm(known_data, known_forums, province_staff):
    def table_rows(result: list[panels.Panel]) -> list:
        return [[table.rows for table in panel.tables] for panel in result]

    for make in (regency_area, province_area):
        sqlcache.clear()
        areas = [make(user=province_staff) for _n in range(3)]
        assert len({area.sql_key for area in areas}) == 1  # (reads the user's roles before counting queries)
        with (
            mock.patch.object(sqlcache, "rows", lambda key, build: sqlcache.uncached(build())),
            CaptureQueriesContext(connection) as orm,
        ):
            by_orm = panels.build(areas[0])
        with CaptureQueriesContext(connection) as compiling:
            compiled = panels.build(areas[1])
        with CaptureQueriesContext(connection) as reusing:
            reused = panels.build(areas[2])

        assert table_rows(by_orm) == table_rows(compiled) == table_rows(reused)
        sql = [query["sql"] for query in orm.captured_queries]
        assert sql == [query["sql"] for query in compiling.captured_queries]
        assert sql == [query["sql"] for query in reusing.captured_queries]


def test_compiled_sql_follows_the_date(known_forums, province_staff):
    area = province_area(user=province_staff)
    area.today = timezone.localdate() - dt.timedelta(days=365)
    events_a_year_ago = by_name(panels.events(area).tables[0])
    assert events_a_year_ago["Kabupaten Serang"][0] == 1  # only the one of 400 days ago
    assert by_name(panels.events(province_area(user=province_staff)).tables[0])["Kabupaten Serang"][0] == 3


def test_compiled_sql_follows_the_roles(known_forums, serang_forum_chair):
    """A role granted gives another key: the next page is compiled again and counts what the new role sees."""
    sqlcache.clear()
    before = by_name(panels.officers(province_area(user=serang_forum_chair)).tables[0])
    assert before["Kabupaten Serang"][0] == 2
    assert before["Kabupaten Lebak"][0] == 0  # a forum officer of Kabupaten Serang does not see Lebak's forums

    RoleFactory(user=serang_forum_chair, role=RoleAssignment.Role.PROVINCE_STAFF, regency=None)
    user = User.objects.get(pk=serang_forum_chair.pk)  # the next request reads the roles again
    after = by_name(panels.officers(province_area(user=user)).tables[0])
    assert after["Kabupaten Lebak"][0] == 1


def test_compiled_sql_counts_rows_written_after_it_was_compiled(known_data, known_forums, serang_forum_chair):
    """The SQL is kept, never the numbers: a row written after the first page is counted by the next one."""
    sqlcache.clear()
    area = regency_area(user=serang_forum_chair)
    assert by_name(panels.per_area(area).tables[0])["Kramatwatu"][2] == 2  # PSM
    assert by_name(panels.events(area).tables[0])[_this_month()][0] == 0

    member("PSM")
    event("Kegiatan Baru", timezone.localdate(), [], organiser_regency_id="36.04")
    again = regency_area(user=serang_forum_chair)
    with CaptureQueriesContext(connection) as cached:
        assert by_name(panels.per_area(again).tables[0])["Kramatwatu"][2] == 3
        assert by_name(panels.events(again).tables[0])[_this_month()][0] == 1
    fresh = regency_area(user=serang_forum_chair)
    with (
        mock.patch.object(sqlcache, "rows", lambda key, build: sqlcache.uncached(build())),
        CaptureQueriesContext(connection) as orm,
    ):
        panels.per_area(fresh)
        panels.events(fresh)
    assert [q["sql"] for q in cached.captured_queries] == [q["sql"] for q in orm.captured_queries]


def _this_month() -> str:
    return formats.date_format(timezone.localdate().replace(day=1), "M Y")


def test_compiled_reference_data_is_read_on_every_request(client, known_data, serang_forum_chair):
    """The kecamatan, PSKS types and offices the view reads come from SQL compiled once, and are still current."""

    def model_rows(instances):
        return [(type(i), i.pk, *(getattr(i, f.attname) for f in type(i)._meta.concrete_fields)) for i in instances]

    districts = District.objects.filter(regency_id="36.04").only("code", "name", "regency_id")
    for key, build in [(("d", "36.04"), lambda: districts), ("p", PsksType.objects.all), ("o", Position.objects.all)]:
        assert model_rows(sqlcache.objects(key, build)) == model_rows(build())
    with pytest.raises(ValueError, match="plain model queryset"):
        sqlcache.objects("x", lambda: District.objects.select_related("regency"))

    client.force_login(serang_forum_chair)
    url = panels.dashboard_url(Regency.objects.get(code="36.04"))
    assert "Kramatwatu" in client.get(url).text
    District.objects.filter(name="Kramatwatu").update(name="Kramatwatu Raya")
    assert "Kramatwatu Raya" in client.get(url).text


def test_month_labels_follow_the_language(known_forums, serang_forum_chair):
    """Month labels are worked out once per month and language: each language gets its own."""
    area = regency_area(user=serang_forum_chair)
    labels = {}
    for language in ("id", "en", "id"):
        with translation.override(language):
            labels[language] = {row[0].split()[0] for row in panels.events(area).tables[0].rows}
    assert {"Mei", "Agu"} <= labels["id"]  # 13 months: every month appears
    assert {"May", "Aug"} <= labels["en"]
