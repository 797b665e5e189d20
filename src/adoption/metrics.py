"""Metrics: every figure a report shows, computed from the clean tables.

The register is a census, so the rates here carry no sampling interval.
Definitions are in docs/glossary.md.
"""

from __future__ import annotations

import pandas as pd

from . import reference
from .normalise import district_code
from .errors import ParameterError

# Dimensions adoption can be broken down by: column of the enterprise table.
DIMENSIONS = ("district", "vsic_section", "size_class", "ownership", "in_industrial_park", "commune_code")


def resolve_district(value: str | None) -> str | None:
    """GSO code of a district given in any spelling, None for the whole province.

    Raises :class:`ParameterError` listing the valid values for anything else.

    >>> resolve_district("TX. Bến Cát"), resolve_district(None)
    ('721', None)
    """
    if value is None or str(value).strip() == "":
        return None
    code = district_code(str(value))
    if code is None:
        valid = reference.districts()
        listing = ", ".join(f"{c} ({n})" for c, n in zip(valid["district_code"], valid["district_short"]))
        raise ParameterError(f"district {value!r} is not a district unit of Bình Dương; valid values: {listing}")
    return code


def in_scope(enterprises: pd.DataFrame, *, district: str | None = None) -> pd.DataFrame:
    """The firms the headline counts: active head offices (no branches, no inactive firms).

    ``district`` (any spelling or GSO code) keeps one district unit.

    >>> frame = pd.DataFrame({"status": ["active", "active", "dissolved"], "is_branch": [False, True, False],
    ...                       "district_code": ["718", "718", "718"]})
    >>> len(in_scope(frame))
    1
    """
    keep = (enterprises["status"] == "active").fillna(False) & ~enterprises["is_branch"]
    code = resolve_district(district)
    if code is not None:
        keep &= enterprises["district_code"] == code
    return enterprises[keep.to_numpy(dtype=bool)]


def headline(firms: pd.DataFrame) -> pd.Series:
    """Headline figures of a set of in-scope firms (see :func:`in_scope`).

    >>> frame = pd.DataFrame({"uses_digital_platform": [True, False], "is_digital_tech": [True, False],
    ...     "employees": pd.array([10, 5], dtype="Int64"), "in_industrial_park": [False, True],
    ...     "industrial_park": [None, "KCN A"], "ownership": ["fdi", "state"]})
    >>> headline(frame)[["enterprises", "adopters", "adoption_rate"]].tolist()
    [2, 1, 0.5]
    """
    firms_n = len(firms)
    adopters = int(firms["uses_digital_platform"].sum())
    digital = firms[firms["is_digital_tech"]]
    parks = firms[firms["in_industrial_park"]]
    return pd.Series(
        {
            "enterprises": firms_n,
            "adopters": adopters,
            "adoption_rate": adopters / firms_n if firms_n else float("nan"),
            "digital_tech_firms": len(digital),
            "digital_tech_workers": int(digital["employees"].sum()),
            "ip_firms": len(parks),
            "ip_workers": int(parks["employees"].sum()),
            "industrial_parks": int(parks["industrial_park"].nunique()),
            "fdi_firms": int((firms["ownership"] == "fdi").sum()),
        },
        dtype=object,
    )


# Headline keys compared with the published figure of the same key, and how.
_COMPARED = {
    "enterprises": "enterprises",
    "adopters": "adopters",
    "digital_tech_firms": "digital_tech_firms",
    "digital_tech_workers": "digital_tech_workers",
    "ip_workers": "ip_workers",
    "industrial_parks": "industrial_parks",
    "fdi_firms": "fdi_projects",
}


def compare_published(firms: pd.DataFrame) -> pd.DataFrame:
    """Headline figures beside the published 2023 figures, with the source of each.

    Columns: ``key``, ``computed``, ``published``, ``difference`` (computed - published),
    ``relative_difference``, ``source``.
    """
    figures = headline(firms)
    published = reference.published_figures().set_index("key")
    rows = []
    for key, published_key in _COMPARED.items():
        value = int(figures[key])
        target = int(published.loc[published_key, "value"])
        rows.append({
            "key": key,
            "computed": value,
            "published": target,
            "difference": value - target,
            "relative_difference": (value - target) / target,
            "source": published.loc[published_key, "source"],
        })
    return pd.DataFrame(rows)


def adoption_by(firms: pd.DataFrame, by: str) -> pd.DataFrame:
    """Firms, adopters and adoption rate by one dimension of :data:`DIMENSIONS`.

    Columns: ``by`` (the group), ``firms``, ``adopters``, ``adoption_rate``, ``share_of_firms``;
    groups in their natural order (district code, section letter, size class order).

    >>> frame = pd.DataFrame({"ownership": pd.Categorical(["fdi", "fdi", "state"]),
    ...                       "uses_digital_platform": [True, False, True]})
    >>> adoption_by(frame, "ownership")["adoption_rate"].tolist()
    [0.5, 1.0]
    """
    if by not in DIMENSIONS:
        raise ParameterError(f"cannot break adoption down by {by!r}; valid dimensions: {', '.join(DIMENSIONS)}")
    key = "district_code" if by == "district" else by
    grouped = firms.groupby(key, observed=True, sort=True)["uses_digital_platform"]
    table = pd.DataFrame({"firms": grouped.size(), "adopters": grouped.sum().astype("int64")})
    table = table[table["firms"] > 0]
    table["adoption_rate"] = table["adopters"] / table["firms"]
    table["share_of_firms"] = table["firms"] / table["firms"].sum()
    table.index.name = key
    return table.reset_index()
