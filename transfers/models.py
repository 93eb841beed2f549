"""An upload waiting to be imported: the file, what its preview found, and what its commit did."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jobs.storage import private_storage


class ImportBatch(models.Model):
    """One uploaded file, from upload through preview to commit (or failure).

    The file stays in the default storage under `imports/` (never served: MEDIA_URL is not routed),
    the preview's counts, errors and changes are kept as JSON, and the commit validates the file again
    against the database of that moment, inside its own transaction.
    """

    class Kind(models.TextChoices):
        PERSON = "person", _("relawan dan keanggotaan")
        INSTITUTION = "institution", _("lembaga")
        BENEFICIARY = "beneficiary", _("penerima manfaat")

    class Status(models.TextChoices):
        VALIDATING = "validating", _("sedang diperiksa")
        READY = "ready", _("siap diimpor")
        REFUSED = "refused", _("berkas ditolak")
        COMMITTING = "committing", _("sedang diimpor")
        COMMITTED = "committed", _("sudah diimpor")
        FAILED = "failed", _("gagal")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("jenis data"), max_length=20, choices=Kind)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.VALIDATING)
    file = models.FileField(_("berkas"), upload_to="imports/%Y/%m/", storage=private_storage, max_length=255)
    original_name = models.CharField(_("nama berkas"), max_length=255)
    size = models.PositiveBigIntegerField(_("ukuran"), default=0)
    file_format = models.CharField(_("format"), max_length=10, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("diunggah oleh")
    )
    created_at = models.DateTimeField(_("diunggah"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    summary = models.JSONField(_("ringkasan"), default=dict, blank=True)
    errors = models.JSONField(_("kesalahan"), default=list, blank=True)
    changes = models.JSONField(_("perubahan"), default=list, blank=True)
    message = models.TextField(_("pesan"), blank=True)
    only_valid = models.BooleanField(_("hanya baris yang sah"), default=False)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    job_id = models.UUIDField(_("tugas latar belakang"), null=True, blank=True)
    committed_at = models.DateTimeField(_("diimpor pada"), null=True, blank=True)

    class Meta:
        verbose_name = _("impor berkas")
        verbose_name_plural = _("impor berkas")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        app = "cases" if self.kind == self.Kind.BENEFICIARY else "registry"
        return reverse(f"admin:{app}_{self.kind}_import_preview", args=[self.pk])

    @property
    def counts(self) -> dict:
        return self.summary.get("counts", {})

    @property
    def is_busy(self) -> bool:
        return self.status in (self.Status.VALIDATING, self.Status.COMMITTING)
