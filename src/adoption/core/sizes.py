"""Enterprise size classes by Decree 80/2021/NĐ-CP, Art. 5 (see reference_data/SOURCES.md).

A rule of law, not a cleaning step: the cleaner derives each firm's class with it and the
generator stratifies its survey by it.

The decree's capital is total capital (tổng nguồn vốn, the balance-sheet total) and its
staff the year's average of workers paying social insurance. A register gives charter
capital (vốn điều lệ) and employees: the cleaner passes those, so its classes are an
approximation of the decree's (a firm classed by capital may fall in a smaller class),
which docs/glossary.md and the reports state.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SIZE_CLASSES = ("micro", "small", "medium", "large")
# (class, staff limit, revenue limit, capital limit), by group of sectors.
SIZE_LIMITS = {
    "industry": (("micro", 10, 3e9, 3e9), ("small", 100, 50e9, 20e9), ("medium", 200, 200e9, 100e9)),
    "services": (("micro", 10, 10e9, 3e9), ("small", 50, 100e9, 50e9), ("medium", 100, 300e9, 100e9)),
}
# Agriculture, industry and construction: VSIC sections A to F; trade and services: G to U.
INDUSTRY_SECTIONS = frozenset("ABCDEF")


def size_class(employees: pd.Series, revenue: pd.Series, capital: pd.Series, section: pd.Series) -> pd.Categorical:
    """Enterprise size by Decree 80/2021 Art. 5: staff within the limit, and revenue or capital.

    A firm with neither revenue nor capital is classed by staff alone; with no staff
    figure it has no class.

    >>> size_class(pd.Series([5, 60, 60, 500]), pd.Series([1e9, None, 60e9, 1e12]),
    ...            pd.Series([None, 10e9, 60e9, 1e12]), pd.Series(["C", "C", "G", "G"])).tolist()
    ['micro', 'small', 'medium', 'large']
    """
    staff = employees.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    rev = revenue.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    cap = capital.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    industry = section.isin(INDUSTRY_SECTIONS).to_numpy()
    no_money = np.isnan(rev) & np.isnan(cap)
    # Each row's class as its position in SIZE_CLASSES (-1: none).
    codes = np.full(len(staff), SIZE_CLASSES.index("large"), dtype=np.int8)
    decided = np.zeros(len(staff), bool)
    for group, is_group in (("industry", industry), ("services", ~industry)):
        for label, staff_max, rev_max, cap_max in SIZE_LIMITS[group]:
            fits = is_group & (staff <= staff_max) & ((rev <= rev_max) | (cap <= cap_max) | no_money)
            take = fits & ~decided
            codes[take] = SIZE_CLASSES.index(label)
            decided |= take
    codes[np.isnan(staff)] = -1
    return pd.Categorical.from_codes(codes, categories=list(SIZE_CLASSES))
