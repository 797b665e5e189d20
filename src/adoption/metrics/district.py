"""A district unit against its province: its headline figures beside the province's with
its rank among the district units on each, and what its businesses look like compared
with the province's (the mix of sizes and sectors).

Counts and rates come from the clean register (a census): no sampling error. A rank is 1
for the highest value; units with equal values share the best rank they would take.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.errors import ParameterError
from ..core.schema import Enterprises as E
from . import disclosure
from .adoption import DIMENSIONS, adoption_by
from .headline import headline
from .maps import DEFAULT_MAP, unit_column, unit_mask

# Headline measures a district profile ranks, in the order shown; "higher is better" is
# not implied: the rank says where the unit stands, from the highest value down.
RANKED = ("enterprises", "adopters", "adoption_rate", "digital_tech_firms", "digital_tech_workers", "ip_firms",
          "ip_workers")


def district_headline(firms: pd.DataFrame, district: str, map_: str = DEFAULT_MAP, *,
                      linked: list[str] | tuple = ()) -> pd.DataFrame:
    """Each measure of :data:`RANKED` for the unit ``district`` of ``map_`` (a district
    unit on the 2023 map, a ward or commune on the 2025 map) and the whole area, the unit's
    share of the area (for counts), its rank among the units of the map, and ``hidden``:
    the district's figures a shared report must not show (see
    :func:`adoption.metrics.headline.headline`; ``linked``: those the tables of every
    unit hide of it, :func:`adoption.metrics.areas.linked_hidden`).

    >>> frame = pd.DataFrame({"district_code": ["718", "718", "719", "720"],
    ...     "uses_digital_platform": [True, False, True, True], "is_digital_tech": [False] * 4,
    ...     "employees": pd.array([1, 2, 3, 4], dtype="Int64"), "in_industrial_park": [False] * 4,
    ...     "industrial_park": [None] * 4, "ownership": ["state"] * 4})
    >>> table = district_headline(frame, "718").set_index("measure")
    >>> row = table.loc["adoption_rate"]
    >>> float(row["district"]), float(row["province"]), int(row["rank"]), int(row["units"])
    (0.5, 0.75, 3, 3)
    >>> row = table.loc["enterprises"]
    >>> int(row["district"]), float(row["share_of_province"]), int(row["rank"])
    (2, 0.5, 1)
    """
    # Units are those named; firms whose unit is not known count in the whole area only.
    column = firms[unit_column(map_)]
    codes = column.astype(object).where(column.notna(), None)
    if district not in set(codes):
        raise ParameterError(f"unit {district!r} has no firm in scope; units: {', '.join(sorted(set(codes.dropna())))}")
    per_unit = pd.DataFrame({code: headline(group) for code, group in firms.groupby(codes, sort=True)}).T
    province = headline(firms)
    rows = []
    for measure in RANKED:
        values = pd.to_numeric(per_unit[measure], errors="coerce")
        mine = values.get(district)
        is_count = measure != "adoption_rate"
        known = values.notna()
        rank = int((values[known] > mine).sum()) + 1 if pd.notna(mine) else None
        total = province[measure]
        rows.append({
            "measure": measure,
            "district": mine,
            "province": total,
            "share_of_province": mine / total if is_count and pd.notna(mine) and pd.notna(total) and total else float("nan"),
            "rank": rank,
            "units": int(known.sum()),
        })
    table = pd.DataFrame(rows)
    table["rank"] = table["rank"].astype("Int64")
    # What the district's own protected headline hides (1 or 2 firms, a dominated workers
    # total) is hidden here too, with its share: the province's figures are large.
    hidden = set(headline(firms[codes == district], protected=True, linked=linked).attrs["hidden"])
    table["hidden"] = table["measure"].isin(hidden)
    return table


def mix(firms: pd.DataFrame, district: str, by: str, map_: str = DEFAULT_MAP, *, protected: bool = False,
        secret_total: bool = False) -> pd.DataFrame:
    """The share of the firms of unit ``district`` (of ``map_``) in each group of ``by``
    (size class, VSIC section, ownership) beside the whole area's share, and the difference
    in percentage points; groups in their natural order, those with no firm in either left out.

    ``protected=True`` hides a group's count and share in the unit, and the difference, where
    the unit's firms of the group are 1 or 2 (with the secondary cells that keep them from
    being worked out from the unit's total), and the area's share where the area's are;
    ``hidden`` marks a group with any figure hidden. Where the firms hold adoption
    (``uses_digital_platform``) and ``by`` is a dimension of the adoption tables, the
    counts those tables hide (the unit's, with ``secret_total`` as its page gives it; the
    area's) are hidden here too: two tables of the same counts hiding different cells
    would give each other's away.

    >>> frame = pd.DataFrame({"district_code": ["718", "718", "719", "719"],
    ...                       "size_class": pd.Categorical(["micro", "small", "micro", "micro"])})
    >>> mix(frame, "718", "size_class")[["size_class", "district_share", "province_share", "difference_pp"]].values.tolist()
    [['micro', 0.5, 0.75, -25.0], ['small', 0.5, 0.25, 25.0]]
    """
    if by not in firms.columns:
        raise ParameterError(f"no column {by!r} to compare the mix by")
    known = firms[firms[by].notna()]
    mine = known[(known[unit_column(map_)] == district).fillna(False).to_numpy(dtype=bool)]
    province = known[by].value_counts(sort=False)
    local = mine[by].value_counts(sort=False).reindex(province.index, fill_value=0)
    table = pd.DataFrame({by: province.index, "district_firms": local.to_numpy(), "province_firms": province.to_numpy()})
    table = table[table["province_firms"] > 0]
    order = list(firms[by].cat.categories) if isinstance(firms[by].dtype, pd.CategoricalDtype) else sorted(table[by])
    table = table.set_index(by).reindex([g for g in order if g in set(table[by])]).reset_index()
    table["district_share"] = table["district_firms"] / max(int(table["district_firms"].sum()), 1)
    table["province_share"] = table["province_firms"] / int(table["province_firms"].sum())
    table["difference_pp"] = (table["district_share"] - table["province_share"]) * 100
    if protected:
        unit = firms[unit_mask(firms, district, map_).to_numpy(dtype=bool)]
        local = _hidden(mine, by, table[by]) | _adoption_hidden(unit, by, table[by], secret_total=secret_total)
        area = _hidden(known, by, table[by]) | _adoption_hidden(firms, by, table[by])
        table = disclosure.hide(table, local | area, ["district_firms", "district_share", "difference_pp", "province_share"],
                                masks={"district_firms": local, "district_share": local, "difference_pp": local | area,
                                       "province_share": area})
    return table


def _hidden(firms: pd.DataFrame, by: str, groups: pd.Series) -> np.ndarray:
    """Which of ``groups`` a mix of ``firms`` by ``by`` hides: the protected groups, and
    every one, its zeros too, where none can be shown (``hidden_groups``'s "withheld")."""
    hidden = disclosure.hidden_groups(firms[[by]], by)
    if hidden.attrs["withheld"]:
        return np.ones(len(groups), dtype=bool)
    return groups.map(hidden.to_dict()).fillna(False).to_numpy(dtype=bool)


def _adoption_hidden(firms: pd.DataFrame, by: str, groups: pd.Series, *, secret_total: bool = False) -> np.ndarray:
    """Which of ``groups`` the protected adoption table of ``firms`` by ``by`` hides the
    firms of (all, where it is withheld); none where the firms hold no adoption or ``by``
    is no dimension of that table."""
    if E.uses_digital_platform not in firms.columns or by not in DIMENSIONS:
        return np.zeros(len(groups), dtype=bool)
    table = adoption_by(firms, by, protected=True, secret_total=secret_total)
    if table.attrs.get("withheld"):
        return np.ones(len(groups), dtype=bool)
    hidden = dict(zip(table.iloc[:, 0].astype(object), table["firms"].isna()))
    return groups.astype(object).map(hidden).fillna(False).to_numpy(dtype=bool)
