"""Reports: run the parameterized notebooks with papermill and export offline HTML.

Parameters are checked before a kernel starts. Each output file is written to a temporary
name and moved into place, so a failed or interrupted build never leaves half a report;
one failing report does not stop the others.
"""

from __future__ import annotations

import json
import multiprocessing
import logging
import os
import sys
import tempfile
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import jinja2
import nbformat
import papermill as pm
from jupyter_client.kernelspec import KernelSpecManager
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor

from . import __version__, config
from .dataset import load_clean
from .errors import ParameterError, ReportError
from .metrics import resolve_district
from .present import LABELS, check_lang

log = logging.getLogger(__name__)

# Tag of notebook cells that the HTML export leaves out.
REMOVE_TAG = "remove-in-report"


@dataclass(frozen=True)
class ReportSpec:
    """One notebook of the catalogue and the grid of parameters it is built over."""

    name: str
    notebook: str
    titles: dict[str, str]
    grid: tuple[dict, ...]


CATALOGUE: tuple[ReportSpec, ...] = (
    ReportSpec(
        name="adoption-overview",
        notebook="01-adoption-overview.ipynb",
        titles={"vi": LABELS["vi"]["report_title"], "en": LABELS["en"]["report_title"]},
        grid=({"lang": "vi"}, {"lang": "en"}),
    ),
    ReportSpec(
        name="digital-intensity",
        notebook="02-digital-intensity.ipynb",
        titles={"vi": LABELS["vi"]["intensity_title"], "en": LABELS["en"]["intensity_title"]},
        grid=({"lang": "vi"}, {"lang": "en"}),
    ),
    ReportSpec(
        name="ict-sector",
        notebook="03-ict-sector.ipynb",
        titles={"vi": LABELS["vi"]["ict_title"], "en": LABELS["en"]["ict_title"]},
        grid=({"lang": "vi"}, {"lang": "en"}),
    ),
    ReportSpec(
        name="workforce-training",
        notebook="04-workforce-training.ipynb",
        titles={"vi": LABELS["vi"]["workforce_title"], "en": LABELS["en"]["workforce_title"]},
        grid=({"lang": "vi"}, {"lang": "en"}),
    ),
)

FOOTER_LABELS = {
    "vi": {"params": "Tham số", "input_hash": "Mã băm dữ liệu đầu vào (SHA-256)", "version": "Phiên bản adoption",
           "built_at": "Thời điểm lập", "data": "Dữ liệu", "synthetic": "tổng hợp (mô phỏng)", "real": "sổ đăng ký"},
    "en": {"params": "Parameters", "input_hash": "Input data hash (SHA-256)", "version": "adoption version",
           "built_at": "Built at", "data": "Data", "synthetic": "synthetic", "real": "register"},
}


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


@dataclass
class BuildResult:
    """All reports of a build and the index page."""

    index: Path
    reports: list[BuiltReport] = field(default_factory=list)

    @property
    def failed(self) -> list[BuiltReport]:
        return [r for r in self.reports if not r.ok]


def find_spec(name: str) -> ReportSpec:
    """The catalogue entry called ``name`` (report name or notebook file name)."""
    for spec in CATALOGUE:
        if name in (spec.name, spec.notebook, Path(spec.notebook).stem):
            return spec
    names = ", ".join(s.name for s in CATALOGUE)
    raise ParameterError(f"no report called {name!r}; reports: {names}")


def notebook_parameters(notebook: Path) -> dict[str, dict]:
    """The parameters a notebook declares: name -> default, type and help comment."""
    return pm.inspect_notebook(str(notebook))


def check_parameters(notebook: Path, params: dict) -> dict:
    """Refuse unknown parameter names and invalid values before any kernel starts.

    Returns the parameters with ``district`` resolved to its GSO code.
    """
    declared = notebook_parameters(notebook)
    unknown = sorted(set(params) - set(declared))
    if unknown:
        raise ParameterError(
            f"{notebook.name}: unknown parameter(s) {', '.join(unknown)}; valid parameters: {', '.join(declared)}"
        )
    checked = dict(params)
    if "lang" in checked:
        check_lang(checked["lang"])
    if "district" in checked:
        checked["district"] = resolve_district(checked["district"])
    return checked


def _kernel_name() -> str:
    # Prefer the kernel `make` registers inside this environment over any same-named
    # kernel registered by another checkout in the user's Jupyter folders.
    env_path = str(Path(sys.prefix) / "share" / "jupyter")
    current = os.environ.get("JUPYTER_PATH", "")
    if env_path not in current.split(os.pathsep):
        os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in (env_path, current) if p)
    specs = KernelSpecManager().find_kernel_specs()
    return config.KERNEL_NAME if config.KERNEL_NAME in specs else "python3"


def _slug(params: dict) -> str:
    parts = [str(v) for k, v in sorted(params.items()) if v is not None and k != "processed_dir"]
    return ".".join(parts) if parts else "default"


def _prepare_outputs(nb: nbformat.NotebookNode) -> None:
    """Drop stderr streams (warnings, progress bars) and give each chart an alt text.

    A chart's alt text is the heading shown above it, so a screen reader says what the
    chart is about.
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
                output.setdefault("metadata", {}).setdefault("image/png", {})["alt"] = heading
            kept.append(output)
        cell.outputs = kept


def export_html(nb: nbformat.NotebookNode, lang: str) -> str:
    """Self-contained HTML of an executed notebook: no code, images embedded, no scripts."""
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
    body, _ = exporter.from_notebook_node(nb, resources={"language_code": lang})
    return body


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", delete=False) as handle:
        handle.write(text)
    os.chmod(handle.name, 0o644)
    os.replace(handle.name, path)


def run_report(
    spec: ReportSpec,
    params: dict,
    *,
    processed_dir: Path = config.PROCESSED_DIR,
    reports_dir: Path = config.REPORTS_DIR,
) -> BuiltReport:
    """Execute one notebook with ``params`` and export its HTML into ``reports_dir``."""
    notebook = config.NOTEBOOKS_DIR / spec.notebook
    checked = check_parameters(notebook, params)
    lang = checked.get("lang", "vi")
    data = load_clean(processed_dir)
    slug = _slug(checked)
    html_path = reports_dir / f"{spec.name}.{slug}.html"
    executed_path = reports_dir / "notebooks" / f"{spec.name}.{slug}.ipynb"
    executed_path.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="adoption-run-") as tmp:
        out = Path(tmp) / spec.notebook
        pm.execute_notebook(
            str(notebook), str(out),
            parameters={**checked, "processed_dir": str(processed_dir)},
            kernel_name=_kernel_name(), cwd=str(config.NOTEBOOKS_DIR),
            progress_bar=False, log_output=False, report_mode=False,
        )
        nb = nbformat.read(out, as_version=4)
    built_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    words = FOOTER_LABELS[lang]
    shown_params = {k: v for k, v in checked.items()}
    nb.metadata["title"] = spec.titles[lang]
    nb.metadata["adoption"] = {
        "report": spec.name,
        "params": shown_params,
        "input_hash": data.input_hash,
        "synthetic": data.synthetic,
        "package_version": __version__,
        "built_at": built_at,
        "footer": [
            (words["params"], json.dumps(shown_params, ensure_ascii=False)),
            (words["data"], words["synthetic"] if data.synthetic else words["real"]),
            (words["input_hash"], data.input_hash),
            (words["version"], __version__),
            (words["built_at"], built_at),
        ],
    }
    _prepare_outputs(nb)
    _write_atomic(executed_path, nbformat.writes(nb))
    _write_atomic(html_path, export_html(nb, lang))
    return BuiltReport(spec=spec, params=checked, html=html_path, ok=True,
                       seconds=time.monotonic() - started, built_at=built_at)


def write_index(reports: list[BuiltReport], *, reports_dir: Path, processed_dir: Path) -> Path:
    """Write ``reports_dir/index.html`` linking every report of the build."""
    data = load_clean(processed_dir)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(config.TEMPLATES_DIR)), autoescape=True)
    rows = [
        {
            "title": r.spec.titles.get(r.params.get("lang", "vi"), r.spec.name),
            "href": r.html.name,
            "lang": r.params.get("lang", ""),
            "params": json.dumps(r.params, ensure_ascii=False),
            "ok": r.ok,
            "error": r.error,
            "built_at": r.built_at,
        }
        for r in reports
    ]
    page = env.get_template("index.html.j2").render(
        lang="vi",
        heading="Báo cáo chuyển đổi số doanh nghiệp · Enterprise digital adoption reports",
        synthetic=data.synthetic,
        banner_vi=LABELS["vi"]["synthetic_banner"],
        banner_en=LABELS["en"]["synthetic_banner"],
        reports=rows,
        version=__version__,
        built_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        input_hash=data.input_hash,
    )
    index = reports_dir / "index.html"
    _write_atomic(index, page)
    return index


def build(
    *,
    processed_dir: Path = config.PROCESSED_DIR,
    reports_dir: Path = config.REPORTS_DIR,
    only: list[str] | None = None,
    jobs_limit: int | None = None,
) -> BuildResult:
    """Build every report of the catalogue over its grid, then the index page.

    Reports run in parallel, one process each, as many at a time as ``jobs_limit`` (default:
    the number of cores). A failing report is logged with its error and the build goes on;
    the caller decides the exit code from :attr:`BuildResult.failed`.
    """
    specs = [find_spec(name) for name in only] if only else list(CATALOGUE)
    jobs = [(spec, params) for spec in specs for params in spec.grid]
    for spec, params in jobs:
        check_parameters(config.NOTEBOOKS_DIR / spec.notebook, params)
    load_clean(processed_dir)  # fail early, with a clear message, when there are no clean data
    workers = max(1, min(jobs_limit or os.cpu_count() or 1, len(jobs)))
    results: list[BuiltReport | None] = [None] * len(jobs)
    log.info("building %d reports, %d at a time", len(jobs), workers)

    def record(number: int, done: int, run) -> None:
        spec, params = jobs[number]
        try:
            built = run()
            log.info("[%d/%d] wrote %s (%.1f s)", done, len(jobs), built.html.name, built.seconds)
        except Exception as exc:  # keep going past a failing report; report it at the end
            log.error("[%d/%d] %s %s failed: %s", done, len(jobs), spec.name, json.dumps(params, ensure_ascii=False), exc)
            built = BuiltReport(spec=spec, params=params, html=reports_dir / f"{spec.name}.{_slug(params)}.html",
                                ok=False, error=f"{exc.__class__.__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
        results[number] = built

    if workers == 1:
        for number, (spec, params) in enumerate(jobs):
            record(number, number + 1, lambda: run_report(spec, params, processed_dir=processed_dir, reports_dir=reports_dir))
    else:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = {
                pool.submit(run_report, spec, params, processed_dir=processed_dir, reports_dir=reports_dir): number
                for number, (spec, params) in enumerate(jobs)
            }
            for done, future in enumerate(as_completed(futures), start=1):
                record(futures[future], done, future.result)
    finished = [r for r in results if r is not None]
    index = write_index(finished, reports_dir=reports_dir, processed_dir=processed_dir)
    return BuildResult(index=index, reports=finished)


def raise_for_failures(result: BuildResult) -> None:
    """Raise :class:`ReportError` naming every failed report of ``result``."""
    if result.failed:
        names = "; ".join(f"{r.spec.name} {r.params}: {r.error}" for r in result.failed)
        raise ReportError(f"{len(result.failed)} of {len(result.reports)} reports failed: {names}")
