"""A series of two extracts: the later one made from the small register by hand (30 head
offices struck off, 40 starting to use a platform, 20 written on the 2025 map only), and
each figure of the trend recounted here with plain pandas."""

import pandas as pd
import pytest

from adoption.core.errors import ParameterError
from adoption.core.io import CleanData
from adoption.metrics import trend


@pytest.fixture(scope="module")
def series(small_data):
    before = small_data.enterprises.copy()
    heads = before[~before["is_branch"]]
    left = heads["tax_code"].iloc[:30]
    after = before[~before["tax_code"].isin(left)].copy()
    candidates = after[~after["is_branch"] & ~after["uses_digital_platform"]]
    started = candidates["tax_code"].iloc[:40]
    after.loc[after["tax_code"].isin(started), "uses_digital_platform"] = True
    remapped = after[~after["is_branch"] & after["commune2025_code"].notna()]["tax_code"].iloc[-20:]
    after.loc[after["tax_code"].isin(remapped), ["district_code", "district", "commune_code"]] = None
    data = {"2023-09-30": CleanData(before, small_data.platforms, {}, small_data.processed_dir),
            "2024-12-31": CleanData(after, small_data.platforms, {}, small_data.processed_dir)}
    return data, set(left), set(started), set(remapped)


def _in_scope(frame):
    return frame[(frame["status"].astype(str) == "active") & ~frame["is_branch"]]


def test_figures_of_each_extract(series):
    data, *_ = series
    table = trend.figures(data).set_index("extract")
    for day, extract in data.items():
        firms = _in_scope(extract.enterprises)
        assert table.loc[day, "enterprises"] == len(firms)
        assert table.loc[day, "adopters"] == firms["uses_digital_platform"].sum()


def test_changes_between_extracts(series):
    data, left, started, remapped = series
    [row] = trend.changes(data).to_dict("records")
    assert (row["previous"], row["extract"]) == ("2023-09-30", "2024-12-31")
    assert row["left"] == 30 and row["entered"] == 0 and row["started_platform"] == 40
    # written on the 2025 map only, in the same unit: not a move, and not an entry either
    assert row["moved"] == 0


def test_changes_by_district_hide_small_counts(series):
    data, left, *_ = series
    before = data["2023-09-30"].enterprises
    counts = before[before["tax_code"].isin(left)].groupby("district_code").size()
    table = trend.changes(data, "2023").set_index("unit")
    for code, count in counts.items():
        shown = table.loc[code, "left"]
        if count < 3:
            assert pd.isna(shown)
        elif not pd.isna(shown):
            assert shown == count
    assert table["left"].notna().any()


def test_rates_by_unit_show_what_the_map_cannot_place(series):
    data, _, _, remapped = series
    table = trend.rates_by_unit(data, "2023").set_index("unit")
    after = _in_scope(data["2024-12-31"].enterprises)
    unplaced = after[after["tax_code"].isin(remapped)]
    assert pd.isna(table.loc["unplaced", "2023-09-30"])  # every firm was placed in 2023: no firm there, nothing hidden
    hidden = trend.rates_by_unit(data, "2023").attrs["hidden"].set_axis(table.index)
    assert not hidden.loc["unplaced", "2023-09-30"]
    if len(unplaced) >= 3 and 3 <= unplaced["uses_digital_platform"].sum() <= len(unplaced) - 3:
        assert table.loc["unplaced", "2024-12-31"] == pytest.approx(unplaced["uses_digital_platform"].mean())
    on_2025 = trend.rates_by_unit(data, "2025").set_index("unit")
    assert "unplaced" not in on_2025.index or on_2025.loc["unplaced"].isna().all()


def test_a_series_needs_two_dated_extracts(tmp_path):
    (tmp_path / "2023-09-30").mkdir()
    (tmp_path / "notes").mkdir()
    with pytest.raises(ParameterError, match="at least two extracts"):
        trend.load_series(tmp_path)
    with pytest.raises(ParameterError, match="2023 district units"):
        trend.check_map("1999")
