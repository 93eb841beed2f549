"""Who sees which background jobs: the one who started it, and superusers. Everyone else: none (a 404)."""

from __future__ import annotations

from django.db.models import QuerySet

from jobs.models import Job
from pskshub.scoping import rule


@rule(Job)
def jobs_for(user) -> QuerySet[Job]:
    qs = Job.objects.select_related("created_by")
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return qs.none()
    if user.is_superuser:
        return qs
    return qs.filter(created_by=user)
