"""Region names as people type them: "Kec. Cipocok Jaya", "KEL. CIPARE", "Kab. Lebak"."""

from __future__ import annotations

import re

_PREFIX = re.compile(
    r"^\s*(kabupaten|kab\.?|kota|kecamatan|kec\.?|kelurahan|kel\.?|desa|ds\.?)\s+",
    re.IGNORECASE,
)


def strip_region_prefix(name: str) -> str:
    """`Kec. Cipocok Jaya` → `Cipocok Jaya`; names without a prefix are returned trimmed."""
    return _PREFIX.sub("", name or "").strip()
