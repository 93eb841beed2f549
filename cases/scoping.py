"""The only place that decides who sees which beneficiaries and cases (the issue's privacy rules).

- Staff: the cases and beneficiaries of the regencies they administer (provincial staff: all).
- Volunteers (any login linked to a person): the cases they reported or are assigned to, and the
  beneficiaries of those cases.
- Forum officers: nothing here; their dashboards show counts only (dashboards/).
Full NIK and No. KK: only staff whose scope covers the beneficiary's regency (`can_see_identity`).
Everyone else sees nothing. Registered in `CasesConfig.ready()`.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q, QuerySet

from accounts.roles import staff_scope
from cases.models import Beneficiary, Case, CaseEntry, CasePhoto, Intervention, PmksCategory, Programme
from pskshub.scoping import rule
from registry.models import Membership, Person


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def case_q(user, prefix: str = "") -> Q | None:
    """Q selecting the cases `user` may see (None: all of them); `prefix` reaches a case from another model."""
    if not _authenticated(user):
        return Q(pk__in=[])
    scope = staff_scope(user)
    if scope.everywhere:
        return None
    # The assignee by id (a subquery over persons), not through a join: a join to every person made PostgreSQL
    # hash all 12,000 of them for each list, and kept it from walking the (assignee, opened) index.
    own_persons = Person.objects.filter(account=user).values("pk")
    q = Q(**{f"{prefix}reported_by": user}) | Q(**{f"{prefix}assignee__in": own_persons})
    if scope.regency_codes:
        q |= Q(**{f"{prefix}regency_id__in": scope.regency_codes})
    return q


def _filtered(qs: QuerySet, q: Q | None) -> QuerySet:
    return qs if q is None else qs.filter(q)


@rule(Case)
def cases_for(user) -> QuerySet[Case]:
    # No select_related: PostgreSQL spends far longer planning a seven-table join over the cases' indexes
    # (20-70 ms) than running it (1 ms). FETCH_PEERS (Django 6.1) loads each relation a page touches in one
    # query by primary keys, for the whole page.
    return _filtered(Case.objects.fetch_mode(models.FETCH_PEERS), case_q(user))


@rule(Beneficiary)
def beneficiaries_for(user) -> QuerySet[Beneficiary]:
    qs = Beneficiary.objects.fetch_mode(models.FETCH_PEERS)  # relations fetched per page, as for cases
    if not _authenticated(user):
        return qs.none()
    scope = staff_scope(user)
    if scope.everywhere:
        return qs
    own_cases = Case.objects.filter(Q(reported_by=user) | Q(assignee__account=user)).values("beneficiary_id")
    q = Q(pk__in=own_cases)
    if scope.regency_codes:
        q |= Q(regency_id__in=scope.regency_codes)
    return qs.filter(q)


@rule(CaseEntry)
def case_entries_for(user) -> QuerySet[CaseEntry]:
    return _filtered(CaseEntry.objects.select_related("author"), case_q(user, "case__"))


@rule(CasePhoto)
def case_photos_for(user) -> QuerySet[CasePhoto]:
    return _filtered(CasePhoto.objects.all(), case_q(user, "entry__case__"))


@rule(Intervention)
def interventions_for(user) -> QuerySet[Intervention]:
    qs = Intervention.objects.select_related("programme", "institution", "beneficiary")
    return _filtered(qs, case_q(user, "case__"))


@rule(PmksCategory)
def categories_for(user) -> QuerySet[PmksCategory]:
    return PmksCategory.objects.all() if _authenticated(user) else PmksCategory.objects.none()


@rule(Programme)
def programmes_for(user) -> QuerySet[Programme]:
    return Programme.objects.all() if _authenticated(user) else Programme.objects.none()


# --- Decisions beyond reading ----------------------------------------------------------------------------------------


def can_see_identity(user, beneficiary: Beneficiary) -> bool:
    """May the user see this beneficiary's full NIK and No. KK (if they ask)? Staff of its regency only."""
    return staff_scope(user).covers(beneficiary.regency_id)


def can_manage_case(user, case: Case) -> bool:
    """Verify, assess, refer, close, reassign: staff whose scope covers the case's regency."""
    return staff_scope(user).covers(case.regency_id)


def reporting_regencies(user) -> frozenset[str] | None:
    """Where the user may report a case: None for everywhere, else regency codes (empty: nowhere).

    Staff: their scope. A volunteer: the regency they live in and those of their active memberships.
    """
    if not _authenticated(user):
        return frozenset()
    scope = staff_scope(user)
    if scope.everywhere:
        return None
    codes = set(scope.regency_codes)
    person = Person.objects.filter(account=user).values_list("pk", "regency_id").first()
    if person:
        codes.add(person[1])
        codes.update(
            code
            for code in Membership.objects.filter(person_id=person[0], status=Membership.Status.ACTIVE).values_list(
                "regency_id", flat=True
            )
            if code
        )
    return frozenset(codes)


def can_report_in(user, regency_code: str | None) -> bool:
    regencies = reporting_regencies(user)
    return regencies is None or (regency_code is not None and regency_code in regencies)


def assignable_persons(regency_code: str) -> QuerySet[Person]:
    """Who may be assigned a case of this regency: active volunteers with an active membership there."""
    members = Membership.objects.filter(status=Membership.Status.ACTIVE, regency_id=regency_code)
    return Person.objects.filter(status=Person.Status.ACTIVE, pk__in=members.values("person_id"))
