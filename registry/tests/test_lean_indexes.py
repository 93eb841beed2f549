"""The big tables carry only the indexes and keys their queries use; a row's kecamatan and regency are its village's.

Every index and foreign key is paid on every insert (an import writes 100,000 rows at a time). The
district and regency of a person, institution, beneficiary or case are the start of its village's code:
the database checks exactly that, instead of two more foreign keys that only checked they exist.
"""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from cases.models import Beneficiary, Case
from cases.tests.factories import BeneficiaryFactory, CaseFactory
from registry.models import Institution, Membership, Person
from registry.tests.factories import InstitutionFactory, PersonFactory

pytestmark = pytest.mark.django_db

LEBAK_DISTRICT = "36.02.01"
REGION_MODELS = [Person, Institution, Beneficiary, Case]


def constraints_of(model) -> dict:
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, model._meta.db_table)


@pytest.mark.parametrize("model", REGION_MODELS)
def test_region_columns_are_checked_against_the_village(model):
    constraints = constraints_of(model)
    foreign = {c["columns"][0] for c in constraints.values() if c["foreign_key"]}
    assert "village_id" in foreign
    assert not foreign & {"district_id", "regency_id"}
    assert constraints[f"{model._meta.db_table}_region_columns"]["check"]


@pytest.mark.parametrize(
    ("factory", "model"),
    [
        (PersonFactory, Person),
        (InstitutionFactory, Institution),
        (BeneficiaryFactory, Beneficiary),
        (CaseFactory, Case),
    ],
)
def test_a_kecamatan_other_than_the_villages_is_refused(factory, model):
    record = factory()  # a village of Kota Serang
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=record.pk).update(district_id=LEBAK_DISTRICT)
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=record.pk).update(regency_id="36.02")
    record.refresh_from_db()
    assert record.district_id == record.village_id[:8]
    assert record.regency_id == record.village_id[:5]


def test_saving_a_new_village_moves_the_region_columns_with_it():
    person = PersonFactory()
    person.village_id = LEBAK_DISTRICT + ".2002"
    person.full_clean()  # the columns are filled on save: validation does not refuse the old ones
    person.save()
    person.refresh_from_db()
    assert (person.district_id, person.regency_id) == (LEBAK_DISTRICT, "36.02")


on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="varchar_pattern_ops is PostgreSQL's")


def pattern_indexes(model) -> list[str]:
    """The `varchar_pattern_ops` (LIKE prefix) indexes of the model's table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexdef LIKE '%%varchar_pattern_ops%%'",
            [model._meta.db_table],
        )
        return [name for (name,) in cursor.fetchall()]


@on_postgresql
@pytest.mark.parametrize("model", [Person, Membership, Institution, Beneficiary, Case])
def test_no_pattern_index_but_for_the_nik_prefix_search(model):
    names = pattern_indexes(model)
    assert all("_nik_" in name for name in names), names


@pytest.mark.parametrize("model", [Person, Membership, Institution, Beneficiary, Case])
def test_the_regency_is_indexed_once_leading_a_composite(model):
    indexes = [c["columns"] for c in constraints_of(model).values() if c["index"] and not c["primary_key"]]
    assert ["regency_id"] not in indexes
    assert any(columns[0] == "regency_id" and len(columns) > 1 for columns in indexes)
