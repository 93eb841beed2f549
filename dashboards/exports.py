"""A dashboard as an XLSX workbook: a sheet of information, then one sheet per panel (its tables one below another)."""

from __future__ import annotations

import datetime as dt
import io
import re

from django.http import HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from dashboards.panels import Area, Panel, Table
from pskshub.lib.tabular import XLSX_CONTENT_TYPE

_BOLD = Font(bold=True)
_INVALID_TITLE = re.compile(r"[\\/*?:\[\]]")


def sheet_title(title: str) -> str:
    """Excel refuses some characters and more than 31 characters in a sheet's name."""
    return _INVALID_TITLE.sub("-", title)[:31]


def cell_value(value):
    """What a cell holds: yes/no for a flag, "—" for nothing; numbers and dates as themselves."""
    if value is True:
        return _("Ya")
    if value is False:
        return _("Tidak")
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    return value if isinstance(value, int | float | dt.date) else str(value)


def _cell(sheet, value, *, bold: bool = False) -> WriteOnlyCell:
    """A cell; text is always text: a name typed as `=HYPERLINK(…)` must not become a formula in Excel."""
    cell = WriteOnlyCell(sheet, value=cell_value(value))
    if cell.data_type == "f":
        cell.data_type = "s"
    if bold:
        cell.font = _BOLD
    return cell


def _row(sheet, values) -> list[WriteOnlyCell]:
    return [_cell(sheet, value) for value in values]


def _bold_row(sheet, values) -> list[WriteOnlyCell]:
    return [_cell(sheet, value, bold=True) for value in values]


def _write_table(sheet, table: Table) -> None:
    sheet.append(_bold_row(sheet, [table.caption]))
    sheet.append(_bold_row(sheet, table.columns))
    for row in table.rows:
        sheet.append(_row(sheet, row))
    if not table.rows and table.empty:
        sheet.append(_row(sheet, [table.empty]))
    if table.footer:
        sheet.append(_bold_row(sheet, table.footer))


def workbook(area: Area, panels: list[Panel], *, generated_at: dt.datetime) -> Workbook:
    book = Workbook(write_only=True)
    info = book.create_sheet(title=sheet_title(_("Keterangan")))
    info.append(_bold_row(info, [_("Dasbor PSKS"), area.name]))
    info.append(_row(info, [_("Data per"), generated_at.strftime("%d-%m-%Y %H:%M")]))
    info.append(_row(info, [_("Aturan hitung"), _("keanggotaan dan lembaga aktif yang terverifikasi")]))
    for panel in panels:
        sheet = book.create_sheet(title=sheet_title(panel.title))
        for number, table in enumerate(panel.tables):
            if number:
                sheet.append([])
            _write_table(sheet, table)
        for note in panel.notes:
            sheet.append([])
            sheet.append(_row(sheet, [note]))
    return book


def workbook_response(area: Area, panels: list[Panel], *, generated_at: dt.datetime) -> HttpResponse:
    buffer = io.BytesIO()
    workbook(area, panels, generated_at=generated_at).save(buffer)
    name = slugify(area.regency.name) if area.regency else "provinsi"
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="dasbor-{name}-{generated_at:%Y%m%d-%H%M}.xlsx"'
    return response


def attendance_response(event, panel: Panel, *, generated_at: dt.datetime) -> HttpResponse:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=sheet_title(panel.title))
    sheet.append(_bold_row(sheet, [str(event)]))
    sheet.append(_row(sheet, [_("Data per"), generated_at.strftime("%d-%m-%Y %H:%M")]))
    sheet.append([])
    for table in panel.tables:
        _write_table(sheet, table)
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="peserta-kegiatan-{event.pk}-{generated_at:%Y%m%d}.xlsx"'
    return response
