"""The units a coordinator keeps the roster of: an institution (Karang Taruna, LKS …) or a kecamatan (TKSK).

Which units a user coordinates is decided by `accounts.roles.coordinated_units` and
`registry.scoping`; this module only names them for the volunteer site's URLs
(`unit/lembaga/<pk>/`, `unit/kecamatan/<code>/`) and lists their members through
`registry.scoping.memberships_for`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.roles import Units, coordinated_units
from pskshub.scoping import get_visible_or_404
from regions.models import District, Village
from registry import scoping
from registry.models import Institution, Membership, PsksType

INSTITUTION = "lembaga"
DISTRICT = "kecamatan"

# Volunteers a TKSK keeps on the kecamatan roster: the community PSKS that work as persons or families
# (glossary §2). Appointed roles (Peksos, Pendamping PKH, Sakti Peksos), Tagana (kept by the regency) and
# the TKSK slot itself are managed by Dinsos staff.
DISTRICT_ROSTER_TYPES = ("PSM", "WPKS", "PENSOS", "KP")


@dataclass(frozen=True)
class Unit:
    kind: str
    key: str
    name: str
    institution: Institution | None = None
    district: District | None = None

    def __str__(self) -> str:
        return self.name

    @property
    def kind_label(self) -> str:
        if self.institution is not None:
            return str(self.institution.psks_type)
        return str(_("Kecamatan"))

    @property
    def regency(self):
        return self.institution.regency if self.institution is not None else self.district.regency

    @property
    def scope(self) -> Units:
        """This unit alone, as `registry.scoping.roster_q` takes it."""
        if self.institution is not None:
            return Units(institution_ids=frozenset([self.institution.pk]))
        return Units(district_codes=frozenset([self.district.code]))

    @property
    def fixed_psks_type(self) -> PsksType | None:
        """An institution's members have its type (a Karang Taruna's members are Karang Taruna)."""
        return self.institution.psks_type if self.institution is not None else None

    def psks_types(self) -> QuerySet[PsksType]:
        if self.institution is not None:
            return PsksType.objects.filter(pk=self.institution.psks_type_id)
        return PsksType.objects.filter(code__in=DISTRICT_ROSTER_TYPES)

    def villages(self) -> QuerySet[Village]:
        """Where a new member may live: the kecamatan of a kecamatan unit, the regency of an institution."""
        qs = Village.objects.select_related("district").order_by("district__name", "name")
        if self.district is not None:
            return qs.filter(district_id=self.district.code)
        return qs.filter(district__regency_id=self.institution.regency_id)

    def membership_kwargs(self) -> dict:
        """Where a new membership of this unit points: its institution, or its kecamatan."""
        if self.institution is not None:
            return {"institution": self.institution, "district": None}
        return {"institution": None, "district": self.district}


def units_for(user) -> list[Unit]:
    """The units the user coordinates: institutions first, then kecamatan, each by name."""
    coordinated = coordinated_units(user)
    if not coordinated:
        return []
    units = [
        Unit(INSTITUTION, str(i.pk), i.name, institution=i)
        for i in scoping.coordinated_institutions(user).select_related("regency").order_by("name")
    ]
    if coordinated.district_codes:
        # Reference data; the codes come from the user's own role assignments.
        districts = District.objects.filter(code__in=coordinated.district_codes).select_related("regency")
        units += [
            Unit(DISTRICT, d.code, str(_("Kecamatan %(name)s") % {"name": d.name}), district=d)
            for d in districts.order_by("name")
        ]
    return units


def get_unit_for(user, kind: str, key: str) -> Unit:
    """A unit the user coordinates: 403 for a user who coordinates nothing, 404 for anyone else's unit."""
    coordinated = coordinated_units(user)
    if not coordinated:
        raise PermissionDenied
    if kind == INSTITUTION and key.isascii() and key.isdigit() and int(key) in coordinated.institution_ids:
        institution = scoping.coordinated_institutions(user).select_related("regency").filter(pk=int(key)).first()
        if institution is not None:
            return Unit(INSTITUTION, key, institution.name, institution=institution)
    elif kind == DISTRICT and key in coordinated.district_codes:
        district = District.objects.select_related("regency").get(code=key)
        return Unit(DISTRICT, key, str(_("Kecamatan %(name)s") % {"name": district.name}), district=district)
    raise Http404


def members(user, unit: Unit) -> QuerySet[Membership]:
    """The unit's roster as the user may see it, by member name."""
    return scoping.memberships_for(user).filter(scoping.roster_q(unit.scope)).order_by("person__full_name", "pk")


def get_member_for(user, unit: Unit, pk: int) -> Membership:
    """One membership of this unit's roster; a membership of any other unit is a 404."""
    return get_visible_or_404(user, Membership, scoping.roster_q(unit.scope), pk=pk)


def get_requestable_membership_for(user, pk: int) -> Membership:
    """A membership the user may ask Dinas Sosial to correct: their own, or one of a roster they keep."""
    return get_visible_or_404(
        user, Membership, Q(person__account=user) | scoping.roster_q(coordinated_units(user)), pk=pk
    )
