"""The data stages measured apart: the cleaning, and the baseline it is compared with,
pyarrow's plain parse of the same raw files.

Each runs in a fresh process, so that its peak memory is its own (the resident set's
high-water mark of that process) and no cache of one warms the other. The baseline is
what a reader that knows nothing of the files' mess does: pyarrow.csv.read_csv of each
CSV, told only its encoding (by BOM, else UTF-8, else Windows-1258 when UTF-8 fails) and
its delimiter (the commonest of comma, semicolon and tab on the first line), with type
inference and rows of the wrong width skipped; and, for XLSX files, which pyarrow does
not read, calamine's values of every sheet (python-calamine, the quickest reader of them
here). openpyxl's read-only iteration of every cell, the baseline's reader of XLSX files
in the earlier runs of ``docs/benchmarks.md`` (13 to 16 times slower), is timed
beside it, so that a ratio can still be set against the baseline of the earlier rounds.
"""

from __future__ import annotations

import logging
import multiprocessing
import resource
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from ..core.io import data_files
from ..core.memory import keep_freed_memory

RAW_FOLDERS = ("register", "platforms", "survey", "workforce")
# The stage (``clean:dask-started``) of the Dask cleaning on a local cluster of 2 workers
# started before the time is taken, as on a cluster that runs already (``--scheduler``).
RUNNING = "dask-started"


@dataclass
class Measure:
    """One stage run in its own process."""

    seconds: float
    rows: int  # raw rows parsed (baseline) or read (cleaning)
    peak_mib: float  # the process's peak resident memory
    imports_mib: float  # its peak once the stage's modules were imported, before the stage ran
    detail: dict


def _peak_mib() -> float:
    """This process's peak resident memory. Linux's VmHWM belongs to the running program;
    ``ru_maxrss`` would also count the parent's peak, which survives the exec of a child."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _csv_options(path: Path) -> tuple[str, str]:
    """Encoding and delimiter of a CSV, as a plain reader would be told them."""
    head = path.open("rb").read(1 << 16)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding, text = "utf-16", head.decode("utf-16", errors="ignore")
    else:
        encoding, text = "utf8", head.decode("utf-8", errors="ignore")
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(",;\t", key=first.count)
    return encoding, delimiter


def _parse_csv(path: Path) -> int:
    import pyarrow as pa
    import pyarrow.csv as pv

    encoding, delimiter = _csv_options(path)
    parse = pv.ParseOptions(delimiter=delimiter, newlines_in_values=True, invalid_row_handler=lambda row: "skip")
    try:
        return pv.read_csv(path, read_options=pv.ReadOptions(encoding=encoding), parse_options=parse).num_rows
    except pa.ArrowInvalid:  # not UTF-8: the legacy Vietnamese code page
        return pv.read_csv(path, read_options=pv.ReadOptions(encoding="cp1258"), parse_options=parse).num_rows


def _parse_xlsx_calamine(path: Path) -> int:
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return sum(len(book.get_sheet_by_name(name).to_python(skip_empty_area=False)) for name in book.sheet_names)


def _parse_xlsx(path: Path) -> int:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return sum(1 for sheet in book.worksheets for _ in sheet.iter_rows(values_only=True))
    finally:
        book.close()


def plain_parse(raw: Path) -> tuple[int, dict]:
    """Parse every raw file plainly; the rows parsed, and rows and seconds by reader
    (``seconds``: the parse's, CSV by pyarrow and XLSX by calamine; ``seconds_openpyxl``:
    with openpyxl reading the XLSX files instead, as the baseline of the earlier runs). An
    XLSX sheet's rows are calamine's (to its last value; openpyxl also counts rows of
    formatting alone after it); the process's peak memory includes openpyxl's read."""
    detail = {"csv_rows": 0, "csv_seconds": 0.0, "xlsx_rows": 0, "xlsx_seconds": 0.0, "xlsx_files": 0,
              "openpyxl_seconds": 0.0}
    for folder in RAW_FOLDERS:
        for path in data_files(raw / folder):
            kind = "xlsx" if path.suffix.lower() == ".xlsx" else "csv"
            started = time.perf_counter()
            detail[f"{kind}_rows"] += _parse_xlsx_calamine(path) if kind == "xlsx" else _parse_csv(path)
            detail[f"{kind}_seconds"] += time.perf_counter() - started
            if kind == "xlsx":
                started = time.perf_counter()
                _parse_xlsx(path)
                detail["openpyxl_seconds"] += time.perf_counter() - started
                detail["xlsx_files"] += 1
    detail["seconds"] = detail["csv_seconds"] + detail["xlsx_seconds"]
    detail["seconds_openpyxl"] = detail["csv_seconds"] + detail["openpyxl_seconds"]
    return detail["csv_rows"] + detail["xlsx_rows"], detail


def clean(raw: Path, out: Path, engine: str = "memory", scope: str | None = None) -> tuple[int, dict]:
    """The cleaning of ``raw`` into ``out`` with ``engine`` over ``scope`` (default: the
    default scope); the raw rows it read, and what it kept."""
    if engine == "dask":
        return _clean_on_cluster(raw, out, scope)
    from ..clean.engine import clean_with

    result = clean_with(raw, out, engine=engine, scope=scope)
    return _counted(result.quality)


def _counted(quality: dict) -> tuple[int, dict]:
    rows = sum(info.get("rows_read", 0) for info in quality["files"].values())
    totals = quality["totals"]
    return rows, {"enterprises": totals["enterprises"], "platform_records": totals["platform_records"],
                  "register_rows": totals["register_rows_read"]}


def _clean_on_cluster(raw: Path, out: Path, scope: str | None) -> tuple[int, dict]:
    """The cleaning on a cluster of 2 local worker processes, started within the time
    measured; the workers' peak memory is in the detail (``workers_peak_mib``)."""
    from distributed import Client

    from ..core.cluster import local_cluster

    with local_cluster(2, dashboard_address=None) as cluster, Client(cluster) as client:
        return _clean_on_running(client, cluster.scheduler_address, raw, out, scope)


def _clean_on_running(client, address: str, raw: Path, out: Path, scope: str | None) -> tuple[int, dict]:
    from ..clean.engine import clean_in_parts

    result = clean_in_parts(raw, out, engine="dask", scheduler=address, scope=scope)
    workers = sum(client.run(_peak_mib).values())
    rows, detail = _counted(result.quality)
    return rows, {**detail, "workers_peak_mib": workers}


def _import_the_cleaning() -> None:
    import adoption.clean.engine  # noqa: F401
    import adoption.clean.parts  # noqa: F401


def _child(stage: str, raw: Path, out: Path, scope: str | None = None) -> Measure:
    """Run one stage in this (fresh) process and measure it: ``pyarrow`` (the plain parse),
    ``clean`` / ``clean:ENGINE``, or ``xlsx:READER`` (:mod:`adoption.bench.workbook`)."""
    with ExitStack() as stack:
        if stage.startswith("clean"):
            import adoption.clean.engine  # noqa: F401  (imports are not the stage)
            import adoption.clean.pipeline  # noqa: F401

            # The cleaning's notes on the data (values not used, sheets not read) are in its
            # quality.json: not printed over the benchmark's table.
            logging.getLogger("adoption").setLevel(logging.ERROR)
            keep_freed_memory()  # as `adoption clean` does
            engine = stage.partition(":")[2] or "memory"
            run = lambda: clean(raw, out, engine, scope)  # noqa: E731
            if engine == RUNNING:  # a cluster started, its workers with the cleaning imported, before the time
                from distributed import Client

                from ..core.cluster import local_cluster

                cluster = stack.enter_context(local_cluster(2, dashboard_address=None))
                client = stack.enter_context(Client(cluster))
                client.run(_import_the_cleaning)
                run = lambda: _clean_on_running(client, cluster.scheduler_address, raw, out, scope)  # noqa: E731
        elif stage.startswith("xlsx"):  # a workbook (``raw``) read one way
            from . import workbook

            import adoption.clean.xlsx  # noqa: F401
            import openpyxl  # noqa: F401
            import python_calamine  # noqa: F401
            run = lambda: workbook.read(stage, raw)  # noqa: E731
        else:
            import openpyxl  # noqa: F401
            import pyarrow.csv  # noqa: F401
            import python_calamine  # noqa: F401
            run = lambda: plain_parse(raw)  # noqa: E731
        imports = _peak_mib()
        started = time.perf_counter()
        rows, detail = run()
        seconds = detail.get("seconds", time.perf_counter() - started)  # the parse's own readers, where given
    return Measure(seconds, rows, _peak_mib() + detail.get("workers_peak_mib", 0), imports, detail)


def measure(stage: str, raw: Path, out: Path | None = None, scope: str | None = None) -> Measure:
    """Run ``stage`` ("pyarrow", "clean" or "clean:ENGINE", the cleaning over ``scope``) in a
    new process and return its measure."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        return pool.submit(_child, stage, Path(raw), Path(out or raw), scope).result()
