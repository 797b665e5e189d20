"""Every path and setting the pipeline uses, built once from the project root.

The project root is the checkout the package was installed from (``pip install -e .``).
Set ``ADOPTION_ROOT`` to point the package at another checkout-like folder.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJ_ROOT = Path(os.environ.get("ADOPTION_ROOT") or PACKAGE_DIR.parents[1]).resolve()

DATA_DIR = PROJ_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
PROCESSED_DIR = DATA_DIR / "processed"
EXTERNAL_DIR = DATA_DIR / "external"
REPORTS_DIR = PROJ_ROOT / "reports"
NOTEBOOKS_DIR = PROJ_ROOT / "notebooks"
TEMPLATES_DIR = PACKAGE_DIR / "templates"

# Sub-folders of a raw folder (see data-contract "Raw inputs").
RAW_SOURCES = ("register", "platforms", "survey", "workforce")

# File names of the clean outputs.
ENTERPRISES_FILE = "enterprises.parquet"
PLATFORMS_FILE = "platforms.parquet"
SURVEY_FILE = "survey.parquet"
WORKFORCE_FILE = "workforce.parquet"
REJECTS_FILE = "rejects.csv"
MERGES_FILE = "merges.csv"
QUALITY_FILE = "quality.json"

# Marker the generator writes at the root of a raw folder it filled.
SYNTHETIC_MANIFEST = "SYNTHETIC.json"

# Kernel registered by `make` for the project's environment.
KERNEL_NAME = "adoption"

# Reference year of the default data and the published figures.
REFERENCE_YEAR = 2023
