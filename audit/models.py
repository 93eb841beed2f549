"""Access log: every opening of a full personal record, every NIK/KK revealed and every export.

Change history (who changed what) is kept by django-simple-history on the records themselves;
this log is for reading, which leaves no other trace.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessLog(models.Model):
    class Action(models.TextChoices):
        VIEW = "view", _("membuka data lengkap")
        REVEAL = "reveal", _("membuka NIK/No. KK dalam daftar")
        EXPORT = "export", _("mengekspor daftar")
        MERGE = "merge", _("menggabungkan data ganda")

    at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("pengguna")
    )
    username = models.CharField(_("nama pengguna"), max_length=150, help_text=_("Disimpan walau akunnya dihapus."))
    action = models.CharField(_("tindakan"), max_length=10, choices=Action)
    content_type = models.ForeignKey(
        ContentType, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("jenis data")
    )
    object_id = models.CharField(_("ID data"), max_length=40, blank=True)
    object_repr = models.CharField(_("data"), max_length=200, blank=True)
    detail = models.CharField(_("keterangan"), max_length=500, blank=True)
    row_count = models.PositiveIntegerField(_("jumlah baris"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("alamat IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("log akses")
        verbose_name_plural = _("log akses")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["user", "-at"], name="audit_log_user_at_idx"),
            models.Index(fields=["content_type", "object_id"], name="audit_log_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.username} · {self.get_action_display()} · {self.object_repr}"
