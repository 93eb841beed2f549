"""Who sees what: the table of scoping rules, one per model, filled by each app's `scoping.py`.

Deny by default: `visible(user, Model)` for a model without a rule is an empty queryset,
so a new model shows nothing anywhere (admin, site, exports) until its rule is written.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Model, QuerySet
from django.http import Http404

Rule = Callable[[object], QuerySet]
_RULES: dict[type[Model], Rule] = {}


def rule(model: type[Model]) -> Callable[[Rule], Rule]:
    """Register `func(user) -> QuerySet` as the one rule for `model`."""

    def register(func: Rule) -> Rule:
        _RULES[model] = func
        return func

    return register


def has_rule(model: type[Model]) -> bool:
    return model in _RULES


def visible(user, model: type[Model]) -> QuerySet:
    """The rows of `model` that `user` may see."""
    func = _RULES.get(model)
    if func is None:
        return model._default_manager.none()
    return func(user)


def get_visible_or_404(user, model: type[Model], *conditions, **lookup) -> Model:
    """One visible row; a row out of scope is a 404, exactly like a missing one."""
    try:
        return visible(user, model).get(*conditions, **lookup)
    except model.DoesNotExist:
        raise Http404 from None
