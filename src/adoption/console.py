"""What the command line prints: a stage's outcome (rich tables on the terminal), and its
commands' help."""

from __future__ import annotations

import inspect
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

out = Console()


def print_quality(quality: dict, target: Path) -> None:
    """The accounting of a cleaning, as `adoption clean` prints it: each file's rows read,
    kept, rejected and merged; what was not read; rejects by reason; synthetic input."""
    table = Table(title=escape(f"clean data in {target}"))
    for column in ("file", "encoding", "read", "kept", "rejected", "merged"):
        table.add_column(column, justify="left" if column in ("file", "encoding") else "right", overflow="fold")
    for rel, info in quality["files"].items():
        encoding = f"{info['encoding']} {info['encoding_confidence']:.0%}" if "encoding" in info else ""
        table.add_row(escape(rel), escape(encoding), f"{info['rows_read']:,}", f"{info['rows_kept']:,}",
                      f"{info['rows_rejected']:,}", f"{info['rows_merged']:,}")
    out.print(table)
    for skipped in quality.get("not_read", []):
        out.print(f"[yellow]not read[/]: {escape(skipped['path'])}: {escape(skipped['reason'])}")
    for rel, info in quality["files"].items():
        for sheet, reason in info.get("sheets_not_read", {}).items():
            out.print(f"[yellow]not read[/]: {escape(rel)}, sheet {escape(repr(sheet))}: {escape(reason)}")
    if quality.get("reasons"):
        out.print("rejected rows by reason: " + ", ".join(f"{k} {v:,}" for k, v in quality["reasons"].items()))
    scope = quality.get("scope") or {}
    if quality.get("reasons", {}).get("outside_scope") and scope.get("code") != "national":
        out.print(f"[yellow]outside the scope[/]: {quality['reasons']['outside_scope']:,} rows are outside "
                  f"{escape(scope.get('name', 'Tỉnh Bình Dương'))}, the scope of this cleaning (rejects.csv, "
                  "outside_scope; the platform records of firms outside it are rejected as not_in_register); "
                  "--scope national keeps every province, --scope NAME another one")
    if quality.get("synthetic"):
        out.print("[bold yellow]input is synthetic[/]: every report built on it says so")


def prose(doc: str) -> str:
    r"""A command's docstring as its help: paragraphs kept, the lines of each joined (typer
    keeps a docstring's line breaks, which a terminal narrower than them wraps raggedly).

    >>> prose("First line.\n\n    One sentence\n    on two lines.")
    'First line.\n\nOne sentence on two lines.'
    """
    return "\n\n".join(" ".join(paragraph.split()) for paragraph in inspect.cleandoc(doc).split("\n\n"))
