"""The report catalogue: each report's notebook, the grid of parameters it is built over,
the inputs it needs, and the check of parameters before any kernel starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..core import config
from ..core.errors import ParameterError
from .text import LANGUAGES, check_lang, label


@dataclass(frozen=True)
class ReportSpec:
    """One notebook of the catalogue and the grid of parameters it is built over."""

    name: str
    notebook: str
    title_key: str  # key of its title in the text catalogue
    grid: tuple[dict, ...]
    needs: tuple[str, ...] = ()  # optional inputs the report cannot do without

    def title(self, lang: str) -> str:
        """The report's title in ``lang``."""
        return label(self.title_key, lang)


# Every report is built once per language.
LANGUAGE_GRID = tuple({"lang": lang} for lang in LANGUAGES)

CATALOGUE: tuple[ReportSpec, ...] = (
    ReportSpec("adoption-overview", "01-adoption-overview.ipynb", "report_title", LANGUAGE_GRID, ("platforms",)),
    ReportSpec("digital-intensity", "02-digital-intensity.ipynb", "intensity_title", LANGUAGE_GRID, ("survey",)),
    ReportSpec("ict-sector", "03-ict-sector.ipynb", "ict_title", LANGUAGE_GRID),
    ReportSpec("workforce-training", "04-workforce-training.ipynb", "workforce_title", LANGUAGE_GRID, ("workforce",)),
)


def find_spec(name: str, catalogue: tuple[ReportSpec, ...] = CATALOGUE) -> ReportSpec:
    """The catalogue entry called ``name`` (report name or notebook file name).

    >>> find_spec("03-ict-sector").name
    'ict-sector'
    """
    for spec in catalogue:
        if name in (spec.name, spec.notebook, Path(spec.notebook).stem):
            return spec
    names = ", ".join(s.name for s in catalogue)
    raise ParameterError(f"no report called {name!r}; reports: {names}")


def available_inputs(quality: dict) -> set[str]:
    """The raw inputs (register, platforms, survey, workforce) that gave at least one clean row."""
    return {info["table"] for info in quality.get("files", {}).values() if info.get("rows_kept", 0) > 0}


def missing_inputs(spec: ReportSpec, available: set[str]) -> list[str]:
    """The optional inputs a report needs that the clean data lack (data/raw/<name>/ was empty)."""
    return [name for name in spec.needs if name not in available]


def notebook_parameters(notebook: Path) -> dict[str, dict]:
    """The parameters a notebook declares: name -> default, type and help comment."""
    import papermill as pm  # imported here: a build with nothing to do never needs it

    try:
        return pm.inspect_notebook(str(notebook))
    except FileNotFoundError:
        raise ParameterError(f"{notebook}: no such notebook") from None
    except Exception as exc:  # nbformat raises several types for a file that is not a notebook
        raise ParameterError(f"{notebook}: not a readable notebook ({exc.__class__.__name__})") from None


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
        from ..metrics.scope import resolve_district

        checked["district"] = resolve_district(checked["district"])
    return checked


def slug(params: dict) -> str:
    """The part of a report's file name that its parameters make (``vi``, ``718.vi``).

    >>> slug({"lang": "en", "district": None, "processed_dir": "/tmp/x"})
    'en'
    """
    parts = [str(v) for k, v in sorted(params.items()) if v is not None and k != "processed_dir"]
    return ".".join(parts) if parts else "default"


def output_paths(spec: ReportSpec, params: dict, reports_dir: Path) -> tuple[Path, Path]:
    """Where a report's HTML and its executed notebook go."""
    name = f"{spec.name}.{slug(params)}"
    return reports_dir / f"{name}.html", reports_dir / "notebooks" / f"{name}.ipynb"


def notebook_path(spec: ReportSpec, notebooks_dir: Path | None = None) -> Path:
    """The notebook of a report (in the project's notebooks/ or the installed package)."""
    return Path(notebooks_dir or config.NOTEBOOKS_DIR) / spec.notebook
