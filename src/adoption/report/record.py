"""What a build knows about each report: its outcome, and the provenance record written
beside its HTML (``<report>.<params>.json``).

The record says what the report was built from and with: parameters, the hash of every
input file and of every clean table, the notebook, the git commit (and whether the tree
had uncommitted changes), the versions of Python and of the libraries that made it, when
and how long, and the outcome. It is also what marks a report up to date, so this module
uses the standard library only: a build with nothing to do reads records and hashes
files, and starts no kernel, imports neither pandas nor papermill (:func:`current_grid`).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from ..core import config
from ..core.version import __version__, code_hash
from .text import label

# Libraries whose versions go into every record (None when one is not installed).
RECORDED_PACKAGES = ("pandas", "numpy", "pyarrow", "matplotlib", "seaborn", "scipy", "highspy", "papermill", "nbclient", "nbconvert",
                     "ipykernel")
# What a report not built for want of firms lacks (BuiltReport.missing): its notebook found
# fewer firms in scope than a shared report may describe (adoption.metrics.disclosure.require_firms).
FEW_FIRMS = "firms"
# The status of such a report's provenance record: kept without an HTML, so that the next
# build of the same notebook, parameters, data and code knows without running it again.
TOO_FEW = "too_few"


@dataclass
class BuiltReport:
    """The outcome of one report of the grid."""

    spec: object  # a catalogue.ReportSpec
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
    notebook: Path | None = None  # the executed notebook (with the error cell, for a failed report)

    def unavailable(self, lang: str = "en") -> str:
        """Why the report was not built, in ``lang``; empty when it was."""
        if not self.missing:
            return ""
        if "series" in self.missing:  # not an input folder: the data are one extract, not a series
            return label("index_no_series", lang)
        if "national" in self.missing:  # not an input folder: the data are one province's
            return label("index_no_national", lang)
        if FEW_FIRMS in self.missing:  # not an input: the report's firms are too few to show
            return label("index_too_few", lang)
        if "districts" in self.missing:  # not an input folder: the scope leaves Bình Dương out
            return label("index_no_districts", lang)
        inputs = ", ".join(label(f"input_{name}", lang) for name in self.missing)
        folders = ", ".join(f"{name}/" for name in self.missing)
        return label("index_no_input", lang, inputs=inputs, folders=folders)


def unbuilt_groups(reports) -> dict[tuple, list[BuiltReport]]:
    """The reports not built for want of an input, by folder, report and reason: said
    once each (a national report's 126 pages on one province's data are one line)."""
    groups: dict[tuple, list[BuiltReport]] = {}
    for report in reports:
        if report.missing:
            groups.setdefault((report.html.parent, report.spec.name, report.unavailable()), []).append(report)
    return groups


@dataclass
class BuildResult:
    """All reports of a build and the index page."""

    index: Path
    reports: list[BuiltReport] = field(default_factory=list)

    @property
    def failed(self) -> list[BuiltReport]:
        return [r for r in self.reports if not r.ok]


def record_path(html: Path) -> Path:
    """Where the provenance record of the report written to ``html`` goes.

    >>> record_path(Path("reports/ict-sector.vi.html")).as_posix()
    'reports/ict-sector.vi.json'
    """
    return html.with_suffix(".json")


def report_inputs(quality: dict) -> str:
    """What a report's data are, for its fingerprint: the raw files' hash (``input_hash``),
    and the scope they were cleaned for when it is not Bình Dương (the same files give
    other clean data for another scope; a report built for one is not current for the other).

    >>> report_inputs({"input_hash": "ab"}), report_inputs({"input_hash": "ab", "scope": {"code": "01"}})
    ('ab', 'ab|scope=01')
    """
    from ..core.scope import DEFAULT_SCOPE, recorded_code

    scope = recorded_code(quality)
    return quality.get("input_hash", "") + ("" if scope == DEFAULT_SCOPE else f"|scope={scope}")


def fingerprint(notebook: Path, params: dict, input_hash: str, code: str | None = None) -> str:
    """What a report depends on: its notebook, parameters, the input data and the code
    (``code``: the package's :func:`code_hash`, computed here when not given)."""
    digest = hashlib.sha256()
    digest.update(Path(notebook).read_bytes())
    digest.update(json.dumps(params, sort_keys=True, ensure_ascii=False).encode())
    digest.update(input_hash.encode())
    digest.update((code or code_hash()).encode())
    return digest.hexdigest()


def read_record(html: Path) -> dict:
    """The provenance record of the report written to ``html`` ({} when there is none, or
    none that can be read: the report is then simply built again)."""
    try:
        record = json.loads(record_path(html).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


@lru_cache(maxsize=None)
def git_state(folder: Path = config.PROJ_ROOT) -> dict | None:
    """The commit checked out in ``folder`` and whether its tree has uncommitted changes;
    None outside a git checkout (or without git)."""
    try:
        commit = subprocess.run(["git", "-C", str(folder), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10)
        if commit.returncode != 0:
            return None
        status = subprocess.run(["git", "-C", str(folder), "status", "--porcelain", "--untracked-files=no"],
                                capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": commit.stdout.strip(), "uncommitted_changes": bool(status.stdout.strip())}


@lru_cache(maxsize=None)
def versions() -> dict[str, str | None]:
    """Python's version and the installed versions of :data:`RECORDED_PACKAGES`."""
    found: dict[str, str | None] = {"python": sys.version.split()[0], "adoption": __version__}
    for name in RECORDED_PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def make_record(*, report: str, spec=None, notebook: Path, params: dict, requested: dict, quality: dict, status: str,
                started_at: str, built_at: str, seconds: float, html: Path | None, executed: Path | None,
                error: str = "", audit: dict | None = None, code: str | None = None) -> dict:
    """The provenance record of one report's build (see the module's description)."""
    code = code or code_hash()
    return {
        "report": report,
        "status": status,
        "error": error,
        "params": params,
        "params_requested": requested,
        "notebook": str(notebook),
        "notebook_sha256": hashlib.sha256(Path(notebook).read_bytes()).hexdigest(),
        "html": html.name if html else None,
        "executed_notebook": str(executed.relative_to(record_path(html).parent)) if executed and html else None,
        "fingerprint": fingerprint(notebook, params, report_inputs(quality), code) if status in ("ok", TOO_FEW) else None,
        "input_hash": quality.get("input_hash", ""),
        "synthetic": bool(quality.get("synthetic")) and getattr(spec, "data", "register") != "published",
        "inputs": {rel: info.get("sha256") for rel, info in quality.get("files", {}).items()},
        "clean_tables": dict(quality.get("outputs", {})),
        "code_hash": code,
        "git": git_state(),
        "versions": versions(),
        "started_at": started_at,
        "built_at": built_at,
        "seconds": round(seconds, 2),
        "disclosure_audit": audit,
    }


def write_record(html: Path, record: dict) -> Path:
    """Write ``record`` beside ``html``, whole or not at all."""
    path = record_path(html)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)
    return path


def is_current(record: dict, notebook: Path, input_hash: str, code: str, *, status: str = "ok") -> bool:
    """True when ``record`` is of a successful build (or, with ``status``
    :data:`TOO_FEW`, of a report found to have too few firms) of these very notebook,
    parameters, data and code."""
    return (record.get("status") == status and record.get("fingerprint") is not None
            and record.get("fingerprint") == fingerprint(notebook, record.get("params", {}), input_hash, code))


def known_parameters(record: dict, notebook: Path, requested: dict) -> dict | None:
    """The checked parameters of an earlier build of ``notebook`` with ``requested``, when
    neither changed since (so they need no check again); else None."""
    if record.get("params_requested") != requested:
        return None
    try:
        same = record.get("notebook_sha256") == hashlib.sha256(Path(notebook).read_bytes()).hexdigest()
    except OSError:
        return None
    return dict(record.get("params", {})) if same else None
