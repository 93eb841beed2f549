from __future__ import annotations

from django.contrib import admin

from pskshub.admin_scoping import ScopedModelAdmin
from regions.models import District, Province, Regency, Village


class ReadOnlyRegionAdmin(ScopedModelAdmin):
    """Regions come from the Kemendagri data (`manage.py load_regions`), never typed by hand."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Province)
class ProvinceAdmin(ReadOnlyRegionAdmin):
    list_display = ["code", "name"]
    search_fields = ["name", "code"]


@admin.register(Regency)
class RegencyAdmin(ReadOnlyRegionAdmin):
    list_display = ["code", "name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]

    def get_search_results(self, request, queryset, search_term):
        return _search_regions(super(), request, queryset, search_term)


@admin.register(District)
class DistrictAdmin(ReadOnlyRegionAdmin):
    list_display = ["code", "name", "regency"]
    list_filter = ["regency"]
    list_select_related = ["regency"]
    search_fields = ["name", "code"]

    def get_search_results(self, request, queryset, search_term):
        return _search_regions(super(), request, queryset, search_term)


@admin.register(Village)
class VillageAdmin(ReadOnlyRegionAdmin):
    list_display = ["code", "name", "kind", "district", "regency_name"]
    list_filter = ["kind", "district__regency"]
    list_select_related = ["district__regency"]
    search_fields = ["name", "code", "district__name"]

    @admin.display(description=Regency._meta.verbose_name, ordering="district__regency__name")
    def regency_name(self, obj: Village) -> str:
        return obj.district.regency.name

    def get_search_results(self, request, queryset, search_term):
        return _search_regions(super(), request, queryset, search_term)


def _search_regions(parent, request, queryset, search_term: str):
    """Names typed with their usual prefixes ("Kec. Cipocok Jaya", "Desa Kanekes") still match."""
    from regions.names import strip_region_prefix

    return parent.get_search_results(request, queryset, strip_region_prefix(search_term))
