"""Charts where seaborn does the work: a heatmap of adoption by two dimensions, small
multiples of adoption over time (one panel a group, the whole beside each), and survey
estimates with their intervals, marked by how each was estimated.

Seaborn is imported inside the functions that use it: with scipy.stats it adds about
0.8 s to a report kernel's start, paid only by the reports that draw one of them. Colours come from
the house palette of :mod:`adoption.report.plots`. Every chart has a title, axes labelled
with their units, and hidden cells of a protected table drawn as hidden, never as zero.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from ..metrics.adoption import NOT_ASSIGNABLE
from ..metrics.disclosure import SYMBOL
from .escape import chart_text
from .formats import fmt_pct, value_label
from .alt import chart_alt, describe, listing
from .plots import (
    BAR_COLOUR, OVER_TIME_FIGURES, PALETTE, REFERENCE_COLOUR, SEQUENTIAL, _despine, label_key, lower_first, notice,
    over_time_alt, percent_axis, shown_rows,
)
from .text import label, on_map


def _labels(column: str, values, lang: str) -> list[str]:
    return [chart_text(value_label(column, v, lang)) for v in values]


def plot_heatmap(table: pd.DataFrame, *, lang: str = "vi", ax: Axes | None = None) -> Axes:
    """The adoption rate of each pair of groups of a two-dimensional ``adoption_by`` table
    (rows: its first column, columns: its second) as a heatmap with the rate written in
    each cell; hidden cells are grey and marked with the suppression symbol, pairs with no
    firm are left blank. With every cell hidden, a sentence saying so under the title;
    where no firm has both values known, a sentence saying so.

    >>> from adoption.metrics.adoption import adoption_by
    >>> frame = pd.DataFrame({"ownership": pd.Categorical(["fdi", "state", "state"]),
    ...     "size_class": pd.Categorical(["micro", "micro", "large"]), "uses_digital_platform": [True, False, True]})
    >>> ax = plot_heatmap(adoption_by(frame, ("ownership", "size_class")), lang="en")
    >>> [t.get_text() for t in ax.texts]  # fdi: (large) none, micro 1 of 1; state: large 1 of 1, micro 0 of 1
    ['100.0%', '100.0%', '0.0%']
    """
    import seaborn as sns

    rows, cols = table.columns[0], table.columns[1]
    hidden = table["hidden"].astype(bool) if "hidden" in table.columns else pd.Series(False, index=table.index)
    shown = table.assign(adoption_rate=table["adoption_rate"].where(~hidden))
    names = {"rows": lower_first(label(label_key(rows), lang)), "cols": lower_first(label(label_key(cols), lang))}
    title = label("by_two", lang, **names)
    if shown["adoption_rate"].isna().all():
        # No cell, every cell hidden, or none can be: said where the chart would be.
        withheld = table.empty and table.attrs.get("withheld")
        why = ("table_withheld" if withheld else "heatmap_all_hidden" if hidden.any() else "heatmap_no_cell")
        return notice(title, label(why, lang, **names), ax)
    rates = shown.pivot_table(index=rows, columns=cols, values="adoption_rate", aggfunc="first", observed=True, dropna=False)
    pairs = set(zip(table.loc[hidden, rows], table.loc[hidden, cols]))
    secret = pd.DataFrame([[(r, c) in pairs for c in rates.columns] for r in rates.index], index=rates.index,
                          columns=rates.columns, dtype=bool)
    if ax is None:
        _, ax = plt.subplots(figsize=(1.5 * len(rates.columns) + 3.5, 0.45 * len(rates) + 1.6), layout="constrained")
    ax.set_facecolor(PALETTE["context"])  # hidden cells show the background
    annotations = np.where(secret.to_numpy(), SYMBOL,
                           np.vectorize(lambda v: "" if pd.isna(v) else fmt_pct(v, lang))(rates.to_numpy(dtype=float)))
    sns.heatmap(rates.astype(float), ax=ax, cmap=SEQUENTIAL, vmin=0, vmax=1, annot=annotations, fmt="",
                linewidths=0.5, linecolor="white", mask=rates.isna().to_numpy() & ~secret.to_numpy(),
                cbar_kws={"label": f"{label('adoption_rate', lang)} (%)", "format": _percent_ticks()})
    for (i, j) in zip(*np.nonzero(secret.to_numpy())):  # hidden cells: grey with the symbol
        ax.text(j + 0.5, i + 0.5, SYMBOL, ha="center", va="center", fontsize=9, color="black")
    ax.set_yticks(np.arange(len(rates)) + 0.5, labels=_labels(rows, rates.index, lang), rotation=0)
    ax.set_xticks(np.arange(len(rates.columns)) + 0.5, labels=_labels(cols, rates.columns, lang), rotation=0)
    ax.set_ylabel(chart_text(label(label_key(rows), lang)))
    ax.set_xlabel(chart_text(label(label_key(cols), lang)))
    ax.set_title(chart_text(title), loc="left", fontsize=11)
    cells = shown.dropna(subset=["adoption_rate"]).sort_values("adoption_rate", kind="stable")
    pair = [f"{value_label(rows, r, lang)} × {value_label(cols, c, lang)}" for r, c in zip(cells[rows], cells[cols])]
    text = label("alt_heatmap", lang, title=title, high=listing(pair[-1:], cells["adoption_rate"].iloc[-1:], lang),
                 low=listing(pair[:1], cells["adoption_rate"].iloc[:1], lang))
    describe(ax.figure, text + (" " + label("alt_hidden", lang, count=int(secret.to_numpy().sum())) if secret.to_numpy().any() else ""))
    return ax


def _percent_ticks():
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(xmax=1, decimals=0)


class Facets:
    """Small multiples: the ``figure`` and its panels (``axes``, one a group, in order)."""

    def __init__(self, figure, axes) -> None:
        self.figure, self.axes = figure, np.asarray(axes)


def plot_over_time_facets(by_group: pd.DataFrame, whole: pd.DataFrame | None = None, *, lang: str = "vi",
                          columns: int | None = None, map_: str | None = None) -> Facets | None:
    """Small multiples of an ``adoption_over_time(..., by=...)`` table: one panel a group
    with its cumulative adoption rate (over the head offices registered by then), on the
    same axes, and ``whole`` (the same table without ``by``) as a dashed reference line in
    every panel. Hidden months are gaps. Panels go ``columns`` to a row (default: 3, or 6
    when there are more than 12, as the 36 units of the 2025 map); the title names the
    units of ``map_``. Returns the :class:`Facets`, or None when no group is shown.

    Drawn on a plain grid of subplots placed by fixed margins: a layout engine measuring
    36 panels' text took most of the chart's time.

    >>> months = pd.to_datetime(["2020-01-01", "2020-02-01"] * 2)
    >>> table = pd.DataFrame({"month": months, "ownership": ["fdi", "fdi", "state", "state"],
    ...                       "adoption_rate": [0.1, 0.2, 0.3, None]})
    >>> [ax.get_title() for ax in plot_over_time_facets(table, lang="en").axes.flat]
    ['Foreign-invested (FDI)', 'State']
    """
    from matplotlib.dates import AutoDateFormatter, AutoDateLocator, DateFormatter, YearLocator, date2num

    if by_group.empty or by_group["adoption_rate"].isna().all():
        return None  # no group with a known value, or every month hidden: nothing to draw
    group = next(c for c in by_group.columns if c not in OVER_TIME_FIGURES)
    # The unassignable firms' panel is titled without the explanation the table gives in
    # full ("Not assignable (a former commune split ...)"): it would run over its neighbours.
    names = _labels(group, by_group[group], lang)
    frame = by_group.assign(panel=[name.split(" (")[0] if value == NOT_ASSIGNABLE else name
                                   for name, value in zip(names, by_group[group])])
    order = list(pd.unique(frame["panel"]))
    columns = min(columns or (6 if len(order) > 12 else 3), len(order))
    rows = -(-len(order) // columns)
    height = 2.1 if columns <= 3 else 1.6
    figure, grid = plt.subplots(rows, columns, sharex=True, sharey=True, squeeze=False,
                                figsize=(columns * height * 1.45, rows * height))
    panels = list(grid.flat[:len(order)])
    for ax in grid.flat[len(order):]:
        ax.remove()
    # Months drawn as matplotlib's day numbers, with the date ticks set once on the shared
    # axis: dates given as such have each panel set up its units, and with them the limits
    # of every panel sharing its axis (36 panels: 1,300 settings, most of the chart's time).
    days = pd.Series(date2num(frame["month"]), index=frame.index)
    reference = date2num(whole["month"]) if whole is not None else None
    for position, (name, ax) in enumerate(zip(order, panels)):
        if whole is not None:
            ax.plot(reference, whole["adoption_rate"].astype(float), color=REFERENCE_COLOUR, linestyle="--",
                    linewidth=1.2)
        at = (frame["panel"] == name).to_numpy()
        ax.plot(days[at], frame.loc[at, "adoption_rate"].astype(float), color=BAR_COLOUR, linewidth=1.8)
        ax.set_title(name, fontsize=9)
        _despine(ax)
        bottom = position + columns >= len(order)  # no panel below: this one shows the months
        ax.tick_params(axis="x", labelbottom=bottom, labelrotation=30, labelsize=8)
        ax.set_xlabel(label("month", lang) if bottom else "")
    if columns > 3:  # narrow panels: a year every third (the ticks are shared by every panel)
        panels[0].xaxis.set_major_locator(YearLocator(3))
        panels[0].xaxis.set_major_formatter(DateFormatter("%Y"))
    else:  # matplotlib's own for dates
        locator = AutoDateLocator()
        panels[0].xaxis.set_major_locator(locator)
        panels[0].xaxis.set_major_formatter(AutoDateFormatter(locator))
    panels[0].set_ylim(0, 1)  # once: each panel's own call would set every shared panel again
    percent_axis(panels[0].yaxis, lang)  # shared by every panel
    panels[0].set_ylabel("")
    handles = [plt.Line2D([], [], color=BAR_COLOUR, linewidth=1.8, label=chart_text(label("facet_group_line", lang)))]
    if whole is not None:
        handles.append(plt.Line2D([], [], color=REFERENCE_COLOUR, linestyle="--", linewidth=1.2,
                                  label=chart_text(label("facet_whole_line", lang))))
    figure.legend(handles=handles, loc="lower center", ncol=len(handles), frameon=False, fontsize=8,
                  bbox_to_anchor=(0.5, 0.0))
    title = label(on_map("over_time_facets", map_), lang)
    figure.suptitle(chart_text(title), x=0.01, ha="left", fontsize=11)
    figure.supylabel(f"{label('adoption_rate', lang)} (%)", x=0.0, fontsize=9)
    describe(figure, over_time_alt(title, order, [frame.loc[frame["panel"] == name, "adoption_rate"] for name in order],
                                   frame["month"], lang))
    inches = figure.get_figheight()  # title, month labels and legend take the same inches however many rows
    figure.subplots_adjust(left=0.1, right=0.98, top=1 - 0.55 / inches, bottom=1.25 / inches, hspace=0.45, wspace=0.12)
    return Facets(figure, panels)


def plot_estimates(table: pd.DataFrame, *, value: str = "share", benchmarks: pd.DataFrame | None = None,
                   lang: str = "vi", ax: Axes | None = None) -> Axes | None:
    """Survey estimates of a share by the table's first column as points with their 95%
    intervals as lines; the marker says how each was estimated (design-based, Wilson,
    census: a census has no interval). ``benchmarks`` (``label``, ``value``) are drawn as
    vertical reference lines. Hidden rows get no point; None when none is shown.

    >>> frame = pd.DataFrame({"size_class": ["micro", "large"], "share": [0.36, 0.95], "ci_low": [0.33, None],
    ...                       "ci_high": [0.39, None], "method": ["taylor", "census"]})
    >>> ax = plot_estimates(frame, lang="en")
    >>> [t.get_text() for t in ax.texts], [t.get_text() for t in ax.get_legend().get_texts()]
    (['36.0%', '95.0%'], ['design-based (stratified, linearised)', 'census: no sampling error'])
    """
    import seaborn as sns

    table, hidden = shown_rows(table)
    table = table.dropna(subset=[value])
    if table.empty:
        return None
    key = table.columns[0]
    frame = pd.DataFrame({
        "name": _labels(key, table[key], lang),
        "value": table[value].astype(float).to_numpy(),
        "how": [label(f"method_{m}", lang) for m in table.get("method", pd.Series("taylor", index=table.index))],
    })
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.5 * len(frame) + 1.8), layout="constrained")
    positions = np.arange(len(frame))
    if {"ci_low", "ci_high"} <= set(table.columns):
        ax.hlines(positions, table["ci_low"].astype(float), table["ci_high"].astype(float), color=BAR_COLOUR, linewidth=2)
    markers = {label(f"method_{m}", lang): shape for m, shape in (("taylor", "o"), ("wilson", "s"), ("census", "D"))}
    sns.scatterplot(x=frame["value"].to_numpy(), y=positions, style=frame["how"].to_numpy(), markers=markers,
                    color=BAR_COLOUR, s=60, ax=ax, zorder=3)
    references = []
    if benchmarks is not None:
        names = benchmarks[f"label_{lang}"] if f"label_{lang}" in benchmarks.columns else benchmarks["label"]
        for name, level, dash in zip(names, benchmarks["value"], ("--", ":", "-.", (0, (5, 1)))):
            references.append(f"{name}: {fmt_pct(level, lang)}")
            ax.axvline(float(level), color=REFERENCE_COLOUR, linestyle=dash, linewidth=1.5, label=chart_text(references[-1]))
    for position, estimate in zip(positions, frame["value"]):
        ax.text(estimate, position - 0.28, fmt_pct(estimate, lang), ha="center", fontsize=8)
    ax.set_yticks(positions, labels=frame["name"].tolist())
    ax.set_ylim(len(frame) - 0.5, -0.7)
    ax.set_xlim(0, 1)
    percent_axis(ax.xaxis, lang, value)
    ax.set_ylabel("")
    ax.legend(loc="upper left", bbox_to_anchor=(0, -0.18), fontsize=8, frameon=False)
    title = label("estimates_chart", lang, by=lower_first(label(label_key(key), lang)))
    ax.set_title(chart_text(title), loc="left", fontsize=11)
    intervals = list(zip(table["ci_low"], table["ci_high"])) if {"ci_low", "ci_high"} <= set(table.columns) else None
    describe(ax.figure, chart_alt(title, [value_label(key, v, lang) for v in table[key]], frame["value"], lang,
                                  reference="; ".join(references) or None, hidden=hidden, intervals=intervals))
    _despine(ax)
    return ax
