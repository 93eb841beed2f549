"""Who sees an import: its uploader only (the file holds personal data of a whole roster)."""

from __future__ import annotations

from django.db.models import QuerySet

from pskshub.scoping import rule
from transfers.models import ImportBatch


@rule(ImportBatch)
def batches_for(user) -> QuerySet[ImportBatch]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ImportBatch.objects.none()
    return ImportBatch.objects.filter(created_by=user)
