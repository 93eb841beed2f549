"""Regions a user may see and choose: their staff scope, within the deployed province.

Dashboards (counts only) have their own, wider rule: staff scope plus the regencies of a forum officer.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.utils.text import slugify

from accounts.roles import RegionScope, Role, assignments_of, staff_scope
from pskshub.scoping import rule
from regions.models import District, Province, Regency, Village


@rule(Province)
def provinces_for(user) -> QuerySet[Province]:
    scope = staff_scope(user)
    if scope.is_empty:
        return Province.objects.none()
    return Province.objects.filter(code=settings.PROVINCE_CODE)


@rule(Regency)
def regencies_for(user) -> QuerySet[Regency]:
    scope = staff_scope(user)
    qs = Regency.objects.filter(province_id=settings.PROVINCE_CODE)
    if scope.everywhere:
        return qs
    return qs.filter(code__in=scope.regency_codes)


@rule(District)
def districts_for(user) -> QuerySet[District]:
    scope = staff_scope(user)
    qs = District.objects.filter(regency__province_id=settings.PROVINCE_CODE).select_related("regency")
    if scope.everywhere:
        return qs
    return qs.filter(regency_id__in=scope.regency_codes)


@rule(Village)
def villages_for(user) -> QuerySet[Village]:
    scope = staff_scope(user)
    qs = Village.objects.filter(district__regency__province_id=settings.PROVINCE_CODE).select_related(
        "district__regency"
    )
    if scope.everywhere:
        return qs
    return qs.filter(district__regency_id__in=scope.regency_codes)


# --- Dashboards ------------------------------------------------------------------------------------------------------


def dashboard_scope(user) -> RegionScope:
    """Where the user may open dashboards (counts only): their staff scope and the regencies of their forums.

    A province-level forum officer (a role without a regency) and provincial staff see the whole province.
    """
    scope = staff_scope(user)
    if scope.everywhere:
        return scope
    forums = [a.regency_id for a in assignments_of(user) if a.role == Role.FORUM_OFFICER]
    if any(code is None for code in forums):
        return RegionScope(everywhere=True)
    return RegionScope(regency_codes=scope.regency_codes | frozenset(forums))


def dashboard_regencies_for(user) -> QuerySet[Regency]:
    """The regencies whose dashboard the user may open (none for a user without a role)."""
    scope = dashboard_scope(user)
    qs = Regency.objects.filter(province_id=settings.PROVINCE_CODE)
    if scope.everywhere:
        return qs
    return qs.filter(code__in=scope.regency_codes)


def regency_slug(regency: Regency) -> str:
    """The readable URL part of a regency's dashboard: `Kabupaten Serang` → `kabupaten-serang`."""
    return slugify(regency.name)


def get_dashboard_regency_or_404(user, slug: str) -> Regency:
    """The regency of a dashboard URL; an unknown slug and a regency out of scope are the same 404."""
    for regency in dashboard_regencies_for(user):
        if regency_slug(regency) == slug:
            return regency
    raise Http404
