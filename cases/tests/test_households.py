"""Households stored on the beneficiary: one per No. KK, its lowest id representing it; every write keeps it right.

What is checked is what the dashboard's "Rumah tangga per desil" panel shows (Kota Serang, for its staff).
"""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.db import connection
from django.urls import reverse

from cases import services
from cases.models import Beneficiary, PmksCategory
from cases.tests.factories import BeneficiaryFactory
from dashboards import case_panels, sqlcache
from dashboards.tests.test_panels import by_name, regency_area
from registry.tests.factories import LEBAK_VILLAGE, SERANG_VILLAGE
from transfers.tests.test_beneficiary_import import nik, row, upload, xlsx

pytestmark = pytest.mark.django_db

KK_A, KK_B = "3673051201230001", "3673051201230002"


def shown(user) -> dict[str, int]:
    """The decile summary of Kota Serang's dashboard as its staff see it: {"Desil 1": n, …, "Jumlah": total}."""
    summary = case_panels.households(regency_area("36.73", user=user)).tables[0]
    return {**{label: n for label, (n,) in by_name(summary).items() if n}, "Jumlah": summary.footer[1]}


def person(kk: str = "", decile: int | None = None, village: str = SERANG_VILLAGE) -> Beneficiary:
    return BeneficiaryFactory(
        village_code=village, kk_number=kk, decile=decile, decile_as_of=dt.date(2025, 1, 1) if decile else None
    )


def markers() -> dict[int, int | None]:
    return dict(Beneficiary.objects.values_list("pk", "represented_by"))


@pytest.fixture
def family():
    """KK A: three members (desil 2, 5, unknown); two beneficiaries without KK (desil 1, unknown)."""
    return [person(KK_A, 2), person(KK_A, 5), person(KK_A), person(decile=1), person()]


def test_a_shared_kk_counts_once_and_each_beneficiary_without_kk_alone(family, serang_staff):
    first, second, third, alone, unknown = family
    assert markers() == {first.pk: None, second.pk: first.pk, third.pk: first.pk, alone.pk: None, unknown.pk: None}
    # KK A once, in its representative's desil 2; the two without KK each count.
    assert shown(serang_staff) == {"Desil 1": 1, "Desil 2": 1, "Tidak diketahui": 1, "Jumlah": 3}


def test_the_panel_is_one_query_over_the_stored_households(family, serang_staff, django_assert_num_queries):
    sqlcache.clear()
    for _page in range(2):  # compiling the SQL, then reusing it
        area = regency_area("36.73", user=serang_staff)  # an area per page: it keeps its rows for the request
        area.sql_key  # noqa: B018 (the roles, read once per page before the panels)
        with django_assert_num_queries(1):
            case_panels.households(area)


def test_changing_a_kk_moves_the_beneficiary_and_hands_the_household_on(family, serang_staff):
    first, second, third, alone, _unknown = family
    first.kk_number = KK_B  # the representative leaves KK A for a new KK
    services.save_beneficiary(first, user=serang_staff)
    assert markers()[second.pk] is None  # the next member represents KK A now, with its desil 5
    assert markers()[third.pk] == second.pk
    assert shown(serang_staff) == {"Desil 1": 1, "Desil 2": 1, "Desil 5": 1, "Tidak diketahui": 1, "Jumlah": 4}

    alone.kk_number = KK_B  # joins KK B, whose representative (lower id) is `first`
    services.save_beneficiary(alone, user=serang_staff)
    assert shown(serang_staff) == {"Desil 2": 1, "Desil 5": 1, "Tidak diketahui": 1, "Jumlah": 3}

    second.refresh_from_db()
    second.kk_number = ""  # without KK: a household of its own; `third` is KK A alone
    services.save_beneficiary(second, user=serang_staff)
    assert markers()[third.pk] is None
    assert shown(serang_staff) == {"Desil 2": 1, "Desil 5": 1, "Tidak diketahui": 2, "Jumlah": 4}


def test_saving_from_a_stale_form_keeps_the_stored_household(family, serang_staff):
    first, second, *_others = family
    stale = Beneficiary.objects.get(pk=second.pk)  # opened while `first` still represented KK A
    first.kk_number = ""
    services.save_beneficiary(first, user=serang_staff)
    stale.notes = "Dikunjungi."
    services.save_beneficiary(stale, user=serang_staff)  # No. KK unchanged: no refresh, marker not overwritten
    assert markers()[second.pk] is None


def test_a_new_member_reported_with_an_existing_kk_adds_no_household(family, serang_staff):
    before = shown(serang_staff)
    services.report_with_beneficiary(
        user=serang_staff,
        beneficiary=Beneficiary(
            full_name="Anak Baru",
            sex="L",
            village_id=SERANG_VILLAGE,
            kk_number=KK_A,
            decile=9,
            decile_as_of=dt.date(2025, 1, 1),
        ),
        category=PmksCategory.objects.get(code="AT"),
        description="Anak putus sekolah.",
    )
    assert shown(serang_staff) == before


def test_merging_away_a_households_representative(family, serang_staff):
    first, second, third, _alone, unknown = family
    assert shown(serang_staff)["Jumlah"] == 3
    services.merge_beneficiaries(unknown, first, user=serang_staff)  # `unknown` takes KK A and desil 2
    assert not Beneficiary.objects.filter(pk=first.pk).exists()
    assert markers()[second.pk] is None  # the lowest id of KK A now
    assert markers()[unknown.pk] == markers()[third.pk] == second.pk
    assert shown(serang_staff) == {"Desil 1": 1, "Desil 5": 1, "Jumlah": 2}


def test_imported_beneficiaries_keep_the_households_right(client, family, serang_staff):
    first, second, third, _alone, _unknown = family
    client.force_login(serang_staff)
    batch = upload(
        client,
        xlsx(
            [
                row(1, kk=KK_B, decile=7, decile_date="01/01/2025"),  # a new household of three
                row(2, kk=KK_B),
                row(3, kk=KK_B),
                row(4, kk=KK_A, decile=3, decile_date="01/01/2025"),  # joins KK A
                row(None, nik=first.nik, name=first.full_name, birth="17/05/1948", kk=""),  # leaves KK A
            ]
        ),
    )
    assert batch.counts == {"new": 4, "updated": 1, "unchanged": 0, "error": 0}, batch.errors
    client.post(reverse("admin:cases_beneficiary_import_preview", args=[batch.pk]))
    assert Beneficiary.objects.get(pk=first.pk).kk_number == ""
    assert markers()[second.pk] is None  # found through its old representative, whose old KK the import forgot
    assert markers()[third.pk] == second.pk
    assert Beneficiary.objects.get(nik=nik(4)).represented_by == second.pk
    assert Beneficiary.objects.filter(kk_number=KK_B, represented_by=None).count() == 1
    # first (own household now; the file's empty desil clears its desil), KK A (second: desil 5), KK B (desil 7),
    # and the two without KK
    expected = {"Desil 1": 1, "Desil 5": 1, "Desil 7": 1, "Tidak diketahui": 2, "Jumlah": 5}
    assert shown(serang_staff) == expected


def test_the_migrations_backfill_marks_what_refresh_households_marks(family):
    person(KK_B, village=LEBAK_VILLAGE)
    person(KK_B, village=LEBAK_VILLAGE)
    expected = markers()
    assert sum(1 for v in expected.values() if v is not None) == 3
    Beneficiary.objects.update(represented_by=None)  # as the column is added
    migration = importlib.import_module("cases.migrations.0006_beneficiary_households")
    with connection.cursor() as cursor:
        cursor.execute(migration.BACKFILL)
    assert markers() == expected


def test_refresh_households_writes_only_wrong_markers(family):
    first, second, *_others = family
    kk = [KK_A, ""]
    assert services.refresh_households(kk, [first.pk]) == 0
    Beneficiary.objects.filter(pk=second.pk).update(represented_by=None)
    assert services.refresh_households(kk) == 1
    assert markers()[second.pk] == first.pk
