"""The admin changelist's rows, rendered the way Django's `items_for_result` renders them, at a fraction of the cost.

Django works out, for every cell of every row, what kind of column it is (model field, admin method, model
attribute), its empty value, its CSS classes, whether it links to the record, the record's URL (a `reverse()`
and, with preserved filters, a `resolve()` per row) and, for the action checkbox, a widget rendered through the
form template engine. On a page of 50 cases that was most of the request's time. Here everything that depends
only on the column is worked out once per page (`Column`), the change URL is reversed once with a placeholder
for the primary key, the checkbox is written directly, and each row becomes one string, so the template loops
over rows, not cells. Values are still formatted by Django's own `display_for_field` / `display_for_value`.

The output is Django's, byte for byte (`pskshub/tests/test_admin_list.py` compares both on every admin list).
Lists with editable columns (`list_editable`) and columns this module does not know how to hoist take Django's
path.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Callable, Iterator
from urllib.parse import quote as url_quote

from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import _coerce_field_name, items_for_result
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import (
    FieldIsAForeignKeyColumnName,
    _get_non_gfk_field,
    display_for_field,
    display_for_value,
    get_fields_from_path,
    lookup_field,
    quote,
)
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.db.models.constants import LOOKUP_SEP
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape, format_html
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import SafeString
from django.utils.translation import gettext

# Django's own message (its catalogs translate it); a name, so makemessages leaves it to Django.
CHECKBOX_LABEL = "Select this object for an action - {}"
PK_PLACEHOLDER = "PskshubPrimaryKey0"  # letters and digits only: admin's quote() leaves it as it is


class Column:
    """One `list_display` entry: how to read its value and how to wrap it, decided once per page."""

    def __init__(self, cl: ChangeList, index: int, name, *, link: bool, first_link: bool) -> None:
        self.model_admin = model_admin = cl.model_admin
        self.name = name
        self.link = link
        self.tag = "th" if first_link else "td"
        self.classes = [f"field-{_coerce_field_name(name, index)}"]
        self.empty = model_admin.get_empty_value_display()
        self.field = None
        self.attr = None
        self.boolean = False
        self.read: Callable | None = None  # obj -> value; None: Django's lookup_field, row by row
        try:
            self.field = _get_non_gfk_field(cl.lookup_opts, name)
        except (FieldDoesNotExist, FieldIsAForeignKeyColumnName):  # not a plain field (as lookup_field decides)
            self.field = None
        if self.field is not None:
            self.read = _attribute_reader(name)
        elif callable(name):
            self.attr = self.read = name
        elif hasattr(model_admin, name) and name != "__str__":
            self.attr = self.read = getattr(model_admin, name)
        if self.field is None and isinstance(name, str) and LOOKUP_SEP in name:
            self.attr = self.read = None  # a relation path: Django's resolution, row by row
        if self.attr is not None:
            self.empty = getattr(self.attr, "empty_value_display", self.empty)
            self.boolean = getattr(self.attr, "boolean", False)
        self.checkbox = name == "action_checkbox" and self.attr is not None and _is_stock_checkbox(model_admin)
        if self.checkbox:
            self.classes = ["action-checkbox"]

    def cell(self, obj, url: str, popup_value) -> str:
        """The row's `<td>`/`<th>` for this column, as `items_for_result` writes it."""
        if self.checkbox:
            representation, classes = _checkbox(obj), self.classes
        elif self.read is None:
            representation, classes = self._lookup(obj)
        else:
            try:
                value = self.read(obj)
            except ObjectDoesNotExist:
                representation, classes = self.empty, self.classes
            else:
                representation, classes = _display(value, self.field, self.empty, self.boolean, self.link, self.classes)
        row_class = f' class="{" ".join(classes)}"'
        if not self.link:
            return f"<td{row_class}>{conditional_escape(representation)}</td>"
        if url:
            popup = format_html(' data-popup-opener="{}"', popup_value) if popup_value is not None else ""
            representation = format_html('<a href="{}"{}>{}</a>', url, popup, representation)
        return f"<{self.tag}{row_class}>{conditional_escape(representation)}</{self.tag}>"

    def _lookup(self, obj) -> tuple[str, list[str]]:
        """Django's resolution, for columns whose kind depends on the row (model methods, properties, paths)."""
        try:
            field, attr, value = lookup_field(self.name, obj, self.model_admin)
        except ObjectDoesNotExist:
            return self.empty, self.classes
        empty = getattr(attr, "empty_value_display", self.empty)
        if field is None and isinstance(self.name, str) and LOOKUP_SEP in self.name:
            with contextlib.suppress(FieldDoesNotExist):
                field = get_fields_from_path(obj._meta.model, self.name)[-1]
        boolean = getattr(attr, "boolean", False)
        if isinstance(attr, property) and hasattr(attr, "fget"):
            boolean = getattr(attr.fget, "boolean", False)
        return _display(value, field, empty, boolean, self.link, self.classes)


def _display(value, field, empty: str, boolean: bool, link: bool, classes: list[str]) -> tuple[str, list[str]]:
    """A cell's text and classes, by `items_for_result`'s rules."""
    if field is None or field.auto_created:
        representation = display_for_value(value, empty, boolean)
        if isinstance(value, (datetime.date, datetime.time)):
            return representation, [*classes, "nowrap"]
        return representation, classes
    if isinstance(field.remote_field, models.ManyToOneRel):
        representation = empty if value is None else value
    else:
        representation = display_for_field(value, field, empty, avoid_link=link)
    if isinstance(field, (models.DateField, models.TimeField, models.ForeignKey)):
        return representation, [*classes, "nowrap"]
    return representation, classes


def _checkbox(obj) -> SafeString:
    """`ModelAdmin.action_checkbox`'s widget, written directly instead of through the form template engine."""
    return format_html(
        '<input type="checkbox" name="_selected_action" value="{}" class="action-select" aria-label="{}">',
        str(obj.pk),
        format_html(gettext(CHECKBOX_LABEL), str(obj)),
    )


def _attribute_reader(name: str) -> Callable:
    return lambda obj: getattr(obj, name)


def _is_stock_checkbox(model_admin) -> bool:
    return type(model_admin).action_checkbox is admin.ModelAdmin.action_checkbox


def _link_columns(cl: ChangeList) -> list[bool]:
    links, first = [], True
    for name in cl.list_display:
        if cl.list_display_links is None:
            links.append(False)
        elif first and not cl.list_display_links:
            links.append(True)
        else:
            links.append(name in cl.list_display_links)
        if links[-1]:
            first = False
    return links


class RowRenderer:
    """The rows of a changelist page: one safe string per row, the cells `items_for_result` would yield."""

    def __init__(self, cl: ChangeList) -> None:
        self.cl = cl
        self.columns: list[Column] = []
        first = True
        for index, (name, link) in enumerate(zip(cl.list_display, _link_columns(cl), strict=True)):
            column = Column(cl, index, name, link=link, first_link=link and first)
            if link:
                first = False
            self.columns.append(column)
        self.url_template = self._url_template()
        self.popup_attr = str(cl.to_field) if cl.to_field else cl.lookup_opts.pk.attname

    @staticmethod
    def supports(cl: ChangeList) -> bool:
        return not cl.formset

    def _url_template(self) -> str | None:
        """The change URL with a placeholder for the primary key, preserved filters included; None: per row."""
        cl = self.cl
        if type(cl).url_for_result is not ChangeList.url_for_result:
            return None
        opts = cl.opts
        try:
            url = cl.url_for_result(_Placeholder(cl.pk_attname))
        except NoReverseMatch:
            return ""
        return add_preserved_filters({"preserved_filters": cl.preserved_filters, "opts": opts}, url)

    def url(self, obj) -> str:
        if self.url_template is None:
            try:
                url = self.cl.url_for_result(obj)
            except NoReverseMatch:
                return ""
            return add_preserved_filters({"preserved_filters": self.cl.preserved_filters, "opts": self.cl.opts}, url)
        if not self.url_template:
            return ""
        key = url_quote(str(quote(getattr(obj, self.cl.pk_attname))), safe=RFC3986_SUBDELIMS + "/~:@")  # as reverse()
        return self.url_template.replace(PK_PLACEHOLDER, key)

    def row(self, obj) -> SafeString:
        needs_url = any(column.link for column in self.columns)
        url = self.url(obj) if needs_url else ""
        popup_value = obj.serializable_value(self.popup_attr) if self.cl.is_popup else None
        return SafeString("".join(column.cell(obj, url, popup_value) for column in self.columns))

    def rows(self) -> Iterator[SafeString]:
        for obj in self.cl.result_list:
            yield self.row(obj)


class _Placeholder:
    """Stands in for a result when the change URL is reversed once for the whole page."""

    def __init__(self, pk_attname: str) -> None:
        setattr(self, pk_attname, PK_PLACEHOLDER)


def django_rows(cl: ChangeList) -> list[SafeString]:
    """Django's own rendering of the same rows (the reference the tests compare against)."""
    return [SafeString("".join(items_for_result(cl, obj, None))) for obj in cl.result_list]
