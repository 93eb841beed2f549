from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import RoleAssignment, User
from pskshub.admin_scoping import ScopedAdminMixin, ScopedTabularInline


class RoleAssignmentInline(ScopedTabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["regency", "institution", "district"]


@admin.register(User)
class UserAdmin(ScopedAdminMixin, DjangoUserAdmin):
    inlines = [RoleAssignmentInline]
    list_display = ["username", "email", "first_name", "last_name", "roles", "is_active", "last_login"]
    list_filter = ["role_assignments__role", "is_active", "is_superuser"]
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("role_assignments__regency")

    @admin.display(description=_("peran"))
    def roles(self, obj: User) -> str:
        return "; ".join(str(a) for a in obj.role_assignments.all()) or "—"

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        # Only superusers grant superuser status or raw Django permissions; roles do the rest.
        return [
            (
                name,
                {
                    **opts,
                    "fields": [
                        f for f in opts["fields"] if f not in {"is_superuser", "groups", "user_permissions", "is_staff"}
                    ],
                },
            )
            for name, opts in fieldsets
        ]
