"""Rekap PSKS: how many active, verified PSKS there are per type, the way Dinsos publishes it.

Persons are counted per type through their active, verified memberships (a person active
and verified too); institutional types count their active, verified institutions.
Two queries, whatever the size of the registry.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

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


def psks_recap(user, *, regency: Regency | None = None) -> Recap:
    """The recap the user may see: their whole scope, or one regency of it (columns: regencies)."""
    regencies = list(visible(user, Regency))
    if regency is not None:
        regencies = [r for r in regencies if r.code == regency.code]
    codes = [r.code for r in regencies]

    memberships = (
        visible(user, Membership)
        .filter(
            regency_id__in=codes,
            status=Membership.Status.ACTIVE,
            verification=Verification.VERIFIED,
            person__status=Person.Status.ACTIVE,
            person__verification=Verification.VERIFIED,
        )
        .values_list("psks_type_id", "regency_id")
        .annotate(n=Count("person_id", distinct=True))
        .order_by()
    )
    institutions = (
        visible(user, Institution)
        .filter(regency_id__in=codes, status=Institution.Status.ACTIVE, verification=Verification.VERIFIED)
        .values_list("psks_type_id", "regency_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    person_counts = {(t, r): n for t, r, n in memberships}
    institution_counts = {(t, r): n for t, r, n in institutions}

    rows = []
    for psks_type in PsksType.objects.all():
        source = institution_counts if psks_type.is_institutional else person_counts
        rows.append(RecapRow(psks_type, [source.get((psks_type.code, code), 0) for code in codes]))
    return Recap(regions=regencies, rows=rows)
