"""Auditing a protected table as an attacker would: by linear programming.

Hiding cells is not protection enough: from the published cells and the totals, an
attacker can often narrow a hidden cell down to a small interval, or recover it exactly
(two hidden blocks joined by one small cell, say). For every hidden cell, the audit
computes the smallest and largest value it can take given everything published (every
row and column adds up to its total; no cell is negative), with scipy's ``linprog``
(HiGHS). Each primary cell must keep its required protection:

* a count cell (1 or 2 firms): the attacker's interval is at least ``min_count`` wide;
* a dominated total: the attacker's upper bound reaches ``largest / dominance`` for the
  largest one and two contributions, the value below which the rule would not hide it
  (for a cell of 1,000 employees, 950 in one firm, at 85%: 1,117.6, a protection of 118).

Where a cell falls short, :func:`enforce` hides one more cell of its row or column (the
smallest non-zero one) and audits again, until every primary cell is protected.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Audit:
    """What the audit of one table found: hidden cells checked, primary cells, and the
    smallest margin (attacker's width or reach minus the required protection)."""

    cells_checked: int
    primary_cells: int
    smallest_margin: float


def relations(shape: tuple[int, int]) -> list[tuple[list[tuple[int, int]], tuple[int, int]]]:
    """The additive relations of a table whose last row and column are totals: the cells
    of each line and the cell holding their sum. A one-column table has its column only.

    >>> relations((3, 1))
    [([(0, 0), (1, 0)], (2, 0))]
    """
    n_rows, n_cols = shape
    out = [([(i, j) for i in range(n_rows - 1)], (n_rows - 1, j)) for j in range(n_cols)]
    if n_cols > 1:
        out += [([(i, j) for j in range(n_cols - 1)], (i, n_cols - 1)) for i in range(n_rows)]
    return out


def intervals(values: np.ndarray, hidden: np.ndarray, only=None) -> tuple[np.ndarray, np.ndarray]:
    """The smallest and largest value of each hidden cell (of those in ``only``, when
    given) consistent with the published cells and the table's totals (NaN for shown
    cells, inf for an unbounded one)."""
    cells = [tuple(c) for c in np.argwhere(hidden)]
    low, high = np.full(values.shape, np.nan), np.full(values.shape, np.nan)
    if not cells:
        return low, high
    from scipy.optimize import linprog  # imported here: a report kernel pays for it only when a cell is hidden
    index = {cell: k for k, cell in enumerate(cells)}
    rows, rhs = [], []
    for parts, total in relations(values.shape):
        if not any(hidden[c] for c in parts + [total]):
            continue
        row = np.zeros(len(cells))
        known = 0.0
        for cell, sign in [(c, 1.0) for c in parts] + [(total, -1.0)]:
            if hidden[cell]:
                row[index[cell]] += sign
            else:
                known += sign * values[cell]
        rows.append(row)
        rhs.append(-known)
    a_eq = np.array(rows) if rows else None
    b_eq = np.array(rhs) if rows else None
    for cell, k in index.items():
        if only is not None and cell not in only:
            continue
        objective = np.zeros(len(cells))
        for sign, out in ((1.0, low), (-1.0, high)):
            objective[k] = sign
            result = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
            out[cell] = sign * result.fun if result.status == 0 else (np.inf if sign < 0 else 0.0)
    return low, high


def margins(values: np.ndarray, low: np.ndarray, high: np.ndarray, required: dict) -> dict[tuple[int, int], float]:
    """Each primary cell's margin: achieved protection minus required (negative: exposed).

    ``required`` maps a cell to ``("count", width)`` or ``("dominance", upper bound)``.
    """
    out = {}
    for cell, (kind, amount) in required.items():
        achieved = high[cell] - low[cell] if kind == "count" else high[cell]
        out[cell] = float(achieved - amount)
    return out


def enforce(values: np.ndarray, hidden: np.ndarray, required: dict) -> tuple[np.ndarray, Audit]:
    """Hide more cells until every primary cell in ``required`` keeps its protection
    against the attacker of :func:`intervals`; returns the hidden cells and the audit.
    """
    hidden = hidden.copy()
    while True:
        low, high = intervals(values, hidden, only=required)
        found = margins(values, low, high, required)
        exposed = {cell: margin for cell, margin in found.items() if margin < -1e-9}
        if not exposed:
            smallest = min(found.values()) if found else float("inf")
            return hidden, Audit(int(hidden.sum()), len(required), smallest)
        candidates = _candidates(hidden, sorted(exposed, key=lambda c: (exposed[c], c)))
        if not candidates:  # every cell is hidden: nothing more to hide
            return hidden, Audit(int(hidden.sum()), len(required), min(found.values()))
        positive = [c for c in candidates if values[c] > 0] or candidates
        hidden[min(positive, key=lambda c: (values[c], c))] = True


def _candidates(hidden: np.ndarray, exposed: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Cells to hide next: shown cells of the most exposed cell's row and column (inner
    cells before totals); if all of those are hidden, of the next exposed cell's; else any
    shown cell of the table."""
    n_rows, n_cols = hidden.shape

    def inner(c):
        return c[0] != n_rows - 1 and (n_cols == 1 or c[1] != n_cols - 1)

    for cell in exposed:
        line = [c for c in [(cell[0], j) for j in range(n_cols)] + [(i, cell[1]) for i in range(n_rows)] if not hidden[c]]
        if line:
            return [c for c in line if inner(c)] or line
    shown = [tuple(c) for c in np.argwhere(~hidden)]
    return [c for c in shown if inner(c)] or shown
