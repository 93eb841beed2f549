from __future__ import annotations

import datetime as dt
import math

from django import template

register = template.Library()


@register.filter
def minutes(delta: dt.timedelta | None) -> int | str:
    """A duration in whole minutes, rounded up (the lockout page's cool-off); "" without one."""
    if not isinstance(delta, dt.timedelta):
        return ""
    return max(1, math.ceil(delta.total_seconds() / 60))
