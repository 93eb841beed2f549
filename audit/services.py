"""The one way to write the access log: `log_access(request, action, obj)` or, for a list, `model=` and `row_count=`."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model

from audit.models import AccessLog

Action = AccessLog.Action


def _client_ip(request) -> str | None:
    # REMOTE_ADDR only: behind the production proxy it is set from X-Forwarded-For by the proxy itself.
    return request.META.get("REMOTE_ADDR") or None if request is not None else None


def log_access(
    request,
    action: str,
    obj: Model | None = None,
    *,
    model: type[Model] | None = None,
    detail: str = "",
    row_count: int | None = None,
    user=None,
) -> AccessLog:
    """Record that the user read personal data: one record (`obj`) or a list of `model` (`row_count` rows)."""
    user = user if user is not None else request.user
    target = obj.__class__ if obj is not None else model
    return AccessLog.objects.create(
        user=user if getattr(user, "pk", None) else None,
        username=getattr(user, "get_username", lambda: "")() or "",
        action=action,
        content_type=ContentType.objects.get_for_model(target) if target is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        detail=detail[:500],
        row_count=row_count,
        ip_address=_client_ip(request),
    )
