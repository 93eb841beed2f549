"""Dashboards per region: /dasbor/ (the province) and /dasbor/<kabupaten-kota>/ (one regency).

Who may open which dashboard is decided by `regions.scoping` (staff scope plus forum officers'
regencies); a region out of scope is a 404, exactly like an unknown one, and so is a user without
any (deny by default). The numbers are live: counted by `dashboards.panels` on every request.
`?format=xlsx` gives the same numbers as a workbook.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.roles import staff_scope
from dashboards import exports, panels, sqlcache
from forums.models import Event, Participation, Position
from pskshub.scoping import get_visible_or_404, visible
from regions import scoping as region_scoping
from regions.models import District
from registry.models import PsksType


@login_required
@require_GET
def province(request: HttpRequest) -> HttpResponse:
    """The province, a row per regency; a user of one regency is sent to it, of a few chooses one."""
    regencies = list(region_scoping.dashboard_regencies_for(request.user))
    if not region_scoping.dashboard_scope(request.user).everywhere:
        if not regencies:
            raise Http404
        if len(regencies) == 1:
            return redirect("dashboards:regency", slug=region_scoping.regency_slug(regencies[0]))
        choices = [(r, panels.dashboard_url(r)) for r in regencies]
        return render(request, "dashboards/regency_choice.html", {"choices": choices})
    area = panels.Area(
        regencies=regencies,
        psks_types=sqlcache.objects("psks_types", PsksType.objects.all),
        single_positions=sqlcache.objects("single_positions", _single_positions),
        today=timezone.localdate(),
        staff_scope=staff_scope(request.user),
        user=request.user,
    )
    return _dashboard(request, area)


@login_required
@require_GET
def regency(request: HttpRequest, slug: str) -> HttpResponse:
    regency = region_scoping.get_dashboard_regency_or_404(request.user, slug)
    area = panels.Area(
        regencies=[regency],
        regency=regency,
        # Reference data of the regency the user may open: its kecamatan are the rows of the tables. Read on
        # every request like the panels, with SQL compiled once (dashboards.sqlcache).
        districts=sqlcache.objects(
            ("districts", regency.code),
            lambda: District.objects.filter(regency_id=regency.code).only("code", "name", "regency_id"),
        ),
        psks_types=sqlcache.objects("psks_types", PsksType.objects.all),
        single_positions=sqlcache.objects("single_positions", _single_positions),
        today=timezone.localdate(),
        staff_scope=staff_scope(request.user),
        user=request.user,
    )
    return _dashboard(request, area)


def _single_positions():
    return Position.objects.filter(single_holder=True)


def _dashboard(request: HttpRequest, area: panels.Area) -> HttpResponse:
    generated_at = timezone.localtime()
    results = panels.build(area)
    if request.GET.get("format") == "xlsx":
        return exports.workbook_response(area, results, generated_at=generated_at)
    return render(
        request,
        "dashboards/dashboard.html",
        {
            "area": area,
            "panels": results,
            "generated_at": generated_at,
            "province_url": (
                panels.province_url()
                if area.regency and region_scoping.dashboard_scope(request.user).everywhere
                else ""
            ),
        },
    )


# --- Who attended an event (linked from the events panel) -----------------------------------------------------------


@login_required
@require_GET
def regency_event(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    regency = region_scoping.get_dashboard_regency_or_404(request.user, slug)
    event = get_visible_or_404(request.user, Event, pk=pk, regency_id=regency.code)
    return _attendance(request, event, back_url=panels.dashboard_url(regency), back_name=regency.name)


@login_required
@require_GET
def province_event(request: HttpRequest, pk: int) -> HttpResponse:
    if not region_scoping.dashboard_scope(request.user).everywhere:
        raise Http404
    event = get_visible_or_404(request.user, Event, pk=pk, regency__isnull=True)
    return _attendance(request, event, back_url=panels.province_url(), back_name=_("Provinsi Banten"))


def _attendance(request: HttpRequest, event: Event, *, back_url: str, back_name: str) -> HttpResponse:
    """Names only (no NIK, no contacts): the participants the user may see (`forums.scoping`)."""
    roles = dict(Participation.Role.choices)
    participants = (
        visible(request.user, Participation)
        .filter(event=event)
        .values_list("person__full_name", "person__regency__name", "role", "attended", "certificate")
        .order_by("person__full_name", "pk")
    )
    rows = [
        [number, name, regency_name, roles.get(role, role), attended, certificate]
        for number, (name, regency_name, role, attended, certificate) in enumerate(participants, start=1)
    ]
    table = panels.Table(
        key="peserta",
        caption=_("Peserta %(event)s") % {"event": event},
        columns=[_("No."), _("Nama"), _("Domisili"), _("Peran"), _("Hadir"), _("Bersertifikat")],
        rows=rows,
        empty=_("Belum ada peserta yang tercatat."),
    )
    if rows:
        table.footer = [_("Jumlah"), len(rows), "", "", sum(1 for r in rows if r[4]), sum(1 for r in rows if r[5])]
    generated_at = timezone.localtime()
    if request.GET.get("format") == "xlsx":
        panel = panels.Panel(key="peserta", title=_("Peserta"), tables=[table])
        return exports.attendance_response(event, panel, generated_at=generated_at)
    return render(
        request,
        "dashboards/event_attendance.html",
        {"event": event, "table": table, "back_url": back_url, "back_name": back_name, "generated_at": generated_at},
    )
