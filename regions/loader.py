"""Load (or refresh) one province's regions from the national data files.

Idempotent: rows are matched by Kemendagri code, a renamed region is updated in place,
and a second run creates and updates nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from regions.models import District, Province, Regency, Village
from regions.reference import province_names, read_rows


class UnknownProvince(ValueError):
    pass


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    total: dict[str, int] = field(default_factory=dict)

    @property
    def created_count(self) -> int:
        return sum(self.created.values())

    @property
    def updated_count(self) -> int:
        return sum(self.updated.values())


def _sync(model, rows: list[dict], fields: list[str], report: LoadReport, label: str) -> None:
    existing = {obj.pk: obj for obj in model.objects.filter(pk__in=[r["code"] for r in rows])}
    to_create, to_update = [], []
    for row in rows:
        obj = existing.get(row["code"])
        if obj is None:
            to_create.append(model(code=row["code"], **{f: row[f] for f in fields}))
            continue
        changed = False
        for f in fields:
            if getattr(obj, f) != row[f]:
                setattr(obj, f, row[f])
                changed = True
        if changed:
            to_update.append(obj)
    model.objects.bulk_create(to_create, batch_size=1000)
    if to_update:
        model.objects.bulk_update(to_update, fields, batch_size=1000)
    report.created[label] = len(to_create)
    report.updated[label] = len(to_update)
    report.total[label] = len(rows)


@transaction.atomic
def load_province(province_code: str) -> LoadReport:
    names = province_names()
    if province_code not in names:
        raise UnknownProvince(province_code)
    prefix = f"{province_code}."
    regencies = [
        {"code": r["code"], "province_id": province_code, "name": r["name"], "kind": r["kind"]}
        for r in read_rows("regencies")
        if r["code"].startswith(prefix)
    ]
    districts = [
        {"code": r["code"], "regency_id": r["regency_code"], "name": r["name"]}
        for r in read_rows("districts")
        if r["code"].startswith(prefix)
    ]
    villages = [
        {"code": r["code"], "district_id": r["district_code"], "name": r["name"], "kind": r["kind"].replace(" ", "_")}
        for r in read_rows("villages")
        if r["code"].startswith(prefix)
    ]
    report = LoadReport()
    _sync(Province, [{"code": province_code, "name": names[province_code]}], ["name"], report, "provinsi")
    _sync(Regency, regencies, ["province_id", "name", "kind"], report, "kabupaten/kota")
    _sync(District, districts, ["regency_id", "name"], report, "kecamatan")
    _sync(Village, villages, ["district_id", "name", "kind"], report, "desa/kelurahan")
    return report
