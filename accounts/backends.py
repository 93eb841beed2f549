from __future__ import annotations

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

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
            user = User._default_manager.annotate(**_permission_flags()).get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_user_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_obj.is_superuser and getattr(user_obj, "_has_user_permissions", True) is False:
            return set()  # known empty when the user was read: no query, and no queryset built to find that out
        return super().get_user_permissions(user_obj, obj)

    def get_group_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_obj.is_superuser and getattr(user_obj, "_in_groups", True) is False:
            return set()
        return super().get_group_permissions(user_obj, obj)

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


@functools.cache
def _permission_flags() -> dict[str, RawSQL]:
    """EXISTS of the user's rows in Django's user-permission and group tables, as SQL written once: the ORM's
    `Exists(...)` subqueries cost about 1.5 ms of Python to build on every request (three times the user's query)."""
    User = get_user_model()
    quote = connection.ops.quote_name
    user_id = f"{quote(User._meta.db_table)}.{quote(User._meta.pk.column)}"

    def exists(through) -> RawSQL:
        # Only table and column names, from the models, quoted: no value is spliced into the SQL.
        table, column = quote(through._meta.db_table), quote(through._meta.get_field("user").column)
        sql = f"EXISTS (SELECT 1 FROM {table} WHERE {column} = {user_id})"  # noqa: S608
        return RawSQL(sql, (), output_field=BooleanField())  # noqa: S611

    return {
        "_has_user_permissions": exists(User.user_permissions.through),
        "_in_groups": exists(User.groups.through),
    }
