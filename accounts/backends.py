from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet

from accounts.roles import ROLE_PERMISSIONS, assignments_of
from pskshub.lib.phone import normalize_phone


def find_user(identifier: str):
    """The one active login an identifier names: username, email, NIK or phone number; else None.

    An identifier that fits several logins (two persons sharing a phone) names none of them.
    """
    from registry.models import Person  # registry depends on accounts, not the reverse at import time
    from registry.nik import clean_nik_input

    User = get_user_model()
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    user = User.objects.filter(username=identifier).first()
    if user is not None:
        return user
    if "@" in identifier:
        matches = list(User.objects.filter(email__iexact=identifier)[:2])
        return matches[0] if len(matches) == 1 else None
    digits = clean_nik_input(identifier)
    if digits.isascii() and digits.isdigit() and len(digits) == 16:
        person = Person.objects.filter(nik=digits, account__isnull=False).select_related("account").first()
        if person is not None:
            return person.account
    try:
        phone = normalize_phone(identifier)
    except ValidationError:
        return None
    people = list(Person.objects.filter(phone=phone, account__isnull=False).select_related("account")[:2])
    return people[0].account if len(people) == 1 else None


def axes_username(request, credentials: dict | None) -> str:
    """What django-axes counts failures against: the account an identifier names, however it was typed."""
    identifier = (credentials or {}).get("username") or ""
    if not identifier and request is not None and hasattr(request, "POST"):
        identifier = request.POST.get("username", "")
    user = find_user(identifier)
    return user.get_username() if user is not None else identifier.strip().lower()


class RoleBackend(ModelBackend):
    """Django's model backend: login by username, email, NIK or phone; plus the permissions roles grant."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = find_user(username)
        if user is None:
            get_user_model()().set_password(password)  # same time as a real check (no user enumeration)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id):
        """The session's user, and whether Django's user and group permission tables name them at all.

        Two EXISTS in the user's own query (one query per request, as before): a user with no permission
        granted directly and in no group, i.e. everyone whose permissions come from roles, then costs no
        permission query when a page asks `perms` (base.html does, on every page). Otherwise Django reads
        the tables as it always did.
        """
        User = get_user_model()
        try:
            user = User._default_manager.annotate(
                _has_user_permissions=Exists(User.user_permissions.through.objects.filter(user_id=OuterRef("pk"))),
                _in_groups=Exists(User.groups.through.objects.filter(user_id=OuterRef("pk"))),
            ).get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def _get_user_permissions(self, user_obj) -> QuerySet[Permission]:
        if getattr(user_obj, "_has_user_permissions", True) is False:
            return Permission.objects.none()  # known empty: no query
        return super()._get_user_permissions(user_obj)

    def _get_group_permissions(self, user_obj) -> QuerySet[Permission]:
        if getattr(user_obj, "_in_groups", True) is False:
            return Permission.objects.none()
        return super()._get_group_permissions(user_obj)

    @staticmethod
    def role_permissions(user_obj) -> frozenset[str]:
        """What the user's roles grant (read with the roles, once per user object: no permission query)."""
        if not user_obj.is_active or user_obj.is_anonymous:
            return frozenset()
        return frozenset().union(*(ROLE_PERMISSIONS.get(a.role, frozenset()) for a in assignments_of(user_obj)))

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        # A role's permission answers without Django's two user/group permission queries (every page asks
        # `perms` in base.html); anything else falls back to them.
        if obj is None and perm in self.role_permissions(user_obj):
            return True
        return super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj, app_label) -> bool:
        if any(perm.startswith(f"{app_label}.") for perm in self.role_permissions(user_obj)):
            return True
        return super().has_module_perms(user_obj, app_label)

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        perms = set(super().get_all_permissions(user_obj, obj))
        if obj is None:
            perms |= self.role_permissions(user_obj)
        return perms
