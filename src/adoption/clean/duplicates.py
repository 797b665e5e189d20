"""Duplicates: rows that describe the same thing become one, and each merged row is listed
with the row it was merged into (``merges.csv``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..core.partitions import same_as_previous
from ..core.schema import SOURCE_COLUMNS, Enterprises as E
from .distinct import arrow_text
from .hashing import combined, text_hash

# How far the classification places a main activity (its version, and the classes the
# official conversion determines) tells nothing of how complete a firm's record is.
_CLASSIFICATION = (E.vsic4, E.vsic_division, E.vsic_section, E.vsic_version, E.vsic2025_4, E.vsic2025_division,
                   E.vsic2025_section, E.vsic_evidence)

KEPT_COLUMNS = ["kept_source_file", "kept_source_sheet", "kept_source_row"]


# Raw register columns whose values are mostly distinct.
_UNIQUE = frozenset({"tax_code", "name", "address"})


def raw_key(raw: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """Per raw row, a hash of its values in ``columns`` as written (a column the frame lacks
    counts as empty): rows with the same key are ``identical`` duplicates. The same row
    gets the same key whichever files it was read with, so the key can be taken file by file.

    >>> rows = pd.DataFrame({"a": ["x", "x", None], "b": ["1", "1", ""]})
    >>> key = raw_key(rows, ["a", "b", "c"])
    >>> bool(key[0] == key[1]), bool(key[0] == key[2])
    (True, False)
    """
    key = np.zeros(len(raw), dtype=np.uint64)
    empty = text_hash(pd.Series([""]))[0]
    for column in columns:  # each column hashed apart, so that ("ab", "c") and ("a", "bc") differ
        if column not in raw:
            hashes = np.full(len(raw), empty, dtype=np.uint64)
        else:  # a missing value hashes as ""; the columns but names, addresses and tax codes repeat a lot
            values = raw[column] if isinstance(raw[column].dtype, pd.StringDtype) else raw[column].fillna("").astype(str)
            hashes = text_hash(values, repeated=column not in _UNIQUE)
        key = combined(key, hashes)
    return key


def _merges(rows: pd.DataFrame, losers, kind, kept=None, with_tax_code: bool = True) -> pd.DataFrame:
    """One row per merged row of ``rows`` (at positions ``losers``): where it was, and (when
    known) where the row it joined is (positions ``kept``). Only those rows of the source
    columns and the tax code are read."""
    out = {column: rows[column].iloc[losers].to_numpy() for column in SOURCE_COLUMNS}
    if with_tax_code:
        out["tax_code"] = rows["tax_code"].iloc[losers].to_numpy()
    out["kind"] = kind
    if kept is not None:
        out.update({target: rows[source].iloc[kept].to_numpy() for target, source in zip(KEPT_COLUMNS, SOURCE_COLUMNS)})
    return pd.DataFrame(out)


def no_merges() -> pd.DataFrame:
    """The merged rows of a table where none was merged: the columns of :func:`_merges`."""
    none = np.zeros(0, dtype=np.intp)
    return _merges(pd.DataFrame(columns=[*SOURCE_COLUMNS, "tax_code"]), none, [], none)


def merge_register(clean: pd.DataFrame, raw_key: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per tax code: the most complete record wins, ties to the later file and row.

    ``raw_key`` holds, per clean row, its raw values hashed: rows whose raw values are the
    same are ``identical`` duplicates; other rows sharing a tax code are ``same_tax_code``
    duplicates. Returns the kept rows and one row per merged row, naming the row it was
    merged into.

    >>> rows = pd.DataFrame({"tax_code": ["1", "1", "2"], "name": ["A", None, "B"], "source_file": "f",
    ...                      "source_sheet": "", "source_row": [2, 3, 4]})
    >>> kept, merges = merge_register(rows, pd.Series([7, 8, 9]))
    >>> kept["source_row"].tolist(), merges[["source_row", "kind", "kept_source_row"]].values.tolist()
    ([2, 4], [[3, 'same_tax_code', 2]])
    """
    clean = clean.reset_index(drop=True)
    kept, merges = register_merges(clean, raw_key)
    return clean.iloc[kept].reset_index(drop=True), merges


def register_merges(clean: pd.DataFrame, raw_key: pd.Series) -> tuple[np.ndarray, pd.DataFrame]:
    """:func:`merge_register` without taking the kept rows: their positions in ``clean``
    (positions from 0), in the order of their source, and the merged rows."""
    completeness = clean.drop(columns=[c for c in _CLASSIFICATION if c in clean.columns]).notna().sum(axis=1)
    # The rows' order (by tax code; the most complete, then the latest file, sheet and row
    # first; missing values last) is found by pyarrow on the keys alone (a stable sort);
    # the rows are taken once, at the end.
    table = pa.table({"tax_code": _sortable(clean["tax_code"]), "_complete": completeness.to_numpy(),
                      **{c: _sortable(clean[c]) for c in SOURCE_COLUMNS}})
    # Rows in order of their source already (read file by file, they usually are), none
    # without one: the latest is the last, and its position sorts for the source columns
    # (a missing source would sort last either way).
    ascending = _ascending(table, SOURCE_COLUMNS)
    by_position = ascending and not any(table[c].null_count for c in SOURCE_COLUMNS)
    latest = [("_at", "descending")] if by_position else [(c, "descending") for c in SOURCE_COLUMNS]
    keys = table.append_column("_at", pa.array(np.arange(len(clean), dtype=np.int64))) if by_position else table
    order = pc.sort_indices(keys, sort_keys=[("tax_code", "ascending"), ("_complete", "descending")] + latest).to_numpy()
    duplicated = np.zeros(len(order), dtype=bool)
    if len(order) > 1:  # the rows of a tax code are together, its first kept
        duplicated[1:] = same_as_previous(table["tax_code"].take(order))
    winners, losers = order[~duplicated], order[duplicated]
    won_by = winners[(np.cumsum(~duplicated) - 1)[duplicated]]
    raw = np.asarray(raw_key)
    kinds = np.where(raw[losers] == raw[won_by], "identical", "same_tax_code").tolist()
    merges = _merges(clean, losers, kinds, won_by)
    # Kept rows in the order of their source (rows of one source in the order above).
    return _in_source_order(table, winners, ascending), merges


def merge_platforms(clean: pd.DataFrame, firm: str = "tax_code") -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per firm and platform category: the earliest adoption date wins (ties to
    the first file, sheet and row). Kept rows in the order of their source. ``firm``: the
    column naming each row's firm, its tax code or a number per tax code (sorted faster
    than text; the merged rows then come grouped in the order of those numbers, each
    firm's in the same order)."""
    clean = clean.reset_index(drop=True)
    first_keys = [firm, "platform", "adopted_on"]
    keys = [*first_keys, *SOURCE_COLUMNS]
    table = pa.table({c: _sortable(clean[c]) for c in keys})
    # Ordered by pyarrow (a stable sort, missing values last), the rows taken once. Rows in
    # order of their source already are left in it by the stable sort of the first keys.
    ascending = _ascending(table, SOURCE_COLUMNS)
    order = pc.sort_indices(table, sort_keys=[(c, "ascending") for c in (first_keys if ascending else keys)]).to_numpy()
    dup = np.zeros(len(order), dtype=bool)
    if len(order) > 1:
        dup[1:] = same_as_previous(table[firm].take(order)) & same_as_previous(table["platform"].take(order))
    # Each merged row's group starts at the last row kept before it (the rows are in order of their keys).
    first = np.maximum.accumulate(np.where(~dup, np.arange(len(dup)), 0))
    merges = _merges(clean, order[dup], "same_firm_and_platform", order[first[dup]])
    return clean.iloc[_in_source_order(table, order[~dup], ascending)].reset_index(drop=True), merges


def _in_source_order(table: pa.Table, rows: np.ndarray, ascending: bool | None = None) -> np.ndarray:
    """``rows`` (positions in ``table``) ordered by their source columns (a stable sort,
    missing values last). Rows read file by file usually are in that order already
    (``ascending``: :func:`_ascending` of them, where known): then their positions give
    it, without sorting text."""
    if _ascending(table, SOURCE_COLUMNS) if ascending is None else ascending:
        return np.sort(rows)
    sources = table.select(SOURCE_COLUMNS).take(rows)
    return rows[pc.sort_indices(sources, sort_keys=[(c, "ascending") for c in SOURCE_COLUMNS]).to_numpy()]


def _ascending(table: pa.Table, columns: list[str]) -> bool:
    """Whether ``table``'s rows are in strictly ascending order of ``columns`` (the first
    deciding, missing values last; no two rows alike), as any sort would leave them."""
    if table.num_rows < 2:
        return True
    undecided = np.ones(table.num_rows - 1, dtype=bool)  # pairs of neighbours equal so far
    for column in columns:
        values = table[column].combine_chunks()
        before, after = values.slice(0, len(values) - 1), values.slice(1)
        missing_before, missing_after = (v.is_null().to_numpy(zero_copy_only=False) for v in (before, after))
        less = pc.fill_null(pc.less(before, after), False).to_numpy(zero_copy_only=False) | (missing_after & ~missing_before)
        more = pc.fill_null(pc.greater(before, after), False).to_numpy(zero_copy_only=False) | (missing_before & ~missing_after)
        if (undecided & more).any():
            return False
        undecided &= ~less
        if not undecided.any():
            return True
    return False  # two rows of one source: their order is the sort's to decide


def _sortable(values: pd.Series) -> pa.Array:
    """``values`` as pyarrow sorts them as pandas does: text as text, a category by its
    place among the categories, a missing value null."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        return pa.array(codes, mask=codes < 0)
    if isinstance(values.dtype, pd.StringDtype) or values.dtype == object:
        return arrow_text(values)
    return pa.array(values, from_pandas=True)


def keep_first(clean: pd.DataFrame, keys: list[str], kind: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The first row (in file order) for each value of ``keys``; the others are merged.

    >>> rows = pd.DataFrame({"park": ["A", "A"], "source_file": "f", "source_sheet": "", "source_row": [2, 3]})
    >>> kept, merges = keep_first(rows, ["park"], "same_park")
    >>> len(kept), merges["kind"].tolist()
    (1, ['same_park'])
    """
    dup = clean.duplicated(keys, keep="first").to_numpy()
    merges = _merges(clean, np.flatnonzero(dup), kind, with_tax_code="tax_code" in clean.columns)
    return clean[~dup].reset_index(drop=True), merges
