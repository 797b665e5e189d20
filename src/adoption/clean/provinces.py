"""Provinces: which of the 63 a register row places its firm in, and whether the scope
covers it (:mod:`adoption.core.scope`).

Bình Dương (74) is the only province whose districts and communes the package knows
(:mod:`adoption.clean.geo2025` reads them, in both maps). A row is placed, in order:

1. where its ``province`` column names a province other than Bình Dương or Ho Chi Minh
   City (79): in that province, at province level; its district and commune are not read
   (another province's district names are not known here, and commune names repeat from
   province to province);
2. where the units of former Bình Dương locate it (today's rules, Ho Chi Minh City's
   units made from former Bình Dương included): in Bình Dương;
3. otherwise in the province its province column, or else the end of its address, names
   (``…, Tỉnh Hà Giang``, ``…, TP.HCM``): at province level. A district written beside it
   is not used, and is counted;
4. a row that says Bình Dương and nothing else (no district, commune or address): in
   Bình Dương, at province level.

A row none of these places keeps the reason the units of Bình Dương gave
(``district_unknown``, ``place_unknown``); a row placed in a province the scope does not
cover is rejected as ``outside_scope``, the reason naming the province. Every piece is
decided once per distinct value (:func:`adoption.clean.normalise.map_text`) and
combined as arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..core.scope import BINH_DUONG, HO_CHI_MINH_CITY, Scope, province_code, province_names
from .addresses import address_province
from .distinct import distinct
from .geo2025 import SCOPE as BINH_DUONG_AREA
from .normalise import map_text, missing
from .rejects import flagged

# The provinces whose rows are read against the units of former Bình Dương: the province
# itself, and the city that holds its territory since 1 July 2025.
READ_FOR_UNITS = (BINH_DUONG, HO_CHI_MINH_CITY)


@dataclass
class Stated:
    """What a row states of its province: by its province column and by its address's
    end (GSO codes, or NA), and whether a province cell names none of the 63."""

    column: pd.Series
    address: pd.Series
    unmatched: np.ndarray
    units_written: np.ndarray  # a district or commune is written

    def elsewhere(self) -> np.ndarray:
        """Rows placed outside Bình Dương and Ho Chi Minh City by what they state, without
        reading Bình Dương's units: by their province column, or by their address where
        no district or commune is written (a written one is read first, as before)."""
        column, address = self.column, self.address
        by_column = column.notna() & ~column.isin(READ_FOR_UNITS)
        by_address = column.isna() & address.notna() & ~address.isin(READ_FOR_UNITS) & ~self.units_written
        return (by_column | by_address).to_numpy(dtype=bool)


# An address's last two parts (separated by commas or semicolons), where it names its
# province (a country after it included): registers repeat them far more than addresses.
# What an address's end may hold after them: separators and white space.
_TRAILING = ",;\t\n\f\r "


def _tails(addresses: pd.Series) -> pd.Series:
    """The last two parts of each address, joined by a comma (:func:`address_province`
    reads a comma and a semicolon alike): separators and spaces at its end trimmed, split
    from the end by pyarrow's kernels."""
    text = pa.array(addresses.astype("string").array, type=pa.large_string())
    trimmed = pc.utf8_rtrim(text, characters=_TRAILING)
    parts = pc.split_pattern(pc.replace_substring(trimmed, ";", ","), ",", max_splits=2, reverse=True)
    last_two = pc.binary_join(pc.list_slice(parts, 1), pa.scalar(",", pa.large_string()))
    tails = pc.if_else(pc.equal(pc.list_value_length(parts), 3), last_two, trimmed)
    return pd.Series(pd.arrays.ArrowStringArray(tails), index=addresses.index).astype("string")


def stated(raw: pd.DataFrame) -> Stated:
    """The provinces ``raw``'s rows state (``province`` and ``address`` columns); an
    address's province is read from its last two parts (:func:`address_province`)."""
    column = map_text(raw["province"], province_code)
    unmatched = ~missing(raw["province"]) & column.isna().to_numpy(dtype=bool)
    address = pd.Series(pd.NA, index=raw.index, dtype="string")
    written = ~missing(raw["address"])
    if written.any():
        # Each distinct address's end read once (most rows repeat an address), then taken.
        d = distinct(raw["address"])
        said = map_text(_tails(pd.Series(d.uniques)), address_province)
        address[written] = said.array.take(d.codes[written])
    units = ~missing(raw["district"]) | ~missing(raw["commune"])
    return Stated(column=column, address=address, unmatched=unmatched, units_written=units)


@dataclass
class Placed:
    """Each row's province (GSO code or NA), what placed it there, and its outcome under
    the scope: ``kept``, ``outside_scope`` or None (left to the units' outcome)."""

    code: pd.Series
    source: pd.Series  # "units", "province", "address", or NA
    outcome: pd.Series
    reason: pd.Series


def _outside_reason(raw: pd.DataFrame, rows: np.ndarray, code: pd.Series, source: pd.Series, scope: Scope) -> np.ndarray:
    """Why each of ``rows`` is outside ``scope``: what placed it, and in which province."""
    area = BINH_DUONG_AREA if scope.is_default else scope.name
    names = code.iloc[rows].map(province_names()).astype(object).to_numpy()
    by = source.iloc[rows].fillna("units").to_numpy(dtype=object)
    column = "the province column " + raw["province"].iloc[rows].astype(str).map(repr).to_numpy(dtype=object)
    address = "the address " + raw["address"].iloc[rows].astype(str).map(repr).to_numpy(dtype=object)
    what = np.where(by == "province", column, np.where(by == "address", address, "the district, commune or address"))
    return what + " places the firm in " + names + ", outside " + area + ", the area the reports cover"


def place(raw: pd.DataFrame, given: Stated, located: pd.DataFrame, scope: Scope) -> Placed:
    """Each row's province and outcome under ``scope``. ``located`` is the units' reading
    of :func:`adoption.clean.geo2025.locate` (``outcome``, ``reason``), for the rows that
    :meth:`Stated.elsewhere` does not place."""
    skip = given.elsewhere()
    in_units = (located["outcome"] == "kept").to_numpy(dtype=bool) & ~skip
    fallback = given.column.fillna(given.address)
    other = (fallback.notna() & (fallback != BINH_DUONG)).to_numpy(dtype=bool) & ~in_units
    nothing = ~given.units_written & missing(raw["address"])
    bare = (fallback == BINH_DUONG).fillna(False).to_numpy(dtype=bool) & ~in_units & nothing
    code = pd.Series(pd.NA, index=raw.index, dtype="string")
    code[in_units | bare] = BINH_DUONG
    code[other] = fallback[other]
    by_column = given.column.notna().to_numpy(dtype=bool)
    source = pd.Series(pd.NA, index=raw.index, dtype="string")
    source[in_units] = "units"
    source[(other | bare) & by_column] = "province"
    source[other & ~by_column] = "address"

    outcome = pd.Series(None, index=raw.index, dtype=object)
    reason = pd.Series(None, index=raw.index, dtype=object)
    placed = code.notna().to_numpy(dtype=bool)
    inside = placed & code.isin(scope.provinces).fillna(False).to_numpy(dtype=bool)
    outcome[inside] = "kept"
    outside = placed & ~inside
    outcome[outside] = "outside_scope"
    if outside.any():
        rows = np.flatnonzero(outside)
        reason.iloc[rows] = _outside_reason(raw, rows, code, source, scope)
        # Under the default scope a row the units put outside keeps its reason (it names the place).
        if scope.is_default:
            own = (located["outcome"].to_numpy() == "outside_scope") & outside
            reason[own] = located["reason"][own]
    # A place outside former Bình Dương named without its province (``…, Q.1``) is in no
    # province the row states: outside the default scope as before; for another scope it
    # cannot be placed.
    unplaced = ~placed & (located["outcome"].to_numpy() == "outside_scope")
    if not scope.is_default and unplaced.any():
        outcome[unplaced] = "place_unknown"
        reason[unplaced] = (located["reason"][unplaced].astype(str)
                            + "; no province is written, so the firm cannot be placed in a province")
    return Placed(code=code, source=source, outcome=outcome, reason=reason)


def province_flags(placed: Placed, given: Stated, kept: np.ndarray, raw: pd.DataFrame,
                   source_columns: list[str]) -> dict[str, dict]:
    """What quality.json reports of provinces: kept rows by province, province cells that
    name none of the 63, districts or communes written in another province (not used),
    and a province column the address's province contradicts (the column is used)."""
    def flag(meaning: str, mask: np.ndarray) -> dict:
        return {"meaning": meaning, **flagged(raw, mask, source_columns + ["province", "district", "commune", "address"])}

    counts = placed.code[kept].value_counts().sort_index()
    column, address = given.column, given.address
    both = (column.notna() & address.notna()).to_numpy(dtype=bool)
    same = (column == address) | (column.isin(READ_FOR_UNITS) & address.isin(READ_FOR_UNITS))
    conflict = both & ~same.fillna(False).to_numpy(dtype=bool) & kept
    other = (placed.code != BINH_DUONG).fillna(False).to_numpy(dtype=bool) & kept
    return {
        "province_code": {"meaning": "kept rows by province (GSO code)",
                          "counts": {str(k): int(v) for k, v in counts.items()}},
        "province_not_matched": flag("the province cell names none of the 63 provinces: not used",
                                     given.unmatched & kept),
        "units_not_used": flag("a district or commune written for a firm in another province than Bình Dương: "
                               "not used (the package knows the units of Bình Dương only)",
                               given.units_written & other),
        "province_conflict": flag("the address ends in another province than the province column names: the "
                                  "column is used", conflict),
    }
