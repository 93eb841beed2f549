"""NIK (Nomor Induk Kependudukan): `PP KK CC DDMMYY SSSS`, glossary §7.1.

Errors refuse the number; warnings are shown to the officer, who must confirm them before
saving, because a NIK is never re-issued to fix a wrong date, sex or kecamatan code.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from regions.reference import district_prefixes, province_names, read_rows

MALE = "L"
FEMALE = "P"
# How far an estimated age may be from the NIK's before the officer is asked to check: ages are guessed.
AGE_TOLERANCE = 5


@dataclass(frozen=True)
class NikInfo:
    nik: str
    province_code: str
    district_prefix: str
    birth_date: dt.date
    sex: str

    @property
    def birth_day_month_year2(self) -> tuple[int, int, int]:
        return (self.birth_date.day, self.birth_date.month, self.birth_date.year % 100)

    @property
    def regency_prefix(self) -> str:
        return self.nik[:4]

    def age(self, today: dt.date | None = None) -> int:
        today = today or timezone.localdate()
        born = self.birth_date
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@cache
def regency_names() -> dict[str, str]:
    """`{"3602": "Kabupaten Lebak", ...}`: every regency of the country by the four digits a NIK starts with."""
    return {row["code"].replace(".", ""): row["name"] for row in read_rows("regencies")}


def clean_nik_input(value) -> str:
    """Digits typed with spaces or dots (`3604 0512 …`) are accepted as the digits alone."""
    return re.sub(r"[\s.\-]", "", str(value or ""))


def parse_nik(value: str, *, today: dt.date | None = None) -> NikInfo:
    """Check a NIK and return what it says; ValidationError with one clear message per failure."""
    nik = clean_nik_input(value)
    bad = "".join(sorted({c for c in nik if c not in "0123456789"}))  # not isdigit(): "¹²" and "３" pass it
    if bad:
        raise ValidationError(
            gettext_lazy("NIK hanya boleh berisi angka; ditemukan: %(chars)s."), code="nik_chars", params={"chars": bad}
        )
    if len(nik) != 16:
        raise ValidationError(
            gettext_lazy("NIK harus 16 digit; tertulis %(count)d digit."),
            code="nik_length",
            params={"count": len(nik)},
        )
    if nik[:2] not in province_names():
        raise ValidationError(
            gettext_lazy("Dua digit pertama NIK (%(code)s) bukan kode provinsi yang ada."),
            code="nik_province",
            params={"code": nik[:2]},
        )
    day, month, year2 = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = MALE
    if day > 40:
        day -= 40
        sex = FEMALE
    today = today or timezone.localdate()
    year = 2000 + year2 if 2000 + year2 <= today.year else 1900 + year2
    try:
        birth_date = dt.date(year, month, day)
    except ValueError:
        raise ValidationError(
            gettext_lazy("Digit 7–12 NIK (%(part)s) bukan tanggal lahir yang sah."),
            code="nik_date",
            params={"part": nik[6:12]},
        ) from None
    if birth_date > today:
        raise ValidationError(
            gettext_lazy("Tanggal lahir pada NIK (%(date)s) ada di masa depan."),
            code="nik_future",
            params={"date": formats.date_format(birth_date, "SHORT_DATE_FORMAT")},
        )
    return NikInfo(nik=nik, province_code=nik[:2], district_prefix=nik[:6], birth_date=birth_date, sex=sex)


def validate_nik(value: str) -> None:
    """Model-field validator: the hard rules only."""
    parse_nik(value)


def nik_warnings(
    info: NikInfo,
    *,
    sex: str | None,
    birth_date: dt.date | None,
    estimated_age: int | None = None,
    village=None,
) -> list[str]:
    """What an officer must confirm: the NIK disagrees with the form, or its kecamatan code is unknown.

    `estimated_age` and `village` are compared only by forms that pass them (a case report: where the person
    was found). The village is compared by regency: people are often found outside their own kecamatan, and a
    NIK from another regency is worth a second look (a typo, or someone far from home).
    """
    warnings = []
    if info.district_prefix not in district_prefixes():
        warnings.append(
            _(
                "Kode kecamatan pada NIK (%(code)s) tidak ada dalam daftar kecamatan nasional saat ini. "
                "Periksa kembali; NIK bisa berasal dari sebelum pemekaran wilayah."
            )
            % {"code": info.district_prefix}
        )
    if sex and sex != info.sex:
        labels = {MALE: _("laki-laki"), FEMALE: _("perempuan")}
        warnings.append(
            _("Menurut NIK jenis kelaminnya %(nik)s, tetapi formulir menyatakan %(form)s.")
            % {"nik": labels[info.sex], "form": labels.get(sex, sex)}
        )
    if birth_date and (birth_date.day, birth_date.month, birth_date.year % 100) != info.birth_day_month_year2:
        warnings.append(
            _("Menurut NIK tanggal lahirnya %(nik)s, tetapi formulir menyatakan %(form)s.")
            % {
                "nik": info.birth_date.strftime("%d-%m-") + f"{info.birth_date.year % 100:02d}",
                "form": birth_date.strftime("%d-%m-%Y"),
            }
        )
    if estimated_age is not None and abs(info.age() - estimated_age) > AGE_TOLERANCE:
        warnings.append(
            _("Menurut NIK umurnya %(nik)d tahun, tetapi perkiraan umur di formulir %(form)d tahun.")
            % {"nik": info.age(), "form": estimated_age}
        )
    found_in = village.regency_code.replace(".", "") if village is not None else None
    if found_in and found_in != info.regency_prefix:
        names = regency_names()
        warnings.append(
            _(
                "Menurut NIK pemiliknya terdaftar di %(nik)s, tetapi desa/kelurahan yang dipilih ada di %(form)s. "
                "Periksa kembali NIK-nya; bila orangnya memang berasal dari sana, lanjutkan."
            )
            % {
                "nik": names.get(info.regency_prefix) or _("wilayah berkode %(code)s") % {"code": info.regency_prefix},
                "form": names.get(found_in, found_in),
            }
        )
    return warnings


def mask_nik(nik: str) -> str:
    """`3604051203850012` → `3604••••••••0012`: region and serial visible, birth date hidden."""
    if not nik:
        return ""
    if len(nik) < 8:
        return "•" * len(nik)
    return nik[:4] + "•" * (len(nik) - 8) + nik[-4:]


def build_nik(district_code: str, birth_date: dt.date, sex: str, serial: int) -> str:
    """The NIK a person of this kecamatan, birth date and sex would get (demo data, tests, benchmarks)."""
    day = birth_date.day + (40 if sex == FEMALE else 0)
    return f"{district_code.replace('.', '')}{day:02d}{birth_date:%m}{birth_date.year % 100:02d}{serial:04d}"


def validate_kk(value: str) -> None:
    """No. KK (glossary §7.2): 16 digits, the first two a province code. Its other parts are not checked:
    a family card is re-issued on moves, deaths and divorces, and its date part is not documented reliably."""
    kk = clean_nik_input(value)
    bad = "".join(sorted({c for c in kk if c not in "0123456789"}))
    if bad:
        raise ValidationError(
            gettext_lazy("No. KK hanya boleh berisi angka; ditemukan: %(chars)s."),
            code="kk_chars",
            params={"chars": bad},
        )
    if len(kk) != 16:
        raise ValidationError(
            gettext_lazy("No. KK harus 16 digit; tertulis %(count)d digit."),
            code="kk_length",
            params={"count": len(kk)},
        )
    if kk[:2] not in province_names():
        raise ValidationError(
            gettext_lazy("Dua digit pertama No. KK (%(code)s) bukan kode provinsi yang ada."),
            code="kk_province",
            params={"code": kk[:2]},
        )
