"""Forums of the PSKS (glossary §5): Forum PSKS, Forpeksos, IPSM boards …, their officers' terms, and events.

- `Forum`: one body at province, regency or district level, under a parent forum of the same kind.
- `Position` (reference data, loaded by migration) and `OfficerTerm`: who held which office, from when to
  when. A term is never overwritten: a chair replaced mid-term keeps their (ended) term, the successor
  gets a new one. `OfficerTerm.objects.current(on=date)` gives the officers on any date.
- `Event` and `Participation`: jambore, musyawarah, rakor, bimtek … and who attended.

Region columns (`regency`, `district`) are stored on `Forum` and `Event` rows (like the registry), so
scoping and dashboard counts need no joins. A null regency means province level.
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from regions.models import regency_code_of

STATUTES_MAX_BYTES = 5 * 1024 * 1024  # 5 MB
PDF_MAGIC = b"%PDF-"
DATE_FORMAT = "%d-%m-%Y"


def _date(value: dt.date | None) -> str:
    return value.strftime(DATE_FORMAT) if value else ""


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` months earlier (the month's last day when it is shorter): 31-05 → 28/29-02."""
    year, month0 = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))


# --- Statutes (AD/ART) upload checks ---------------------------------------------------------------------------------

validate_pdf_extension = FileExtensionValidator(
    allowed_extensions=["pdf"],
    message=_("Berkas AD/ART harus berformat PDF (.pdf); berkas Anda berakhiran .%(extension)s."),
)


def validate_pdf_content(file) -> None:
    """The file really is a PDF: it starts with `%PDF-` (a PNG renamed .pdf is refused)."""
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        head = file.read(len(PDF_MAGIC))
    finally:
        file.seek(position)
    if head != PDF_MAGIC:
        raise ValidationError(
            _("Isi berkas AD/ART bukan PDF (mungkin berkas lain yang diganti namanya). Unggah berkas PDF asli."),
            code="not_pdf",
        )


def validate_statutes_size(file) -> None:
    if file.size > STATUTES_MAX_BYTES:
        raise ValidationError(
            _("Ukuran berkas AD/ART paling besar %(max)s; berkas Anda %(size)s."),
            code="too_large",
            params={"max": filesizeformat(STATUTES_MAX_BYTES), "size": filesizeformat(file.size)},
        )


# --- Forums ----------------------------------------------------------------------------------------------------------


class ForumQuerySet(models.QuerySet):
    def active(self) -> ForumQuerySet:
        return self.filter(status=Forum.Status.ACTIVE)

    def province_level(self) -> ForumQuerySet:
        return self.filter(level=Forum.Level.PROVINCE)

    def in_regencies(self, regency_codes) -> ForumQuerySet:
        return self.filter(regency_id__in=regency_codes)

    def with_current_chair(self, on: dt.date | None = None) -> ForumQuerySet:
        """Annotate `chair_name` and `chair_acting` (None: no chair on that date), in the same query."""
        terms = (
            OfficerTerm.objects.filter(forum_id=OuterRef("pk"), position_id=Position.CHAIR)
            .current(on)
            .order_by("-start_date", "-pk")
        )
        return self.annotate(
            chair_name=Subquery(terms.values("person__full_name")[:1]),
            chair_acting=Subquery(terms.values("acting")[:1]),
        )


class Forum(models.Model):
    class Kind(models.TextChoices):
        FORUM_PSKS = "forum_psks", _("Forum PSKS")
        FORPEKSOS = "forpeksos", _("Forpeksos (Forum Pekerja Sosial)")
        IPSM = "ipsm", _("IPSM (Ikatan Pekerja Sosial Masyarakat)")
        FORUM_TKSK = "forum_tksk", _("Forum TKSK")
        FORUM_KARANG_TARUNA = "forum_kt", _("Forum Karang Taruna")
        OTHER = "other", _("lainnya")

    class Level(models.TextChoices):
        PROVINCE = "province", _("provinsi")
        REGENCY = "regency", _("kabupaten/kota")
        DISTRICT = "district", _("kecamatan")

    class Status(models.TextChoices):
        ACTIVE = "active", _("aktif")
        INACTIVE = "inactive", _("tidak aktif")

    LEVEL_RANK = {Level.PROVINCE: 0, Level.REGENCY: 1, Level.DISTRICT: 2}

    name = models.CharField(_("nama forum"), max_length=200)
    kind = models.CharField(_("jenis forum"), max_length=12, choices=Kind, db_index=True)
    level = models.CharField(_("tingkat"), max_length=10, choices=Level, db_index=True)
    regency = models.ForeignKey(
        "regions.Regency",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kabupaten/kota"),
        help_text=_("Wajib untuk forum kabupaten/kota; kosong untuk forum provinsi."),
    )
    district = models.ForeignKey(
        "regions.District",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kecamatan"),
        help_text=_("Hanya untuk forum tingkat kecamatan."),
    )
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("forum induk"),
        help_text=_("Forum kabupaten/kota: forum provinsi dengan jenis yang sama."),
    )
    founded_on = models.DateField(_("tanggal dibentuk"), null=True, blank=True)
    founding_event = models.CharField(
        _("dibentuk pada acara"),
        max_length=200,
        blank=True,
        help_text=_("Misalnya: Jambore PSKS Provinsi Banten, Anyer."),
    )
    decree_number = models.CharField(_("nomor SK pembentukan"), max_length=100, blank=True)
    decree_date = models.DateField(_("tanggal SK pembentukan"), null=True, blank=True)
    inaugurated_on = models.DateField(_("tanggal dikukuhkan"), null=True, blank=True)
    inaugurated_by = models.CharField(
        _("dikukuhkan oleh"), max_length=200, blank=True, help_text=_("Nama dan jabatan pejabat yang mengukuhkan.")
    )
    psks_types = models.ManyToManyField(
        "registry.PsksType", blank=True, related_name="forums", verbose_name=_("jenis PSKS yang dihimpun")
    )
    statutes = models.FileField(
        _("AD/ART (PDF)"),
        upload_to="forums/statutes/%Y/",
        blank=True,
        validators=[validate_pdf_extension, validate_pdf_content, validate_statutes_size],
        help_text=_("Berkas PDF, paling besar 5 MB."),
    )
    description = models.TextField(_("keterangan"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.ACTIVE, db_index=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    history = HistoricalRecords(
        verbose_name=_("riwayat forum"), excluded_fields=["updated_at"], m2m_fields=[psks_types]
    )

    objects = ForumQuerySet.as_manager()

    class Meta:
        verbose_name = _("forum")
        verbose_name_plural = _("forum")
        ordering = ["level", "regency_id", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(level="province", regency__isnull=True, district__isnull=True)
                    | Q(level="regency", regency__isnull=False, district__isnull=True)
                    | Q(level="district", regency__isnull=False, district__isnull=False)
                ),
                name="forums_forum_region_matches_level",
                violation_error_message=_("Wilayah forum tidak sesuai dengan tingkatnya."),
            ),
        ]
        indexes = [models.Index(fields=["regency", "kind", "status"], name="forums_forum_reg_kind_idx")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.sync_region_columns()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("admin:forums_forum_change", args=[self.pk])

    def sync_region_columns(self) -> None:
        if self.district_id:
            self.regency_id = regency_code_of(self.district_id)

    def clean(self) -> None:
        self.sync_region_columns()
        errors: dict[str, str] = {}
        if self.level == self.Level.PROVINCE:
            if self.regency_id or self.district_id:
                errors["regency"] = _("Forum tingkat provinsi tidak memiliki kabupaten/kota atau kecamatan.")
            if self.parent_id:
                errors["parent"] = _("Forum tingkat provinsi tidak memiliki forum induk.")
        elif self.level == self.Level.REGENCY:
            if not self.regency_id:
                errors["regency"] = _("Isi kabupaten/kota forum ini.")
            if self.district_id:
                errors["district"] = _("Forum kabupaten/kota tidak memiliki kecamatan; pilih tingkat kecamatan.")
        elif self.level == self.Level.DISTRICT and not self.district_id:
            errors["district"] = _("Isi kecamatan forum ini.")
        if self.parent_id and "parent" not in errors:
            parent = self.parent
            if self.pk and parent.pk == self.pk:
                errors["parent"] = _("Forum tidak dapat menjadi induk dirinya sendiri.")
            elif parent.kind != self.kind:
                errors["parent"] = _("Forum induk harus berjenis sama (%(kind)s); %(parent)s berjenis %(other)s.") % {
                    "kind": self.get_kind_display(),
                    "parent": parent.name,
                    "other": parent.get_kind_display(),
                }
            elif self.level and self.LEVEL_RANK[parent.level] != self.LEVEL_RANK[self.level] - 1:
                expected = self.Level.PROVINCE if self.level == self.Level.REGENCY else self.Level.REGENCY
                errors["parent"] = _("Forum induk forum %(level)s harus forum tingkat %(expected)s.") % {
                    "level": self.get_level_display(),
                    "expected": expected.label,
                }
            elif self.level == self.Level.DISTRICT and parent.regency_id != self.regency_id:
                errors["parent"] = _("Forum induk harus forum kabupaten/kota tempat kecamatan ini berada.")
        if self.decree_date and self.decree_date > timezone.localdate():
            errors["decree_date"] = _("Tanggal SK tidak boleh di masa depan.")
        if errors:
            raise ValidationError(errors)

    @property
    def region_name(self) -> str:
        """The forum's area as a person reads it (needs `regency`/`district` selected)."""
        if self.level == self.Level.DISTRICT and self.district_id:
            return f"{self.district.name}, {self.regency.name}"
        if self.regency_id:
            return self.regency.name
        return str(_("Provinsi Banten"))


class Position(models.Model):
    """Reference data: the offices of a forum board (Ketua, Sekretaris …); loaded by migration."""

    CHAIR = "ketua"
    SECRETARY = "sekretaris"
    TREASURER = "bendahara"

    code = models.SlugField(_("kode"), max_length=30, primary_key=True)
    name = models.CharField(_("nama jabatan"), max_length=100)
    single_holder = models.BooleanField(
        _("satu pemegang"), default=False, help_text=_("Hanya satu orang memegang jabatan ini pada satu waktu.")
    )
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        verbose_name = _("jabatan pengurus")
        verbose_name_plural = _("jabatan pengurus")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class OfficerTermQuerySet(models.QuerySet):
    def current(self, on: dt.date | None = None) -> OfficerTermQuerySet:
        """Terms that cover the date (today by default): started on or before it, not ended before it."""
        on = on or timezone.localdate()
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=on), start_date__lte=on)

    def overlapping(self, start: dt.date, end: dt.date | None) -> OfficerTermQuerySet:
        """Terms sharing at least one day with [start, end]; `end=None` is open-ended."""
        qs = self.filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        return qs if end is None else qs.filter(start_date__lte=end)

    def ended(self, on: dt.date | None = None) -> OfficerTermQuerySet:
        on = on or timezone.localdate()
        return self.filter(end_date__lt=on)

    def ending_within(self, days: int, today: dt.date | None = None) -> OfficerTermQuerySet:
        """Terms still running today that end within `days` days (today included)."""
        today = today or timezone.localdate()
        return self.filter(start_date__lte=today, end_date__gte=today, end_date__lte=today + dt.timedelta(days=days))

    def with_successor(self) -> OfficerTermQuerySet:
        """Annotate `has_successor`: a later term of the same forum and position is already recorded."""
        later = OfficerTerm.objects.filter(
            forum_id=OuterRef("forum_id"), position_id=OuterRef("position_id"), start_date__gt=OuterRef("end_date")
        )
        return self.annotate(has_successor=Exists(later))


class OfficerTerm(models.Model):
    """One person in one office of one forum, from `start_date` to `end_date` (open-ended: still serving)."""

    forum = models.ForeignKey(Forum, models.CASCADE, related_name="terms", verbose_name=_("forum"))
    position = models.ForeignKey(Position, models.PROTECT, related_name="terms", verbose_name=_("jabatan"))
    position_detail = models.CharField(
        _("keterangan jabatan"),
        max_length=100,
        blank=True,
        help_text=_("Misalnya nama bidang untuk Koordinator Bidang."),
    )
    person = models.ForeignKey(
        "registry.Person", models.PROTECT, related_name="officer_terms", verbose_name=_("relawan")
    )
    start_date = models.DateField(_("mulai menjabat"))
    end_date = models.DateField(
        _("akhir masa jabatan"), null=True, blank=True, help_text=_("Kosongkan bila masa jabatan belum ditentukan.")
    )
    acting = models.BooleanField(_("Plt."), default=False, help_text=_("Pelaksana tugas (Plt.)."))
    inaugurated_on = models.DateField(_("tanggal dikukuhkan"), null=True, blank=True)
    inaugurated_by = models.CharField(_("dikukuhkan oleh"), max_length=200, blank=True)
    decree_number = models.CharField(_("nomor SK"), max_length=100, blank=True)
    decree_date = models.DateField(_("tanggal SK"), null=True, blank=True)
    end_reason = models.CharField(
        _("alasan berakhir"),
        max_length=200,
        blank=True,
        help_text=_("Bila berakhir sebelum waktunya: diganti, mengundurkan diri, meninggal …"),
    )
    notes = models.TextField(_("catatan"), blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    history = HistoricalRecords(verbose_name=_("riwayat masa jabatan"), excluded_fields=["updated_at"])

    objects = OfficerTermQuerySet.as_manager()

    class Meta:
        verbose_name = _("masa jabatan pengurus")
        verbose_name_plural = _("masa jabatan pengurus")
        ordering = ["forum_id", "position__order", "-start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="forums_officerterm_end_after_start",
                violation_error_message=_("Akhir masa jabatan tidak boleh sebelum tanggal mulai."),
            ),
        ]
        indexes = [
            models.Index(fields=["forum", "position", "start_date"], name="forums_term_forum_pos_idx"),
            models.Index(fields=["end_date"], name="forums_term_end_idx"),
        ]

    def __str__(self) -> str:
        acting = "Plt. " if self.acting else ""
        return f"{acting}{self.position} {self.forum}: {self.person} ({self.period})"

    def get_absolute_url(self) -> str:
        return reverse("admin:forums_officerterm_change", args=[self.pk])

    @property
    def period(self) -> str:
        """`21-11-2022 s.d. sekarang` / `01-01-2023 s.d. 31-12-2027`."""
        return f"{_date(self.start_date)} s.d. {_date(self.end_date) if self.end_date else _('sekarang')}"

    def is_current(self, on: dt.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("Akhir masa jabatan tidak boleh sebelum tanggal mulai.")
        elif self.start_date and self.forum_id and self.position_id and not self.overlap_checked_elsewhere:
            other = self.conflicting_term()
            if other is not None:
                errors["start_date"] = other.overlap_message()
        if errors:
            raise ValidationError(errors)

    # Set by a formset that checks all its rows together (`forums.forms.OfficerTermInlineFormSet`).
    overlap_checked_elsewhere = False

    def overlap_message(self) -> str:
        """The error shown to someone whose term overlaps this one."""
        return _("Jabatan %(position)s sudah dipegang %(acting)s%(name)s (%(period)s) pada tanggal tersebut.") % {
            "position": self.position.name,
            "acting": "Plt. " if self.acting else "",
            "name": self.person.full_name,
            "period": self.period,
        }

    def overlaps(self, other: OfficerTerm) -> bool:
        """Same forum and position, at least one shared day (open-ended terms run forever)."""
        if other.forum_id != self.forum_id or other.position_id != self.position_id:
            return False
        return (other.end_date is None or other.end_date >= self.start_date) and (
            self.end_date is None or other.start_date <= self.end_date
        )

    def conflicting_term(self) -> OfficerTerm | None:
        """For a single-holder position: another term of the same forum and position sharing a day with this one.

        An acting (Plt.) holder counts like any other; an open-ended term runs forever.
        """
        if not self.position.single_holder:
            return None
        return (
            OfficerTerm.objects.filter(forum_id=self.forum_id, position_id=self.position_id)
            .overlapping(self.start_date, self.end_date)
            .exclude(pk=self.pk)
            .select_related("person", "position")
            .order_by("start_date")
            .first()
        )


class VacancyBoard(OfficerTerm):
    """No data of its own: the admin index entry of the vacancy board (`forums.queries.vacancy_board`)."""

    class Meta:
        proxy = True
        verbose_name = _("papan lowongan jabatan")
        verbose_name_plural = _("papan lowongan jabatan")
        default_permissions = ()


# --- Events ----------------------------------------------------------------------------------------------------------


class EventQuerySet(models.QuerySet):
    def trainings(self) -> EventQuerySet:
        return self.filter(kind__in=Event.TRAINING_KINDS)

    def between(self, start: dt.date, end: dt.date) -> EventQuerySet:
        """Events that started within [start, end]."""
        return self.filter(start_date__gte=start, start_date__lte=end)

    def in_last_months(self, months: int = 12, today: dt.date | None = None) -> EventQuerySet:
        """Events that started in the last `months` months, up to today."""
        today = today or timezone.localdate()
        return self.between(months_before(today, months), today)

    def with_attendance(self) -> EventQuerySet:
        """Annotate `participant_count`, `attended_count`, `certificate_count` (one query, no per-row counts)."""
        return self.annotate(
            participant_count=Count("participations", distinct=True),
            attended_count=Count("participations", filter=Q(participations__attended=True), distinct=True),
            certificate_count=Count("participations", filter=Q(participations__certificate=True), distinct=True),
        )


class Event(models.Model):
    class Kind(models.TextChoices):
        JAMBORE = "jambore", _("jambore")
        MUSYAWARAH = "musyawarah", _("musyawarah")
        RAKOR = "rakor", _("rapat koordinasi")
        BIMTEK = "bimtek", _("bimbingan teknis (bimtek)")
        PELATIHAN = "pelatihan", _("pelatihan")
        BAKTI_SOSIAL = "bakti_sosial", _("bakti sosial")
        SARASEHAN = "sarasehan", _("sarasehan")
        PERINGATAN = "peringatan", _("peringatan hari besar (HKSN dll.)")
        OTHER = "other", _("lainnya")

    TRAINING_KINDS = (Kind.BIMTEK, Kind.PELATIHAN)

    kind = models.CharField(_("jenis kegiatan"), max_length=15, choices=Kind, db_index=True)
    title = models.CharField(_("nama kegiatan"), max_length=200)
    organiser_forum = models.ForeignKey(
        Forum,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("forum penyelenggara"),
        help_text=_("Kosongkan bila diselenggarakan Dinas Sosial."),
    )
    organiser_regency = models.ForeignKey(
        "regions.Regency",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Dinsos penyelenggara"),
        help_text=_(
            "Dinas Sosial kabupaten/kota penyelenggara; kosongkan untuk Dinas Sosial Provinsi "
            "atau bila penyelenggaranya forum."
        ),
    )
    start_date = models.DateField(_("tanggal mulai"))
    end_date = models.DateField(
        _("tanggal selesai"), null=True, blank=True, help_text=_("Kosongkan untuk kegiatan satu hari.")
    )
    village = models.ForeignKey(
        "regions.Village", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("desa/kelurahan")
    )
    venue = models.CharField(_("tempat"), max_length=200, blank=True, help_text=_("Nama gedung/lokasi, alamat."))
    description = models.TextField(_("keterangan"), blank=True)
    # The organiser's region (null regency: a province-level organiser): decides scope and counts.
    regency = models.ForeignKey(
        "regions.Regency",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("wilayah penyelenggara"),
        editable=False,
    )
    district = models.ForeignKey(
        "regions.District", models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    history = HistoricalRecords(verbose_name=_("riwayat kegiatan"), excluded_fields=["updated_at"])

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("kegiatan")
        verbose_name_plural = _("kegiatan")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="forums_event_end_after_start",
                violation_error_message=_("Tanggal selesai tidak boleh sebelum tanggal mulai."),
            ),
        ]
        indexes = [models.Index(fields=["regency", "start_date"], name="forums_event_reg_start_idx")]

    def __str__(self) -> str:
        return f"{self.title} ({_date(self.start_date)})"

    def save(self, *args, **kwargs) -> None:
        self.sync_region_columns()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("admin:forums_event_change", args=[self.pk])

    def sync_region_columns(self) -> None:
        """The organiser's region: the forum's, else the Dinsos regency's, else none (province)."""
        if self.organiser_forum_id:
            self.regency_id = self.organiser_forum.regency_id
            self.district_id = self.organiser_forum.district_id
            self.organiser_regency_id = None
        else:
            self.regency_id = self.organiser_regency_id
            self.district_id = None

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("Tanggal selesai tidak boleh sebelum tanggal mulai.")
        if self.organiser_forum_id and self.organiser_regency_id:
            errors["organiser_regency"] = _("Pilih satu penyelenggara: forum atau Dinas Sosial, tidak keduanya.")
        if errors:
            raise ValidationError(errors)
        self.sync_region_columns()
        if self.pk and self.regency_id:
            outside = self.participations.exclude(person__regency_id=self.regency_id).count()
            if outside:
                raise ValidationError(
                    _(
                        "%(count)d peserta kegiatan ini berdomisili di luar wilayah penyelenggara yang dipilih. "
                        "Hapus dulu peserta tersebut atau pilih penyelenggara lain."
                    )
                    % {"count": outside}
                )

    @property
    def is_training(self) -> bool:
        return self.kind in self.TRAINING_KINDS

    @property
    def last_date(self) -> dt.date:
        return self.end_date or self.start_date

    @property
    def organiser_name(self) -> str:
        """Needs `organiser_forum` and `organiser_regency` selected."""
        if self.organiser_forum_id:
            return self.organiser_forum.name
        if self.organiser_regency_id:
            return _("Dinas Sosial %(regency)s") % {"regency": self.organiser_regency.name}
        return str(_("Dinas Sosial Provinsi Banten"))

    def accepts_person(self, person) -> bool:
        """A participant must live in the organiser's region; a province-level event accepts anyone."""
        return self.regency_id is None or person.regency_id == self.regency_id


class ParticipationQuerySet(models.QuerySet):
    def attended(self) -> ParticipationQuerySet:
        return self.filter(attended=True)

    def trainings(self) -> ParticipationQuerySet:
        return self.filter(event__kind__in=Event.TRAINING_KINDS)


class Participation(models.Model):
    class Role(models.TextChoices):
        PARTICIPANT = "peserta", _("peserta")
        SPEAKER = "narasumber", _("narasumber")
        COMMITTEE = "panitia", _("panitia")

    event = models.ForeignKey(Event, models.CASCADE, related_name="participations", verbose_name=_("kegiatan"))
    person = models.ForeignKey(
        "registry.Person", models.PROTECT, related_name="participations", verbose_name=_("relawan")
    )
    role = models.CharField(_("peran"), max_length=12, choices=Role, default=Role.PARTICIPANT)
    attended = models.BooleanField(_("hadir"), default=True)
    certificate = models.BooleanField(_("bersertifikat"), default=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ditambahkan oleh"),
        editable=False,
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    objects = ParticipationQuerySet.as_manager()

    class Meta:
        verbose_name = _("peserta kegiatan")
        verbose_name_plural = _("peserta kegiatan")
        ordering = ["event_id", "person__full_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person"],
                name="forums_participation_unique_person",
                violation_error_message=_("Relawan ini sudah terdaftar sebagai peserta kegiatan ini."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.event}"

    def clean(self) -> None:
        # `event` may be an event being added in the same form (no pk yet): read the object, not the id.
        event = self._state.fields_cache.get("event") or (self.event if self.event_id else None)
        if event is not None and self.person_id and not event.accepts_person(self.person):
            raise ValidationError(
                {
                    "person": _(
                        "%(name)s berdomisili di %(regency)s, di luar wilayah penyelenggara kegiatan ini "
                        "(%(organiser)s)."
                    )
                    % {
                        "name": self.person.full_name,
                        "regency": self.person.regency.name,
                        "organiser": event.regency.name,
                    }
                }
            )
