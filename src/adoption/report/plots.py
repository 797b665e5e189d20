"""Plots of computed tables. Each takes a table and an optional ``ax``, returns the Axes,
and never saves, shows or changes global settings.

Matplotlib's bundled DejaVu Sans covers Vietnamese, so labels keep their diacritics.
Plain matplotlib, not seaborn: importing seaborn pulls in scipy.stats, over a second of
start-up for every report kernel, for bars and lines that matplotlib draws as well.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import PercentFormatter

from .escape import chart_text
from .formats import fmt_pct, group_labels, value_label
from .text import label

BAR_COLOUR = "#2a6f97"


def _bars(ax: Axes, names, values) -> None:
    """Horizontal bars, first name at the top; names shown literally."""
    positions = range(len(values))
    ax.barh(list(positions), values, color=BAR_COLOUR, height=0.8)
    ax.set_yticks(list(positions), labels=[chart_text(name) for name in names])
    ax.set_ylim(len(values) - 0.5, -0.5)


def _despine(ax: Axes) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def plot_adoption_by(table: pd.DataFrame, *, lang: str = "vi", ax: Axes | None = None) -> Axes | None:
    """Horizontal bars of the adoption rate of each group in an ``adoption_by`` table;
    nothing (None) for an empty table, which :func:`adoption_table` explains.

    >>> from adoption.metrics.adoption import adoption_by
    >>> frame = pd.DataFrame({"ownership": pd.Categorical(["fdi", "state"]), "uses_digital_platform": [True, False]})
    >>> plot_adoption_by(adoption_by(frame, "ownership"), lang="en").get_xlabel()
    'Digital-platform adoption rate'
    """
    if "hidden" in table.columns:  # a protected table: hidden groups get no bar
        table = table[~table["hidden"]]
    if table.empty:
        return None
    names = group_labels(table, lang).astype(str).to_numpy()
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.45 * len(table) + 1.2), layout="constrained")
    _bars(ax, names, table["adoption_rate"].to_numpy())
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))
    ax.set_xlabel(label("adoption_rate", lang))
    ax.set_ylabel("")
    for position, rate in enumerate(table["adoption_rate"]):
        ax.text(rate + 0.01, position, fmt_pct(rate, lang), va="center", fontsize=9)
    _despine(ax)
    return ax


def plot_adoption_over_time(series: pd.DataFrame, *, lang: str = "vi", ax: Axes | None = None) -> Axes:
    """Lines of the cumulative adoption rate by month, from ``adoption_over_time``: over the
    head offices registered by then (solid) and over today's firms in scope (dashed); with
    a group column, one solid line per group. Hidden months (a protected series) are gaps.

    >>> frame = pd.DataFrame({"month": pd.to_datetime(["2020-01-01", "2020-02-01"]), "adoption_rate": [0.2, 0.3],
    ...                       "adoption_rate_today": [0.1, 0.25]})
    >>> [line.get_label() for line in plot_adoption_over_time(frame, lang="en").get_lines()]
    ['Of the head offices registered by then (any status today)', "Of today's enterprises in scope"]
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.6), layout="constrained")
    groups = [c for c in series.columns if c not in _OVER_TIME_FIGURES]
    if groups:
        names = group_labels(series[[groups[0]]], lang).to_numpy()
        for name in pd.unique(names):
            rows = series[names == name]
            ax.plot(rows["month"], rows["adoption_rate"].astype(float), label=chart_text(name))
    else:
        ax.plot(series["month"], series["adoption_rate"].astype(float), color=BAR_COLOUR,
                label=chart_text(label("over_time_registered", lang)))
        ax.plot(series["month"], series["adoption_rate_today"].astype(float), color=BAR_COLOUR, linestyle="--",
                label=chart_text(label("over_time_today", lang)))
    ax.legend(frameon=False)
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))
    ax.set_xlabel(label("month", lang))
    ax.set_ylabel(label("adoption_rate", lang))
    _despine(ax)
    return ax


# The figures of an adoption_over_time table; any other column is its group.
_OVER_TIME_FIGURES = ("month", "firms", "adopters", "adoption_rate", "firms_today", "adopters_today", "adoption_rate_today")


def plot_shares(table: pd.DataFrame, *, value: str = "share", lang: str = "vi", ax: Axes | None = None) -> Axes:
    """Horizontal bars of a share column (``share``, ``coverage``, ...) by the table's first
    column, with 95% intervals as error bars when the table has ``ci_low``/``ci_high``.
    Hidden rows of a protected table get no bar.

    >>> frame = pd.DataFrame({"size_class": ["micro", "large"], "share": [0.3, 0.9],
    ...                       "ci_low": [0.25, 0.85], "ci_high": [0.35, 0.95]})
    >>> len(plot_shares(frame, lang="en").patches)
    2
    """
    if "hidden" in table.columns:
        table = table[~table["hidden"]]
    key = table.columns[0]
    names = [value_label(key, v, lang) for v in table[key]]
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.45 * len(table) + 1.2), layout="constrained")
    values = table[value].astype(float).to_numpy()
    _bars(ax, names, values)
    if {"ci_low", "ci_high"} <= set(table.columns):
        low = values - table["ci_low"].astype(float).to_numpy()
        high = table["ci_high"].astype(float).to_numpy() - values
        ax.errorbar(values, range(len(values)), xerr=[low, high], fmt="none", ecolor="#222222", capsize=3, linewidth=1)
    ax.set_xlim(0, max(1.0, float(values.max()) * 1.1 if len(values) else 1.0))
    ax.xaxis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))
    ax.set_xlabel(label(value, lang))
    ax.set_ylabel("")
    for position, share in enumerate(values):
        ax.text(share + 0.01, position - 0.3, fmt_pct(share, lang), va="center", fontsize=9)
    _despine(ax)
    return ax
