"""Reference data of the registry, loaded by migration (and re-applied idempotently).

PSKS types: the 12 of Permensos 08/2012 in their official order, then the programme roles
that Banten treats as PSKS components (glossary §2, §3). Units are derived from each
definition (Orang / Lembaga / Keluarga); the Lampiran's own unit column was not seen.
"""

from __future__ import annotations

PSKS_TYPES = [
    # code, name, abbreviation, kind, unit, area_level, one_per_district, number label, legal basis
    (
        "PEKSOS",
        "Pekerja Sosial Profesional",
        "Peksos",
        "psks",
        "orang",
        "",
        False,
        "No. sertifikat kompetensi",
        "UU 14/2019",
    ),
    ("PSM", "Pekerja Sosial Masyarakat", "PSM", "psks", "orang", "", False, "No. KTA PSM", "Permensos 10/2019"),
    ("TAGANA", "Taruna Siaga Bencana", "Tagana", "psks", "orang", "regency", False, "NIA Tagana", "Permensos 28/2012"),
    ("LKS", "Lembaga Kesejahteraan Sosial", "LKS", "psks", "lembaga", "", False, "", "Permensos 184/2011"),
    ("KT", "Karang Taruna", "Karang Taruna", "psks", "lembaga", "", False, "", "Permensos 25/2019"),
    ("LK3", "Lembaga Konsultasi Kesejahteraan Keluarga", "LK3", "psks", "lembaga", "", False, "", ""),
    ("KP", "Keluarga Pioner", "Keluarga Pioner", "psks", "keluarga", "", False, "", ""),
    (
        "WKSBM",
        "Wahana Kesejahteraan Sosial Berbasis Masyarakat",
        "WKSBM",
        "psks",
        "lembaga",
        "",
        False,
        "",
        "Kepmensos 42/HUK/2004",
    ),
    ("WPKS", "Wanita Pemimpin Kesejahteraan Sosial", "WPKS", "psks", "orang", "", False, "", ""),
    ("PENSOS", "Penyuluh Sosial", "Pensos", "psks", "orang", "", False, "", ""),
    (
        "TKSK",
        "Tenaga Kesejahteraan Sosial Kecamatan",
        "TKSK",
        "psks",
        "orang",
        "district",
        True,
        "",
        "Permensos 28/2018",
    ),
    ("DU", "Dunia Usaha", "DU", "psks", "lembaga", "", False, "", ""),
    ("PKH", "Pendamping Sosial PKH", "Pendamping PKH", "programme", "orang", "district", False, "", ""),
    ("SAKTI", "Satuan Bakti Pekerja Sosial", "Sakti Peksos", "programme", "orang", "regency", False, "", ""),
]

SERVICE_FIELDS = [
    ("anak", "Anak"),
    ("lansia", "Lanjut usia"),
    ("disabilitas", "Penyandang disabilitas"),
    ("kemiskinan", "Kemiskinan / fakir miskin"),
    ("perempuan", "Perempuan"),
    ("keluarga", "Keluarga"),
    ("kebencanaan", "Kebencanaan"),
    ("napza", "Rehabilitasi korban NAPZA"),
    ("tuna-sosial", "Tuna sosial dan korban perdagangan orang"),
    ("pemuda", "Kepemudaan"),
    ("lainnya", "Lainnya"),
]


def apply(apps) -> None:
    PsksType = apps.get_model("registry", "PsksType")
    ServiceField = apps.get_model("registry", "ServiceField")
    for order, row in enumerate(PSKS_TYPES, start=1):
        code, name, abbreviation, kind, unit, area_level, one_per_district, number_label, legal_basis = row
        PsksType.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "abbreviation": abbreviation,
                "kind": kind,
                "unit": unit,
                "area_level": area_level,
                "one_per_district": one_per_district,
                "membership_number_label": number_label,
                "legal_basis": legal_basis,
                "order": order,
            },
        )
    for order, (code, name) in enumerate(SERVICE_FIELDS, start=1):
        ServiceField.objects.update_or_create(code=code, defaults={"name": name, "order": order})
