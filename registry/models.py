"""The PSKS registry: persons (volunteers and officers), their memberships in PSKS
components, and institutions. Glossary §2–§4 (Permensos 08/2012 and the programme roles).

Region columns (`district`, `regency`) are stored on each row, derived from its village
(or assignment area) when saved, so lists, scoping and counts need no joins.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pskshub.lib.history import TrackedHistory
from pskshub.lib.phone import normalize_phone
from regions.models import (
    DISTRICT_CODE_LENGTH,
    REGENCY_CODE_LENGTH,
    CodePrefix,
    district_code_of,
    regency_code_of,
)
from registry.nik import FEMALE, MALE, clean_nik_input, mask_nik, validate_nik


class PhoneFormField(forms.CharField):
    """Accepts a number typed any usual way (`0812-3456 7890`) and gives `+6281234567890`."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs["max_length"] = 32
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_phone(value) if value else value


class PhoneNumberField(models.CharField):
    """A phone number stored as `+62…`; anything else is refused with a clear message."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("max_length", 16)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_phone(value) if value else value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PhoneFormField, **kwargs})


class NikFormField(forms.CharField):
    """A NIK typed with spaces or dots is taken as its digits."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs["max_length"] = 24
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        return clean_nik_input(super().to_python(value))


class NikField(models.CharField):
    """A NIK: 16 digits checked by `registry.nik` (province, date, not in the future)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs["max_length"] = 16
        kwargs.setdefault("validators", [validate_nik])
        super().__init__(*args, **kwargs)
        if validate_nik in self._validators:
            # validate_nik already says "NIK harus 16 digit; tertulis 17 digit."; CharField's own
            # MaxLengthValidator would add a second message for the same mistake.
            self.validators[:] = [v for v in self.validators if not isinstance(v, MaxLengthValidator)]

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("max_length", None)
        if kwargs.get("validators") == [validate_nik]:
            kwargs.pop("validators")
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": NikFormField, **kwargs})


class Verification(models.TextChoices):
    UNVERIFIED = "unverified", _("belum diverifikasi")
    VERIFIED = "verified", _("terverifikasi")
    REJECTED = "rejected", _("ditolak")


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        abstract = True


class VerifiedModel(TimeStampedModel):
    """Every registry record carries a verification status from the start, and a version number.

    `version` goes up by one with every save through `registry.services`; a form that was
    opened at version 3 cannot overwrite version 4 (no lost updates).
    """

    version = models.PositiveIntegerField(_("versi"), default=1, editable=False)

    verification = models.CharField(
        _("verifikasi"), max_length=10, choices=Verification, default=Verification.UNVERIFIED
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diverifikasi oleh"),
        editable=False,
        db_index=False,  # indexed where set: verification_indexes()
    )
    verified_at = models.DateTimeField(_("diverifikasi pada"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True


def verification_indexes(prefix: str) -> list[models.Index]:
    """A verified model's indexes: the verification queue, and the verifier where there is one."""
    return [
        models.Index(fields=["verification"], name=f"{prefix}_verif_idx"),
        models.Index(fields=["verified_by"], name=f"{prefix}_verifier_idx", condition=Q(verified_by__isnull=False)),
    ]


class PsksType(models.Model):
    """Reference data: the 12 PSKS of Permensos 08/2012 and the programme roles beside them."""

    class Unit(models.TextChoices):
        PERSON = "orang", _("Orang")
        INSTITUTION = "lembaga", _("Lembaga")
        FAMILY = "keluarga", _("Keluarga")
        VILLAGE = "desa", _("Desa")

    class Kind(models.TextChoices):
        PSKS = "psks", _("PSKS (Permensos 08/2012)")
        PROGRAMME = "programme", _("peran program")

    class AreaLevel(models.TextChoices):
        NONE = "", _("tidak ada")
        DISTRICT = "district", _("kecamatan")
        REGENCY = "regency", _("kabupaten/kota")

    code = models.CharField(_("kode"), max_length=10, primary_key=True)
    name = models.CharField(_("nama"), max_length=100)
    abbreviation = models.CharField(_("singkatan"), max_length=20, blank=True)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind, default=Kind.PSKS)
    unit = models.CharField(_("satuan hitung"), max_length=10, choices=Unit)
    area_level = models.CharField(
        _("wilayah tugas"),
        max_length=10,
        choices=AreaLevel,
        blank=True,
        help_text=_("Tingkat wilayah penugasan yang wajib diisi pada keanggotaan."),
    )
    one_per_district = models.BooleanField(
        _("satu per kecamatan"), default=False, help_text=_("Hanya satu pemegang aktif per kecamatan (TKSK).")
    )
    membership_number_label = models.CharField(
        _("label nomor anggota"), max_length=40, blank=True, help_text=_("Misalnya NIA untuk Tagana, KTA untuk PSM.")
    )
    legal_basis = models.CharField(_("dasar hukum"), max_length=200, blank=True)
    description = models.TextField(_("keterangan"), blank=True)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        verbose_name = _("jenis PSKS")
        verbose_name_plural = _("jenis PSKS")
        ordering = ["order", "code"]
        permissions = [("view_recap", _("Dapat melihat Rekap PSKS"))]

    def __str__(self) -> str:
        if self.abbreviation and self.abbreviation != self.name:
            return f"{self.name} ({self.abbreviation})"
        return self.name

    @property
    def is_institutional(self) -> bool:
        return self.unit == self.Unit.INSTITUTION


class ServiceField(models.Model):
    """Reference data: fields of service of an institution (children, elderly, disability …)."""

    code = models.SlugField(_("kode"), max_length=30, primary_key=True)
    name = models.CharField(_("nama"), max_length=100)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        verbose_name = _("bidang pelayanan")
        verbose_name_plural = _("bidang pelayanan")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class RegionColumnsMixin(models.Model):
    """Stores the district and regency of the row's village on the row itself.

    The three columns are indexed by each model's `Meta.indexes`, not by `db_index`: on PostgreSQL
    `db_index` on a key to the regions' text codes adds a `varchar_pattern_ops` twin that no query uses
    (every region filter is by equality), and a composite index led by the regency already serves it.

    Only the village is a foreign key in the database. The district and regency are the start of its
    code, which `region_columns_constraint` checks: a stronger rule than two more foreign keys (they must
    be the village's own, not merely exist) and a cheaper one (no lookup per inserted row). Each index
    and each foreign key is paid on every insert: an import writes 100,000 rows at a time.
    """

    village = models.ForeignKey(
        "regions.Village", models.PROTECT, related_name="+", verbose_name=_("desa/kelurahan"), db_index=False
    )
    district = models.ForeignKey(
        "regions.District",
        models.PROTECT,
        related_name="+",
        verbose_name=_("kecamatan"),
        editable=False,
        db_index=False,
        db_constraint=False,
    )
    regency = models.ForeignKey(
        "regions.Regency",
        models.PROTECT,
        related_name="+",
        verbose_name=_("kabupaten/kota"),
        editable=False,
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        abstract = True

    def sync_region_columns(self) -> None:
        if self.village_id:
            self.district_id = district_code_of(self.village_id)
            self.regency_id = regency_code_of(self.village_id)

    def validate_constraints(self, exclude=None) -> None:
        # The district and regency are filled from the village on save; the database checks them.
        super().validate_constraints(exclude={*(exclude or ()), "district", "regency"})


def region_columns_constraint(prefix: str) -> models.CheckConstraint:
    """The row's district and regency are its village's (`RegionColumnsMixin`)."""
    return models.CheckConstraint(
        condition=Q(
            district=CodePrefix("village", DISTRICT_CODE_LENGTH),
            regency=CodePrefix("village", REGENCY_CODE_LENGTH),
        ),
        name=f"{prefix}_region_columns",
    )


class Person(RegionColumnsMixin, VerifiedModel):
    """A volunteer or officer of a PSKS component."""

    class Sex(models.TextChoices):
        MALE = MALE, _("laki-laki")
        FEMALE = FEMALE, _("perempuan")

    class Education(models.TextChoices):
        NONE = "none", _("tidak/belum sekolah")
        SD = "sd", _("SD/sederajat")
        SMP = "smp", _("SMP/sederajat")
        SMA = "sma", _("SMA/SMK/sederajat")
        D3 = "d3", _("Diploma (D1–D3)")
        S1 = "s1", _("D4/S1")
        S2 = "s2", _("S2")
        S3 = "s3", _("S3")

    class Status(models.TextChoices):
        ACTIVE = "active", _("aktif")
        INACTIVE = "inactive", _("tidak aktif")
        MOVED = "moved", _("pindah")
        DECEASED = "deceased", _("meninggal")

    nik = NikField(
        _("NIK"),
        unique=True,
        error_messages={"unique": _("NIK ini sudah terdaftar untuk relawan lain.")},
    )
    full_name = models.CharField(_("nama lengkap"), max_length=150)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex)
    birth_place = models.CharField(_("tempat lahir"), max_length=100)
    birth_date = models.DateField(_("tanggal lahir"))
    address = models.CharField(_("alamat"), max_length=255, help_text=_("Jalan, RT/RW, kampung/dusun."))
    phone = PhoneNumberField(_("nomor HP"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    education = models.CharField(_("pendidikan terakhir"), max_length=5, choices=Education, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.ACTIVE)
    status_date = models.DateField(_("tanggal status"), null=True, blank=True)
    status_reason = models.CharField(_("alasan status"), max_length=255, blank=True)
    notes = models.TextField(_("catatan"), blank=True)
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("akun login"),
        editable=False,
    )

    history = TrackedHistory(verbose_name=_("riwayat relawan"), excluded_fields=["updated_at"])

    # Changed by the volunteer at once (and recorded); every other field goes through a change request.
    CONTACT_FIELDS = ("phone", "email", "address")
    OFFICIAL_FIELDS = ("nik", "full_name", "sex", "birth_place", "birth_date")

    class Meta:
        verbose_name = _("relawan")
        verbose_name_plural = _("relawan")
        ordering = ["full_name", "pk"]
        constraints = [region_columns_constraint("registry_person")]
        indexes = [
            models.Index(fields=["regency", "status"], name="registry_person_reg_status_idx"),
            models.Index(fields=["district"], name="registry_person_district_idx"),
            models.Index(fields=["village"], name="registry_person_village_idx"),
            models.Index(fields=["full_name"], name="registry_person_name_idx"),
            *verification_indexes("registry_person"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs) -> None:
        self.sync_region_columns()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("admin:registry_person_change", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if self.birth_date and self.birth_date > timezone.localdate():
            errors["birth_date"] = _("Tanggal lahir tidak boleh di masa depan.")
        if self.status and self.status != self.Status.ACTIVE:
            if not self.status_date:
                errors["status_date"] = _("Isi tanggal perubahan status.")
            if not self.status_reason:
                errors["status_reason"] = _("Isi alasan perubahan status.")
        if self.status_date and self.status_date > timezone.localdate():
            errors["status_date"] = _("Tanggal status tidak boleh di masa depan.")
        if errors:
            raise ValidationError(errors)

    @property
    def masked_nik(self) -> str:
        return mask_nik(self.nik)


class Institution(RegionColumnsMixin, VerifiedModel):
    """An institution or unit (LKS, Karang Taruna, LK3, WKSBM, Dunia Usaha …); its roster is its memberships."""

    class Accreditation(models.TextChoices):
        A = "A", _("A")
        B = "B", _("B")
        C = "C", _("C")
        NONE = "none", _("belum terakreditasi")

    class Status(models.TextChoices):
        ACTIVE = "active", _("aktif")
        INACTIVE = "inactive", _("tidak aktif")

    psks_type = models.ForeignKey(
        PsksType,
        models.PROTECT,
        related_name="institutions",
        verbose_name=_("jenis"),
        limit_choices_to={"unit": PsksType.Unit.INSTITUTION},
        db_index=False,
    )
    name = models.CharField(_("nama lembaga"), max_length=200)
    address = models.CharField(_("alamat"), max_length=255)
    registration_number = models.CharField(
        _("nomor tanda daftar"),
        max_length=100,
        blank=True,
        help_text=_("Nomor Surat Tanda Daftar dari Dinas Sosial."),
    )
    registration_date = models.DateField(_("tanggal tanda daftar"), null=True, blank=True)
    registration_valid_until = models.DateField(_("tanda daftar berlaku sampai"), null=True, blank=True)
    legal_entity = models.BooleanField(_("berbadan hukum"), default=False)
    legal_entity_number = models.CharField(_("nomor SK Kemenkumham / akta"), max_length=100, blank=True)
    accreditation = models.CharField(_("akreditasi"), max_length=4, choices=Accreditation, default=Accreditation.NONE)
    accreditation_date = models.DateField(_("tanggal akreditasi"), null=True, blank=True)
    accreditation_valid_until = models.DateField(
        _("akreditasi berlaku sampai"),
        null=True,
        blank=True,
        help_text=_("Kosongkan untuk dihitung otomatis: A 5 tahun, B 3 tahun, C 2 tahun."),
    )
    service_fields = models.ManyToManyField(
        ServiceField, blank=True, related_name="institutions", verbose_name=_("bidang pelayanan")
    )
    chair = models.ForeignKey(
        Person, models.SET_NULL, null=True, blank=True, related_name="chaired_institutions", verbose_name=_("ketua")
    )
    phone = PhoneNumberField(_("telepon"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.ACTIVE)
    notes = models.TextField(_("catatan"), blank=True)

    history = TrackedHistory(
        verbose_name=_("riwayat lembaga"),
        excluded_fields=["updated_at"],
        m2m_fields=[service_fields],
    )

    class Meta:
        verbose_name = _("lembaga")
        verbose_name_plural = _("lembaga")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration_number"],
                condition=~Q(registration_number=""),
                name="registry_institution_unique_registration_number",
                violation_error_message=_("Nomor tanda daftar ini sudah dipakai lembaga lain."),
            ),
            models.UniqueConstraint(
                fields=["village"],
                condition=Q(psks_type="KT", status="active"),
                name="registry_institution_one_karang_taruna_per_village",
                violation_error_message=_("Desa/kelurahan ini sudah memiliki Karang Taruna yang aktif."),
            ),
            region_columns_constraint("registry_institution"),
        ]
        indexes = [
            models.Index(fields=["regency", "psks_type", "status"], name="registry_inst_reg_type_idx"),
            models.Index(fields=["psks_type"], name="registry_inst_type_idx"),
            models.Index(fields=["district"], name="registry_inst_district_idx"),
            models.Index(fields=["village"], name="registry_inst_village_idx"),
            *verification_indexes("registry_inst"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.sync_region_columns()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("admin:registry_institution_change", args=[self.pk])

    ACCREDITATION_YEARS = {"A": 5, "B": 3, "C": 2}

    def clean(self) -> None:
        errors = {}
        if (
            self.registration_valid_until
            and self.registration_date
            and self.registration_valid_until < self.registration_date
        ):
            errors["registration_valid_until"] = _("Masa berlaku tidak boleh sebelum tanggal tanda daftar.")
        if self.accreditation in self.ACCREDITATION_YEARS:
            if not self.accreditation_date:
                errors["accreditation_date"] = _("Isi tanggal akreditasi.")
            elif not self.accreditation_valid_until:
                years = self.ACCREDITATION_YEARS[self.accreditation]
                date = self.accreditation_date
                try:
                    self.accreditation_valid_until = date.replace(year=date.year + years)
                except ValueError:  # 29 February
                    self.accreditation_valid_until = date.replace(year=date.year + years, day=28)
        if self.legal_entity and not self.legal_entity_number:
            errors["legal_entity_number"] = _("Lembaga berbadan hukum wajib mencantumkan nomor SK/akta.")
        if errors:
            raise ValidationError(errors)


class Membership(VerifiedModel):
    """A person's place in a PSKS component: type, unit, assignment area, decree, term."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("aktif")
        ENDED = "ended", _("berakhir")

    person = models.ForeignKey(Person, models.CASCADE, related_name="memberships", verbose_name=_("relawan"))
    psks_type = models.ForeignKey(
        PsksType, models.PROTECT, related_name="memberships", verbose_name=_("jenis PSKS"), db_index=False
    )
    institution = models.ForeignKey(
        Institution,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("lembaga/unit"),
        db_index=False,
    )
    position = models.CharField(_("jabatan dalam unit"), max_length=100, blank=True)
    district = models.ForeignKey(
        "regions.District",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kecamatan tugas"),
        help_text=_("Wajib untuk TKSK dan Pendamping PKH."),
        db_index=False,
    )
    regency = models.ForeignKey(
        "regions.Regency",
        models.PROTECT,
        related_name="+",
        verbose_name=_("kabupaten/kota"),
        blank=True,
        db_index=False,
        help_text=_("Wilayah tugas (misalnya Tagana). Kosongkan untuk diisi dari kecamatan, lembaga, atau domisili."),
    )
    decree_number = models.CharField(_("nomor SK"), max_length=100, blank=True)
    decree_date = models.DateField(_("tanggal SK"), null=True, blank=True)
    decree_issuer = models.CharField(_("penerbit SK"), max_length=150, blank=True)
    membership_number = models.CharField(_("nomor anggota"), max_length=50, blank=True)
    start_date = models.DateField(_("tanggal mulai"))
    end_date = models.DateField(_("tanggal selesai"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.ACTIVE)
    status_reason = models.CharField(_("alasan status"), max_length=255, blank=True)

    history = TrackedHistory(verbose_name=_("riwayat keanggotaan"), excluded_fields=["updated_at"])

    OFFICIAL_FIELDS = (
        "psks_type",
        "institution",
        "position",
        "district",
        "decree_number",
        "decree_date",
        "decree_issuer",
        "membership_number",
        "start_date",
        "end_date",
    )

    class Meta:
        verbose_name = _("keanggotaan")
        verbose_name_plural = _("keanggotaan")
        ordering = ["-start_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["district"],
                condition=Q(psks_type="TKSK", status="active"),
                name="registry_membership_one_active_tksk_per_district",
                violation_error_message=_("Kecamatan ini sudah memiliki TKSK yang aktif."),
            ),
            models.UniqueConstraint(
                fields=["psks_type", "membership_number"],
                condition=~Q(membership_number=""),
                name="registry_membership_unique_number_per_type",
                violation_error_message=_("Nomor anggota ini sudah dipakai untuk jenis PSKS yang sama."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="registry_membership_end_after_start",
                violation_error_message=_("Tanggal selesai tidak boleh sebelum tanggal mulai."),
            ),
        ]
        indexes = [
            models.Index(fields=["regency", "psks_type", "status"], name="registry_memb_reg_type_idx"),
            # The admin list's default order: its first page read from the index, not sorted from every row.
            models.Index(fields=["-start_date", "id"], name="registry_memb_start_idx"),
            models.Index(fields=["psks_type"], name="registry_memb_type_idx"),
            # Most memberships have neither a kecamatan of duty nor a unit: indexed where they have one.
            models.Index(fields=["district"], name="registry_memb_district_idx", condition=Q(district__isnull=False)),
            models.Index(
                fields=["institution"], name="registry_memb_institution_idx", condition=Q(institution__isnull=False)
            ),
            *verification_indexes("registry_memb"),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.psks_type_id}"

    def save(self, *args, **kwargs) -> None:
        self.sync_region_columns()
        super().save(*args, **kwargs)

    def sync_region_columns(self) -> None:
        """The regency a membership belongs to: its district's, else its unit's, else the person's domicile."""
        if self.district_id:
            self.regency_id = regency_code_of(self.district_id)
        elif not self.regency_id:
            if self.institution_id:
                self.regency_id = self.institution.regency_id
            elif self.person_id:
                self.regency_id = self.person.regency_id

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.end_date and self.start_date and self.end_date < self.start_date:
            errors["end_date"] = _("Tanggal selesai tidak boleh sebelum tanggal mulai.")
        psks_type = self.psks_type if self.psks_type_id else None
        if psks_type is not None:
            if psks_type.area_level == PsksType.AreaLevel.DISTRICT and not self.district_id:
                errors["district"] = _("%(type)s wajib memiliki kecamatan tugas.") % {"type": psks_type.abbreviation}
            if psks_type.area_level == PsksType.AreaLevel.REGENCY and not (self.regency_id or self.district_id):
                errors["regency"] = _("%(type)s wajib memiliki kabupaten/kota tugas.") % {
                    "type": psks_type.abbreviation
                }
            if self.institution_id and self.institution.psks_type_id != psks_type.code:
                errors["institution"] = _("Lembaga ini berjenis %(inst)s, bukan %(type)s.") % {
                    "inst": self.institution.psks_type.abbreviation,
                    "type": psks_type.abbreviation,
                }
            if (
                psks_type.one_per_district
                and self.district_id
                and self.status == self.Status.ACTIVE
                and "district" not in errors
            ):
                holder = (
                    Membership.objects.filter(psks_type=psks_type, district_id=self.district_id, status="active")
                    .exclude(pk=self.pk)
                    .select_related("person", "district")
                    .first()
                )
                if holder is not None:
                    errors["district"] = _(
                        "Kecamatan %(district)s sudah memiliki %(type)s aktif: %(name)s (sejak %(since)s). "
                        "Akhiri dulu keanggotaan tersebut."
                    ) % {
                        "district": holder.district.name,
                        "type": psks_type.abbreviation,
                        "name": holder.person.full_name,
                        "since": holder.start_date.strftime("%d-%m-%Y"),
                    }
            if self.person_id and self.status == self.Status.ACTIVE:
                duplicate = (
                    Membership.objects.filter(
                        person_id=self.person_id,
                        psks_type=psks_type,
                        institution_id=self.institution_id,
                        status="active",
                    )
                    .exclude(pk=self.pk)
                    .exists()
                )
                if duplicate:
                    errors["psks_type"] = _("Relawan ini sudah memiliki keanggotaan %(type)s aktif yang sama.") % {
                        "type": psks_type.abbreviation
                    }
        if self.status == self.Status.ENDED and not self.end_date:
            errors["end_date"] = _("Isi tanggal selesai untuk keanggotaan yang berakhir.")
        if errors:
            raise ValidationError(errors)


class ChangeRequest(TimeStampedModel):
    """A volunteer's or coordinator's change to official data, waiting for the staff of its regency.

    `changes` holds the field-by-field difference as `{field: {"old": ..., "new": ...}}` (values as
    form strings); `base_version` is the record's version when it was asked, so an approval can
    tell whether the record changed meanwhile.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("menunggu")
        APPROVED = "approved", _("disetujui")
        REJECTED = "rejected", _("ditolak")
        WITHDRAWN = "withdrawn", _("dibatalkan")

    person = models.ForeignKey(Person, models.CASCADE, related_name="change_requests", verbose_name=_("relawan"))
    membership = models.ForeignKey(
        Membership,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="change_requests",
        verbose_name=_("keanggotaan"),
        help_text=_("Kosong bila yang diubah data relawan."),
    )
    regency = models.ForeignKey(
        "regions.Regency", models.PROTECT, related_name="+", verbose_name=_("kabupaten/kota"), editable=False
    )
    changes = models.JSONField(_("perubahan"))
    base_version = models.PositiveIntegerField(_("versi data saat diajukan"))
    note = models.TextField(_("keterangan pemohon"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING, db_index=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("diajukan oleh")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diputuskan oleh"),
    )
    decided_at = models.DateTimeField(_("diputuskan pada"), null=True, blank=True)
    decision_reason = models.TextField(_("alasan keputusan"), blank=True)

    class Meta:
        verbose_name = _("permintaan perubahan")
        verbose_name_plural = _("permintaan perubahan")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["regency", "status"], name="registry_changereq_reg_st_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(decision_reason=""),
                name="registry_changerequest_rejection_has_reason",
            )
        ]

    def __str__(self) -> str:
        return _("Perubahan data %(person)s (%(date)s)") % {
            "person": self.person,
            "date": timezone.localtime(self.created_at).strftime("%d-%m-%Y") if self.created_at else "",
        }

    @property
    def target(self) -> Person | Membership:
        return self.membership if self.membership_id else self.person

    def field_label(self, name: str) -> str:
        return str(type(self.target)._meta.get_field(name).verbose_name)
