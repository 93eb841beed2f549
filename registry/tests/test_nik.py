"""NIK rules (glossary §7.1): what the officer is told for each kind of wrong number, and the warnings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from registry.nik import FEMALE, MALE, build_nik, clean_nik_input, mask_nik, nik_warnings, parse_nik

BIRTH = dt.date(1985, 3, 12)
MAN = build_nik("36.73.05", BIRTH, MALE, 12)  # 3673051203850012: Kec. Cipocok Jaya, Kota Serang
WOMAN = build_nik("36.73.05", BIRTH, FEMALE, 12)  # day 12 + 40 = 52


def refusal(value, **kwargs) -> list[str]:
    with pytest.raises(ValidationError) as exc:
        parse_nik(value, **kwargs)
    return exc.value.messages


def test_build_nik_gives_the_documented_layout():
    assert MAN == "3673051203850012"
    assert WOMAN == "3673055203850012"


def test_valid_man():
    info = parse_nik(MAN)
    assert info.nik == "3673051203850012"
    assert info.sex == MALE
    assert info.birth_date == dt.date(1985, 3, 12)
    assert info.province_code == "36"
    assert info.district_prefix == "367305"


def test_valid_woman_has_forty_added_to_the_day():
    info = parse_nik(WOMAN)
    assert info.sex == FEMALE
    assert info.birth_date == dt.date(1985, 3, 12)


def test_woman_born_on_the_31st_is_day_71():
    info = parse_nik(build_nik("36.02.14", dt.date(1990, 12, 31), FEMALE, 1))
    assert info.nik[6:8] == "71"
    assert (info.sex, info.birth_date) == (FEMALE, dt.date(1990, 12, 31))


def test_two_digit_year_is_this_century_unless_that_is_after_this_year():
    today = dt.date(2025, 6, 1)
    assert parse_nik(build_nik("36.04.05", dt.date(2020, 1, 5), MALE, 1), today=today).birth_date.year == 2020
    assert parse_nik(build_nik("36.04.05", dt.date(1930, 1, 5), MALE, 1), today=today).birth_date.year == 1930


@pytest.mark.parametrize(
    ("value", "found"),
    [
        ("36730512038500AB", "AB"),
        ("3673O51203850012", "O"),  # the letter O typed for a zero
        ("3673051203850012x", "x"),
    ],
)
def test_letters_are_refused_and_named(value, found):
    assert refusal(value) == [f"NIK hanya boleh berisi angka; ditemukan: {found}."]


def test_non_ascii_digits_are_refused_as_characters_not_as_a_crash():
    # "¹²" counts as digits for str.isdigit() but int() cannot read them.
    assert refusal("367305¹²03850012") == ["NIK hanya boleh berisi angka; ditemukan: ²¹."]
    assert refusal("３６７３０５１２０３８５００１２")[0].startswith("NIK hanya boleh berisi angka; ditemukan: ")


def test_fifteen_digits():
    assert refusal(MAN[:15]) == ["NIK harus 16 digit; tertulis 15 digit."]


def test_seventeen_digits():
    assert refusal(MAN + "3") == ["NIK harus 16 digit; tertulis 17 digit."]


def test_empty_is_a_length_error_not_an_empty_character_list():
    assert refusal("") == ["NIK harus 16 digit; tertulis 0 digit."]


def test_unknown_province():
    assert refusal("99" + MAN[2:]) == ["Dua digit pertama NIK (99) bukan kode provinsi yang ada."]


@pytest.mark.parametrize(
    "date_part",
    [
        "320385",  # 32 March
        "121385",  # month 13
        "300285",  # 30 February
        "720385",  # a woman's 32nd (72 - 40)
        "000385",  # day 0
        "120085",  # month 0
    ],
)
def test_impossible_birth_date(date_part):
    nik = "367305" + date_part + "0012"
    assert refusal(nik) == [f"Digit 7–12 NIK ({date_part}) bukan tanggal lahir yang sah."]


def test_29_february_of_a_leap_year_is_valid():
    assert parse_nik("3673052902880001").birth_date == dt.date(1988, 2, 29)


def test_birth_date_in_the_future_with_explicit_today():
    nik = build_nik("36.73.05", dt.date(2025, 9, 12), MALE, 1)
    assert refusal(nik, today=dt.date(2025, 6, 1)) == ["Tanggal lahir pada NIK (12-09-2025) ada di masa depan."]
    assert parse_nik(nik, today=dt.date(2025, 9, 12)).birth_date == dt.date(2025, 9, 12)


def test_birth_date_in_the_future_with_default_today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: dt.date(2025, 6, 1))
    nik = build_nik("36.73.05", dt.date(2025, 6, 2), FEMALE, 1)
    assert refusal(nik) == ["Tanggal lahir pada NIK (02-06-2025) ada di masa depan."]
    assert parse_nik(build_nik("36.73.05", dt.date(2025, 6, 1), FEMALE, 1)).sex == FEMALE


def test_default_today_is_the_real_date():
    today = timezone.localdate()
    assert parse_nik(build_nik("36.73.05", today, MALE, 1)).birth_date == today
    tomorrow = today + dt.timedelta(days=1)
    if tomorrow.year == today.year:  # on 31 December "tomorrow" has another two-digit year
        assert refusal(build_nik("36.73.05", tomorrow, MALE, 1))[0].endswith("ada di masa depan.")


@pytest.mark.parametrize(
    "typed",
    ["3673 0512 0385 0012", "3673.0512.0385.0012", "36.73.05.120385.0012", " 3673051203850012 ", "3673-0512-0385-0012"],
)
def test_spaces_dots_and_dashes_are_accepted(typed):
    assert clean_nik_input(typed) == "3673051203850012"
    assert parse_nik(typed).nik == "3673051203850012"


# Warnings: shown to the officer, never a refusal.


def test_unknown_kecamatan_prefix_is_a_warning_not_an_error():
    info = parse_nik("3699991203850012")
    assert info.district_prefix == "369999"
    assert nik_warnings(info, sex=MALE, birth_date=BIRTH) == [
        "Kode kecamatan pada NIK (369999) tidak ada dalam daftar kecamatan nasional saat ini. "
        "Periksa kembali; NIK bisa berasal dari sebelum pemekaran wilayah."
    ]


def test_kecamatan_outside_domicile_is_no_warning():
    # 36.02.14 is Rangkasbitung (Kabupaten Lebak); the NIK does not follow the person when they move.
    info = parse_nik(build_nik("36.02.14", BIRTH, MALE, 3))
    assert nik_warnings(info, sex=MALE, birth_date=BIRTH) == []


def test_sex_mismatch():
    assert nik_warnings(parse_nik(MAN), sex=FEMALE, birth_date=BIRTH) == [
        "Menurut NIK jenis kelaminnya laki-laki, tetapi formulir menyatakan perempuan."
    ]
    assert nik_warnings(parse_nik(WOMAN), sex=MALE, birth_date=BIRTH) == [
        "Menurut NIK jenis kelaminnya perempuan, tetapi formulir menyatakan laki-laki."
    ]


def test_birth_date_mismatch():
    assert nik_warnings(parse_nik(MAN), sex=MALE, birth_date=dt.date(1985, 3, 13)) == [
        "Menurut NIK tanggal lahirnya 12-03-85, tetapi formulir menyatakan 13-03-1985."
    ]


def test_all_three_warnings_at_once():
    info = parse_nik("3699995203850012")
    assert len(nik_warnings(info, sex=MALE, birth_date=dt.date(1986, 3, 12))) == 3


def test_no_warnings_when_everything_agrees():
    assert nik_warnings(parse_nik(MAN), sex=MALE, birth_date=BIRTH) == []
    assert nik_warnings(parse_nik(WOMAN), sex=FEMALE, birth_date=BIRTH) == []


def test_no_warnings_about_fields_left_empty():
    assert nik_warnings(parse_nik(MAN), sex="", birth_date=None) == []


def test_mask_shows_region_and_serial_and_hides_the_birth_date():
    masked = mask_nik(MAN)
    assert masked == "3673••••••••0012"
    assert len(masked) == 16
    assert "120385" not in masked


def test_mask_of_empty_and_short_values():
    assert mask_nik("") == ""
    assert mask_nik("1234567") == "•••••••"


@pytest.mark.parametrize(
    ("district", "birth", "sex", "serial"),
    [
        ("36.73.05", dt.date(1985, 3, 12), MALE, 12),
        ("36.04.05", dt.date(2001, 1, 1), FEMALE, 1),
        ("36.02.14", dt.date(1960, 12, 31), FEMALE, 9999),
        ("19.71.01", dt.date(1999, 7, 9), MALE, 345),
    ],
)
def test_build_nik_round_trip(district, birth, sex, serial):
    nik = build_nik(district, birth, sex, serial)
    info = parse_nik(nik)
    assert (info.district_prefix, info.birth_date, info.sex) == (district.replace(".", ""), birth, sex)
    assert int(nik[-4:]) == serial
