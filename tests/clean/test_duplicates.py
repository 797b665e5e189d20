"""Duplicate merges against plain pandas: the merges order rows by pyarrow's stable sort on
their keys; here the same rules are written with ``sort_values`` and ``duplicated`` and
compared on random frames with missing tax codes, sources and dates."""

import numpy as np
import pandas as pd
import pytest

from adoption.clean.duplicates import merge_platforms, merge_register
from adoption.core.schema import PLATFORM_CATEGORIES, SOURCE_COLUMNS

SOURCES = {"source_file": ["b.csv", "a.csv", "c.xlsx", None], "source_sheet": ["", "S1", None]}


def _sources(rng, n):
    return {c: pd.array(rng.choice(v, n), dtype="string") for c, v in SOURCES.items()} | {
        "source_row": rng.integers(1, 25, n).astype("int64")}


def _first_of_groups(frame: pd.DataFrame, order: pd.Index, keys: list[str]):
    """Rows in ``order``: which repeat an earlier row's ``keys``, and the first row of each one's group."""
    ordered = frame.loc[order]
    dup = ordered.duplicated(keys, keep="first").to_numpy()
    group = np.cumsum(~dup) - 1
    firsts = order.to_numpy()[~dup]
    return ordered, dup, firsts[group]


def _sometimes_in_source_order(frame: pd.DataFrame, rng) -> pd.DataFrame:
    """Half the time the rows as files give them: in the order of their source."""
    return frame.sort_values(SOURCE_COLUMNS, kind="stable", na_position="last") if rng.random() < 0.5 else frame


def _listed(values: pd.Series) -> list:
    return [None if pd.isna(v) else v for v in values]


def _kept_in_source_order(frame: pd.DataFrame, rows) -> pd.DataFrame:
    return frame.loc[rows].sort_values(SOURCE_COLUMNS, kind="stable", na_position="last").reset_index(drop=True)


def reference_platforms(clean: pd.DataFrame):
    clean = clean.reset_index(drop=True)
    order = clean.sort_values(["tax_code", "platform", "adopted_on", *SOURCE_COLUMNS], kind="stable",
                              na_position="last").index
    ordered, dup, first = _first_of_groups(clean, order, ["tax_code", "platform"])
    merged = clean.loc[order[dup]]
    kept = clean.loc[first[dup]]
    return _kept_in_source_order(clean, order[~dup]), merged, kept


def reference_register(clean: pd.DataFrame, raw_key: pd.Series):
    clean = clean.reset_index(drop=True)
    complete = clean.notna().sum(axis=1)
    order = clean.assign(_complete=complete).sort_values(
        ["tax_code", "_complete", *SOURCE_COLUMNS], ascending=[True, False, False, False, False], kind="stable",
        na_position="last").index
    ordered, dup, first = _first_of_groups(clean, order, ["tax_code"])
    losers, winners = order[dup], first[dup]
    kinds = np.where(raw_key.to_numpy()[losers] == raw_key.to_numpy()[winners], "identical", "same_tax_code")
    return _kept_in_source_order(clean, order[~dup]), clean.loc[losers], clean.loc[winners], kinds


@pytest.mark.parametrize("seed", range(4))
def test_platform_records_merge_as_pandas_sorts_them(seed):
    rng = np.random.default_rng(seed)
    categories = list(PLATFORM_CATEGORIES)
    for _ in range(60):
        n = int(rng.integers(0, 300))
        frame = pd.DataFrame({
            "tax_code": pd.array(rng.choice(["0301234567", "0301234568", "3700000001", None], n), dtype="string"),
            "platform": pd.Categorical(rng.choice(categories + [None], n), categories=categories),
            "adopted_on": pd.to_datetime(rng.choice(["2020-01-01", "2021-05-01", None, "2019-12-31"], n)).astype("datetime64[s]"),
            **_sources(rng, n),
        }, index=rng.permutation(n) + 7)
        frame = _sometimes_in_source_order(frame, rng)
        kept, merges = merge_platforms(frame)
        want_kept, merged, into = reference_platforms(frame)
        pd.testing.assert_frame_equal(kept, want_kept)
        assert merges["source_row"].tolist() == merged["source_row"].tolist()
        assert merges["kept_source_row"].tolist() == into["source_row"].tolist()
        assert set(merges["kind"]) <= {"same_firm_and_platform"}


@pytest.mark.parametrize("seed", range(4))
def test_register_rows_merge_as_pandas_sorts_them(seed):
    rng = np.random.default_rng(100 + seed)
    for _ in range(60):
        n = int(rng.integers(0, 300))
        frame = pd.DataFrame({
            "tax_code": pd.array(rng.choice(["0301234567", "0301234568", None, "0301234567-001"], n), dtype="string"),
            "name": pd.array(rng.choice(["A", None, "B"], n), dtype="string"),
            "employees": pd.array(rng.choice([1, None, 5], n), dtype="Int64"),
            **_sources(rng, n),
        }, index=rng.permutation(n) + 3)
        frame = _sometimes_in_source_order(frame, rng)
        raw_key = pd.Series(rng.integers(0, 3, n))
        kept, merges = merge_register(frame, raw_key)
        want_kept, losers, winners, kinds = reference_register(frame, raw_key)
        pd.testing.assert_frame_equal(kept, want_kept)
        assert merges["source_row"].tolist() == losers["source_row"].tolist()
        assert _listed(merges["kept_source_file"]) == _listed(winners["source_file"])
        assert merges["kept_source_row"].tolist() == winners["source_row"].tolist()
        assert merges["kind"].tolist() == kinds.tolist()


def test_rows_are_known_to_be_in_source_order_only_when_they_are():
    from adoption.clean.duplicates import _ascending
    import pyarrow as pa

    def ascending(files, rows):
        return _ascending(pa.table({"f": pa.array(files, pa.large_string()), "r": rows}), ["f", "r"])

    assert ascending(["a", "a", "b", None], [2, 3, 1, 1])
    assert ascending(["a", "a", None, None], [2, 3, 1, 5])
    assert not ascending(["a", "a", "b"], [2, 2, 1])  # two rows of one source: left to the sort
    assert not ascending(["a", "a", "b", None], [3, 2, 1, 1])  # rows of one file out of order
    assert not ascending([None, "a"], [1, 2])  # a missing file comes last
    assert not ascending(["b", "a"], [1, 2])


@pytest.mark.parametrize("seed", range(3))
def test_rows_in_source_order_merge_as_pandas_sorts_them(seed):
    # As files give them: every row has a source, each its own, in order (the merges then
    # sort by position rather than by the source columns).
    rng = np.random.default_rng(200 + seed)
    categories = list(PLATFORM_CATEGORIES)
    for _ in range(40):
        n = int(rng.integers(2, 200))
        sources = {"source_file": pd.array(np.where(np.arange(n) < n // 2, "a.csv", "b.xlsx"), dtype="string"),
                   "source_sheet": pd.array([""] * n, dtype="string"), "source_row": np.arange(n, dtype="int64") + 2}
        register = pd.DataFrame({
            "tax_code": pd.array(rng.choice(["0301234567", "0301234568", None, "0301234567-001"], n), dtype="string"),
            "name": pd.array(rng.choice(["A", None, "B"], n), dtype="string"), **sources})
        raw_key = pd.Series(rng.integers(0, 3, n))
        kept, merges = merge_register(register, raw_key)
        want_kept, losers, winners, kinds = reference_register(register, raw_key)
        pd.testing.assert_frame_equal(kept, want_kept)
        assert merges["source_row"].tolist() == losers["source_row"].tolist()
        assert merges["kept_source_row"].tolist() == winners["source_row"].tolist()
        assert merges["kind"].tolist() == kinds.tolist()
        platforms = pd.DataFrame({
            "tax_code": pd.array(rng.choice(["0301234567", "0301234568", None], n), dtype="string"),
            "platform": pd.Categorical(rng.choice(categories + [None], n), categories=categories),
            "adopted_on": pd.to_datetime(rng.choice(["2020-01-01", None, "2019-12-31"], n)).astype("datetime64[s]"),
            **sources})
        kept, merges = merge_platforms(platforms)
        want_kept, merged, into = reference_platforms(platforms)
        pd.testing.assert_frame_equal(kept, want_kept)
        assert merges["source_row"].tolist() == merged["source_row"].tolist()
        assert merges["kept_source_row"].tolist() == into["source_row"].tolist()


@pytest.mark.parametrize("seed", range(3))
def test_platform_counts_from_each_records_firm_are_the_counts_by_tax_code(seed):
    from adoption.clean.distinct import positions
    from adoption.clean.platforms import platform_use

    rng = np.random.default_rng(300 + seed)
    categories = list(PLATFORM_CATEGORIES)
    codes = [f"{n:010d}" for n in rng.choice(10**9, 40, replace=False)]
    enterprises = pd.DataFrame({"tax_code": pd.array(codes, dtype="string")}, index=rng.permutation(40) + 5)
    n = 300
    records = pd.DataFrame({
        "tax_code": pd.array(rng.choice(codes[:30], n), dtype="string"),  # ten firms without a record
        "platform": pd.Categorical(rng.choice(categories + [None], n), categories=categories),
        "adopted_on": pd.to_datetime(rng.choice(["2020-01-01", None], n)).astype("datetime64[s]"), **_sources(rng, n)})
    platforms, _ = merge_platforms(records)  # one record per firm and category (or none)
    firms = positions(platforms["tax_code"], enterprises["tax_code"])
    by_firm = platform_use(enterprises, platforms, firms)
    pd.testing.assert_frame_equal(by_firm, platform_use(enterprises, platforms))
    # By hand: the distinct categories named for each firm.
    named = records.dropna(subset=["platform"]).groupby("tax_code", observed=True)["platform"].nunique()
    assert by_firm["platform_count"].tolist() == [int(named.get(c, 0)) for c in codes]


@pytest.mark.parametrize("seed", range(3))
def test_platform_records_merged_by_firm_number_are_those_merged_by_tax_code(seed):
    rng = np.random.default_rng(400 + seed)
    categories = list(PLATFORM_CATEGORIES)
    codes = np.array([f"{n:010d}" for n in rng.choice(10**9, 25, replace=False)])
    n = 400
    which = rng.integers(0, 25, n)
    records = pd.DataFrame({
        "tax_code": pd.array(codes[which], dtype="string"),
        "platform": pd.Categorical(rng.choice(categories + [None], n), categories=categories),
        "adopted_on": pd.to_datetime(rng.choice(["2020-01-01", None, "2019-12-31"], n)).astype("datetime64[s]"),
        # Every record its own source (file, sheet, row), as read; in their order or not.
        "source_file": pd.array(np.where(np.arange(n) < n // 2, "a.csv", "b.xlsx"), dtype="string"),
        "source_sheet": pd.array([""] * n, dtype="string"), "source_row": np.arange(n, dtype="int64") + 2,
        "_firm": which.astype(np.int64)})  # a number per tax code, not in their order
    if seed:
        records = records.iloc[rng.permutation(n)]
    by_code, merges_by_code = merge_platforms(records)
    by_firm, merges_by_firm = merge_platforms(records, "_firm")
    pd.testing.assert_frame_equal(by_firm, by_code)
    # The same merged rows; each firm's in the same order, firms in order of their number.
    again = merges_by_firm.sort_values("tax_code", kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(again, merges_by_code.reset_index(drop=True))
