"""Indonesia's administrative regions, keyed by their Kemendagri codes.

The dotted code is the primary key (`36.04.05.2001`), so a village's code alone gives
its district (`36.04.05`), regency (`36.04`) and province (`36`) without a query.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Province(models.Model):
    code = models.CharField(_("kode"), max_length=2, primary_key=True)
    name = models.CharField(_("nama"), max_length=100)

    class Meta:
        verbose_name = _("provinsi")
        verbose_name_plural = _("provinsi")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Regency(models.Model):
    class Kind(models.TextChoices):
        KABUPATEN = "kabupaten", _("kabupaten")
        KOTA = "kota", _("kota")

    code = models.CharField(_("kode"), max_length=5, primary_key=True)
    province = models.ForeignKey(Province, models.PROTECT, related_name="regencies", verbose_name=_("provinsi"))
    name = models.CharField(_("nama"), max_length=100)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind)

    class Meta:
        verbose_name = _("kabupaten/kota")
        verbose_name_plural = _("kabupaten/kota")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    code = models.CharField(_("kode"), max_length=8, primary_key=True)
    regency = models.ForeignKey(Regency, models.PROTECT, related_name="districts", verbose_name=_("kabupaten/kota"))
    name = models.CharField(_("nama"), max_length=100)

    class Meta:
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def nik_prefix(self) -> str:
        """The six digits a NIK registered in this kecamatan starts with."""
        return self.code.replace(".", "")


class Village(models.Model):
    class Kind(models.TextChoices):
        DESA = "desa", _("desa")
        KELURAHAN = "kelurahan", _("kelurahan")
        DESA_ADAT = "desa_adat", _("desa adat")

    code = models.CharField(_("kode"), max_length=13, primary_key=True)
    district = models.ForeignKey(District, models.PROTECT, related_name="villages", verbose_name=_("kecamatan"))
    name = models.CharField(_("nama"), max_length=100)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind)

    class Meta:
        verbose_name = _("desa/kelurahan")
        verbose_name_plural = _("desa/kelurahan")
        ordering = ["code"]
        indexes = [models.Index(fields=["name"], name="regions_village_name_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def district_code(self) -> str:
        return district_code_of(self.code)

    @property
    def regency_code(self) -> str:
        return regency_code_of(self.code)


# Kemendagri codes have fixed widths: a region's code starts with its parents' (`36.04.05.2001`).
REGENCY_CODE_LENGTH = 5
DISTRICT_CODE_LENGTH = 8


class CodePrefix(models.Func):
    """The first `length` characters of a region code column, in SQL (`LEFT`; `SUBSTR` on SQLite).

    On SQLite its arguments are joined by "," alone: Django's SQLite introspection (`get_constraints`,
    used by migrations and tests) splits a table's SQL at ", " and breaks on a CHECK constraint that
    holds a function of several arguments.
    """

    function = "LEFT"
    output_field = models.CharField()

    def __init__(self, expression, length: int, **extra) -> None:
        super().__init__(expression, models.Value(length), **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        expression, length = self.get_source_expressions()
        return models.Func(
            expression, models.Value(1), length, function="SUBSTR", arg_joiner=",", output_field=self.output_field
        ).as_sql(compiler, connection, **extra_context)


def district_code_of(code: str) -> str:
    """`36.04.05.2001` → `36.04.05`."""
    return code[:DISTRICT_CODE_LENGTH]


def regency_code_of(code: str) -> str:
    """`36.04.05.2001` or `36.04.05` → `36.04`."""
    return code[:REGENCY_CODE_LENGTH]
