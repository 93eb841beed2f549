"""PMKS/PPKS beneficiaries and the cases that follow them (glossary §6, §8, §9).

Region columns (village, district, regency) are stored on the beneficiary and on each case, so the
lists, scoping and dashboard counts over a million cases need no joins (bench/README.md). They are
written only by `cases.services`, which also keeps a case's columns right when its beneficiary moves.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.names import name_key
from cases.photos import private_storage
from pskshub.lib.history import TrackedHistory
from registry.models import NikField, RegionColumnsMixin, region_columns_constraint
from registry.nik import FEMALE, MALE, mask_nik, validate_kk


class PmksCategory(models.Model):
    """Reference data: the 26 PMKS of Permensos 08/2012, with the PPKS name used since Permensos 5/2019."""

    code = models.CharField(_("kode"), max_length=10, primary_key=True)
    name = models.CharField(_("nama PMKS"), max_length=120)
    ppks_name = models.CharField(_("nama PPKS"), max_length=120, blank=True)
    abbreviation = models.CharField(_("singkatan"), max_length=20, blank=True)
    criteria = models.TextField(_("kriteria"), blank=True)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        verbose_name = _("jenis PMKS")
        verbose_name_plural = _("jenis PMKS")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Programme(models.Model):
    """Reference data: social-assistance programmes, and the programmes each must not double (glossary §9)."""

    class Level(models.TextChoices):
        NATIONAL = "national", _("pusat")
        PROVINCE = "province", _("provinsi")
        REGENCY = "regency", _("kabupaten/kota")

    code = models.SlugField(_("kode"), max_length=20, primary_key=True)
    name = models.CharField(_("nama program"), max_length=150)
    level = models.CharField(_("tingkat"), max_length=10, choices=Level)
    excludes = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="excluded_by",
        verbose_name=_("tidak boleh ganda dengan"),
        help_text=_("Penerima program ini tidak boleh sekaligus menerima program-program berikut."),
    )
    description = models.TextField(_("keterangan"), blank=True)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        verbose_name = _("program bantuan")
        verbose_name_plural = _("program bantuan")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class YesNoUnknown(models.TextChoices):
    YES = "yes", _("ya")
    NO = "no", _("tidak")
    UNKNOWN = "unknown", _("tidak diketahui")


class Beneficiary(RegionColumnsMixin, models.Model):
    """A person served (PMKS/PPKS), with or without a NIK, and their household's conditions.

    Households (rumah tangga) are stored, not grouped on every read: the beneficiaries who share a No. KK
    form one household, represented by the one with the lowest id; a beneficiary without No. KK is a
    household of their own. `represented_by` holds the representative's id on every other member and is
    empty on representatives, so "representatives" is `represented_by IS NULL`, and the dashboards count
    households per region and decile with an index of them alone (`cases_benef_households_idx`); the
    household's region and decile are its representative's. Only `cases.services.refresh_households`
    writes it, after every write that creates beneficiaries or changes a No. KK (services, the import,
    `seed_synthetic`, which works it out while generating); a beneficiary saved with a No. KK but not yet
    refreshed counts as its own household.
    """

    class Sex(models.TextChoices):
        MALE = MALE, _("laki-laki")
        FEMALE = FEMALE, _("perempuan")

    class DecileSource(models.TextChoices):
        DTSEN = "dtsen", _("DTSEN")
        DTKS = "dtks", _("DTKS")
        FIELD = "field", _("pendataan lapangan")

    class House(models.TextChoices):
        FIT = "fit", _("layak huni")
        RTLH = "rtlh", _("tidak layak huni (RTLH)")
        UNKNOWN = "unknown", _("tidak diketahui")

    class Electricity(models.TextChoices):
        PLN_OWN = "pln_own", _("PLN, meteran sendiri")
        PLN_SHARED = "pln_shared", _("PLN, menumpang")
        NON_PLN = "non_pln", _("bukan PLN")
        NONE = "none", _("tidak ada listrik")
        UNKNOWN = "unknown", _("tidak diketahui")

    class Toilet(models.TextChoices):
        OWN = "own", _("milik sendiri")
        SHARED = "shared", _("bersama/umum")
        NONE = "none", _("tidak ada")
        UNKNOWN = "unknown", _("tidak diketahui")

    class Disability(models.TextChoices):
        PHYSICAL = "physical", _("disabilitas fisik")
        INTELLECTUAL = "intellectual", _("disabilitas intelektual")
        MENTAL = "mental", _("disabilitas mental")
        SENSORY = "sensory", _("disabilitas sensorik")
        MULTIPLE = "multiple", _("disabilitas ganda")

    nik = NikField(
        _("NIK"),
        null=True,
        blank=True,
        unique=True,
        help_text=_("Kosongkan bila tidak punya atau tidak diketahui."),
        error_messages={"unique": _("NIK ini sudah terdaftar sebagai penerima manfaat lain.")},
    )
    kk_number = models.CharField(
        _("No. KK"), max_length=16, blank=True, validators=[validate_kk], help_text=_("Nomor Kartu Keluarga, 16 digit.")
    )
    full_name = models.CharField(_("nama lengkap"), max_length=150)
    name_key = models.CharField(_("kunci nama"), max_length=150, editable=False)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex)
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    birth_date_estimated = models.BooleanField(
        _("tanggal lahir perkiraan"), default=False, help_text=_("Dihitung dari perkiraan umur.")
    )
    location_description = models.CharField(
        _("keterangan lokasi"), max_length=255, blank=True, help_text=_("Alamat atau gambaran tempat ditemukan.")
    )
    dtks_status = models.CharField(
        _("terdaftar di DTKS"), max_length=10, choices=YesNoUnknown, default=YesNoUnknown.UNKNOWN
    )
    decile = models.PositiveSmallIntegerField(
        _("desil"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    decile_as_of = models.DateField(_("desil per tanggal"), null=True, blank=True)
    decile_source = models.CharField(_("sumber desil"), max_length=10, choices=DecileSource, blank=True)
    house = models.CharField(_("kondisi rumah"), max_length=10, choices=House, default=House.UNKNOWN)
    electricity = models.CharField(_("sumber listrik"), max_length=12, choices=Electricity, default=Electricity.UNKNOWN)
    toilet = models.CharField(_("jamban keluarga"), max_length=10, choices=Toilet, default=Toilet.UNKNOWN)
    clean_water = models.CharField(_("air bersih"), max_length=10, choices=YesNoUnknown, default=YesNoUnknown.UNKNOWN)
    disability = models.CharField(_("jenis disabilitas"), max_length=15, choices=Disability, blank=True)
    categories = models.ManyToManyField(PmksCategory, related_name="beneficiaries", verbose_name=_("jenis PMKS"))
    notes = models.TextField(_("catatan"), blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    version = models.PositiveIntegerField(_("versi"), default=1, editable=False)
    represented_by = models.BigIntegerField(
        _("rumah tangga diwakili oleh"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("ID penerima manfaat yang mewakili rumah tangganya (No. KK yang sama); kosong bila ia sendiri."),
    )

    history = TrackedHistory(
        verbose_name=_("riwayat penerima manfaat"),
        excluded_fields=["updated_at", "represented_by"],
    )

    IDENTITY_FIELDS = ("nik", "kk_number")

    class Meta:
        verbose_name = _("penerima manfaat")
        verbose_name_plural = _("penerima manfaat")
        ordering = ["full_name", "pk"]
        constraints = [region_columns_constraint("cases_beneficiary")]
        indexes = [
            models.Index(fields=["regency", "district"], name="cases_benef_region_idx"),
            models.Index(fields=["district"], name="cases_benef_district_idx"),
            models.Index(fields=["kk_number"], name="cases_benef_kk_idx", condition=~Q(kk_number="")),
            models.Index(fields=["village", "birth_date"], name="cases_benef_village_birth_idx"),
            models.Index(fields=["regency", "decile"], name="cases_benef_reg_decile_idx"),
            # Households per region and decile, read from the index alone (dashboards.case_panels.households).
            models.Index(
                fields=["regency", "district", "decile"],
                name="cases_benef_households_idx",
                condition=Q(represented_by__isnull=True),
            ),
            # The members of a household whose representative changed No. KK (services.refresh_households).
            models.Index(
                fields=["represented_by"], name="cases_benef_represented_idx", condition=Q(represented_by__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs) -> None:
        self.sync_region_columns()
        self.name_key = name_key(self.full_name)[:150]
        if not self.nik:
            self.nik = None  # unique only when given
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("admin:cases_beneficiary_change", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if self.birth_date and self.birth_date > timezone.localdate():
            errors["birth_date"] = _("Tanggal lahir tidak boleh di masa depan.")
        if self.decile and not self.decile_as_of:
            errors["decile_as_of"] = _("Isi tanggal data desil.")
        if errors:
            raise ValidationError(errors)

    @property
    def masked_nik(self) -> str:
        return mask_nik(self.nik or "")

    @property
    def masked_kk(self) -> str:
        return mask_nik(self.kk_number)

    @property
    def age(self) -> int | None:
        if not self.birth_date:
            return None
        today = timezone.localdate()
        return (
            today.year
            - self.birth_date.year
            - ((today.month, today.day) < (self.birth_date.month, self.birth_date.day))
        )

    @staticmethod
    def birth_date_from_age(age: int, *, today: dt.date | None = None) -> dt.date:
        """The birth date recorded for an estimated age: 1 July of the year it implies."""
        today = today or timezone.localdate()
        return dt.date(today.year - age, 7, 1)


class Case(RegionColumnsMixin, models.Model):
    """One case of a beneficiary, from report to outcome; every step is an entry on its timeline."""

    class Status(models.TextChoices):
        NEW = "new", _("baru")
        VERIFIED = "verified", _("terverifikasi")
        ASSESSMENT = "assessment", _("asesmen")
        INTERVENTION = "intervention", _("intervensi")
        CLOSED = "closed", _("selesai")
        REJECTED = "rejected", _("ditolak")

    class Source(models.TextChoices):
        OUTREACH = "outreach", _("penjangkauan")
        VOLUNTEER = "volunteer", _("laporan relawan")
        PUBLIC = "public", _("laporan masyarakat")
        REFERRAL = "referral", _("rujukan")

    class Priority(models.IntegerChoices):
        LOW = 1, _("rendah")
        NORMAL = 2, _("sedang")
        HIGH = 3, _("tinggi")
        URGENT = 4, _("darurat")

    class Outcome(models.TextChoices):
        SERVED = "served", _("tertangani")
        REFERRED = "referred", _("dirujuk ke lembaga")
        RETURNED = "returned", _("dikembalikan ke keluarga")
        MOVED = "moved", _("pindah domisili")
        DECEASED = "deceased", _("meninggal dunia")
        NOT_FOUND = "not_found", _("tidak ditemukan")
        OTHER = "other", _("lainnya")

    OPEN_STATUSES = (Status.NEW, Status.VERIFIED, Status.ASSESSMENT, Status.INTERVENTION)

    beneficiary = models.ForeignKey(
        Beneficiary, models.PROTECT, related_name="cases", verbose_name=_("penerima manfaat")
    )
    category = models.ForeignKey(
        PmksCategory, models.PROTECT, related_name="cases", verbose_name=_("jenis PMKS utama"), db_index=False
    )
    other_categories = models.ManyToManyField(
        PmksCategory, blank=True, related_name="+", verbose_name=_("jenis PMKS lain")
    )
    source = models.CharField(_("sumber"), max_length=10, choices=Source, default=Source.VOLUNTEER)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="reported_cases",
        verbose_name=_("pelapor"),
        editable=False,
        db_index=False,  # cases_case_reporter_idx
    )
    reporter_name = models.CharField(
        _("nama pelapor"), max_length=150, blank=True, help_text=_("Untuk laporan masyarakat tanpa akun.")
    )
    priority = models.PositiveSmallIntegerField(_("prioritas"), choices=Priority, default=Priority.NORMAL)
    description = models.TextField(_("uraian"), help_text=_("Apa yang dilihat atau dilaporkan."))
    assignee = models.ForeignKey(
        "registry.Person",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("relawan pendamping"),
        db_index=False,  # cases_case_assignee_idx
    )
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.NEW, editable=False)
    status_changed_at = models.DateTimeField(_("status diubah"), default=timezone.now, editable=False)
    rejection_reason = models.CharField(_("alasan penolakan"), max_length=255, blank=True, editable=False)
    outcome = models.CharField(_("hasil akhir"), max_length=10, choices=Outcome, blank=True, editable=False)
    opened_at = models.DateTimeField(_("dilaporkan"), default=timezone.now, editable=False)
    closed_at = models.DateTimeField(_("ditutup"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    version = models.PositiveIntegerField(_("versi"), default=1, editable=False)

    history = TrackedHistory(verbose_name=_("riwayat kasus"), excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("kasus")
        verbose_name_plural = _("kasus")
        ordering = ["-opened_at", "-pk"]
        constraints = [region_columns_constraint("cases_case")]
        indexes = [
            models.Index(fields=["-opened_at", "-id"], name="cases_case_opened_idx"),
            models.Index(fields=["regency", "status", "-opened_at"], name="cases_case_reg_status_idx"),
            models.Index(fields=["regency", "category", "status"], name="cases_case_reg_cat_idx"),
            models.Index(fields=["district", "status"], name="cases_case_district_idx"),
            models.Index(fields=["assignee", "-opened_at"], name="cases_case_assignee_idx"),
            models.Index(fields=["reported_by", "-opened_at"], name="cases_case_reporter_idx"),
            models.Index(fields=["category"], name="cases_case_category_idx"),
            models.Index(fields=["village"], name="cases_case_village_idx"),
        ]

    def __str__(self) -> str:
        return _("Kasus #%(pk)s") % {"pk": self.pk} if self.pk else str(_("Kasus baru"))

    def get_absolute_url(self) -> str:
        return reverse("admin:cases_case_change", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class CaseEntry(models.Model):
    """A line of a case's timeline: its report, each status change, note, visit, assignment or referral."""

    class Kind(models.TextChoices):
        REPORTED = "reported", _("laporan")
        TRANSITION = "transition", _("perubahan status")
        NOTE = "note", _("catatan")
        VISIT = "visit", _("kunjungan")
        ASSIGNMENT = "assignment", _("penugasan")
        DETAILS = "details", _("perubahan rincian")
        INTERVENTION = "intervention", _("intervensi/rujukan")
        MERGE = "merge", _("penggabungan data")

    case = models.ForeignKey(Case, models.CASCADE, related_name="entries", verbose_name=_("kasus"))
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind)
    at = models.DateTimeField(_("waktu"), default=timezone.now)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("oleh")
    )
    text = models.TextField(_("isi"), blank=True)
    from_status = models.CharField(_("dari status"), max_length=12, choices=Case.Status, blank=True)
    to_status = models.CharField(_("ke status"), max_length=12, choices=Case.Status, blank=True)
    visited_on = models.DateField(_("tanggal kunjungan"), null=True, blank=True)

    class Meta:
        verbose_name = _("riwayat kasus")
        verbose_name_plural = _("riwayat kasus")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "at"], name="cases_entry_case_at_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.at:%Y-%m-%d %H:%M}"


def photo_path(instance: CasePhoto, filename: str) -> str:
    return f"cases/photos/{timezone.now():%Y/%m}/{instance.entry.case_id}-{filename}"


class CasePhoto(models.Model):
    """A photo of a report or a visit: JPEG/PNG, size-checked, metadata (GPS) removed unless the user kept it."""

    entry = models.ForeignKey(CaseEntry, models.CASCADE, related_name="photos", verbose_name=_("riwayat"))
    image = models.ImageField(
        _("foto"),
        upload_to=photo_path,
        storage=private_storage,
        max_length=255,
        width_field="width",
        height_field="height",
    )
    width = models.PositiveIntegerField(editable=False, null=True)
    height = models.PositiveIntegerField(editable=False, null=True)
    kept_location = models.BooleanField(_("lokasi disimpan"), default=False)
    uploaded_at = models.DateTimeField(_("diunggah"), auto_now_add=True)

    class Meta:
        verbose_name = _("foto")
        verbose_name_plural = _("foto")

    def __str__(self) -> str:
        return self.image.name


class Intervention(models.Model):
    """An enrolment in a programme or a referral to an institution of the registry (an LKS)."""

    class Kind(models.TextChoices):
        PROGRAMME = "programme", _("program bantuan")
        REFERRAL = "referral", _("rujukan ke lembaga")

    class Status(models.TextChoices):
        PLANNED = "planned", _("direncanakan")
        ACTIVE = "active", _("berjalan")
        DONE = "done", _("selesai")
        CANCELLED = "cancelled", _("dibatalkan")

    CURRENT_STATUSES = (Status.PLANNED, Status.ACTIVE)

    case = models.ForeignKey(Case, models.CASCADE, related_name="interventions", verbose_name=_("kasus"))
    beneficiary = models.ForeignKey(
        Beneficiary, models.CASCADE, related_name="interventions", verbose_name=_("penerima manfaat"), editable=False
    )
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind)
    programme = models.ForeignKey(
        Programme, models.PROTECT, null=True, blank=True, related_name="interventions", verbose_name=_("program")
    )
    institution = models.ForeignKey(
        "registry.Institution",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("lembaga tujuan"),
    )
    started_on = models.DateField(_("mulai"), default=timezone.localdate)
    ended_on = models.DateField(_("selesai"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PLANNED)
    outcome = models.TextField(_("hasil"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    history = TrackedHistory(verbose_name=_("riwayat intervensi"))

    class Meta:
        verbose_name = _("intervensi/rujukan")
        verbose_name_plural = _("intervensi/rujukan")
        ordering = ["-started_on", "-pk"]
        indexes = [models.Index(fields=["beneficiary", "status"], name="cases_interv_benef_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="cases_intervention_end_after_start",
                violation_error_message=_("Tanggal selesai tidak boleh sebelum tanggal mulai."),
            ),
            models.CheckConstraint(
                condition=(Q(kind="programme") & Q(programme__isnull=False))
                | (Q(kind="referral") & Q(institution__isnull=False)),
                name="cases_intervention_target",
                violation_error_message=_("Pilih program untuk bantuan, atau lembaga untuk rujukan."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.programme or self.institution or self.get_kind_display())

    def clean(self) -> None:
        errors = {}
        if self.kind == self.Kind.PROGRAMME and not self.programme_id:
            errors["programme"] = _("Pilih program bantuannya.")
        if self.kind == self.Kind.REFERRAL and not self.institution_id:
            errors["institution"] = _("Pilih lembaga tujuan rujukan.")
        if self.ended_on and self.started_on and self.ended_on < self.started_on:
            errors["ended_on"] = _("Tanggal selesai tidak boleh sebelum tanggal mulai.")
        if errors:
            raise ValidationError(errors)
