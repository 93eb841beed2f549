"""Panels kept between requests (`dashboards.memo`): the same page as a fresh build, the queries still sent every
time, a panel built again as soon as its rows, its reference data, the language or the viewer's roles change."""

from __future__ import annotations

import re
import threading
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import RoleAssignment
from dashboards import memo, panels, sqlcache
from dashboards.base import Panel
from dashboards.sqlcache import ThreadStore
from registry.models import Person, PsksType
from registry.tests.factories import RoleFactory

from .conftest import member
from .helpers import table
from .test_panels import regency_area

pytestmark = pytest.mark.django_db

URL = reverse("dashboards:regency", args=["kabupaten-serang"])


def panel_sections(html: str) -> list[str]:
    """The panels' HTML (the rest of the page holds the time and a CSRF token, which differ per request)."""
    return re.findall(r'<section class="dashboard-panel.*?</section>', html, flags=re.S)


@pytest.fixture
def built():
    """Which panel functions run, in order."""
    calls: list[str] = []

    def spy(function):
        def wrapper(area):
            calls.append(function.__name__)
            return function(area)

        return wrapper

    saved = panels.PANELS[:]
    panels.PANELS[:] = [spy(function) for function in saved]  # in place: `panels.build`'s default is this list
    yield calls
    panels.PANELS[:] = saved


def test_a_page_seen_again_is_the_same_and_sends_the_same_queries(
    client, known_data, known_forums, known_cases, serang_forum_chair, built
):
    client.force_login(serang_forum_chair)
    first = client.get(URL).text
    with CaptureQueriesContext(connection) as again:
        second = client.get(URL).text
    assert built == ["psks_types", "per_area", "gaps", "officers", "events", "cases", "households"]  # the first page
    assert panel_sections(second) == panel_sections(first)
    assert len(panel_sections(first)) == len(panels.PANELS)

    memo.clear()
    with CaptureQueriesContext(connection) as fresh:
        rebuilt = client.get(URL).text
    assert panel_sections(rebuilt) == panel_sections(first)

    # The numbers are counted on every request, kept panel or not (the session's query holds the time).
    def sql(context):
        return [q["sql"] for q in context.captured_queries if "django_session" not in q["sql"]]

    assert len(again.captured_queries) == len(fresh.captured_queries)
    assert sql(again) == sql(fresh)


def test_a_change_is_on_the_next_page_and_only_its_panels_are_built_again(
    client, known_data, known_forums, serang_forum_chair, built
):
    client.force_login(serang_forum_chair)
    assert table(client.get(URL).text, "table-wilayah")["Kramatwatu"][2] == "2"  # PSM
    built.clear()

    member("PSM")  # a third PSM in Kramatwatu
    page = client.get(URL).text
    assert table(page, "table-wilayah")["Kramatwatu"][2] == "3"
    assert table(page, "table-jenis")["Pekerja Sosial Masyarakat (PSM)"] == ["Orang", "4"]
    # The counts per type and per kecamatan read the memberships; the forums, events and cases did not change.
    assert built == ["psks_types", "per_area"]


def test_renamed_reference_data_is_on_the_next_page(client, known_data, serang_forum_chair):
    client.force_login(serang_forum_chair)
    assert "Orang" in table(client.get(URL).text, "table-jenis")["Pekerja Sosial Masyarakat (PSM)"]
    PsksType.objects.filter(code="PSM").update(name="Pekerja Sosial")  # same counts, another name
    types = table(client.get(URL).text, "table-jenis")
    assert types["Pekerja Sosial (PSM)"] == ["Orang", "3"]
    assert "Pekerja Sosial Masyarakat (PSM)" not in types


def test_each_language_has_its_own_panels(client, known_data, serang_forum_chair):
    client.force_login(serang_forum_chair)
    assert table(client.get(URL).text, "table-jenis")["header"] == ["Jenis PSKS", "Satuan", "Jumlah"]
    client.cookies.load({"django_language": "en"})
    english = table(client.get(URL).text, "table-jenis")["header"]
    assert english != ["Jenis PSKS", "Satuan", "Jumlah"]
    assert english[2] == "Total"


def test_a_role_granted_shows_what_it_may_see_on_the_next_page(client, known_cases, serang_forum_chair):
    client.force_login(serang_forum_chair)
    assert table(client.get(URL).text, "table-kasus-jenis")["Lanjut Usia Telantar"][1] == "<5"
    RoleFactory(user=serang_forum_chair, role=RoleAssignment.Role.REGENCY_STAFF, regency_id="36.04")
    assert table(client.get(URL).text, "table-kasus-jenis")["Lanjut Usia Telantar"][1] == "1"


def test_viewers_do_not_share_panels(client, known_cases, serang_forum_chair, serang_regency_staff):
    client.force_login(serang_regency_staff)
    assert table(client.get(URL).text, "table-kasus-jenis")["Lanjut Usia Telantar"][1] == "1"
    client.force_login(serang_forum_chair)
    assert table(client.get(URL).text, "table-kasus-jenis")["Lanjut Usia Telantar"][1] == "<5"


def test_a_panel_that_reads_outside_area_rows_is_never_kept(known_data, serang_forum_chair):
    calls = []

    def persons(area) -> Panel:
        calls.append(Person.objects.count())  # a query of its own: nothing would say when it changed
        return Panel(key="orang", title="Orang", tables=[])

    for _page in range(2):
        memo.build(regency_area(user=serang_forum_chair), persons)
    assert len(calls) == 2


def test_a_query_that_fails_on_a_kept_panel_leaves_the_rest_of_the_page(client, known_cases, province_staff, built):
    """Past the statement time limit, a kept panel is not shown stale: it is built again and says why."""

    class QueryCanceled(Exception):
        pgcode = "57014"

    compiled_rows = sqlcache.compiled_rows
    households_sql = []

    def canceled(key):
        if key[0] == "households":
            households_sql.append(key)
            raise OperationalError("canceling statement due to statement timeout") from QueryCanceled()
        return compiled_rows(key)

    province = reverse("dashboards:province")
    client.force_login(province_staff)
    assert "table-desil" in client.get(province).text
    built.clear()
    with mock.patch.object(sqlcache, "compiled_rows", canceled):
        page = client.get(province).text
    assert "Rumah tangga per desil belum dapat dihitung saat ini" in page
    assert "table-desil" not in page
    assert table(page, "table-kasus-wilayah")["Kabupaten Serang"][-1] == "14"  # kept, and shown
    assert built == ["households"]
    assert len(households_sql) == 1  # the failed query is not sent again to build the panel

    assert "table-desil" in client.get(province).text  # the panel without its rows was not kept


def test_a_panel_built_while_its_query_failed_is_not_kept(client, known_cases, province_staff):
    class QueryCanceled(Exception):
        pgcode = "57014"

    rows = sqlcache.rows

    def canceled(key, build):
        if key[0] == "households":
            raise OperationalError("canceling statement due to statement timeout") from QueryCanceled()
        return rows(key, build)

    province = reverse("dashboards:province")
    client.force_login(province_staff)
    with mock.patch.object(sqlcache, "rows", canceled):
        assert "Rumah tangga per desil belum dapat dihitung saat ini" in client.get(province).text
    assert "table-desil" in client.get(province).text  # counted again, once the database answers


def test_kept_panels_and_compiled_sql_are_bounded_and_per_thread():
    store = ThreadStore(2)
    store.put("a", 1)
    store.put("b", 2)
    assert store.get("a") == 1  # used: "b" is now the least recently used
    store.put("c", 3)
    assert (store.get("a"), store.get("b"), store.get("c")) == (1, None, 3)

    elsewhere = []
    thread = threading.Thread(target=lambda: elsewhere.append(store.get("a")))
    thread.start()
    thread.join()
    assert elsewhere == [None]  # another worker thread keeps its own
