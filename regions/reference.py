"""The national region lists shipped in `regions/data/indonesia/` (see README there).

Read once per process and kept in memory: NIK validation checks a NIK's province and
kecamatan codes against the whole country, not only the regions loaded in the database.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data" / "indonesia"


def read_rows(name: str) -> Iterator[dict[str, str]]:
    with (DATA_DIR / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        yield from csv.DictReader(f)


@cache
def province_names() -> dict[str, str]:
    """`{"36": "Banten", ...}` for all 38 provinces."""
    return {row["code"]: row["name"] for row in read_rows("provinces")}


@cache
def district_prefixes() -> frozenset[str]:
    """Every kecamatan in Indonesia as the six digits a NIK starts with (`360405`)."""
    return frozenset(row["code"].replace(".", "") for row in read_rows("districts"))
