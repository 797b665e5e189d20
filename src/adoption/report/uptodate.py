"""The build with nothing to do, answered from the files alone.

A scheduled build runs far more often than its data change. When the clean data are the
set ``adoption clean`` wrote (their manifest checks), and every report of the grid has a
provenance record of a successful build from these very notebook, parameters, data and
code, nothing needs a kernel, papermill, nbconvert or even pandas: :func:`current_grid`
says so from hashes and records, with the standard library only, and the command ends.
Anything else (a changed file, a missing record, a report that failed last time, an index
older than a report) goes to the full build, which decides report by report.

A series of extracts (:func:`~adoption.core.io.is_series`) is answered as the full build
builds it: each extract's reports in ``reports/<date>/`` with that extract's index, the
reports across extracts (the trend report) and the index of them all at the top.
"""

from __future__ import annotations

from pathlib import Path

from ..core.errors import AdoptionError
from ..core.io import extract_folders, is_series, load_quality
from ..core.outputs import verify_outputs
from ..core.version import code_hash
from .catalogue import ReportSpec, available_inputs, default_catalogue, missing_inputs, notebook_path, output_paths
from .record import FEW_FIRMS, TOO_FEW, BuildResult, BuiltReport, is_current, known_parameters, read_record, record_path, report_inputs


def current_grid(*, processed_dir: Path, reports_dir: Path, catalogue: tuple[ReportSpec, ...] | None = None,
                 notebooks_dir: Path | None = None) -> BuildResult | None:
    """The build as it stands when every report of ``catalogue`` is up to date (each one
    skipped, or not built for want of an input the clean data lack), and its index is
    there and newer than every report; None when anything needs building.

    For a series of extracts: every extract's clean set, reports and index, and the
    reports across extracts with the index of them all; the reports in the order the
    full build gives them (those across extracts first).
    """
    processed_dir, reports_dir = Path(processed_dir).resolve(), Path(reports_dir).resolve()
    catalogue = default_catalogue(notebooks_dir) if catalogue is None else catalogue
    if not is_series(processed_dir):
        return _current_folder(processed_dir, reports_dir, catalogue, notebooks_dir)
    each = tuple(spec for spec in catalogue if "series" not in spec.needs)
    extracts: list[BuiltReport] = []
    for day, folder in extract_folders(processed_dir) if each else []:
        found = _current_folder(folder, reports_dir / day, each, notebooks_dir)
        if found is None:
            return None
        extracts += found.reports
    try:
        quality = load_quality(processed_dir)  # of the whole series: each extract's set was checked above
    except AdoptionError:
        return None
    across = _current_reports(quality, reports_dir, tuple(spec for spec in catalogue if "series" in spec.needs),
                              notebooks_dir)
    return None if across is None else BuildResult(index=across.index, reports=across.reports + extracts)


def _current_folder(processed_dir: Path, reports_dir: Path, catalogue: tuple[ReportSpec, ...],
                    notebooks_dir: Path | None) -> BuildResult | None:
    """:func:`current_grid` of one folder of clean data: its set checked against its manifest."""
    try:
        quality = load_quality(processed_dir)
    except AdoptionError:
        return None  # the full build says what is wrong
    if verify_outputs(processed_dir, quality):
        return None
    return _current_reports(quality, reports_dir, catalogue, notebooks_dir)


def _current_reports(quality: dict, reports_dir: Path, catalogue: tuple[ReportSpec, ...],
                     notebooks_dir: Path | None) -> BuildResult | None:
    """The reports of ``catalogue`` in ``reports_dir`` and their index, when each is current
    with the clean data ``quality`` describes; None when any is not."""
    index = reports_dir / "index.html"
    if not index.is_file():
        return None
    available, input_hash, code = available_inputs(quality), report_inputs(quality), code_hash()
    reports, written = [], [index.stat().st_mtime_ns]
    for spec in catalogue:
        notebook = notebook_path(spec, notebooks_dir)
        for requested in spec.grid:
            html = output_paths(spec, requested, reports_dir)[0]
            missing = missing_inputs(spec, available, requested)
            if missing:
                reports.append(BuiltReport(spec=spec, params=dict(requested), ok=True, missing=tuple(missing), html=html))
                continue
            record = read_record(html)  # without its HTML, a report found to have too few firms
            params = known_parameters(record, notebook, dict(requested)) if record else None
            if params is None or output_paths(spec, params, reports_dir)[0] != html:
                return None
            status = "ok" if html.is_file() else TOO_FEW
            if not is_current(record, notebook, input_hash, code, status=status):
                return None
            written.append(record_path(html).stat().st_mtime_ns)
            reports.append(BuiltReport(spec=spec, params=params, ok=True, skipped=True, html=html,
                                       built_at=record.get("built_at", "")) if status == "ok" else
                           BuiltReport(spec=spec, params=params, ok=True, missing=(FEW_FIRMS,), html=html))
    if max(written) > written[0]:  # a report built after the index: the index does not list it as it is
        return None
    return BuildResult(index=index, reports=reports)
