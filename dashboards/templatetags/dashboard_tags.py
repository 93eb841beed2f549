"""Table rows of the dashboards, rendered in Python: a page holds thousands of cells, and a template loop with
filters per cell would cost more than the SQL that counted them. Every value is escaped here."""

from __future__ import annotations

import datetime as dt
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from dashboards.panels import Table
from regions.scoping import dashboard_scope

register = template.Library()


def cell_text(value) -> str:
    """A cell as text: yes/no for a flag, "—" for nothing, dates as dd-mm-yyyy (as in the XLSX)."""
    if value is True:
        return _("Ya")
    if value is False:
        return _("Tidak")
    if value is None:
        return "—"
    if isinstance(value, dt.date):
        return value.strftime("%d-%m-%Y")
    return str(value)


def _td(value, yes: str, no: str) -> str:
    if value is True:
        return f"<td>{yes}</td>"
    if value is False:
        return f'<td class="text-danger fw-semibold">{no}</td>'
    if isinstance(value, int):
        return f'<td class="text-end">{value}</td>'
    return f"<td>{escape(cell_text(value))}</td>"


@register.simple_tag
def table_rows(table: Table) -> SafeString:
    """The <tr> of a table's body: the first cell a row header (a link when the row drills down)."""
    yes, no = escape(_("Ya")), escape(_("Tidak"))
    links = table.links or [""] * len(table.rows)
    html = []
    for link, row in zip(links, table.rows, strict=True):
        head = escape(cell_text(row[0]))
        if link:
            head = f'<a href="{escape(link)}">{head}</a>'
        cells = "".join(_td(value, yes, no) for value in row[1:])
        html.append(f'<tr><th scope="row">{head}</th>{cells}</tr>')
    return mark_safe("\n".join(html))  # noqa: S308  # every value escaped above


@register.simple_tag
def table_footer(table: Table) -> SafeString:
    first, *rest = table.footer
    cells = "".join(
        f'<td class="text-end">{value}</td>' if isinstance(value, int) else f"<td>{escape(cell_text(value))}</td>"
        for value in rest
    )
    return mark_safe(f'<tr class="fw-semibold"><th scope="row">{escape(cell_text(first))}</th>{cells}</tr>')  # noqa: S308


@register.filter
def has_dashboard(user) -> bool:
    """For the navigation: may the user open any dashboard? (`{% if user|has_dashboard %}`; no query of its own.)"""
    return not dashboard_scope(user).is_empty
