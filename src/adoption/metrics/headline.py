"""Headline figures of a set of firms, and the comparison with the published figures.

The register is a census: no sampling interval. ``protected=True`` marks what a shared
report must not show (see :mod:`adoption.metrics.disclosure`). Definitions are in
docs/glossary.md.
"""

from __future__ import annotations

import pandas as pd

from ..core import reference
from ..core.scope import DEFAULT_SCOPE
from ..core.schema import Enterprises as E
from . import disclosure

# The province whose published figures the reference data hold, and the only one with
# district and commune detail: Bình Dương (the default scope).
PUBLISHED_PROVINCE = DEFAULT_SCOPE


def headline(firms: pd.DataFrame, *, protected: bool = False, linked: list[str] | tuple = ()) -> pd.Series:
    """Headline figures of a set of in-scope firms (see :func:`adoption.metrics.scope.in_scope`).

    ``protected=True`` (shared reports) lists in ``attrs["hidden"]`` the figures not to
    show: the adopters and the adoption rate when adopters or non-adopters number 0, 1 or
    2 (:func:`adoption.metrics.disclosure.part_hidden`; every firm of a small district
    using platforms, say), the rule by which :func:`adoption_by` protects its totals; a
    count of 1 or 2 firms (enterprises, digital-group, park or FDI firms); and a workers
    total whose largest one or two firms hold over 85% of it
    (:func:`adoption.metrics.disclosure.dominated`); and the figures in ``linked``, which
    a table listing these firms beside others hides
    (:func:`adoption.metrics.areas.linked_hidden`).

    >>> frame = pd.DataFrame({"uses_digital_platform": [True, False], "is_digital_tech": [True, False],
    ...     "employees": pd.array([10, 5], dtype="Int64"), "in_industrial_park": [False, True],
    ...     "industrial_park": [None, "KCN A"], "ownership": ["fdi", "state"]})
    >>> headline(frame)[["enterprises", "adopters", "adoption_rate"]].tolist()
    [2, 1, 0.5]
    """
    firms_n = len(firms)
    adopters = int(firms[E.uses_digital_platform].sum())
    digital = firms[firms[E.is_digital_tech]]
    in_park = firms[E.in_industrial_park].astype("boolean")
    parks = firms[in_park.fillna(False).to_numpy(dtype=bool)]
    park_known, ownership_known = bool(in_park.notna().any()), bool(firms[E.ownership].notna().any())
    figures = pd.Series(
        {
            "enterprises": firms_n,
            "adopters": adopters,
            "adoption_rate": adopters / firms_n if firms_n else float("nan"),
            "digital_tech_firms": len(digital),
            "digital_tech_workers": _known_sum(digital[E.employees]),
            "ip_firms": len(parks) if park_known else float("nan"),
            "ip_workers": _known_sum(parks[E.employees]) if park_known else float("nan"),
            "industrial_parks": int(parks[E.industrial_park].nunique()) if park_known else float("nan"),
            "fdi_firms": int((firms[E.ownership] == "fdi").sum()) if ownership_known else float("nan"),
        },
        dtype=object,
    )
    hidden = []
    if protected:
        if disclosure.part_hidden(adopters, firms_n):
            hidden += ["adopters", "adoption_rate"]
        # Count rule: 1 or 2 firms of a kind are hidden (0 describes no firm).
        hidden += [key for key in ("enterprises", "digital_tech_firms", "ip_firms", "fdi_firms")
                   if pd.notna(figures[key]) and 0 < figures[key] < disclosure.MIN_COUNT]
        # Dominance rule: a workers total held over 85% by its largest one or two firms.
        for key, group in (("digital_tech_workers", digital), ("ip_workers", parks)):
            if pd.notna(figures[key]) and disclosure.dominated(group[E.employees]):
                hidden.append(key)
        hidden += [key for key in linked if key not in hidden]
    figures.attrs["hidden"] = hidden
    return figures


def _known_sum(values: pd.Series) -> int | float:
    """The sum of the known values; NaN (not 0) when there are values and none is known,
    so that a register without the column does not report zero workers.

    >>> _known_sum(pd.Series([3, None], dtype="Int64")), _known_sum(pd.Series([None], dtype="Int64"))
    (3, nan)
    >>> _known_sum(pd.Series([], dtype="Int64"))
    0
    """
    return float("nan") if len(values) and values.isna().all() else int(values.sum())


# Headline keys compared with a published figure, and the unit each headline figure
# counts. A published figure of another unit (FDI projects against FDI enterprises: a firm
# can hold several projects) is shown as what it is, without a difference.
_COMPARED = {
    "enterprises": ("enterprises", "firms"),
    "adopters": ("adopters", "firms"),
    "digital_tech_firms": ("digital_tech_firms", "firms"),
    "digital_tech_workers": ("digital_tech_workers", "workers"),
    "ip_workers": ("ip_workers", "workers"),
    "industrial_parks": ("industrial_parks", "parks"),
    "fdi_firms": ("fdi_projects", "firms"),
}


def compare_published(firms: pd.DataFrame, published: pd.DataFrame | None = None, *, protected: bool = False) -> pd.DataFrame:
    """Headline figures beside the published 2023 figures, with the source of each.

    Columns: ``key``, ``computed``, ``published``, ``difference`` (computed - published),
    ``relative_difference``, ``source``, ``unit`` (of the published figure) and
    ``comparable``. ``published`` (``key``, ``value``, ``unit``, ``source``) defaults to
    the reference data's published figures. A published figure that counts something
    else than its headline figure (FDI projects, where the register counts FDI
    enterprises) keeps its own key, with no computed figure and no difference
    (``comparable`` False): the headline shows the enterprises. ``protected=True`` adds
    ``hidden``: the computed figures :func:`headline` would not show, with their
    differences set to null. The published figures are Bình Dương's: of firms of several
    provinces, only Bình Dương's are compared with them (``table.attrs["province_only"]``,
    and their number ``table.attrs["province_firms"]``).

    >>> frame = pd.DataFrame({"uses_digital_platform": [True, False], "is_digital_tech": [False, False],
    ...     "employees": pd.array([10, 5], dtype="Int64"), "in_industrial_park": [False, False],
    ...     "industrial_park": [None, None], "ownership": ["fdi", "state"]})
    >>> table = compare_published(frame).set_index("key")
    >>> table.loc["enterprises", ["computed", "published", "difference"]].tolist()
    [2.0, 65000.0, -64998.0]
    >>> row = table.loc["fdi_projects"]
    >>> pd.isna(row["computed"]), int(row["published"]), row["unit"], bool(row["comparable"])
    (True, 4200, 'projects', False)
    """
    firms, province_only = _published_province(firms)
    figures = headline(firms, protected=protected)
    published = (reference.published_figures() if published is None else published).set_index("key")
    rows = []
    for key, (published_key, unit) in _COMPARED.items():
        target, their_unit = int(published.loc[published_key, "value"]), published.loc[published_key, "unit"]
        comparable = their_unit == unit
        value = figures[key] if comparable else float("nan")  # NaN too when the register lacks what it is computed from
        rows.append({
            "key": key if comparable else published_key,
            "computed": value if pd.isna(value) else int(value),
            "published": target,
            "difference": value - target,
            "relative_difference": (value - target) / target,
            "source": published.loc[published_key, "source"],
            "unit": their_unit,
            "comparable": comparable,
        })
    table = pd.DataFrame(rows)
    if protected:
        hidden = table["key"].isin(figures.attrs["hidden"]).to_numpy()
        table = disclosure.hide(table, hidden, ["computed", "difference", "relative_difference"])
    if province_only:
        table.attrs["province_only"] = PUBLISHED_PROVINCE
        table.attrs["province_firms"] = len(firms)  # 0: the data hold none of its firms, nothing to compare
    return table


def beyond_the_province(firms: pd.DataFrame) -> bool:
    """Whether ``firms`` hold firms of other provinces than :data:`PUBLISHED_PROVINCE`
    (clean data of a national scope, say).

    >>> beyond_the_province(pd.DataFrame({"province_code": ["74", None]})), beyond_the_province(pd.DataFrame({"province_code": ["74", "01"]}))
    (False, True)
    """
    if E.province_code not in firms.columns:
        return False
    codes = firms[E.province_code].astype(object)
    return bool((codes.notna() & (codes != PUBLISHED_PROVINCE)).any())


def _published_province(firms: pd.DataFrame) -> tuple[pd.DataFrame, bool]:
    """The firms the published figures count: of firms of several provinces, those of
    :data:`PUBLISHED_PROVINCE` alone (and True); of no firm, none of it (and True: there is
    nothing to compare, whatever the scope).

    >>> _published_province(pd.DataFrame({"province_code": pd.Series([], dtype="string")}))[1]
    True
    """
    if firms.empty:
        return firms, True
    if not beyond_the_province(firms):
        return firms, False
    return firms[(firms[E.province_code].astype(object) == PUBLISHED_PROVINCE).to_numpy(dtype=bool)], True
