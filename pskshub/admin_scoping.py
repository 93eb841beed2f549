"""The admin's doors all go through the scoping rules: querysets, choices, autocomplete, actions."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet

from pskshub.scoping import has_rule, visible


class ScopedAdminMixin:
    """`get_queryset` and every foreign-key / many-to-many choice come from `pskshub.scoping`.

    Autocomplete endpoints, the change and history views and bulk actions all start from
    `get_queryset`, so a record out of scope is a 404 there too.
    """

    def get_queryset(self, request) -> QuerySet:
        qs = visible(request.user, self.model)
        ordering = self.get_ordering(request)
        if ordering:
            qs = qs.order_by(*ordering)
        return qs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs and has_rule(db_field.related_model):
            kwargs["queryset"] = visible(request.user, db_field.related_model)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs and has_rule(db_field.related_model):
            kwargs["queryset"] = visible(request.user, db_field.related_model)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ScopedModelAdmin(ScopedAdminMixin, admin.ModelAdmin):
    show_full_result_count = False  # no second COUNT(*) over the whole table
    list_per_page = 50


class ScopedTabularInline(ScopedAdminMixin, admin.TabularInline):
    pass


class ScopedStackedInline(ScopedAdminMixin, admin.StackedInline):
    pass
