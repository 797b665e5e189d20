"""Plots of computed tables. Each takes a table and an optional ``ax``, returns the Axes,
and never saves, shows or changes global settings.

Matplotlib's bundled DejaVu Sans covers Vietnamese, so labels keep their diacritics.
Bars and lines are plain matplotlib: importing seaborn pulls in scipy.stats (about 0.8 s
of a report kernel's start) for charts that matplotlib draws as well. The charts where
seaborn does real work (a heatmap, small multiples, estimates by method) are in
:mod:`adoption.report.charts`, which imports it only when one is drawn.

One palette for every chart (:data:`PALETTE`): a dark blue for the data, an orange for
reference lines and a light grey for context, told apart by colour-blind readers (blue
against orange) and in grey (CIE L* about 32, 71 and 85), and cividis, whose lightness
rises evenly, for heatmaps.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import PercentFormatter

from .alt import chart_alt, describe, listing
from .escape import chart_text
from .formats import fmt_pct, group_labels, value_label
from .text import has_label, label

# The house palette: data, reference lines (the province, a benchmark), context, heatmaps.
PALETTE = {"data": "#1f4e79", "reference": "#e69f00", "context": "#d4d4d4"}
SEQUENTIAL = "cividis"
BAR_COLOUR = PALETTE["data"]
REFERENCE_COLOUR = PALETTE["reference"]

# Dimensions whose groups have an order of their own: their bars are not sorted by value.
NATURAL_ORDER = ("size_class", "cohort", "period", "month")


def _bars(ax: Axes, names, values) -> None:
    """Horizontal bars, first name at the top; names shown literally, long ones on two lines."""
    positions = range(len(values))
    ax.barh(list(positions), values, color=BAR_COLOUR, height=0.8)
    ax.set_yticks(list(positions), labels=[chart_text(textwrap.fill(str(name), 40)) for name in names])
    ax.set_ylim(len(values) - 0.5, -0.5)


def _despine(ax: Axes) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def chart_title(table: pd.DataFrame, lang: str) -> str:
    """The title of a chart of ``table``: the heading of its dimension when the catalogue
    has one ("Adoption by district"), else the label of the dimension itself."""
    key = str(table.columns[0])
    # A sector heading names its classification: the version of the column's codes.
    classification = label("classification_vsic2025" if key.startswith("vsic2025") else "classification_vsic2018", lang)
    for candidate in (f"by_{key}", f"by_{key.removesuffix('_code')}", key):
        if has_label(candidate):
            text = label(candidate, lang)
            return text.format(classification=classification) if "{classification}" in text else text
    return key


def shown_rows(table: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The rows of a (protected) table a chart draws, and how many it hides."""
    if "hidden" not in table.columns:
        return table, 0
    hidden = table["hidden"].astype(bool)
    return table[~hidden], int(hidden.sum())


def lower_first(text: str) -> str:
    """A label inside a sentence: "Quy mô" -> "quy mô"; "VSIC section" stays as it is.

    >>> lower_first("Size"), lower_first("VSIC section")
    ('size', 'VSIC section')
    """
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def label_key(column: str) -> str:
    """The catalogue key naming a column: its own, else a code column by the unit it codes
    (``province`` names the province of a report, ``province_code`` a column of provinces).

    >>> label_key("province_code"), label_key("size_class"), label_key("vsic_code")
    ('province_code', 'size_class', 'vsic')
    """
    return column if has_label(column) else column.removesuffix("_code")


def over_time_alt(title: str, names, lines, months: pd.Series, lang: str) -> str:
    """The alt text of lines by month: the title, the months covered and each line's last
    shown value."""
    months = pd.to_datetime(months)
    last = [pd.Series(values, dtype=float).dropna() for values in lines]
    return label("alt_over_time", lang, title=title, first=f"{months.min():%m/%Y}", last=f"{months.max():%m/%Y}",
                 values=listing(names, [v.iloc[-1] if len(v) else float("nan") for v in last], lang))


def reference_line(ax: Axes, value: float, text: str, bars: int) -> None:
    """A dashed vertical line at ``value`` across horizontal bars, named by ``text``
    written at its top, in a row of its own above the first bar."""
    ax.axvline(value, color=REFERENCE_COLOUR, linestyle="--", linewidth=1.8)
    ax.set_ylim(bars - 0.5, -1.3)
    right = value > 0.6  # the name on the side with room
    ax.text(value - 0.01 if right else value + 0.01, -0.9, chart_text(text), ha="right" if right else "left",
            va="center", fontsize=8, color="black")


def percent_axis(axis, lang: str, key: str = "adoption_rate") -> None:
    """A 0-100% axis labelled with its measure and unit."""
    axis.set_major_formatter(PercentFormatter(xmax=1, decimals=0))
    axis.set_label_text(f"{label(key, lang)} (%)")


def notice(title: str, why: str, ax: Axes | None = None) -> Axes:
    """In place of a chart that cannot be drawn: its ``title`` and the sentence ``why``,
    which the figure's description repeats, so that a heading is never left over nothing."""
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 1.6), layout="constrained")
    ax.set_title(chart_text(title), loc="left", fontsize=11)
    ax.text(0.5, 0.4, chart_text(why), ha="center", va="center", transform=ax.transAxes, fontsize=10, wrap=True)
    ax.set_axis_off()
    describe(ax.figure, f"{title}. {why}")
    return ax


def plot_adoption_by(table: pd.DataFrame, *, lang: str = "vi", reference: float | None = None,
                     reference_label: str | None = None, ax: Axes | None = None, title: str | None = None) -> Axes | None:
    """Horizontal bars of the adoption rate of each group in an ``adoption_by`` table,
    highest first (groups with an order of their own, such as size classes, keep it), with
    ``reference`` (the rate of every firm shown, the province's) as a dashed line;
    nothing (None) when no group is shown, which :func:`adoption_table` explains. Hidden
    groups of a protected table get no bar. ``title``: the chart's title, by default the
    heading of the table's dimension (:func:`chart_title`).

    >>> from adoption.metrics.adoption import adoption_by
    >>> frame = pd.DataFrame({"ownership": pd.Categorical(["fdi", "state", "state"]), "uses_digital_platform": [False, True, False]})
    >>> ax = plot_adoption_by(adoption_by(frame, "ownership"), lang="en", reference=1 / 3)
    >>> ax.get_xlabel(), [t.get_text() for t in ax.get_yticklabels()]
    ('Digital-platform adoption rate (%)', ['State', 'Foreign-invested (FDI)'])
    """
    table, hidden = shown_rows(table)
    table = table.dropna(subset=["adoption_rate"])
    if table.empty:
        return None
    if table.columns[0] not in NATURAL_ORDER:
        table = table.sort_values("adoption_rate", ascending=False, kind="stable")
    names = group_labels(table, lang).astype(str).to_numpy()
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.45 * len(table) + 1.4), layout="constrained")
    rates = table["adoption_rate"].astype(float).to_numpy()
    _bars(ax, names, rates)
    shown_reference = None
    if reference is not None and not pd.isna(reference):
        shown_reference = reference_label or label("reference_all", lang, rate=fmt_pct(reference, lang))
        reference_line(ax, float(reference), shown_reference, len(rates))
    ax.set_xlim(0, 1)
    percent_axis(ax.xaxis, lang)
    ax.set_ylabel("")
    title = title or chart_title(table, lang)
    ax.set_title(chart_text(title), loc="left", fontsize=11)
    describe(ax.figure, chart_alt(title, names, rates, lang, reference=shown_reference, hidden=hidden))
    for position, rate in enumerate(rates):  # inside the bar's end, clear of a reference line
        inside = rate >= 0.15
        ax.text(rate - 0.01 if inside else rate + 0.01, position, fmt_pct(rate, lang), va="center", fontsize=9,
                ha="right" if inside else "left", color="white" if inside else "black")
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
    >>> [text.get_text() for text in plot_adoption_over_time(frame.iloc[:0], lang="en").texts]
    ['No enterprise in scope has a platform record with a start date.']
    >>> hidden = frame.assign(adoption_rate=float("nan"), adoption_rate_today=[float("nan"), 0.25])
    >>> [len(line.get_xdata()) for line in plot_adoption_over_time(hidden, lang="en").get_lines()]
    [1, 1]
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.6), layout="constrained")
    dated = series["month"].notna().any()
    # Months with no rate shown at either end are left out: the first and last month a
    # protected series covers would date the first and last firms' start.
    rates = series[[c for c in ("adoption_rate", "adoption_rate_today") if c in series.columns]].notna().any(axis=1).to_numpy()
    series = series.iloc[int(rates.argmax()):len(rates) - int(rates[::-1].argmax())] if rates.any() else series.iloc[:0]
    if series.empty:  # no platform record with a date, or no month that can be shown: said, not drawn
        title, none = chart_text(label("over_time", lang)), label("over_time_none" if not dated else "over_time_hidden", lang)
        ax.set_title(title, loc="left", fontsize=11)
        ax.text(0.5, 0.5, chart_text(none), ha="center", va="center", transform=ax.transAxes, fontsize=10)
        ax.set_axis_off()
        describe(ax.figure, f"{label('over_time', lang)}. {none}")
        return ax
    groups = [c for c in series.columns if c not in OVER_TIME_FIGURES]
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
    percent_axis(ax.yaxis, lang)
    ax.set_xlabel(label("month", lang))
    ax.set_title(chart_text(label("over_time", lang)), loc="left", fontsize=11)
    describe(ax.figure, over_time_alt(label("over_time", lang), [line.get_label() for line in ax.get_lines()],
                                      [line.get_ydata() for line in ax.get_lines()], series["month"], lang))
    _despine(ax)
    return ax


# The figures of an adoption_over_time table; any other column is its group.
OVER_TIME_FIGURES = ("month", "firms", "adopters", "adoption_rate", "firms_today", "adopters_today", "adoption_rate_today",
                     "hidden")


def plot_shares(table: pd.DataFrame, *, value: str = "share", lang: str = "vi", reference: float | None = None,
                ax: Axes | None = None) -> Axes:
    """Horizontal bars of a share column (``share``, ``coverage``, ...) by the table's first
    column, highest first unless the groups have an order of their own, with 95% intervals
    as error bars when the table has ``ci_low``/``ci_high`` and ``reference`` (the total)
    as a dashed line. Hidden rows of a protected table get no bar.

    >>> frame = pd.DataFrame({"size_class": ["micro", "large"], "share": [0.3, 0.9],
    ...                       "ci_low": [0.25, 0.85], "ci_high": [0.35, 0.95]})
    >>> len(plot_shares(frame, lang="en").patches)
    2
    """
    table, hidden = shown_rows(table)
    if table.columns[0] not in NATURAL_ORDER:
        table = table.sort_values(value, ascending=False, kind="stable")
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
    shown_reference = None
    if reference is not None and not pd.isna(reference):
        shown_reference = label("reference_total", lang, rate=fmt_pct(reference, lang))
        reference_line(ax, float(reference), shown_reference, len(values))
    ax.set_xlim(0, max(1.0, float(values.max()) * 1.1 if len(values) else 1.0))
    percent_axis(ax.xaxis, lang, value)
    ax.set_ylabel("")
    title = label("value_by", lang, value=label(value, lang), by=lower_first(label(label_key(key), lang)))
    ax.set_title(chart_text(title), loc="left", fontsize=11)
    intervals = list(zip(table["ci_low"], table["ci_high"])) if {"ci_low", "ci_high"} <= set(table.columns) else None
    describe(ax.figure, chart_alt(title, names, values, lang, reference=shown_reference, hidden=hidden, intervals=intervals))
    for position, share in enumerate(values):
        ax.text(share + 0.01, position - 0.3, fmt_pct(share, lang), va="center", fontsize=9)
    _despine(ax)
    return ax
