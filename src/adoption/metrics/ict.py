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
    overall, the same rules hide each figure of the one row (``table.attrs["hidden_cells"]``:
    column -> mask), and a median of fewer than 10 firms. With no firm of the group, a
    breakdown is an empty table (``table.attrs["empty_group"]``).

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
        known = employees.dropna().astype(float)  # no employees column: NaN, not 0 workers
        table = pd.DataFrame([{
            "firms": len(mine), "employees": float(known.sum()) if len(known) else float("nan"),
            "mean_employees": float(known.mean()) if len(known) else float("nan"),
            "median_employees": float(known.median()) if len(known) else float("nan"),
        }])
        return _protect_whole(table, known) if protected else table
    by = columns.get(by, by)
    if mine.empty:  # no firm of the group: no group to show, nothing to hide
        table = pd.DataFrame(columns=[by, "firms", "employees", "mean_employees", "median_employees"]
                             + (["hidden"] if protected else []))
        table.attrs["empty_group"] = group
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
        table = disclosure.hide(table, table[name].map(hidden.to_dict()).to_numpy(),
                                ["firms", "employees", "mean_employees", "median_employees"])
        # The median of a small group is one firm's own figure: not shown.
        table["median_employees"] = table["median_employees"].mask(table["firms"] < disclosure.MEDIAN_MIN_FIRMS)
    return table


def _protect_whole(table: pd.DataFrame, employees: pd.Series) -> pd.DataFrame:
    """The one row of a group's figures with what the count and dominance rules hide
    nulled, and ``attrs["hidden_cells"]`` saying which (see :func:`ict_sector`).

    >>> few = _protect_whole(pd.DataFrame([{"firms": 2, "employees": 9.0, "mean_employees": 4.5,
    ...                                     "median_employees": 4.5}]), pd.Series([4.0, 5.0]))
    >>> few.iloc[0].isna().tolist(), sorted(c for c, m in few.attrs["hidden_cells"].items() if m[0])
    ([True, True, True, True], ['employees', 'firms', 'mean_employees', 'median_employees'])
    """
    firms = int(table["firms"].iloc[0])
    few = 0 < firms < disclosure.MIN_COUNT
    totals = few or disclosure.dominated(employees)
    masks = {"firms": [few], "employees": [totals], "mean_employees": [totals],
             "median_employees": [few or 0 < firms < disclosure.MEDIAN_MIN_FIRMS]}
    out = disclosure.hide(table, [False], list(masks), masks=masks).drop(columns="hidden")
    out.attrs["hidden_cells"] = {column: np.array(mask, dtype=bool) for column, mask in masks.items()}
    return out
