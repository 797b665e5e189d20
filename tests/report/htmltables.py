"""The tables of an HTML page as lists of rows of cell texts (for the report tests)."""

from __future__ import annotations

from html.parser import HTMLParser


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self.tables and self.tables[-1]:
            self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables(html: str) -> list[list[list[str]]]:
    """Every table of ``html``: its rows (header row first), each a list of cell texts."""
    parser = _Tables()
    parser.feed(html)
    return [[row for row in table if row] for table in parser.tables]


def table_with(html: str, header: list[str]) -> list[list[str]]:
    """The rows (header excluded) of the first table whose header row is ``header``."""
    for table in tables(html):
        if table and table[0] == header:
            return table[1:]
    raise AssertionError(f"no table with header {header}; headers: {[t[0] for t in tables(html) if t]}")


def empty_sections(html: str) -> list[str]:
    """The headings (h2, h3) of ``html`` followed by nothing (no text, image or table)
    before the next heading: a heading left over a chart or table that was not drawn."""
    import re
    from html import unescape

    body = re.sub(r"<script.*?</script>|<style.*?</style>", "", html, flags=re.S)
    parts = re.split(r"(<h[23][^>]*>.*?</h[23]>)", body, flags=re.S)
    empty = []
    for heading, content in zip(parts[1::2], parts[2::2]):
        if "<img" not in content and not re.sub(r"<[^>]+>", " ", content).replace("¶", "").strip():
            empty.append(unescape(re.sub(r"<[^>]+>", "", heading)).replace("¶", "").strip())
    return empty
