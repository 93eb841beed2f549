"""Reading a dashboard page back: its tables (by id) and the chart data in its json_script blocks."""

from __future__ import annotations

import json
from html.parser import HTMLParser


class DashboardParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.links: dict[str, list[str]] = {}  # table id → the hrefs in its body, in order
        self.charts: dict[str, str] = {}  # chart id → id of the table holding its numbers
        self.scripts: dict[str, str] = {}
        self._table: str | None = None
        self._cell: list[str] | None = None
        self._script: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id"):
            self._table = attrs["id"]
            self.tables[self._table], self.links[self._table] = [], []
        elif self._table and tag == "tr":
            self.tables[self._table].append([])
        elif self._table and tag in ("td", "th"):
            self._cell = self.tables[self._table][-1]
            self._cell.append("")
        elif self._table and tag == "a":
            self.links[self._table].append(attrs["href"])
        elif tag == "canvas" and "data-chart" in attrs:
            self.charts[attrs["data-chart"]] = attrs["data-table"]
        elif tag == "script" and attrs.get("type") == "application/json":
            self._script = attrs["id"]
            self.scripts[self._script] = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self._cell = None
        elif tag == "table":
            self._table = None
        elif tag == "script":
            self._script = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[-1] += data
        elif self._script:
            self.scripts[self._script] += data


def parse(html: str) -> DashboardParser:
    parser = DashboardParser()
    parser.feed(html)
    for rows in parser.tables.values():
        for row in rows:
            row[:] = [" ".join(cell.split()) for cell in row]
    return parser


def table(html: str, table_id: str) -> dict[str, list[str]]:
    """{"header": [...], "<first cell>": [other cells]} of one table."""
    rows = parse(html).tables[table_id]
    return {"header": rows[0], **{row[0]: row[1:] for row in rows[1:]}}


def chart_data(html: str) -> dict[str, dict]:
    parser = parse(html)
    return {key: json.loads(parser.scripts[key]) for key in parser.charts}
