"""adoption: enterprise digital adoption and digital workforce reports.

The pipeline runs one way, one sub-package a stage::

    synth  ->  clean  ->  metrics  ->  report        (cli on top, core underneath)

The public API, for notebooks and scripts::

    import adoption as ad
    data = ad.load_clean()                 # the clean tables of data/processed/
    ad.headline(ad.in_scope(data.enterprises))
    ad.adoption_by(data.enterprises, "district")

Names are loaded on first use, so ``import adoption.clean`` (or ``adoption`` itself)
does not pull in the reporting stack (matplotlib, IPython, jinja2, nbconvert).
"""

from __future__ import annotations

from importlib import import_module

from .core.version import __version__

# Public name -> module that defines it.
_API = {
    "BINH_DUONG": "adoption.core.scope",
    "CleanData": "adoption.core.io",
    "load_clean": "adoption.core.io",
    "clean_folder": "adoption.clean.pipeline",
    "write_synthetic": "adoption.synth",
    "DIMENSIONS": "adoption.metrics.adoption",
    "adoption_by": "adoption.metrics.adoption",
    "adoption_by_platform": "adoption.metrics.adoption",
    "adoption_over_time": "adoption.metrics.adoption",
    "cohort": "adoption.metrics.adoption",
    "compare_published": "adoption.metrics.headline",
    "headline": "adoption.metrics.headline",
    "ict_sector": "adoption.metrics.ict",
    "in_scope": "adoption.metrics.scope",
    "resolve_district": "adoption.metrics.scope",
    "protect": "adoption.metrics.disclosure",
    "require_firms": "adoption.metrics.disclosure",
    "plot_adoption_by": "adoption.report.plots",
    "plot_adoption_over_time": "adoption.report.plots",
    "plot_shares": "adoption.report.plots",
    "plot_heatmap": "adoption.report.charts",
    "plot_over_time_facets": "adoption.report.charts",
    "plot_estimates": "adoption.report.charts",
    "adoption_table": "adoption.report.tables",
    "budget_table": "adoption.report.tables",
    "comparison_table": "adoption.report.tables",
    "headline_table": "adoption.report.tables",
    "metric_table": "adoption.report.tables",
    "park_workers_table": "adoption.report.tables",
    "platform_table": "adoption.report.tables",
    "banner": "adoption.report.page",
    "coverage_note": "adoption.report.page",
    "coverage": "adoption.metrics.scope",
    "disclosure_note": "adoption.report.page",
    "heading": "adoption.report.page",
    "classification_note": "adoption.report.page",
    "sector_column": "adoption.metrics.sectors",
    "note": "adoption.report.page",
    "over_time_note": "adoption.report.page",
    "sources": "adoption.report.page",
    "title": "adoption.report.page",
    "key_findings": "adoption.report.page",
    "how_to_read": "adoption.report.page",
}
# Metric modules offered whole: ``ad.intensity.level_shares(...)``.
_MODULES = {"intensity": "adoption.metrics.intensity", "workforce": "adoption.metrics.workforce",
            "benchmark": "adoption.report.benchmark", "district": "adoption.report.district",
            "findings": "adoption.report.findings", "trend": "adoption.report.trend",
            "maps": "adoption.metrics.maps", "ict": "adoption.metrics.ict", "areas": "adoption.metrics.areas"}

__all__ = sorted([*_API, *_MODULES, "__version__"])


def __getattr__(name: str):
    if name in _API:
        value = getattr(import_module(_API[name]), name)
    elif name in _MODULES:
        value = import_module(_MODULES[name])
    else:
        raise AttributeError(f"module 'adoption' has no attribute {name!r}")
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return __all__
