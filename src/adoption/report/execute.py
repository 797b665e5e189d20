"""Running one report: its notebook through papermill in a kernel of its own (started
ahead by the build, :mod:`.kernels`), then the executed notebook and its offline HTML
written in place, never half-written."""

from __future__ import annotations

import json
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import nbformat
import papermill as pm
from ..core import config
from ..core.io import load_quality
from ..core.version import __version__
from .cache import fingerprint
from .catalogue import ReportSpec, check_parameters, notebook_path, output_paths
from .export import export_html, prepare_outputs, write_atomic
from .kernels import EnvironmentKernelManager, kernel_name, start_kernel
from .page import AUDIT_METADATA
from .text import label


@dataclass
class BuiltReport:
    """The outcome of one report of the grid."""

    spec: ReportSpec
    params: dict
    html: Path
    ok: bool
    error: str = ""
    seconds: float = 0.0
    built_at: str = ""
    skipped: bool = False  # up to date: same notebook, data, code and parameters as last time
    missing: tuple[str, ...] = ()  # optional inputs it needs and the clean data lack: not built
    fault: bool = False  # failed because the machine refused a read or write (disk full, permissions)
    stale: bool = False  # left by an earlier build, from other data or code (not selected this time)

    def unavailable(self, lang: str = "en") -> str:
        """Why the report was not built, in ``lang``; empty when it was."""
        if not self.missing:
            return ""
        inputs = ", ".join(label(f"input_{name}", lang) for name in self.missing)
        folders = ", ".join(f"{name}/" for name in self.missing)
        return f"{label('index_no_input', lang, inputs=inputs)} ({folders})"


def _footer(lang: str, params: dict, synthetic: bool, input_hash: str, built_at: str, audit: dict | None) -> list[tuple[str, str]]:
    rows = [
        (label("footer_params", lang), json.dumps(params, ensure_ascii=False)),
        (label("footer_data", lang), label("footer_synthetic" if synthetic else "footer_real", lang)),
        (label("footer_input_hash", lang), input_hash),
        (label("footer_version", lang), __version__),
        (label("footer_built_at", lang), built_at),
    ]
    if audit:
        rows.append((label("footer_audit", lang), json.dumps(audit)))
    return rows


def _audit(nb: nbformat.NotebookNode) -> dict | None:
    """The disclosure audit the notebook's disclosure note reported, if it showed one."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            found = output.get("metadata", {}).get(AUDIT_METADATA)
            if found is None:
                found = output.get("metadata", {}).get("text/markdown", {}).get(AUDIT_METADATA)
            if found is not None:
                return dict(found)
    return None


def run_report(
    spec: ReportSpec,
    params: dict,
    *,
    processed_dir: Path = config.PROCESSED_DIR,
    reports_dir: Path = config.REPORTS_DIR,
    notebooks_dir: Path | None = None,
    kernel: EnvironmentKernelManager | None = None,
) -> BuiltReport:
    """Execute one notebook with ``params`` and export its HTML into ``reports_dir``.

    ``kernel`` is a kernel launched for this report alone, in the notebook's folder (see
    :func:`adoption.report.kernels.start_kernel`); without one, a kernel is started here
    and shut down after. Folders are made absolute first, since the kernel runs elsewhere.
    """
    processed_dir, reports_dir = Path(processed_dir).resolve(), Path(reports_dir).resolve()
    notebook = notebook_path(spec, notebooks_dir)
    checked = check_parameters(notebook, params)
    lang = checked.get("lang", "vi")
    quality = load_quality(processed_dir)  # provenance only: the notebook loads the tables itself
    input_hash, synthetic = quality.get("input_hash", ""), bool(quality.get("synthetic"))
    html_path, executed_path = output_paths(spec, checked, reports_dir)
    started = time.monotonic()
    own = kernel is None
    kernel = start_kernel(notebook.parent) if own else kernel
    try:
        with tempfile.TemporaryDirectory(prefix="adoption-run-") as tmp:
            out = Path(tmp) / spec.notebook
            pm.execute_notebook(
                str(notebook), str(out),
                parameters={**checked, "processed_dir": str(processed_dir)},
                kernel_name=kernel_name(), km=kernel, progress_bar=False, log_output=False, report_mode=False,
                request_save_on_cell_execute=False,
            )
            nb = nbformat.read(out, as_version=4)
    finally:
        if own:
            kernel.request_close()
            kernel.finish_close()
    built_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    nb.metadata["title"] = spec.title(lang)
    nb.metadata["adoption"] = {
        "report": spec.name,
        "fingerprint": fingerprint(notebook, checked, input_hash),
        "params": checked,
        "input_hash": input_hash,
        "synthetic": synthetic,
        "package_version": __version__,
        "built_at": built_at,
        "disclosure_audit": _audit(nb),
    }
    nb.metadata["adoption"]["footer"] = _footer(lang, checked, synthetic, input_hash, built_at,
                                                nb.metadata["adoption"]["disclosure_audit"])
    prepare_outputs(nb)
    # The HTML first: the executed notebook records the fingerprint that marks the report
    # up to date, so it must never stand beside an HTML that failed to be written.
    write_atomic(html_path, export_html(nb, lang))
    write_atomic(executed_path, nbformat.writes(nb))
    return BuiltReport(spec=spec, params=checked, html=html_path, ok=True,
                       seconds=time.monotonic() - started, built_at=built_at)
