"""Lists of a million rows in the admin: identity/name search, an estimated count, a statement time limit.

- Search: a 16-digit term is an exact NIK or No. KK (both indexed); anything else is a fragment of the
  normalised name (`name_key`, trigram GIN index on PostgreSQL, see migration 0003). A name fragment
  shorter than 3 letters cannot use the index: it is refused with a message and the list stays unfiltered.
- Count: an unfiltered list asks PostgreSQL's statistics instead of counting (`pg_class.reltuples`, or the
  planner's row estimate when the user's scope filters the list) and shows "sekitar N"; a filtered list asks
  one COUNT (`show_full_result_count = False` drops the second one).
- Time limit: each web request's statements are cut after `DB_STATEMENT_TIMEOUT_MS` (settings). A list
  cut that way sends the user back to the unfiltered list with a message instead of a 500.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.admin.views.main import ORDER_VAR, PAGE_VAR, SEARCH_VAR, ChangeList
from django.core.paginator import Paginator
from django.db import OperationalError, connections, transaction
from django.db.models import Q, QuerySet
from django.utils.functional import cached_property
from django.utils.translation import gettext

from cases.names import search_key
from registry.nik import clean_nik_input

MIN_NAME_TERM = 3
REVEAL_VAR = "_nik"
# Parameters that neither filter nor search: a list with only these is "unfiltered".
NON_FILTER_PARAMS = frozenset({PAGE_VAR, ORDER_VAR, REVEAL_VAR, "_changelist_filters", "_to_field", "_popup"})


# --- Search ------------------------------------------------------------------------------------------------------------


def identity_term(term: str) -> str | None:
    """The 16 digits of a NIK or No. KK typed with or without spaces and dots, else None."""
    digits = clean_nik_input(term)
    return digits if digits.isdigit() and len(digits) == 16 else None


def search(request, queryset: QuerySet, term: str, *, identity: Q, name_field: str, id_digits: str | None = None):
    """Filter `queryset` by `term`; `identity(digits)` builds the NIK/KK condition. Returns the queryset."""
    term = term.strip()
    if not term:
        return queryset
    digits = identity_term(term)
    if digits:
        return queryset.filter(identity(digits))
    if clean_nik_input(term).isdigit():
        messages.warning(request, gettext("Cari NIK atau No. KK dengan 16 digit lengkap."))
        return queryset
    key = search_key(term)
    if len(key) < MIN_NAME_TERM:
        messages.warning(
            request,
            gettext(
                "Kata pencarian terlalu pendek: ketik paling sedikit %(count)d huruf nama, atau NIK/No. KK lengkap."
            )
            % {"count": MIN_NAME_TERM},
        )
        return queryset
    return queryset.filter(**{f"{name_field}__contains": key})


class IdentitySearchMixin:
    """`get_search_results` for a ModelAdmin: NIK/KK exact, name fragment by key; never a distinct."""

    nik_path = "nik"  # the beneficiary's NIK, from this model
    kk_path = "kk_number"
    name_path = "name_key"
    via_beneficiary = False  # the model reaches the beneficiary through a foreign key (a case)

    def identity_condition(self, digits: str) -> Q:
        if self.via_beneficiary:
            from cases.models import Beneficiary

            ids = Beneficiary.objects.filter(Q(nik=digits) | Q(kk_number=digits)).values("pk")
            return Q(beneficiary__in=ids)
        return Q(**{self.nik_path: digits}) | Q(**{self.kk_path: digits})

    def get_search_results(self, request, queryset, search_term):
        return search(
            request, queryset, search_term, identity=self.identity_condition, name_field=self.name_path
        ), False


# --- Counting ----------------------------------------------------------------------------------------------------------


def estimated_rows(queryset: QuerySet) -> int | None:
    """PostgreSQL's estimate of the rows of `queryset` (statistics, no scan); None elsewhere."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        if not queryset.query.where:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [queryset.model._meta.db_table]
            )
            row = cursor.fetchone()
            return int(row[0]) if row else None
        sql, params = queryset.order_by().query.sql_with_params()
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        return int(plan[0]["Plan"]["Plan Rows"])


class EstimatedCountPaginator(Paginator):
    """Counts exactly, except an unfiltered list of at least `min_estimate` rows on PostgreSQL (estimated) and a
    name search (counted up to `cap`: "more than 1,000" says enough, and stops reading matches there)."""

    min_estimate = 10_000  # below this a real COUNT is cheap, and exact

    def __init__(self, *args, estimate: bool = False, cap: int | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.estimate = estimate
        self.estimated = False
        self.cap = cap
        self.capped = False

    @cached_property
    def count(self) -> int:
        if self.estimate:
            rows = estimated_rows(self.object_list)
            if rows is not None and rows >= self.min_estimate:
                self.estimated = True
                return rows
        if self.cap is not None:
            # Unordered, so PostgreSQL stops after cap + 1 matches instead of reading (and sorting) them all.
            rows = self.object_list.order_by()[: self.cap + 1].count()
            self.capped = rows > self.cap
            return min(rows, self.cap)
        return super().count


def is_filtered(request) -> bool:
    return any(key not in NON_FILTER_PARAMS for key in request.GET)


class TimeLimitedChangeList(ChangeList):
    """Runs the count and the page's query inside a savepoint, so a statement cut by the time limit is clean."""

    def get_results(self, request):
        super().get_results(request)
        self.result_list = list(self.result_list)  # evaluated here, where a timeout can be caught


class StatementTimeout(Exception):
    pass


def is_statement_timeout(exc: BaseException) -> bool:
    cause = exc.__cause__ or exc
    return getattr(cause, "sqlstate", None) == "57014" or getattr(cause, "pgcode", None) == "57014"


class LargeListMixin(IdentitySearchMixin):
    """For a ModelAdmin over a million rows: the paginator, the search, and the time limit's message."""

    show_full_result_count = False
    paginator = EstimatedCountPaginator
    name_search_count_cap = 1000

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        term = request.GET.get(SEARCH_VAR, "").strip()
        cap = self.name_search_count_cap if term and identity_term(term) is None else None
        return self.paginator(
            queryset, per_page, orphans, allow_empty_first_page, estimate=not is_filtered(request), cap=cap
        )

    def get_changelist(self, request, **kwargs):
        return TimeLimitedChangeList

    def get_changelist_instance(self, request):
        try:
            with transaction.atomic(using=self.model._default_manager.db):
                return super().get_changelist_instance(request)
        except OperationalError as exc:
            if not is_statement_timeout(exc):
                raise
            raise StatementTimeout from exc

    def changelist_view(self, request, extra_context=None):
        from django.http import HttpResponseRedirect

        try:
            return super().changelist_view(request, extra_context)
        except StatementTimeout:
            messages.error(
                request,
                gettext(
                    "Pencarian atau penyaringan ini terlalu lama dan dihentikan. "
                    "Persempit dengan NIK/No. KK lengkap, nama yang lebih panjang, atau saringan wilayah."
                ),
            )
            return HttpResponseRedirect(request.path)
