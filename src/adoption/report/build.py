"""Building the report grid: every report over its parameters, incrementally and in
parallel (a kernel each, started ahead), failures isolated, then the index page.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from papermill.exceptions import PapermillExecutionError

from ..core import config
from ..core.cluster import local_workers
from ..core.errors import TooFewFirms
from ..core.io import CHECKED_TABLES_ENV, checked_tables, extract_folders, is_series, load_clean, load_quality
from .cache import fingerprint, previous_build
from .record import FEW_FIRMS, TOO_FEW, BuildResult, BuiltReport, read_record, record_path, report_inputs, unbuilt_groups
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


def failed_report(spec: ReportSpec, params: dict, exc: Exception, *, reports_dir: Path) -> BuiltReport:
    """The outcome of a report whose run raised ``exc``: failed, with the executed notebook
    kept when the notebook itself raised (:func:`adoption.report.execute.run_report`).
    A report of too few firms (its notebook raised
    :class:`~adoption.core.errors.TooFewFirms`) is not built, and no earlier build of it stays."""
    html, executed = output_paths(spec, params, reports_dir)
    if isinstance(exc, PapermillExecutionError) and exc.ename == TooFewFirms.__name__:
        # The record run_report wrote (status "too_few") stays: the next build of these
        # data finds it and does not run the report again.
        _remove_earlier(spec, params, reports_dir, keep_record=read_record(html).get("status") == TOO_FEW)
        return BuiltReport(spec=spec, params=params, html=html, ok=True, missing=(FEW_FIRMS,))
    return BuiltReport(spec=spec, params=params, html=html, ok=False, error=describe_failure(exc),
                       fault=isinstance(exc, OSError),  # a notebook's own errors arrive as PapermillExecutionError
                       notebook=executed if isinstance(exc, PapermillExecutionError) else None)


def _remove_earlier(spec: ReportSpec, params: dict, reports_dir: Path, *, keep_record: bool = False) -> None:
    """Remove an earlier build of a report these data do not make: its HTML, record
    (unless ``keep_record``) and executed notebook."""
    html, executed = output_paths(spec, params, reports_dir)
    for path in (html, executed) if keep_record else (html, record_path(html), executed):
        path.unlink(missing_ok=True)


def _settled(jobs, *, available: set[str], reports_dir: Path, input_hash: str, force: bool, notebooks_dir) -> list[BuiltReport | None]:
    """Reports that need no run: their input is missing, or they are up to date."""
    results: list[BuiltReport | None] = [None] * len(jobs)
    for number, (spec, params) in enumerate(jobs):
        html = output_paths(spec, params, reports_dir)[0]
        missing = missing_inputs(spec, available, params)
        if missing:
            _remove_earlier(spec, params, reports_dir)  # built from other data (another scope): not these data's
            results[number] = BuiltReport(spec=spec, params=params, ok=True, missing=tuple(missing), html=html)
            continue
        now = fingerprint(notebook_path(spec, notebooks_dir), params, input_hash)
        if not force and not html.is_file() and _too_few(read_record(html), now):
            results[number] = BuiltReport(spec=spec, params=params, ok=True, missing=(FEW_FIRMS,), html=html)
            continue
        before = {} if force else previous_build(spec, params, reports_dir)
        if before and before.get("fingerprint") == now:
            results[number] = BuiltReport(spec=spec, params=params, ok=True, skipped=True,
                                          built_at=before.get("built_at", ""), html=html)
            log.info("%s is up to date", html.name)
    for (_, name, why), same in unbuilt_groups(r for r in results if r is not None).items():
        log.warning("%s not built: %s", same[0].html.name if len(same) == 1 else f"{len(same)} {name} reports", why)
    return results


def _too_few(record: dict, now: str) -> bool:
    """True when ``record`` says that the report, as fingerprinted ``now``, has too few firms."""
    return record.get("status") == TOO_FEW and record.get("fingerprint") == now


@dataclass
class _Plan:
    """The reports of one processed folder (one extract, or the reports across a series):
    the jobs of its grid, those that need no run settled, and where they go."""

    catalogue: tuple[ReportSpec, ...]
    specs: list[ReportSpec]
    processed_dir: Path
    reports_dir: Path
    quality: dict
    jobs: list = field(default_factory=list)
    requested: list = field(default_factory=list)
    results: list = field(default_factory=list)


def _plan(catalogue, specs, *, processed_dir: Path, reports_dir: Path, quality: dict, force: bool, notebooks_dir) -> _Plan:
    """Parameters checked and every up-to-date or unbuildable report settled, before any kernel starts."""
    plan = _Plan(catalogue, specs, processed_dir, reports_dir, quality)
    plan.jobs = [(spec, check_parameters(notebook_path(spec, notebooks_dir), params)) for spec in specs for params in spec.grid]
    plan.requested = [dict(params) for spec in specs for params in spec.grid]  # as the grid says, for the records
    plan.results = _settled(plan.jobs, available=available_inputs(quality), reports_dir=reports_dir,
                            input_hash=report_inputs(quality), force=force, notebooks_dir=notebooks_dir)
    return plan


def _plans(processed_dir: Path, reports_dir: Path, catalogue, specs, *, force: bool, notebooks_dir) -> list[_Plan]:
    """One plan for one extract; for a series, one an extract (its reports into a folder
    of its own) and, last, one for the reports across the extracts."""
    settings = {"force": force, "notebooks_dir": notebooks_dir}
    if not is_series(processed_dir):
        # Fail early, with one clear message, when there are no clean data or a table breaks
        # the schema (a file changed by hand): before any kernel starts.
        data = load_clean(processed_dir)
        _ = (data.survey, data.workforce)  # read to check them too
        return [_plan(catalogue, specs, processed_dir=processed_dir, reports_dir=reports_dir, quality=data.quality, **settings)]
    each = tuple(spec for spec in catalogue if "series" not in spec.needs)
    plans = []
    for day, folder in extract_folders(processed_dir):
        # Every extract has its plan, with nothing to run when no report of it is selected
        # (--only trend): its reports left alone are listed in the index of them all.
        plans += _plans(folder.resolve(), reports_dir / day, each, [spec for spec in specs if spec in each], **settings)
    across = tuple(spec for spec in catalogue if "series" in spec.needs)
    quality = load_quality(processed_dir)  # each extract's tables were checked with its plan
    return plans + [_plan(across, [spec for spec in specs if spec in across], processed_dir=processed_dir,
                          reports_dir=reports_dir, quality=quality, **settings)]


def build(
    *,
    processed_dir: Path = config.PROCESSED_DIR,
    reports_dir: Path = config.REPORTS_DIR,
    only: list[str] | None = None,
    jobs_limit: int | None = None,
    force: bool = False,
    catalogue: tuple[ReportSpec, ...] | None = None,
    notebooks_dir: Path | None = None,
    scheduler: str | None = None,
) -> BuildResult:
    """Build every report of the catalogue over its grid, then the index page.

    A report whose notebook, parameters, input data and package code are those of its last
    build is skipped unless ``force``. The others run in parallel, as many at a time as
    ``jobs_limit`` (default: the number of cores), each in a kernel of its own that was
    launched while the report before it ran (:func:`adoption.report.kernels.run_all`). A
    failing report is logged with its error and the build goes on; the caller decides the
    exit code from :attr:`BuildResult.failed`.

    On a series of extracts, every extract's reports (each into ``reports_dir/<date>/``,
    with an index of its own) and the reports across extracts run as one pool of jobs;
    the index of ``reports_dir`` lists them all.

    With ``scheduler`` (the address of a Dask scheduler, or ``local`` / ``local:N``: see
    :func:`adoption.core.cluster.open_client`), the reports to run go to the cluster's
    workers instead, each run there as here (:mod:`adoption.report.workers`); the workers
    must see the same folders, notebooks and package version.
    """
    if scheduler is not None:
        local_workers(scheduler)  # a malformed address is refused before anything runs
        if jobs_limit is not None:
            log.warning("--jobs %d is not used with --scheduler: each worker of the cluster runs one report at a time",
                        jobs_limit)
    processed_dir, reports_dir = Path(processed_dir).resolve(), Path(reports_dir).resolve()
    catalogue = default_catalogue(notebooks_dir) if catalogue is None else catalogue
    specs = [find_spec(name, catalogue) for name in only] if only else list(catalogue)
    plans = _plans(processed_dir, reports_dir, catalogue, specs, force=force, notebooks_dir=notebooks_dir)
    todo = [(plan, number) for plan in plans for number, result in enumerate(plan.results) if result is None]
    total = sum(len(plan.jobs) for plan in plans)
    workers = max(1, min(jobs_limit or os.cpu_count() or 1, len(todo) or 1))
    if scheduler is None:
        log.info("building %d of %d reports, %d at a time", len(todo), total, workers)
    else:
        log.info("building %d of %d reports on the Dask cluster at %s", len(todo), total, scheduler)
    # The kernels trust the check of the tables just made, for these very bytes.
    env = {**os.environ, CHECKED_TABLES_ENV: json.dumps(checked_tables())}
    lock, done = threading.Lock(), [0]

    def finish(job: int, built: BuiltReport) -> None:
        """Keep a report's outcome and log it, with the count of reports run so far."""
        plan, number = todo[job]
        with lock:
            done[0] += 1
            if built.missing:  # of too few firms to show
                log.warning("[%d/%d] %s not built: %s", done[0], len(todo), _shown(built.html, reports_dir), built.unavailable())
            elif built.ok:
                log.info("[%d/%d] wrote %s (%.1f s)", done[0], len(todo), _shown(built.html, reports_dir), built.seconds)
            else:
                log.error("[%d/%d] %s %s failed: %s", done[0], len(todo), built.spec.name,
                          json.dumps(built.params, ensure_ascii=False), built.error)
        plan.results[number] = built

    if scheduler is not None and todo:
        from .workers import Job, run_on_cluster

        run_on_cluster(scheduler, [Job(*plan.jobs[number], plan.requested[number], plan.processed_dir, plan.reports_dir,
                                       notebooks_dir) for plan, number in todo],
                       reports_dir=reports_dir, checked=env[CHECKED_TABLES_ENV], finish=finish)
    else:
        def launch(job: int):
            plan, number = todo[job]
            return start_kernel(notebook_path(plan.jobs[number][0], notebooks_dir).parent, env)

        def record(job: int, kernel) -> None:
            plan, number = todo[job]
            spec, params = plan.jobs[number]
            try:
                if isinstance(kernel, Exception):
                    raise kernel
                built = run_report(spec, params, kernel=kernel, requested=plan.requested[number],
                                   processed_dir=plan.processed_dir, reports_dir=plan.reports_dir, notebooks_dir=notebooks_dir)
            except Exception as exc:  # keep going past a failing report; report it at the end
                built = failed_report(spec, params, exc, reports_dir=plan.reports_dir)
            if not STOPPING.is_set():  # the build is being stopped: a report cut short is not a failure to report
                finish(job, built)

        run_all(len(todo), workers, launch, record)
    earlier_extracts: list[BuiltReport] = []  # built by this run, in the extracts' plans
    listed_extracts: list[BuiltReport] = []  # and those an --only left alone there
    for plan in plans:  # each extract's index, then the index of them all
        finished = [r for r in plan.results if r is not None]
        earlier = _earlier(plan.catalogue, {spec.name for spec in plan.specs}, reports_dir=plan.reports_dir,
                           input_hash=report_inputs(plan.quality), notebooks_dir=notebooks_dir)
        order = {spec.name: number for number, spec in enumerate(plan.catalogue)}
        listed = sorted(finished + earlier, key=lambda r: order[r.spec.name])  # stable: grid order within a report
        last = plan is plans[-1]
        index = write_index(listed + (listed_extracts if last else []), reports_dir=plan.reports_dir,
                            processed_dir=plan.processed_dir)
        if not last:
            earlier_extracts += finished
            listed_extracts += listed
    return BuildResult(index=index, reports=finished + earlier_extracts)


def _shown(html: Path, reports_dir: Path) -> str:
    """A report's file as the log names it: with its extract's folder in a series."""
    return html.relative_to(reports_dir).as_posix() if html.is_relative_to(reports_dir) else html.name


def _earlier(catalogue, selected: set[str], *, reports_dir: Path, input_hash: str, notebooks_dir) -> list[BuiltReport]:
    """The reports a build with ``--only`` left alone, as their last build left them, so
    that the index keeps listing them (marked when built from other data or code; those
    of too few firms as not built, while their record holds for these data and code)."""
    kept = []
    for spec in catalogue:
        if spec.name in selected:
            continue
        notebook = notebook_path(spec, notebooks_dir)
        for params in spec.grid:
            checked = check_parameters(notebook, params)
            before = previous_build(spec, checked, reports_dir)
            html = output_paths(spec, checked, reports_dir)[0]
            if before:
                kept.append(BuiltReport(spec=spec, params=checked, ok=True, skipped=True, built_at=before.get("built_at", ""),
                                        html=html, stale=before.get("fingerprint") != fingerprint(notebook, checked, input_hash)))
            elif not html.is_file() and _too_few(read_record(html), fingerprint(notebook, checked, input_hash)):
                kept.append(BuiltReport(spec=spec, params=checked, ok=True, missing=(FEW_FIRMS,), html=html))
    return kept
