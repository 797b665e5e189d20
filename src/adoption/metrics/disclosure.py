"""Statistical disclosure control for every table meant for a shared report.

Rules used by statistics offices (OECD glossary, INSEE, INE Portugal; see
reference_data/SOURCES.md):

* primary, by count: a cell counting 1 or 2 firms (fewer than ``min_count``) is not shown
  (an empty cell is shown: it describes no firm);
* primary, by attribute: where a group is split into the firms with and without an
  attribute (using digital platforms), each part is such a cell, and a part of 0 firms
  too: it says that every firm of the group has the attribute, or that none has
  (``protect(..., split=...)``). "State: 3 firms, 3 using platforms" and "FDI: 10 firms,
  1 using platforms" are both hidden, though no group is under 3 firms;
* primary, by dominance: a cell of a total (employees, capital, revenue) where the
  largest firm, or the two largest, hold more than ``dominance`` of it is not shown;
* secondary: wherever a row or column (with its total; in a split two-way table, any line
  of the three-way table) would hold exactly one hidden cell, the smallest other cell is
  hidden too, until no hidden value can be recomputed by subtraction from the totals;
* audit: an attacker with a linear-programming solver and every published cell must not
  narrow a primary cell down beyond its required protection; where one can, more cells
  are hidden (:mod:`adoption.metrics.audit`). Every audit is recorded in :data:`AUDITS`.

Hidden cells show :data:`SYMBOL`, explained under each shared table by the report's
disclosure footnote (:func:`adoption.report.page.disclosure_note`). Firm identifiers
never reach a protected table: it holds only group labels and aggregates.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..core.errors import ParameterError, TooFewFirms
from .audit import AUDITS, Audit, audit_summary, close_lines, count_floors, enforce, known_cells, rank_by_totals, record

__all__ = ["AUDITS", "DOMINANCE", "MIN_COUNT", "SPLIT", "SYMBOL", "TOTAL", "Protected", "audit_summary", "display",
           "dominated", "hidden_groups", "hidden_margins", "hide", "part_hidden", "protect", "protect_counts",
           "require_firms", "split_hidden"]

SYMBOL = "x"
TOTAL = "total"
# The parts of a group split by a yes/no attribute: the firms without it, then with it.
SPLIT = [False, True]
MIN_COUNT = 3
DOMINANCE = 0.85
# A median (or another order statistic) of fewer firms than this is not shown: in a small
# group it is one firm's own value.
MEDIAN_MIN_FIRMS = 10
@dataclass
class Protected:
    """A table with its totals, and why each hidden cell is hidden.

    ``values``: groups as rows (and columns), with a ``total`` row and column; hidden cells
    are NaN. Split by an attribute, the parts (:data:`SPLIT`, then ``total``) are the
    columns, or the second level of the columns under each column group. ``status``: the
    same shape, ``""`` for a shown cell, else ``count``, ``dominance`` or ``secondary``.
    """

    values: pd.DataFrame
    status: pd.DataFrame
    audit: Audit | None = None

    @property
    def hidden(self) -> pd.DataFrame:
        return self.status != ""

    @property
    def withheld(self) -> bool:
        """True when no choice of hidden cells protects the table as laid out (8 firms in 8
        listed sectors are 1 each): such a table, its groups included, is not shown."""
        return self.audit is not None and self.audit.smallest_margin < -1e-9


def _levels(firms: pd.DataFrame, keys: list[str]) -> list[list]:
    """The groups along each key: sorted, those with firms only."""
    return [list(firms.groupby(key, observed=True, sort=True).size().index) for key in keys]


def _cube(firms: pd.DataFrame, keys: list[str], func, levels: list[list]) -> np.ndarray:
    """``func`` of the firms of every cell of the table by ``keys`` and of every margin: an
    array with one axis per key, the groups of ``levels`` along it and the total last."""
    out = np.zeros(tuple(len(groups) + 1 for groups in levels))
    for kept in itertools.product((True, False), repeat=len(keys)):  # False: the axis is summed up
        by = [key for key, keep in zip(keys, kept) if keep]
        if not by:
            out[(-1,) * len(keys)] = func(firms.assign(_all=TOTAL).groupby("_all")).iloc[0]
            continue
        result = func(firms.groupby(by, observed=True, sort=True))
        where, level = [], 0
        for axis, keep in enumerate(kept):
            if keep:
                labels = result.index.get_level_values(level) if len(by) > 1 else result.index
                where.append(pd.Index(levels[axis], dtype=object).get_indexer(labels.astype(object)))
                level += 1
            else:
                where.append(np.full(len(result), len(levels[axis])))
        out[tuple(where)] = result.to_numpy(dtype=float)
    return out


def _frame(cube: np.ndarray, levels: list[list]) -> pd.DataFrame:
    """A cube as a table: the first key's groups as rows; the second key's as columns, or
    (with a third) the pairs of the second and third keys' groups; a total last on each."""
    labels = [list(groups) + [TOTAL] for groups in levels]
    index = pd.Index(labels[0], dtype=object)
    if len(labels) == 1:
        return pd.DataFrame(cube.reshape(-1, 1), index=index, columns=pd.Index([TOTAL], dtype=object))
    if len(labels) == 2:
        return pd.DataFrame(cube, index=index, columns=pd.Index(labels[1], dtype=object))
    columns = pd.MultiIndex.from_product([pd.Index(labels[1], dtype=object), pd.Index(labels[2], dtype=object)])
    return pd.DataFrame(cube.reshape(cube.shape[0], -1), index=index, columns=columns)


def protect(
    firms: pd.DataFrame,
    rows: str,
    cols: str | None = None,
    *,
    value: str | None = None,
    split: str | None = None,
    min_count: int = MIN_COUNT,
    dominance: float = DOMINANCE,
    secret_total: bool = False,
    published: tuple = (),
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

    ``split`` (a yes/no column of the firms, such as ``uses_digital_platform``) splits
    each group into the firms with and without it: the table gains an axis (its columns,
    or with ``cols`` pairs of columns), and the firms of each part are cells under the
    same rule, with one difference. An empty group describes no firm, so it is shown; an
    empty part of a group that has firms describes all of them (none of the group's firms
    has the attribute, or every one has), so a part of 0, 1 or 2 firms is hidden. The
    LP audit then keeps each such part at least ``min_count`` wide, through the group
    totals and every other published line.

    >>> firms = pd.DataFrame({"owner": ["state"] * 3 + ["private"] * 8,
    ...                       "uses": [True] * 3 + [True] * 4 + [False] * 4})
    >>> table = protect(firms, "owner", split="uses")
    >>> table.status.columns.tolist(), table.status.loc["state"].tolist()
    ([False, True, 'total'], ['count', 'secondary', ''])

    State: 3 firms, 3 using (and 0 not): both parts are hidden, and so are private's, since
    each could be recomputed from the column totals; each group's firm count stays.

    ``secret_total`` (with ``split``): the parts of the whole (all firms with the attribute,
    and without) are kept as uncertain as a primary cell, hidden here because another
    table hides them (a province's adopters that the table of every province hides).
    ``published``: (key, group) pairs whose firms another figure shows (the headline's FDI
    enterprises), known to the attacker whether this table shows them or not."""
    if split is not None and value is not None:
        raise ParameterError("a table split by an attribute counts firms: give split or value, not both")
    keys = [rows] + ([cols] if cols else []) + ([split] if split else [])
    levels = _levels(firms, keys)
    if split is not None:  # both parts, even where no firm has the attribute (or every one has)
        firms = firms.assign(**{split: firms[split].astype(bool)})
        levels[-1] = SPLIT
    counts = _cube(firms, keys, lambda g: g.size(), levels)
    if value is None:
        known = [tuple(levels[keys.index(key)].index(group) if at == keys.index(key) else -1 for at in range(len(keys)))
                 for key, group in published if key in keys[:len(keys) - bool(split)] and group in levels[keys.index(key)]]
        return protect_counts(counts, levels, split=split is not None, min_count=min_count, secret_total=secret_total,
                              published=known)
    values = _cube(firms, keys, lambda g: g[value].sum(), levels)
    status = _primary(counts, split=split is not None, min_count=min_count)
    top1 = _cube(firms, keys, lambda g: g[value].max(), levels)
    top2 = _cube(firms, keys, lambda g: g[value].apply(lambda s: s.nlargest(2).sum()), levels)
    with np.errstate(divide="ignore", invalid="ignore"):
        dominated = ((top1 / values > dominance) | (top2 / values > dominance)) & (values > 0)
    status[(status == "") & dominated] = "dominance"
    # A hidden total must stay uncertain up to the value at which its one or two largest
    # firms would no longer dominate it (a cell of 1 or 2 firms: all of it).
    reach = top2 / dominance
    required = {cell: ("dominance", float(reach[cell])) for cell in map(tuple, np.argwhere(status != ""))}
    split_ = split is not None
    return _secondary(values, status, required, levels, split=split_, known=known_cells(counts, status, split=split_))


def _primary(counts: np.ndarray, *, split: bool, min_count: int) -> np.ndarray:
    """``count`` where a cell has 1 to ``min_count - 1`` firms; split by an attribute, also
    where a part of a group that has firms has fewer than ``min_count`` (0 included)."""
    status = np.full(counts.shape, "", dtype=object)
    status[(counts > 0) & (counts < min_count)] = "count"
    if split:
        # A part (with or without the attribute) of a group that has firms: an empty part is
        # as telling as a part of one firm.
        group_firms = counts[..., -1:]
        status[..., :-1][(counts[..., :-1] < min_count) & (group_firms > 0)] = "count"
    return status


def _secondary(values: np.ndarray, status: np.ndarray, required: dict, levels: list[list], *, split: bool,
               known: np.ndarray, floors: np.ndarray | None = None) -> Protected:
    """The cells to hide besides the primary ones, found and proved by the LP audit."""
    primary = status != ""
    rank = rank_by_totals(values.shape, split=split)
    final, audit = enforce(values, close_lines(values, primary, rank, known), required, rank, floors=floors, known=known)
    if audit.smallest_margin >= -1e-9:  # a table withheld is not shown: no audit of it to report
        record(audit, values, final)
    status[final & ~primary] = "secondary"
    table, why = _frame(values, levels), _frame(status, levels)
    return Protected(values=table.mask(why != ""), status=why, audit=audit)


def protect_counts(counts: np.ndarray, levels: list[list], *, split: bool = False, min_count: int = MIN_COUNT,
                   secret_total: bool = False, published: list[tuple] | tuple = ()) -> Protected:
    """:func:`protect` of a table of firm counts already counted: ``counts`` has one axis
    per key with the groups of ``levels`` along it and the total last (split by an
    attribute, the last axis is ``[without, with, total]``). For series that count the
    same firms month after month without grouping them again.

    >>> protect_counts(np.array([[0.0, 3, 3], [4, 4, 8], [4, 7, 11]]), [["state", "private"], SPLIT], split=True
    ...                ).status.loc["state"].tolist()
    ['count', 'secondary', '']
    """
    status = _primary(counts, split=split, min_count=min_count)
    if secret_total and split:  # the whole's parts, hidden by another table: protected as primary cells
        grand = (-1,) * (counts.ndim - 1)
        status[grand][:-1] = np.where(status[grand][:-1] == "", "count", status[grand][:-1])
    # The attacker's interval must span from what the layout tells anyway (a listed group
    # has a firm: a floor of 1) to ``min_count``: [1, 3] leaves 1, 2 or 3; [0, 3] for a part.
    floors = count_floors(counts, split=split)
    required = {cell: ("count", float(min_count - floors[cell])) for cell in map(tuple, np.argwhere(status != ""))}
    known = known_cells(counts, status, split=split)
    for cell in published:  # a group's firms another figure shows (a cell with the split's total last)
        known[cell] |= status[cell] == ""
    return _secondary(counts, status, required, levels, split=split, known=known, floors=floors)


def hidden_groups(
    frame: pd.DataFrame,
    key: str,
    *,
    value: str | None = None,
    min_count: int = MIN_COUNT,
    dominance: float = DOMINANCE,
) -> pd.Series:
    """Which groups of a one-way table by ``key`` are hidden: by firm count, and also by
    dominance of ``value`` when given, each with its secondary suppression. Every group,
    with ``attrs["withheld"]``, where no choice protects them (:attr:`Protected.withheld`):
    4 firms in 4 sectors are each 1, since a table lists only groups with firms.

    >>> hidden_groups(pd.DataFrame({"sector": list("ABCD")}), "sector").attrs["withheld"]
    True
    >>> firms = pd.DataFrame({"park": ["A"] * 3 + ["B"] * 2 + ["C"] * 3, "employees": [10, 10, 10, 5, 5, 20, 20, 20]})
    >>> hidden_groups(firms, "park", value="employees").to_dict()
    {'A': True, 'B': True, 'C': False}
    """
    if frame.empty:  # no firm: no group, nothing to hide
        out = pd.Series(dtype=bool)
        out.attrs["withheld"] = False
        return out
    counts = protect(frame, key, min_count=min_count)
    hidden, withheld = counts.hidden[TOTAL], counts.withheld
    if value is not None:
        totals = protect(frame, key, value=value, min_count=min_count, dominance=dominance)
        hidden, withheld = hidden | totals.hidden[TOTAL], withheld or totals.withheld
    out = hidden.drop(TOTAL) | withheld
    # No choice of hidden groups protects them (:attr:`Protected.withheld`): every group is
    # hidden, and a caller hides what would tell that a group has firms (its zeros too).
    out.attrs["withheld"] = withheld
    return out


def hide(table: pd.DataFrame, hidden, columns: list[str], *, masks: dict | None = None) -> pd.DataFrame:
    """A copy of ``table`` with a ``hidden`` column and ``columns`` set to null where hidden,
    or where a column's own mask in ``masks`` says so (a group may show some figures).

    >>> hide(pd.DataFrame({"g": ["a", "b"], "n": [5, 1]}), [False, True], ["n"])["n"].tolist()
    [5.0, nan]
    """
    out = table.copy()
    out["hidden"] = pd.Series(hidden, index=out.index).fillna(False).astype(bool)
    masks = masks or {}
    for column in columns:
        mask = pd.Series(masks[column], index=out.index).astype(bool) if column in masks else out["hidden"]
        out[column] = out[column].astype("float64").mask(mask)
    return out


def split_hidden(table: Protected, groups: list[tuple]) -> pd.DataFrame:
    """Which figures of each group of a table protected with ``split`` are hidden: one row
    per group (a tuple of the ``rows`` value, and the ``cols`` value when given), columns
    ``without``, ``with`` (the two parts), ``group`` (its firms) and ``all_firms`` (the
    table's grand total).

    >>> firms = pd.DataFrame({"owner": ["state"] * 3 + ["private"] * 8, "uses": [True] * 7 + [False] * 4})
    >>> split_hidden(protect(firms, "owner", split="uses"), [("state",)]).iloc[0].tolist()
    [True, True, False, False]
    """
    hidden = table.hidden
    two_way = isinstance(hidden.columns, pd.MultiIndex)
    cells = hidden.to_numpy(dtype=bool)
    grand = (TOTAL, TOTAL) if two_way else (TOTAL,)
    rows = _positions(hidden.index, [g[0] for g in [*groups, grand]])
    out = {}
    for name, part in (("without", False), ("with", True), ("group", TOTAL)):
        out[name] = cells[rows[:-1], _positions(hidden.columns, [(g[1], part) if two_way else part for g in groups])]
    out["all_firms"] = np.repeat(cells[rows[-1], _positions(hidden.columns, [(TOTAL, TOTAL) if two_way else TOTAL])[0]],
                                 len(groups))
    return pd.DataFrame(out, columns=["without", "with", "group", "all_firms"])


def _positions(index: pd.Index, keys: list) -> np.ndarray:
    """Where each of ``keys`` is in ``index`` (a KeyError for one that is not there)."""
    # As objects: pandas would make text of None among strings, and miss it in ``index``.
    at = index.get_indexer(pd.Index(keys, dtype=object, tupleize_cols=isinstance(index, pd.MultiIndex)) if keys else [])
    if (at < 0).any():
        raise KeyError(keys[int(np.argmax(at < 0))])
    return at.astype(np.intp)


def hidden_margins(table: Protected, names: list[str]) -> list[tuple[str, object, object]]:
    """The margins of a table protected with ``split`` that its protection hides: each as
    (dimension, group, part), the dimension ``"all"`` (group ``total``) for the grand
    totals, part ``False``, ``True`` or ``total`` (the firms). Other tables of the same
    firms (the one-way tables, the headline) must not show these, or the hidden cells of
    this one can be narrowed down: a margin is hidden only where no cell inside the table
    can protect a sensitive one.

    >>> firms = pd.DataFrame({"owner": ["state"] * 3 + ["private"] * 8, "uses": [True] * 7 + [False] * 4})
    >>> hidden_margins(protect(firms, "owner", split="uses"), ["owner"])
    []
    """
    hidden = table.hidden
    out = []
    for row in hidden.index:
        for column in hidden.columns:
            cell = (row, *column) if isinstance(column, tuple) else (row, column)
            at_total = [value == TOTAL for value in cell[:-1]]
            if any(at_total) and hidden.loc[row, column]:
                if all(at_total):
                    out.append(("all", TOTAL, cell[-1]))
                else:
                    axis = at_total.index(False)
                    out.append((names[axis], cell[axis], cell[-1]))
    return out


def require_firms(firms: pd.DataFrame, *, linked=(), min_count: int = MIN_COUNT) -> pd.DataFrame:
    """``firms``, the population of a shared report, when a report may describe them: not
    1 or 2 firms (under ``min_count``; none is fine), whose tables' very rows would be
    their profile, nor a place whose firm count a table of every place hides (``linked``
    holds ``"enterprises"``: :func:`adoption.metrics.areas.linked_hidden`), which a page
    would show. Else :class:`~adoption.core.errors.TooFewFirms`: the build lists the
    report as not built, for one reason in both cases (two would tell 1 or 2 firms apart).

    >>> len(require_firms(pd.DataFrame({"tax_code": ["1", "2", "3"]})))
    3
    >>> require_firms(pd.DataFrame({"tax_code": ["1"]}))
    Traceback (most recent call last):
    ...
    adoption.core.errors.TooFewFirms: too few enterprises to report on alone: their number is hidden (x) where every place is listed, so no report of them is made
    """
    if 0 < len(firms) < min_count or "enterprises" in linked:
        raise TooFewFirms("too few enterprises to report on alone: their number is hidden (x) where every place is "
                          "listed, so no report of them is made")
    return firms


def part_hidden(part: int, group: int, *, min_count: int = MIN_COUNT) -> bool:
    """The rule for a group split in two shown on its own (the province's adopters in a
    headline, a month of a series): hidden when the group has firms and either part
    counts fewer than ``min_count``, none included (see :func:`protect`).

    >>> part_hidden(3, 3), part_hidden(1, 10), part_hidden(45_000, 65_000), part_hidden(0, 0)
    (True, True, False, False)
    """
    return group > 0 and (part < min_count or group - part < min_count)


def dominated(values: pd.Series, *, dominance: float = DOMINANCE) -> bool:
    """The dominance rule for one total shown on its own: True when its largest one or
    two contributions hold more than ``dominance`` of it (unknown values count as 0).

    >>> dominated(pd.Series([950, 30, 20])), dominated(pd.Series([40, 30, 20, 10])), dominated(pd.Series([], dtype=float))
    (True, False, False)
    """
    known = pd.to_numeric(values, errors="coerce").fillna(0).astype(float)
    total = known.sum()
    return bool(total > 0 and known.nlargest(2).sum() > dominance * total)


def display(table: Protected, fmt) -> pd.DataFrame:
    """The protected values as text: ``fmt`` for shown cells, :data:`SYMBOL` for hidden ones."""
    shown = table.values.map(lambda v: "" if pd.isna(v) else fmt(v))
    return shown.mask(table.hidden, SYMBOL)
