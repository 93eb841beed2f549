"""Phone numbers as people type them, stored as +62…; refusals say what is wrong in Indonesian."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from pskshub.lib.phone import normalize_phone

CHARS = "Nomor telepon hanya boleh berisi angka (boleh dengan spasi, tanda hubung, atau + di depan)."


def refusal(value: str) -> list[str]:
    with pytest.raises(ValidationError) as exc:
        normalize_phone(value)
    return exc.value.messages


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("62812 34567890", "+6281234567890"),
        ("+62 (812) 3456.7890", "+6281234567890"),
        ("+62 0812 3456 7890", "+6281234567890"),  # the trunk zero typed twice
        ("0812 345 678", "+62812345678"),  # shortest mobile: 9 digits after the 0
        ("(0254) 123456", "+62254123456"),  # Serang landline
        ("021-1234567", "+62211234567"),  # Jakarta landline
        ("  0812 3456 7890  ", "+6281234567890"),
    ],
)
def test_normalised_to_plus_62(typed, stored):
    assert normalize_phone(typed) == stored


def test_normalising_twice_changes_nothing():
    assert normalize_phone(normalize_phone("0812-3456-7890")) == "+6281234567890"


@pytest.mark.parametrize("empty", ["", "   ", None])
def test_empty_stays_empty(empty):
    assert normalize_phone(empty) == ""


@pytest.mark.parametrize("typed", ["0812-3456-ABCD", "0812 3456 7890 ext 1", "++6281234567890", "0812_3456_7890"])
def test_letters_and_odd_characters(typed):
    assert refusal(typed) == [CHARS]


def test_non_ascii_digits_are_refused_not_stored():
    # Full-width digits match \d; stored, they would never match a search for the same number.
    assert refusal("0812３４５６７８９０") == [CHARS]


@pytest.mark.parametrize("typed", ["+1 202 555 0100", "+44 20 1234 5678"])
def test_foreign_numbers(typed):
    assert refusal(typed) == ["Hanya nomor Indonesia (+62) yang diterima."]


def test_no_prefix():
    assert refusal("812 3456 7890") == ["Nomor telepon harus diawali 0, 62, atau +62."]


@pytest.mark.parametrize("typed", ["0812345", "0812 3456", "0254 1234", "+62"])
def test_too_short(typed):
    assert refusal(typed) == [f"Nomor telepon {typed} tidak lengkap atau terlalu panjang."]


@pytest.mark.parametrize("typed", ["0812 3456 7890 12", "+62 812 3456 7890 123", "0254 1234 56789"])
def test_too_long(typed):
    assert refusal(typed) == [f"Nomor telepon {typed} tidak lengkap atau terlalu panjang."]


@pytest.mark.parametrize("typed", ["08111111111", "0822 2222 2222"])
def test_repeated_digits(typed):
    assert refusal(typed) == [f"Nomor telepon {typed} tidak masuk akal."]


def test_refusal_codes():
    codes = {}
    for typed in ["08x", "+1 202 555 0100", "812345678", "0812", "08111111111"]:
        with pytest.raises(ValidationError) as exc:
            normalize_phone(typed)
        codes[typed] = exc.value.code
    assert codes == {
        "08x": "phone_chars",
        "+1 202 555 0100": "phone_country",
        "812345678": "phone_prefix",
        "0812": "phone_length",
        "08111111111": "phone_fake",
    }
