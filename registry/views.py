from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from pskshub.lib.tabular import csv_response, xlsx_response
from pskshub.scoping import get_visible_or_404, visible
from regions.models import Regency
from registry.recap import psks_recap


@login_required
@permission_required("registry.view_recap", raise_exception=True)
@require_GET
def recap(request: HttpRequest) -> HttpResponse:
    regencies = visible(request.user, Regency)
    code = request.GET.get("regency") or None
    if code is None and len(regencies) == 1:
        code = regencies[0].code
    regency = get_visible_or_404(request.user, Regency, code=code) if code else None
    result = psks_recap(request.user, regency=regency)

    export = request.GET.get("format")
    if export in {"csv", "xlsx"}:
        headers = [_("No."), _("Jenis PSKS"), _("Satuan")] + [r.name for r in result.regions]
        if len(result.regions) > 1:
            headers.append(_("Jumlah"))
        rows = []
        for number, row in enumerate(result.rows, start=1):
            line = [number, str(row.psks_type), row.psks_type.get_unit_display(), *row.counts]
            if len(result.regions) > 1:
                line.append(row.total)
            rows.append(line)
        scope_name = regency.code.replace(".", "") if regency else "provinsi"
        filename = f"rekap-psks-{scope_name}-{timezone.localdate():%Y%m%d}"
        if export == "csv":
            return csv_response(filename, headers, rows)
        return xlsx_response(filename, _("Rekap PSKS"), headers, rows)

    return render(
        request,
        "registry/recap.html",
        {"recap": result, "regencies": regencies, "regency": regency, "today": timezone.localdate()},
    )
