"""Imports from upload to commit, and the files that go with them (template, error workbook, roster for editing).

    batch = import_upload(user=..., kind="person", upload=request.FILES["file"])   # validates (preview)
    import_commit(batch=batch, acting_user=..., only_valid=False)                    # all rows, or none

Files with more rows than IMPORT_SYNC_MAX_ROWS are checked and committed by background jobs (jobs app);
the batch records the job, and its page shows the progress until the job ends.
"""

from __future__ import annotations

import csv
import io
import logging
from collections import defaultdict

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from pskshub.scoping import visible
from transfers import cells, engine
from transfers.models import ImportBatch
from transfers.readers import FileRefused, open_sheet
from transfers.schemas import Schema

logger = logging.getLogger(__name__)

JOB_PREVIEW = "transfers_import_preview"
JOB_COMMIT = "transfers_import_commit"


def max_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_BYTES", 30 * 1024 * 1024)


def sync_max_rows() -> int:
    return getattr(settings, "IMPORT_SYNC_MAX_ROWS", 2000)


class ImportRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",")


def check_upload(upload) -> None:
    """Size and emptiness, before anything is stored."""
    if upload.size == 0:
        raise ImportRefused(_("File kosong: tidak ada isinya."))
    if upload.size > max_bytes():
        raise ImportRefused(
            _("Ukuran berkas %(size)s MB melebihi batas %(max)s MB. Bagi menjadi beberapa berkas.")
            % {"size": _megabytes(upload.size), "max": _megabytes(max_bytes())}
        )


def count_rows(fileobj) -> int:
    """A quick upper bound of the rows (lines of a CSV, the sheet's dimension or row tags of an .xlsx)."""
    fileobj.seek(0)
    head = fileobj.read(4)
    fileobj.seek(0)
    if head.startswith(b"PK"):
        import zipfile

        try:
            archive = zipfile.ZipFile(fileobj)
            count = 0
            for name in archive.namelist():
                if name.startswith("xl/worksheets/sheet"):
                    with archive.open(name) as raw:
                        while chunk := raw.read(1 << 20):
                            count += chunk.count(b"<row ")
                    break
            return count
        except zipfile.BadZipFile:
            return 0
        finally:
            fileobj.seek(0)
    count = 0
    while chunk := fileobj.read(1 << 20):
        count += chunk.count(b"\n")
    fileobj.seek(0)
    return count


@transaction.atomic
def import_upload(*, user, kind: str, upload) -> ImportBatch:
    """Store the upload and check it: at once for a small file, as a background job for a large one."""
    check_upload(upload)
    batch = ImportBatch(kind=kind, created_by=user, original_name=upload.name[:255], size=upload.size)
    batch.file.save(upload.name, upload, save=False)
    batch.save()
    with batch.file.open("rb") as handle:
        total = count_rows(handle)
    batch.progress_total = total
    if total > sync_max_rows():
        _start_job(batch, JOB_PREVIEW)
    else:
        run_preview(batch)
    return batch


def _start_job(batch: ImportBatch, kind: str) -> None:
    from jobs.services import start_job

    title = _("Impor %(name)s") % {"name": batch.original_name}
    job = start_job(batch.created_by, kind, params={"batch": str(batch.pk), "title": title})
    ImportBatch.objects.filter(pk=batch.pk).update(job_id=job.pk)
    batch.job_id = job.pk


def _progress_for(batch: ImportBatch, progress):
    def report(done: int, total: int, message: str = "") -> None:
        if progress is not None:
            progress(done, max(total, batch.progress_total or 0), message)

    return report


def run_preview(batch: ImportBatch, progress=None) -> ImportBatch:
    """Validate the file against the database as it is now; nothing is written but the batch itself."""
    batch.status = ImportBatch.Status.VALIDATING
    try:
        with batch.file.open("rb") as handle:
            sheet = open_sheet(handle, batch.original_name)
            batch.file_format = sheet.file_format
            report = engine.run_import(
                batch.kind,
                sheet,
                user=batch.created_by,
                total=batch.progress_total,
                progress=_progress_for(batch, progress),
            )
    except FileRefused as exc:
        batch.status, batch.message = ImportBatch.Status.REFUSED, exc.message
        batch.summary, batch.errors, batch.changes = {}, [], []
    else:
        batch.status, batch.message = ImportBatch.Status.READY, ""
        batch.summary, batch.errors, batch.changes = report.as_dict(), report.errors, report.changes
        batch.progress_total = batch.progress_done = report.rows
    batch.save()
    return batch


def import_commit(*, batch: ImportBatch, acting_user, only_valid: bool = False) -> ImportBatch:
    """Import the batch's rows: in the background for a large file, else now."""
    if batch.created_by_id != acting_user.pk:
        raise ImportRefused(_("Hanya pengunggah berkas yang dapat mengimpornya."))
    if batch.status != ImportBatch.Status.READY:
        raise ImportRefused(
            _("Berkas ini tidak dalam keadaan siap diimpor (%(status)s).") % {"status": batch.get_status_display()}
        )
    if batch.counts.get("error") and not only_valid:
        raise ImportRefused(
            _(
                "Masih ada %(count)d baris yang salah. Perbaiki berkasnya dan unggah lagi, atau pilih impor baris "
                "yang sah saja."
            )
            % {"count": batch.counts["error"]}
        )
    batch.only_valid = only_valid
    batch.status = ImportBatch.Status.COMMITTING
    batch.save(update_fields=["only_valid", "status", "updated_at"])
    if batch.summary.get("rows", 0) > sync_max_rows():
        _start_job(batch, JOB_COMMIT)
        return batch
    try:
        with transaction.atomic():
            run_commit(batch)
    except (ImportRefused, FileRefused) as exc:
        _mark_failed(batch, getattr(exc, "message", str(exc)))
    return batch


def run_commit(batch: ImportBatch, progress=None) -> ImportBatch:
    """Validate again and write, inside the caller's transaction; raises ImportRefused (roll back) on errors."""
    reason = _("Impor berkas %(name)s") % {"name": batch.original_name}
    try:
        with batch.file.open("rb") as handle:
            sheet = open_sheet(handle, batch.original_name)
            report = engine.run_import(
                batch.kind,
                sheet,
                user=batch.created_by,
                write=True,
                only_valid=batch.only_valid,
                reason=reason,
                total=batch.summary.get("rows"),
                progress=_progress_for(batch, progress),
            )
    except engine.ImportAborted as exc:
        raise ImportRefused(
            _(
                "Data berubah sejak pratinjau: %(count)d baris kini salah. Tidak ada yang diimpor; periksa "
                "pratinjau baru."
            )
            % {"count": exc.report.counts.get("error", 0)}
        ) from None
    except IntegrityError:
        raise ImportRefused(
            _(
                "Data yang sama sedang diubah di tempat lain (NIK atau nomor yang sama). Tidak ada yang diimpor; "
                "coba lagi."
            )
        ) from None
    batch.status = ImportBatch.Status.COMMITTED
    batch.committed_at = timezone.now()
    batch.summary = {**batch.summary, "written": dict(report.written), "committed": report.as_dict()["counts"]}
    batch.errors, batch.changes = report.errors, report.changes
    batch.message = ""
    batch.save()
    return batch


def _mark_failed(batch: ImportBatch, message: str) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.FAILED, message=message, updated_at=timezone.now()
    )
    batch.refresh_from_db()


def sync_with_job(batch: ImportBatch) -> ImportBatch:
    """A batch whose background job failed shows why (the job rolled its own writes back)."""
    if not batch.is_busy or batch.job_id is None:
        return batch
    from jobs.models import Job

    job = Job.objects.filter(pk=batch.job_id).first()
    if job is not None and job.status == Job.Status.FAILED:
        _mark_failed(batch, job.error or _("Tugas latar belakang gagal. Tidak ada data yang diubah."))
    return batch


# --- Files -------------------------------------------------------------------------------------------------------------

DATE_PARSERS = (cells.parse_date, cells.parse_past_date)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
ERROR_FILL = PatternFill("solid", fgColor="FCE4E4")


def template_workbook(schema: Schema) -> bytes:
    """The import template: the columns with one example row, and an instruction sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(schema.sheet_title)[:31]
    sheet.append(schema.headers())
    sheet.append([c.example if c.example != "" else None for c in schema.columns])
    for index, column in enumerate(schema.columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = max(14, min(40, len(str(column.header)) + 4))
        if column.key in ("nik", "village_code", "phone", "membership_number", "registration_number"):
            for row in range(2, 2002):
                sheet.cell(row=row, column=index).number_format = "@"  # text: Excel keeps every digit
    for index, column in enumerate(schema.columns, start=1):
        if column.parse in DATE_PARSERS:
            sheet.cell(row=2, column=index).number_format = "DD/MM/YYYY"
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet(_("Petunjuk"))
    guide.append([_("Petunjuk pengisian")])
    guide["A1"].font = Font(bold=True, size=13)
    guide.append([])
    for line in (
        _("Isi satu baris per orang (atau per lembaga). Baris kedua lembar pertama hanya contoh: hapus atau timpa."),
        _("Judul kolom boleh diubah huruf besar/kecilnya atau urutannya; kolom yang tidak dikenal diabaikan."),
        _(
            "Data yang sudah ada dikenali dari NIK (relawan) atau nomor tanda daftar / nama dan desa (lembaga) "
            "dan diperbarui; kolom yang tidak ada di berkas tidak diubah."
        ),
        _("Tanggal: tanggal Excel atau hh/bb/tttt. NIK dan nomor HP: ketik sebagai teks agar tidak dibulatkan."),
        _("Setelah diunggah, sistem menampilkan pratinjau; tidak ada yang disimpan sebelum Anda menekan Impor."),
    ):
        guide.append([line])
    guide.append([])
    guide.append([_("Kolom"), _("Wajib"), _("Keterangan"), _("Nama lain yang dikenali")])
    for cell in guide[guide.max_row]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for column in schema.columns:
        guide.append(
            [
                str(column.header),
                _("ya") if column.required else "",
                str(column.help),
                ", ".join(column.synonyms),
            ]
        )
    guide.column_dimensions["A"].width = 28
    guide.column_dimensions["C"].width = 80
    guide.column_dimensions["D"].width = 50
    for row in guide.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_workbook(schema: Schema, queryset, *, mask_nik: bool = False) -> bytes:
    """A roster in the template's format (write-only: bounded memory), text cells for NIK and codes."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(schema.sheet_title)[:31])
    bold = Font(bold=True)
    header = []
    for title in schema.headers():
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    date_columns = {i for i, c in enumerate(schema.columns) if c.parse in DATE_PARSERS}
    for row in schema.export_rows(queryset, mask_nik=mask_nik):
        out = []
        for index, value in enumerate(row):
            if index in date_columns and value:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "DD/MM/YYYY"
                out.append(cell)
            else:
                out.append(value if value != "" else None)
        sheet.append(out)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def error_file(batch: ImportBatch) -> tuple[bytes, str, str]:
    """The uploaded file with a "Kesalahan" column holding each row's messages: (content, filename, type)."""
    by_row: dict[int, list[str]] = defaultdict(list)
    for row, letter, header, message in batch.errors:
        where = f"[{header or letter}] " if (header or letter) else ""
        by_row[row].append(f"{where}{message}")
    header_row = batch.summary.get("header_row", 1) or 1
    stem = batch.original_name.rsplit(".", 1)[0]
    with batch.file.open("rb") as handle:
        if batch.file_format == "xlsx":
            workbook = load_workbook(handle)
            sheet = workbook.worksheets[0]
            for ws in workbook.worksheets:
                if ws.sheet_state == "visible":
                    sheet = ws
                    break
            column = sheet.max_column + 1
            title = sheet.cell(row=header_row, column=column, value=_("Kesalahan"))
            title.font = Font(bold=True, color="9C0006")
            title.fill = ERROR_FILL
            for row, messages in by_row.items():
                cell = sheet.cell(row=row, column=column, value="\n".join(messages))
                cell.fill = ERROR_FILL
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            sheet.column_dimensions[title.column_letter].width = 70
            buffer = io.BytesIO()
            workbook.save(buffer)
            return (
                buffer.getvalue(),
                f"{stem}-kesalahan.xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        sheet = open_sheet(handle, batch.original_name)
        out = io.StringIO()
        writer = csv.writer(out, delimiter=sheet.delimiter or ",")
        for number, values in sheet.rows:
            values = ["" if v is None else v for v in values]
            if number == header_row:
                writer.writerow([*values, _("Kesalahan")])
            else:
                writer.writerow([*values, " | ".join(by_row.get(number, []))])
        encoding = sheet.encoding or "utf-8"
        data = out.getvalue().encode(encoding, errors="replace")
        if encoding == "utf-8":
            data = b"\xef\xbb\xbf" + data
        return data, f"{stem}-kesalahan.csv", f"text/csv; charset={encoding}"


def batches_for(user):
    """The user's own imports (transfers.scoping)."""
    return visible(user, ImportBatch)
