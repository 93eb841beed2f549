"""Word lists and small pure helpers for the demo data set (`manage.py load_demo`).

Names are common in Banten: Sundanese, Javanese, Bantenese and Arabic-Muslim given names, with the
second names that go with them. Every helper takes the caller's `random.Random`, so the same seed
gives the same words; nothing here touches the database or the global random state.
"""

from __future__ import annotations

import random

from registry.nik import FEMALE

MALE_GIVEN_NAMES = [
    "Asep", "Ujang", "Dede", "Cecep", "Deden", "Dadang", "Endang", "Agus", "Ahmad", "Rahmat",
    "Iwan", "Yayan", "Ade", "Aceng", "Eman", "Encep", "Jajang", "Nana", "Tatang", "Usep",
    "Wawan", "Yusuf", "Hasan", "Syarif", "Budi", "Joko", "Slamet", "Bambang", "Teguh", "Eko",
    "Rudi", "Hendra", "Irfan", "Fajar", "Rizki", "Ilham", "Fahmi", "Arif", "Ridwan", "Saepul",
    "Komarudin", "Mamat", "Entis", "Abdul", "Imam", "Lukman", "Nurdin", "Sarip", "Jaenudin", "Udin",
    "Hikmat", "Andi", "Deni", "Dodi", "Heri", "Hendi", "Aang", "Oman", "Tubagus", "Maman",
]  # fmt: skip

MALE_SECOND_NAMES = [
    "Saepudin", "Supriatna", "Hidayat", "Sopandi", "Sumarna", "Permana", "Kurniawan", "Setiawan",
    "Rohendi", "Mulyadi", "Suryana", "Hermawan", "Nugraha", "Firmansyah", "Ramdani", "Maulana",
    "Fauzi", "Hakim", "Syahroni", "Jaelani", "Kusnadi", "Rusdiana", "Sudrajat", "Wijaya", "Santoso",
    "Prasetyo", "Susanto", "Wibowo", "Hidayatullah", "Nurjaman", "Rohmat", "Junaedi", "Hasanudin",
    "Sobari", "Mukhtar", "Suherman", "Gunawan", "Taufik", "Ramadhan", "Safei", "Sukmara", "Jamaludin",
]  # fmt: skip

FEMALE_GIVEN_NAMES = [
    "Siti", "Euis", "Neng", "Iis", "Enok", "Eti", "Imas", "Lilis", "Yati", "Nining",
    "Cucu", "Ai", "Yeni", "Dewi", "Sri", "Nur", "Rina", "Ratna", "Tuti", "Yuyun",
    "Entin", "Wulan", "Fitri", "Nurul", "Lia", "Rini", "Rika", "Ani", "Nani", "Ida",
    "Eka", "Putri", "Indah", "Titin", "Eneng", "Nia", "Dini", "Ayu", "Tika", "Mimin",
]  # fmt: skip

FEMALE_SECOND_NAMES = [
    "Nurhasanah", "Komariah", "Rahmawati", "Yulianti", "Maryati", "Suryani", "Hasanah", "Fitriani",
    "Rohimah", "Maesaroh", "Aminah", "Kurniasih", "Sulastri", "Handayani", "Lestari", "Wulandari",
    "Nurjanah", "Rosita", "Mulyani", "Herawati", "Susilawati", "Rukmini", "Fatimah", "Khodijah",
    "Zakiah", "Halimah", "Sumiati", "Marlina", "Permatasari", "Safitri", "Anggraeni", "Oktaviani",
    "Hayati", "Jubaedah", "Sopiah", "Nurlela",
]  # fmt: skip

# Where a person of a Banten regency was most likely born; other provinces fall back to the regency name.
BIRTH_TOWNS = {
    "36.01": ["Pandeglang", "Labuan", "Menes", "Saketi"],
    "36.02": ["Lebak", "Rangkasbitung", "Malingping", "Bayah"],
    "36.03": ["Tangerang", "Tigaraksa", "Balaraja", "Mauk"],
    "36.04": ["Serang", "Ciruas", "Anyer", "Kramatwatu"],
    "36.71": ["Tangerang"],
    "36.72": ["Cilegon"],
    "36.73": ["Serang"],
    "36.74": ["Tangerang", "Pamulang", "Jakarta"],
}
OTHER_BIRTH_TOWNS = [
    "Jakarta", "Bogor", "Sukabumi", "Cianjur", "Bandung", "Garut", "Tasikmalaya", "Kuningan",
    "Cirebon", "Brebes", "Tegal", "Purwokerto", "Bandar Lampung",
]  # fmt: skip

KAMPUNG_NAMES = [
    "Cibeureum", "Cikoneng", "Cipari", "Pasirgadung", "Sukamaju", "Sukajadi", "Babakan", "Pabuaran",
    "Kaduhejo", "Cilaku", "Ciherang", "Kebon Kelapa", "Tegal", "Karang Anyar", "Bojong", "Cimanuk",
    "Sindangsari", "Gunungsari", "Kadubeureum", "Cikupa", "Pasir Ipis", "Leuwi Balang", "Ciseureuh",
    "Kebon Jeruk", "Sawah Luhur", "Cibodas", "Kadumanggu", "Cijambu", "Lebak Wangi", "Peusar",
]  # fmt: skip

STREET_NAMES = [
    "Jl. Raya Serang", "Jl. Sultan Ageng Tirtayasa", "Jl. Jenderal Sudirman", "Jl. Ki Mas Jong",
    "Jl. Syekh Nawawi Al-Bantani", "Jl. Diponegoro", "Jl. Veteran", "Jl. Maulana Hasanudin",
    "Jl. Trip Jamaksari", "Jl. Ahmad Yani", "Jl. KH. Abdul Hadi", "Jl. Raya Pandeglang",
]  # fmt: skip

HOUSING_ESTATES = [
    "Perum Griya Asri",
    "Perum Puri Indah",
    "Perum Taman Lestari",
    "Perum Bumi Mekar",
    "Perum Citra Raya",
]

MOBILE_PREFIXES = ["812", "813", "821", "822", "852", "853", "857", "858", "877", "878", "895", "896", "838"]

# Fixed-line area codes (without the trunk zero) of the Banten regencies.
AREA_CODES = {
    "36.01": "253",
    "36.02": "252",
    "36.03": "21",
    "36.04": "254",
    "36.71": "21",
    "36.72": "254",
    "36.73": "254",
    "36.74": "21",
}

ISLAMIC_INSTITUTION_NAMES = [
    "Al-Hidayah", "Nurul Iman", "Darul Ulum", "Al-Ikhlas", "Baitul Rahman", "Nurul Falah", "Al-Barokah",
    "Miftahul Jannah", "Al-Munawwaroh", "Daarul Muttaqin", "Bani Salam", "Al-Hikmah", "Darussalam",
    "Nurul Huda", "Al-Amanah", "Raudhatul Jannah",
]  # fmt: skip

# LKS by service: (name prefix, service field codes).
LKS_KINDS = [
    ("LKSA Panti Asuhan", ["anak"]),
    ("LKSA Yayasan Yatim Piatu", ["anak", "kemiskinan"]),
    ("LKS Lanjut Usia", ["lansia"]),
    ("LKS Penyandang Disabilitas", ["disabilitas"]),
    ("Yayasan Peduli Dhuafa", ["kemiskinan", "keluarga"]),
    ("LKS Rehabilitasi NAPZA", ["napza"]),
    ("LKS Perlindungan Perempuan", ["perempuan", "tuna-sosial"]),
]
SECULAR_INSTITUTION_NAMES = [
    "Bina Insani",
    "Budi Mulia",
    "Kasih Bunda",
    "Harapan Bangsa",
    "Mitra Sejahtera",
    "Cahaya Hati",
]

LK3_NAMES = [
    "Sakinah",
    "Harmoni",
    "Mitra Keluarga",
    "Bina Keluarga",
    "Cahaya Keluarga",
    "Sehati",
    "Mawaddah",
    "Keluarga Sejahtera",
]

# Fictitious companies: demo data must not put real firms' names in a registry.
COMPANY_NAMES = [
    "PT Anyer Petrokimia Nusantara", "PT Sinar Merak Logistik", "PT Tirtayasa Agro Mandiri",
    "PT Serpong Properti Sejahtera", "PT Cikande Tekstil Indonesia", "PT Balaraja Plastik Utama",
    "PT Pandeglang Agro Lestari", "PT Bojonegara Semen Perkasa", "PT Cilegon Energi Mandiri",
    "CV Berkah Tani Banten", "PT Kragilan Baja Prima", "PT Selat Sunda Perikanan",
]  # fmt: skip
CSR_PROGRAMMES = [
    "beasiswa anak yatim",
    "bedah rumah tidak layak huni (RTLH)",
    "sembako lansia",
    "bantuan alat bantu disabilitas",
    "dapur umum saat bencana",
    "pelatihan usaha karang taruna",
]

POSITIONS = {
    "LKS": ["Sekretaris", "Bendahara", "Pengasuh", "Pekerja sosial", "Pengurus"],
    "KT": ["Sekretaris", "Bendahara", "Ketua Bidang Usaha", "Ketua Bidang Sosial", "Anggota pengurus"],
    "LK3": ["Sekretaris", "Konselor", "Konselor", "Pendamping"],
    "WKSBM": ["Sekretaris", "Bendahara", "Anggota"],
    "DU": ["Koordinator CSR", "Staf CSR"],
}
CHAIR_POSITIONS = {"LKS": "Ketua Yayasan", "KT": "Ketua", "LK3": "Ketua", "WKSBM": "Ketua", "DU": "Manajer CSR"}

INACTIVE_REASONS = [
    "Mengundurkan diri karena bekerja di luar daerah",
    "Tidak aktif lebih dari satu tahun",
    "Sakit berkepanjangan",
]
MOVED_REASONS = [
    "Pindah domisili ke Kabupaten Bogor",
    "Pindah domisili ke Kota Bandung",
    "Pindah domisili ke Jakarta Barat",
]


def full_name(rng: random.Random, sex: str, *, age: int) -> str:
    """`Asep Saepudin`, `Siti Nurhasanah`, sometimes three words, a `H.`/`Hj.` title for some elders."""
    if sex == FEMALE:
        given_names, second_names, middle, title = (
            FEMALE_GIVEN_NAMES,
            FEMALE_SECOND_NAMES,
            ["Siti", "Nur", "Dewi"],
            "Hj.",
        )
    else:
        given_names, second_names, middle, title = MALE_GIVEN_NAMES, MALE_SECOND_NAMES, ["Muhammad", "Ahmad"], "H."
    given = rng.choice(given_names)
    second = rng.choice([n for n in second_names if not n.startswith(given)])  # no "Nur Nurlela"
    name = f"{given} {second}"
    if rng.random() < 0.12 and given not in middle:
        name = f"{rng.choice(middle)} {name}"
    if age >= 45 and rng.random() < 0.15:
        name = f"{title} {name}"
    return name


def email_for(rng: random.Random, name: str) -> str:
    words = [w.lower() for w in name.replace(".", "").split() if w not in {"H", "Hj"}]
    return f"{words[0]}.{words[-1]}{rng.randint(1, 99)}@gmail.com"


def birth_place(rng: random.Random, regency_code: str, regency_name: str) -> str:
    if rng.random() < 0.12:
        return rng.choice(OTHER_BIRTH_TOWNS)
    towns = BIRTH_TOWNS.get(regency_code) or [regency_name.removeprefix("Kabupaten ").removeprefix("Kota ")]
    return rng.choice(towns)


def rt_rw(rng: random.Random) -> str:
    return f"RT {rng.randint(1, 12):03d}/RW {rng.randint(1, 8):03d}"


def address(rng: random.Random, *, urban: bool) -> str:
    """`Kp. Cibeureum RT 002/RW 004` in a desa; a street or housing estate in a kelurahan."""
    if urban and rng.random() < 0.7:
        if rng.random() < 0.5:
            return f"{rng.choice(STREET_NAMES)} No. {rng.randint(1, 150)} {rt_rw(rng)}"
        block = f"{rng.choice('ABCDEFGH')}{rng.randint(1, 12)}"
        return f"{rng.choice(HOUSING_ESTATES)} Blok {block} No. {rng.randint(1, 30)} {rt_rw(rng)}"
    return f"Kp. {rng.choice(KAMPUNG_NAMES)} {rt_rw(rng)}"


def mobile_phone(rng: random.Random) -> str:
    """`+62812…`: an operator prefix and 7–8 more digits."""
    digits = "".join(str(rng.randint(0, 9)) for _ in range(rng.choice([7, 8])))
    return f"+62{rng.choice(MOBILE_PREFIXES)}{digits}"


def office_phone(rng: random.Random, regency_code: str) -> str:
    area = AREA_CODES.get(regency_code)
    if area is None:
        return mobile_phone(rng)
    digits = "".join(str(rng.randint(0, 9)) for _ in range(9 - len(area)))
    return f"+62{area}{rng.randint(2, 8)}{digits}"
