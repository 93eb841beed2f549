"""A background job: who started it, how far it got, and what it produced (or why it failed)."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jobs.storage import private_storage


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("menunggu giliran")
        RUNNING = "running", _("sedang berjalan")
        DONE = "done", _("selesai")
        FAILED = "failed", _("gagal")

    FINISHED = (Status.DONE, Status.FAILED)

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("jenis tugas"), max_length=50)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.QUEUED)
    progress_done = models.PositiveIntegerField(_("sudah diproses"), default=0)
    progress_total = models.PositiveIntegerField(_("jumlah seluruhnya"), default=0)
    message = models.CharField(_("keterangan"), max_length=255, blank=True)
    error = models.TextField(_("penyebab gagal"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="jobs", verbose_name=_("dimulai oleh")
    )
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    started_at = models.DateTimeField(_("mulai"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    updated_at = models.DateTimeField(_("terakhir diperbarui"), default=timezone.now)
    input_file = models.FileField(
        _("berkas masukan"), upload_to="jobs/input/%Y/%m/", storage=private_storage, max_length=255, blank=True
    )
    result_file = models.FileField(
        _("berkas hasil"), upload_to="jobs/result/%Y/%m/", storage=private_storage, max_length=255, blank=True
    )
    params = models.JSONField(_("parameter"), default=dict, blank=True)
    result = models.JSONField(_("hasil"), default=dict, blank=True)

    class Meta:
        verbose_name = _("tugas latar belakang")
        verbose_name_plural = _("tugas latar belakang")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_by", "-created_at"], name="jobs_job_user_created_idx")]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("jobs:job_detail", args=[self.pk])

    @property
    def title(self) -> str:
        """What the job does, for people: `params["title"]` if the starter gave one, else its kind."""
        return str(self.params.get("title") or self.kind)

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)

    @property
    def result_filename(self) -> str:
        """The download's file name: `params["filename"]` if given, else the stored file's own name."""
        return str(self.params.get("filename") or PurePosixPath(self.result_file.name).name)
