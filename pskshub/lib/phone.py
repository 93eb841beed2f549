"""Indonesian phone numbers, normalised to one form: +62 followed by the national number."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_SEPARATORS = re.compile(r"[\s\-.()/]")


def normalize_phone(value: str) -> str:
    """`0812-3456-7890`, `62 812 3456 7890`, `+62 (812) 34567890` → `+6281234567890`.

    Raises ValidationError with a message for the person who typed it.
    """
    raw = (value or "").strip()
    if not raw:
        return ""
    cleaned = _SEPARATORS.sub("", raw)
    if not re.fullmatch(r"\+?[0-9]+", cleaned):  # not \d, which matches full-width digits
        raise ValidationError(
            _("Nomor telepon hanya boleh berisi angka (boleh dengan spasi, tanda hubung, atau + di depan)."),
            code="phone_chars",
        )
    if cleaned.startswith("+62"):
        national = cleaned[3:]
    elif cleaned.startswith("62"):
        national = cleaned[2:]
    elif cleaned.startswith("0"):
        national = cleaned[1:]
    elif cleaned.startswith("+"):
        raise ValidationError(_("Hanya nomor Indonesia (+62) yang diterima."), code="phone_country")
    else:
        raise ValidationError(_("Nomor telepon harus diawali 0, 62, atau +62."), code="phone_prefix")
    if national.startswith("0"):  # "+62 0812…": the trunk zero typed twice
        national = national[1:]
    if national.startswith("8"):
        valid_length = 9 <= len(national) <= 12  # 08xx-xxxx-xxxx
    elif national[:1] in {"2", "3", "4", "5", "6", "7", "9"}:
        valid_length = 8 <= len(national) <= 11  # area code + subscriber number
    else:
        valid_length = False
    if not valid_length:
        raise ValidationError(
            _("Nomor telepon %(value)s tidak lengkap atau terlalu panjang."),
            code="phone_length",
            params={"value": raw},
        )
    if len(set(national[1:])) == 1:
        raise ValidationError(_("Nomor telepon %(value)s tidak masuk akal."), code="phone_fake", params={"value": raw})
    return "+62" + national
