"""The report grid on a Dask cluster (``adoption build --scheduler``): each report to run
is sent to a worker, which runs it exactly as a local build does (a kernel of its own,
papermill, the HTML export: :func:`adoption.report.execute.run_report`) and writes its
files into the reports folder, which every machine sees (a shared filesystem). This
machine gathers the outcomes as they come and writes the indexes.

Only this module imports ``distributed``, and only :func:`adoption.report.build.build`
with a scheduler imports this module. A worker unpickles :func:`setup_problems` in its
event loop, so this module loads no report stack (papermill, pandas) until a report runs. What crosses the wire is a :class:`Job` (a
:class:`ReportSpec`, dicts and paths) one way and a :class:`BuiltReport` back: both pickle.
"""

from __future__ import annotations

import hashlib
import os
import platform
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..core import config
from ..core.cluster import open_client
from ..core.errors import ClusterError
from ..core.io import CHECKED_TABLES_ENV
from ..core.version import __version__, code_hash
from .catalogue import ReportSpec, notebook_path
from .record import BuiltReport

# Written by this machine into the reports folder, read back by every worker: proof that
# they write where this machine writes the index.
MARKER = ".adoption-cluster-check"


@dataclass(frozen=True)
class Job:
    """One report to run on a worker, with where it reads and writes."""

    spec: ReportSpec
    params: dict
    requested: dict  # the grid's entry, for the provenance record
    processed_dir: Path
    reports_dir: Path
    notebooks_dir: Path | None  # None: the worker's own notebooks folder (config.NOTEBOOKS_DIR)


@dataclass(frozen=True)
class Setup:
    """What a worker must share with this machine: the package, its code, the notebooks
    (file name -> SHA-256) and the folders."""

    version: str
    code: str
    notebooks_dir: Path | None
    notebooks: dict
    processed_dirs: tuple[Path, ...]
    marker: Path | None = None
    token: str = ""


def setup_problems(setup: Setup) -> list[str]:
    """What this machine lacks to run the reports as the machine that sent them would:
    its version or code of the package, a notebook, a folder (empty when nothing)."""
    problems = []
    if __version__ != setup.version:
        problems.append(f"adoption {__version__} is installed, the build's is {setup.version}")
    elif code_hash() != setup.code:
        problems.append(f"adoption {__version__}'s code differs from the build's (another commit or local changes)")
    for name, digest in setup.notebooks.items():
        notebook = Path(setup.notebooks_dir or config.NOTEBOOKS_DIR) / name
        if not notebook.is_file():
            problems.append(f"no notebook {notebook}")
        elif _sha256(notebook) != digest:
            problems.append(f"the notebook {notebook} differs from the build's")
    problems += [f"no processed folder {folder}" for folder in setup.processed_dirs if not Path(folder).is_dir()]
    if setup.marker is not None and not _holds(setup.marker, setup.token):
        problems.append(f"the reports folder {setup.marker.parent} is not the build's (not a shared folder)")
    return problems


def run_job(job: Job, *, setup: Setup, checked: str) -> BuiltReport:
    """Run one report on this worker, in a kernel that trusts the build's check of the
    clean tables (``checked``, the value of :data:`CHECKED_TABLES_ENV`). Never raises: a
    failure, the worker's set-up included, is a failed report."""
    from .build import failed_report  # the report stack, loaded in the worker's thread
    from .execute import run_report

    try:
        problems = setup_problems(Setup(setup.version, setup.code, job.notebooks_dir,
                                        {job.spec.notebook: setup.notebooks[job.spec.notebook]}, (job.processed_dir,)))
        if problems:
            raise ClusterError(f"worker on {platform.node()}: " + "; ".join(problems))
        return run_report(job.spec, job.params, requested=job.requested, processed_dir=job.processed_dir,
                          reports_dir=job.reports_dir, notebooks_dir=job.notebooks_dir,
                          env={**os.environ, CHECKED_TABLES_ENV: checked})
    except Exception as exc:  # keep going past a failing report, as a local build does
        return failed_report(job.spec, job.params, exc, reports_dir=job.reports_dir)


def run_on_cluster(address: str, jobs: list[Job], *, reports_dir: Path, checked: str,
                   finish: Callable[[int, BuiltReport], None]) -> None:
    """Run ``jobs`` on the workers of the Dask scheduler at ``address`` and pass each
    outcome to ``finish(number, built)`` as it arrives (in the order they finish).

    Every worker connected is checked first (:func:`setup_problems`); one that does not
    share this machine's set-up stops the build with a :class:`ClusterError` naming it.
    """
    from .build import failed_report

    notebooks = {job.spec.notebook: _sha256(notebook_path(job.spec, job.notebooks_dir)) for job in jobs}
    setup = Setup(__version__, code_hash(), jobs[0].notebooks_dir, notebooks,
                  tuple(sorted({job.processed_dir for job in jobs})), *_marker(reports_dir))
    setup.marker.parent.mkdir(parents=True, exist_ok=True)
    setup.marker.write_text(setup.token, encoding="utf-8")
    try:
        with open_client(address) as client:
            # Imported once the client is made: distributed's first import sets its loggers
            # to INFO, and open_client puts back the level the command set.
            from distributed import as_completed

            found = client.run(setup_problems, setup)
            wrong = [f"worker {worker}: " + "; ".join(problems) for worker, problems in sorted(found.items()) if problems]
            if wrong:
                raise ClusterError(f"--scheduler {address}: the workers must see this machine's folders, notebooks and "
                                   f"package version; {'; '.join(wrong)}")
            futures = {client.submit(run_job, job, setup=setup, checked=checked, pure=False): number
                       for number, job in enumerate(jobs)}
            try:
                for future in as_completed(futures, loop=client.loop):
                    job = jobs[futures[future]]
                    try:
                        built = future.result()
                    except Exception as exc:  # the worker died (KilledWorker), or its answer was lost
                        built = failed_report(job.spec, job.params, exc, reports_dir=job.reports_dir)
                    finish(futures[future], built)
            except BaseException:  # Ctrl+C or a stop signal: no report left queued on the cluster
                client.cancel(list(futures), force=True)
                raise
    finally:
        setup.marker.unlink(missing_ok=True)


def _marker(reports_dir: Path) -> tuple[Path, str]:
    token = uuid.uuid4().hex
    return Path(reports_dir) / f"{MARKER}-{token}", token


def _holds(path: Path, token: str) -> bool:
    try:
        return path.read_text(encoding="utf-8") == token
    except OSError:
        return False


def _sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
