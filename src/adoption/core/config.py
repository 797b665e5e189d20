"""Every path and setting the pipeline uses, built once.

Two kinds of location:

* what ships inside the package (reference data, report notebooks, HTML templates):
  found next to the code, wherever the package is installed;
* the project's working folders (``data/raw``, ``data/processed``, ``reports``): in the
  project root, which is ``ADOPTION_ROOT`` when set, else the checkout the package was
  installed from in development mode (``pip install -e .``), else the current working
  directory. Every command accepts explicit folders, so an installed wheel works from
  anywhere.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]


def _project_root() -> tuple[Path, bool]:
    """The project root, and whether it is a project (a checkout or ADOPTION_ROOT)."""
    if os.environ.get("ADOPTION_ROOT"):
        return Path(os.environ["ADOPTION_ROOT"]).resolve(), True
    checkout = PACKAGE_DIR.parents[1]  # src/adoption -> the checkout
    if (checkout / "pyproject.toml").is_file() and (checkout / "src" / "adoption").is_dir():
        return checkout, True
    return Path.cwd().resolve(), False


PROJ_ROOT, _IN_PROJECT = _project_root()

# How `adoption clean` may run (adoption.clean.engine): every table in memory, in parts
# here, or in parts on a Dask cluster. Named here so that the CLI checks it unloaded.
ENGINES = ("memory", "chunked", "dask")
DATA_DIR = PROJ_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
PROCESSED_DIR = DATA_DIR / "processed"
REPORTS_DIR = PROJ_ROOT / "reports"

# Shipped with the package.
REFERENCE_DIR = PACKAGE_DIR / "core" / "reference_data"
TEMPLATES_DIR = PACKAGE_DIR / "report" / "templates"
# The report notebooks: the project's notebooks/ (where researchers open and edit them),
# else the copy an installed wheel carries.
PACKAGED_NOTEBOOKS_DIR = PACKAGE_DIR / "report" / "notebooks"
NOTEBOOKS_DIR = PROJ_ROOT / "notebooks" if _IN_PROJECT and (PROJ_ROOT / "notebooks").is_dir() else PACKAGED_NOTEBOOKS_DIR

# Sub-folders of a raw folder: one per kind of input (README, "Your own register").
RAW_SOURCES = ("register", "platforms", "survey", "workforce")

# File names of the clean outputs.
ENTERPRISES_FILE = "enterprises.parquet"
PLATFORMS_FILE = "platforms.parquet"
SURVEY_FILE = "survey.parquet"
WORKFORCE_FILE = "workforce.parquet"
EXTRAS_FILE = "extra_columns.parquet"
REJECTS_FILE = "rejects.csv"
MERGES_FILE = "merges.csv"
QUALITY_FILE = "quality.json"
OUTPUT_FILES = (ENTERPRISES_FILE, PLATFORMS_FILE, SURVEY_FILE, WORKFORCE_FILE, EXTRAS_FILE, REJECTS_FILE, MERGES_FILE,
                QUALITY_FILE)

# Marker the generator writes at the root of a raw folder it filled.
SYNTHETIC_MANIFEST = "SYNTHETIC.json"

# Kernel registered by `make` for the project's environment.
KERNEL_NAME = "adoption"

# Reference year of the default data and the published figures.
REFERENCE_YEAR = 2023
