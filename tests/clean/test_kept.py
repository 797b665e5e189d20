"""Kept.of: the rows of a clean table per source file, in order of first row, whatever
type the source_file column is held as."""

import pandas as pd
import pytest

from adoption.clean.accounting import Kept

FILES = ["b.csv", "a.csv", "b.csv", None, "c.xlsx"]


@pytest.mark.parametrize("dtype", [object, "str", "string", pd.StringDtype("python"), "category",
                                   pd.CategoricalDtype(["z.csv", "c.xlsx", "b.csv", "a.csv"])])
def test_rows_per_file_in_order_of_first_row(dtype):
    frame = pd.DataFrame({"source_file": pd.Series(FILES, dtype=dtype)})
    assert list(Kept.of(frame).by_file.items()) == [("b.csv", 2), ("a.csv", 1), ("c.xlsx", 1)]
    assert Kept.of(frame.iloc[:0]).by_file == {}
    assert Kept.of(frame.iloc[3:4]).by_file == {}
