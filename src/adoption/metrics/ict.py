"""The ICT sector (OECD definition) and the wider electronics-IT-digital group: firms and workers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.errors import ParameterError
from ..core.schema import Enterprises as E
from . import disclosure
from .adoption import group_key
from .sectors import placed, sector_columns

# Which flag each sector group reads.
SECTOR_GROUPS = {"ict": "is_ict", "digital_tech": "is_digital_tech"}


def ict_sector(firms: pd.DataFrame, *, group: str = "ict", by: str | None = None, protected: bool = False,
               classification: str = "vsic2018") -> pd.DataFrame:
    """Firms and employees of the OECD ICT sector (``group="ict"``) or the wider
    electronics-IT-digital group (``"digital_tech"``), overall or by ``by`` (a dimension
    of :data:`adoption.metrics.adoption.DIMENSIONS` or ``"vsic4"``).

    ``by="vsic4"``, ``"vsic_division"`` or ``"vsic_section"`` breaks the group down by the
    class, division or section of ``classification`` (``"vsic2018"`` or ``"vsic2025"``; the
    key column is that classification's, e.g. ``vsic2025_4``), with the firms it cannot
    place in a group ``"unplaced"``. Each firm's membership of the group is its own flag,
    decided in the version its code was read in.

    Columns: the group key (with ``by``), ``firms``, ``employees``, ``mean_employees``,
    ``median_employees``. ``protected=True`` hides groups of fewer than 3 firms and
    employee totals dominated by one or two firms (over 85%), with secondary suppression;
    overall, the group's row of :func:`overview`. With no firm of the group, or 1 or 2
    (whose rows would be their profile), a protected breakdown is an empty table
    (``table.attrs["empty_group"]`` or ``["too_few"]``).

    >>> firms = pd.DataFrame({"is_ict": [True, True, False], "employees": pd.array([10, 30, 5], dtype="Int64")})
    >>> ict_sector(firms).iloc[0].to_dict()
    {'firms': 2.0, 'employees': 40.0, 'mean_employees': 20.0, 'median_employees': 20.0}
    """
    if group not in SECTOR_GROUPS:
        raise ParameterError(f"group {group!r} is not a sector group; valid values: {', '.join(SECTOR_GROUPS)}")
    columns = sector_columns(classification)
    mine = firms[firms[SECTOR_GROUPS[group]].to_numpy(dtype=bool)]
    employees = mine[E.employees].astype("Float64")
    if by is None:
        if not protected:
            return pd.DataFrame([_figures(mine)])
        whole = overview(firms, protected=True)
        at = whole.index.get_loc(group)
        row = whole.iloc[[at]].drop(columns="sector_group").reset_index(drop=True)
        row.attrs["hidden_cells"] = {column: mask[at:at + 1] for column, mask in whole.attrs["hidden_cells"].items()}
        return row
    by = columns.get(by, by)
    if mine.empty or (protected and len(mine) < disclosure.MIN_COUNT):
        # No firm of the group; or 1 or 2, whose rows (a class, an owner, a size) would be their profile.
        table = pd.DataFrame(columns=[by, "firms", "employees", "mean_employees", "median_employees"]
                             + (["hidden"] if protected else []))
        table.attrs["empty_group" if mine.empty else "too_few"] = group
        return table
    name, values = (by, placed(mine[by])) if by in (E.vsic4, E.vsic2025_4) else group_key(mine, by)
    frame = pd.DataFrame({name: values.array, "employees": employees.to_numpy(dtype=float, na_value=np.nan)})
    grouped = frame.groupby(name, observed=True, sort=True)[E.employees]
    table = pd.DataFrame({
        "firms": grouped.size(), "employees": grouped.sum(min_count=1),
        "mean_employees": grouped.mean(), "median_employees": grouped.median(),
    }).reset_index()
    if protected:
        hidden = disclosure.hidden_groups(frame.fillna({"employees": 0}), name, value="employees")
        if hidden.attrs["withheld"]:  # even its list of classes would tell firms apart: no row is shown
            table = table.iloc[:0].assign(hidden=pd.Series(dtype=bool))
            table.attrs["withheld"] = True
            return table
        table = disclosure.hide(table, table[name].map(hidden.to_dict()).to_numpy(),
                                ["firms", "employees", "mean_employees", "median_employees"])
        # The median of a small group is one firm's own figure: not shown.
        table["median_employees"] = table["median_employees"].mask(table["firms"] < disclosure.MEDIAN_MIN_FIRMS)
    return table


def _figures(group: pd.DataFrame) -> dict[str, float]:
    """A group's firms, and the sum, mean and median of its known employees (NaN, not 0,
    when none is known: a register without the column)."""
    known = group[E.employees].astype("Float64").dropna().astype(float)
    return {"firms": len(group), "employees": float(known.sum()) if len(known) else float("nan"),
            "mean_employees": float(known.mean()) if len(known) else float("nan"),
            "median_employees": float(known.median()) if len(known) else float("nan")}


def overview(firms: pd.DataFrame, *, protected: bool = False) -> pd.DataFrame:
    """The electronics-IT-digital group and the ICT sector inside it, a row each (index
    ``digital_tech``, ``ict``; column ``sector_group`` too): firms, employees, their mean
    and median.

    ``protected=True`` hides what the count and dominance rules hide, with the ICT sector
    protected as a part of the group: its figures go where the group's firms are hidden (a
    0 beside them would tell what they are not), and where the rest of the group (its firms
    outside the ICT sector, the difference of the two rows) would be 1 or 2 firms, or its
    workers held over 85% by one or two firms. A median of fewer than 10 firms is not shown
    (null, not hidden). ``table.attrs["hidden_cells"]``: column -> mask of the rows.

    >>> firms = pd.DataFrame({"is_digital_tech": [True] * 5, "is_ict": [True] * 4 + [False],
    ...                       "employees": pd.array([5, 5, 5, 9, 14], dtype="Int64")})
    >>> table = overview(firms, protected=True)
    >>> table.loc["digital_tech", ["firms", "employees"]].tolist(), table.loc["ict", ["firms", "employees"]].isna().tolist()
    ([5.0, 38.0], [True, True])
    """
    kept = {group: firms[firms[SECTOR_GROUPS[group]].to_numpy(dtype=bool)] for group in ("digital_tech", "ict")}
    table = pd.DataFrame([{"sector_group": group, **_figures(frame)} for group, frame in kept.items()], index=list(kept))
    if not protected:
        return table
    digital, core = kept["digital_tech"], kept["ict"]
    rest = digital[~digital["is_ict"].to_numpy(dtype=bool)]  # the group's firms outside the ICT sector
    few = [0 < len(digital) < disclosure.MIN_COUNT,
           0 < len(core) < disclosure.MIN_COUNT or 0 < len(digital) < disclosure.MIN_COUNT
           or 0 < len(rest) < disclosure.MIN_COUNT]
    totals = [few[0] or disclosure.dominated(digital[E.employees]),
              few[1] or disclosure.dominated(core[E.employees]) or disclosure.dominated(rest[E.employees])]
    masks = {"firms": few, "employees": totals, "mean_employees": totals, "median_employees": few}
    out = disclosure.hide(table, [False, False], list(masks), masks=masks).drop(columns="hidden")
    for group, frame in kept.items():  # a median of a small group is one firm's own figure
        if len(frame) < disclosure.MEDIAN_MIN_FIRMS:
            out.loc[group, "median_employees"] = float("nan")
    out.attrs["hidden_cells"] = {column: np.array(mask, dtype=bool) for column, mask in masks.items()}
    return out
