"""Logins and roles: managed by provincial staff (and superusers) only, for now."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import RoleAssignment, User
from accounts.roles import Role, has_role
from pskshub.scoping import rule


def _manages_accounts(user) -> bool:
    return user.is_authenticated and user.is_active and (user.is_superuser or has_role(user, Role.PROVINCE_STAFF))


@rule(User)
def users_for(user) -> QuerySet[User]:
    if not _manages_accounts(user):
        return User.objects.none()
    if user.is_superuser:
        return User.objects.all()
    # A superuser's account is out of reach of anyone who is not one: its password page would hand it over.
    return User.objects.filter(is_superuser=False)


@rule(RoleAssignment)
def role_assignments_for(user) -> QuerySet[RoleAssignment]:
    qs = RoleAssignment.objects.select_related("user", "regency")
    return qs if _manages_accounts(user) else qs.none()
