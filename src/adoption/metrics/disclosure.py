"""Statistical disclosure control for every table meant for a shared report.

Rules used by statistics offices (OECD glossary, INSEE, INE Portugal; see
reference_data/SOURCES.md):

* primary, by count: a cell counting 1 or 2 firms (fewer than ``min_count``) is not shown;
* primary, by dominance: a cell of a total (employees, capital, revenue) where the
  largest firm, or the two largest, hold more than ``dominance`` of it is not shown;
* secondary: wherever a row or column (with its total) would hold exactly one hidden
  cell, the smallest other cell is hidden too, until no hidden value can be recomputed
  by subtraction from the totals;
* audit: an attacker with a linear-programming solver and every published cell must not
  narrow a primary cell down beyond its required protection; where one can, more cells
  are hidden (:mod:`adoption.metrics.audit`). Every audit is recorded in :data:`AUDITS`.

Hidden cells show :data:`SYMBOL`, explained under each shared table by the report's
disclosure footnote (:func:`adoption.report.page.disclosure_note`). Firm identifiers
never reach a protected table: it holds only group labels and aggregates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .audit import Audit, enforce

SYMBOL = "x"
TOTAL = "total"
MIN_COUNT = 3
DOMINANCE = 0.85
# A median (or another order statistic) of fewer firms than this is not shown: in a small
# group it is one firm's own value.
MEDIAN_MIN_FIRMS = 10
# The audits of this process's protected tables, in order: a report shows their summary.
AUDITS: list[Audit] = []


@dataclass
class Protected:
    """A table with its totals, and why each hidden cell is hidden.

    ``values``: groups as rows (and columns), with a ``total`` row and column; hidden cells
    are NaN. ``status``: the same shape, ``""`` for a shown cell, else ``count``,
    ``dominance`` or ``secondary``.
    """

    values: pd.DataFrame
    status: pd.DataFrame
    audit: Audit | None = None

    @property
    def hidden(self) -> pd.DataFrame:
        return self.status != ""


def _pivot(firms: pd.DataFrame, rows: str, cols: str | None, func) -> pd.DataFrame:
    keys = [rows] + ([cols] if cols else [])
    grouped = firms.groupby(keys, observed=True, sort=True)
    cell = func(grouped)
    table = cell.unstack(cols, fill_value=0) if cols else cell.to_frame(TOTAL)
    row_total = func(firms.groupby(rows, observed=True, sort=True))
    col_total = func(firms.groupby(cols, observed=True, sort=True)) if cols else None
    grand = func(firms.assign(_all=TOTAL).groupby("_all"))
    if cols:
        table[TOTAL] = row_total
        table.loc[TOTAL] = list(col_total.reindex(table.columns[:-1]).fillna(0)) + [grand.iloc[0]]
    else:
        table.loc[TOTAL] = grand.iloc[0]
    table.index = table.index.astype(object)
    table.columns = table.columns.astype(object)
    return table


def _secondary(values: pd.DataFrame, hidden: np.ndarray) -> np.ndarray:
    """Hide more cells until no row or column relation holds exactly one hidden cell."""
    hidden = hidden.copy()
    n_rows, n_cols = hidden.shape
    data = values.to_numpy(dtype=float)
    # Each relation: the cells of a line, including its total (the last row/column).
    columns = [[(i, j) for i in range(n_rows)] for j in range(n_cols)]
    relations = columns + ([[(i, j) for j in range(n_cols)] for i in range(n_rows)] if n_cols > 1 else [])
    changed = True
    while changed:
        changed = False
        for cells in relations:
            if sum(hidden[c] for c in cells) != 1:
                continue
            candidates = [c for c in cells if not hidden[c] and c[0] != n_rows - 1 and (n_cols == 1 or c[1] != n_cols - 1)]
            candidates = candidates or [c for c in cells if not hidden[c]]
            if not candidates:
                continue
            nonzero = [c for c in candidates if data[c] > 0] or candidates

            def lone_elsewhere(cell):
                # Relations through this cell that also hold a single hidden cell: hiding
                # it settles them too, which keeps the number of hidden cells small.
                return sum(1 for other in relations if other is not cells and cell in other
                           and sum(hidden[c] for c in other) == 1)

            hidden[min(nonzero, key=lambda c: (-lone_elsewhere(c), data[c], c))] = True
            changed = True
    return hidden


def protect(
    firms: pd.DataFrame,
    rows: str,
    cols: str | None = None,
    *,
    value: str | None = None,
    min_count: int = MIN_COUNT,
    dominance: float = DOMINANCE,
) -> Protected:
    """Count firms (or total ``value``) by ``rows`` (and ``cols``), with totals, protected.

    >>> firms = pd.DataFrame({"district": ["A", "A", "A", "B", "B", "C", "C", "C"],
    ...                       "employees": [5, 5, 5, 9, 1, 100, 2, 3]})
    >>> table = protect(firms, "district", value="employees")
    >>> table.status[TOTAL].tolist()
    ['secondary', 'count', 'dominance', '']

    B has 2 firms, C is dominated (100 of 105). With A (15) shown, B + C = 130 - 15 = 115,
    so C <= 115, short of the 103 / 0.85 = 121.2 that C's two largest firms require: the
    audit hides A too, and C may then be anything up to 130.
    """
    counts = _pivot(firms, rows, cols, lambda g: g.size())
    if value is None:
        values = counts.astype(float)
    else:
        values = _pivot(firms, rows, cols, lambda g: g[value].sum()).astype(float)
    status = pd.DataFrame("", index=values.index, columns=values.columns)
    status[(counts > 0) & (counts < min_count)] = "count"
    required: dict[tuple[int, int], tuple[str, float]] = {}
    if value is not None:
        top1 = _pivot(firms, rows, cols, lambda g: g[value].max()).reindex_like(values).astype(float)
        top2 = _pivot(firms, rows, cols, lambda g: g[value].apply(lambda s: s.nlargest(2).sum())).reindex_like(values).astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            dominated = ((top1 / values > dominance) | (top2 / values > dominance)) & (values > 0)
        status[(status == "") & dominated] = "dominance"
        # A hidden total must stay uncertain up to the value at which its one or two
        # largest firms would no longer dominate it (a cell of 1 or 2 firms: all of it).
        reach = (top2 / dominance).to_numpy()
        for cell in map(tuple, np.argwhere((status != "").to_numpy())):
            required[cell] = ("dominance", float(reach[cell]))
    else:
        for cell in map(tuple, np.argwhere((status != "").to_numpy())):
            required[cell] = ("count", float(min_count))
    primary = (status != "").to_numpy()
    final, audit = enforce(values.to_numpy(dtype=float), _secondary(values, primary), required)
    AUDITS.append(audit)
    status = status.mask(final & ~primary, "secondary")
    return Protected(values=values.mask(status != ""), status=status, audit=audit)


def hidden_groups(
    frame: pd.DataFrame,
    key: str,
    *,
    value: str | None = None,
    min_count: int = MIN_COUNT,
    dominance: float = DOMINANCE,
) -> pd.Series:
    """Which groups of a one-way table by ``key`` are hidden: by firm count, and also by
    dominance of ``value`` when given, each with its secondary suppression.

    >>> firms = pd.DataFrame({"park": ["A"] * 3 + ["B"] * 2 + ["C"] * 3, "employees": [10, 10, 10, 5, 5, 20, 20, 20]})
    >>> hidden_groups(firms, "park", value="employees").to_dict()
    {'A': True, 'B': True, 'C': False}
    """
    hidden = protect(frame, key, min_count=min_count).hidden[TOTAL]
    if value is not None:
        hidden = hidden | protect(frame, key, value=value, min_count=min_count, dominance=dominance).hidden[TOTAL]
    return hidden.drop(TOTAL)


def hide(table: pd.DataFrame, hidden, columns: list[str]) -> pd.DataFrame:
    """A copy of ``table`` with a ``hidden`` column and ``columns`` set to null where hidden.

    >>> hide(pd.DataFrame({"g": ["a", "b"], "n": [5, 1]}), [False, True], ["n"])["n"].tolist()
    [5.0, nan]
    """
    out = table.copy()
    out["hidden"] = pd.Series(hidden, index=out.index).fillna(False).astype(bool)
    for column in columns:
        out[column] = out[column].astype("float64").mask(out["hidden"])
    return out


def display(table: Protected, fmt) -> pd.DataFrame:
    """The protected values as text: ``fmt`` for shown cells, :data:`SYMBOL` for hidden ones."""
    shown = table.values.map(lambda v: "" if pd.isna(v) else fmt(v))
    return shown.mask(table.hidden, SYMBOL)


def audit_summary() -> dict:
    """The audits of this process so far: tables, hidden cells checked, primary cells and
    the smallest margin of protection (in the table's unit; None when nothing was hidden).

    >>> AUDITS.clear(); AUDITS.append(Audit(4, 2, 1.0)); AUDITS.append(Audit(0, 0, float("inf")))
    >>> audit_summary()
    {'tables': 2, 'cells_checked': 4, 'primary_cells': 2, 'smallest_margin': 1.0}
    """
    margins = [a.smallest_margin for a in AUDITS if a.primary_cells]
    return {"tables": len(AUDITS), "cells_checked": sum(a.cells_checked for a in AUDITS),
            "primary_cells": sum(a.primary_cells for a in AUDITS), "smallest_margin": min(margins) if margins else None}
