"""Exporting: executed notebooks into offline HTML (no code, no scripts, images embedded,
charts with alt text), files written atomically, and the index page of a build."""

from __future__ import annotations

import json
import os
import tempfile
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor

from ..core import config
from ..core.io import load_quality
from ..core.version import __version__
from .catalogue import KINDS
from .text import banner_key, both, label

if TYPE_CHECKING:
    from .record import BuiltReport

# Tag of notebook cells that the HTML export leaves out.
REMOVE_TAG = "remove-in-report"


def prepare_outputs(nb: nbformat.NotebookNode) -> None:
    """Drop stderr streams (warnings, progress bars) and give each chart an alt text.

    A chart drawn by the package carries its own alt text, written from the data it shows
    (:mod:`adoption.report.alt`); any other chart gets the heading shown above it, so a
    screen reader says at least what the chart is about.
    """
    heading = ""
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        kept = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                continue
            data = output.get("data", {})
            markdown = data.get("text/markdown", "")
            if markdown.lstrip().startswith("#"):
                heading = markdown.strip().splitlines()[0].lstrip("#").strip()
            if "image/png" in data:
                image = output.setdefault("metadata", {}).setdefault("image/png", {})
                image["alt"] = image.get("alt") or heading
            kept.append(output)
        cell.outputs = kept


_exporters = threading.local()  # one exporter a thread: its templates are loaded once


def _exporter() -> HTMLExporter:
    exporter = getattr(_exporters, "html", None)
    if exporter is None:
        exporter = HTMLExporter(
            template_name="adoption",
            extra_template_basedirs=[str(config.TEMPLATES_DIR)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            embed_images=True,
        )
        # Cells tagged for notebook readers only (an introduction for researchers) stay out.
        exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={REMOVE_TAG}), enabled=True)
        _exporters.html = exporter
    return exporter


def export_html(nb: nbformat.NotebookNode, lang: str) -> str:
    """Self-contained HTML of an executed notebook: no code, images embedded, no scripts."""
    body, _ = _exporter().from_notebook_node(nb, resources={"language_code": lang})
    return body


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to a hidden temporary file beside ``path``, then move it into place.

    If writing fails (a full disk, say), the temporary file is removed and ``path`` keeps
    its previous content.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", delete=False)
    try:
        with handle:
            handle.write(text)
        os.chmod(handle.name, 0o644)
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def write_index(reports: list["BuiltReport"], *, reports_dir: Path, processed_dir: Path) -> Path:
    """Write ``reports_dir/index.html`` linking every report of the build."""
    quality = load_quality(processed_dir)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(config.TEMPLATES_DIR)), autoescape=True)
    rows = [
        {
            "title": r.spec.title(r.params.get("lang", "vi"), quality, r.params),
            "href": r.html.relative_to(reports_dir).as_posix() if r.html.is_relative_to(reports_dir) else r.html.name,
            "extract": r.html.parent.name if r.html.parent != reports_dir else "",
            "lang": r.params.get("lang", ""),
            "params": json.dumps(r.params, ensure_ascii=False),
            "ok": r.ok,
            "unavailable": " / ".join(r.unavailable(lang) for lang in ("vi", "en")) if r.missing else "",
            "error": r.error.splitlines()[0] if r.error else "",
            "notebook": r.notebook.relative_to(reports_dir).as_posix() if not r.ok and r.notebook and r.notebook.is_file()
            and r.notebook.is_relative_to(reports_dir) else "",
            "built_at": f"{r.built_at} · {both('index_stale')}" if r.stale else r.built_at,
            "kind": getattr(r.spec, "kind", "province"),
        }
        for r in reports
    ]
    # Reports of one folder grouped by kind; those of a series' extracts (a sub-folder
    # each), after them, one group an extract, the latest first.
    here = [row for row in rows if not row["extract"]]
    groups = [{"heading": both(f"index_kind_{kind}"), "reports": [row for row in here if row["kind"] == kind]}
              for kind in sorted({row["kind"] for row in here}, key=lambda k: KINDS.index(k) if k in KINDS else len(KINDS))]
    groups += [{"heading": f"{both('trend_extract')}: {day}", "reports": [row for row in rows if row["extract"] == day]}
               for day in sorted({row["extract"] for row in rows if row["extract"]}, reverse=True)]
    page = env.get_template("index.html.j2").render(
        lang="vi",
        heading=both("index_heading"),
        columns=[both(key) for key in ("index_report", "index_language", "index_parameters", "index_status")],
        not_built=both("index_not_built"),
        failed=both("index_failed"),
        failed_notebook=both("index_failed_notebook"),
        synthetic=bool(quality.get("synthetic")),
        banners=[label(banner_key(quality), lang) for lang in ("vi", "en")],
        groups=groups,
        version=__version__,
        built_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        input_hash_label=both("index_input_hash"),
        input_hash=quality.get("input_hash", ""),
    )
    index = reports_dir / "index.html"
    write_atomic(index, page)
    return index


