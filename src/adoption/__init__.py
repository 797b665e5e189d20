"""adoption: enterprise digital adoption and digital workforce reports.

The public API, for notebooks and scripts::

    import adoption as ad
    data = ad.load_clean()                 # the clean tables of data/processed/
    ad.headline(data.enterprises)           # firms, adopters, adoption rate, ...
    ad.adoption_by(data.enterprises, "district")
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("adoption")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

from .clean import clean_folder
from .dataset import CleanData, load_clean
from .disclosure import protect
from .metrics import (
    DIMENSIONS,
    adoption_by,
    adoption_by_platform,
    adoption_over_time,
    cohort,
    compare_published,
    headline,
    ict_sector,
    in_scope,
    resolve_district,
)
from . import intensity, workforce
from .plots import plot_adoption_by, plot_adoption_over_time, plot_shares
from .present import (
    adoption_table,
    banner,
    comparison_table,
    disclosure_note,
    heading,
    headline_table,
    metric_table,
    note,
    platform_table,
    sources,
    title,
)
from .synth import write_synthetic

__all__ = [
    "CleanData",
    "DIMENSIONS",
    "adoption_by",
    "adoption_by_platform",
    "adoption_over_time",
    "adoption_table",
    "cohort",
    "disclosure_note",
    "ict_sector",
    "intensity",
    "metric_table",
    "plot_shares",
    "workforce",
    "plot_adoption_over_time",
    "platform_table",
    "protect",
    "banner",
    "clean_folder",
    "compare_published",
    "comparison_table",
    "heading",
    "headline",
    "headline_table",
    "in_scope",
    "load_clean",
    "note",
    "plot_adoption_by",
    "resolve_district",
    "sources",
    "title",
    "write_synthetic",
]
