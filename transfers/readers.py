"""Reading uploaded spreadsheets row by row, in bounded memory: .xlsx and .csv (UTF-8 or Windows-1252).

The .xlsx reader streams the sheet's XML straight out of the zip (openpyxl's read-only mode reads about
3,500 rows of 20 columns a second here; this reads several times that). It knows what the importer must
tell the user about: formulas without a stored result, merged cells, dates by cell format. Shared strings
are read whole (one copy of each distinct text).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import functools
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from posixpath import join, normpath

from django.utils.translation import gettext as _
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.cell import column_index_from_string, range_boundaries
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel


class FileRefused(Exception):
    """The file cannot be read at all: one message for the whole file."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _FormulaWithoutValue:
    """A cell holding a formula whose result was never saved (a file written by a program, not Excel)."""

    def __repr__(self) -> str:
        return "FORMULA_WITHOUT_VALUE"


FORMULA_WITHOUT_VALUE = _FormulaWithoutValue()


@dataclass
class Sheet:
    """Rows of one sheet as `(row number, [values])`; values are str, int, float, bool, date/datetime or None."""

    rows: Iterator[tuple[int, list]]
    file_format: str  # "xlsx" | "csv"
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # (min_col, min_row, max_col, max_row)
    encoding: str = ""
    delimiter: str = ""


XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97–2003)


def open_sheet(fileobj, name: str = "") -> Sheet:
    """The first worksheet of an .xlsx, or a CSV; `FileRefused` for anything else."""
    fileobj.seek(0)
    head = fileobj.read(8192)
    fileobj.seek(0)
    if not head:
        raise FileRefused(_("File kosong: tidak ada isinya."))
    if head.startswith(XLSX_MAGIC):
        return _open_xlsx(fileobj)
    if head.startswith(OLE_MAGIC):
        raise FileRefused(
            _("File Excel lama (.xls) tidak dapat dibaca. Buka di Excel lalu simpan sebagai .xlsx (Excel Workbook).")
        )
    if b"\x00" in head or name.lower().endswith((".pdf", ".doc", ".docx", ".png", ".jpg", ".jpeg", ".zip")):
        raise FileRefused(_("File ini bukan lembar kerja Excel (.xlsx) atau CSV."))
    return _open_csv(fileobj)


# --- CSV -----------------------------------------------------------------------------------------------------------


def _csv_encoding(fileobj) -> str:
    """UTF-8 when every byte decodes as UTF-8 (checked in chunks), else Excel's Windows-1252."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    fileobj.seek(0)
    try:
        while chunk := fileobj.read(1 << 20):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    finally:
        fileobj.seek(0)
    return "utf-8-sig"


def _open_csv(fileobj) -> Sheet:
    encoding = _csv_encoding(fileobj)
    text = io.TextIOWrapper(fileobj, encoding=encoding, errors="replace", newline="")
    sample = text.read(16384)
    text.seek(0)
    first_lines = sample.splitlines()[:5] or [""]
    counts = {d: sum(line.count(d) for line in first_lines) for d in (";", ",", "\t")}
    delimiter = max(counts, key=counts.get)
    if counts[delimiter] == 0:
        delimiter = ","

    def rows() -> Iterator[tuple[int, list]]:
        reader = csv.reader(text, delimiter=delimiter)
        number = 0
        try:
            for number, row in enumerate(reader, start=1):
                yield number, [value or None for value in row]
        except csv.Error as exc:
            message = _("File CSV rusak pada baris %(row)d: %(error)s") % {"row": number + 1, "error": exc}
            raise FileRefused(message) from None

    return Sheet(rows(), "csv", encoding=encoding.replace("-sig", ""), delimiter=delimiter)


# --- XLSX ----------------------------------------------------------------------------------------------------------

_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SHEET_RE = re.compile(r"<(?:\w+:)?sheet\b[^>]*?>")
_ATTR_RE = re.compile(r'([\w:]+)="([^"]*)"')
_REL_RE = re.compile(r"<(?:\w+:)?Relationship\b[^>]*?>")
_SI_RE = re.compile(r"<(?:\w+:)?si>(.*?)</(?:\w+:)?si>|<(?:\w+:)?si/>", re.S)
_T_RE = re.compile(r"<(?:\w+:)?t(?:\s[^>]*)?>(.*?)</(?:\w+:)?t>|<(?:\w+:)?t\s*/>", re.S)
_RPH_RE = re.compile(r"<(?:\w+:)?rPh\b.*?</(?:\w+:)?rPh>", re.S)
_NUMFMT_RE = re.compile(r"<(?:\w+:)?numFmt\b([^>]*?)/?>")
_CELLXFS_RE = re.compile(r"<(?:\w+:)?cellXfs\b[^>]*>(.*?)</(?:\w+:)?cellXfs>", re.S)
_XF_RE = re.compile(r"<(?:\w+:)?xf\b([^>]*?)(?:/>|>)")
_ROW_RE = re.compile(r"<(?:\w+:)?row\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?row>)", re.S)
_CELL_RE = re.compile(r"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_V_RE = re.compile(r"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", re.S)
_F_RE = re.compile(r"<(?:\w+:)?f\b")
_IS_RE = re.compile(r"<(?:\w+:)?is>(.*?)</(?:\w+:)?is>", re.S)
_MERGE_RE = re.compile(r'<(?:\w+:)?mergeCell\b[^>]*?ref="([A-Z]+\d+:[A-Z]+\d+)"')
_ESCAPED_CHAR = re.compile(r"_x([0-9A-Fa-f]{4})_")
_COLUMN_LETTERS = re.compile(r"[A-Z]+")


def _attrs(text: str) -> dict[str, str]:
    return dict(_ATTR_RE.findall(text))


def _text(xml: str) -> str:
    value = unescape(xml) if "&" in xml else xml
    if "_x" in value:
        value = _ESCAPED_CHAR.sub(lambda m: chr(int(m.group(1), 16)), value)
    return value


def _rich_text(xml: str) -> str:
    if xml.startswith("<t>") and xml.endswith("</t>") and xml.count("<") == 2:  # plain text: most cells
        return _text(xml[3:-4])
    if xml.startswith('<t xml:space="preserve">') and xml.endswith("</t>") and xml.count("<") == 2:
        return _text(xml[24:-4])
    xml = _RPH_RE.sub("", xml)
    return "".join(_text(m.group(1) or "") for m in _T_RE.finditer(xml))


def _open_xlsx(fileobj) -> Sheet:
    try:
        archive = zipfile.ZipFile(fileobj)
        names = set(archive.namelist())
        if "xl/workbook.xml" not in names:
            raise FileRefused(_("File ini bukan lembar kerja Excel (.xlsx) atau CSV."))
        workbook = archive.read("xl/workbook.xml").decode("utf-8")
        sheet_path = _first_sheet_path(archive, workbook, names)
        epoch = CALENDAR_MAC_1904 if re.search(r'date1904="(1|true)"', workbook) else CALENDAR_WINDOWS_1900
        shared = _shared_strings(archive, names)
        date_styles = _date_styles(archive, names)
        merged = _merged_cells(archive, sheet_path)
    except (zipfile.BadZipFile, KeyError, UnicodeDecodeError, ValueError):
        raise FileRefused(_("File Excel ini rusak atau tidak lengkap; buka di Excel lalu simpan ulang.")) from None

    def rows() -> Iterator[tuple[int, list]]:
        with archive.open(sheet_path) as raw:
            stream = io.TextIOWrapper(raw, encoding="utf-8")
            buffer = ""
            row_counter = 0
            while True:
                chunk = stream.read(1 << 20)
                buffer += chunk
                end = buffer.rfind("</row>") if chunk else len(buffer)
                if end == -1 and chunk:
                    continue
                if chunk:
                    end += len("</row>")
                part, buffer = buffer[:end], buffer[end:]
                for match in _ROW_RE.finditer(part):
                    attrs = _attrs(match.group(1))
                    row_counter = int(attrs.get("r", row_counter + 1))
                    cells = match.group(2)
                    yield row_counter, _row_values(cells, shared, date_styles, epoch) if cells else []
                if not chunk:
                    break

    return Sheet(rows(), "xlsx", merged=merged)


# Cells as Excel and openpyxl write them (attributes r, s, t in this order): one C-level match per cell.
_FAST_CELL_RE = re.compile(
    r'<c r="([A-Z]+)\d+"(?: s="(\d+)")?(?: t="(\w+)")?\s*(?:/>|>(<f\b[^>]*?(?:/>|>[^<]*</f>))?'
    r"(?:<v>([^<]*)</v>)?(?:<is>(.*?)</is>)?</c>)",
    re.S,
)
_COLUMN_INDEX: dict[str, int] = {}


def _column_index(letters: str) -> int:
    index = _COLUMN_INDEX.get(letters)
    if index is None:
        index = _COLUMN_INDEX[letters] = column_index_from_string(letters)
    return index


def _row_values(xml: str, shared: list[str], date_styles: frozenset[int], epoch) -> list:
    cells = _FAST_CELL_RE.findall(xml)
    if len(cells) != xml.count("<c"):
        cells = _slow_cells(xml)
    values: list = []
    for letters, style, kind, formula, raw, inline in cells:
        if letters:
            column = _column_index(letters)
            if column > len(values) + 1:
                values.extend([None] * (column - 1 - len(values)))
        if kind == "inlineStr":
            value = _rich_text(inline) if inline else None
        elif not raw:
            value = FORMULA_WITHOUT_VALUE if formula else None
        elif kind == "s":
            value = shared[int(raw)]
        elif kind in ("str", "e"):
            value = _text(raw)
        elif kind == "b":
            value = raw == "1"
        elif kind == "d":
            value = dt.datetime.fromisoformat(raw)
        elif style and int(style) in date_styles:
            value = _excel_date(raw, epoch)
        elif raw.isdigit() or (raw[0] == "-" and raw[1:].isdigit()):
            value = int(raw)
        else:
            value = float(raw)
        values.append(value)
    return values


@functools.lru_cache(maxsize=65536)
def _excel_date(raw: str, epoch) -> dt.date | dt.datetime:
    """Dates repeat in a roster (birth dates, decree dates): each serial is converted once."""
    value = from_excel(float(raw), epoch)
    return value.date() if isinstance(value, dt.datetime) and value.time() == dt.time(0) else value


def _slow_cells(xml: str) -> list[tuple[str, str, str, str, str, str]]:
    """Cells written with other attribute orders or namespace prefixes: the same tuples, the slow way."""
    cells = []
    for match in _CELL_RE.finditer(xml):
        attrs = {k.split(":")[-1]: v for k, v in _attrs(match.group(1)).items()}
        body = match.group(2) or ""
        ref = _COLUMN_LETTERS.match(attrs.get("r", ""))
        v = _V_RE.search(body)
        inline = _IS_RE.search(body)
        cells.append(
            (
                ref.group(0) if ref else "",
                attrs.get("s", ""),
                attrs.get("t", ""),
                "f" if _F_RE.search(body) else "",
                v.group(1) if v else "",
                inline.group(1) if inline else "",
            )
        )
    return cells


def _first_sheet_path(archive: zipfile.ZipFile, workbook: str, names: set[str]) -> str:
    sheets = [_attrs(m.group(0)) for m in _SHEET_RE.finditer(workbook)]
    if not sheets:
        raise FileRefused(_("File Excel ini tidak memiliki lembar kerja."))
    visible = [s for s in sheets if s.get("state", "visible") == "visible"] or sheets
    rel_id = next((v for k, v in visible[0].items() if k.endswith(":id")), None)
    rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    for rel in _REL_RE.finditer(rels):
        attrs = _attrs(rel.group(0))
        if attrs.get("Id") == rel_id:
            target = attrs["Target"]
            path = target.lstrip("/") if target.startswith("/") else normpath(join("xl", target))
            if path in names:
                return path
    raise FileRefused(_("File Excel ini rusak atau tidak lengkap; buka di Excel lalu simpan ulang."))


def _shared_strings(archive: zipfile.ZipFile, names: set[str]) -> list[str]:
    if "xl/sharedStrings.xml" not in names:
        return []
    xml = archive.read("xl/sharedStrings.xml").decode("utf-8")
    return [_rich_text(m.group(1)) if m.group(1) else "" for m in _SI_RE.finditer(xml)]


def _date_styles(archive: zipfile.ZipFile, names: set[str]) -> frozenset[int]:
    """Indexes of the cell styles whose number format is a date."""
    if "xl/styles.xml" not in names:
        return frozenset()
    xml = archive.read("xl/styles.xml").decode("utf-8")
    formats = dict(BUILTIN_FORMATS)
    for match in _NUMFMT_RE.finditer(xml):
        attrs = _attrs(match.group(1))
        if "numFmtId" in attrs:
            formats[int(attrs["numFmtId"])] = unescape(attrs.get("formatCode", ""))
    xfs = _CELLXFS_RE.search(xml)
    dates = set()
    for index, match in enumerate(_XF_RE.finditer(xfs.group(1) if xfs else "")):
        fmt_id = int(_attrs(match.group(1)).get("numFmtId", 0))
        if fmt_id in range(14, 23) or fmt_id in range(45, 48) or is_date_format(formats.get(fmt_id, "")):
            dates.add(index)
    return frozenset(dates)


def _merged_cells(archive: zipfile.ZipFile, sheet_path: str) -> list[tuple[int, int, int, int]]:
    """Merged ranges, found by one pass over the decompressed sheet (they are written after the data)."""
    merged = []
    tail = ""
    with archive.open(sheet_path) as raw:
        while chunk := raw.read(1 << 20):
            text = tail + chunk.decode("utf-8", errors="ignore")
            if "mergeCell" in text:
                merged.extend(range_boundaries(ref) for ref in _MERGE_RE.findall(text))
            tail = text[-200:]
            # A range split across two chunks is found in the overlap; one found twice is kept once.
    return sorted(set(merged))
