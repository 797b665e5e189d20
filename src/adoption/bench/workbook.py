"""A register in one XLSX workbook, read five ways, each in a fresh process (see
:mod:`adoption.bench.data`): calamine's values of every sheet (the least any reader of the
workbook does, and the plain parse's reader of XLSX), openpyxl's read-only iteration of
every cell (its reader in the earlier runs), the cleaning's reader (:func:`adoption.clean.xlsx.read_xlsx`: the checks that
calamine reads the workbook as openpyxl would, then every cell as text, within the limits),
and the cleaning's reading into tables of the header's columns, whole
(:func:`adoption.clean.read.read_raw`) and a sheet at a time
(:func:`adoption.clean.workbook.read_sheets`), which differ in peak memory.

The workbook is made from the synthetic extract's largest register CSV, its rows repeated
to :data:`ROWS`, numbers typed as numbers as a spreadsheet holds them: synthetic.
"""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

from ..core.io import data_files
from . import data
from .output import Row

ROWS = 100_000
# The readers measured: (stage, what the table calls it).
READERS = (("xlsx:calamine", "calamine's values of every sheet (the plain parse's reader)"),
           ("xlsx:openpyxl", "openpyxl's read-only iteration of every cell (the plain parse's reader in the earlier runs)"),
           ("xlsx:read", "the cleaning's reader: checks, then every cell as text (read_xlsx)"),
           ("xlsx:table", "the cleaning's reading into one table of the header's columns (read_raw, in memory)"),
           ("xlsx:sheets", "the same, a sheet at a time, rows kept on disk until every header is read (read_sheets, "
                           "the chunked and Dask engines' for a workbook of large sheets)"))
# The readers that give the data rows, not every row of every sheet.
DATA_READERS = ("xlsx:table", "xlsx:sheets")


def write_workbook(raw: Path, path: Path, rows: int = ROWS) -> tuple[int, int]:
    """Write ``path``: the rows of the largest register CSV of ``raw`` repeated to ``rows``
    data rows, over two sheets with title rows and a notes sheet (as the synthetic XLSX
    files are); cells of at most 15 digits are numbers. Its data rows and columns."""
    from ..synth.files import write_xlsx

    source = max((p for p in data_files(raw / "register") if p.suffix.lower() != ".xlsx"), key=lambda p: p.stat().st_size)
    encoding, delimiter = data._csv_options(source)
    content = source.read_bytes()
    try:
        text = content.decode("utf-8-sig" if encoding == "utf8" else encoding)
    except UnicodeDecodeError:  # not UTF-8: the legacy Vietnamese code page, as the plain parse reads it
        text = content.decode("cp1258")
    header, *body = [row for row in csv.reader(io.StringIO(text), delimiter=delimiter) if any(row)]
    typed = [[int(cell) if cell.isascii() and cell.isdigit() and len(cell) <= 15 else cell for cell in row] for row in body]
    cells = [typed[number % len(typed)] for number in range(rows)]
    write_xlsx(path, header, cells, title="synthetic")
    return len(cells), len(header)


def read(stage: str, path: Path) -> tuple[int, dict]:
    """Read the workbook ``path`` one way (a stage of :data:`READERS`); the rows read."""
    if stage == "xlsx:calamine":
        return data._parse_xlsx_calamine(path), {}
    if stage == "xlsx:openpyxl":
        return data._parse_xlsx(path), {}
    from ..clean import vocab
    from ..clean.limits import ReadLimits
    from ..clean.read import read_raw
    from ..clean.workbook import read_sheets
    from ..clean.xlsx import read_xlsx

    if stage == "xlsx:table":
        return len(read_raw(path, vocab.REGISTER_HEADER_ALIASES, vocab.REGISTER_REQUIRED, ReadLimits()).frame), {}
    if stage == "xlsx:sheets":
        rows = 0
        for table in read_sheets(path, vocab.REGISTER_HEADER_ALIASES, vocab.REGISTER_REQUIRED, ReadLimits()):
            rows += len(table.frame)
            del table
        return rows, {}
    return sum(len(frame) for _, frame in read_xlsx(path, ReadLimits())), {}


def workbook_rows(raw: Path, tmp: Path) -> tuple[list[Row], list[str]]:
    """The workbook written from ``raw``'s register, then read each way; rows and notes of the table."""
    path = tmp / "register.xlsx"
    started = time.perf_counter()
    count, width = write_workbook(raw, path)
    rows = [Row("XLSX register: write the workbook (openpyxl)", time.perf_counter() - started,
                result=f"{count:,} rows of {width} columns, {path.stat().st_size / 2**20:.1f} MB (synthetic)")]
    measured = {stage: data.measure(stage, path) for stage, _ in READERS}
    base = measured["xlsx:calamine"].seconds
    for stage, label in READERS:
        taken = measured[stage]
        rows.append(Row(f"XLSX register: {label}", taken.seconds, taken.peak_mib,
                        f"{taken.rows:,} rows; {taken.rows / taken.seconds:,.0f} rows/s; {taken.seconds / base:.1f}x calamine's"))
    notes = [f"XLSX register: one workbook of {count:,} rows made from the synthetic extract's largest register CSV "
             "(its rows repeated; cells of up to 15 digits typed as numbers), read by each reader in a fresh process."]
    return rows, notes
