"""Rekap PSKS: how many active, verified PSKS there are per type, the way Dinsos publishes it.

Persons are counted per type through their active, verified memberships (a person active
and verified too); institutional types count their active, verified institutions.
One query for the counts, whatever the size of the registry.

The count rules live in `counted_memberships` and `counted_institutions`: the dashboards count
with the same two functions, so a figure on a dashboard is the figure of the recap.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet, Value

from pskshub.scoping import visible
from regions.models import Regency
from registry.models import Institution, Membership, Person, PsksType, Verification


@dataclass
class RecapRow:
    psks_type: PsksType
    counts: list[int]  # one per column region

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass
class Recap:
    regions: list[Regency]
    rows: list[RecapRow]

    @property
    def column_totals(self) -> list[int]:
        return [sum(row.counts[i] for row in self.rows) for i in range(len(self.regions))]


def counted_memberships(qs: QuerySet[Membership]) -> QuerySet[Membership]:
    """The memberships that count: active and verified, of a person who is active and verified."""
    return qs.filter(
        status=Membership.Status.ACTIVE,
        verification=Verification.VERIFIED,
        person__status=Person.Status.ACTIVE,
        person__verification=Verification.VERIFIED,
    )


def counted_institutions(qs: QuerySet[Institution]) -> QuerySet[Institution]:
    """The institutions that count: active and verified."""
    return qs.filter(status=Institution.Status.ACTIVE, verification=Verification.VERIFIED)


@dataclass
class TypeCounts:
    """Counts per (PSKS type code, regency code): persons from memberships, and institutions.

    `accreditations` splits the institutions by accreditation: {(type, regency, accreditation): n}.
    """

    persons: dict[tuple[str, str], int]
    institutions: dict[tuple[str, str], int]
    accreditations: dict[tuple[str, str, str], int]

    def of(self, psks_type: PsksType, regency_code: str) -> int:
        source = self.institutions if psks_type.is_institutional else self.persons
        return source.get((psks_type.code, regency_code), 0)


def type_counts_query(memberships: QuerySet[Membership], institutions: QuerySet[Institution]) -> QuerySet:
    """One query (UNION ALL of the two tables): rows (source, accreditation, type, regency, count).

    Person types count distinct persons per regency (source "p"); institutions are counted per
    type, regency and accreditation (source "i"). Callers pass querysets already limited to the
    regions (and rows) the user may count.
    """
    persons = (
        counted_memberships(memberships)
        .annotate(source=Value("p"), detail=Value(""))
        .values_list("source", "detail", "psks_type_id", "regency_id")
        .annotate(n=Count("person_id", distinct=True))
        .order_by()
    )
    units = (
        counted_institutions(institutions)
        .annotate(source=Value("i"))
        .values_list("source", "accreditation", "psks_type_id", "regency_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return persons.union(units, all=True).order_by()


def collect_type_counts(rows) -> TypeCounts:
    """The rows of `type_counts_query` as a `TypeCounts`."""
    result = TypeCounts(persons={}, institutions={}, accreditations={})
    for source, detail, type_code, regency_code, n in rows:
        if source == "p":
            result.persons[type_code, regency_code] = n
        else:
            result.accreditations[type_code, regency_code, detail] = n
            key = (type_code, regency_code)
            result.institutions[key] = result.institutions.get(key, 0) + n
    return result


def type_counts(memberships: QuerySet[Membership], institutions: QuerySet[Institution]) -> TypeCounts:
    """The counts per type and regency, in one query."""
    return collect_type_counts(type_counts_query(memberships, institutions))


def psks_recap(user, *, regency: Regency | None = None) -> Recap:
    """The recap the user may see: their whole scope, or one regency of it (columns: regencies)."""
    regencies = list(visible(user, Regency))
    if regency is not None:
        regencies = [r for r in regencies if r.code == regency.code]
    codes = [r.code for r in regencies]

    counts = type_counts(
        visible(user, Membership).filter(regency_id__in=codes),
        visible(user, Institution).filter(regency_id__in=codes),
    )
    rows = [RecapRow(psks_type, [counts.of(psks_type, code) for code in codes]) for psks_type in PsksType.objects.all()]
    return Recap(regions=regencies, rows=rows)
