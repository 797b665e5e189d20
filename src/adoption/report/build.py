"""Building the report grid: every report over its parameters, incrementally and in
parallel (a kernel each, started ahead), failures isolated, then the index page.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path

from papermill.exceptions import PapermillExecutionError

from ..core import config
from ..core.io import CHECKED_TABLES_ENV, checked_tables, extract_folders, is_series, load_clean, load_quality
from .cache import fingerprint, previous_build
from .record import BuildResult, BuiltReport
from .catalogue import ReportSpec, default_catalogue, available_inputs, check_parameters, find_spec, missing_inputs, notebook_path, output_paths
from .execute import run_report
from .export import write_index
from .kernels import STOPPING, run_all, start_kernel

log = logging.getLogger(__name__)


def describe_failure(exc: Exception) -> str:
    """One line saying why a report failed: the notebook's own error where it raised one.

    >>> describe_failure(ValueError("\\nbad value\\nmore"))
    'ValueError: bad value'
    """
    if isinstance(exc, PapermillExecutionError):
        return f"{exc.ename}: {exc.evalue} (notebook cell {exc.exec_count})"
    first = next((line.strip() for line in str(exc).splitlines() if line.strip()), "")
    return f"{exc.__class__.__name__}: {first}"


def _settled(jobs, *, available: set[str], reports_dir: Path, input_hash: str, force: bool, notebooks_dir) -> list[BuiltReport | None]:
    """Reports that need no run: their input is missing, or they are up to date."""
    results: list[BuiltReport | None] = [None] * len(jobs)
    for number, (spec, params) in enumerate(jobs):
        html = output_paths(spec, params, reports_dir)[0]
        missing = missing_inputs(spec, available)
        if missing:
            results[number] = BuiltReport(spec=spec, params=params, ok=True, missing=tuple(missing), html=html)
            log.warning("%s not built: %s", html.name, results[number].unavailable())
            continue
        before = {} if force else previous_build(spec, params, reports_dir)
        if before and before.get("fingerprint") == fingerprint(notebook_path(spec, notebooks_dir), params, input_hash):
            results[number] = BuiltReport(spec=spec, params=params, ok=True, skipped=True,
                                          built_at=before.get("built_at", ""), html=html)
            log.info("%s is up to date", html.name)
    return results


def build(
    *,
    processed_dir: Path = config.PROCESSED_DIR,
    reports_dir: Path = config.REPORTS_DIR,
    only: list[str] | None = None,
    jobs_limit: int | None = None,
    force: bool = False,
    catalogue: tuple[ReportSpec, ...] | None = None,
    notebooks_dir: Path | None = None,
) -> BuildResult:
    """Build every report of the catalogue over its grid, then the index page.

    A report whose notebook, parameters, input data and package code are those of its last
    build is skipped unless ``force``. The others run in parallel, as many at a time as
    ``jobs_limit`` (default: the number of cores), each in a kernel of its own that was
    launched while the report before it ran (:func:`adoption.report.kernels.run_all`). A
    failing report is logged with its error and the build goes on; the caller decides the
    exit code from :attr:`BuildResult.failed`.
    """
    processed_dir, reports_dir = Path(processed_dir).resolve(), Path(reports_dir).resolve()
    catalogue = default_catalogue(notebooks_dir) if catalogue is None else catalogue
    specs = [find_spec(name, catalogue) for name in only] if only else list(catalogue)
    settings = {"jobs_limit": jobs_limit, "force": force, "notebooks_dir": notebooks_dir}
    earlier_extracts: list[BuiltReport] = []
    if is_series(processed_dir):
        # A folder of extracts: each extract's reports into a folder of its own, then the
        # reports across extracts here.
        each = tuple(spec for spec in catalogue if "series" not in spec.needs)
        for day, folder in extract_folders(processed_dir):
            log.info("extract of %s", day)
            names = [spec.name for spec in specs if spec in each]
            earlier_extracts += build(processed_dir=folder, reports_dir=reports_dir / day, only=names or None,
                                      catalogue=each, **settings).reports if names else []
        catalogue = tuple(spec for spec in catalogue if "series" in spec.needs)
        specs = [spec for spec in specs if spec in catalogue]
        quality = load_quality(processed_dir)  # each extract's tables were checked by its build
    else:
        # Fail early, with one clear message, when there are no clean data or a table breaks
        # the schema (a file changed by hand): before any kernel starts.
        data = load_clean(processed_dir)
        _ = (data.survey, data.workforce)  # read to check them too
        quality = data.quality
    # Parameters are checked once, before any kernel starts.
    jobs = [(spec, check_parameters(notebook_path(spec, notebooks_dir), params)) for spec in specs for params in spec.grid]
    requested = [dict(params) for spec in specs for params in spec.grid]  # as the grid says, for the records
    results = _settled(jobs, available=available_inputs(quality), reports_dir=reports_dir,
                       input_hash=quality.get("input_hash", ""), force=force, notebooks_dir=notebooks_dir)
    todo = [number for number, result in enumerate(results) if result is None]
    workers = max(1, min(jobs_limit or os.cpu_count() or 1, len(todo) or 1))
    log.info("building %d of %d reports, %d at a time", len(todo), len(jobs), workers)
    options = {"processed_dir": processed_dir, "reports_dir": reports_dir, "notebooks_dir": notebooks_dir}
    # The kernels trust the check of the tables just made, for these very bytes.
    env = {**os.environ, CHECKED_TABLES_ENV: json.dumps(checked_tables())}
    lock, done = threading.Lock(), [0]

    def launch(job: int):
        return start_kernel(notebook_path(jobs[todo[job]][0], notebooks_dir).parent, env)

    def record(job: int, kernel) -> None:
        number = todo[job]
        spec, params = jobs[number]
        try:
            if isinstance(kernel, Exception):
                raise kernel
            built = run_report(spec, params, kernel=kernel, requested=requested[number], **options)
            message, args = "[%d/%d] wrote %s (%.1f s)", (built.html.name, built.seconds)
        except Exception as exc:  # keep going past a failing report; report it at the end
            error = describe_failure(exc)
            message, args = "[%d/%d] %s %s failed: %s", (spec.name, json.dumps(params, ensure_ascii=False), error)
            html, executed = output_paths(spec, params, reports_dir)
            built = BuiltReport(spec=spec, params=params, html=html, ok=False, error=error,
                                fault=isinstance(exc, OSError),  # a notebook's own errors arrive as PapermillExecutionError
                                notebook=executed if isinstance(exc, PapermillExecutionError) else None)
        if STOPPING.is_set():  # the build is being stopped: a report cut short is not a failure to report
            return
        with lock:
            done[0] += 1
            (log.info if built.ok else log.error)(message, done[0], len(todo), *args)
        results[number] = built

    run_all(len(todo), workers, launch, record)
    finished = [r for r in results if r is not None]
    earlier = _earlier(catalogue, {spec.name for spec in specs}, reports_dir=reports_dir,
                       input_hash=quality.get("input_hash", ""), notebooks_dir=notebooks_dir)
    order = {spec.name: number for number, spec in enumerate(catalogue)}
    listed = sorted(finished + earlier, key=lambda r: order[r.spec.name])  # stable: grid order within a report
    index = write_index(listed + earlier_extracts, reports_dir=reports_dir, processed_dir=processed_dir)
    return BuildResult(index=index, reports=finished + earlier_extracts)


def _earlier(catalogue, selected: set[str], *, reports_dir: Path, input_hash: str, notebooks_dir) -> list[BuiltReport]:
    """The reports a build with ``--only`` left alone, as their last build left them, so
    that the index keeps listing them (marked when built from other data or code)."""
    kept = []
    for spec in catalogue:
        if spec.name in selected:
            continue
        notebook = notebook_path(spec, notebooks_dir)
        for params in spec.grid:
            checked = check_parameters(notebook, params)
            before = previous_build(spec, checked, reports_dir)
            if before:
                kept.append(BuiltReport(spec=spec, params=checked, ok=True, skipped=True, built_at=before.get("built_at", ""),
                                        html=output_paths(spec, checked, reports_dir)[0],
                                        stale=before.get("fingerprint") != fingerprint(notebook, checked, input_hash)))
    return kept
