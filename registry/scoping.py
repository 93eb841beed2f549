"""The only place that decides which registry records a user may see and change.

- Staff see the records of the regencies they administer (provincial staff: all of them).
- A volunteer sees their own person record, memberships and the institutions they belong to.
- A unit coordinator also sees the roster of the unit they coordinate: the memberships of one
  institution, or of one assignment area (the kecamatan of a TKSK).
Everyone else sees nothing. Reading and writing are decided here, never in views.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q, QuerySet

from accounts.roles import Units, coordinated_units, staff_scope
from pskshub.scoping import get_visible_or_404, rule
from registry.models import ChangeRequest, Institution, Membership, Person, PsksType, ServiceField


def _staff_q(user, field: str = "regency_id") -> Q | None:
    """Q for the staff scope; None means everywhere."""
    scope = staff_scope(user)
    if scope.everywhere:
        return None
    return Q(**{f"{field}__in": scope.regency_codes}) if scope.regency_codes else Q(pk__in=[])


def roster_q(units: Units, prefix: str = "") -> Q:
    """Memberships in the units' rosters: an institution's members, or an area's volunteers.

    An area's roster is every membership assigned to that kecamatan, plus memberships without an
    assignment area or unit whose person lives there (a PSM of the kecamatan).
    """
    q = Q(pk__in=[])
    if units.institution_ids:
        q |= Q(**{f"{prefix}institution_id__in": units.institution_ids})
    if units.district_codes:
        q |= Q(**{f"{prefix}district_id__in": units.district_codes})
        q |= Q(
            **{
                f"{prefix}district__isnull": True,
                f"{prefix}institution__isnull": True,
                f"{prefix}person__district_id__in": units.district_codes,
            }
        )
    return q


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _peers(qs: QuerySet) -> QuerySet:
    # FETCH_PEERS (Django 6.1): a relation nobody selected is fetched once for the whole page, not per row.
    return qs.fetch_mode(models.FETCH_PEERS)


@rule(Person)
def persons_for(user) -> QuerySet[Person]:
    qs = _peers(Person.objects.select_related("village", "district", "regency"))
    if not _authenticated(user):
        return qs.none()
    staff = _staff_q(user)
    if staff is None:
        return qs
    q = staff | Q(account=user)
    units = coordinated_units(user)
    if units:
        q |= Q(pk__in=Membership.objects.filter(roster_q(units)).values("person_id"))
    return qs.filter(q)


@rule(Membership)
def memberships_for(user) -> QuerySet[Membership]:
    # No select_related: a page's persons, types, units and regions come by FETCH_PEERS, one query each by
    # primary key; joined, PostgreSQL hashed every membership to sort them (90 ms for 12,000 rows).
    qs = _peers(Membership.objects.all())
    if not _authenticated(user):
        return qs.none()
    staff = _staff_q(user)
    if staff is None:
        return qs
    q = staff | Q(person__account=user)
    units = coordinated_units(user)
    if units:
        q |= roster_q(units)
    return qs.filter(q)


@rule(Institution)
def institutions_for(user) -> QuerySet[Institution]:
    qs = _peers(Institution.objects.select_related("psks_type", "village", "district", "regency"))
    if not _authenticated(user):
        return qs.none()
    staff = _staff_q(user)
    if staff is None:
        return qs
    q = staff | Q(pk__in=Membership.objects.filter(person__account=user).values("institution_id"))
    units = coordinated_units(user)
    if units.institution_ids:
        q |= Q(pk__in=units.institution_ids)
    return qs.filter(q)


@rule(ChangeRequest)
def change_requests_for(user) -> QuerySet[ChangeRequest]:
    """Staff: the requests of their regencies. Volunteers and coordinators: the ones they filed."""
    qs = ChangeRequest.objects.select_related("person", "membership__psks_type", "regency", "requested_by")
    if not _authenticated(user):
        return qs.none()
    staff = _staff_q(user)
    if staff is None:
        return qs
    return qs.filter(staff | Q(requested_by=user))


@rule(PsksType)
def psks_types_for(user) -> QuerySet[PsksType]:
    """Reference data: readable by anyone logged in."""
    return PsksType.objects.all() if _authenticated(user) else PsksType.objects.none()


@rule(ServiceField)
def service_fields_for(user) -> QuerySet[ServiceField]:
    return ServiceField.objects.all() if _authenticated(user) else ServiceField.objects.none()


# --- Writing ---------------------------------------------------------------------------------------------------------


def can_write_regency(user, regency_code: str | None) -> bool:
    """May the user, as staff, create or change a record that lies in this regency?"""
    return staff_scope(user).covers(regency_code)


def own_person(user) -> Person | None:
    """The person record linked to this login, if any."""
    if not _authenticated(user):
        return None
    return Person.objects.select_related("village", "district", "regency").filter(account=user).first()


def can_edit_contacts(user, person: Person) -> bool:
    """Contacts (phone, email, address): staff of the regency, the person, or a coordinator of their unit."""
    if can_write_regency(user, person.regency_id) or (person.account_id and person.account_id == user.pk):
        return True
    units = coordinated_units(user)
    return bool(units) and Membership.objects.filter(roster_q(units), person=person).exists()


def get_person_for(user, pk: int, *, write: bool = False) -> Person:
    person = get_visible_or_404(user, Person, pk=pk)
    if write and not can_edit_contacts(user, person):
        raise PermissionDenied
    return person


def coordinated_institutions(user) -> QuerySet[Institution]:
    return institutions_for(user).filter(pk__in=coordinated_units(user).institution_ids)


def get_roster_membership_for(user, pk: int) -> Membership:
    """A membership of a unit the user coordinates (404 otherwise, even if visible as their own)."""
    units = coordinated_units(user)
    if not units:
        raise PermissionDenied
    return get_visible_or_404(user, Membership, roster_q(units), pk=pk)


def find_person_by_nik(user, nik: str) -> Person | None:
    """The person holding this NIK anywhere in the registry, for a coordinator or staff adding a member.

    A NIK is one person, so a roster links the existing record instead of creating a duplicate,
    whatever its regency. This crosses the user's scope on purpose: callers show the name only,
    never the record's other data.
    """
    if not _authenticated(user) or (not coordinated_units(user) and staff_scope(user).is_empty):
        return None
    return Person.objects.filter(nik=nik).first()
