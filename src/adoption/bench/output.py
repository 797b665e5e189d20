"""The benchmark's results as a console table and as Markdown in ``docs/benchmarks.md``.

The file keeps whatever is written around the generated part (the history of the
figures, what was profiled), and only the part between the two markers is replaced.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

START = "<!-- make bench: generated from here -->"
END = "<!-- make bench: generated up to here -->"
# The national-scale cleanings have a generated part of their own (`--scale-only` updates it alone).
SCALE_MARKERS = ("<!-- make bench, national scale: generated from here -->",
                 "<!-- make bench, national scale: generated up to here -->")
COLUMNS = ("stage", "seconds", "peak MiB", "result", "target")


@dataclass
class Row:
    """One line of the table; NaN where a figure does not apply."""

    stage: str
    seconds: float = float("nan")
    peak_mib: float = float("nan")
    result: str = ""
    target: str = ""


def _cells(row: Row) -> list[str]:
    def number(value: float, digits: int) -> str:
        return "-" if value != value else f"{value:,.{digits}f}"

    return [row.stage, number(row.seconds, 2), number(row.peak_mib, 0), row.result, row.target]


def print_table(rows: list[Row], title: str) -> None:
    """Print the table on the console."""
    table = Table(title=title)
    for column in COLUMNS:
        table.add_column(column, justify="right" if column in ("seconds", "peak MiB") else "left")
    for row in rows:
        table.add_row(*_cells(row))
    Console().print(table)


def _markdown_table(header: list[str], lines: list[list[str]]) -> list[str]:
    escape = lambda text: str(text).replace("|", "\\|")  # noqa: E731
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return out + ["| " + " | ".join(escape(cell) for cell in line) + " |" for line in lines]


def markdown(machine: dict[str, str], rows: list[Row], profile: list, notes: list[str], *,
             markers: tuple[str, str] = (START, END), heading: str = "Latest run") -> str:
    """A generated part of ``docs/benchmarks.md``."""
    lines = [markers[0], "", f"## {heading}", "", *(f"- **{key}**: {value}" for key, value in machine.items()), ""]
    lines += _markdown_table(list(COLUMNS), [_cells(row) for row in rows])
    lines += ["", *notes, ""]
    if profile:
        lines += ["### Where the default build's time goes", "",
                  "Per report: the seconds of its run (kernel, cells, export, written files), the kernel's "
                  "seconds in cells as papermill records them, and its slowest cells.", ""]
        lines += _markdown_table(
            ["report", "run s", "cells s", "slowest cells (s)"],
            [[name, f"{run:.2f}", f"{cells:.2f}", "; ".join(f"{s:.2f} `{code}`" for s, code in slowest)]
             for name, run, cells, slowest in profile],
        )
        lines.append("")
    return "\n".join([*lines, markers[1]])


def write_markdown(path: Path, generated: str, heading: str, markers: tuple[str, str] = (START, END)) -> None:
    """Put ``generated`` between ``markers`` in ``path``, keeping the rest of the file."""
    start, end = markers
    text = path.read_text(encoding="utf-8") if path.is_file() else f"# {heading}\n\n{start}\n{end}\n"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1]
    else:
        before, after = text.rstrip("\n") + "\n\n", "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(before + generated + after, encoding="utf-8")
