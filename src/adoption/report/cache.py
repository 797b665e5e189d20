"""Incremental builds: a report whose notebook, parameters, input data and package code are
those of its last build is kept as it is (its provenance record, :mod:`.record`, says so)."""

from __future__ import annotations

from pathlib import Path

from .catalogue import ReportSpec, output_paths
from .record import fingerprint, read_record

__all__ = ["fingerprint", "previous_build"]


def previous_build(spec: ReportSpec, params: dict, reports_dir: Path) -> dict:
    """The provenance record of the last successful build of this report whose HTML is
    still there, or {} when there is none."""
    html_path, _ = output_paths(spec, params, reports_dir)
    record = read_record(html_path) if html_path.is_file() else {}
    return record if record.get("status") == "ok" else {}
