"""Running one report: its notebook through papermill with the project's kernel, then the
executed notebook and its offline HTML written in place, never half-written."""

from __future__ import annotations

import json
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import nbformat
import papermill as pm
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from traitlets import default

from ..core import config
from ..core.io import load_quality
from ..core.version import __version__
from .cache import fingerprint
from .catalogue import ReportSpec, check_parameters, notebook_path, output_paths
from .export import export_html, prepare_outputs, write_atomic
from .text import label


# A report kernel keeps no input history: nothing written to the user's IPython folder
# (parallel kernels would share one SQLite file), nothing to fail on a full disk.
KERNEL_ARGUMENTS = ["--HistoryManager.enabled=False"]


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

    def unavailable(self, lang: str = "en") -> str:
        """Why the report was not built, in ``lang``; empty when it was."""
        if not self.missing:
            return ""
        inputs = ", ".join(label(f"input_{name}", lang) for name in self.missing)
        folders = ", ".join(f"{name}/" for name in self.missing)
        return f"{label('index_no_input', lang, inputs=inputs)} ({folders})"


class EnvironmentKernelSpecs(KernelSpecManager):
    """Kernel specs with this environment's own first: the kernel `make` registers here
    wins over a same-named kernel another checkout registered in the user's folders."""

    @default("kernel_dirs")
    def _kernel_dirs_default(self) -> list[str]:
        own = str(Path(sys.prefix) / "share" / "jupyter" / "kernels")
        return [own] + [d for d in super()._kernel_dirs_default() if d != own]


class EnvironmentKernelManager(AsyncKernelManager):
    """The kernel manager papermill uses, looking kernels up with :class:`EnvironmentKernelSpecs`."""

    @default("kernel_spec_manager")
    def _kernel_spec_manager_default(self) -> KernelSpecManager:
        return EnvironmentKernelSpecs(data_dir=self.data_dir)


def kernel_name() -> str:
    """The project's kernel when this environment has it, else the running Python's."""
    return config.KERNEL_NAME if config.KERNEL_NAME in EnvironmentKernelSpecs().find_kernel_specs() else "python3"


def _footer(lang: str, params: dict, synthetic: bool, input_hash: str, built_at: str) -> list[tuple[str, str]]:
    return [
        (label("footer_params", lang), json.dumps(params, ensure_ascii=False)),
        (label("footer_data", lang), label("footer_synthetic" if synthetic else "footer_real", lang)),
        (label("footer_input_hash", lang), input_hash),
        (label("footer_version", lang), __version__),
        (label("footer_built_at", lang), built_at),
    ]


def run_report(
    spec: ReportSpec,
    params: dict,
    *,
    processed_dir: Path = config.PROCESSED_DIR,
    reports_dir: Path = config.REPORTS_DIR,
    notebooks_dir: Path | None = None,
) -> BuiltReport:
    """Execute one notebook with ``params`` and export its HTML into ``reports_dir``.

    The kernel runs in the notebook's folder, so folders are made absolute first.
    """
    processed_dir, reports_dir = Path(processed_dir).resolve(), Path(reports_dir).resolve()
    notebook = notebook_path(spec, notebooks_dir)
    checked = check_parameters(notebook, params)
    lang = checked.get("lang", "vi")
    quality = load_quality(processed_dir)  # provenance only: the notebook loads the tables itself
    input_hash, synthetic = quality.get("input_hash", ""), bool(quality.get("synthetic"))
    html_path, executed_path = output_paths(spec, checked, reports_dir)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="adoption-run-") as tmp:
        out = Path(tmp) / spec.notebook
        pm.execute_notebook(
            str(notebook), str(out),
            parameters={**checked, "processed_dir": str(processed_dir)},
            kernel_name=kernel_name(), kernel_manager_class=EnvironmentKernelManager, cwd=str(notebook.parent),
            progress_bar=False, log_output=False, report_mode=False,
            extra_arguments=KERNEL_ARGUMENTS,
        )
        nb = nbformat.read(out, as_version=4)
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
        "footer": _footer(lang, checked, synthetic, input_hash, built_at),
    }
    prepare_outputs(nb)
    # The HTML first: the executed notebook records the fingerprint that marks the report
    # up to date, so it must never stand beside an HTML that failed to be written.
    write_atomic(html_path, export_html(nb, lang))
    write_atomic(executed_path, nbformat.writes(nb))
    return BuiltReport(spec=spec, params=checked, html=html_path, ok=True,
                       seconds=time.monotonic() - started, built_at=built_at)
