"""The ``adoption`` command: one sub-command per stage of the pipeline.

Exit codes: 0 success; 1 some reports failed (the others are built); 2 bad input or
parameter; 3 the machine refused (a folder that cannot be written, a full disk, a path
that is a file). Codes 2 and 3 print one message, never a traceback.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.markup import escape
from rich.table import Table

from .core import config
from .core.errors import AdoptionError, InputFileError, ParameterError
from .core.version import __version__
from .console import print_quality, prose
from .stop import until_stopped

app = typer.Typer(
    help=(
        "Enterprise digital adoption and digital workforce reports from a province's "
        "enterprise register. Stages: synth (default data) -> clean -> build (HTML reports). "
        "`adoption report` runs them all, as `make report` does."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True)
out = Console()

RawOption = typer.Option(None, "--raw", help="Raw folder laid out like data/raw/ (register/ required; platforms/ optional). Default: data/raw/.")
OutOption = typer.Option(None, "--out", help="Folder for the clean outputs. Default: data/processed/.")
ProcessedOption = typer.Option(None, "--processed", help="Folder of clean data to report on. Default: data/processed/.")
ReportsOption = typer.Option(None, "--reports", help="Folder for the HTML reports and index.html. Default: reports/.")
ForceOption = typer.Option(False, "--force", help="Rebuild every report, even those whose notebook, data and code did not change.")
OnlyOption = typer.Option(None, "--only", metavar="REPORT", help="Build only this report, over its whole grid (repeatable), e.g. --only adoption-overview --only trend; `adoption params REPORT` shows its parameters. Default: every report of notebooks/reports.toml.")
JobsOption = typer.Option(None, "--jobs", "-j", help="Reports built at the same time, each in a kernel of its own. Default: the number of cores.")
SchedulerOption = typer.Option(None, "--scheduler", metavar="ADDRESS", help="Run the reports on the workers of this Dask scheduler (tcp://host:8786; they must see the same folders), or local:N for N worker processes here. Default: on this machine (see --jobs).")


def _setup_logging(verbose: bool) -> None:
    """Log to stderr: through rich on a terminal; as plain lines with a timestamp and a level
    otherwise (cron, systemd, CI), one line a message, for a log file to keep."""
    if console.is_terminal:
        handler: logging.Handler = RichHandler(console=console, show_path=False, show_time=False, markup=False)
        handler.setFormatter(logging.Formatter("%(message)s"))
    else:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%dT%H:%M:%S%z"))
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, handlers=[handler], force=True)
    for noisy in ("papermill", "traitlets", "nbconvert", "distributed"):
        logging.getLogger(noisy).setLevel(logging.WARNING if not verbose else logging.INFO)


@app.callback()
def main(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show debug messages and papermill's log."),
    version: bool = typer.Option(False, "--version", help="Print the version and exit."),
) -> None:
    if version:
        out.print(f"adoption {__version__}")
        raise typer.Exit()
    _setup_logging(verbose)


def _fail(exc: Exception) -> None:
    """One message and the exit code: 2 for bad input or parameters, 3 when the machine
    refused a read or a write (permissions, a full disk, a path that is a file)."""
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        message = f"{where}{exc.strerror or exc} (check the folder, its permissions and free space)"
        code = 3
    else:
        message, code = str(exc), 2
    console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, markup=True, emoji=False)
    raise typer.Exit(code=code)


@app.command()
def synth(
    raw: Optional[Path] = RawOption,
    seed: int = typer.Option(2023, help="Seed of the generator; the same seed gives the same files."),
    force: bool = typer.Option(False, "--force", help="Overwrite a register folder that already holds files."),
    messiness: str = typer.Option("realistic", help="none (tidy CSV), realistic (mixed formats, spellings, duplicates, junk rows) or heavy (three times the realistic rates)."),
    truth: Optional[Path] = typer.Option(None, "--truth", help="Folder for the ground truth of a messy register. Default: beside --raw, named <raw>_truth."),
    firms: int = typer.Option(65_000, "--firms", min=1_000, help="Active head offices to generate. The default 65,000 reproduces the published figures; other sizes scale every count (and are still labelled synthetic)."),
    series: bool = typer.Option(False, "--series", help="Write a series of extracts of one evolving population into --raw, one folder per extract date: 2023-09-30, 2024-12-31 and 2025-12-31 (see --extracts)."),
    extracts: Optional[str] = typer.Option(None, "--extracts", metavar="YYYY-MM-DD,...", help="Write a series with these extract dates (increasing, from 2023-09-30), comma-separated; implies --series."),
    scope: Optional[str] = typer.Option(None, "--scope", metavar="PROVINCE|national", help="Area of the register: 'national' (the 63 provinces, one file each, --firms shared among them at the shares of adoption/synth/provinces.py) or one province (GSO code or name). Default: Bình Dương, as above."),
) -> None:
    """Write the synthetic Bình Dương 2023 register and platform records (marked synthetic).

    Calibrated so that the clean data reproduce the published figures: 65,000 active
    enterprises, 45,000 using digital platforms, 1,300 electronics-IT-digital firms with
    55,720 workers. See data/README.md for what is published and what is assumed, and
    adoption/synth/mess.py for the kinds and rates of mess.

    With --series or --extracts: the default data of `adoption report` (which writes the
    series into an empty raw folder), one folder per extract date under --raw (each laid out
    like data/raw/, with its own SYNTHETIC.json; ground truth beside it as <date>_truth).
    The 2023-09-30 extract is the register above; later ones follow the rates of entry,
    exit, status change, adoption and moves in adoption/synth/series.py, and are written
    as registers were on their date (Bến Cát a city from 2024, the 2025 map of Ho Chi Minh
    City from 1 July 2025, VSIC 2025 for firms registered from 15 November 2025).
    """
    from .synth import write_series, write_synthetic

    if series or extracts:
        if scope is not None:
            _fail(AdoptionError("--scope is for a single extract: a series is Bình Dương's"))
        if truth is not None:
            _fail(AdoptionError("--truth is for a single extract: in a series each extract's ground truth goes "
                                "beside it, as <date>_truth"))
        try:
            dates = [d for d in extracts.split(",") if d.strip()] if extracts else None
            written = write_series(raw or config.RAW_DIR, *([dates] if dates else []), seed=seed, force=force,
                                   messiness=messiness, firms=firms)
        except ValueError as exc:
            _fail(AdoptionError(f"--extracts {extracts!r}: expected dates as YYYY-MM-DD separated by commas ({exc})"))
        except (AdoptionError, OSError) as exc:
            _fail(exc)
        for result in written:
            out.print(f"wrote the extract of {escape(result.raw_dir.name)}: {result.register_rows:,} register rows and "
                      f"{result.platform_rows:,} platform records (synthetic, {messiness}) to {escape(str(result.raw_dir))}")
        return
    try:
        result = write_synthetic(raw or config.RAW_DIR, seed=seed, force=force, messiness=messiness, truth_dir=truth,
                                 firms=firms, scope=scope)
    except (AdoptionError, OSError) as exc:
        _fail(exc)
    out.print(f"wrote {result.register_rows:,} register rows ({firms:,} active head offices, branches and inactive "
              f"firms besides) and {result.platform_rows:,} platform records (synthetic, {messiness}) to {escape(str(result.raw_dir))}")


VsicVersionOption = typer.Option(
    None, "--vsic-version",
    help="VSIC version (2018 or 2025) of the register files whose main-activity header names none. "
         "Default: each code's version is decided from the evidence its row holds.")


ExtractedOnOption = typer.Option(
    None, "--extracted-on", metavar="YYYY-MM-DD",
    help="Date the register was extracted. An extract from before 15 November 2025 holds VSIC 2018 codes only. "
         "Default: the raw folder's name when it is a date, else the synthetic data's manifest, else unknown.")


ScopeOption = typer.Option(
    None, "--scope", metavar="PROVINCE|national",
    help="Area to keep: one of the 63 provinces, by GSO code (74) or name in any spelling ('Hà Nội', 'tinh ha giang'), "
         "or 'national' for all 63. Default: Bình Dương (74), the only province with district and commune detail; "
         "rows placed elsewhere are rejected as outside_scope.")


EngineOption = typer.Option("memory", "--engine", help="memory (every table in memory at once); chunked (a raw file, "
                            "a piece of a large CSV or a sheet of a large workbook, and a bucket of tax codes at a time: "
                            "bounded memory for national registers); dask (the chunked tasks on a Dask cluster's workers, see --scheduler). Same outputs.")


@app.command()
def clean(raw: Optional[Path] = RawOption, out_dir: Optional[Path] = OutOption,
          vsic_version: Optional[str] = VsicVersionOption, extracted_on: Optional[str] = ExtractedOnOption,
          engine: str = EngineOption,
          scheduler: Optional[str] = typer.Option(None, "--scheduler", help="With --engine dask: the scheduler's address "
                                                  "(tcp://host:8786), or local[:N] for N workers on this machine. Default: local."),
          chunk_rows: Optional[int] = typer.Option(None, "--chunk-rows", help="With --engine chunked or dask: raw rows "
                                                   "cleaned at a time. Default: 200,000."),
          scope: Optional[str] = ScopeOption) -> None:
    """Read and clean the raw register and platform records into the data contract's tables.

    Writes enterprises.parquet, platforms.parquet, rejects.csv (every row not used, with
    its reason) and quality.json (row accounting, reasons, null rates) into --out. A raw
    folder of extracts (a folder per extract date) is cleaned extract by extract, each into
    the folder of the same name under --out. With --engine chunked or dask, enterprises.parquet
    and platforms.parquet are folders of parts by province and district (Hive layout).
    """
    from .clean.engine import clean_with
    from .core.io import clean_targets
    from .core.memory import keep_freed_memory
    from .core.scope import parse_scope

    keep_freed_memory()  # freed arrays reused, not given back and faulted in again: see core.memory

    raw_dir = raw or config.RAW_DIR
    target = out_dir or config.PROCESSED_DIR
    try:
        area = parse_scope(scope)
        for folder, into in clean_targets(raw_dir, target):
            result = clean_with(folder, into, engine=engine, scheduler=scheduler, chunk_rows=chunk_rows,
                                vsic_version=vsic_version, extracted_on=extracted_on, scope=area)
            print_quality(result.quality, into)
    except (AdoptionError, OSError) as exc:
        _fail(exc)


@app.command()
def build(
    processed: Optional[Path] = ProcessedOption,
    reports: Optional[Path] = ReportsOption,
    only: Optional[list[str]] = OnlyOption,
    jobs: Optional[int] = JobsOption,
    force: bool = ForceOption,
    scheduler: Optional[str] = SchedulerOption,
) -> None:
    """Run every report notebook over its parameter grid and export offline HTML plus index.html.

    Reports whose notebook, parameters, input data and package code did not change since
    their last build are kept as they are (see --force).
    """
    processed_dir, reports_dir = processed or config.PROCESSED_DIR, reports or config.REPORTS_DIR
    try:
        result = None if force or only else _nothing_to_build(processed_dir, reports_dir)
        if result is None:
            from .report.build import build as run_build

            result = run_build(processed_dir=processed_dir, reports_dir=reports_dir, only=only, jobs_limit=jobs, force=force,
                               scheduler=scheduler)
    except (AdoptionError, OSError) as exc:
        _fail(exc)
    _finish_build(result)


def _nothing_to_build(processed_dir: Path, reports_dir: Path):
    """The build as it stands when every report is up to date (checked from hashes and
    provenance records, with nothing heavy imported); None when something needs building."""
    from .report.uptodate import current_grid

    result = current_grid(processed_dir=processed_dir, reports_dir=reports_dir)
    if result is not None:
        logging.info("all %d reports are up to date with the clean data and the code", len(result.reports))
    return result


def _finish_build(result) -> None:
    from .report.record import unbuilt_groups

    unbuilt = unbuilt_groups(result.reports)  # one line each: where they would go, how many, why
    for report in result.reports:
        # a series' extracts each have a folder: name the report by its place in the build
        where = report.html.relative_to(result.index.parent) if report.html.is_relative_to(result.index.parent) else report.html
        if report.missing:
            same = unbuilt.pop((report.html.parent, report.spec.name, report.unavailable()), None)
            if same is None:
                continue  # said with the first of its kind
            if len(same) > 1:
                where = where.parent / f"{report.spec.name}.*.html ({len(same)} reports)"
            mark = f"[yellow]not built[/] ({escape(report.unavailable())})"
        elif report.ok:
            mark = "[green]up to date[/]" if report.skipped else "[green]ok[/]"
        else:
            mark = f"[red]FAILED[/] {escape(report.error)}"
        out.print(f"  {escape(where.as_posix())}: {mark}")
    faults = [report for report in result.failed if report.fault]
    if not faults:  # the index links only reports that were written
        typer.echo(str(result.index))  # plain, never wrapped: scripts read this line
    if faults:
        console.print(f"[bold red]error:[/] {len(faults)} of {len(result.reports)} reports could not be written: "
                      f"{escape(faults[0].error)} (check the folder, its permissions and free space)")
        raise typer.Exit(code=3)
    if result.failed:
        others = "; the others were built" if len(result.failed) < len(result.reports) else ""
        console.print(f"[bold red]{len(result.failed)} of {len(result.reports)} reports failed[/]{others}")
        raise typer.Exit(code=1)


@app.command()
def report(
    raw: Optional[Path] = RawOption,
    processed: Optional[Path] = ProcessedOption,
    reports: Optional[Path] = ReportsOption,
    only: Optional[list[str]] = OnlyOption,
    jobs: Optional[int] = JobsOption,
    force: bool = ForceOption,
    scheduler: Optional[str] = SchedulerOption,
    scope: Optional[str] = ScopeOption,
    engine: str = EngineOption,
) -> None:
    """The main job: default data if the raw folder is empty, clean, build, print index.html.

    The default data are a synthetic series of extracts (as `adoption synth --series`
    writes it). The clean step is skipped for each extract whose raw files and cleaning
    code are those its clean data were built from.
    """
    from .core.io import clean_is_current, clean_targets, raw_is_empty, separate_folders
    from .core.scope import DEFAULT_SCOPE, parse_scope

    raw_dir = raw or config.RAW_DIR
    processed_dir = processed or config.PROCESSED_DIR
    reports_dir = reports or config.REPORTS_DIR
    try:
        if engine not in config.ENGINES:  # before any work: the cleaning may be skipped as current
            raise ParameterError(f"--engine {engine!r}: expected one of {', '.join(config.ENGINES)}")
        area = parse_scope(scope) if scope is not None else None  # the default needs no province list
        if only:  # a misspelt name refused before minutes of cleaning
            from .report.catalogue import default_catalogue, find_spec

            for name in only:
                find_spec(name, default_catalogue())
        if raw is not None and not Path(raw).is_dir():
            raise InputFileError(f"{raw}: no such folder; expected a raw folder with register/ (and optionally "
                                 "platforms/, survey/, workforce/). Synthetic data are written only into the default "
                                 "data/raw/ when it is empty, or by `adoption synth --raw DIR`")
        separate_folders(raw_dir, processed_dir)  # before the synthetic data would be written into them
        if raw_is_empty(raw_dir):
            from .synth import write_series

            logging.info("%s is empty: writing the synthetic default data, a series of extracts", raw_dir)
            write_series(raw_dir)
        built = None
        stale = [(folder, into) for folder, into in clean_targets(raw_dir, processed_dir)
                 if not clean_is_current(folder, into, scope=area.code if area else DEFAULT_SCOPE)]
        if not stale:
            logging.info("clean data in %s are up to date with %s", processed_dir, raw_dir)
            built = None if force or only else _nothing_to_build(processed_dir, reports_dir)
        for folder, into in stale:  # a cluster given for the build cleans too, with --engine dask
            from .clean.engine import clean_with

            result = clean_with(folder, into, engine=engine, scheduler=scheduler if engine == "dask" else None, scope=area)
            print_quality(result.quality, into)
        if built is None:
            from .report.build import build as run_build

            built = run_build(processed_dir=processed_dir, reports_dir=reports_dir, only=only, jobs_limit=jobs,
                              force=force, scheduler=scheduler)
    except (AdoptionError, OSError) as exc:
        _fail(exc)
    _finish_build(built)


@app.command()
def params(notebook: str = typer.Argument(..., help="Report name (e.g. adoption-overview) or notebook file.")) -> None:
    """Show a report notebook's parameters: name, type, default and meaning."""
    from .report.catalogue import find_spec, notebook_parameters, notebook_path

    try:
        path = Path(notebook)
        if not path.is_file():
            path = notebook_path(find_spec(notebook))
        declared = notebook_parameters(path)
    except (AdoptionError, OSError) as exc:
        _fail(exc)
    table = Table(title=str(path.name))
    for column in ("parameter", "type", "default", "meaning"):
        table.add_column(column)
    for name, info in declared.items():
        table.add_row(*(escape(str(v)) for v in (name, info["inferred_type_name"], info["default"], info["help"])))
    out.print(table)


@app.command()
def lab(
    port: int = typer.Option(8888, help="Port JupyterLab listens on."),
    browser: bool = typer.Option(True, "--browser/--no-browser", help="Open a web browser on start."),
) -> None:
    """Open JupyterLab on notebooks/ with the project's kernel ("Python (adoption)")."""
    jupyter = shutil.which("jupyter", path=str(Path(sys.executable).parent)) or "jupyter"
    env = dict(os.environ, JUPYTER_PATH=str(Path(sys.prefix) / "share" / "jupyter"))
    command = [jupyter, "lab", f"--notebook-dir={config.NOTEBOOKS_DIR}", f"--port={port}"]
    if not browser:
        command.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # containers and CI machines often run as root
    # Become JupyterLab rather than start it as a child: a signal that stops `adoption lab`
    # (a supervisor's SIGTERM, Ctrl+C) then stops the server itself.
    sys.stdout.flush()
    os.execve(jupyter, command, env)


for _command in app.registered_commands:  # help wrapped to the terminal (see console.prose)
    _command.help = _command.help or prose(_command.callback.__doc__ or "")


def run() -> None:
    """The ``adoption`` command: the Typer app, stopped cleanly by a signal
    (:func:`adoption.stop.until_stopped`)."""
    until_stopped(app, console)


if __name__ == "__main__":  # pragma: no cover
    run()
