"""A series of extracts: each extract's figures on one map, and what changed between
consecutive extracts (the flows of :mod:`adoption.metrics.panel`), by unit, protected.

A series is a folder holding one processed folder per extract, named by its extract date
(``data/processed/2023-09-30/``, ``data/processed/2024-12-31/``, ...). The map is that of
2023 (the 9 district units) or that of 2025 (the 36 wards and communes of Ho Chi Minh City
made from former Bình Dương): a firm the map cannot place is a line of its own, never
spread over the units.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..core import config
from ..core.errors import ParameterError
from ..core.io import CleanData, extract_folders, load_clean
from ..core.schema import Enterprises as E
from . import disclosure, panel
from .adoption import NOT_ASSIGNABLE, adoption_by, group_key
from .maps import MAPS, check_map, unit_column
from .scope import in_scope

# Firms the map cannot place at all (on the 2023 map: located on the 2025 map only).
UNPLACED = "unplaced"


class Series(dict):
    """Extract date -> clean data, in date order, with the flows between two extracts
    (:func:`adoption.metrics.panel.flows`) linked once however many tables use them."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._flows: dict[tuple[str, str], pd.DataFrame] = {}

    def flows(self, before: str, after: str) -> pd.DataFrame:
        """The firms of extracts ``before`` and ``after`` linked by tax code."""
        if (before, after) not in self._flows:
            self._flows[before, after] = panel.flows(self[before].enterprises, self[after].enterprises,
                                                     previous_platforms=self[before].platforms,
                                                     current_platforms=self[after].platforms)
        return self._flows[before, after]


def _linked(series: dict[str, CleanData]) -> Series:
    return series if isinstance(series, Series) else Series(series)


def load_series(root: Path | str | None = None) -> Series:
    """Every extract of a series (default: ``data/processed/``), loaded and checked:
    extract date -> its clean data."""
    root = Path(root) if root else config.PROCESSED_DIR
    folders = extract_folders(root)
    if len(folders) < 2:
        raise ParameterError(f"{root}: a series needs at least two extracts, each a folder named by its date "
                             f"(YYYY-MM-DD) holding clean tables; found {len(folders)}")
    return Series((day, load_clean(folder)) for day, folder in folders)


def _placed(firms: pd.DataFrame, map_: str) -> pd.DataFrame:
    """``firms`` with the firms ``map_`` cannot place at all given the unit ``unplaced``."""
    column = unit_column(map_)
    code = firms[column].astype("string")
    # On the 2025 map a firm with candidate units is "not assignable", not unplaced.
    nowhere = code.isna() & (firms["commune2025_candidates"].isna() if column == "commune2025_code" else True)
    return firms.assign(**{column: code.mask(nowhere, UNPLACED)})


def unit_key(firms: pd.DataFrame, map_: str) -> pd.Series:
    """Each firm's unit on ``map_``: a district code (2023), a 2025 unit code or
    ``not_assignable`` (2025); ``unplaced`` where the map cannot place the firm at all.

    >>> firms = pd.DataFrame({"district_code": ["718", None], "commune2025_code": [None, "25747"],
    ...                       "commune2025_candidates": ["25816|25822", None]})
    >>> unit_key(firms, "2023").tolist(), unit_key(firms, "2025").tolist()
    (['718', 'unplaced'], ['not_assignable', '25747'])
    """
    _, key = group_key(_placed(firms, map_), MAPS[map_])
    return key.astype("string")


def figures(series: dict[str, CleanData]) -> pd.DataFrame:
    """Each extract's enterprises in scope, adopters and adoption rate (the same on any map)."""
    rows = []
    for day, data in series.items():
        firms = in_scope(data.enterprises)
        adopters = int(firms[E.uses_digital_platform].sum())
        rows.append({"extract": day, "enterprises": len(firms), "adopters": adopters,
                     "adoption_rate": adopters / len(firms) if len(firms) else float("nan")})
    return pd.DataFrame(rows)


def rates_by_unit(series: dict[str, CleanData], map_: str) -> pd.DataFrame:
    """The adoption rate of each unit of ``map_`` in each extract, protected as every
    adoption table is: one row a unit (and the firms the map cannot place), one column an
    extract; null where hidden or where the unit had no firm (``attrs["hidden"]``: which
    cells are hidden)."""
    columns, hidden = {}, {}
    for day, data in series.items():
        table = adoption_by(_placed(in_scope(data.enterprises), map_), MAPS[map_], protected=True)
        table = table.set_index(table.columns[0])
        columns[day], hidden[day] = table["adoption_rate"], table["hidden"].astype(bool)
    out = pd.DataFrame(columns)
    out.index.name = "unit"
    # which cells are hidden (a null that is not hidden is a unit without firms in that extract)
    out.attrs["hidden"] = pd.DataFrame({day: flags.reindex(out.index, fill_value=False) for day, flags in hidden.items()}
                                       ).reset_index(drop=True)
    return out.reset_index()


def changes(series: dict[str, CleanData], map_: str | None = None) -> pd.DataFrame:
    """What changed between each extract and the one before: head offices that entered,
    left, closed, changed status, moved, changed activity (and those the extracts cannot
    tell), started using a platform. With ``map_``, by unit of that map for the latest
    pair, each flow protected like a count table (a unit with 1 or 2 firms in a flow is
    hidden, with what would reveal it)."""
    series = _linked(series)
    days = list(series)
    if map_ is None:
        parts = [panel.flow_counts(series.flows(before, after)).assign(previous=before, extract=after)
                 for before, after in zip(days, days[1:])]
        return pd.concat(parts, ignore_index=True)[["previous", "extract", *panel.FLOWS, "moved_unknown", "activity_unknown"]]
    before, after = days[-2], days[-1]
    flows = series.flows(before, after)
    flows = flows[~flows[E.is_branch]].copy()
    placed = pd.concat([series[after].enterprises, series[before].enterprises]).drop_duplicates(E.tax_code)
    units = unit_key(placed, map_)
    flows["unit"] = flows[E.tax_code].map(dict(zip(placed[E.tax_code], units))).fillna(UNPLACED)
    out = pd.DataFrame(index=pd.Index(sorted(flows["unit"].unique()), name="unit"))
    hidden = pd.DataFrame(False, index=out.index, columns=list(panel.FLOWS))
    for flow in panel.FLOWS:
        members = flows[flows[flow].fillna(False).astype(bool)]
        out[flow] = members.groupby("unit").size().reindex(out.index, fill_value=0)
        if len(members):
            found = disclosure.hidden_groups(members, "unit")
            # None shown, zeros too, where no choice protects the units (a unit listed has firms).
            hidden[flow] = found.reindex(out.index, fill_value=found.attrs["withheld"]).to_numpy(dtype=bool)
    out = out.astype("float64").mask(hidden)
    out.attrs["hidden"] = int(hidden.to_numpy().sum())
    return out.reset_index()


__all__ = ["MAPS", "NOT_ASSIGNABLE", "Series", "UNPLACED", "changes", "check_map", "extract_folders", "figures", "load_series",
           "rates_by_unit", "unit_key"]
