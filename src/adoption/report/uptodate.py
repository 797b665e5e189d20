"""The build with nothing to do, answered from the files alone.

A scheduled build runs far more often than its data change. When the clean data are the
set ``adoption clean`` wrote (their manifest checks), and every report of the grid has a
provenance record of a successful build from these very notebook, parameters, data and
code, nothing needs a kernel, papermill, nbconvert or even pandas: :func:`current_grid`
says so from hashes and records, with the standard library only, and the command ends.
Anything else (a changed file, a missing record, a report that failed last time) goes to
the full build, which decides report by report.
"""

from __future__ import annotations

from pathlib import Path

from ..core.errors import AdoptionError
from ..core.io import load_quality
from ..core.outputs import verify_outputs
from ..core.version import code_hash
from .catalogue import ReportSpec, available_inputs, default_catalogue, missing_inputs, notebook_path, output_paths
from .record import BuildResult, BuiltReport, is_current, known_parameters, read_record


def current_grid(*, processed_dir: Path, reports_dir: Path, catalogue: tuple[ReportSpec, ...] | None = None,
                 notebooks_dir: Path | None = None) -> BuildResult | None:
    """The build as it stands when every report of ``catalogue`` is up to date (each one
    skipped, or not built for want of an input the clean data lack), and its index is
    there; None when anything needs building.
    """
    processed_dir, reports_dir = Path(processed_dir).resolve(), Path(reports_dir).resolve()
    catalogue = default_catalogue(notebooks_dir) if catalogue is None else catalogue
    index = reports_dir / "index.html"
    if not index.is_file():
        return None
    try:
        quality = load_quality(processed_dir)
    except AdoptionError:
        return None  # the full build says what is wrong
    if verify_outputs(processed_dir, quality):
        return None
    available, input_hash, code = available_inputs(quality), quality.get("input_hash", ""), code_hash()
    reports = []
    for spec in catalogue:
        notebook = notebook_path(spec, notebooks_dir)
        for requested in spec.grid:
            html = output_paths(spec, requested, reports_dir)[0]
            missing = missing_inputs(spec, available)
            if missing:
                reports.append(BuiltReport(spec=spec, params=dict(requested), ok=True, missing=tuple(missing), html=html))
                continue
            record = read_record(html) if html.is_file() else {}
            params = known_parameters(record, notebook, dict(requested)) if record else None
            if params is None or output_paths(spec, params, reports_dir)[0] != html:
                return None
            if not is_current(record, notebook, input_hash, code):
                return None
            reports.append(BuiltReport(spec=spec, params=params, ok=True, skipped=True, html=html,
                                       built_at=record.get("built_at", "")))
    return BuildResult(index=index, reports=reports)
