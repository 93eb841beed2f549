"""Cell values as people type them into a spreadsheet, turned into model values or a clear Indonesian message.

Every parser takes the reader's value (str, int, float, bool, date or None) and returns the Python value,
or raises `CellError` with a message a non-programmer understands. They are called once per cell of a
100,000-row file, so the common case is kept short and repeated texts are cached.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import time

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from pskshub.lib.phone import normalize_phone
from regions.names import strip_region_prefix
from regions.reference import province_names
from registry.nik import clean_nik_input, parse_nik, validate_kk
from transfers.readers import FORMULA_WITHOUT_VALUE


class CellError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def text_of(value) -> str:
    """A cell as text: numbers without a trailing `.0`, dates as dd/mm/yyyy, surrounding spaces dropped."""
    if type(value) is str:  # the common case first
        return value.strip()
    if value is None:
        return ""
    if value is FORMULA_WITHOUT_VALUE:
        raise CellError(
            _(
                "Sel berisi rumus yang hasilnya tidak tersimpan. Buka file di Excel lalu simpan ulang, "
                "atau salin dan tempel sebagai nilai (Paste Values)."
            )
        )
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y") if value.time() == dt.time(0) else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def normalize_label(text: str) -> str:
    """`  Kec.  CIPOCOK-Jaya ` → `cipocok jaya`: case, spaces and punctuation do not matter."""
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def region_name_key(text: str) -> str:
    """A region name without its prefix (Kec., Kel., Desa …), normalised."""
    return normalize_label(strip_region_prefix(text))


def regency_name_key(text: str) -> str:
    """`Kab. Lebak`, `KABUPATEN LEBAK`, `Kab Lebak` → `kabupaten lebak`; `Kota Serang` stays itself."""
    key = normalize_label(text)
    return re.sub(r"^kab\b", "kabupaten", key)


# --- Plain values --------------------------------------------------------------------------------------------------

_today_cache: list = [0.0, None]


def today() -> dt.date:
    """timezone.localdate(), read at most once a minute (it is asked for in every date and NIK cell)."""
    now = time.monotonic()
    if now >= _today_cache[0]:
        _today_cache[:] = [now + 60, timezone.localdate()]
    return _today_cache[1]


def parse_text(value, *, max_length: int) -> str:
    text = value.strip() if type(value) is str else text_of(value)
    if len(text) > max_length:
        raise CellError(
            _("Terlalu panjang: %(count)d karakter, paling banyak %(max)d.") % {"count": len(text), "max": max_length}
        )
    return text


_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d/%m/%y", "%d-%m-%y")


@functools.lru_cache(maxsize=65536)
def _date_from_text(text: str) -> dt.date | None:
    text = text.split(" ")[0] if " " in text and ":" in text else text  # "12/03/1985 00:00"
    if len(text) == 10 and text.isascii():  # the common spellings, without strptime
        try:
            if text[2] == text[5] and text[2] in "/-." and text[:2].isdigit() and text[3:5].isdigit():
                return dt.date(int(text[6:]), int(text[3:5]), int(text[:2])) if text[6:].isdigit() else None
            if text[4] == text[7] == "-" and text[:4].isdigit() and text[5:7].isdigit() and text[8:].isdigit():
                return dt.date(int(text[:4]), int(text[5:7]), int(text[8:]))
        except ValueError:
            return None
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    return None


def parse_date(value) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 2958466:
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))  # an Excel date shown as a number
    text = text_of(value)
    if not text:
        return None
    parsed = _date_from_text(text)
    if parsed is None:
        raise CellError(
            _("Tanggal %(value)s tidak dikenali; tulis sebagai hh/bb/tttt, misalnya 17/08/1985.") % {"value": text}
        )
    return parsed


def parse_past_date(value) -> dt.date | None:
    parsed = parse_date(value)
    if parsed is not None and parsed > today():
        raise CellError(_("Tanggal %(date)s ada di masa depan.") % {"date": parsed.strftime("%d/%m/%Y")})
    return parsed


_TRUE = {"ya", "y", "yes", "true", "1", "benar", "berbadan hukum", "sudah"}
_FALSE = {"tidak", "t", "no", "false", "0", "salah", "belum", "", "-"}


def parse_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    key = normalize_label(text_of(value))
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise CellError(_("Isi dengan ya atau tidak; tertulis %(value)s.") % {"value": text_of(value)})


def parse_phone(value) -> str:
    text = text_of(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        text = "0" + text  # Excel dropped the leading zero of 0812…
    try:
        return normalize_phone(text.lstrip("'"))
    except ValidationError as exc:
        raise CellError(" ".join(exc.messages)) from None


def parse_email(value) -> str:
    text = text_of(value)
    if not text:
        return ""
    try:
        validate_email(text)
    except ValidationError:
        raise CellError(_("Alamat email %(value)s tidak sah.") % {"value": text}) from None
    return text


class Choices:
    """A choice column: accepts the stored code or the label, in any case ("P", "perempuan", "Perempuan")."""

    def __init__(self, choices, *, extra: dict[str, str] | None = None, default: str = "") -> None:
        self.choices = choices
        self.extra = extra or {}
        self.default = default

    @functools.cached_property
    def lookup(self) -> dict[str, str]:
        table = {}
        for code, label in self.choices:
            if code == "":
                continue
            table[normalize_label(str(code))] = code
            table[normalize_label(str(label))] = code
        table.update({normalize_label(k): v for k, v in self.extra.items()})
        return table

    def labels(self) -> str:
        return ", ".join(str(label) for code, label in self.choices if code != "")

    @functools.cached_property
    def _seen(self) -> dict[str, str]:
        return {}

    def __call__(self, value) -> str:
        if type(value) is str:
            code = self._seen.get(value)
            if code is not None:
                return code
        text = text_of(value)
        if not text:
            return self.default
        code = self.lookup.get(normalize_label(text))
        if code is not None and type(value) is str and len(self._seen) < 10_000:
            self._seen[value] = code
        if code is None:
            raise CellError(
                _("%(value)s tidak dikenal; pilih salah satu: %(choices)s.")
                % {
                    "value": text,
                    "choices": self.labels(),
                }
            )
        return code


# --- NIK ------------------------------------------------------------------------------------------------------------

_SCIENTIFIC = re.compile(r"^\d+(?:[.,]\d+)?[eE]\+?\d+$")


def parse_nik_cell(value) -> str:
    """A NIK typed as text, as a number (Excel keeps 15 digits), in scientific notation, or after an apostrophe."""
    if value is None or value == "":
        raise CellError(_("NIK wajib diisi."))
    if isinstance(value, float) and not value.is_integer():
        raise CellError(_("NIK %(value)s bukan bilangan bulat; tulis 16 digit NIK sebagai teks.") % {"value": value})
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        digits = str(int(value))
        if len(digits) == 16 and digits.endswith("0"):
            raise CellError(
                _(
                    "NIK tersimpan sebagai angka (%(value)s). Excel hanya menyimpan 15 digit angka, jadi digit "
                    "terakhir NIK mungkin sudah hilang. Ubah format kolom menjadi Teks lalu ketik ulang NIK."
                )
                % {"value": digits}
            )
        text = digits
    else:
        text = text_of(value).lstrip("'").strip()
    if _SCIENTIFIC.match(text):
        raise CellError(
            _(
                "NIK tertulis dalam notasi ilmiah (%(value)s), sehingga digit aslinya sudah hilang. Ubah format "
                "kolom menjadi Teks lalu ketik ulang NIK lengkap 16 digit."
            )
            % {"value": text}
        )
    return _checked_nik(text)


@functools.lru_cache(maxsize=4096)
def _nik_birth_ok(part: str, this_year: int, today_: dt.date) -> bool:
    """Digits 7–12 of a NIK (ddmmyy, women +40) are a real date, not in the future (registry.nik.parse_nik)."""
    day, month, year2 = int(part[:2]), int(part[2:4]), int(part[4:])
    if day > 40:
        day -= 40
    year = 2000 + year2 if 2000 + year2 <= this_year else 1900 + year2
    try:
        return dt.date(year, month, day) <= today_
    except ValueError:
        return False


def _checked_nik(text: str) -> str:
    if len(text) == 16 and text.isascii() and text.isdigit():
        day = today()
        if text[:2] in province_names() and _nik_birth_ok(text[6:12], day.year, day):
            return text  # valid: what parse_nik would return; otherwise it says why below
    try:
        return parse_nik(text, today=today()).nik
    except ValidationError as exc:
        message = " ".join(exc.messages)
        if exc.error_list and exc.error_list[0].code == "nik_length":
            count = exc.error_list[0].params["count"]
            message = _("NIK harus 16 digit; tertulis %(count)d digit (%(value)s).") % {"count": count, "value": text}
        raise CellError(message) from None


_MASK_CHARS = frozenset("•*xX")


def _masked(text: str) -> bool:
    return any(c in _MASK_CHARS for c in text)


def parse_optional_nik_cell(value) -> str:
    """A beneficiary's NIK: optional; a masked one (from an export without full numbers) is an error, never a key."""
    if value is None or (isinstance(value, str) and not value.strip().lstrip("'")):
        return ""
    if isinstance(value, str) and _masked(value):
        raise CellError(
            _(
                "NIK %(value)s disamarkan, jadi tidak dapat dipakai untuk mengenali penerima manfaat. Unduh ulang "
                "daftar dengan NIK lengkap, atau isi NIK lengkap 16 digit."
            )
            % {"value": value.strip()}
        )
    return parse_nik_cell(value)


def parse_kk_cell(value) -> str:
    """No. KK: optional, 16 digits (registry.nik.validate_kk); typed as text, as a number, or masked (an error)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else text_of(value).lstrip("'").strip()
    if not text:
        return ""
    if _masked(text):
        raise CellError(
            _("No. KK %(value)s disamarkan. Unduh ulang daftar dengan nomor lengkap, atau isi No. KK lengkap 16 digit.")
            % {"value": text}
        )
    if _SCIENTIFIC.match(text):
        raise CellError(
            _(
                "No. KK tertulis dalam notasi ilmiah (%(value)s), sehingga digit aslinya sudah hilang. Ubah format "
                "kolom menjadi Teks lalu ketik ulang No. KK lengkap 16 digit."
            )
            % {"value": text}
        )
    try:
        validate_kk(text)
    except ValidationError as exc:
        raise CellError(" ".join(exc.messages)) from None
    return clean_nik_input(text)


def _whole_number(value, what: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise CellError(_("%(what)s harus berupa angka.") % {"what": what})
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int):
        return value
    text = text_of(value)
    if not text or text == "-":
        return None
    try:
        return int(text)
    except ValueError:
        raise CellError(
            _("%(what)s harus berupa angka bulat; tertulis %(value)s.") % {"what": what, "value": text}
        ) from None


def parse_age(value) -> int | None:
    age = _whole_number(value, _("Umur"))
    if age is not None and not 0 <= age <= 120:
        raise CellError(_("Umur %(age)d tidak masuk akal; isi antara 0 dan 120 tahun.") % {"age": age})
    return age


def parse_decile(value) -> int | None:
    decile = _whole_number(value, _("Desil"))
    if decile is not None and not 1 <= decile <= 10:
        raise CellError(_("Desil harus 1 sampai 10; tertulis %(value)d.") % {"value": decile})
    return decile
