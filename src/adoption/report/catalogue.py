"""The report catalogue: each report's notebook, the grid of parameters it is built over,
the inputs it needs, and the check of parameters before any kernel starts.

The catalogue is a build file, ``notebooks/reports.toml``: one ``[[report]]`` block a
report (see that file for the keys). A researcher turns an exploration notebook into a
scheduled report by adding a block for it; :func:`load_catalogue` checks the file and
names the block and key of any mistake.
"""

from __future__ import annotations

import itertools
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..core import config
from ..core.errors import ParameterError
from .text import check_lang, has_label, label

BUILD_FILE = "reports.toml"
# How the index groups the reports.
KINDS = ("province", "district", "benchmark", "series")
# Inputs beside the register a report may declare it cannot do without.
# "series": two extracts or more (a folder of dated extracts), for reports across extracts.
# "national": clean data of the whole country (adoption clean --scope national).
# "districts": clean data whose scope holds Bình Dương, the one province whose districts,
# communes and 2025 wards the package knows (a report on any of them, or on the 2025 map).
OPTIONAL_INPUTS = ("platforms", "survey", "workforce", "series", "national", "districts")
_KEYS = {"name", "notebook", "title", "title_vi", "title_en", "needs", "kind", "grid", "data"}
# What a report's figures come from: the clean register (synthetic when it is), or
# published figures only (never synthetic, whatever the clean data are).
DATA_SOURCES = ("register", "published")


@dataclass(frozen=True)
class ReportSpec:
    """One notebook of the catalogue and the grid of parameters it is built over."""

    name: str
    notebook: str
    title_key: str  # key of its title in the text catalogue ("" when ``titles`` gives it)
    grid: tuple[dict, ...]
    needs: tuple[str, ...] = ()  # optional inputs the report cannot do without
    kind: str = "province"
    titles: tuple[tuple[str, str], ...] = ()  # (lang, title) given in the build file itself
    data: str = "register"  # one of DATA_SOURCES

    def title(self, lang: str, quality: dict | None = None, params: dict | None = None) -> str:
        """The report's title in ``lang``; on clean data of another scope than Bình Dương
        (``quality``) or for one province (``params["province"]``), naming that area where
        the text catalogue has the title's ``_area`` wording, as the report's heading does.

        >>> spec = ReportSpec("adoption-overview", "01.ipynb", "report_title", ({},))
        >>> spec.title("en"), spec.title("en", {"scope": {"code": "national"}})
        ('Enterprise digital adoption in Bình Dương: overview', 'Enterprise digital adoption in Viet Nam (63 provinces): overview')
        """
        if self.titles:
            return dict(self.titles)[lang]
        from ..core.scope import NATIONAL, parse_scope, recorded_scope

        province = (params or {}).get("province")
        area = parse_scope(province) if province else recorded_scope(quality or {})
        if (area.is_default and not province) or not has_label(f"{self.title_key}_area"):
            return label(self.title_key, lang)
        name = label("scope_national", lang) if area.code == NATIONAL else area.name
        return label(f"{self.title_key}_area", lang, area=name)


def expand(grid: dict[str, list]) -> tuple[dict, ...]:
    """Every combination of a grid's values, in the order the grid is written (the last
    key varies fastest).

    >>> expand({"district": ["718", "719"], "lang": ["vi", "en"]})[:3]
    ({'district': '718', 'lang': 'vi'}, {'district': '718', 'lang': 'en'}, {'district': '719', 'lang': 'vi'})
    >>> expand({})
    ({},)
    """
    keys = list(grid)
    return tuple(dict(zip(keys, values)) for values in itertools.product(*(grid[k] for k in keys)))


def load_catalogue(path: Path) -> tuple[ReportSpec, ...]:
    """The reports a build file lists, checked: known keys, a unique name, a notebook that
    exists beside the file, a title (a text key, or ``title_vi`` and ``title_en``), a grid
    of lists, known inputs and kinds. Raises :class:`ParameterError` naming the file, the
    report and the key."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ParameterError(f"{path}: no build file; it lists the reports to build (see README, 'Reports')") from None
    except tomllib.TOMLDecodeError as exc:
        raise ParameterError(f"{path}: not valid TOML ({exc})") from None
    blocks = data.get("report")
    if not isinstance(blocks, list) or not blocks or set(data) - {"report"}:
        raise ParameterError(f"{path}: expected [[report]] blocks and nothing else")
    specs, names = [], set()
    for number, block in enumerate(blocks, 1):
        where = f"{path}, report {number} ({block.get('name', 'no name')!r})"
        unknown = sorted(set(block) - _KEYS)
        if unknown:
            raise ParameterError(f"{where}: unknown key(s) {', '.join(unknown)}; valid keys: {', '.join(sorted(_KEYS))}")
        name, notebook = block.get("name"), block.get("notebook")
        if not isinstance(name, str) or not name or name in names:
            raise ParameterError(f"{where}: 'name' must be a name no other report has")
        names.add(name)
        if not isinstance(notebook, str) or not (path.parent / notebook).is_file():
            raise ParameterError(f"{where}: notebook {notebook!r} is not a file beside {path.name}")
        titles: tuple[tuple[str, str], ...] = ()
        if "title_vi" in block or "title_en" in block:
            if not all(isinstance(block.get(f"title_{lang}"), str) for lang in ("vi", "en")):
                raise ParameterError(f"{where}: give both title_vi and title_en")
            titles = (("vi", block["title_vi"]), ("en", block["title_en"]))
        elif isinstance(block.get("title"), str):
            try:
                label(block["title"], "vi")
            except KeyError:
                raise ParameterError(f"{where}: title {block['title']!r} is no key of the text catalogue; "
                                     "give title_vi and title_en instead") from None
        else:
            raise ParameterError(f"{where}: give a title (a text key) or title_vi and title_en")
        needs = block.get("needs", [])
        if not isinstance(needs, list) or set(needs) - set(OPTIONAL_INPUTS):
            raise ParameterError(f"{where}: 'needs' lists inputs among {', '.join(OPTIONAL_INPUTS)}")
        kind = block.get("kind", "province")
        if kind not in KINDS:
            raise ParameterError(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
        source = block.get("data", "register")
        if source not in DATA_SOURCES:
            raise ParameterError(f"{where}: data {source!r} is not one of {', '.join(DATA_SOURCES)}")
        grid = block.get("grid", {})
        if not isinstance(grid, dict) or not all(isinstance(v, list) and v for v in grid.values()):
            raise ParameterError(f"{where}: 'grid' maps each parameter to a list of its values, e.g. grid = {{ lang = [\"vi\", \"en\"] }}")
        specs.append(ReportSpec(name, notebook, block.get("title", ""), expand(grid), tuple(needs), kind, titles, source))
    return tuple(specs)


def build_file(notebooks_dir: Path | None = None) -> Path:
    """The build file of a notebooks folder (default: the project's)."""
    return Path(notebooks_dir or config.NOTEBOOKS_DIR) / BUILD_FILE


def default_catalogue(notebooks_dir: Path | None = None) -> tuple[ReportSpec, ...]:
    """The reports of the build file in ``notebooks_dir`` (default: the project's)."""
    return load_catalogue(build_file(notebooks_dir))


def find_spec(name: str, catalogue: tuple[ReportSpec, ...] | None = None) -> ReportSpec:
    """The catalogue entry called ``name`` (report name or notebook file name).

    >>> find_spec("03-ict-sector").name
    'ict-sector'
    """
    catalogue = default_catalogue() if catalogue is None else catalogue
    for spec in catalogue:
        if name in (spec.name, spec.notebook, Path(spec.notebook).stem):
            return spec
    names = ", ".join(s.name for s in catalogue)
    raise ParameterError(f"no report called {name!r}; reports: {names}")


def available_inputs(quality: dict) -> set[str]:
    """The raw inputs (register, platforms, survey, workforce) that gave at least one clean
    row, ``series`` for a folder of two extracts or more, ``national`` for clean data of
    the whole country, and ``districts`` for clean data whose scope holds Bình Dương.

    >>> sorted(available_inputs({"scope": {"code": "national"}})), sorted(available_inputs({"scope": {"code": "01"}}))
    (['districts', 'national'], [])
    """
    from ..core.scope import BINH_DUONG, NATIONAL, recorded_code  # read as recorded: no province lookup (pandas) here

    found = {info["table"] for info in quality.get("files", {}).values() if info.get("rows_kept", 0) > 0}
    code = recorded_code(quality)
    found |= {"series"} if len(quality.get("series", [])) >= 2 else set()
    found |= {"national"} if code == NATIONAL else set()
    return found | ({"districts"} if code in (NATIONAL, BINH_DUONG) else set())


def missing_inputs(spec: ReportSpec, available: set[str], params: dict | None = None) -> list[str]:
    """The optional inputs a report needs that the clean data lack (data/raw/<name>/ was
    empty); a report on the 2025 map (``params``) needs ``districts`` besides.

    >>> spec = ReportSpec("x", "x.ipynb", "", ({},), needs=("platforms",))
    >>> missing_inputs(spec, {"platforms"}, {"map": "2025"}), missing_inputs(spec, set(), {"map": "2023"})
    (['districts'], ['platforms'])
    """
    needs = list(spec.needs)
    if (params or {}).get("map") == "2025" and "districts" not in needs:
        needs.insert(0, "districts")  # the 2025 map's units are former Bình Dương's
    return [name for name in needs if name not in available]


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

    Returns the parameters with ``district`` resolved to its code on the report's ``map``
    (the 2023 map unless ``map`` is given).
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
    if "map" in checked or "district" in checked:
        from ..metrics.maps import DEFAULT_MAP, check_map, resolve_unit

        if "map" in checked:
            checked["map"] = check_map(checked["map"])
        if "district" in checked:
            checked["district"] = resolve_unit(checked["district"], checked.get("map", DEFAULT_MAP))
    if "classification" in checked:
        from ..metrics.sectors import sector_columns

        sector_columns(checked["classification"])
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
