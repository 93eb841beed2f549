"""Dashboard tables rendered in Python: a page holds thousands of cells, and a template loop with an include,
a context and filters per table and per cell costs more than the SQL that counted them. Every value is escaped
here (`html.escape`), once."""

from __future__ import annotations

import datetime as dt
from html import escape

from django import template
from django.utils.html import json_script
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from dashboards.case_panels import Hidden
from dashboards.panels import Panel, Table
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


def _escaped(text: str) -> str:
    """`html.escape(text)`: the text itself when it holds none of the five characters (most names and titles)."""
    if "&" in text or "<" in text or ">" in text or '"' in text or "'" in text:
        return escape(text)
    return text


def _cell(value) -> str:
    """A cell's text, escaped."""
    return _escaped(value if type(value) is str else cell_text(value))


class _Cells:
    """Renders cells; the words for yes and no are translated once per table, not once per cell."""

    def __init__(self) -> None:
        self.yes = f"<td>{escape(_('Ya'))}</td>"
        self.no = f'<td class="text-danger fw-semibold">{escape(_("Tidak"))}</td>'

    def td(self, value) -> str:
        kind = type(value)  # the common cases first: a name, a count (a bool is not an int here)
        if kind is str:
            return f"<td>{_escaped(value)}</td>"
        if kind is int:
            return f'<td class="text-end">{value}</td>'
        if value is True:
            return self.yes
        if value is False:
            return self.no
        if kind is Hidden:  # a count shown as "<5" or "≥ 12": a number's place
            return f'<td class="text-end">{_escaped(value)}</td>'
        return f"<td>{_cell(value)}</td>"

    def footer_td(self, value) -> str:
        if isinstance(value, int | Hidden):
            return f'<td class="text-end">{_escaped(str(value))}</td>'
        return f"<td>{_cell(value)}</td>"


def render_rows(table: Table, cells: _Cells | None = None) -> str:
    """The <tr> of a table's body: the first cell a row header (a link when the row drills down)."""
    td = (cells or _Cells()).td
    if not table.links:
        return "\n".join(
            f'<tr><th scope="row">{_cell(row[0])}</th>{"".join(map(td, row[1:]))}</tr>' for row in table.rows
        )
    html = []
    for link, row in zip(table.links, table.rows, strict=True):
        head = _cell(row[0])
        if link:
            head = f'<a href="{_escaped(link)}">{head}</a>'
        html.append(f'<tr><th scope="row">{head}</th>{"".join(map(td, row[1:]))}</tr>')
    return "\n".join(html)


def render_footer(table: Table, cells: _Cells | None = None) -> str:
    cells = cells or _Cells()
    first, *rest = table.footer
    return f'<tr class="fw-semibold"><th scope="row">{_cell(first)}</th>{"".join(map(cells.footer_td, rest))}</tr>'


def render_table(table: Table) -> str:
    """A whole table: caption, header, body, footer; long lists folded (<details>); the empty message if no rows."""
    caption = escape(str(table.caption))
    if not table.rows:
        return (
            f'<p class="dashboard-empty"><strong>{caption}:</strong> {escape(str(table.empty))}</p>'
            if table.empty
            else ""
        )
    cells = _Cells()
    head = "".join(f'<th scope="col">{escape(str(column))}</th>' for column in table.columns)
    footer = f"<tfoot>{render_footer(table, cells)}</tfoot>" if table.footer else ""
    html = (
        '<div class="table-responsive">\n'
        f'<table class="table table-sm table-bordered table-striped align-middle dashboard-table" '
        f'id="table-{escape(table.key)}">\n'
        f'<caption class="caption-top">{caption}</caption>\n'
        f'<thead class="table-light"><tr>{head}</tr></thead>\n'
        f"<tbody>\n{render_rows(table, cells)}\n</tbody>\n{footer}\n"
        "</table>\n</div>"
    )
    if table.collapsed:
        html = (
            f'<details class="dashboard-details mb-3"><summary>{caption} ({len(table.rows)})</summary>\n'
            f"{html}\n</details>"
        )
    return html


def render_panel(panel: Panel) -> str:
    """A panel's section: its charts (data in json_script blocks, drawn by static/js/dashboard.js), tables, notes."""
    key = escape(panel.key)
    html = [
        f'<section class="dashboard-panel card mb-4" id="panel-{key}" aria-labelledby="panel-{key}-title">',
        '<div class="card-body">',
        f'<h2 class="h5 card-title" id="panel-{key}-title">{escape(str(panel.title))}</h2>',
    ]
    for chart in panel.charts:
        label = _("%(title)s: grafik batang; angkanya ada di tabel “%(caption)s”.") % {
            "title": chart.title,
            "caption": chart.table.caption,
        }
        html.append(
            '<figure class="dashboard-chart" hidden><div class="dashboard-chart-box">'
            f'<canvas data-chart="{escape(chart.key)}" data-table="table-{escape(chart.table.key)}" role="img" '
            f'aria-label="{escape(label)}"></canvas></div>'
            f'<figcaption class="small text-body-secondary">{escape(str(chart.title))}</figcaption>'
            f"{json_script(chart.data(), chart.key)}</figure>"
        )
    html.extend(render_table(table) for table in panel.tables)
    html.extend(f'<p class="small text-body-secondary mb-0">{escape(str(note))}</p>' for note in panel.notes)
    html.extend(
        f'<p class="small text-body-secondary mb-0 d-print-none">{escape(str(hint))}</p>' for hint in panel.hints
    )
    html.append("</div>\n</section>")
    return "\n".join(html)


@register.simple_tag
def dashboard_panel(panel: Panel) -> SafeString:
    if panel.html is None:  # rendered once: a panel kept by `dashboards.memo` comes back with its HTML
        panel.html = render_panel(panel)
    return mark_safe(panel.html)  # noqa: S308  # every value escaped in render_panel


@register.simple_tag
def dashboard_table(table: Table) -> SafeString:
    return mark_safe(render_table(table))  # noqa: S308  # every value escaped in render_table


@register.filter
def has_dashboard(user) -> bool:
    """For the navigation: may the user open any dashboard? (`{% if user|has_dashboard %}`; no query of its own.)"""
    return not dashboard_scope(user).is_empty
