"""What a user's roles allow: the permission sets per role, and the region a user administers.

Region scoping of records is decided in each app's `scoping.py`, which starts from
`region_scope(user)` here: deny by default, a user without a role sees nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import RoleAssignment

Role = RoleAssignment.Role

# Model permissions each staff role grants, as "app_label.codename".
_REGISTRY_MODELS = ["person", "membership", "institution"]
_CRUD = ["view", "add", "change", "delete"]
_FORUM_MODELS = ["forum", "officerterm", "event", "participation"]
_FORUMS = [f"forums.{action}_{model}" for model in _FORUM_MODELS for action in _CRUD] + ["forums.view_position"]
# Cases: beneficiaries and cases are never deleted by hand (a duplicate is merged; a case is rejected or closed).
_CASES = [
    *(f"cases.{action}_{model}" for model in ["beneficiary", "case"] for action in ["view", "add", "change"]),
    *(f"cases.{action}_intervention" for action in _CRUD),
    "cases.view_caseentry",
    "cases.view_pmkscategory",
    "cases.view_programme",
]

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.PROVINCE_STAFF: frozenset(
        [f"registry.{action}_{model}" for model in _REGISTRY_MODELS for action in _CRUD]
        + ["registry.view_pskstype", "registry.view_servicefield", "registry.view_recap"]
        + ["registry.view_changerequest", "registry.change_changerequest"]
        + [f"regions.view_{model}" for model in ["province", "regency", "district", "village"]]
        + [f"accounts.{action}_{model}" for model in ["user", "roleassignment"] for action in _CRUD]
        + _FORUMS
        + _CASES
        + ["cases.change_programme", "audit.view_accesslog"]
    ),
    Role.REGENCY_STAFF: frozenset(
        [f"registry.{action}_{model}" for model in _REGISTRY_MODELS for action in _CRUD]
        + ["registry.view_pskstype", "registry.view_servicefield", "registry.view_recap"]
        + ["registry.view_changerequest", "registry.change_changerequest"]
        + [f"regions.view_{model}" for model in ["province", "regency", "district", "village"]]
        # The logins of their regency's volunteers (accounts.scoping.users_for): deactivate, unlock.
        + ["accounts.view_user", "accounts.change_user"]
        + _FORUMS
        + _CASES
    ),
    Role.FORUM_OFFICER: frozenset(),
}

STAFF_ROLES = frozenset({Role.PROVINCE_STAFF, Role.REGENCY_STAFF})


def assignments_of(user) -> list[RoleAssignment]:
    """The user's role assignments, read once per user object (one query per request).

    Their regions and institution as ids only (`regency_id` …): every rule reads the codes, and loading the
    related rows cost about as much CPU as the rest of the query (each page asks for the roles).
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_role_assignments", None)
    if cached is None:
        cached = list(RoleAssignment.objects.filter(user_id=user.pk))
        user._role_assignments = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return any(a.role in roles for a in assignments_of(user))


def is_staff_member(user) -> bool:
    """May use the staff admin: a superuser or the holder of a staff role."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or has_role(user, *STAFF_ROLES)


@dataclass(frozen=True)
class RegionScope:
    """The regencies a user administers: all of them, some of them, or none."""

    everywhere: bool = False
    regency_codes: frozenset[str] = frozenset()

    @property
    def is_empty(self) -> bool:
        return not self.everywhere and not self.regency_codes

    def covers(self, regency_code: str | None) -> bool:
        return self.everywhere or (regency_code is not None and regency_code in self.regency_codes)


@dataclass(frozen=True)
class Units:
    """The units a volunteer coordinates: institutions, and assignment areas (kecamatan)."""

    institution_ids: frozenset[int] = frozenset()
    district_codes: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.institution_ids or self.district_codes)


def coordinated_units(user) -> Units:
    assignments = [a for a in assignments_of(user) if a.role == Role.UNIT_COORDINATOR]
    return Units(
        institution_ids=frozenset(a.institution_id for a in assignments if a.institution_id),
        district_codes=frozenset(a.district_id for a in assignments if a.district_id),
    )


def staff_scope(user) -> RegionScope:
    """Where the user acts as Dinsos staff (read and write)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return RegionScope()
    if user.is_superuser or has_role(user, Role.PROVINCE_STAFF):
        return RegionScope(everywhere=True)
    return RegionScope(
        regency_codes=frozenset(a.regency_id for a in assignments_of(user) if a.role == Role.REGENCY_STAFF)
    )
