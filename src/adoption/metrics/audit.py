"""Auditing a protected table as an attacker would: by linear programming.

Hiding cells is not protection enough: from the published cells and the totals, an
attacker can often narrow a hidden cell down to a small interval, or recover it exactly
(two hidden blocks joined by one small cell, say). For every hidden cell, the audit
computes the smallest and largest value it can take given everything published (every
row and column adds up to its total, and in a three-way table every line along each axis;
no cell is negative, and a group the table lists has a firm: :func:`count_floors`; a total
published elsewhere, such as the headline's firms, is known whether shown or not:
:func:`known_cells`), with the HiGHS solver (highspy). Each primary cell must keep its
required protection:

* a count cell (1 or 2 firms; in a table split by an attribute, also 0 firms of a part of
  a group that has firms): the attacker's interval is at least ``min_count`` wide, less
  the floor the layout gives (a listed group's firms: from 1 to 3 at least);
* a dominated total: the attacker's upper bound reaches ``largest / dominance`` for the
  largest one and two contributions, the value below which the rule would not hide it
  (for a cell of 1,000 employees, 950 in one firm, at 85%: 1,117.6, a protection of 118).

Where a cell falls short, :func:`enforce` hides one more cell of a line through it (its
row or column; the smallest non-zero one of the lowest rank there, inner cells before
totals), hides what that line would otherwise give away, and audits again, until every
primary cell is protected; it then shows again each secondary cell the protection does
not need. Where none is left to hide and a cell is still exposed, the table cannot be
shown as laid out (its very rows tell too much): the caller withholds it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from .lp import solver


@dataclass(frozen=True)
class Audit:
    """What the audit of one table found: hidden cells checked, primary cells, and the
    smallest margin (attacker's width or reach minus the required protection)."""

    cells_checked: int
    primary_cells: int
    smallest_margin: float


# The audits of this process's protected tables, in order: a report shows their summary.
# A table protected twice (shown, and used again for a key finding) counts once.
AUDITS: list[Audit] = []
_AUDITED: set[str] = set()


def record(audit: Audit, values: np.ndarray, hidden: np.ndarray) -> None:
    """Add ``audit`` to :data:`AUDITS` unless the same table was audited already."""
    if not AUDITS:
        _AUDITED.clear()  # AUDITS was emptied: forget what it held
    signature = hashlib.sha256(str(values.shape).encode() + np.ascontiguousarray(values, dtype=float).tobytes()
                               + np.ascontiguousarray(hidden, dtype=bool).tobytes()).hexdigest()
    if signature not in _AUDITED:
        _AUDITED.add(signature)
        AUDITS.append(audit)


def relations(shape: tuple[int, ...]) -> list[tuple[list[tuple[int, ...]], tuple[int, ...]]]:
    """The additive relations of a table whose last index on every axis is the total: for
    each axis and each position on the other axes, the cells along the axis and the cell
    holding their sum. An axis of length 1 holds only its total and gives no relation (a
    one-column table has its column only). A table of three axes (districts x sizes x
    using platforms or not, say) has every two-way margin as a relation.

    >>> relations((3, 1))
    [([(0, 0), (1, 0)], (2, 0))]
    >>> len(relations((3, 3))), len(relations((3, 3, 3)))
    (6, 27)
    """
    out = []
    for axis, size in enumerate(shape):
        if size < 2:
            continue
        others = shape[:axis] + shape[axis + 1:]
        for rest in np.ndindex(*others):
            def at(k: int, rest=rest, axis=axis) -> tuple[int, ...]:
                return tuple(int(i) for i in rest[:axis] + (k,) + rest[axis:])
            out.append(([at(k) for k in range(size - 1)], at(size - 1)))
    return out


def intervals(values: np.ndarray, hidden: np.ndarray, only=None, lines=None, floors=None) -> tuple[np.ndarray, np.ndarray]:
    """The smallest and largest value of each hidden cell (of those in ``only``, when
    given) consistent with the published cells and the table's totals (NaN for shown
    cells, inf for an unbounded one). ``lines``: the table's :func:`relations`, when
    already at hand. ``floors``: what the attacker knows a hidden cell is at least (an
    array of the table's shape; 0 where not given): a group a table lists has a firm.

    One linear programme holds the table (a variable per hidden cell, no lower than its
    floor; an equation per relation through a hidden cell); each bound is that programme
    solved again with one cell's cost, from the basis of the solve before (:func:`adoption.metrics.lp.solver`).

    >>> values = np.array([[1., 2., 3.], [4., 5., 9.], [5., 7., 12.]])
    >>> hidden = np.array([[True, True, False], [True, True, False], [False, False, False]])
    >>> low, high = intervals(values, hidden)
    >>> low[:2, :2].tolist(), high[:2, :2].tolist()
    ([[0.0, 0.0], [2.0, 4.0]], [[3.0, 3.0], [5.0, 7.0]])

    Known to list only groups with firms, each hidden cell is at least 1:

    >>> low, high = intervals(values, hidden, floors=np.where(hidden, 1.0, 0.0))
    >>> low[:2, :2].tolist(), high[:2, :2].tolist()
    ([[1.0, 1.0], [3.0, 5.0]], [[2.0, 2.0], [4.0, 6.0]])
    """
    low, high = np.full(values.shape, np.nan), np.full(values.shape, np.nan)
    index, solve = _programme(values, hidden, lines, floors)
    for cell, k in index.items():
        if only is not None and cell not in only:
            continue
        low[cell] = solve(k, 1.0)
        high[cell] = -solve(k, -1.0)
    return low, high


def _programme(values: np.ndarray, hidden: np.ndarray, lines=None, floors=None):
    """The linear programme of :func:`intervals`: each hidden cell's variable number, and
    the function that minimises a variable times a cost (``solve(k, cost)``)."""
    cells = [tuple(c) for c in np.argwhere(hidden)]
    if not cells:
        return {}, None
    if not np.isfinite(np.asarray(values, dtype=float)[~hidden]).all():
        raise ValueError("the disclosure audit needs a finite value in every shown cell of the table")
    index = {cell: k for k, cell in enumerate(cells)}
    starts, columns, coefficients, rhs = [], [], [], []
    for parts, total in relations(values.shape) if lines is None else lines:
        if not any(hidden[c] for c in parts + [total]):
            continue
        row = np.zeros(len(cells))
        known = 0.0
        for cell, sign in [(c, 1.0) for c in parts] + [(total, -1.0)]:
            if hidden[cell]:
                row[index[cell]] += sign
            else:
                known += sign * values[cell]
        used = np.flatnonzero(row)
        starts.append(len(columns))
        columns.extend(used)
        coefficients.extend(row[used])
        rhs.append(-known)
    least = np.zeros(len(cells)) if floors is None else np.array([float(floors[c]) for c in cells])
    return index, solver(len(cells), starts, columns, coefficients, rhs, least)


def margins(values: np.ndarray, low: np.ndarray, high: np.ndarray, required: dict) -> dict[tuple[int, int], float]:
    """Each primary cell's margin: achieved protection minus required (negative: exposed).

    ``required`` maps a cell to ``("count", width)`` or ``("dominance", upper bound)``.
    """
    return {cell: _margin(low[cell], high[cell], *need) for cell, need in required.items()}


def _margin(low: float, high: float, kind: str, amount: float) -> float:
    """A cell's protection achieved (its interval's width, or for a dominated total its
    upper bound) minus the ``amount`` required."""
    return float((high - low if kind == "count" else high) - amount)


def rank_by_totals(shape: tuple[int, ...], *, split: bool = False) -> np.ndarray:
    """The order in which cells are hidden as secondaries, lowest first: inner cells, then
    margins, then the grand total (the number of axes on which the cell is a total, twice
    over). With ``split``, the last axis splits each group into parts: a group's total
    (its firms) comes after its parts but before any margin of the grouping axes, which the
    other tables publish.

    >>> rank_by_totals((2, 2)).tolist()
    [[0, 2], [2, 4]]
    >>> rank_by_totals((2, 3), split=True).tolist()
    [[0, 0, 1], [2, 2, 3]]
    """
    grid = np.indices(shape)
    at_total = [grid[axis] == size - 1 for axis, size in enumerate(shape)]
    grouping = at_total[:-1] if split else at_total
    rank = 2 * sum(total.astype(int) for total in grouping)
    return rank + (at_total[-1].astype(int) if split else 0)


def close_lines(values, hidden: np.ndarray, rank: np.ndarray | None = None, known: np.ndarray | None = None) -> np.ndarray:
    """Hide more cells until no relation (a row, a column, a line of a three-way table,
    each with its total) holds exactly one hidden cell, which its line would give away:
    of the line's shown cells, one of the lowest ``rank`` (:func:`rank_by_totals`: inner
    cells before totals), settling most other such lines, then the smallest. The
    secondary suppression of :func:`adoption.metrics.disclosure.protect`, and the step
    after each cell :func:`enforce` hides. ``known``: cells the attacker knows whether
    shown or not (a total another table publishes, a group the table does not list):
    hiding one protects nothing, so none is hidden, and a hidden one counts as shown."""
    hidden = np.array(hidden, dtype=bool)
    data = np.asarray(values, dtype=float).reshape(hidden.shape)
    rank = rank_by_totals(hidden.shape) if rank is None else rank
    known = np.zeros(hidden.shape, dtype=bool) if known is None else known
    secret = hidden & ~known
    lines = [parts + [total] for parts, total in relations(hidden.shape)]
    changed = True
    while changed:
        changed = False
        for cells in lines:
            if sum(secret[c] for c in cells) != 1:
                continue
            candidates = lowest([c for c in cells if not hidden[c] and not known[c]], rank)
            if not candidates:
                continue
            nonzero = [c for c in candidates if data[c] > 0] or candidates

            def lone_elsewhere(cell):
                # Relations through this cell that also hold a single hidden cell: hiding
                # it settles them too, which keeps the number of hidden cells small.
                return sum(1 for other in lines if other is not cells and cell in other
                           and sum(secret[c] for c in other) == 1)

            chosen = min(nonzero, key=lambda c: (-lone_elsewhere(c), data[c], c))
            hidden[chosen] = secret[chosen] = True
            changed = True
    return hidden


def enforce(values: np.ndarray, hidden: np.ndarray, required: dict, rank: np.ndarray | None = None, *,
            floors: np.ndarray | None = None, known: np.ndarray | None = None) -> tuple[np.ndarray, Audit]:
    """Hide more cells until every primary cell in ``required`` keeps its protection
    against the attacker of :func:`intervals`; returns the hidden cells and the audit.
    ``rank`` orders the cells that may be hidden (:func:`rank_by_totals` by default).
    ``floors``: the least value the attacker knows of each cell; ``known``: the cells the
    attacker knows whether shown or not (:func:`close_lines`), never hidden for the sake
    of another. Where every other cell is hidden and a primary cell is still exposed, the
    audit's smallest margin is negative: the table cannot be shown as it is laid out.
    Once every primary cell is protected, the secondary cells that protection does not
    need are shown again (:func:`_prune`).
    """
    hidden = hidden.copy()
    known = np.zeros(values.shape, dtype=bool) if known is None else known
    lines = relations(values.shape)
    rank = rank_by_totals(values.shape) if rank is None else rank

    def audit(hidden: np.ndarray) -> dict:
        low, high = intervals(values, hidden & ~known, only=required, lines=lines, floors=floors)
        found = margins(values, low, high, {c: r for c, r in required.items() if not known[c]})
        found.update({c: -float(r[1]) for c, r in required.items() if known[c]})  # a known secret is open
        return found

    while True:
        found = audit(hidden)
        exposed = {cell: margin for cell, margin in found.items() if margin < -1e-9}
        if not exposed:
            hidden, found = _prune(values, hidden, found, audit, required, known, lines, rank, floors)
            smallest = min(found.values()) if found else float("inf")
            return hidden, Audit(int(hidden.sum()), len(required), smallest)
        candidates = _candidates(hidden | known, sorted(exposed, key=lambda c: (exposed[c], c)), lines, rank)
        if not candidates:  # every cell is hidden: nothing more to hide
            return hidden, Audit(int(hidden.sum()), len(required), min(found.values()))
        positive = [c for c in candidates if values[c] > 0] or candidates
        hidden[min(positive, key=lambda c: (values[c], c))] = True
        hidden = close_lines(values, hidden, rank, known)  # a cell its line gives away protects nothing


def _prune(values, hidden, found, audit, required, known, lines, rank, floors) -> tuple[np.ndarray, dict]:
    """``hidden`` with each secondary cell shown again where every primary cell stays
    protected without it: totals first (other tables publish them), then the largest
    cells. The cells hidden one at a time, each the best for the moment, include some
    that a later one made needless. A trial stops at the first primary cell it exposes,
    trying first those in the relations through the cell shown, then those with the least
    margin to spare."""
    secret = hidden & ~known
    pruned = False
    for cell in sorted((tuple(int(i) for i in c) for c in np.argwhere(secret)), key=lambda c: (-rank[c], -values[c], c)):
        if cell in required:
            continue
        near = {c for parts, total in lines if cell == total or cell in parts for c in parts + [total]}
        order = sorted(found, key=lambda c: (c not in near, found[c], c))
        if not secret[cell]:  # shown already: its value was given by another shown
            continue
        secret[cell] = False
        if _holds(values, secret, order, required, known, lines, floors):
            pruned = True
            _show_given(secret, cell, lines, required)
        else:
            secret[cell] = True
    hidden = secret | (hidden & known)
    return hidden, audit(hidden) if pruned else found


def _show_given(secret: np.ndarray, cell: tuple, lines: list, required: dict) -> None:
    """Show the secondary cells that showing ``cell`` leaves alone in a relation: the
    relation gives their value, so showing them tells nothing more (a group's adopters
    shown beside its firms give its non-adopters), and so on from each."""
    todo = [cell]
    while todo:
        shown = todo.pop()
        for parts, total in lines:
            line = parts + [total]
            if shown in line:
                left = [c for c in line if secret[c]]
                if len(left) == 1 and left[0] not in required:
                    secret[left[0]] = False
                    todo.append(left[0])


def _holds(values, secret, order, required, known, lines, floors) -> bool:
    """Whether every primary cell of ``order`` (none of them ``known``) keeps its
    protection with only ``secret`` hidden; False at the first that does not."""
    index, solve = _programme(values, secret, lines, floors)
    for cell in order:
        if known[cell]:
            return False
        if cell not in index:
            return False
        if _margin(solve(index[cell], 1.0), -solve(index[cell], -1.0), *required[cell]) < -1e-9:
            return False
    return True


def known_cells(counts: np.ndarray, status: np.ndarray, *, split: bool) -> np.ndarray:
    """The cells an attacker knows whether shown or not: those of groups without firms
    (a table lists only groups that have firms: the others are 0), and the grand totals
    that are not sensitive themselves (the headline publishes the firms in scope, and the
    adopters among them where neither they nor the others are under ``min_count``:
    :func:`adoption.metrics.disclosure.part_hidden`)."""
    empty = counts[..., -1:] == 0 if split else counts == 0
    known = np.broadcast_to(empty, counts.shape).copy()
    grand = (-1,) * (counts.ndim - 1 if split else counts.ndim)
    # Split, the headline shows the parts of the whole only where neither is sensitive,
    # and the firms in scope always.
    known[grand] |= bool(np.all(status[grand] == ""))
    if split:
        known[grand + (-1,)] |= status[grand + (-1,)] == ""
    return known


def count_floors(counts: np.ndarray, *, split: bool) -> np.ndarray:
    """What an attacker knows of each cell of firm counts at least: a group the table lists
    has a firm (1), a part of it (with an attribute or without) may have none (0)."""
    floors = (counts > 0).astype(float)
    if split:
        floors[..., :-1] = 0.0
    return floors


def lowest(cells: list, rank: np.ndarray) -> list:
    """The cells of the lowest rank among ``cells``."""
    if not cells:
        return []
    least = min(rank[c] for c in cells)
    return [c for c in cells if rank[c] == least]


def _candidates(hidden: np.ndarray, exposed: list[tuple[int, ...]], lines: list, rank: np.ndarray) -> list[tuple[int, ...]]:
    """Cells to hide next: of the relations through an exposed cell (its row and column in
    a two-way table), those shown of the lowest rank there is among them (inner cells
    before totals, so that a margin other tables publish is hidden only when no inner
    cell of those relations is left), through the most exposed cell first among equals;
    where no relation through any exposed cell has a cell left, any of the lowest rank.

    A cell outside every exposed cell's relations is not hidden while one inside is left:
    hiding the smallest cell anywhere (the rule before) helped no exposed cell and spread
    over whole tables, hiding every cell of a 63-province table by size."""
    through = []
    for cell in exposed:
        line = [c for parts, total in lines if cell == total or cell in parts for c in parts + [total] if not hidden[c]]
        if line:
            through.append(lowest(line, rank))
    if through:
        least = min(rank[group[0]] for group in through)
        return next(group for group in through if rank[group[0]] == least)
    shown = [tuple(int(i) for i in c) for c in np.argwhere(~hidden)]
    return lowest(shown, rank)


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
