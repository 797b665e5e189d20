"""The benchmark run: one extract's data, cleaning against its baseline, build against its
floor, the rebuild with nothing changed, the HTML sizes; then what `make report` does from
empty data (the default series of extracts written, cleaned and built) and with nothing to
do; printed and written to ``docs/benchmarks.md``.

The ratios are measured on one extract (the 2023 register), as they always were, so that
they compare with the earlier runs in the history of ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import logging
import os
import tempfile
import time
from pathlib import Path

from .. import synth
from ..core import config
from ..core.io import clean_targets
from . import data, machine, notebooks, scale, workbook
from .output import SCALE_MARKERS, Row, markdown, print_table, write_markdown

# Targets: the default build at most this many times its floor, each HTML under this size.
BUILD_TO_FLOOR = 1.2
HTML_BYTES = 2 * 2**20
# `adoption report` with nothing to do, and the whole default grid from empty data, in seconds.
NO_OP_SECONDS = 1.0
FROM_EMPTY_SECONDS = 120.0
DOCS = config.PROJ_ROOT / "docs" / "benchmarks.md"


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def _data_rows(raw: Path, processed: Path) -> tuple[list[Row], list[str]]:
    """Synthetic data written, parsed plainly and cleaned; rows and notes of the table."""
    started = time.perf_counter()
    written = synth.write_synthetic(raw)
    rows = [Row("synth: write one extract (2023)", time.perf_counter() - started,
                result=f"{written.register_rows:,} register + {written.platform_rows:,} platform rows")]
    base = data.measure("pyarrow", raw)
    cleaned = data.measure("clean", raw, processed)
    detail = base.detail
    rows.append(Row("baseline: plain parse of the raw files", base.seconds, base.peak_mib,
                    f"{base.rows:,} rows; {base.rows / base.seconds:,.0f} rows/s; {detail['seconds_openpyxl']:.2f} s "
                    "with openpyxl reading the XLSX files (the baseline of the earlier runs)"))
    rows.append(Row("clean: read, normalise, deduplicate, write", cleaned.seconds, cleaned.peak_mib,
                    f"{cleaned.rows:,} rows read, {cleaned.rows / cleaned.seconds:,.0f} rows/s; "
                    f"{cleaned.detail['enterprises']:,} enterprises; {cleaned.seconds / base.seconds:.1f}x the plain parse "
                    f"({cleaned.seconds / detail['seconds_openpyxl']:.1f}x with openpyxl for XLSX), "
                    f"{cleaned.seconds / detail['csv_seconds']:.0f}x its pyarrow part alone"))
    notes = [
        f"Baseline: `pyarrow.csv.read_csv` of the {detail['csv_rows']:,} CSV rows ({detail['csv_seconds']:.2f} s; "
        "told each file's encoding and delimiter, types inferred, rows of the wrong width skipped) and, for the "
        f"{detail['xlsx_files']} XLSX files pyarrow cannot read, calamine's values of every sheet "
        f"({detail['xlsx_rows']:,} rows, {detail['xlsx_seconds']:.2f} s; openpyxl's read-only iteration of every cell, "
        f"the baseline's reader of XLSX in the earlier runs, {detail['openpyxl_seconds']:.2f} s).",
        f"Each data stage runs in a fresh process; peak MiB is that process's peak resident memory "
        f"(imports alone: {base.imports_mib:.0f} MiB for the baseline, {cleaned.imports_mib:.0f} MiB for the cleaning).",
    ]
    return rows, notes


def _build_rows(processed: Path, tmp: Path, jobs: int | None) -> tuple[list[Row], list[str], list]:
    """Floor, default build, no-op rebuild and HTML sizes."""
    specs = notebooks.trivial_catalogue(tmp / "floor-notebooks")
    floor = notebooks.timed_build(processed_dir=processed, reports_dir=tmp / "floor", catalogue=specs,
                                  notebooks_dir=tmp / "floor-notebooks", jobs_limit=jobs, force=True)
    full = notebooks.timed_build(processed_dir=processed, reports_dir=tmp / "reports", jobs_limit=jobs, force=True)
    again = notebooks.timed_build(processed_dir=processed, reports_dir=tmp / "reports", jobs_limit=jobs)
    count, ratio = sum(not r.missing for r in full.result.reports), full.seconds / floor.seconds
    rows = [
        Row("floor: trivial notebooks, same machinery", floor.seconds,
            result=f"{sum(not r.missing for r in floor.result.reports)} notebooks, "
                   f"{floor.seconds / max(1, sum(not r.missing for r in floor.result.reports)):.2f} s each"),
        Row("build: one extract's reports (forced)", full.seconds,
            result=f"{count} reports; {ratio:.2f}x the floor", target=f"<= {BUILD_TO_FLOOR}x: {_verdict(ratio <= BUILD_TO_FLOOR)}"),
        Row("rebuild with nothing changed", again.seconds,
            result=f"{sum(r.skipped for r in again.result.reports)} of {count} skipped as up to date"),
    ]
    noop = _noop_report(processed.parent / "raw", processed, tmp / "reports")
    rows.append(Row("`adoption report` with nothing to do (one extract)", noop,
                    result="a fresh process: checks the raw files, the clean set and every report's record",
                    target=f"< {NO_OP_SECONDS:.0f} s: {_verdict(noop < NO_OP_SECONDS)}"))
    for name, size in sorted(full.sizes.items()):
        rows.append(Row(f"  {name}", result=f"{size / 2**20:.2f} MB", target=f"< 2 MB: {_verdict(size < HTML_BYTES)}"))
    notes = [f"Build and floor run {_workers(jobs, count)} at a time on the same clean data "
             "(one extract: the 2023 register of 65,000 firms); the floor's notebooks import pandas and matplotlib and draw one chart."]
    return rows, notes, notebooks.cell_profile(full.result)


def _series_rows(tmp: Path, jobs: int | None) -> list[Row]:
    """What `make report` does from empty data, stage by stage (the default series written,
    each extract cleaned, every extract's reports and the trend report built), then with
    nothing to do. The same library calls as `adoption report`."""
    from ..clean.pipeline import clean_folder

    raw, processed, reports = tmp / "series" / "raw", tmp / "series" / "processed", tmp / "series" / "reports"
    started = time.perf_counter()
    written = synth.write_series(raw)
    stages = [Row("from empty, synth: the default series", time.perf_counter() - started,
                  result=f"{len(written)} extracts; {sum(r.register_rows for r in written):,} register rows")]
    started = time.perf_counter()
    targets = clean_targets(raw, processed)
    for folder, into in targets:
        clean_folder(folder, into)
    stages.append(Row("from empty, clean: every extract", time.perf_counter() - started,
                      result=f"{len(targets)} extracts, one after another"))
    built = notebooks.timed_build(processed_dir=processed, reports_dir=reports, jobs_limit=jobs)
    count = sum(not r.missing for r in built.result.reports)
    stages.append(Row("from empty, build: every extract's reports and the trend report", built.seconds,
                      result=f"{count} reports, {_workers(jobs, count)} at a time"))
    empty = sum(row.seconds for row in stages)
    stages.append(Row("from empty data: synth + clean + build (the default series)", empty,
                      result="the sum of the three stages above: what `make report` does from empty data",
                      target=f"< {FROM_EMPTY_SECONDS:.0f} s: {_verdict(empty < FROM_EMPTY_SECONDS)}"))
    noop = _noop_report(raw, processed, reports)
    stages.append(Row("`adoption report` with nothing to do (the default series)", noop,
                      result="a fresh process: every extract's raw files, clean set and reports, the trend report, "
                             "the indexes",
                      target=f"< {NO_OP_SECONDS:.0f} s: {_verdict(noop < NO_OP_SECONDS)}"))
    return stages


def _noop_report(raw: Path, processed: Path, reports: Path) -> float:
    """Seconds of the ``adoption report`` command, in a process of its own, when the clean
    data and every report are up to date (the best of three)."""
    import subprocess
    import sys

    command = [str(Path(sys.executable).parent / "adoption"), "report", "--raw", str(raw), "--processed", str(processed),
               "--reports", str(reports)]
    times = []
    for _ in range(3):
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        times.append(time.perf_counter() - started)
        if done.returncode != 0 or "up to date" not in done.stderr:
            raise RuntimeError(f"the no-op `adoption report` did work or failed:\n{done.stderr}")
    return min(times)


def _workers(jobs: int | None, count: int) -> int:
    """Reports at a time, as :func:`adoption.report.build.build` chooses it."""
    return max(1, min(jobs or os.cpu_count() or 1, count))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m adoption.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--skip-reports", action="store_true", help="Measure the data stages only, not the notebooks.")
    parser.add_argument("--jobs", type=int, default=None, help="Reports at a time (default: the number of cores).")
    parser.add_argument("--out", type=Path, default=DOCS, help="Markdown file to write (default: docs/benchmarks.md).")
    parser.add_argument("--scale", default=",".join(str(s) for s in scale.SIZES),
                        help="Register rows of the national-scale cleanings, comma-separated (default: 1000000,5000000); "
                             "'none' to skip them.")
    parser.add_argument("--scale-only", action="store_true", help="Measure only the national-scale cleanings.")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    described = machine.describe()
    with tempfile.TemporaryDirectory(prefix="adoption-bench-") as folder:
        tmp = Path(folder)
        rows, notes, profile = [], [], []
        if not args.scale_only:
            rows, notes = _data_rows(tmp / "raw", tmp / "processed")
            xlsx_rows, xlsx_notes = workbook.workbook_rows(tmp / "raw", tmp)
            rows, notes = rows + xlsx_rows, notes + xlsx_notes
        if not args.skip_reports and not args.scale_only:
            built_rows, built_notes, profile = _build_rows(tmp / "processed", tmp, args.jobs)
            rows, notes = rows + built_rows + _series_rows(tmp, args.jobs), notes + built_notes
        sizes = () if args.scale == "none" else tuple(int(size) for size in args.scale.split(","))
        scaled, scale_notes = scale.scale_rows(tmp, sizes) if sizes else ([], [])
    if rows:
        print_table(rows, "adoption benchmark (one run on this machine)")
        write_markdown(args.out, markdown(described, rows, profile, notes), "Benchmarks")
    if scaled:
        print_table(scaled, "adoption benchmark: national scale (one run on this machine)")
        write_markdown(args.out, markdown(described, scaled, [], scale_notes, markers=SCALE_MARKERS,
                                          heading="National scale (latest run)"), "Benchmarks", SCALE_MARKERS)
    print(f"wrote {args.out}")
