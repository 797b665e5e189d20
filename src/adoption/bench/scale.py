"""The cleaning at national scale: national registers (the 63 provinces, ``synth --scope
national``) of about 1 and 5 million register rows, cleaned with ``--scope national`` in
memory, in parts on this machine and on a Dask cluster of this machine's cores, each
against pyarrow's plain parse of the same files in the same run.

Each stage runs in a fresh process (:func:`adoption.bench.data.measure`). The Dask stage's
peak memory adds up the peaks of the process that drives the cleaning and of every worker:
an upper bound of what the machine held at once. A stage that the machine cannot finish
(the in-memory path past the memory there is) is a row that says so, and the run goes on.
"""

from __future__ import annotations

import shutil
import statistics
import time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from ..core import config
from . import data
from .output import Row

# Register rows of the national-scale registers measured.
SIZES = (1_000_000, 5_000_000)
ENGINES = config.ENGINES
# Targets at 5 M rows: register rows a second, times pyarrow's parse, peak memory in parts.
ROWS_PER_SECOND = 100_000
TO_PARSE = 5.0
PEAK_MIB = 6 * 1024
# Register rows a national synthetic firm brings on average (branches, duplicates and junk
# rows): 1,194,951 rows for 1,000,000 firms at seed 2023.
ROWS_PER_FIRM = 1.19
SCOPE = "national"
# The plain parse is run before the first cleaning and again after each (each in a fresh
# process, the files in the page cache): each cleaning is set against the mean of the parse
# just before it and the one just after, in the same minutes. A machine whose speed drifts
# by a fifth over the minutes of one run (the shared ones here do) then moves both alike.


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def write_register(raw: Path, rows: int) -> str:
    """A national synthetic register of about ``rows`` register rows in ``raw``; what was written."""
    from .. import synth

    written = synth.write_synthetic(raw, firms=int(rows / ROWS_PER_FIRM), messiness="realistic", scope=SCOPE)
    return f"{written.register_rows:,} firms' records and {written.platform_rows:,} platform records (synthetic)"


def scale_rows(tmp: Path, sizes: tuple[int, ...] = SIZES, engines: tuple[str, ...] = ENGINES) -> tuple[list[Row], list[str]]:
    """One block of rows per size: the data written, the plain parse, each engine's cleaning."""
    rows: list[Row] = []
    for size in sizes:
        raw = tmp / f"scale-{size}" / "raw"
        started = time.perf_counter()
        written = write_register(raw, size)
        rows.append(Row(f"{size / 1e6:g} M: synth the register", time.perf_counter() - started, result=written))
        parse_row = len(rows)  # the row of the parses, its figures known at the end
        parses = [_parse(raw)]
        # At the largest size, Dask also on a cluster started (and its workers' imports done)
        # before the time is taken, as with --scheduler and a cluster that runs already.
        running = (data.RUNNING,) if "dask" in engines and size == max(sizes) else ()
        for engine in (*engines, *running):
            out = tmp / f"scale-{size}" / engine
            try:
                cleaned = data.measure(f"clean:{engine}", raw, out, scope=SCOPE)
            except BrokenProcessPool:
                cleaned = None
            finally:
                shutil.rmtree(out, ignore_errors=True)
            parses.append(_parse(raw))
            base = (parses[-2].seconds + parses[-1].seconds) / 2
            before = (parses[-2].detail["seconds_openpyxl"] + parses[-1].detail["seconds_openpyxl"]) / 2
            if cleaned is None:
                rows.append(Row(f"{size / 1e6:g} M: clean --engine {engine}", result="did not finish: the process was "
                                "killed (out of memory)", target=_target(size, engine, None, base)))
                continue
            speed = cleaned.detail["register_rows"] / cleaned.seconds
            label = "dask, cluster started before" if engine == data.RUNNING else engine
            rows.append(Row(f"{size / 1e6:g} M: clean --engine {label}", cleaned.seconds, cleaned.peak_mib,
                            f"{cleaned.detail['register_rows']:,} register rows, {speed:,.0f} rows/s; "
                            f"{cleaned.detail['enterprises']:,} enterprises; {cleaned.seconds / base:.1f}x the parse "
                            f"({parses[-2].seconds:.1f} s before, {parses[-1].seconds:.1f} s after; "
                            f"{cleaned.seconds / before:.1f}x with openpyxl reading the XLSX files, as in the earlier runs)",
                            _target(size, engine, cleaned, base)))
        median = statistics.median(m.seconds for m in parses)
        xlsx = parses[0].detail
        rows.insert(parse_row, Row(f"{size / 1e6:g} M: plain parse (pyarrow, calamine)", median,
                                   max(m.peak_mib for m in parses),
                                   f"{parses[0].rows:,} rows; {parses[0].rows / median:,.0f} rows/s; median of "
                                   f"{', '.join(f'{m.seconds:.1f}' for m in parses)} s, in the order run; of the first, "
                                   f"{xlsx['xlsx_files']} XLSX files ({xlsx['xlsx_rows']:,} rows) {xlsx['xlsx_seconds']:.1f} s, "
                                   f"by openpyxl {xlsx['openpyxl_seconds']:.1f} s"))
        shutil.rmtree(raw.parent, ignore_errors=True)  # the raw folder and its ground truth
    notes = [f"National scale: a synthetic national register (63 provinces, cleaned with --scope national) of about "
             f"{', '.join(f'{s:,}' for s in sizes)} register rows, with "
             "its platform records, cleaned by each engine in a fresh process (rows/s counts register rows; the parse "
             "and the cleaning read the platform records too). The parse runs, each in a fresh process with the files in "
             "the page cache, before the first cleaning and after each: a cleaning's ratio is to the mean of the parse "
             "just before it and the one just after (the parse row gives their median). The parse reads the XLSX files "
             "by calamine; in the earlier runs (up to the twelfth round) it read them by openpyxl, which the ratio in brackets keeps. `dask` runs on a local cluster of 2 worker processes, started within the time measured (at the "
             "largest size, also on one started, its workers' imports done, before the time: as on a running cluster); "
             "its peak adds up the driving process's and every worker's. Targets at 5 M rows: at least "
             f"{ROWS_PER_SECOND:,} rows/s, at most {TO_PARSE:g}x the parse, and under {PEAK_MIB / 1024:g} GiB in parts."]
    return rows, notes


def _parse(raw: Path) -> data.Measure:
    """The plain parse of ``raw``, its files read once before (into the page cache, as
    for the cleanings, which read them after a parse). A parse whose process the machine
    killed (its memory still held by a cleaning just ended) is run once more."""
    for path in sorted(raw.rglob("*")):
        if path.is_file():
            with path.open("rb") as source:
                while source.read(1 << 24):
                    pass
    try:
        return data.measure("pyarrow", raw)
    except BrokenProcessPool:
        time.sleep(5)
        return data.measure("pyarrow", raw)


def _target(size: int, engine: str, cleaned, base: float) -> str:
    if size < max(SIZES):
        return ""
    if engine == data.RUNNING:
        return "(for comparison: the targets are the row above's)"
    if cleaned is None:
        return f"< {PEAK_MIB / 1024:g} GiB: MISS" if engine != "memory" else ""
    speed = cleaned.detail["register_rows"] / cleaned.seconds
    parts = [f">= {ROWS_PER_SECOND // 1000}k rows/s: {_verdict(speed >= ROWS_PER_SECOND)}",
             f"<= {TO_PARSE:g}x parse: {_verdict(cleaned.seconds <= TO_PARSE * base)}"]
    if engine != "memory":
        parts.append(f"< {PEAK_MIB / 1024:g} GiB: {_verdict(cleaned.peak_mib < PEAK_MIB)}")
    return "; ".join(parts)
