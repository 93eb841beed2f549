"""Reference data of the cases app, applied by a data migration and idempotent (update_or_create).

- The 26 PMKS of Permensos 08/2012 (glossary §6). The codes are ours, not official; the PPKS name
  (Permensos 5/2019) is the same list under the newer umbrella term, so it is stored beside each name.
- Programmes named in Banten (glossary §9), with the programmes each must not double. Only the exclusion
  attested in the glossary is loaded (Kota Cilegon's local aid pays only those not aided by the central
  or provincial government); Dinsos adds others in the admin.
"""

from __future__ import annotations

CATEGORIES = [
    ("ABT", "Anak Balita Telantar", "ABT", "Anak usia 0–5 tahun yang telantar."),
    ("AT", "Anak Telantar", "AT", "Anak usia 6–18 tahun yang telantar."),
    ("ABH", "Anak yang Berhadapan dengan Hukum", "ABH", ""),
    ("AJ", "Anak Jalanan", "AJ", ""),
    ("ADK", "Anak dengan Kedisabilitasan", "ADK", ""),
    ("AKTK", "Anak yang Menjadi Korban Tindak Kekerasan", "", ""),
    ("AMPK", "Anak yang Memerlukan Perlindungan Khusus", "", ""),
    ("LUT", "Lanjut Usia Telantar", "LUT", ""),
    ("PD", "Penyandang Disabilitas", "", ""),
    ("TS", "Tuna Susila", "TS", ""),
    ("GLD", "Gelandangan", "", ""),
    ("PGM", "Pengemis", "", ""),
    ("PML", "Pemulung", "", ""),
    ("KMN", "Kelompok Minoritas", "", ""),
    ("BWBLP", "Bekas Warga Binaan Lembaga Pemasyarakatan", "BWBLP", ""),
    ("ODHA", "Orang dengan HIV/AIDS", "ODHA", ""),
    ("NAPZA", "Korban Penyalahgunaan NAPZA", "", ""),
    ("KTRF", "Korban Trafficking", "", ""),
    ("KTK", "Korban Tindak Kekerasan", "KTK", ""),
    ("PMBS", "Pekerja Migran Bermasalah Sosial", "PMBS", ""),
    ("KBA", "Korban Bencana Alam", "KBA", ""),
    ("KBS", "Korban Bencana Sosial", "KBS", ""),
    ("PRSE", "Perempuan Rawan Sosial Ekonomi", "", ""),
    ("FM", "Fakir Miskin", "", ""),
    ("KBSP", "Keluarga Bermasalah Sosial Psikologis", "KBSP", ""),
    ("KAT", "Komunitas Adat Terpencil", "KAT", ""),
]

PROGRAMMES = [
    # code, name, level, excludes
    ("pkh", "PKH (Program Keluarga Harapan)", "national", []),
    ("bpnt", "BPNT/Sembako", "national", []),
    ("aslut", "ASLUT (Asistensi Sosial Lanjut Usia Telantar)", "national", []),
    ("aspdb", "ASPDB (dahulu ASODK/PJSODK)", "national", []),
    ("kube", "KUBE (Kelompok Usaha Bersama)", "national", []),
    ("jamsosratu", "JAMSOSRATU (Jaminan Sosial Rakyat Banten Bersatu)", "province", []),
    ("rtlh", "Rehabilitasi RTLH (Rutilahu)", "province", []),
    ("tanggap-darurat", "Bantuan tanggap darurat", "regency", []),
    ("rehsos", "Rehabilitasi sosial", "regency", []),
    ("jscb", "Jaminan Sosial Cilegon Bermartabat", "regency", ["pkh", "bpnt", "jamsosratu"]),
]


def apply(apps) -> None:
    PmksCategory = apps.get_model("cases", "PmksCategory")
    Programme = apps.get_model("cases", "Programme")
    for order, (code, name, abbreviation, criteria) in enumerate(CATEGORIES, start=1):
        PmksCategory.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "ppks_name": name,
                "abbreviation": abbreviation,
                "criteria": criteria,
                "order": order,
            },
        )
    for order, (code, name, level, _excludes) in enumerate(PROGRAMMES, start=1):
        Programme.objects.update_or_create(code=code, defaults={"name": name, "level": level, "order": order})
    for code, _name, _level, excludes in PROGRAMMES:
        if excludes:
            Programme.objects.get(code=code).excludes.add(*excludes)
