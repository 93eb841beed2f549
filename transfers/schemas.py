"""What can be imported, column by column: Indonesian headers, their synonyms, how a cell is read and written.

The same declaration is the import template, the instruction sheet and the export format, so an exported
roster imports back unchanged (`Schema.export_rows`). Other exports (pskshub/admin_export.py) read
`SCHEMAS` to write persons and institutions in exactly this format.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property, partial

from django.conf import settings
from django.db.models import Model, Prefetch, QuerySet
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cases.models import Beneficiary, PmksCategory
from registry.models import Institution, Membership, Person, PsksType
from registry.nik import mask_nik
from transfers import cells


@dataclass(frozen=True)
class Column:
    key: str
    header: str | Promise
    parse: Callable
    synonyms: tuple[str, ...] = ()
    required: bool = False
    help: str | Promise = ""
    example: object = ""
    # Person columns vs membership columns in the person schema ("person" / "membership").
    part: str = ""


def _text(max_length: int) -> Callable:
    return partial(cells.parse_text, max_length=max_length)


def _field_choices(model: type[Model], name: str, **kwargs) -> cells.Choices:
    return cells.Choices(model._meta.get_field(name).choices, **kwargs)


# Region columns: a village by its Kemendagri code, or by name with its kecamatan (and kabupaten/kota).
def _region_columns(part: str) -> list[Column]:
    return [
        Column(
            "village_code",
            _("Kode desa/kelurahan"),
            _text(20),
            ("kode desa", "kode kelurahan", "kode wilayah", "kode desa kelurahan", "kode kemendagri"),
            help=_("Kode Kemendagri, misalnya 36.73.05.1001. Boleh dikosongkan bila nama desa dan kecamatan diisi."),
            example="36.73.05.1001",
            part=part,
        ),
        Column(
            "village_name",
            _("Desa/kelurahan"),
            _text(100),
            ("desa", "kelurahan", "desa kelurahan", "nama desa", "nama kelurahan", "kel desa"),
            help=_("Nama desa/kelurahan; awalan seperti Desa atau Kel. boleh ditulis."),
            example="Cipare",
            part=part,
        ),
        Column(
            "district_name",
            _("Kecamatan"),
            _text(100),
            ("kec", "nama kecamatan"),
            help=_("Nama kecamatan; awalan Kec. boleh ditulis."),
            example="Cipocok Jaya",
            part=part,
        ),
        Column(
            "regency_name",
            _("Kabupaten/kota"),
            _text(100),
            ("kabupaten", "kota", "kab kota", "kabupaten kota", "nama kabupaten"),
            help=_("Diperlukan bila nama kecamatan sama di dua kabupaten/kota (misalnya Curug)."),
            example="Kota Serang",
            part=part,
        ),
    ]


@dataclass
class Schema:
    kind: str
    model: type[Model]
    title: str | Promise
    sheet_title: str | Promise
    columns: list[Column]
    key_columns: tuple[str, ...]  # headers that must be present (one of each group)
    export_queryset: Callable[[QuerySet], QuerySet] = field(default=lambda qs: qs)
    export_row: Callable[..., Iterable[list]] = field(default=lambda obj, mask_nik: [])

    def headers(self) -> list[str]:
        """The headers as the template writes them: Indonesian whatever the user's language (a file format)."""
        with translation.override(settings.LANGUAGE_CODE):
            return [str(c.header) for c in self.columns]

    @cached_property
    def by_header(self) -> dict[str, str]:
        """Normalised header (in every language of the site) or synonym → column key."""
        table = {}
        for code, _name in [(settings.LANGUAGE_CODE, ""), *settings.LANGUAGES]:
            with translation.override(code):
                for column in self.columns:
                    for name in (str(column.header), column.key, *column.synonyms):
                        table.setdefault(cells.normalize_label(name), column.key)
        return table

    @cached_property
    def by_key(self) -> dict[str, Column]:
        return {c.key: c for c in self.columns}

    def export_rows(self, queryset: QuerySet, *, mask_nik: bool = False) -> Iterator[list]:
        """The rows of `queryset` in the template's column order (values as the template expects)."""
        for obj in self.export_queryset(queryset).iterator(chunk_size=2000):
            yield from self.export_row(obj, mask_nik)


# --- Persons with their memberships -----------------------------------------------------------------------------------

PSKS_TYPE_HELP = _("Kode atau nama jenis PSKS, misalnya PSM, TKSK, TAGANA, PKH. Kosongkan bila tanpa keanggotaan.")

PERSON_COLUMNS = [
    Column(
        "nik",
        _("NIK"),
        cells.parse_nik_cell,
        ("no nik", "nomor nik", "nomor induk kependudukan", "no ktp", "nik ktp", "nomor ktp"),
        required=True,
        help=_("16 digit, ditulis sebagai teks (format sel Teks, atau diawali tanda ')."),
        example="3673054503850001",
        part="person",
    ),
    Column(
        "full_name",
        _("Nama lengkap"),
        _text(150),
        ("nama", "nama relawan", "nama anggota", "nama lengkap relawan"),
        required=True,
        example="Siti Aminah",
        part="person",
    ),
    Column(
        "sex",
        _("Jenis kelamin"),
        _field_choices(Person, "sex", extra={"lk": "L", "pr": "P", "wanita": "P", "pria": "L"}),
        ("jk", "l p", "kelamin", "gender", "jenis kelamin l p"),
        required=True,
        help=_("L atau P (laki-laki / perempuan)."),
        example="P",
        part="person",
    ),
    Column(
        "birth_place",
        _("Tempat lahir"),
        _text(100),
        ("tmp lahir", "tempat lhr"),
        required=True,
        example="Serang",
        part="person",
    ),
    Column(
        "birth_date",
        _("Tanggal lahir"),
        cells.parse_past_date,
        ("tgl lahir", "tanggal lahir hh bb tttt", "tgl lhr"),
        required=True,
        help=_("Tanggal Excel, atau hh/bb/tttt (17/08/1985)."),
        example=dt.date(1985, 3, 5),
        part="person",
    ),
    Column(
        "address",
        _("Alamat"),
        _text(255),
        ("alamat lengkap", "alamat rumah", "jalan rt rw"),
        required=True,
        help=_("Jalan, RT/RW, kampung/dusun."),
        example="Jl. Bhayangkara No. 5 RT 01/RW 02",
        part="person",
    ),
    *_region_columns("person"),
    Column(
        "phone",
        _("Nomor HP"),
        cells.parse_phone,
        ("no hp", "hp", "telepon", "no telp", "nomor telepon", "whatsapp", "no wa", "nomor wa"),
        example="081234567890",
        part="person",
    ),
    Column(
        "email",
        _("Email"),
        cells.parse_email,
        ("e mail", "surel", "alamat email"),
        example="siti@example.org",
        part="person",
    ),
    Column(
        "education",
        _("Pendidikan terakhir"),
        _field_choices(Person, "education", extra={"sma": "sma", "smk": "sma", "d3": "d3", "s1": "s1", "d4": "s1"}),
        ("pendidikan",),
        help=_("SD, SMP, SMA, D3, S1, S2, S3, atau tidak/belum sekolah."),
        example="SMA",
        part="person",
    ),
    Column(
        "status",
        _("Status relawan"),
        _field_choices(Person, "status", default="active"),
        ("status", "status relawan aktif"),
        help=_("aktif, tidak aktif, pindah, atau meninggal. Kosong berarti aktif."),
        example="aktif",
        part="person",
    ),
    Column(
        "status_date",
        _("Tanggal status"),
        cells.parse_past_date,
        ("tgl status",),
        help=_("Wajib bila status bukan aktif."),
        part="person",
    ),
    Column(
        "status_reason",
        _("Alasan status"),
        _text(255),
        ("alasan",),
        help=_("Wajib bila status bukan aktif."),
        part="person",
    ),
    Column("notes", _("Catatan"), _text(5000), ("keterangan", "ket"), part="person"),
    Column(
        "psks_type",
        _("Jenis PSKS"),
        _text(100),
        ("jenis", "psks", "kode jenis psks", "jenis keanggotaan"),
        help=PSKS_TYPE_HELP,
        example="PSM",
        part="membership",
    ),
    Column("position", _("Jabatan"), _text(100), ("jabatan dalam unit",), part="membership"),
    Column(
        "m_district",
        _("Kecamatan tugas"),
        _text(100),
        ("kecamatan penugasan", "wilayah tugas kecamatan", "kode kecamatan tugas"),
        help=_("Wajib untuk TKSK dan Pendamping PKH: nama atau kode kecamatan."),
        part="membership",
    ),
    Column(
        "m_regency",
        _("Kabupaten/kota tugas"),
        _text(100),
        ("kabupaten tugas", "kota tugas", "wilayah tugas"),
        help=_("Untuk Tagana dan Sakti Peksos: nama atau kode kabupaten/kota."),
        part="membership",
    ),
    Column(
        "membership_number",
        _("Nomor anggota"),
        _text(50),
        ("no anggota", "kta", "nia", "nomor kta", "no kta", "nomor nia"),
        help=_("KTA untuk PSM, NIA untuk Tagana; unik per jenis PSKS."),
        part="membership",
    ),
    Column("decree_number", _("Nomor SK"), _text(100), ("no sk", "nomor surat keputusan"), part="membership"),
    Column("decree_date", _("Tanggal SK"), cells.parse_past_date, ("tgl sk",), part="membership"),
    Column("decree_issuer", _("Penerbit SK"), _text(150), ("pejabat penerbit sk",), part="membership"),
    Column(
        "start_date",
        _("Tanggal mulai"),
        cells.parse_date,
        ("tgl mulai", "tmt", "mulai tugas", "tanggal mulai tugas"),
        help=_("Wajib bila jenis PSKS diisi."),
        example=dt.date(2023, 1, 2),
        part="membership",
    ),
    Column("end_date", _("Tanggal selesai"), cells.parse_date, ("tgl selesai", "akhir tugas"), part="membership"),
    Column(
        "m_status",
        _("Status keanggotaan"),
        _field_choices(Membership, "status", default="active"),
        ("status anggota",),
        help=_("aktif atau berakhir. Kosong berarti aktif."),
        example="aktif",
        part="membership",
    ),
]


def _date(value: dt.date | None):
    return value if value else None


def _person_rows(person: Person, hide_nik: bool) -> Iterator[list]:
    base = [
        mask_nik(person.nik) if hide_nik else person.nik,
        person.full_name,
        person.sex,
        person.birth_place,
        _date(person.birth_date),
        person.address,
        person.village_id,
        person.village.name,
        person.district.name,
        person.regency.name,
        person.phone,
        person.email,
        person.get_education_display() if person.education else "",
        person.get_status_display(),
        _date(person.status_date),
        person.status_reason,
        person.notes,
    ]
    memberships = [m for m in person.export_memberships if m.institution_id is None]
    if not memberships:
        yield [*base, *[""] * 11]
        return
    for m in memberships:
        yield [
            *base,
            m.psks_type_id,
            m.position,
            m.district.name if m.district_id else "",
            m.regency.name if m.psks_type.area_level == PsksType.AreaLevel.REGENCY and not m.district_id else "",
            m.membership_number,
            m.decree_number,
            _date(m.decree_date),
            m.decree_issuer,
            _date(m.start_date),
            _date(m.end_date),
            m.get_status_display(),
        ]


def _person_export_queryset(qs: QuerySet) -> QuerySet:
    memberships = Membership.objects.filter(status=Membership.Status.ACTIVE).select_related(
        "psks_type", "district", "regency"
    )
    return (
        qs.select_related("village", "district", "regency")
        .prefetch_related(
            Prefetch("memberships", queryset=memberships.order_by("psks_type_id", "pk"), to_attr="export_memberships")
        )
        .order_by("regency_id", "full_name", "pk")
    )


PERSON_SCHEMA = Schema(
    kind="person",
    model=Person,
    title=_("Relawan dan keanggotaannya"),
    sheet_title=_("Relawan"),
    columns=PERSON_COLUMNS,
    key_columns=("nik",),
    export_queryset=_person_export_queryset,
    export_row=_person_rows,
)


# --- Institutions ------------------------------------------------------------------------------------------------------

INSTITUTION_COLUMNS = [
    Column(
        "psks_type",
        _("Jenis lembaga"),
        _text(100),
        ("jenis", "jenis psks", "kode jenis", "jenis lks"),
        required=True,
        help=_("Kode atau nama: LKS, KT (Karang Taruna), LK3, WKSBM, DU."),
        example="LKS",
    ),
    Column(
        "name",
        _("Nama lembaga"),
        _text(200),
        ("nama", "nama lks", "nama unit", "nama organisasi"),
        required=True,
        example="LKS Harapan Bangsa",
    ),
    Column(
        "address",
        _("Alamat"),
        _text(255),
        ("alamat lengkap", "alamat lembaga"),
        required=True,
        example="Jl. Ki Mas Jong No. 3",
    ),
    *_region_columns("institution"),
    Column(
        "registration_number",
        _("Nomor tanda daftar"),
        _text(100),
        ("no tanda daftar", "nomor std", "no std", "nomor registrasi", "no registrasi", "nomor surat tanda daftar"),
        help=_("Nomor Surat Tanda Daftar; unik. Bila kosong, lembaga dikenali dari nama dan desanya."),
    ),
    Column("registration_date", _("Tanggal tanda daftar"), cells.parse_past_date, ("tgl tanda daftar",)),
    Column(
        "registration_valid_until",
        _("Tanda daftar berlaku sampai"),
        cells.parse_date,
        ("berlaku sampai", "masa berlaku tanda daftar"),
    ),
    Column(
        "legal_entity",
        _("Berbadan hukum"),
        cells.parse_bool,
        ("badan hukum",),
        help=_("ya atau tidak."),
        example="tidak",
    ),
    Column(
        "legal_entity_number",
        _("Nomor SK Kemenkumham/akta"),
        _text(100),
        ("nomor sk kemenkumham", "nomor akta", "no akta"),
    ),
    Column(
        "accreditation",
        _("Akreditasi"),
        _field_choices(Institution, "accreditation", default="none", extra={"belum": "none", "-": "none"}),
        ("nilai akreditasi",),
        help=_("A, B, C, atau belum terakreditasi."),
        example="belum terakreditasi",
    ),
    Column("accreditation_date", _("Tanggal akreditasi"), cells.parse_past_date, ("tgl akreditasi",)),
    Column("accreditation_valid_until", _("Akreditasi berlaku sampai"), cells.parse_date, ()),
    Column("phone", _("Telepon"), cells.parse_phone, ("no telp", "no hp", "nomor telepon", "hp")),
    Column("email", _("Email"), cells.parse_email, ("e mail", "surel")),
    Column(
        "status",
        _("Status"),
        _field_choices(Institution, "status", default="active"),
        ("status lembaga",),
        help=_("aktif atau tidak aktif. Kosong berarti aktif."),
        example="aktif",
    ),
    Column("notes", _("Catatan"), _text(5000), ("keterangan", "ket")),
]


def _institution_rows(inst: Institution, hide_nik: bool) -> Iterator[list]:
    yield [
        inst.psks_type_id,
        inst.name,
        inst.address,
        inst.village_id,
        inst.village.name,
        inst.district.name,
        inst.regency.name,
        inst.registration_number,
        _date(inst.registration_date),
        _date(inst.registration_valid_until),
        str(cells.text_of(inst.legal_entity)),
        inst.legal_entity_number,
        inst.get_accreditation_display(),
        _date(inst.accreditation_date),
        _date(inst.accreditation_valid_until),
        inst.phone,
        inst.email,
        inst.get_status_display(),
        inst.notes,
    ]


INSTITUTION_SCHEMA = Schema(
    kind="institution",
    model=Institution,
    title=_("Lembaga"),
    sheet_title=_("Lembaga"),
    columns=INSTITUTION_COLUMNS,
    key_columns=("name",),
    export_queryset=lambda qs: qs.select_related("village", "district", "regency").order_by("regency_id", "name", "pk"),
    export_row=_institution_rows,
)


# --- Beneficiaries (PMKS/PPKS) ----------------------------------------------------------------------------------------

BENEFICIARY_COLUMNS = [
    Column(
        "nik",
        _("NIK"),
        cells.parse_optional_nik_cell,
        ("no nik", "nomor nik", "nomor induk kependudukan", "no ktp", "nik ktp", "nomor ktp"),
        help=_(
            "16 digit sebagai teks; boleh kosong bila tidak punya atau tidak diketahui. Tanpa NIK, penerima manfaat "
            "dikenali dari nama, tanggal lahir dan desanya."
        ),
        example="3673054503500001",
    ),
    Column(
        "kk_number",
        _("No. KK"),
        cells.parse_kk_cell,
        ("no kk", "nomor kk", "nomor kartu keluarga", "kk"),
        help=_("Nomor Kartu Keluarga, 16 digit sebagai teks; boleh kosong."),
        example="3673051203500001",
    ),
    Column(
        "full_name",
        _("Nama lengkap"),
        _text(150),
        ("nama", "nama penerima", "nama penerima manfaat", "nama pmks"),
        required=True,
        example="Siti Aminah",
    ),
    Column(
        "sex",
        _("Jenis kelamin"),
        _field_choices(Beneficiary, "sex", extra={"lk": "L", "pr": "P", "wanita": "P", "pria": "L"}),
        ("jk", "l p", "kelamin", "gender", "jenis kelamin l p"),
        required=True,
        help=_("L atau P (laki-laki / perempuan)."),
        example="P",
    ),
    Column(
        "birth_date",
        _("Tanggal lahir"),
        cells.parse_past_date,
        ("tgl lahir", "tanggal lahir hh bb tttt", "tgl lhr"),
        help=_("Tanggal Excel, atau hh/bb/tttt. Bila tidak diketahui, isi kolom Perkiraan umur."),
        example=dt.date(1950, 3, 12),
    ),
    Column(
        "estimated_age",
        _("Perkiraan umur"),
        cells.parse_age,
        ("umur", "usia", "perkiraan usia", "umur tahun"),
        help=_("Dalam tahun, bila tanggal lahir tidak diketahui; dicatat sebagai 1 Juli tahun kelahirannya."),
    ),
    Column(
        "birth_date_estimated",
        _("Tanggal lahir perkiraan"),
        cells.parse_bool,
        ("tgl lahir perkiraan",),
        help=_("ya bila tanggal lahir hanya perkiraan."),
        example="tidak",
    ),
    *_region_columns("beneficiary"),
    Column(
        "location_description",
        _("Keterangan lokasi"),
        _text(255),
        ("alamat", "alamat lengkap", "lokasi", "tempat ditemukan"),
        help=_("Alamat atau gambaran tempat ditemukan."),
        example="Kp. Cipare RT 02/RW 03",
    ),
    Column(
        "categories",
        _("Jenis PMKS"),
        _text(1000),
        ("pmks", "ppks", "jenis ppks", "kode pmks", "kategori pmks"),
        help=_(
            "Kode atau nama jenis PMKS, dipisah koma (misalnya LUT, Fakir Miskin). Jenis yang belum tercatat "
            "ditambahkan; yang sudah tercatat tidak dihapus."
        ),
        example="LUT",
    ),
    Column(
        "dtks_status",
        _("Terdaftar di DTKS"),
        _field_choices(Beneficiary, "dtks_status", default="unknown", extra={"y": "yes", "t": "no", "-": "unknown"}),
        ("dtks", "status dtks"),
        help=_("ya, tidak, atau tidak diketahui. Kosong berarti tidak diketahui."),
        example="ya",
    ),
    Column(
        "decile",
        _("Desil"),
        cells.parse_decile,
        ("desil kesejahteraan", "desil dtsen"),
        help=_("1 sampai 10; isi juga tanggal data desil."),
        example=1,
    ),
    Column(
        "decile_as_of",
        _("Desil per tanggal"),
        cells.parse_past_date,
        ("tanggal desil", "tgl desil", "tanggal data desil"),
        example=dt.date(2025, 1, 1),
    ),
    Column(
        "decile_source",
        _("Sumber desil"),
        _field_choices(Beneficiary, "decile_source", extra={"lapangan": "field"}),
        ("sumber data desil",),
        help=_("DTSEN, DTKS, atau pendataan lapangan."),
        example="DTSEN",
    ),
    Column(
        "house",
        _("Kondisi rumah"),
        _field_choices(
            Beneficiary,
            "house",
            default="unknown",
            extra={"layak": "fit", "tidak layak huni": "rtlh", "tidak layak": "rtlh", "-": "unknown"},
        ),
        ("rumah",),
        help=_("layak huni, RTLH (tidak layak huni), atau tidak diketahui."),
        example="RTLH",
    ),
    Column(
        "electricity",
        _("Sumber listrik"),
        _field_choices(
            Beneficiary,
            "electricity",
            default="unknown",
            extra={"pln": "pln_own", "menumpang": "pln_shared", "tidak ada": "none", "-": "unknown"},
        ),
        ("listrik",),
        help=_("PLN meteran sendiri, PLN menumpang, bukan PLN, tidak ada listrik, atau tidak diketahui."),
        example="PLN, menumpang",
    ),
    Column(
        "toilet",
        _("Jamban keluarga"),
        _field_choices(Beneficiary, "toilet", default="unknown", extra={"sendiri": "own", "umum": "shared"}),
        ("jamban", "wc", "mck"),
        help=_("milik sendiri, bersama/umum, tidak ada, atau tidak diketahui."),
        example="bersama/umum",
    ),
    Column(
        "clean_water",
        _("Air bersih"),
        _field_choices(Beneficiary, "clean_water", default="unknown", extra={"y": "yes", "t": "no", "-": "unknown"}),
        ("akses air bersih",),
        help=_("ya, tidak, atau tidak diketahui."),
        example="ya",
    ),
    Column(
        "disability",
        _("Jenis disabilitas"),
        _field_choices(
            Beneficiary,
            "disability",
            extra={
                "fisik": "physical",
                "intelektual": "intellectual",
                "mental": "mental",
                "sensorik": "sensory",
                "ganda": "multiple",
                "-": "",
                "tidak ada": "",
            },
        ),
        ("disabilitas", "penyandang disabilitas"),
        help=_("fisik, intelektual, mental, sensorik, atau ganda; kosong bila tidak ada."),
    ),
    Column("notes", _("Catatan"), _text(5000), ("keterangan", "ket")),
]


def _beneficiary_rows(b: Beneficiary, hide_nik: bool) -> Iterator[list]:
    yield [
        (mask_nik(b.nik) if hide_nik else b.nik) if b.nik else "",
        (mask_nik(b.kk_number) if hide_nik else b.kk_number) if b.kk_number else "",
        b.full_name,
        b.sex,
        _date(b.birth_date),
        "",
        str(cells.text_of(b.birth_date_estimated)),
        b.village_id,
        b.village.name,
        b.district.name,
        b.regency.name,
        b.location_description,
        ", ".join(c.code for c in b.export_categories),
        b.get_dtks_status_display(),
        b.decile,
        _date(b.decile_as_of),
        b.get_decile_source_display() if b.decile_source else "",
        b.get_house_display(),
        b.get_electricity_display(),
        b.get_toilet_display(),
        b.get_clean_water_display(),
        b.get_disability_display() if b.disability else "",
        b.notes,
    ]


def _beneficiary_export_queryset(qs: QuerySet) -> QuerySet:
    return qs.select_related("village", "district", "regency").prefetch_related(
        Prefetch("categories", queryset=PmksCategory.objects.order_by("code"), to_attr="export_categories")
    )


BENEFICIARY_SCHEMA = Schema(
    kind="beneficiary",
    model=Beneficiary,
    title=_("Penerima manfaat"),
    sheet_title=_("Penerima manfaat"),
    columns=BENEFICIARY_COLUMNS,
    key_columns=("full_name",),
    export_queryset=_beneficiary_export_queryset,
    export_row=_beneficiary_rows,
)

SCHEMAS: dict[str, Schema] = {
    "person": PERSON_SCHEMA,
    "institution": INSTITUTION_SCHEMA,
    "beneficiary": BENEFICIARY_SCHEMA,
}
SCHEMA_FOR_MODEL: dict[type[Model], Schema] = {
    Person: PERSON_SCHEMA,
    Institution: INSTITUTION_SCHEMA,
    Beneficiary: BENEFICIARY_SCHEMA,
}
