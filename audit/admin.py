"""The access log in the admin: read-only, filterable by action, kind of data, user and date."""

from __future__ import annotations

from django.contrib import admin

from audit.models import AccessLog
from pskshub.admin_scoping import ScopedModelAdmin


@admin.register(AccessLog)
class AccessLogAdmin(ScopedModelAdmin):
    list_display = ["at", "username", "action", "content_type", "object_repr", "row_count", "detail", "ip_address"]
    list_filter = ["action", "content_type", ("at", admin.DateFieldListFilter)]
    search_fields = ["username", "object_repr", "=object_id"]
    date_hierarchy = "at"
    list_select_related = ["content_type"]
    list_per_page = 100

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
