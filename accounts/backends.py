from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from accounts.roles import ROLE_PERMISSIONS, assignments_of


class RoleBackend(ModelBackend):
    """Django's model backend, plus the permissions that a user's roles grant."""

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        perms = set(super().get_all_permissions(user_obj, obj))
        if obj is None and user_obj.is_active and not user_obj.is_anonymous:
            for assignment in assignments_of(user_obj):
                perms |= ROLE_PERMISSIONS.get(assignment.role, frozenset())
        return perms
