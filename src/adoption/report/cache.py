"""Incremental builds: a report whose notebook, parameters, input data and package code are
those of its last build is kept as it is."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import nbformat

from ..core.version import code_hash
from .catalogue import ReportSpec, output_paths


def fingerprint(notebook: Path, params: dict, input_hash: str) -> str:
    """What a report depends on: its notebook, parameters, the input data and the code."""
    digest = hashlib.sha256()
    digest.update(Path(notebook).read_bytes())
    digest.update(json.dumps(params, sort_keys=True, ensure_ascii=False).encode())
    digest.update(input_hash.encode())
    digest.update(code_hash().encode())
    return digest.hexdigest()


def previous_build(spec: ReportSpec, params: dict, reports_dir: Path) -> dict:
    """Metadata of the last build of this report, or {} when there is none."""
    html_path, executed = output_paths(spec, params, reports_dir)
    if not (html_path.is_file() and executed.is_file()):
        return {}
    try:
        return dict(nbformat.read(executed, as_version=4).metadata.get("adoption", {}))
    except Exception:  # an unreadable old notebook only means the report is rebuilt
        return {}
