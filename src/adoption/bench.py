"""Benchmark of the pipeline's stages on the default data (``make bench``).

Prints one table. Times are wall-clock seconds on this machine, measured in one run, and
the ratios compare stages of that same run (for example our cleaning against a plain
pandas parse of the same files), so that a noisy shared machine moves both together.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from . import synth
from .clean import vocab
from .clean.pipeline import clean_folder
from .clean.read import read_raw
from .core.io import data_files
from .report.build import build as build_reports


def _timed(func):
    """Run ``func``; return its result, wall seconds, and the process's peak RSS so far (MiB).

    Peak RSS only grows, so a stage's figure bounds the memory the pipeline needed up to it.
    """
    started = time.perf_counter()
    result = func()
    seconds = time.perf_counter() - started
    return result, seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _raw_parse(raw: Path) -> int:
    """Decode and parse every raw file as text, with no normalising: the baseline."""
    rows = 0
    for folder, aliases, required in (
        ("register", vocab.REGISTER_HEADER_ALIASES, vocab.REGISTER_REQUIRED),
        ("platforms", vocab.PLATFORM_HEADER_ALIASES, vocab.PLATFORM_REQUIRED),
        ("survey", vocab.SURVEY_HEADER_ALIASES, vocab.SURVEY_REQUIRED),
        ("workforce", vocab.WORKFORCE_HEADER_ALIASES, vocab.WORKFORCE_REQUIRED),
    ):
        for path in data_files(raw / folder):
            rows += read_raw(path, aliases, required).rows_read
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-reports", action="store_true", help="Time data stages only, not the notebooks.")
    args = parser.parse_args(argv)
    rows: list[tuple[str, float, float, str]] = []
    with tempfile.TemporaryDirectory(prefix="adoption-bench-") as tmp:
        raw, processed, reports_dir = Path(tmp) / "raw", Path(tmp) / "processed", Path(tmp) / "reports"
        result, seconds, peak = _timed(lambda: synth.write_synthetic(raw))
        rows.append(("synth: write default data", seconds, peak, f"{result.register_rows:,} register + {result.platform_rows:,} platform rows"))
        n, parse_s, parse_peak = _timed(lambda: _raw_parse(raw))
        rows.append(("raw parse: decode and read every file as text", parse_s, parse_peak, f"{n:,} rows; baseline"))
        cleaned, clean_s, clean_peak = _timed(lambda: clean_folder(raw, processed))
        rows.append(("clean: read, normalise, write", clean_s, clean_peak,
                     f"{clean_s / parse_s:.1f}x raw parse; {len(cleaned.enterprises) / clean_s:,.0f} enterprises/s"))
        if not args.skip_reports:
            built, build_s, _ = _timed(lambda: build_reports(processed_dir=processed, reports_dir=reports_dir))
            rows.append(("build: all reports + index", build_s, _,
                         f"{len(built.reports)} reports, {build_s / max(len(built.reports), 1):.1f} s each; {build_s / parse_s:.0f}x raw parse"))
    table = Table(title="adoption benchmark (one run; peak RSS = this process's peak so far; kernels run apart)")
    for column in ("stage", "seconds", "peak RSS MiB", "notes"):
        table.add_column(column, justify="left" if column in ("stage", "notes") else "right")
    for stage, seconds, peak, note in rows:
        table.add_row(stage, f"{seconds:.2f}", "-" if peak != peak else f"{peak:.0f}", note)
    console = Console()
    console.print(table)


if __name__ == "__main__":
    main()
