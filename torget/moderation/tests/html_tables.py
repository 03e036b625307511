"""Read an HTML table as rows of cell texts, so tests can assert on what a reader sees."""

from __future__ import annotations

from html.parser import HTMLParser


class _TableReader(HTMLParser):
    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.table_id = table_id
        self.inside = False
        self.found = False
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and ("id", self.table_id) in attrs:
            self.inside = self.found = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("th", "td"):
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.inside = False
        elif self.inside and tag in ("th", "td") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def table_rows(html: str, table_id: str) -> list[list[str]]:
    """Every row of the table with this id, header rows included; fails if there is none."""
    reader = _TableReader(table_id)
    reader.feed(html)
    assert reader.found, f"no table with id {table_id!r}"
    return reader.rows


def row_for(rows: list[list[str]], label: str) -> list[str]:
    """The first row whose header cell contains ``label``."""
    for row in rows:
        if row and label in row[0]:
            return row
    raise AssertionError(f"no row for {label!r} in {rows}")


def title(code: str) -> str:
    """The English title of a default rule: citizens' pages name rules by title, not code."""
    from torget.moderation.defaults import DEFAULT_RULES

    return next(rule["title_en"] for rule in DEFAULT_RULES if rule["code"] == code)
