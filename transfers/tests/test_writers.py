"""The bulk writer: COPY's text format on PostgreSQL (bulk_create elsewhere), history rows, database errors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from registry.models import Institution, Person
from registry.tests.factories import InstitutionFactory, PersonFactory, UserFactory
from transfers import writers

TRICKY = "Jl. A\tB \\ C\nRT 01\r\nRW 02 \\N"


def test_copy_cells_escape_only_what_copy_reads_specially():
    assert writers.copy_text("Siti Aminah") == "Siti Aminah"
    assert writers.copy_text(TRICKY) == "Jl. A\\tB \\\\ C\\nRT 01\\r\\nRW 02 \\\\N"
    assert writers.copy_text("") == ""
    assert writers.copy_text(None) == "\\N"
    assert writers.copy_text("\u00e9\u200b") == "\u00e9\u200b"  # not printable, nothing to escape
    assert writers.copy_bool(True) == "t"
    assert writers.copy_bool(False) == "f"
    assert writers.copy_bool(None) == "\\N"
    assert writers.copy_value(dt.date(2023, 1, 2)) == "2023-01-02"
    assert writers.copy_value(None) == "\\N"


def test_each_column_gets_its_formatter_once():
    person = writers._plan(Person, True)
    formatters = dict(zip(person.shared.attnames, person.shared.formatters, strict=True))
    assert formatters["full_name"] is writers.copy_text
    assert formatters["birth_date"] is dt.date.isoformat  # NOT NULL: no None check
    assert formatters["status_date"](None) == "\\N"
    assert formatters["account_id"](None) == "\\N"
    assert formatters["account_id"](7) == "7"
    assert formatters["version"] is str
    assert "updated_at" not in formatters  # not in the history table: written after the shared cells
    institution = writers._plan(Institution, True)
    assert (
        dict(zip(institution.shared.attnames, institution.shared.formatters, strict=True))["legal_entity"]
        is writers.copy_bool
    )


def person_state(user, **values) -> dict:
    template = PersonFactory.build(village_code="36.73.05.1001")
    state = {f.attname: getattr(template, f.attname) for f in Person._meta.concrete_fields}
    now = timezone.now()
    state.update(id=None, created_at=now, updated_at=now, account_id=None, verified_by_id=None)
    state.update(district_id="36.73.05", regency_id="36.73", **values)
    return state


@pytest.mark.django_db
def test_insert_writes_tricky_text_nulls_dates_and_a_history_row_naming_the_user():
    user = UserFactory()
    state = person_state(user, address=TRICKY, notes="", status_date=None, birth_date=dt.date(1985, 3, 12))
    now = timezone.now()
    ids = writers.insert(Person, [state], history={"user_id": user.pk, "date": now, "reason": "Impor berkas a.xlsx"})
    person = Person.objects.get(pk=ids[0])
    assert state["id"] == person.pk
    assert person.address == TRICKY
    assert person.status_date is None
    assert person.birth_date == dt.date(1985, 3, 12)
    record = person.history.get()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "+",
        user,
        "Impor berkas a.xlsx",
    )
    assert record.history_date == now
    assert record.address == TRICKY


@pytest.mark.django_db
def test_history_of_updates_with_ids_and_booleans():
    user = UserFactory()
    institution = InstitutionFactory(name="LKS\tUji", legal_entity=True, legal_entity_number="AHU-1")
    state = {f.attname: getattr(institution, f.attname) for f in Institution._meta.concrete_fields}
    ids = writers.insert_history(
        Institution, [state], history_type="~", user_id=user.pk, date=timezone.now(), reason="r", with_ids=True
    )
    record = institution.history.get(history_type="~")
    assert ids == [record.history_id]
    assert record.legal_entity is True
    assert record.name == "LKS\tUji"
    assert record.history_user == user


@pytest.mark.django_db
def test_a_duplicate_nik_is_djangos_integrity_error():
    """The commit turns IntegrityError into a clear message; COPY must raise Django's, not the driver's."""
    user = UserFactory()
    existing = PersonFactory(village_code="36.73.05.1001")
    with pytest.raises(IntegrityError), transaction.atomic():
        writers.insert(Person, [person_state(user, nik=existing.nik)])


@pytest.mark.django_db
def test_a_copy_failing_in_the_background_is_raised_by_wait():
    """PostgreSQL: the importer's COPYs run in a second thread; their error reaches the importer as Django's."""
    if not writers.copy_supported():
        pytest.skip("COPY is PostgreSQL's")
    user = UserFactory()
    existing = PersonFactory(village_code="36.73.05.1001")
    queue = writers.CopyQueue()

    def write_two() -> None:
        writers.insert(Person, [person_state(user)], queue=queue)
        writers.insert(Person, [person_state(user, nik=existing.nik)], queue=queue)
        assert Person.objects.count() == 1  # held, not sent yet
        queue.send()
        queue.wait()

    try:
        with pytest.raises(IntegrityError), transaction.atomic():
            write_two()
    finally:
        queue.close()
    assert list(Person.objects.values_list("nik", flat=True)) == [existing.nik]
