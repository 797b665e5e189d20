"""Running one report: its notebook through papermill in a kernel of its own (started
ahead by the build, :mod:`.kernels`), then the executed notebook and its offline HTML
written in place, never half-written."""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import nbformat
import papermill as pm
from nbclient.exceptions import DeadKernelError

from ..core import config
from ..core.errors import TooFewFirms
from ..core.io import CHECKED_TABLES_ENV, checked_tables, load_quality
from ..core.version import __version__
from .catalogue import ReportSpec, check_parameters, notebook_path, output_paths
from .export import export_html, prepare_outputs, write_atomic
from .kernels import STOPPING, EnvironmentKernelManager, kernel_name, kill, start_kernel
from .page import AUDIT_METADATA
from .record import TOO_FEW, BuiltReport, fingerprint, make_record, report_inputs, write_record
from .text import label

log = logging.getLogger(__name__)


def _footer(lang: str, params: dict, data_key: str, input_hash: str, built_at: str, audit: dict | None) -> list[tuple[str, str]]:
    rows = [
        (label("footer_params", lang), json.dumps(params, ensure_ascii=False)),
        (label("footer_data", lang), label(data_key, lang)),
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
    requested: dict | None = None,
    env: dict[str, str] | None = None,
) -> BuiltReport:
    """Execute one notebook with ``params`` and export its HTML into ``reports_dir``.

    ``kernel`` is a kernel launched for this report alone, in the notebook's folder (see
    :func:`adoption.report.kernels.start_kernel`); without one, a kernel is started here
    and shut down after, with the environment ``env`` (default: this process's). Folders
    are made absolute first, since the kernel runs elsewhere.
    ``requested`` is the grid's entry ``params`` were checked from (default: ``params``),
    kept in the provenance record so that a build with nothing to do needs no check.
    """
    processed_dir, reports_dir = Path(processed_dir).resolve(), Path(reports_dir).resolve()
    notebook = notebook_path(spec, notebooks_dir)
    checked = check_parameters(notebook, params)
    lang = checked.get("lang", "vi")
    quality = load_quality(processed_dir)  # provenance only: the notebook loads the tables itself
    # A report of published figures only is never synthetic, whatever the clean data are.
    input_hash, synthetic = quality.get("input_hash", ""), bool(quality.get("synthetic")) and spec.data != "published"
    html_path, executed_path = output_paths(spec, checked, reports_dir)
    started, started_at = time.monotonic(), _now()
    record = {"report": spec.name, "spec": spec, "notebook": notebook, "params": checked, "requested": dict(requested if requested is not None else params), "quality": quality,
              "started_at": started_at, "html": html_path}
    own = kernel is None
    kernel = start_kernel(notebook.parent, env) if own else kernel
    try:
        with tempfile.TemporaryDirectory(prefix="adoption-run-") as tmp:
            out = Path(tmp) / spec.notebook
            try:
                try:
                    _execute(notebook, out, {**checked, "processed_dir": str(processed_dir)}, kernel)
                except RuntimeError as exc:
                    if not str(exc).startswith(NEVER_READY) or STOPPING.is_set():
                        raise  # a kernel the stop of the build shut down is not replaced
                    # A kernel that died as it started (two kernels given the same port at
                    # once, on a busy machine), or never answered, ran nothing: the report
                    # runs in a new one, once.
                    log.warning("%s: its kernel %s; running it in a new kernel", html_path.name,
                                "died as it started" if str(exc).startswith(KERNEL_DIED) else
                                f"did not answer in {READY_SECONDS} s")
                    _replaced(kernel, own)
                    kernel = start_kernel(notebook.parent, {**os.environ, CHECKED_TABLES_ENV: json.dumps(checked_tables())})
                    own = True
                    _execute(notebook, out, {**checked, "processed_dir": str(processed_dir)}, kernel)
            except pm.PapermillExecutionError as exc:
                if exc.ename == TooFewFirms.__name__:  # not a failure: recorded, so that the next build need not run it
                    write_record(html_path, make_record(**record, status=TOO_FEW, built_at=_now(), executed=None,
                                                        seconds=time.monotonic() - started))
                    raise
                _keep_failed(out, executed_path, record, f"{exc.ename}: {exc.evalue} (notebook cell {exc.exec_count})",
                             time.monotonic() - started)
                raise
            except RuntimeError as exc:
                raise _last_words(exc, kernel, html_path.name) from exc
            nb = nbformat.read(out, as_version=4)
    finally:
        if own:
            kernel.request_close()
            kernel.finish_close()
    built_at = _now()
    audit = _audit(nb)
    nb.metadata["title"] = spec.title(lang, quality, checked)
    nb.metadata["adoption"] = {
        "report": spec.name,
        "fingerprint": fingerprint(notebook, checked, report_inputs(quality)),
        "params": checked,
        "input_hash": input_hash,
        "synthetic": synthetic,
        "package_version": __version__,
        "built_at": built_at,
        "disclosure_audit": audit,
    }
    nb.metadata["adoption"]["footer"] = _footer(lang, checked, "footer_published" if spec.data == "published" else
                                                "footer_synthetic" if synthetic else "footer_real",
                                                input_hash, built_at, audit)
    prepare_outputs(nb)
    # The HTML and the executed notebook first: the provenance record, written last, is
    # what marks the report up to date, so it never stands beside a file that failed.
    write_atomic(html_path, export_html(nb, lang))
    write_atomic(executed_path, nbformat.writes(nb))
    seconds = time.monotonic() - started
    write_record(html_path, make_record(**record, status="ok", built_at=built_at, seconds=seconds, executed=executed_path,
                                        audit=audit))
    return BuiltReport(spec=spec, params=checked, html=html_path, ok=True, seconds=seconds, built_at=built_at,
                       notebook=executed_path)


# jupyter_client's errors when a kernel dies before it answers its first request, and
# when it does not answer it in time: either way no cell of the report has run.
KERNEL_DIED = "Kernel died before replying to kernel_info"
NEVER_READY = (KERNEL_DIED, "Kernel didn't respond in ")
# How long a report waits for its kernel's first answer (the kernel was launched ahead and
# imports pandas and matplotlib as it starts: seconds, on a machine that is not overloaded).
READY_SECONDS = 60


def _replaced(kernel: EnvironmentKernelManager, own: bool) -> None:
    """Put aside a kernel that never answered: what its process wrote goes to the log,
    and the process is killed at once (a kernel that hangs would not heed a request to
    exit). The build closes a kernel it launched; this closes its own."""
    said = kernel.said()
    if said:
        log.debug("what the kernel put aside wrote:\n%s", said)
    kill(kernel)
    if own:
        kernel.request_close()
        kernel.finish_close()


def _last_words(exc: RuntimeError, kernel: EnvironmentKernelManager, shown: str) -> RuntimeError:
    """``exc`` with the last lines its kernel's process wrote, when the kernel died (a
    crash in a C library, the system's out-of-memory killer) and wrote any: logged whole,
    and the last three in the error, which the index shows on one line."""
    said = kernel.said()
    if not (isinstance(exc, DeadKernelError) or str(exc).startswith(KERNEL_DIED)) or not said or STOPPING.is_set():
        return exc
    log.warning("%s: its kernel died; what its process wrote last:\n%s", shown, said)
    last = " | ".join([line.strip() for line in said.splitlines() if line.strip()][-3:])
    return type(exc)(f"{exc}; its process last wrote: {last}")


def _execute(notebook: Path, out: Path, parameters: dict, kernel: EnvironmentKernelManager) -> None:
    pm.execute_notebook(str(notebook), str(out), parameters=parameters, kernel_name=kernel_name(), km=kernel,
                        start_timeout=READY_SECONDS, progress_bar=False, log_output=False, report_mode=False, request_save_on_cell_execute=False)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _keep_failed(out: Path, executed_path: Path, record: dict, error: str, seconds: float) -> None:
    """Keep the executed notebook of a failed report, with papermill's error cell, where
    its executed notebook goes, and record the failure beside its HTML. The HTML of its
    last good build, if any, stays; the record and the index say it failed this time."""
    try:
        if out.is_file():
            write_atomic(executed_path, out.read_text(encoding="utf-8"))
        write_record(record["html"], make_record(**record, status="failed", error=error, built_at=_now(), seconds=seconds,
                                                 executed=executed_path if executed_path.is_file() else None))
    except OSError:  # the report failed already; a record that cannot be written changes nothing
        pass
