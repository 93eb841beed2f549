"""Reading django-axes' failed-login records: is a login locked out right now?"""

from __future__ import annotations

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone


def failure_limit() -> int:
    limit = settings.AXES_FAILURE_LIMIT
    return limit if isinstance(limit, int) else 0  # a callable limit depends on the request: not shown


def with_recent_failures(users: QuerySet) -> QuerySet:
    """Annotate `recent_login_failures`: the failures counted against each login within the cool-off."""
    attempts = AccessAttempt.objects.filter(username=OuterRef("username"))
    cool_off = get_cool_off()
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    total = attempts.order_by().values("username").annotate(total=Sum("failures_since_start")).values("total")[:1]
    return users.annotate(recent_login_failures=Coalesce(Subquery(total, output_field=IntegerField()), Value(0)))


def is_locked(user) -> bool:
    failures = getattr(user, "recent_login_failures", 0) or 0
    limit = failure_limit()
    return bool(limit) and failures >= limit
