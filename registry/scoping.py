"""The only place that decides which registry records a user may see and change.

Staff see the records of the regencies they administer (provincial staff: all). Everyone
else sees nothing here yet; the volunteer site adds its own rules (own record, own unit).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet

from accounts.roles import staff_scope
from pskshub.scoping import get_visible_or_404, rule
from registry.models import Institution, Membership, Person, PsksType, ServiceField


def _by_regency(user, qs: QuerySet, field: str = "regency_id") -> QuerySet:
    # FETCH_PEERS (Django 6.1): a relation nobody selected is fetched once for the whole page, not per row.
    qs = qs.fetch_mode(models.FETCH_PEERS)
    scope = staff_scope(user)
    if scope.everywhere:
        return qs
    if scope.is_empty:
        return qs.none()
    return qs.filter(**{f"{field}__in": scope.regency_codes})


@rule(Person)
def persons_for(user) -> QuerySet[Person]:
    return _by_regency(user, Person.objects.select_related("village", "district", "regency"))


@rule(Membership)
def memberships_for(user) -> QuerySet[Membership]:
    return _by_regency(
        user, Membership.objects.select_related("person", "psks_type", "institution", "district", "regency")
    )


@rule(Institution)
def institutions_for(user) -> QuerySet[Institution]:
    return _by_regency(user, Institution.objects.select_related("psks_type", "village", "district", "regency"))


@rule(PsksType)
def psks_types_for(user) -> QuerySet[PsksType]:
    """Reference data: readable by anyone with a staff scope."""
    return PsksType.objects.none() if staff_scope(user).is_empty else PsksType.objects.all()


@rule(ServiceField)
def service_fields_for(user) -> QuerySet[ServiceField]:
    return ServiceField.objects.none() if staff_scope(user).is_empty else ServiceField.objects.all()


def can_write_regency(user, regency_code: str | None) -> bool:
    """May the user create or change a record that lies in this regency?"""
    return staff_scope(user).covers(regency_code)


def get_person_for(user, pk: int, *, write: bool = False) -> Person:
    person = get_visible_or_404(user, Person, pk=pk)
    if write and not can_write_regency(user, person.regency_id):
        raise PermissionDenied
    return person
