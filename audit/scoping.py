"""The access log is read by provincial staff only (and superusers): it names who looked at whom, province-wide."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.roles import staff_scope
from audit.models import AccessLog
from pskshub.scoping import rule


@rule(AccessLog)
def access_logs_for(user) -> QuerySet[AccessLog]:
    qs = AccessLog.objects.select_related("content_type")
    return qs if staff_scope(user).everywhere else qs.none()
