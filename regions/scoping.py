"""Regions a user may see and choose: their staff scope, within the deployed province."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet

from accounts.roles import staff_scope
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
