"""The population a report counts (head offices not recorded as inactive, of the province
or one district) and how much of it the register describes."""

from __future__ import annotations

import pandas as pd

from ..core.schema import Enterprises as E, in_scope_mask
from .maps import DEFAULT_MAP, resolve_district, resolve_unit, unit_mask

__all__ = ["in_scope", "resolve_district", "coverage", "DERIVED_FROM"]


def in_scope(enterprises: pd.DataFrame, *, district: str | None = None, map_: str = DEFAULT_MAP) -> pd.DataFrame:
    """The firms the headline counts: head offices the register does not record as suspended,
    dissolving or dissolved (see :func:`adoption.core.schema.in_scope_mask`).

    ``district`` (any spelling or code) keeps one unit of ``map_``: a district unit on the
    2023 map, a ward or commune on the 2025 map (:mod:`adoption.metrics.maps`).

    >>> frame = pd.DataFrame({"status": ["active", "active", "dissolved"], "is_branch": [False, True, False],
    ...                       "district_code": ["718", "718", "718"]})
    >>> len(in_scope(frame))
    1
    """
    keep = in_scope_mask(enterprises)
    code = resolve_unit(district, map_)
    if code is not None:
        # A firm whose unit the register does not determine is in no unit.
        keep &= unit_mask(enterprises, code, map_).to_numpy()
    return enterprises[keep.to_numpy(dtype=bool)]


# The register columns (data contract) each field of the clean table is derived from.
DERIVED_FROM = {
    E.status: ("status",), E.ownership: ("ownership",), E.legal_form: ("legal_form",),
    E.size_class: ("employees", "revenue_vnd", "charter_capital_vnd"), E.employees: ("employees",),
    E.in_industrial_park: ("industrial_park",), E.industrial_park: ("industrial_park",),
    E.commune_code: ("commune",), E.registered_on: ("registered_on",),
    E.district_code: ("district", "commune", "address"),
    "commune2025_code": ("district", "commune", "address"),
}


def coverage(firms: pd.DataFrame, columns: list[str], quality: dict | None = None) -> pd.DataFrame:
    """How many of ``firms`` have a known value of each column, and whether the register
    has the column at all.

    Columns: ``column``, ``firms``, ``known``, ``share_known`` and ``absent`` (True when no
    register file has any column the field is derived from, per ``quality.json``'s
    ``columns_absent``).

    >>> firms = pd.DataFrame({"ownership": [None, "fdi", None, None], "status": [None] * 4})
    >>> quality = {"files": {"register/a.csv": {"table": "register"}}, "columns_absent": {"register": {"status": ["a.csv"]}}}
    >>> coverage(firms, ["ownership", "status"], quality)[["column", "known", "share_known", "absent"]].values.tolist()
    [['ownership', 1, 0.25, False], ['status', 0, 0.0, True]]
    """
    quality = quality or {}
    register_files = {name.split("/", 1)[-1] for name, info in quality.get("files", {}).items() if info.get("table") == "register"}
    lacking = quality.get("columns_absent", {}).get("register", {})
    rows = []
    for column in columns:
        known = int(firms[column].notna().sum())
        sources = DERIVED_FROM.get(column, (column,))
        absent = bool(register_files) and all(set(lacking.get(source, [])) >= register_files for source in sources)
        rows.append({"column": column, "firms": len(firms), "known": known,
                     "share_known": known / len(firms) if len(firms) else float("nan"), "absent": absent})
    return pd.DataFrame(rows, columns=["column", "firms", "known", "share_known", "absent"])
