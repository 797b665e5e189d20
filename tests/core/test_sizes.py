"""Enterprise size classes by Decree 80/2021, on hand-made cases at the limits."""

import pandas as pd

from adoption.core import sizes


def test_size_class_decree_80():
    # staff, revenue, capital, section -> class (Decree 80/2021 Art. 5)
    cases = [
        (10, 3e9, None, "C", "micro"),
        (10, 4e9, 2e9, "C", "micro"),     # capital within the limit is enough
        (10, 4e9, 4e9, "C", "small"),
        (11, 1e9, 1e9, "C", "small"),
        (10, 9e9, None, "G", "micro"),    # services: revenue limit 10 bn
        (51, 1e9, 1e9, "G", "medium"),    # services: small staff limit 50
        (101, 1e9, 1e9, "G", "large"),
        (200, 150e9, None, "F", "medium"),
        (201, 1e9, 1e9, "F", "large"),
        (5, None, None, "C", "micro"),    # staff alone when no money figure
    ]
    staff, rev, cap, sec, expected = zip(*cases)
    out = sizes.size_class(pd.Series(staff, dtype="Int64"), pd.Series(rev, dtype="Float64"), pd.Series(cap, dtype="Float64"), pd.Series(sec))
    assert list(out) == list(expected)
