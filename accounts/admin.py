from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import lockouts, services
from accounts.models import RoleAssignment, User
from accounts.scoping import manages_accounts
from pskshub.admin_scoping import ScopedAdminMixin, ScopedTabularInline


class RoleAssignmentInline(ScopedTabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["regency", "institution", "district"]


@admin.register(User)
class UserAdmin(ScopedAdminMixin, DjangoUserAdmin):
    inlines = [RoleAssignmentInline]
    list_display = ["username", "email", "first_name", "last_name", "roles", "is_active", "login_locked", "last_login"]
    list_filter = ["role_assignments__role", "is_active", "is_superuser"]
    show_full_result_count = False
    actions = ["unlock_logins"]

    # What regency staff see of a volunteer's login: they may (de)activate it and unlock it, nothing else.
    volunteer_fieldsets = [
        (None, {"fields": ["username"]}),
        (_("Data pribadi"), {"fields": ["first_name", "last_name", "email"]}),
        (_("Status login"), {"fields": ["is_active", "last_login", "date_joined"]}),
    ]
    volunteer_readonly_fields = ["username", "first_name", "last_name", "email", "last_login", "date_joined"]

    def get_queryset(self, request):
        return lockouts.with_recent_failures(
            super().get_queryset(request).prefetch_related("role_assignments__regency")
        )

    @admin.display(description=_("peran"))
    def roles(self, obj: User) -> str:
        return "; ".join(str(a) for a in obj.role_assignments.all()) or "—"

    @admin.display(description=_("terkunci"), boolean=True)
    def login_locked(self, obj: User) -> bool:
        return lockouts.is_locked(obj)

    @admin.action(description=_("Buka kunci login"), permissions=["change"])
    def unlock_logins(self, request, queryset) -> None:
        unlocked = services.users_unlock(users=queryset, acting_user=request.user)
        if unlocked:
            self.message_user(
                request,
                ngettext(
                    "Kunci login dibuka untuk %(count)d pengguna; ia dapat langsung masuk lagi.",
                    "Kunci login dibuka untuk %(count)d pengguna; mereka dapat langsung masuk lagi.",
                    unlocked,
                )
                % {"count": unlocked},
                messages.SUCCESS,
            )
        else:
            self.message_user(request, _("Tidak ada percobaan masuk gagal yang tercatat untuk pengguna terpilih."))

    def get_inlines(self, request, obj):
        return self.inlines if manages_accounts(request.user) else []

    def has_add_permission(self, request) -> bool:
        return manages_accounts(request.user) and super().has_add_permission(request)

    def get_readonly_fields(self, request, obj=None):
        if not manages_accounts(request.user):
            return self.volunteer_readonly_fields
        return super().get_readonly_fields(request, obj)

    def get_fieldsets(self, request, obj=None):
        if not manages_accounts(request.user):
            return self.volunteer_fieldsets
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

    def user_change_password(self, request, id, form_url=""):
        # Setting a volunteer's password would let an officer log in as them: province staff only.
        if not manages_accounts(request.user):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)
