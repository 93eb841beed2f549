"""Writes to the registry that touch several rows or must name who did them."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from registry.models import Verification


@transaction.atomic
def records_verify(*, records: QuerySet, acting_user, verification: str = Verification.VERIFIED) -> int:
    """Mark registry records (persons, memberships, institutions) verified or rejected by `acting_user`."""
    return records.exclude(verification=verification).update(
        verification=verification, verified_by=acting_user, verified_at=timezone.now()
    )
