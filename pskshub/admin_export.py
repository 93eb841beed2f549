"""Export of an admin list to XLSX and CSV: exactly the rows the changelist shows, filtered and searched.

How to use it (persons, memberships, institutions, forum officers, events use it; cases the same way)::

    from pskshub.admin_export import Column, ExportMixin, ExportSet

    @admin.register(Case)
    class CaseAdmin(ExportMixin, ScopedModelAdmin):       # ExportMixin first
        export_columns = [
            Column("NIK", "beneficiary.nik", sensitive=True),   # NIK / No. KK: masked unless entitled and asked
            Column(_("nama"), "beneficiary.full_name"),
            Column(_("status"), "get_status_display"),      # a method is called; dates become dd/mm/yyyy
            Column(_("hari terbuka"), lambda case: case.age_in_days),
        ]
        export_scope_field = "regency_id"                  # the row's regency: who is entitled to full numbers
        export_prepare = staticmethod(lambda qs: qs.select_related("beneficiary"))  # joins the columns read
        export_sets = [ExportSet("catatan", _("catatan kasus"), NOTE_COLUMNS, rows=notes_of_cases)]  # optional

Instead of `export_columns`, `export_table` takes a file format declared elsewhere (`headers()`,
`export_queryset(qs)`, `export_row(obj, hide_nik) -> rows`): persons and institutions use the import
template's `transfers.schemas.SCHEMAS`, so an export (with full NIK) imports back unchanged. Columns must read
only what `get_queryset`/`export_prepare` joined: the test of every export asserts a query count that does
not grow with the rows (`CaptureQueriesContext`, as in pskshub/tests/test_admin_export.py).

What the mixin adds:

- "Unduh XLSX", "Unduh CSV" and "Opsi unduhan…" links above the changelist (its `change_list_template`
  is `jobs/admin/change_list.html`, which extends the admin's own; a ModelAdmin with its own
  changelist template should extend that one instead). They carry the changelist's query string.
- One URL, `<changelist>/unduh/` (`admin:<app>_<model>_export`), giving the rows of the changelist's own
  `ChangeList` (its `get_queryset`, filters, search and ordering) for the same request. Parameters:
  `_format=xlsx|csv` (without it: the options page), `_nik=1` (full NIK/No. KK), `_daftar=<slug>` (an
  ExportSet instead of the list itself). An unknown format or filter shows the options page with the
  reason (status 400), never a 500.
- NIK/No. KK (`sensitive=True` columns) are masked (`registry.nik.mask_nik`) unless the user asked for
  full numbers AND is staff whose scope covers the row (`accounts.roles.staff_scope(user).covers(<row's
  export_scope_field>)`); rows outside it stay masked even then.
- Every export is written to the access log (`export`, the model, the row count, the filters); full numbers
  add a `reveal` entry.
- Cells: dates as dd/mm/yyyy, booleans as ya/tidak, None as empty, and a text starting with = + - @ (or a tab
  or carriage return) prefixed with ' so no spreadsheet runs it as a formula (an importer strips it again).
- Memory stays bounded: rows are read with `iterator(chunk_size=…)`; CSV is streamed as it is written
  (StreamingHttpResponse); XLSX is written by openpyxl in write-only mode to a temporary file, then streamed.
- Above `settings.EXPORT_SYNC_MAX_ROWS` rows (default 5,000) the export runs as a background job
  (`jobs`, kind `admin_export`): the user is sent to its progress page and downloads the file from there.

Column headers are file-format strings: the roster columns of persons, memberships and institutions are the
import template's headers, kept untranslated so a file exported in English still imports.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import itertools
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG, PAGE_VAR
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db.models import Model, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponseRedirect, QueryDict, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.test import RequestFactory
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext, ngettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from accounts.roles import staff_scope
from audit.models import AccessLog
from audit.services import log_access
from jobs.registry import job_handler
from jobs.services import JobError, start_job
from pskshub.lib.tabular import XLSX_CONTENT_TYPE
from registry.nik import mask_nik

FORMAT_VAR, REVEAL_VAR, SET_VAR = "_format", "_nik", "_daftar"
OWN_PARAMS = (FORMAT_VAR, REVEAL_VAR, SET_VAR)
FORMATS = ("xlsx", "csv")
CHUNK_SIZE = 2000  # rows read per query (prefetches run once per chunk)
CSV_LINES_PER_CHUNK = 500
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
JOB_KIND = "admin_export"


@dataclass(frozen=True)
class Column:
    """One column: its header and how to read it from a row (a dotted attribute path, or a function)."""

    header: Any
    value: str | Callable[[Any], Any]
    sensitive: bool = False  # NIK / No. KK

    def read(self, obj) -> Any:
        if callable(self.value):
            return self.value(obj)
        return resolve(obj, self.value)


class Table(Protocol):
    """A file format declared elsewhere (e.g. `transfers.schemas.Schema`, the import template's columns)."""

    def headers(self) -> list[str]: ...

    def export_queryset(self, queryset: QuerySet) -> QuerySet: ...

    def export_row(self, obj, hide_nik: bool) -> Iterable[list]: ...


@dataclass(frozen=True)
class ExportSet:
    """One download built from the changelist's filtered rows.

    `rows(request, queryset)` turns the changelist's rows into this download's own (None: the rows themselves);
    `prepare(queryset)` adds the joins its columns read; `table` replaces `columns` by a declared file format.
    """

    slug: str
    label: Any
    columns: Sequence[Column] = ()
    rows: Callable[[HttpRequest, QuerySet], QuerySet] | None = None
    prepare: Callable[[QuerySet], QuerySet] | None = None
    table: Table | None = None
    scope_field: str = "regency_id"
    filename: str = ""
    model: type[Model] | None = None
    sheet_title: Any = field(default="")


def resolve(obj, dotted: str) -> Any:
    """`person.village.name` on a row; a missing relation gives None; a method is called."""
    value = obj
    for name in dotted.split("."):
        if value is None:
            return None
        value = getattr(value, name)
        if callable(value) and not isinstance(value, Model):
            value = value()
    return value


def cell(value: Any) -> Any:
    """A value as a spreadsheet cell: text, or a number; never something a spreadsheet would run."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("ya") if value else gettext("tidak")
    if isinstance(value, dt.datetime):
        return (
            timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
            if timezone.is_aware(value)
            else value.strftime("%d/%m/%Y %H:%M")
        )
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, (int, float, Decimal)):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


class Exporter:
    """Writes one export: its rows, with NIK/No. KK masked or not per row, to CSV or XLSX."""

    def __init__(self, *, user, spec: ExportSet, queryset: QuerySet, reveal: bool) -> None:
        self.spec = spec
        self.scope = staff_scope(user)
        self.reveal = reveal and not self.scope.is_empty
        ordering = queryset.query.order_by
        if spec.table is not None:
            queryset = spec.table.export_queryset(queryset)
        if spec.prepare is not None:
            queryset = spec.prepare(queryset)
        # The list's own order, whatever the format's preparation chose.
        self.queryset = queryset.order_by(*ordering) if ordering else queryset

    @property
    def headers(self) -> list[str]:
        if self.spec.table is not None:
            return [str(header) for header in self.spec.table.headers()]
        return [str(column.header) for column in self.spec.columns]

    def entitled(self, obj) -> bool:
        """May this row show full NIK/No. KK: asked for, and the row lies in the user's staff scope."""
        return self.reveal and self.scope.covers(resolve(obj, self.spec.scope_field))

    def rows_of(self, obj) -> Iterator[list]:
        if self.spec.table is not None:
            for values in self.spec.table.export_row(obj, not self.entitled(obj)):
                yield [cell(value) for value in values]
            return
        values = []
        entitled = None
        for column in self.spec.columns:
            raw = column.read(obj)
            if column.sensitive and raw:
                if entitled is None:
                    entitled = self.entitled(obj)
                raw = raw if entitled else mask_nik(str(raw))
            values.append(cell(raw))
        yield values

    def rows(self, progress: Callable[[int], None] | None = None) -> Iterator[list]:
        # Held a chunk at a time, so that a relation nobody joined is fetched for the whole chunk at its first
        # use (FETCH_PEERS: the peers are the rows still alive), not row by row.
        number = 0
        for chunk in itertools.batched(self.queryset.iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE):
            for obj in chunk:
                number += 1
                yield from self.rows_of(obj)
                if progress is not None:
                    progress(number)

    def csv_chunks(self) -> Iterator[str]:
        """The CSV as text pieces (UTF-8 BOM first, so Excel reads it right)."""
        buffer = _LineBuffer()
        writer = csv.writer(buffer)
        writer.writerow(self.headers)
        yield "\ufeff" + buffer.take()
        for number, values in enumerate(self.rows(), 1):
            writer.writerow(values)
            if number % CSV_LINES_PER_CHUNK == 0:
                yield buffer.take()
        yield buffer.take()

    def write_csv(self, handle, progress=None) -> None:
        handle.write("\ufeff")
        writer = csv.writer(handle)
        writer.writerow(self.headers)
        writer.writerows(self.rows(progress))

    def write_xlsx(self, handle, progress=None) -> None:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=str(self.spec.sheet_title or self.spec.label)[:31] or "Data")
        bold = Font(bold=True)
        header_cells = []
        for header in self.headers:
            header_cell = WriteOnlyCell(sheet, value=header)
            header_cell.font = bold
            header_cells.append(header_cell)
        sheet.append(header_cells)
        for values in self.rows(progress):
            sheet.append(values)
        workbook.save(handle)


class _LineBuffer:
    """A file-like object csv.writer writes to, emptied by `take()` (Django's "streaming large CSV" recipe)."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        self.parts.append(text)

    def take(self) -> str:
        text = "".join(self.parts)
        self.parts.clear()
        return text


class ExportMixin:
    """Adds XLSX/CSV export of the changelist's filtered rows to a ModelAdmin (see the module docstring)."""

    export_columns: Sequence[Column] = ()
    export_prepare: Callable[[QuerySet], QuerySet] | None = None
    export_table: Table | None = None
    export_scope_field = "regency_id"
    export_filename = ""
    export_sets: Sequence[ExportSet] = ()
    change_list_template = "jobs/admin/change_list.html"
    export_options_template = "jobs/admin/export_options.html"

    # --- what can be exported ------------------------------------------------------------------------------------

    def get_export_sets(self, request) -> list[ExportSet]:
        own = ExportSet(
            slug="",
            label=self.opts.verbose_name_plural,
            columns=self.export_columns,
            prepare=type(self).export_prepare,
            table=self.export_table,
            scope_field=self.export_scope_field,
            filename=self.export_filename or slugify(str(self.opts.verbose_name_plural)),
            model=self.model,
        )
        return [own, *self.export_sets]

    def export_queryset(self, request, spec: ExportSet) -> tuple[QuerySet, int]:
        """The rows of `spec` for this request (whose GET holds only the changelist's own parameters), counted."""
        changelist = self.get_changelist_instance(request)
        if spec.rows is None:
            return changelist.queryset, changelist.result_count
        queryset = spec.rows(request, changelist.queryset)
        return queryset, queryset.count()

    # --- the changelist's links ----------------------------------------------------------------------------------

    def export_url_name(self) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_export"

    def get_urls(self):
        view = self.admin_site.admin_view(self.export_view)
        return [path("unduh/", view, name=self.export_url_name()), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        query = _without(request.GET, (PAGE_VAR, ERROR_FLAG, *OWN_PARAMS))
        url = reverse(f"admin:{self.export_url_name()}", current_app=self.admin_site.name)

        def link(**extra) -> str:
            params = query.copy()
            for key, value in extra.items():
                params[key] = value
            encoded = params.urlencode()
            return f"{url}?{encoded}" if encoded else url

        links = [
            (gettext("Unduh XLSX"), link(**{FORMAT_VAR: "xlsx"})),
            (gettext("Unduh CSV"), link(**{FORMAT_VAR: "csv"})),
            (gettext("Opsi unduhan…"), link()),
        ]
        return super().changelist_view(request, {"export_links": links, **(extra_context or {})})

    # --- the export view -----------------------------------------------------------------------------------------

    def export_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        sets = {spec.slug: spec for spec in self.get_export_sets(request)}
        spec = sets.get(request.GET.get(SET_VAR, ""))
        fmt = request.GET.get(FORMAT_VAR, "")
        reveal = request.GET.get(REVEAL_VAR) == "1"
        list_request = _list_request(request)
        error = ""
        if spec is None:
            error = gettext("Daftar yang diminta tidak ada. Pilih salah satu daftar di bawah.")
            spec = sets[""]
        elif fmt and fmt not in FORMATS:
            error = gettext("Format %(format)s tidak dikenal; pilih XLSX atau CSV.") % {"format": fmt[:20]}
        try:
            queryset, count = self.export_queryset(list_request, spec)
        except IncorrectLookupParameters:
            queryset, count = None, None
            error = gettext(
                "Filter daftar tidak dikenal atau tidak sah. Buka lagi daftarnya, pilih filter, lalu unduh."
            )
        if error or not fmt:
            return self.export_options(request, sets, spec, count, error)

        filters = _without(list_request.GET, ()).urlencode()
        if count > settings.EXPORT_SYNC_MAX_ROWS:
            job = start_job(
                request.user,
                JOB_KIND,
                params={
                    "title": gettext("Unduh %(list)s (%(format)s, %(count)s baris)")
                    % {"list": spec.label, "format": fmt.upper(), "count": count},
                    "filename": _filename(spec, fmt),
                    "model": self.opts.label_lower,
                    "set": spec.slug,
                    "format": fmt,
                    "reveal": reveal,
                    "query": filters,
                    "path": request.path,
                    "ip": request.META.get("REMOTE_ADDR", ""),
                },
            )
            return HttpResponseRedirect(job.get_absolute_url())

        exporter = Exporter(user=request.user, spec=spec, queryset=queryset, reveal=reveal)
        log_export(request, spec, count, filters, exporter.reveal)
        if fmt == "csv":
            response = StreamingHttpResponse(exporter.csv_chunks(), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{_filename(spec, fmt)}"'
        else:
            handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes (and so deletes) it
            exporter.write_xlsx(handle)
            handle.seek(0)
            response = FileResponse(handle, as_attachment=True, filename=_filename(spec, fmt))
            response["Content-Type"] = XLSX_CONTENT_TYPE
        response["Cache-Control"] = "private, no-store"
        return response

    def export_options(self, request, sets: dict, spec: ExportSet, count: int | None, error: str):
        query = _without(request.GET, OWN_PARAMS)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Unduh daftar: %(list)s") % {"list": capfirst(self.opts.verbose_name_plural)},
            "opts": self.opts,
            "hidden": [(key, value) for key in query for value in query.getlist(key)],
            "sets": list(sets.values()),
            "chosen": spec,
            "count": count,
            "error": error,
            "may_reveal": not staff_scope(request.user).is_empty,
            "threshold": settings.EXPORT_SYNC_MAX_ROWS,
            "changelist_url": reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist", current_app=self.admin_site.name
            )
            + (f"?{query.urlencode()}" if query else ""),
        }
        return TemplateResponse(request, self.export_options_template, context, status=400 if error else 200)


def log_export(request, spec: ExportSet, count: int, filters: str, revealed: bool, *, user=None) -> None:
    model = spec.model
    detail = gettext("daftar %(list)s; filter: %(filters)s") % {"list": spec.label, "filters": filters or "—"}
    if revealed:
        detail += gettext("; NIK/No. KK lengkap")
    log_access(request, AccessLog.Action.EXPORT, model=model, row_count=count, detail=detail, user=user)
    if revealed:
        log_access(request, AccessLog.Action.REVEAL, model=model, row_count=count, detail=detail, user=user)


def _without(params: QueryDict, names: Iterable[str]) -> QueryDict:
    cleaned = params.copy()
    for name in names:
        cleaned.pop(name, None)
    return cleaned


def _list_request(request: HttpRequest) -> HttpRequest:
    """The same request as the changelist would get it: without the export's own parameters."""
    clone = copy.copy(request)
    clone.GET = _without(request.GET, (*OWN_PARAMS, PAGE_VAR, ERROR_FLAG))
    return clone


def _filename(spec: ExportSet, fmt: str) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"{spec.filename or slugify(str(spec.label))}-{stamp}.{fmt}"


# --- Large exports: a background job -------------------------------------------------------------------------------


@job_handler(JOB_KIND, atomic=False)
def export_job(job, progress) -> dict:
    """Rebuild the changelist for the job's user and filters, and write the file; nothing is changed."""
    params = job.params
    try:
        model = apps.get_model(params["model"])
        model_admin = admin.site._registry[model]
    except (KeyError, LookupError):
        raise JobError(gettext("Daftar yang diekspor tidak ada lagi.")) from None
    request = RequestFactory().get(params.get("path", "/"), QueryDict(params.get("query", "")))
    request.user = job.created_by
    request.META["REMOTE_ADDR"] = params.get("ip") or "127.0.0.1"
    if not model_admin.has_view_or_change_permission(request):
        raise JobError(gettext("Anda tidak lagi berhak melihat daftar ini."))
    sets = {spec.slug: spec for spec in model_admin.get_export_sets(request)}
    spec = sets.get(params.get("set", ""))
    if spec is None:
        raise JobError(gettext("Daftar yang diekspor tidak ada lagi."))
    try:
        queryset, count = model_admin.export_queryset(request, spec)
    except IncorrectLookupParameters:
        raise JobError(gettext("Filter daftar tidak dikenal atau tidak sah.")) from None
    exporter = Exporter(user=job.created_by, spec=spec, queryset=queryset, reveal=bool(params.get("reveal")))
    message = gettext("Menulis baris")
    progress(0, count, message)

    def tick(number: int) -> None:
        progress(number, count, message)

    fmt = params.get("format", "xlsx")
    with tempfile.TemporaryFile() as handle:
        if fmt == "csv":
            text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
            exporter.write_csv(text, tick)
            text.flush()
            text.detach()  # keep `handle` open
        else:
            exporter.write_xlsx(handle, tick)
        handle.seek(0)
        job.result_file.save(params.get("filename") or _filename(spec, fmt), File(handle), save=False)
    log_export(request, spec, count, params.get("query", ""), exporter.reveal, user=job.created_by)
    return {
        "rows": count,
        "message": ngettext("%(count)d baris siap diunduh.", "%(count)d baris siap diunduh.", count) % {"count": count},
    }
