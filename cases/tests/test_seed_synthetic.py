"""`manage.py seed_synthetic` at a small size, on SQLite and on PostgreSQL (DATABASE_URL)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from accounts.models import RoleAssignment, User
from cases import services, synthetic
from cases.models import Beneficiary, Case, CaseEntry, Intervention
from cases.names import name_key
from cases.tests.factories import CaseFactory
from registry.models import Membership, Person
from registry.nik import build_nik, nik_warnings, parse_nik

pytestmark = pytest.mark.django_db
AS_OF = "2026-11-23"
SMALL = ["--persons", "200", "--beneficiaries", "1000", "--volunteer-users", "20", "--as-of", AS_OF]
postgres_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL only")


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_synthetic", *SMALL, *args, stdout=out)
    return out.getvalue()


def checksum() -> str:
    """A digest of every row the command writes, ids and keys included, in primary-key order."""
    digest = hashlib.sha256()
    for table in synthetic.ALL_TABLES:
        for row in table.model.objects.order_by("pk").values_list(*[f.attname for f in table.fields]):
            digest.update(repr(row).encode())
    return digest.hexdigest()


def test_a_small_run_gives_the_asked_counts():
    output = seed()
    assert Beneficiary.objects.count() == 1000
    cases = Case.objects.count()
    assert 1050 <= cases <= 1150  # one each, a second one for about 10 %
    assert not Beneficiary.objects.filter(cases=None).exists()
    assert Person.objects.filter(notes=synthetic.PERSON_NOTE).count() == 200
    assert User.objects.filter(username__startswith="sintetis-relawan-").count() == 20
    assert RoleAssignment.objects.filter(user__username__startswith="sintetis-staf-").count() == 16  # 2 × 8
    entries = CaseEntry.objects.count()
    assert cases <= entries <= 5 * cases
    assert Intervention.objects.exists()
    assert Beneficiary.history.count() == Case.history.count() == Intervention.history.count() == 0
    assert "cases_caseentry" in output
    assert "1,000 beneficiaries" in output


def test_niks_are_valid_unique_and_about_a_third_missing():
    seed()
    rows = list(Beneficiary.objects.values_list("nik", "district_id", "sex", "birth_date", "kk_number", "village_id"))
    niks = [nik for nik, *_rest in rows if nik]
    assert len(niks) == len(set(niks))
    assert 0.2 <= 1 - len(niks) / len(rows) <= 0.4
    today = dt.date.fromisoformat(AS_OF)
    for nik, district, sex, birth, _kk, _village in rows:
        if nik:
            info = parse_nik(nik, today=today)
            assert info.district_prefix == district.replace(".", "")
            assert nik_warnings(info, sex=sex, birth_date=birth) == []
            assert nik == build_nik(district, birth, sex, int(nik[-4:]))
    person_niks = list(Person.objects.values_list("nik", flat=True))
    assert len(set(person_niks) | set(niks)) == len(person_niks) + len(niks)  # none shared with a volunteer
    households = defaultdict(set)
    for _nik, _district, _sex, _birth, kk, village in rows:
        if kk:
            households[kk].add(village)
    assert all(len(villages) == 1 for villages in households.values())  # a KK is one household, one village
    assert any(count > 1 for count in Counter(kk for *_r, kk, _v in rows if kk).values())  # shared by members


def test_region_columns_and_name_keys_are_those_the_models_write():
    seed()
    for village, district, regency, full_name, key in Beneficiary.objects.values_list(
        "village_id", "district_id", "regency_id", "full_name", "name_key"
    ):
        assert (district, regency) == (village[:8], village[:5])
        assert key == name_key(full_name)[:150]
    mismatched = [
        case
        for case in Case.objects.select_related("beneficiary")
        if (case.village_id, case.district_id, case.regency_id)
        != (case.beneficiary.village_id, case.beneficiary.district_id, case.beneficiary.regency_id)
    ]
    assert mismatched == []


def test_households_are_marked_as_refresh_households_marks_them():
    seed()
    written = dict(Beneficiary.objects.values_list("pk", "represented_by"))
    assert sum(1 for v in written.values() if v is not None) > 0  # members who are not the representative
    Beneficiary.objects.update(represented_by=None)
    services.refresh_households(Beneficiary.objects.values_list("kk_number", flat=True).distinct())
    assert dict(Beneficiary.objects.values_list("pk", "represented_by")) == written


def test_statuses_and_timelines_follow_the_workflow():
    seed()
    entries = defaultdict(list)
    for entry in CaseEntry.objects.order_by("at", "pk"):
        entries[entry.case_id].append(entry)
    volunteers = {
        (person.account_id, person.regency_id)
        for person in Person.objects.filter(notes=synthetic.PERSON_NOTE, account__isnull=False)
    }
    regencies_with_volunteers = {regency for _user, regency in volunteers}
    staff = set(RoleAssignment.objects.values_list("user_id", "regency_id"))
    local = set(
        Membership.objects.filter(status="active", psks_type__in=["TKSK", "PSM"]).values_list("person_id", "district")
    )
    assert set(Case.objects.values_list("status", flat=True)) == set(Case.Status.values)  # spread over all
    for case in Case.objects.all():
        timeline = entries[case.pk]
        assert 1 <= len(timeline) <= 5
        report = timeline[0]
        assert (report.kind, report.to_status, report.at, report.author_id) == (
            "reported",
            "new",
            case.opened_at,
            case.reported_by_id,
        )
        if case.regency_id in regencies_with_volunteers:
            assert (case.reported_by_id, case.regency_id) in volunteers
        else:  # no volunteer login there (20 in this small run): the regency's staff entered the report
            assert (case.reported_by_id, case.regency_id) in staff
        status = "new"
        for entry in timeline[1:]:
            if entry.kind == "transition":
                assert entry.from_status == status
                assert entry.to_status in services.TRANSITIONS[status]
                status = entry.to_status
            else:
                assert entry.kind in ("note", "visit")
                assert entry.kind == "note" or status in Case.OPEN_STATUSES
        assert case.status == status
        assert case.version == 1 + sum(e.kind == "transition" for e in timeline)
        assert case.opened_at < dt.datetime.fromisoformat(AS_OF + "T00:00+07:00")
        transitions = [e for e in timeline if e.kind == "transition"]
        if case.status in ("closed", "rejected"):
            assert case.closed_at == transitions[-1].at
        else:
            assert case.closed_at is None
        assert (case.outcome in Case.Outcome.values) == (case.status == "closed")
        assert bool(case.rejection_reason) == (case.status == "rejected")
        if case.assignee_id:
            assert (case.assignee_id, case.district_id) in local


def test_enrolments_follow_the_cases_and_some_households_are_doubly_aided():
    seed("--beneficiaries", "3000")
    for enrolment in Intervention.objects.select_related("case"):
        assert enrolment.beneficiary_id == enrolment.case.beneficiary_id
        assert enrolment.case.status in ("intervention", "closed", "rejected")
    assert services.double_aid(Intervention.objects.all()).filter(beneficiary__regency_id="36.72").exists()


def test_the_same_seed_gives_the_same_rows_and_another_seed_others():
    seed()
    first = checksum()
    seed("--reset")
    assert checksum() == first
    seed("--reset", "--seed", "7")
    assert checksum() != first


def test_a_second_run_is_refused_without_reset():
    seed()
    before = checksum()
    with pytest.raises(CommandError, match="already holds synthetic data.*--reset"):
        seed()
    assert checksum() == before


def test_other_cases_are_refused_unless_forced_and_reset_empties_the_cases_tables():
    case = CaseFactory()
    with pytest.raises(CommandError, match="cases that are not synthetic.*--force"):
        seed()
    assert Beneficiary.objects.count() == 1
    seed("--force")
    assert Case.objects.filter(pk=case.pk).exists()
    assert Beneficiary.objects.count() == 1001
    output = seed("--reset")
    assert not Case.objects.exclude(reported_by__username__startswith="sintetis-").exists()  # the other one too
    assert Beneficiary.objects.count() == 1000
    assert "removed 200 synthetic persons" in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "2026-13-01"], "--as-of wants a date as YYYY-MM-DD"),
        (["--beneficiaries", "-5"], "Must not be negative"),
        (["--persons", "lots"], "Not a whole number"),
        (["--persons", "0"], "Cases need persons"),
    ],
)
def test_bad_options_are_a_clear_message(args, message):
    with pytest.raises(CommandError, match=message):
        seed(*args)
    assert not Beneficiary.objects.exists()


@postgres_only
def test_postgres_indexes_and_keys_are_put_back_and_the_statement_limit_lifted(monkeypatch):
    def definitions():
        tables = [t.db_table for t in synthetic.CASE_TABLES]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = ANY(%s::regclass[]) "
                "UNION ALL SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) ORDER BY 1, 2",
                [tables, tables],
            )
            return cursor.fetchall()

    seen = []
    real_seed = synthetic.seed

    def spy(*args, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            seen.append(cursor.fetchone()[0])
        return real_seed(*args, **kwargs)

    monkeypatch.setattr(synthetic, "seed", spy)
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = '5s'")
    before = definitions()
    output = seed()
    assert "foreign keys" in output  # the tables were empty: loaded bare, keys built after
    assert definitions() == before
    assert seen == ["0"]
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "5s"
        cursor.execute("RESET statement_timeout")
