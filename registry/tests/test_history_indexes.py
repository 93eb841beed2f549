"""History tables index what history is read by (record id, regency of deleted records), nothing else."""

from __future__ import annotations

import pytest
from django.db import connection

from cases.models import Beneficiary, Case
from registry.models import Institution, Membership, Person
from registry.tests.test_lean_indexes import on_postgresql, pattern_indexes

pytestmark = pytest.mark.django_db


def indexed_columns(model) -> set[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return {c["columns"][0] for c in constraints.values() if c["index"] and not c["primary_key"] and c["columns"]}


@pytest.mark.parametrize("model", [Person, Membership, Institution, Beneficiary, Case])
def test_history_is_indexed_by_record_only(model):
    history = model.history.model
    columns = indexed_columns(history)
    assert "id" in columns
    assert "history_date" in columns
    assert not columns & {"nik", "village_id", "district_id", "status", "verification", "verified_by_id", "person_id"}
    if model in (Person, Membership, Institution):
        assert "regency_id" in columns  # the lists of deleted records, per regency


@pytest.mark.parametrize("model", [Person, Membership, Institution, Beneficiary, Case])
def test_history_user_is_kept_without_a_database_key(model):
    """No lookup per written history row; deleting a user through Django still empties the column."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model.history.model._meta.db_table)
    foreign = {c["columns"][0] for c in constraints.values() if c["foreign_key"]}
    assert "history_user_id" not in foreign
    assert "history_user_id" in indexed_columns(model.history.model)  # "changes by this user" stays indexed


def test_deleting_a_user_empties_their_history_rows():
    from registry.tests.factories import PersonFactory, UserFactory

    officer = UserFactory()
    person = PersonFactory()
    person._history_user = officer
    person.full_name = "Nama Baru"
    person.save()
    assert person.history.filter(history_user=officer).count() == 1
    officer_id = officer.pk
    officer.delete()
    assert person.history.filter(history_user_id=officer_id).count() == 0
    assert person.history.filter(history_user__isnull=True).count() >= 1


@on_postgresql
@pytest.mark.parametrize("model", [Person, Membership, Institution, Beneficiary, Case])
def test_history_has_no_pattern_index(model):
    assert pattern_indexes(model.history.model) == []
