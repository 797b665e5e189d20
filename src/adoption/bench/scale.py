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
# The plain parse is run this many times (each in a fresh process) and its median taken: a
# few seconds long, it varies by a fifth between runs on a shared machine.
PARSES = 3


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
        parses = sorted((data.measure("pyarrow", raw) for _ in range(PARSES)), key=lambda m: m.seconds)
        base = parses[len(parses) // 2]  # the median run: the ratios below are to it
        rows.append(Row(f"{size / 1e6:g} M: plain parse (pyarrow, openpyxl)", base.seconds, max(m.peak_mib for m in parses),
                        f"{base.rows:,} rows; {base.rows / base.seconds:,.0f} rows/s; median of "
                        f"{', '.join(f'{m.seconds:.1f}' for m in parses)} s"))
        # At the largest size, Dask also on a cluster started (and its workers' imports done)
        # before the time is taken, as with --scheduler and a cluster that runs already.
        running = (data.RUNNING,) if "dask" in engines and size == max(sizes) else ()
        for engine in (*engines, *running):
            out = tmp / f"scale-{size}" / engine
            try:
                cleaned = data.measure(f"clean:{engine}", raw, out, scope=SCOPE)
            except BrokenProcessPool:
                rows.append(Row(f"{size / 1e6:g} M: clean --engine {engine}", result="did not finish: the process was "
                                "killed (out of memory)", target=_target(size, engine, None, base)))
                continue
            finally:
                shutil.rmtree(out, ignore_errors=True)
            speed = cleaned.detail["register_rows"] / cleaned.seconds
            label = "dask, cluster started before" if engine == data.RUNNING else engine
            rows.append(Row(f"{size / 1e6:g} M: clean --engine {label}", cleaned.seconds, cleaned.peak_mib,
                            f"{cleaned.detail['register_rows']:,} register rows, {speed:,.0f} rows/s; "
                            f"{cleaned.detail['enterprises']:,} enterprises; {cleaned.seconds / base.seconds:.1f}x the parse",
                            _target(size, engine, cleaned, base)))
        shutil.rmtree(raw.parent, ignore_errors=True)  # the raw folder and its ground truth
    notes = [f"National scale: a synthetic national register (63 provinces, cleaned with --scope national) of about "
             f"{', '.join(f'{s:,}' for s in sizes)} register rows, with "
             "its platform records, cleaned by each engine in a fresh process (rows/s counts register rows; the parse "
             f"and the cleaning read the platform records too; the parse is the median of {PARSES} runs, each in a fresh "
             "process). `dask` runs on a local cluster of 2 worker processes, started within the time measured (at the "
             "largest size, also on one started, its workers' imports done, before the time: as on a running cluster); "
             "its peak adds up the driving process's and every worker's. Targets at 5 M rows: at least "
             f"{ROWS_PER_SECOND:,} rows/s, at most {TO_PARSE:g}x the parse, and under {PEAK_MIB / 1024:g} GiB in parts."]
    return rows, notes


def _target(size: int, engine: str, cleaned, base) -> str:
    if size < max(SIZES):
        return ""
    if engine == data.RUNNING:
        return "(for comparison: the targets are the row above's)"
    if cleaned is None:
        return f"< {PEAK_MIB / 1024:g} GiB: MISS" if engine != "memory" else ""
    speed = cleaned.detail["register_rows"] / cleaned.seconds
    parts = [f">= {ROWS_PER_SECOND // 1000}k rows/s: {_verdict(speed >= ROWS_PER_SECOND)}",
             f"<= {TO_PARSE:g}x parse: {_verdict(cleaned.seconds <= TO_PARSE * base.seconds)}"]
    if engine != "memory":
        parts.append(f"< {PEAK_MIB / 1024:g} GiB: {_verdict(cleaned.peak_mib < PEAK_MIB)}")
    return "; ".join(parts)
