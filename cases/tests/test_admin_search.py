"""Lists of a million rows: the estimated count, and the statement time limit's message instead of a 500."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import admin_search
from cases.tests.factories import BeneficiaryFactory, CaseFactory

pytestmark = pytest.mark.django_db
LIST = reverse("admin:cases_case_changelist")
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL statistics and timeouts")


class _Cancelled(Exception):
    pgcode = sqlstate = "57014"


def test_a_list_cut_by_the_time_limit_shows_a_message(client, serang_staff, monkeypatch):
    CaseFactory(beneficiary=BeneficiaryFactory(full_name="Siti Aminah"))

    def too_slow(self, request):
        raise OperationalError("canceling statement due to statement timeout") from _Cancelled()

    client.force_login(serang_staff)
    monkeypatch.setattr(admin_search.TimeLimitedChangeList, "get_results", too_slow)
    response = client.get(LIST, {"q": "siti"})
    assert response.status_code == 302
    assert response["Location"] == LIST
    monkeypatch.undo()
    page = client.get(response["Location"]).content.decode()
    assert "terlalu lama dan dihentikan" in page
    assert "Siti Aminah" in page


def test_other_database_errors_are_not_hidden(client, serang_staff, monkeypatch):
    def broken(self, request):
        raise OperationalError("disk full")

    client.force_login(serang_staff)
    monkeypatch.setattr(admin_search.TimeLimitedChangeList, "get_results", broken)
    client.raise_request_exception = True
    with pytest.raises(OperationalError):
        client.get(LIST)


@on_postgresql
def test_a_real_statement_timeout_on_postgresql(client, serang_staff, monkeypatch):
    CaseFactory(beneficiary=BeneficiaryFactory(full_name="Siti Aminah"))
    original = admin_search.search

    def slow_search(request, queryset, term, **kwargs):
        return original(request, queryset, term, **kwargs).extra(where=["pg_sleep(0.5)::text = ''"])

    monkeypatch.setattr(admin_search, "search", slow_search)
    client.force_login(serang_staff)
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 100")
    try:
        response = client.get(LIST, {"q": "siti"})
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")
    assert response.status_code == 302
    monkeypatch.undo()
    assert "terlalu lama dan dihentikan" in client.get(LIST).content.decode()


@on_postgresql
def test_unfiltered_list_is_estimated_without_count_and_filtered_counts_once(client, province_staff, monkeypatch):
    for i in range(5):
        CaseFactory(beneficiary=BeneficiaryFactory(full_name=f"Penerima {i}"))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_case")
    monkeypatch.setattr(admin_search.EstimatedCountPaginator, "min_estimate", 0)
    client.force_login(province_staff)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(LIST).content.decode()
    assert "sekitar" in page
    assert not case_counts(queries)
    assert [q for q in queries if "reltuples" in q["sql"]]
    with CaptureQueriesContext(connection) as queries:
        page = client.get(LIST, {"status": "new"}).content.decode()
    assert "sekitar" not in page
    assert "5 kasus" in page
    assert len(case_counts(queries)) == 1


def case_counts(queries) -> list:
    return [q for q in queries if "COUNT(" in q["sql"].upper() and '"cases_case"' in q["sql"]]


def test_sqlite_or_a_small_table_counts_exactly(client, province_staff):
    for i in range(3):
        CaseFactory(beneficiary=BeneficiaryFactory(full_name=f"Penerima {i}"))
    client.force_login(province_staff)
    page = client.get(LIST).content.decode()
    assert "3 kasus" in page
    assert "sekitar" not in page


def test_a_name_search_counts_up_to_its_cap_and_says_more(client, province_staff, monkeypatch):
    for i in range(4):
        BeneficiaryFactory(full_name=f"Siti Komariah {i}")
    BeneficiaryFactory(full_name="Ujang Sunarya")
    beneficiaries = reverse("admin:cases_beneficiary_changelist")
    client.force_login(province_staff)
    monkeypatch.setattr(admin_search.LargeListMixin, "name_search_count_cap", 3)

    with CaptureQueriesContext(connection) as queries:
        page = client.get(beneficiaries, {"q": "komariah"}).content.decode()
    assert "lebih dari 3 penerima manfaat" in page
    assert "persempit pencarian" in page
    count = next(q["sql"] for q in queries if "COUNT(" in q["sql"].upper() and "cases_beneficiary" in q["sql"])
    assert "LIMIT 4" in count  # stops after cap + 1 matches
    assert "ORDER BY" not in count

    monkeypatch.setattr(admin_search.LargeListMixin, "name_search_count_cap", 10)
    page = client.get(beneficiaries, {"q": "komariah"}).content.decode()
    assert "4 penerima manfaat" in page
    assert "lebih dari" not in page
    # a NIK is exact: counted, never capped
    monkeypatch.setattr(admin_search.LargeListMixin, "name_search_count_cap", 0)
    nik = BeneficiaryFactory(full_name="Dengan NIK").nik
    page = client.get(beneficiaries, {"q": nik}).content.decode()
    assert "1 penerima manfaat" in page
