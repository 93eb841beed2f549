"""History tables index what history is read by (record id, regency of deleted records), nothing else."""

from __future__ import annotations

import pytest
from django.db import connection

from cases.models import Beneficiary, Case
from registry.models import Institution, Membership, Person

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
