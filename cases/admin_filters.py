"""List filters of the cases admin: every choice list limited to the user's scope, none that scans a million rows."""

from __future__ import annotations

import datetime as dt

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import services
from cases.models import Beneficiary, Case
from pskshub.scoping import visible
from regions.models import District, regency_code_of
from registry.admin import DistrictFilter, RegencyFilter
from registry.models import Person

__all__ = [
    "AgeFilter",
    "AssigneeFilter",
    "BeneficiaryCategoryFilter",
    "DecileFilter",
    "DistrictFilter",
    "DoubleAidFilter",
    "RegencyFilter",
]


class AgeFilter(admin.SimpleListFilter):
    """How long an open case has been open (days since it was reported)."""

    title = _("umur kasus (terbuka)")
    parameter_name = "umur"
    BUCKETS = {
        "lt7": (None, 7),
        "7-30": (7, 31),
        "31-90": (31, 91),
        "gt90": (91, None),
    }

    def lookups(self, request, model_admin):
        return [
            ("lt7", _("kurang dari 7 hari")),
            ("7-30", _("7–30 hari")),
            ("31-90", _("31–90 hari")),
            ("gt90", _("lebih dari 90 hari")),
        ]

    def queryset(self, request, queryset):
        bucket = self.BUCKETS.get(self.value() or "")
        if bucket is None:
            return queryset
        youngest, oldest = bucket  # in days: at least `youngest`, less than `oldest`
        now = timezone.now()
        queryset = queryset.filter(status__in=Case.OPEN_STATUSES)
        if youngest is not None:
            queryset = queryset.filter(opened_at__lte=now - dt.timedelta(days=youngest))
        if oldest is not None:
            queryset = queryset.filter(opened_at__gt=now - dt.timedelta(days=oldest))
        return queryset


class AssigneeFilter(admin.SimpleListFilter):
    """Unassigned cases, or those of one volunteer: the volunteers of the chosen kecamatan (never all 12,000).

    Any volunteer the user may see can be passed as `?pendamping=<id>` (e.g. from a link); the list of
    choices appears once a kecamatan is chosen.
    """

    title = _("relawan pendamping")
    parameter_name = "pendamping"
    NONE = "none"

    def lookups(self, request, model_admin):
        choices = [(self.NONE, _("Belum ditugaskan"))]
        district = request.GET.get(DistrictFilter.parameter_name)
        if district and visible(request.user, District).filter(code=district).exists():
            people = services.suggested_assignees(district, regency_code_of(district))
            choices += [(str(p.pk), p.full_name) for p in people]
        value = self.value()
        if value and value != self.NONE and value not in {c for c, _label in choices}:
            person = visible(request.user, Person).filter(pk=value if value.isdigit() else None).first()
            if person is not None:
                choices.append((str(person.pk), person.full_name))
        return choices

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.NONE:
            return queryset.filter(assignee__isnull=True)
        if value:
            if not value.isdigit():
                return queryset.none()
            return queryset.filter(assignee_id=int(value))
        return queryset


class BeneficiaryCategoryFilter(admin.SimpleListFilter):
    """A beneficiary's PMKS: one value matches at most one row of the link table, so no DISTINCT is needed."""

    title = _("jenis PMKS")
    parameter_name = "pmks"

    def lookups(self, request, model_admin):
        from cases.models import PmksCategory

        return [(c.code, c.name) for c in visible(request.user, PmksCategory)]

    def queryset(self, request, queryset):
        if self.value():
            links = Beneficiary.categories.through.objects.filter(
                beneficiary_id=OuterRef("pk"), pmkscategory_id=self.value()
            )
            return queryset.filter(Exists(links))
        return queryset


class DecileFilter(admin.SimpleListFilter):
    title = _("desil")
    parameter_name = "desil"

    def lookups(self, request, model_admin):
        return [("none", _("belum ada")), *((str(n), str(n)) for n in range(1, 11))]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(decile__isnull=True)
        if self.value() and self.value().isdigit():
            return queryset.filter(decile=int(self.value()))
        return queryset


class DoubleAidFilter(admin.SimpleListFilter):
    """Enrolments that double another programme they exclude (`services.double_aid`)."""

    title = _("bantuan ganda")
    parameter_name = "ganda"

    def lookups(self, request, model_admin):
        return [("ya", _("ganda saja"))]

    def queryset(self, request, queryset):
        if self.value() == "ya":
            return services.double_aid(queryset)
        return queryset
