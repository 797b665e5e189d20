"""Reports: run the parameterized notebooks with papermill and export offline HTML.

Parameters are checked before a kernel starts. Each output file is written to a temporary
name and moved into place, so a failed or interrupted build never leaves half a report;
one failing report does not stop the others.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import logging
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

import jinja2
import nbformat
import papermill as pm
from jupyter_client.kernelspec import KernelSpecManager
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor

from . import __version__, config
from .dataset import load_quality
from .errors import ParameterError
from .metrics import resolve_district
from .present import LABELS, LANGUAGES, check_lang

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
    needs: tuple[str, ...] = ()  # optional inputs the report cannot do without


# Every report is built once per language.
LANGUAGE_GRID = tuple({"lang": lang} for lang in LANGUAGES)

# (report name, notebook, label key of its title, optional inputs it needs).
_REPORTS = (
    ("adoption-overview", "01-adoption-overview.ipynb", "report_title", ("platforms",)),
    ("digital-intensity", "02-digital-intensity.ipynb", "intensity_title", ("survey",)),
    ("ict-sector", "03-ict-sector.ipynb", "ict_title", ()),
    ("workforce-training", "04-workforce-training.ipynb", "workforce_title", ("workforce",)),
)
CATALOGUE: tuple[ReportSpec, ...] = tuple(
    ReportSpec(name=name, notebook=notebook, titles={lang: LABELS[lang][key] for lang in LANGUAGES}, grid=LANGUAGE_GRID,
               needs=needs)
    for name, notebook, key, needs in _REPORTS
)


def available_inputs(quality: dict) -> set[str]:
    """The raw inputs (register, platforms, survey, workforce) that gave at least one clean row."""
    return {info["table"] for info in quality.get("files", {}).values() if info.get("rows_kept", 0) > 0}


def missing_inputs(spec: ReportSpec, available: set[str]) -> list[str]:
    """The optional inputs a report needs that the clean data lack (data/raw/<name>/ was empty)."""
    return [name for name in spec.needs if name not in available]

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
    skipped: bool = False  # up to date: same notebook, data, code and parameters as last time
    unavailable: str = ""  # why the report was not built (its input is missing)


@lru_cache(maxsize=1)
def _code_hash() -> str:
    """Hash of the package's code and templates: a change to either rebuilds every report."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(config.PACKAGE_DIR.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".j2", ".json", ".csv"):
            digest.update(path.relative_to(config.PACKAGE_DIR).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def fingerprint(spec: ReportSpec, params: dict, input_hash: str) -> str:
    """What a report depends on: its notebook, parameters, the input data and the code."""
    digest = hashlib.sha256()
    digest.update((config.NOTEBOOKS_DIR / spec.notebook).read_bytes())
    digest.update(json.dumps(params, sort_keys=True, ensure_ascii=False).encode())
    digest.update(input_hash.encode())
    digest.update(_code_hash().encode())
    return digest.hexdigest()


def _previous(spec: ReportSpec, params: dict, reports_dir: Path) -> dict:
    """Metadata of the last build of this report, or {} when there is none."""
    slug = _slug(params)
    html_path = reports_dir / f"{spec.name}.{slug}.html"
    executed = reports_dir / "notebooks" / f"{spec.name}.{slug}.ipynb"
    if not (html_path.is_file() and executed.is_file()):
        return {}
    try:
        return dict(nbformat.read(executed, as_version=4).metadata.get("adoption", {}))
    except Exception:  # an unreadable old notebook only means the report is rebuilt
        return {}


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
    quality = load_quality(processed_dir)  # provenance only: the notebook loads the tables itself
    input_hash, synthetic = quality.get("input_hash", ""), bool(quality.get("synthetic"))
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
        "fingerprint": fingerprint(spec, checked, input_hash),
        "params": shown_params,
        "input_hash": input_hash,
        "synthetic": synthetic,
        "package_version": __version__,
        "built_at": built_at,
        "footer": [
            (words["params"], json.dumps(shown_params, ensure_ascii=False)),
            (words["data"], words["synthetic"] if synthetic else words["real"]),
            (words["input_hash"], input_hash),
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
    quality = load_quality(processed_dir)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(config.TEMPLATES_DIR)), autoescape=True)
    rows = [
        {
            "title": r.spec.titles.get(r.params.get("lang", "vi"), r.spec.name),
            "href": r.html.name,
            "lang": r.params.get("lang", ""),
            "params": json.dumps(r.params, ensure_ascii=False),
            "ok": r.ok,
            "unavailable": r.unavailable,
            "error": r.error,
            "built_at": r.built_at,
        }
        for r in reports
    ]
    page = env.get_template("index.html.j2").render(
        lang="vi",
        heading="Báo cáo chuyển đổi số doanh nghiệp · Enterprise digital adoption reports",
        synthetic=bool(quality.get("synthetic")),
        banner_vi=LABELS["vi"]["synthetic_banner"],
        banner_en=LABELS["en"]["synthetic_banner"],
        reports=rows,
        version=__version__,
        built_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        input_hash=quality.get("input_hash", ""),
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
    force: bool = False,
) -> BuildResult:
    """Build every report of the catalogue over its grid, then the index page.

    A report whose notebook, parameters, input data and package code are those of its last
    build is skipped unless ``force``. The others run in parallel, one process each, as
    many at a time as ``jobs_limit`` (default: the number of cores). A failing report is
    logged with its error and the build goes on; the caller decides the exit code from
    :attr:`BuildResult.failed`.
    """
    specs = [find_spec(name) for name in only] if only else list(CATALOGUE)
    # Parameters are checked once, before any kernel starts.
    jobs = [(spec, check_parameters(config.NOTEBOOKS_DIR / spec.notebook, params)) for spec in specs for params in spec.grid]
    quality = load_quality(processed_dir)  # fail early, with a clear message, when there are no clean data
    results: list[BuiltReport | None] = [None] * len(jobs)
    available = available_inputs(quality)
    for number, (spec, params) in enumerate(jobs):
        missing = missing_inputs(spec, available)
        if missing:
            folders = ", ".join(f"data/raw/{name}/" for name in missing)
            results[number] = BuiltReport(spec=spec, params=params, ok=True, unavailable=f"no input in {folders}",
                                          html=reports_dir / f"{spec.name}.{_slug(params)}.html")
            log.warning("%s not built: no input in %s", results[number].html.name, folders)
    if not force:
        for number, (spec, params) in enumerate(jobs):
            if results[number] is not None:
                continue
            before = _previous(spec, params, reports_dir)
            if before.get("fingerprint") == fingerprint(spec, params, quality.get("input_hash", "")):
                results[number] = BuiltReport(spec=spec, params=params, ok=True, skipped=True, built_at=before.get("built_at", ""),
                                              html=reports_dir / f"{spec.name}.{_slug(params)}.html")
                log.info("%s is up to date", results[number].html.name)
    todo = [number for number, result in enumerate(results) if result is None]
    workers = max(1, min(jobs_limit or os.cpu_count() or 1, len(todo) or 1))
    log.info("building %d of %d reports, %d at a time", len(todo), len(jobs), workers)

    def record(number: int, done: int, run) -> None:
        spec, params = jobs[number]
        try:
            built = run()
            log.info("[%d/%d] wrote %s (%.1f s)", done, len(todo), built.html.name, built.seconds)
        except Exception as exc:  # keep going past a failing report; report it at the end
            log.error("[%d/%d] %s %s failed: %s", done, len(todo), spec.name, json.dumps(params, ensure_ascii=False), exc)
            built = BuiltReport(spec=spec, params=params, html=reports_dir / f"{spec.name}.{_slug(params)}.html",
                                ok=False, error=f"{exc.__class__.__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
        results[number] = built

    if workers == 1:
        for done, number in enumerate(todo, start=1):
            spec, params = jobs[number]
            record(number, done, lambda: run_report(spec, params, processed_dir=processed_dir, reports_dir=reports_dir))
    elif todo:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = {
                pool.submit(run_report, *jobs[number], processed_dir=processed_dir, reports_dir=reports_dir): number
                for number in todo
            }
            for done, future in enumerate(as_completed(futures), start=1):
                record(futures[future], done, future.result)
    finished = [r for r in results if r is not None]
    index = write_index(finished, reports_dir=reports_dir, processed_dir=processed_dir)
    return BuildResult(index=index, reports=finished)
