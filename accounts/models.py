from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A login. Roles (what the login may do, and where) are RoleAssignment rows."""

    email = models.EmailField(_("alamat email"), blank=True)

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")


class RoleAssignment(models.Model):
    """One role of one user, bound to a region where the role needs one."""

    class Role(models.TextChoices):
        PROVINCE_STAFF = "province_staff", _("staf Dinsos provinsi")
        REGENCY_STAFF = "regency_staff", _("staf Dinsos kabupaten/kota")
        FORUM_OFFICER = "forum_officer", _("pengurus forum")
        UNIT_COORDINATOR = "unit_coordinator", _("koordinator unit")

    user = models.ForeignKey(User, models.CASCADE, related_name="role_assignments", verbose_name=_("pengguna"))
    role = models.CharField(_("peran"), max_length=20, choices=Role)
    regency = models.ForeignKey(
        "regions.Regency",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kabupaten/kota"),
        help_text=_("Wajib untuk staf kabupaten/kota; kosong untuk peran tingkat provinsi."),
    )
    institution = models.ForeignKey(
        "registry.Institution",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lembaga yang dikoordinasi"),
    )
    district = models.ForeignKey(
        "regions.District",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kecamatan yang dikoordinasi"),
        help_text=_("Untuk koordinator wilayah tugas, misalnya TKSK sebuah kecamatan."),
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("peran pengguna")
        verbose_name_plural = _("peran pengguna")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "regency"], name="accounts_roleassignment_unique"),
            models.CheckConstraint(
                condition=~models.Q(role="regency_staff") | models.Q(regency__isnull=False),
                name="accounts_roleassignment_regency_staff_has_regency",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="province_staff") | models.Q(regency__isnull=True),
                name="accounts_roleassignment_province_staff_no_regency",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="unit_coordinator")
                | (models.Q(institution__isnull=False) ^ models.Q(district__isnull=False)),
                name="accounts_roleassignment_coordinator_has_one_unit",
            ),
            models.CheckConstraint(
                condition=models.Q(role="unit_coordinator")
                | (models.Q(institution__isnull=True) & models.Q(district__isnull=True)),
                name="accounts_roleassignment_only_coordinators_have_units",
            ),
        ]

    def __str__(self) -> str:
        if self.role == self.Role.UNIT_COORDINATOR:
            return f"{self.get_role_display()} — {self.institution or self.district}"
        if self.regency_id:
            return f"{self.get_role_display()} — {self.regency}"
        return str(self.get_role_display())

    def clean(self) -> None:
        if self.role == self.Role.REGENCY_STAFF and not self.regency_id:
            raise ValidationError({"regency": _("Staf kabupaten/kota harus terikat pada satu kabupaten/kota.")})
        if self.role == self.Role.PROVINCE_STAFF and self.regency_id:
            raise ValidationError({"regency": _("Staf provinsi mencakup seluruh provinsi: kosongkan kabupaten/kota.")})
        if self.role == self.Role.UNIT_COORDINATOR:
            if bool(self.institution_id) == bool(self.district_id):
                raise ValidationError(
                    _("Koordinator unit mengoordinasi tepat satu unit: satu lembaga atau satu kecamatan.")
                )
            if self.regency_id:
                raise ValidationError({"regency": _("Wilayah koordinator diambil dari unitnya: kosongkan.")})
        elif self.institution_id or self.district_id:
            raise ValidationError(_("Hanya koordinator unit yang memiliki lembaga atau kecamatan."))
