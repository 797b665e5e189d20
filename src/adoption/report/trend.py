"""The trend report's parts: key findings on the latest change, each extract's figures, the
rate of each unit in each extract on one map, and the changes between extracts by unit
(:mod:`adoption.metrics.trend`)."""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML
from pandas.io.formats.style import Styler

from ..core.io import CleanData
from ..metrics import trend
from ..metrics.maps import unit_column
from ..metrics.trend import changes, check_map, load_series  # noqa: F401 - the trend notebook's entry points
from ..metrics.disclosure import SYMBOL
from ..metrics.panel import FLOWS
from . import page
from .formats import fmt_int, fmt_pct, fmt_signed, value_label
from .tables import text_table
from .text import label


def banner(series: dict[str, CleanData], lang: str) -> HTML:
    """The synthetic-data banner when any extract of the series is synthetic."""
    return page.banner(max(series.values(), key=lambda data: data.synthetic), lang)  # a synthetic one if any


def findings(series: dict[str, CleanData], flows: pd.DataFrame, lang: str) -> list[str]:
    """The latest change in sentences: the adoption rate then and now, and the head offices
    that entered, left and started using a platform between the last two extracts
    (``flows``: :func:`adoption.metrics.trend.changes` of the series)."""
    figures = trend.figures(series)
    before, after = figures.iloc[-2], figures.iloc[-1]
    change = flows.iloc[-1]
    return [
        label("trend_finding_rate", lang, previous=before["extract"], extract=after["extract"],
              before=fmt_pct(before["adoption_rate"], lang), after=fmt_pct(after["adoption_rate"], lang),
              points=fmt_signed((after["adoption_rate"] - before["adoption_rate"]) * 100, lang)),
        label("trend_finding_flows", lang, entered=fmt_int(change["entered"], lang), left=fmt_int(change["left"], lang),
              started=fmt_int(change["started_platform"], lang), moved=fmt_int(change["moved"], lang)),
    ]


def figures_table(series: dict[str, CleanData], lang: str) -> Styler:
    """Each extract's enterprises, adopters and adoption rate."""
    table = trend.figures(series)
    return text_table({
        label("trend_extract", lang): table["extract"].tolist(),
        label("enterprises", lang): [fmt_int(v, lang) for v in table["enterprises"]],
        label("adopters", lang): [fmt_int(v, lang) for v in table["adopters"]],
        label("adoption_rate", lang): [fmt_pct(v, lang) for v in table["adoption_rate"]],
    })


def _unit_name(unit: str, map_: str, lang: str) -> str:
    if unit == trend.UNPLACED:
        return label(f"trend_unplaced_{map_}", lang)
    return value_label(unit_column(map_), unit, lang)


def rates_table(series: dict[str, CleanData], map_: str, lang: str) -> Styler:
    """The adoption rate of each unit of the map in each extract; hidden cells marked with
    the symbol, a unit without firms in an extract with a dash."""
    table = trend.rates_by_unit(series, map_)
    hidden = table.attrs["hidden"]
    columns = {label(f"trend_unit_{map_}", lang): [_unit_name(u, map_, lang) for u in table["unit"]]}
    for day in series:  # hidden: the symbol; no firm there in that extract: a dash
        columns[day] = [SYMBOL if secret else "–" if pd.isna(v) else fmt_pct(v, lang) for v, secret in zip(table[day], hidden[day])]
    return text_table(columns)


def changes_table(table: pd.DataFrame, lang: str) -> Styler:
    """The head offices in each flow between consecutive extracts, from
    :func:`adoption.metrics.trend.changes`."""
    columns = {label("trend_between", lang): [f"{a} → {b}" for a, b in zip(table["previous"], table["extract"])]}
    for flow in (*FLOWS, "moved_unknown"):
        columns[label(f"flow_{flow}", lang)] = [fmt_int(v, lang) for v in table[flow]]
    return text_table(columns)


def changes_by_unit_table(series: dict[str, CleanData], map_: str, lang: str) -> Styler:
    """The flows of the latest change by unit of the map, small counts hidden."""
    table = trend.changes(series, map_)
    columns = {label(f"trend_unit_{map_}", lang): [_unit_name(u, map_, lang) for u in table["unit"]]}
    for flow in FLOWS:
        columns[label(f"flow_{flow}", lang)] = [SYMBOL if pd.isna(v) else fmt_int(v, lang) for v in table[flow]]
    return text_table(columns)
