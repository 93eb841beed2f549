"""Logins and roles: who may see and manage which logins.

- Superusers: every login. Provincial staff: every login except superusers'.
- Regency staff: the logins of volunteers recorded in their regencies (to deactivate or unlock them),
  never a staff or superuser login, and no roles.
Everyone else: none.
"""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import RoleAssignment, User
from accounts.roles import STAFF_ROLES, Role, has_role, staff_scope
from pskshub.scoping import rule


def manages_accounts(user) -> bool:
    """May create logins, grant roles and set passwords: superusers and provincial staff."""
    return user.is_authenticated and user.is_active and (user.is_superuser or has_role(user, Role.PROVINCE_STAFF))


@rule(User)
def users_for(user) -> QuerySet[User]:
    if not (user.is_authenticated and user.is_active):
        return User.objects.none()
    if user.is_superuser:
        return User.objects.all()
    if manages_accounts(user):
        # A superuser's account is out of reach of anyone who is not one: its password page would hand it over.
        return User.objects.filter(is_superuser=False)
    regencies = staff_scope(user).regency_codes
    if not regencies:
        return User.objects.none()
    return User.objects.filter(person__regency_id__in=regencies, is_superuser=False, is_staff=False).exclude(
        pk__in=RoleAssignment.objects.filter(role__in=STAFF_ROLES).values("user_id")
    )


@rule(RoleAssignment)
def role_assignments_for(user) -> QuerySet[RoleAssignment]:
    qs = RoleAssignment.objects.select_related("user", "regency")
    return qs if manages_accounts(user) else qs.none()
