"""Validating and writing an import, in chunks: a fixed number of queries per chunk, never one per row.

`run_import()` reads the sheet once, row by row. Each chunk of rows is parsed cell by cell (schemas), then
checked against the database in a few queries (the NIKs or institutions already present, their memberships,
the membership numbers named) and against the rows seen earlier in the file (duplicates, one active TKSK
per kecamatan, one Karang Taruna per village). With `write=True` the valid rows of each chunk are written at
once (COPY on PostgreSQL) with their history rows naming the importing user; the caller holds the
transaction, so an error anywhere rolls everything back unless only valid rows were asked for.

Persons on PostgreSQL: a chunk's COPYs start after the next chunk's lookups and run in a second thread
on the same connection (writers.CopyQueue), so the database stores one chunk while Python checks the
next; the checks against earlier rows of the file (same NIK, membership, number, TKSK per kecamatan)
do not depend on the database having them yet.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.models import OuterRef, Q, Subquery
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from accounts.roles import staff_scope
from cases.models import Beneficiary, Case, PmksCategory
from cases.names import name_key
from cases.services import refresh_households
from regions.models import District, Regency, Village, district_code_of, regency_code_of
from registry.models import Institution, Membership, Person, PsksType
from registry.nik import mask_nik
from transfers import cells, writers
from transfers.readers import FileRefused, Sheet
from transfers.schemas import SCHEMAS, Schema

CHUNK_ROWS = 2000
HEADER_SEARCH_ROWS = 10
MAX_STORED_ERRORS = 20_000
MAX_STORED_CHANGES = 5_000
PARSE_MEMO_SIZE = 4096  # answers kept per column: statuses, dates, villages repeat; names and NIKs do not
_UNSEEN = object()

Progress = Callable[..., None]


def _no_progress(done: int, total: int, message: str = "") -> None:
    pass


@dataclass
class Report:
    """What an import found (preview) or did (commit); stored as JSON on the batch."""

    counts: Counter = field(default_factory=Counter)
    errors: list[list] = field(default_factory=list)  # [row, column letter, column header, message]
    changes: list[dict] = field(default_factory=list)  # {"row", "label", "fields": [[label, old, new], …]}
    rows: int = 0
    blank_rows: int = 0
    header_row: int = 0
    ignored_headers: list[str] = field(default_factory=list)
    error_rows: int = 0
    written: Counter = field(default_factory=Counter)
    warnings: list[list] = field(default_factory=list)  # [row, label, message]: imported, but worth a look

    def as_dict(self) -> dict:
        return {
            "counts": {k: self.counts.get(k, 0) for k in ("new", "updated", "unchanged", "error")},
            "rows": self.rows,
            "blank_rows": self.blank_rows,
            "header_row": self.header_row,
            "ignored_headers": self.ignored_headers,
            "written": dict(self.written),
            "warnings": self.warnings,
        }


class ImportAborted(Exception):
    """All-or-nothing commit met an invalid row: the caller's transaction must roll back."""

    def __init__(self, report: Report) -> None:
        super().__init__("import has errors")
        self.report = report


# --- Regions, read once per import ---------------------------------------------------------------------------------


class Regions:
    """The deployed province's villages, kecamatan and kabupaten/kota (three queries), matched by code or name."""

    def __init__(self) -> None:
        province = settings.PROVINCE_CODE
        self.regencies = dict(Regency.objects.filter(province_id=province).values_list("code", "name"))
        self.districts = dict(District.objects.filter(regency__province_id=province).values_list("code", "name"))
        self.villages = dict(Village.objects.filter(code__startswith=f"{province}.").values_list("code", "name"))
        self.regency_by_name: dict[str, list[str]] = defaultdict(list)
        for code, name in self.regencies.items():
            self.regency_by_name[cells.regency_name_key(name)].append(code)
            self.regency_by_name[cells.region_name_key(name)].append(code)  # "Lebak"; "Serang" is two
        self.district_by_name: dict[str, list[str]] = defaultdict(list)
        for code, name in self.districts.items():
            self.district_by_name[cells.region_name_key(name)].append(code)
        self.village_by_name: dict[str, list[str]] = defaultdict(list)
        for code, name in self.villages.items():
            self.village_by_name[cells.region_name_key(name)].append(code)
        self._cache: dict[tuple, tuple] = {}

    @staticmethod
    def dotted(code: str, lengths: tuple[int, ...]) -> str:
        digits = code.replace(".", "").replace(" ", "")
        if not digits.isdigit():
            return code
        parts, start = [], 0
        for length in lengths:
            parts.append(digits[start : start + length])
            start += length
        return ".".join(p for p in parts if p)

    def regency(self, text: str) -> tuple[str | None, str]:
        if not text:
            return None, ""
        code = self.dotted(text, (2, 2))
        if code in self.regencies:
            return code, ""
        found = set(self.regency_by_name.get(cells.regency_name_key(text), [])) or set(
            self.regency_by_name.get(cells.region_name_key(text), [])
        )
        if len(found) == 1:
            return found.pop(), ""
        if found:
            return None, _("Kabupaten/kota %(name)s ambigu; tulis Kabupaten %(name)s atau Kota %(name)s.") % {
                "name": text
            }
        return None, _("Kabupaten/kota %(name)s tidak ditemukan di provinsi ini.") % {"name": text}

    def district(self, text: str, regency: str | None = None) -> tuple[str | None, str]:
        if not text:
            return None, ""
        code = self.dotted(text, (2, 2, 2))
        if code in self.districts:
            return code, ""
        found = self.district_by_name.get(cells.region_name_key(text), [])
        if regency:
            found = [c for c in found if regency_code_of(c) == regency]
        if len(found) == 1:
            return found[0], ""
        if found:
            return None, _("Kecamatan %(name)s ada di beberapa kabupaten/kota; isi juga kolom kabupaten/kota.") % {
                "name": text
            }
        return None, _("Kecamatan %(name)s tidak ditemukan.") % {"name": text}

    def village(self, code: str, name: str, district: str, regency: str) -> tuple[str | None, str, str]:
        """(village code, column key of the error, message)."""
        key = (code, name, district, regency)
        if key not in self._cache:
            self._cache[key] = self._village(code, name, district, regency)
        return self._cache[key]

    def _village(self, code: str, name: str, district: str, regency: str) -> tuple[str | None, str, str]:
        if code:
            dotted = self.dotted(code, (2, 2, 2, 4))
            if dotted in self.villages:
                return dotted, "", ""
            return None, "village_code", _("Kode desa/kelurahan %(code)s tidak ditemukan.") % {"code": code}
        if not name:
            return None, "village_name", _("Isi nama desa/kelurahan atau kode desa/kelurahan.")
        regency_code, message = self.regency(regency)
        if message:
            return None, "regency_name", message
        candidates = self.village_by_name.get(cells.region_name_key(name), [])
        if regency_code:
            candidates = [c for c in candidates if regency_code_of(c) == regency_code]
        if district:
            district_codes = set(self.district_by_name.get(cells.region_name_key(district), []))
            if not district_codes:
                return None, "district_name", _("Kecamatan %(name)s tidak ditemukan.") % {"name": district}
            candidates = [c for c in candidates if district_code_of(c) in district_codes]
        if len(candidates) == 1:
            return candidates[0], "", ""
        if not candidates:
            where = district or regency
            if where:
                return (
                    None,
                    "village_name",
                    _("Desa/kelurahan %(name)s tidak ditemukan di %(where)s.")
                    % {
                        "name": name,
                        "where": where,
                    },
                )
            return None, "village_name", _("Desa/kelurahan %(name)s tidak ditemukan.") % {"name": name}
        return (
            None,
            "district_name",
            _("Ada %(count)d desa/kelurahan bernama %(name)s; isi kecamatan (dan kabupaten/kota) atau kode desa.")
            % {"count": len(candidates), "name": name},
        )


def _any_of(values) -> list | RawSQL:
    """The right side of an `__in` lookup: on PostgreSQL one array parameter, not 2,000 placeholders that
    Django prepares one by one (a tenth of a preview's time)."""
    values = list(values)
    if values and connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s)", [values])
    return values


# --- Display of values in the preview -------------------------------------------------------------------------------


def _display(model, name: str, value, regions: Regions) -> str:
    if value is None or value == "":
        return "—"
    if name == "village_id":
        return regions.villages.get(value, value)
    if name == "district_id":
        return regions.districts.get(value, value)
    if name == "regency_id":
        return regions.regencies.get(value, value)
    field_obj = model._meta.get_field(name.removesuffix("_id") if name.endswith("_id") else name)
    if field_obj.choices:
        return str(dict(field_obj.flatchoices).get(value, value))
    if isinstance(value, dt.date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    return str(value)


def _label(model, name: str) -> str:
    field_obj = model._meta.get_field(name.removesuffix("_id") if name.endswith("_id") else name)
    return capfirst(str(field_obj.verbose_name))


# --- The importer ------------------------------------------------------------------------------------------------------


@dataclass
class Row:
    number: int
    data: dict
    errors: list[tuple[str, str]]  # (column key or "", message)


class Importer:
    """Shared machinery: headers, chunks, parsing, outcome bookkeeping. Subclasses check and write."""

    schema: Schema
    region_columns = ("village_code", "village_name", "district_name", "regency_name")
    copies_in_background = False  # writers.CopyQueue: PostgreSQL stores a chunk while the next is checked

    def __init__(self, *, user, write: bool = False, only_valid: bool = False, reason: str = "") -> None:
        self.user = user
        self.scope = staff_scope(user)
        self.write = write
        self.only_valid = only_valid
        self.reason = (reason or _("Impor berkas"))[:100]
        self.report = Report()
        self.regions = Regions()
        self.types = list(PsksType.objects.all())
        self.type_by_name: dict[str, PsksType] = {}
        for t in self.types:
            for name in (t.code, t.name, t.abbreviation):
                if name:
                    self.type_by_name.setdefault(cells.normalize_label(name), t)
        self.now = timezone.now()
        self.columns: list[tuple[int, str]] = []  # (index in row, column key)
        self.letters: dict[str, tuple[str, str]] = {}  # key → (letter, header as written in the file)
        self.merged_rows: dict[int, str] = {}
        self._parse_plan: list[tuple[int, str, Callable, dict]] | None = None
        self.copies: writers.CopyQueue | None = None
        self._progress: Progress = _no_progress
        self._total = 0
        self._done = self._reported = 0

    # -- reading ------------------------------------------------------------------------------------------------

    def run(self, sheet: Sheet, *, total: int | None = None, progress: Progress = _no_progress) -> Report:
        self._progress, self._total = progress, total or 0
        if self.write and self.copies_in_background and writers.copy_supported():
            self.copies = writers.CopyQueue()
        try:
            return self._run(sheet)
        finally:
            if self.copies is not None:
                self.copies.close()

    def _sync(self) -> None:
        """Before a chunk's lookups: the COPYs running are done (their errors raised here); report the progress."""
        if self.copies is not None:
            self.copies.wait_running()
        if self._done > self._reported:
            self._reported = self._done
            self._progress(self._done, max(self._total, self._done))

    def _run(self, sheet: Sheet) -> Report:
        rows = sheet.rows
        self._find_header(rows)
        self._merged(sheet)
        max_rows = getattr(settings, "IMPORT_MAX_ROWS", 200_000)
        chunk: list[tuple[int, list]] = []
        for number, values in rows:
            if not values or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                self.report.blank_rows += 1
                continue
            self.report.rows += 1
            if self.report.rows > max_rows:
                raise FileRefused(
                    _("Berkas berisi lebih dari %(max)s baris data. Bagi menjadi beberapa berkas.")
                    % {"max": f"{max_rows:,}".replace(",", ".")}
                )
            chunk.append((number, values))
            if len(chunk) >= CHUNK_ROWS:
                self._chunk(chunk)
                self._done += len(chunk)
                chunk = []
        if chunk:
            self._chunk(chunk)
            self._done += len(chunk)
        if self.report.rows == 0:
            raise FileRefused(_("Tidak ada baris data di bawah judul kolom."))
        if self.copies is not None:
            self.copies.wait()  # the last chunk's COPYs
        self._sync()
        self.report.error_rows = self.report.counts.get("error", 0)
        if self.write and self.report.error_rows and not self.only_valid:
            raise ImportAborted(self.report)
        return self.report

    def _find_header(self, rows: Iterator[tuple[int, list]]) -> None:
        best: tuple[int, int, list] | None = None
        seen = 0
        for number, values in rows:
            texts = [cells.normalize_label(str(v)) if v is not None else "" for v in values]
            if not any(texts):
                continue
            matched = sum(1 for t in texts if t in self.schema.by_header)
            if best is None or matched > best[1]:
                best = (number, matched, values)
            if matched >= len(self.schema.key_columns) + 2 and matched >= best[1]:
                break
            seen += 1
            if seen >= HEADER_SEARCH_ROWS:
                break
        if best is None:
            raise FileRefused(_("Berkas tidak berisi data."))
        number, matched, values = best
        if matched < 2:
            raise FileRefused(
                _(
                    "Judul kolom tidak dikenali pada %(count)d baris pertama. Gunakan templat impor: baris judul "
                    "berisi misalnya %(examples)s."
                )
                % {"count": HEADER_SEARCH_ROWS, "examples": ", ".join(self.schema.headers()[:4])}
            )
        self.report.header_row = number
        for index, value in enumerate(values):
            if value is None or not str(value).strip():
                continue
            key = self.schema.by_header.get(cells.normalize_label(str(value)))
            if key is None or key in self.letters:
                self.report.ignored_headers.append(str(value).strip())
                continue
            self.columns.append((index, key))
            self.letters[key] = (get_column_letter(index + 1), str(value).strip())
        missing = [str(self.schema.by_key[k].header) for k in self.schema.key_columns if k not in self.letters]
        if missing:
            raise FileRefused(_("Kolom wajib tidak ditemukan: %(columns)s.") % {"columns": ", ".join(missing)})

    def _merged(self, sheet: Sheet) -> None:
        header = self.report.header_row
        for min_col, min_row, max_col, max_row in sheet.merged:
            if max_row <= header or (min_col == max_col and min_row == max_row):
                continue
            ref = f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{max_row}"
            for row in range(max(min_row, header + 1), max_row + 1):
                self.merged_rows.setdefault(row, ref)

    def _plan(self) -> list[tuple[int, str, Callable, dict]]:
        """(index in the row, column key, parser, answers by text) of the file's columns, once per import."""
        if self._parse_plan is None:
            by_key = self.schema.by_key
            self._parse_plan = [(index, key, by_key[key].parse, {}) for index, key in self.columns]
        return self._parse_plan

    def _parse(self, number: int, values: list) -> Row:
        """Each cell through its column's parser. A text seen before in the column gets the same answer
        (parsers depend on the cell only); texts and empty cells alone, since True == 1 but they read differently."""
        data: dict = {}
        errors: list[tuple[str, str]] = []
        length = len(values)
        for index, key, parse, answers in self._parse_plan or self._plan():
            value = values[index] if index < length else None
            memo = value is None or type(value) is str
            if memo:
                answer = answers.get(value, _UNSEEN)
                if answer is not _UNSEEN:
                    data[key] = answer
                    continue
            try:
                data[key] = answer = parse(value)
            except cells.CellError as exc:
                errors.append((key, exc.message))
                continue
            if memo and len(answers) < PARSE_MEMO_SIZE:
                answers[value] = answer
        if number in self.merged_rows:
            errors.append(
                (
                    "",
                    _("Sel digabung (merge) %(range)s: pisahkan sel dan isi nilainya di setiap baris.")
                    % {"range": self.merged_rows[number]},
                )
            )
        return Row(number, data, errors)

    def _resolve_village(self, row: Row) -> None:
        if not any(k in self.letters for k in self.region_columns):
            return
        d = row.data
        if any(k == key for key, _m in row.errors for k in self.region_columns):
            return
        code, key, message = self.regions.village(
            d.get("village_code", ""), d.get("village_name", ""), d.get("district_name", ""), d.get("regency_name", "")
        )
        if message:
            row.errors.append((key if key in self.letters else self._first_region_column(), message))
        else:
            d["village_id"] = code

    def _first_region_column(self) -> str:
        return next(k for k in self.region_columns if k in self.letters)

    def _required(self, row: Row, keys: tuple[str, ...], *, new: bool) -> None:
        """Required values: for a new record every one; for an existing one, a present column may not be blanked."""
        for key in keys:
            if key not in self.letters:
                if new:
                    row.errors.append(
                        (
                            "",
                            _("Kolom %(column)s tidak ada, padahal wajib untuk data baru.")
                            % {"column": self.schema.by_key[key].header},
                        )
                    )
                continue
            if row.data.get(key) in (None, "") and not any(k == key for k, _m in row.errors):
                row.errors.append((key, _("Wajib diisi.")))

    def _out_of_scope(self, regency_code: str | None) -> bool:
        return not self.scope.covers(regency_code)

    def _outcome(self, row: Row, status: str, label: str = "", changes: list | None = None) -> None:
        if row.errors:
            status = "error"
            for key, message in row.errors:
                letter, header = self.letters.get(key, ("", ""))
                if len(self.report.errors) < MAX_STORED_ERRORS:
                    self.report.errors.append([row.number, letter, header, str(message)])
        self.report.counts[status] += 1
        if status == "updated" and changes and len(self.report.changes) < MAX_STORED_CHANGES:
            self.report.changes.append({"row": row.number, "label": label, "fields": changes})

    def _chunk(self, chunk: list[tuple[int, list]]) -> None:
        raise NotImplementedError


PERSON_FIELDS = (
    "nik",
    "full_name",
    "sex",
    "birth_place",
    "birth_date",
    "address",
    "phone",
    "email",
    "education",
    "status",
    "status_date",
    "status_reason",
    "notes",
)
PERSON_REQUIRED = ("full_name", "sex", "birth_place", "birth_date", "address")
MEMBERSHIP_FIELDS = (
    "position",
    "membership_number",
    "decree_number",
    "decree_date",
    "decree_issuer",
    "start_date",
    "end_date",
)


def _attnames(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


class PersonImporter(Importer):
    schema = SCHEMAS["person"]
    copies_in_background = True

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        # NIK → [first row, signature of its person columns, person id once known]
        self.file_persons: dict[str, list] = {}
        self.file_memberships: dict[tuple[str, str], int] = {}
        self.file_numbers: dict[tuple[str, str], int] = {}
        self.file_single: dict[tuple[str, str], int] = {}  # (type, kecamatan) of active one-per-district holders
        self.person_columns = [k for k in PERSON_FIELDS if k in self.letters]
        self.single_holders: dict[tuple[str, str], dict] = {}
        self._types_by_text: dict[str, PsksType | None] = {}
        for m in Membership.objects.filter(psks_type__one_per_district=True, status="active").values(
            "id", "psks_type_id", "district_id", "person__full_name"
        ):
            self.single_holders[(m["psks_type_id"], m["district_id"])] = m

    def _find_header(self, rows) -> None:
        super()._find_header(rows)
        self.person_columns = [k for k in PERSON_FIELDS if k in self.letters]

    def _chunk(self, chunk: list[tuple[int, list]]) -> None:
        rows = [self._parse(number, values) for number, values in chunk]
        for row in rows:
            self._resolve_village(row)
        self._sync()
        niks = {row.data["nik"] for row in rows if row.data.get("nik")}
        people = Person.objects.filter(nik__in=_any_of(niks))
        if self.write:
            people = people.select_for_update()
        existing = {p["nik"]: p for p in people.values(*_attnames(Person))}
        person_ids = [p["id"] for p in existing.values()]
        memberships: dict[int, list[dict]] = defaultdict(list)
        if person_ids and "psks_type" in self.letters:
            qs = Membership.objects.filter(person_id__in=_any_of(person_ids), institution__isnull=True)
            if self.write:
                qs = qs.select_for_update()
            for m in qs.order_by("pk").values(*_attnames(Membership)):
                memberships[m["person_id"]].append(m)
        numbers: dict[tuple[str, str], int] = {}
        wanted = {row.data.get("membership_number") for row in rows} - {None, ""}
        if wanted:
            for m in Membership.objects.filter(membership_number__in=_any_of(wanted)).values(
                "id", "psks_type_id", "membership_number"
            ):
                numbers[(m["psks_type_id"], m["membership_number"])] = m["id"]
        if self.copies is not None:
            # The ids this chunk may need, then the previous chunk's COPYs run while this one is checked
            # and the next one parsed.
            self.copies.reserve_ids(Person, len(rows))
            self.copies.reserve_ids(Membership, len(rows))
            self.copies.send()

        new_people: list[dict] = []
        changed_people: list[tuple[dict, list[str]]] = []
        new_memberships: list[tuple[str, dict]] = []  # (nik, state) — person id filled after insert
        changed_memberships: list[tuple[dict, list[str]]] = []
        for row in rows:
            result = self._check(row, existing, memberships, numbers)
            if result is None:
                continue
            person_new, person_changed, membership_new, membership_changed = result
            if person_new:
                new_people.append(person_new)
            if person_changed:
                changed_people.append(person_changed)
            if membership_new:
                new_memberships.append(membership_new)
            if membership_changed:
                changed_memberships.append(membership_changed)
        if self.write and not (self.report.counts.get("error") and not self.only_valid):
            self._write(new_people, changed_people, new_memberships, changed_memberships)

    def _check(self, row: Row, existing, memberships, numbers):
        d = row.data
        nik = d.get("nik")
        current = existing.get(nik) if nik else None
        first = self.file_persons.get(nik) if nik else None
        person_new = person_changed = membership_new = membership_changed = None
        changes: list[list[str]] = []
        status = "unchanged"

        # The person: once per NIK in the file; later rows must repeat the same data.
        signature = hash((*map(d.get, self.person_columns), d.get("village_id")))
        if first is not None:
            if first[1] != signature:
                row.errors.append(
                    (
                        "nik",
                        _(
                            "NIK ini sudah tercantum di baris %(row)d dengan data relawan yang "
                            "berbeda. Satu NIK hanya untuk satu orang."
                        )
                        % {"row": first[0]},
                    )
                )
        elif nik:
            self._required(row, PERSON_REQUIRED, new=current is None)
            if current is None and "village_id" not in d and not any(k in self.region_columns for k, _m in row.errors):
                row.errors.append(("", _("Isi desa/kelurahan (kode, atau nama dengan kecamatannya).")))
            if current is not None and self._out_of_scope(current["regency_id"]):
                row.errors.append(
                    (
                        "nik",
                        _(
                            "NIK ini sudah terdaftar sebagai relawan di luar wilayah Anda; "
                            "hubungi Dinas Sosial kabupaten/kota tempat ia terdaftar."
                        ),
                    )
                )
            village = d.get("village_id")
            if village and self._out_of_scope(regency_code_of(village)):
                row.errors.append(
                    (
                        self._region_error_key(),
                        _("Desa/kelurahan %(village)s (%(regency)s) berada di luar wilayah Anda.")
                        % {
                            "village": self.regions.villages[village],
                            "regency": self.regions.regencies.get(regency_code_of(village), ""),
                        },
                    )
                )
            state = dict(current) if current else self._new_person_state()
            state.update({key: d[key] for key in self.person_columns if key in d})
            if village:
                state["village_id"] = village
                state["district_id"] = district_code_of(village)
                state["regency_id"] = regency_code_of(village)
            if state["status"] != Person.Status.ACTIVE:
                if not state["status_date"]:
                    row.errors.append(("status_date", _("Isi tanggal perubahan status.")))
                if not state["status_reason"]:
                    row.errors.append(("status_reason", _("Isi alasan perubahan status.")))
            if current is None:
                status = "new"
                person_new = state
            else:
                fields = [k for k in (*self.person_columns, "village_id") if k in state and state[k] != current[k]]
                if fields:
                    status = "updated"
                    for k in fields:
                        changes.append(
                            [
                                _label(Person, k),
                                _display(Person, k, current[k], self.regions),
                                _display(Person, k, state[k], self.regions),
                            ]
                        )
                    state["version"] = current["version"] + 1
                    state["updated_at"] = self.now
                    person_changed = (
                        state,
                        [*fields, *(["district_id", "regency_id"] if "village_id" in fields else [])],
                    )
            if not row.errors:
                self.file_persons[nik] = [row.number, signature, current["id"] if current else None]

        # The membership of this row, if any.
        type_text = d.get("psks_type")
        if type_text and nik:
            person_id = current["id"] if current else (first[2] if first else None)
            person_regency = (
                regency_code_of(d["village_id"]) if d.get("village_id") else (current or {}).get("regency_id")
            )
            result = self._check_membership(
                row,
                nik,
                type_text,
                person_id,
                person_regency,
                memberships.get(person_id, []) if person_id else [],
                numbers,
            )
            if result is not None:
                kind, state, fields = result
                if kind == "new":
                    membership_new = (nik, state)
                    if status == "unchanged":
                        status = "updated"
                    if status != "new":  # a new person's new membership is not listed as a change
                        changes.append([_("Keanggotaan %(type)s") % {"type": state["psks_type_id"]}, "—", _("baru")])
                elif kind == "changed":
                    membership_changed = (state, fields)
                    if status == "unchanged":
                        status = "updated"
        label = f"{d.get('full_name') or (current or {}).get('full_name', '')} ({nik or ''})"
        if row.errors:
            self._outcome(row, "error")
            return None
        if status == "new" and membership_new and changes:
            changes = []
        self._outcome(row, status, label, changes)
        return person_new, person_changed, membership_new, membership_changed

    def _type_named(self, text: str) -> PsksType | None:
        if text not in self._types_by_text:
            self._types_by_text[text] = self.type_by_name.get(cells.normalize_label(text))
        return self._types_by_text[text]

    def _region_error_key(self) -> str:
        for key in ("village_code", "village_name"):
            if key in self.letters:
                return key
        return self._first_region_column()

    def _new_person_state(self) -> dict:
        return {
            "id": None,
            "created_at": self.now,
            "updated_at": self.now,
            "version": 1,
            "verification": "unverified",
            "verified_by_id": None,
            "verified_at": None,
            "nik": "",
            "full_name": "",
            "sex": "",
            "birth_place": "",
            "birth_date": None,
            "address": "",
            "phone": "",
            "email": "",
            "education": "",
            "status": Person.Status.ACTIVE,
            "status_date": None,
            "status_reason": "",
            "notes": "",
            "account_id": None,
            "village_id": None,
            "district_id": None,
            "regency_id": None,
        }

    def _check_membership(self, row: Row, nik: str, type_text: str, person_id, person_regency, current_list, numbers):
        d = row.data
        psks_type = self._type_named(type_text)
        if psks_type is None:
            row.errors.append(
                (
                    "psks_type",
                    _("Jenis PSKS %(value)s tidak dikenal; gunakan kode seperti PSM, TKSK, TAGANA, PKH.")
                    % {"value": type_text},
                )
            )
            return None
        if psks_type.unit == PsksType.Unit.INSTITUTION:
            row.errors.append(
                (
                    "psks_type",
                    _(
                        "%(type)s adalah lembaga; anggota lembaga ditambahkan dari halaman "
                        "lembaganya, bukan dari berkas ini."
                    )
                    % {"type": psks_type},
                )
            )
            return None
        key = (nik, psks_type.code)
        if key in self.file_memberships:
            row.errors.append(
                (
                    "psks_type",
                    _("Keanggotaan %(type)s untuk NIK ini sudah ada di baris %(row)d.")
                    % {"type": psks_type.abbreviation, "row": self.file_memberships[key]},
                )
            )
            return None
        self.file_memberships[key] = row.number
        if not d.get("start_date") and not any(k == "start_date" for k, _m in row.errors):
            row.errors.append(
                ("start_date" if "start_date" in self.letters else "psks_type", _("Isi tanggal mulai keanggotaan."))
            )
        # Assignment area.
        regency_code = None
        if d.get("m_regency"):
            regency_code, message = self.regions.regency(d["m_regency"])
            if message:
                row.errors.append(("m_regency", message))
        district_code = None
        if d.get("m_district"):
            district_code, message = self.regions.district(d["m_district"], regency_code or person_regency)
            if message:
                row.errors.append(("m_district", message))
        level = psks_type.area_level
        if (
            level == PsksType.AreaLevel.DISTRICT
            and not district_code
            and not any(k == "m_district" for k, _m in row.errors)
        ):
            row.errors.append(
                (
                    "m_district" if "m_district" in self.letters else "psks_type",
                    _("%(type)s wajib memiliki kecamatan tugas.") % {"type": psks_type.abbreviation},
                )
            )
        if (
            level == PsksType.AreaLevel.REGENCY
            and not (regency_code or district_code)
            and not any(k in ("m_regency", "m_district") for k, _m in row.errors)
        ):
            row.errors.append(
                (
                    "m_regency" if "m_regency" in self.letters else "psks_type",
                    _("%(type)s wajib memiliki kabupaten/kota tugas.") % {"type": psks_type.abbreviation},
                )
            )
        membership_regency = regency_code_of(district_code) if district_code else (regency_code or person_regency)
        if membership_regency and self._out_of_scope(membership_regency):
            row.errors.append(
                (
                    "m_district" if district_code else "m_regency" if regency_code else "psks_type",
                    _("Wilayah tugas %(where)s berada di luar wilayah Anda.")
                    % {"where": self.regions.regencies.get(membership_regency, membership_regency)},
                )
            )
        status = d.get("m_status") or Membership.Status.ACTIVE
        start, end = d.get("start_date"), d.get("end_date")
        if start and end and end < start:
            row.errors.append(("end_date", _("Tanggal selesai tidak boleh sebelum tanggal mulai.")))
        if status == Membership.Status.ENDED and not end:
            row.errors.append(
                (
                    "end_date" if "end_date" in self.letters else "m_status",
                    _("Isi tanggal selesai untuk keanggotaan yang berakhir."),
                )
            )
        # The existing membership this row describes: same type, same start date, else the active one.
        same_type = [m for m in current_list if m["psks_type_id"] == psks_type.code]
        current = next((m for m in same_type if m["start_date"] == start), None) or next(
            (m for m in same_type if m["status"] == "active"), None
        )
        number = d.get("membership_number")
        if number:
            holder = numbers.get((psks_type.code, number))
            if holder is not None and (current is None or holder != current["id"]):
                row.errors.append(
                    (
                        "membership_number",
                        _("Nomor anggota %(number)s sudah dipakai %(type)s lain.")
                        % {"number": number, "type": psks_type.abbreviation},
                    )
                )
            seen = self.file_numbers.get((psks_type.code, number))
            if seen is not None:
                row.errors.append(
                    (
                        "membership_number",
                        _("Nomor anggota %(number)s juga tercantum di baris %(row)d.")
                        % {"number": number, "row": seen},
                    )
                )
            else:
                self.file_numbers[(psks_type.code, number)] = row.number
        if psks_type.one_per_district and district_code and status == Membership.Status.ACTIVE:
            holder = self.single_holders.get((psks_type.code, district_code))
            if holder is not None and (current is None or holder["id"] != current["id"]):
                row.errors.append(
                    (
                        "m_district",
                        _(
                            "Kecamatan %(district)s sudah memiliki %(type)s aktif: %(name)s. Akhiri dulu keanggotaan tersebut."
                        )
                        % {
                            "district": self.regions.districts.get(district_code),
                            "type": psks_type.abbreviation,
                            "name": holder["person__full_name"],
                        },
                    )
                )
            seen = self.file_single.get((psks_type.code, district_code))
            if seen is not None:
                row.errors.append(
                    (
                        "m_district",
                        _("Kecamatan %(district)s juga diberi %(type)s aktif di baris %(row)d.")
                        % {
                            "district": self.regions.districts.get(district_code),
                            "type": psks_type.abbreviation,
                            "row": seen,
                        },
                    )
                )
            else:
                self.file_single[(psks_type.code, district_code)] = row.number
        if row.errors:
            return None
        state = (
            dict(current)
            if current
            else {
                "id": None,
                "created_at": self.now,
                "updated_at": self.now,
                "version": 1,
                "verification": "unverified",
                "verified_by_id": None,
                "verified_at": None,
                "person_id": person_id,
                "psks_type_id": psks_type.code,
                "institution_id": None,
                "position": "",
                "district_id": None,
                "regency_id": None,
                "decree_number": "",
                "decree_date": None,
                "decree_issuer": "",
                "membership_number": "",
                "start_date": None,
                "end_date": None,
                "status": "active",
                "status_reason": "",
            }
        )
        for key in MEMBERSHIP_FIELDS:
            if key in self.letters:
                state[key] = d.get(key)
        if "m_status" in self.letters:
            state["status"] = status
        if "m_district" in self.letters:
            state["district_id"] = district_code
        if "m_district" in self.letters or "m_regency" in self.letters or current is None:
            state["regency_id"] = membership_regency
        if current is None:
            return "new", state, []
        fields = [k for k in (*MEMBERSHIP_FIELDS, "status", "district_id", "regency_id") if state[k] != current[k]]
        if not fields:
            return "same", state, []
        state["version"] = current["version"] + 1
        state["updated_at"] = self.now
        return "changed", state, fields

    # -- writing ------------------------------------------------------------------------------------------------

    def _write(self, new_people, changed_people, new_memberships, changed_memberships) -> None:
        user_id = self.user.pk
        history = {"user_id": user_id, "date": self.now, "reason": self.reason}
        queue = self.copies
        if new_people:
            writers.insert(Person, new_people, history=history, queue=queue)
            for state in new_people:
                self.file_persons[state["nik"]][2] = state["id"]
            self.report.written["persons_created"] += len(new_people)
        if changed_people:
            states = [s for s, _f in changed_people]
            fields = sorted({f for _s, fs in changed_people for f in fs} | {"version", "updated_at"})
            writers.update(Person, states, fields, queue=queue)
            writers.insert_history(Person, states, history_type="~", queue=queue, **history)
            self.report.written["persons_updated"] += len(states)
        if new_memberships:
            states = []
            for nik, state in new_memberships:
                state["person_id"] = state["person_id"] or self.file_persons[nik][2]
                states.append(state)
            writers.insert(Membership, states, history=history, queue=queue)
            self.report.written["memberships_created"] += len(states)
        if changed_memberships:
            states = [s for s, _f in changed_memberships]
            fields = sorted({f for _s, fs in changed_memberships for f in fs} | {"version", "updated_at"})
            writers.update(Membership, states, fields, queue=queue)
            writers.insert_history(Membership, states, history_type="~", queue=queue, **history)
            self.report.written["memberships_updated"] += len(states)


INSTITUTION_FIELDS = (
    "name",
    "address",
    "registration_number",
    "registration_date",
    "registration_valid_until",
    "legal_entity",
    "legal_entity_number",
    "accreditation",
    "accreditation_date",
    "accreditation_valid_until",
    "phone",
    "email",
    "status",
    "notes",
)


class InstitutionImporter(Importer):
    schema = SCHEMAS["institution"]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.file_keys: dict[tuple, int] = {}
        self.file_numbers: dict[str, int] = {}
        self.file_kt: dict[str, int] = {}

    def _chunk(self, chunk: list[tuple[int, list]]) -> None:
        rows = [self._parse(number, values) for number, values in chunk]
        for row in rows:
            self._resolve_village(row)
        self._sync()
        numbers = {r.data.get("registration_number") for r in rows} - {None, ""}
        villages = {r.data.get("village_id") for r in rows} - {None}
        qs = Institution.objects.filter(Q(registration_number__in=numbers) | Q(village_id__in=villages))
        if self.write:
            qs = qs.select_for_update()
        by_number, by_name, kt_by_village = {}, defaultdict(list), {}
        for inst in qs.values(*_attnames(Institution)):
            if inst["registration_number"]:
                by_number[inst["registration_number"]] = inst
            by_name[(cells.normalize_label(inst["name"]), inst["village_id"])].append(inst)
            if inst["psks_type_id"] == "KT" and inst["status"] == "active":
                kt_by_village[inst["village_id"]] = inst
        new, changed = [], []
        for row in rows:
            result = self._check(row, by_number, by_name, kt_by_village)
            if result is None:
                continue
            kind, state, fields = result
            if kind == "new":
                new.append(state)
            elif kind == "changed":
                changed.append((state, fields))
        if self.write and not (self.report.counts.get("error") and not self.only_valid):
            self._write(new, changed)

    def _check(self, row: Row, by_number, by_name, kt_by_village):
        d = row.data
        psks_type = None
        if d.get("psks_type"):
            psks_type = self.type_by_name.get(cells.normalize_label(d["psks_type"]))
            if psks_type is None or psks_type.unit != PsksType.Unit.INSTITUTION:
                row.errors.append(
                    (
                        "psks_type",
                        _("Jenis lembaga %(value)s tidak dikenal; gunakan LKS, KT, LK3, WKSBM, atau DU.")
                        % {"value": d["psks_type"]},
                    )
                )
        number = d.get("registration_number") or ""
        village = d.get("village_id")
        current = by_number.get(number) if number else None
        if current is None and d.get("name") and village:
            candidates = by_name.get((cells.normalize_label(d["name"]), village), [])
            current = next((c for c in candidates if not number or not c["registration_number"]), None)
        self._required(row, ("psks_type", "name", "address"), new=current is None)
        if current is None and not village and not any(k in self.region_columns for k, _m in row.errors):
            row.errors.append(("", _("Isi desa/kelurahan (kode, atau nama dengan kecamatannya).")))
        key = ("number", number) if number else ("name", cells.normalize_label(d.get("name") or ""), village)
        if key in self.file_keys:
            row.errors.append(
                (
                    "registration_number" if number else "name",
                    _("Lembaga ini sudah tercantum di baris %(row)d.") % {"row": self.file_keys[key]},
                )
            )
        else:
            self.file_keys[key] = row.number
        if current is not None and self._out_of_scope(current["regency_id"]):
            row.errors.append(("name", _("Lembaga ini terdaftar di luar wilayah Anda.")))
        if village and self._out_of_scope(regency_code_of(village)):
            row.errors.append(
                (
                    self._first_region_column(),
                    _("Desa/kelurahan %(village)s berada di luar wilayah Anda.")
                    % {"village": self.regions.villages[village]},
                )
            )
        state = (
            dict(current)
            if current
            else {
                "id": None,
                "created_at": self.now,
                "updated_at": self.now,
                "version": 1,
                "verification": "unverified",
                "verified_by_id": None,
                "verified_at": None,
                "psks_type_id": None,
                "name": "",
                "address": "",
                "registration_number": "",
                "registration_date": None,
                "registration_valid_until": None,
                "legal_entity": False,
                "legal_entity_number": "",
                "accreditation": "none",
                "accreditation_date": None,
                "accreditation_valid_until": None,
                "phone": "",
                "email": "",
                "status": "active",
                "notes": "",
                "chair_id": None,
                "village_id": None,
                "district_id": None,
                "regency_id": None,
            }
        )
        for k in INSTITUTION_FIELDS:
            if k in self.letters:
                state[k] = d.get(k)
        if psks_type is not None:
            state["psks_type_id"] = psks_type.code
        if village:
            state.update(village_id=village, district_id=district_code_of(village), regency_id=regency_code_of(village))
        # The model's one-row rules (Institution.clean), on the merged record.
        if (
            state["registration_valid_until"]
            and state["registration_date"]
            and (state["registration_valid_until"] < state["registration_date"])
        ):
            row.errors.append(("registration_valid_until", _("Masa berlaku tidak boleh sebelum tanggal tanda daftar.")))
        years = Institution.ACCREDITATION_YEARS.get(state["accreditation"])
        if years:
            if not state["accreditation_date"]:
                row.errors.append(
                    (
                        "accreditation_date" if "accreditation_date" in self.letters else "accreditation",
                        _("Isi tanggal akreditasi."),
                    )
                )
            elif not state["accreditation_valid_until"]:
                date = state["accreditation_date"]
                try:
                    state["accreditation_valid_until"] = date.replace(year=date.year + years)
                except ValueError:
                    state["accreditation_valid_until"] = date.replace(year=date.year + years, day=28)
        if state["legal_entity"] and not state["legal_entity_number"]:
            row.errors.append(
                (
                    "legal_entity_number" if "legal_entity_number" in self.letters else "legal_entity",
                    _("Lembaga berbadan hukum wajib mencantumkan nomor SK/akta."),
                )
            )
        if number:
            holder = by_number.get(number)
            if holder is not None and (current is None or holder["id"] != current["id"]):
                row.errors.append(("registration_number", _("Nomor tanda daftar ini sudah dipakai lembaga lain.")))
            seen = self.file_numbers.get(number)
            if seen is not None and key not in self.file_keys:
                row.errors.append(
                    ("registration_number", _("Nomor tanda daftar ini juga ada di baris %(row)d.") % {"row": seen})
                )
            self.file_numbers.setdefault(number, row.number)
        if state["psks_type_id"] == "KT" and state["status"] == "active" and state["village_id"]:
            holder = kt_by_village.get(state["village_id"])
            if holder is not None and (current is None or holder["id"] != current["id"]):
                row.errors.append(
                    (
                        self._first_region_column(),
                        _("Desa/kelurahan ini sudah memiliki Karang Taruna yang aktif: %(name)s.")
                        % {"name": holder["name"]},
                    )
                )
            seen = self.file_kt.get(state["village_id"])
            if seen is not None and seen != row.number:
                row.errors.append(
                    (
                        self._first_region_column(),
                        _("Desa/kelurahan ini juga diberi Karang Taruna aktif di baris %(row)d.") % {"row": seen},
                    )
                )
            self.file_kt.setdefault(state["village_id"], row.number)
        label = f"{state['name']}"
        if row.errors:
            self._outcome(row, "error")
            return None
        if current is None:
            self._outcome(row, "new", label)
            return "new", state, []
        compared = [*INSTITUTION_FIELDS, "psks_type_id", "village_id"]
        fields = [k for k in compared if state[k] != current[k]]
        if not fields:
            self._outcome(row, "unchanged", label)
            return "same", state, []
        changes = [
            [
                _label(Institution, k),
                _display(Institution, k, current[k], self.regions),
                _display(Institution, k, state[k], self.regions),
            ]
            for k in fields
        ]
        state["version"] = current["version"] + 1
        state["updated_at"] = self.now
        self._outcome(row, "updated", label, changes)
        if "village_id" in fields:
            fields += ["district_id", "regency_id"]
        return "changed", state, fields

    def _write(self, new: list[dict], changed: list[tuple[dict, list[str]]]) -> None:
        history = {"user_id": self.user.pk, "date": self.now, "reason": self.reason}
        if new:
            writers.insert(Institution, new, history=history)
            self.report.written["institutions_created"] += len(new)
        if changed:
            states = [s for s, _f in changed]
            fields = sorted({f for _s, fs in changed for f in fs} | {"version", "updated_at"})
            writers.update(Institution, states, fields)
            history_ids = writers.insert_history(Institution, states, history_type="~", with_ids=True, **history)
            # The history row's snapshot of service fields (simple_history writes one with every save).
            through = apps.get_model("registry", "HistoricalInstitution_service_fields")
            by_institution = dict(zip((s["id"] for s in states), history_ids, strict=True))
            links = Institution.service_fields.through.objects.filter(institution_id__in=by_institution)
            rows = [
                {"id": pk, "history_id": by_institution[i], "institution_id": i, "servicefield_id": f}
                for pk, i, f in links.values_list("id", "institution_id", "servicefield_id")
            ]
            writers.insert(through, rows, with_ids=False)
            self.report.written["institutions_updated"] += len(states)


BENEFICIARY_FIELDS = (
    "kk_number",
    "full_name",
    "sex",
    "location_description",
    "dtks_status",
    "decile",
    "decile_as_of",
    "decile_source",
    "house",
    "electricity",
    "toilet",
    "clean_water",
    "disability",
    "notes",
)
BENEFICIARY_COMPARED = ("nik", *BENEFICIARY_FIELDS, "birth_date", "birth_date_estimated", "village_id")
MAX_STORED_WARNINGS = 5_000


class BeneficiaryImporter(Importer):
    """PMKS/PPKS beneficiaries: keyed by NIK, or without one by name (cases.names.name_key), birth date and village.

    A new row that resembles a registered beneficiary (same name key, birth date and village, like
    `cases.services.find_duplicates`) is imported as new but flagged "kemungkinan ganda" in the preview.
    """

    schema = SCHEMAS["beneficiary"]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.file_niks: dict[str, int] = {}
        self.file_keys: dict[tuple, int] = {}
        self.category_by_name: dict[str, str] = {}
        for category in PmksCategory.objects.all():
            for name in (category.code, category.name, category.ppks_name, category.abbreviation):
                if name:
                    self.category_by_name.setdefault(cells.normalize_label(name), category.code)
        self.today = timezone.localdate()
        self.defaults = {f.attname: f.get_default() for f in Beneficiary._meta.concrete_fields}

    def _birth(self, row: Row) -> None:
        """An estimated age without a birth date becomes 1 July of the year it implies (Beneficiary.birth_date_from_age)."""
        d = row.data
        if d.get("birth_date") is None and d.get("estimated_age") is not None:
            d["birth_date"] = Beneficiary.birth_date_from_age(d["estimated_age"], today=self.today)
            d["from_age"] = True

    def _chunk(self, chunk: list[tuple[int, list]]) -> None:
        rows = [self._parse(number, values) for number, values in chunk]
        keys: set[str] = set()
        villages: set[str] = set()
        for row in rows:
            self._resolve_village(row)
            self._birth(row)
            d = row.data
            d["name_key"] = name_key(d.get("full_name") or "")[:150]
            if d["name_key"] and d.get("village_id"):
                keys.add(d["name_key"])
                villages.add(d["village_id"])
        self._sync()
        niks = {row.data.get("nik") for row in rows} - {None, ""}
        fields = _attnames(Beneficiary)
        by_nik: dict[str, dict] = {}
        by_key: dict[tuple, list[dict]] = defaultdict(list)
        if niks:
            qs = Beneficiary.objects.filter(nik__in=niks)
            if self.write:
                qs = qs.select_for_update()
            by_nik = {b["nik"]: b for b in qs.values(*fields)}
        if keys:
            qs = Beneficiary.objects.filter(name_key__in=keys, village_id__in=villages)
            if self.write:
                qs = qs.select_for_update()
            for b in qs.order_by("pk").values(*fields):
                by_key[(b["name_key"], b["birth_date"], b["village_id"])].append(b)
        ids = {b["id"] for b in by_nik.values()} | {b["id"] for group in by_key.values() for b in group}
        linked: dict[int, set[str]] = defaultdict(set)
        if ids and "categories" in self.letters:
            through = Beneficiary.categories.through.objects.filter(beneficiary_id__in=ids)
            for beneficiary_id, code in through.values_list("beneficiary_id", "pmkscategory_id"):
                linked[beneficiary_id].add(code)
        new, changed, links = [], [], []
        for row in rows:
            result = self._check(row, by_nik, by_key, linked)
            if result is None:
                continue
            kind, state, fields_changed, added = result
            if kind == "new":
                new.append(state)
            elif kind == "changed":
                changed.append((state, fields_changed))
            links.extend((state, code) for code in added)
        if self.write and not (self.report.counts.get("error") and not self.only_valid):
            self._write(new, changed, links)

    def _check(self, row: Row, by_nik, by_key, linked):
        d = row.data
        nik = d.get("nik") or ""
        key = (d["name_key"], d.get("birth_date"), d.get("village_id"))
        current = None
        similar: list[dict] = []
        if nik:
            current = by_nik.get(nik)
            if nik in self.file_niks:
                row.errors.append(
                    ("nik", _("NIK ini sudah tercantum di baris %(row)d.") % {"row": self.file_niks[nik]})
                )
            else:
                self.file_niks[nik] = row.number
            if current is None and key[0] and key[2] and key[1]:
                similar = [b for b in by_key.get(key, []) if b["nik"] != nik]
        elif key[0] and key[2]:
            matches = by_key.get(key, [])
            without_nik = [b for b in matches if not b["nik"]]
            if len(without_nik) == 1:
                current = without_nik[0]
            elif without_nik:
                row.errors.append(
                    (
                        "full_name",
                        _(
                            "Ada %(count)d penerima manfaat tanpa NIK dengan nama, tanggal lahir dan desa yang sama "
                            "(%(ids)s). Isi NIK, atau gabungkan data gandanya dulu."
                        )
                        % {"count": len(without_nik), "ids": ", ".join(f"#{b['id']}" for b in without_nik)},
                    )
                )
            elif key[1]:
                similar = matches
            if key in self.file_keys:
                row.errors.append(
                    (
                        "full_name",
                        _(
                            "Penerima manfaat tanpa NIK dengan nama, tanggal lahir dan desa yang sama sudah ada di baris %(row)d."
                        )
                        % {"row": self.file_keys[key]},
                    )
                )
            else:
                self.file_keys[key] = row.number
        self._required(row, ("full_name", "sex"), new=current is None)
        village = d.get("village_id")
        if current is None and not village and not any(k in self.region_columns for k, _m in row.errors):
            row.errors.append(("", _("Isi desa/kelurahan (kode, atau nama dengan kecamatannya).")))
        if current is not None and self._out_of_scope(current["regency_id"]):
            row.errors.append(
                (
                    "nik" if nik else "full_name",
                    _(
                        "Penerima manfaat ini terdaftar di luar wilayah Anda; hubungi Dinas Sosial kabupaten/kota "
                        "tempat ia terdaftar."
                    ),
                )
            )
        if village and self._out_of_scope(regency_code_of(village)):
            row.errors.append(
                (
                    self._first_region_column(),
                    _("Desa/kelurahan %(village)s (%(regency)s) berada di luar wilayah Anda.")
                    % {
                        "village": self.regions.villages[village],
                        "regency": self.regions.regencies.get(regency_code_of(village), ""),
                    },
                )
            )
        wanted: list[str] = []
        if d.get("categories"):
            for part in d["categories"].replace(";", ",").split(","):
                part = part.strip()
                if not part:
                    continue
                code = self.category_by_name.get(cells.normalize_label(part))
                if code is None:
                    row.errors.append(
                        (
                            "categories",
                            _(
                                "Jenis PMKS %(value)s tidak dikenal; gunakan kode atau nama, misalnya LUT atau Fakir Miskin."
                            )
                            % {"value": part},
                        )
                    )
                elif code not in wanted:
                    wanted.append(code)

        state = dict(current) if current else {**self.defaults, "created_by_id": self.user.pk, "nik": nik or None}
        if current is None:
            state.update(created_at=self.now, updated_at=self.now, version=1)
        for k in BENEFICIARY_FIELDS:
            if k in self.letters:
                state[k] = d.get(k)
        state["name_key"] = name_key(state["full_name"] or "")[:150]
        if d.get("from_age"):
            keep = current is not None and current["birth_date_estimated"] and current["birth_date"]
            if not (keep and _age(current["birth_date"], self.today) == d["estimated_age"]):
                state["birth_date"] = d["birth_date"]
            state["birth_date_estimated"] = True
        elif "birth_date" in self.letters:
            if state["birth_date"] != d.get("birth_date"):
                state["birth_date_estimated"] = False
            state["birth_date"] = d.get("birth_date")
            if "birth_date_estimated" in self.letters:
                state["birth_date_estimated"] = bool(d.get("birth_date_estimated")) and state["birth_date"] is not None
        if village:
            state.update(village_id=village, district_id=district_code_of(village), regency_id=regency_code_of(village))
        if state["decile"] and not state["decile_as_of"]:
            row.errors.append(
                ("decile_as_of" if "decile_as_of" in self.letters else "decile", _("Isi tanggal data desil."))
            )
        added = [c for c in wanted if current is None or c not in linked.get(current["id"], ())]
        label = f"{state['full_name']} ({mask_nik(state['nik'] or '') or _('tanpa NIK')})"
        if row.errors:
            self._outcome(row, "error")
            return None
        if similar and len(self.report.warnings) < MAX_STORED_WARNINGS:
            self.report.warnings.append(
                [
                    row.number,
                    label,
                    _(
                        "Kemungkinan ganda: nama, tanggal lahir dan desanya sama dengan %(others)s yang sudah "
                        "terdaftar. Periksa dulu; bila orang yang sama, isi NIK-nya atau gabungkan setelah impor."
                    )
                    % {"others": ", ".join(f"#{b['id']} {b['full_name']}" for b in similar[:5])},
                ]
            )
        if current is None:
            self._outcome(row, "new", label)
            return "new", state, [], wanted
        fields = [k for k in BENEFICIARY_COMPARED if state[k] != current[k]]
        if not fields and not added:
            self._outcome(row, "unchanged", label)
            return "same", state, [], []
        changes = [
            [
                _label(Beneficiary, k),
                _display(Beneficiary, k, current[k], self.regions),
                _display(Beneficiary, k, state[k], self.regions),
            ]
            for k in fields
        ]
        if added:
            before = sorted(linked.get(current["id"], ()))
            changes.append(
                [
                    capfirst(str(Beneficiary._meta.get_field("categories").verbose_name)),
                    ", ".join(before) or "—",
                    ", ".join([*before, *added]),
                ]
            )
        state["version"] = current["version"] + 1
        state["updated_at"] = self.now
        self._outcome(row, "updated", label, changes)
        if "full_name" in fields:
            fields.append("name_key")
        if "village_id" in fields:
            fields += ["district_id", "regency_id"]
        return "changed", state, fields, added

    def _write(self, new: list[dict], changed: list[tuple[dict, list[str]]], links: list[tuple[dict, str]]) -> None:
        history = {"user_id": self.user.pk, "date": self.now, "reason": self.reason}
        if new:
            ids = writers.insert(Beneficiary, new)
            for state, pk in zip(new, ids, strict=True):
                state["id"] = pk
            writers.insert_history(Beneficiary, new, history_type="+", **history)
            self.report.written["beneficiaries_created"] += len(new)
        if changed:
            states = [s for s, _f in changed]
            fields = sorted({f for _s, fs in changed for f in fs} | {"version", "updated_at"})
            writers.update(Beneficiary, states, fields)
            writers.insert_history(Beneficiary, states, history_type="~", **history)
            self.report.written["beneficiaries_updated"] += len(states)
            moved = [s["id"] for s, fs in changed if "village_id" in fs]
            if moved:  # their cases' region columns move with them (cases.services.save_beneficiary), one query
                own = Beneficiary.objects.filter(pk=OuterRef("beneficiary_id"))
                Case.objects.filter(beneficiary_id__in=moved).update(
                    village_id=Subquery(own.values("village_id")),
                    district_id=Subquery(own.values("district_id")),
                    regency_id=Subquery(own.values("regency_id")),
                    updated_at=self.now,
                )
        if links:
            through = Beneficiary.categories.through
            rows = [{"beneficiary_id": state["id"], "pmkscategory_id": code} for state, code in links]
            writers.insert(through, rows, with_ids=False)
            self.report.written["categories_added"] += len(rows)
        rekeyed = [s for s, fs in changed if "kk_number" in fs]  # households: new members, No. KK changed
        refresh_households([s["kk_number"] for s in [*new, *rekeyed]], [s["id"] for s in rekeyed])


def _age(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


IMPORTERS: dict[str, type[Importer]] = {
    "person": PersonImporter,
    "institution": InstitutionImporter,
    "beneficiary": BeneficiaryImporter,
}


def run_import(
    kind: str,
    sheet: Sheet,
    *,
    user,
    write: bool = False,
    only_valid: bool = False,
    reason: str = "",
    total: int | None = None,
    progress: Progress = _no_progress,
) -> Report:
    importer = IMPORTERS[kind](user=user, write=write, only_valid=only_valid, reason=reason)
    return importer.run(sheet, total=total, progress=progress)
