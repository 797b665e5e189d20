"""Both maps of former Bình Dương: where a register row puts the firm, in each.

Before 1 July 2025 the province had 9 district units and 91 communes; since then its
territory is 36 commune-level units of Ho Chi Minh City, without districts
(``reference_data/binhduong_2025_crosswalk.csv``). A row may name old units, new units,
or only an address in either map. Every piece of evidence is turned into the set of
crosswalk pairs (old commune, new unit) it allows; pieces of one row are intersected,
and the row gets what the remaining pairs agree on: the old district and commune where
there is one of each, the new unit where there is one, and otherwise the candidate new
units, never a guess.

Rules, in the order they apply:

- a district named in the district column makes the row an old-map row: its commune is
  an old commune of that district, or else a new unit lying (partly) in that district;
- in a file that has a district column (an export written before the reform) a commune
  spelling that names an old commune is read as one, as it always was;
- otherwise a commune or address part that spells both an old commune and a new unit
  (``Phường Dĩ An``) allows both readings; a type that differs decides (``Xã Phú An`` is
  the old commune, ``Phường Phú An`` the new ward); an address ending in Bình Dương is read
  in the old map first, one ending in Ho Chi Minh City in the new map only;
- where the columns and the address disagree, the columns are kept and the row flagged;
- a code matches within its own map only: an old and a new unit may share a number.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import get_close_matches
from functools import lru_cache

import numpy as np
import pandas as pd

from ..core import reference
from ..core.schema import GEO_SOURCES
from ..core.text import fold
from . import vocab
from .addresses import Address, read_address
from .distinct import categorical, distinct, looked_up, spread
from .places import commune_code as old_commune_code, strip_prefix
from .rejects import flagged

Pairs = frozenset[int]


@lru_cache(maxsize=1)
def _pairs() -> pd.DataFrame:
    return reference.crosswalk_2025()


@lru_cache(maxsize=1)
def _rows() -> list[tuple[str, str, str]]:
    """Each crosswalk pair as (old district, old commune, 2025 unit), by position."""
    pairs = _pairs()
    return list(zip(pairs["old_district_code"], pairs["old_commune_code"], pairs["commune2025_code"]))


@lru_cache(maxsize=None)
def _by(column: str) -> dict[str, Pairs]:
    """Code of ``column`` -> the crosswalk pairs holding it."""
    return {code: frozenset(rows) for code, rows in _pairs().groupby(column).indices.items()}


def pairs_of(column: str, code: str) -> Pairs:
    """The crosswalk pairs of one old commune, old district or new unit.

    >>> sorted(_pairs().loc[sorted(pairs_of("old_commune_code", "25741")), "commune2025_code"])
    ['25747', '25750']
    """
    return _by(column).get(code, frozenset())


def _name_index(names: pd.Series, codes: pd.Series) -> dict[str, frozenset[str]]:
    """Folded spelling -> codes: the full name (``phuong phu loi``), the bare name
    (``phu loi``) and the code."""
    index: dict[str, set[str]] = {}
    for name, code in zip(names, codes):
        for key in (fold(name), strip_prefix(fold(name), vocab.COMMUNE_PREFIXES), code):
            index.setdefault(key, set()).add(code)
    return {key: frozenset(found) for key, found in index.items()}


@lru_cache(maxsize=1)
def _old_index() -> dict[str, frozenset[str]]:
    units = reference.admin_units()
    return _name_index(units["commune"], units["commune_code"])


@lru_cache(maxsize=1)
def _new_index() -> dict[str, frozenset[str]]:
    units = reference.units_2025()
    return _name_index(units["commune2025"], units["commune2025_code"])


def _key(value: str) -> str:
    """A commune spelling folded, its abbreviated type written out (``p`` -> ``phuong``):
    a typed spelling matches full names only, a bare one bare names."""
    key = fold(str(value))
    for abbrev, full in vocab.COMMUNE_ABBREVIATIONS.items():
        if key.startswith(abbrev + " "):
            return full + key[len(abbrev):]
    return key


def readings(value: str) -> tuple[Pairs, Pairs]:
    """The crosswalk pairs a commune spelling allows, read as an old commune and as a new unit.

    >>> old, new = readings("Xã Minh Thạnh")
    >>> sorted({_pairs().loc[i, "commune2025_code"] for i in old}), sorted({_pairs().loc[i, "commune2025_code"] for i in new})
    (['25780', '25792'], ['25780'])
    >>> [len(r) for r in readings("Phường Phú An")], [len(r) for r in readings("Xã Phú An")]
    ([0, 3], [1, 0])
    """
    key = _key(value)
    old = frozenset().union(*(pairs_of("old_commune_code", c) for c in _old_index().get(key, ())))
    new = frozenset().union(*(pairs_of("commune2025_code", c) for c in _new_index().get(key, ())))
    return old, new


def new_units(value: str) -> frozenset[str]:
    """The codes of the 2025 units a spelling names (as a new unit, not a former commune).

    >>> sorted(new_units("P. Thu Dau Mot")), sorted(new_units("Phường Bến Nghé"))
    (['25747'], [])
    """
    return _new_index().get(_key(value), frozenset())


@lru_cache(maxsize=1)
def _name_2025() -> dict[str, str]:
    units = reference.units_2025()
    return dict(zip(units["commune2025_code"], units["commune2025"]))


@lru_cache(maxsize=1)
def _bare_names() -> dict[str, str]:
    """Bare folded name -> official name, of the units of both maps (a 2025 name last)."""
    names = [*reference.admin_units()["commune"], *reference.units_2025()["commune2025"]]
    return {strip_prefix(fold(name), vocab.COMMUNE_PREFIXES): name for name in names}


def near_unit(value: str) -> str | None:
    """The unit of either map whose name is nearest to a misspelling, for messages only.

    >>> near_unit("Phường Thủ Dầu Mộtt"), near_unit("Phường Bến Nghé")
    ('Phường Thủ Dầu Một', None)
    """
    bare = _bare_names()
    close = get_close_matches(strip_prefix(_key(value), vocab.COMMUNE_PREFIXES), list(bare), n=1, cutoff=0.8)
    return bare[close[0]] if close else None


@dataclass(frozen=True)
class Evidence:
    """What one source (the columns, or the address) says: the pairs it allows, whether
    it names a commune-level unit, which map it used, and why it failed where it did."""

    pairs: Pairs = frozenset()
    commune_level: bool = False
    source: str | None = None
    outside: str | None = None
    hint: str | None = None


def _within_district(commune: str, district: str, source: str) -> Evidence:
    """A commune written beside an old district: an old commune of it, or a new unit in it."""
    old = old_commune_code(commune, district) if commune.strip() else None
    if old:
        return Evidence(pairs_of("old_commune_code", old), True, source)
    _, new = readings(commune) if commune.strip() else (frozenset(), frozenset())
    new &= pairs_of("old_district_code", district)
    if new:
        return Evidence(new, True, "new_units" if source == "old_units" else source)
    return Evidence(pairs_of("old_district_code", district), False, source)


def _either(value: str, *, first: str | None, source: str) -> Evidence:
    """A commune spelling without a district: the map ``first`` (``old``, ``new``) where
    it matches there, both readings when ``first`` is None."""
    old, new = readings(value)
    if first == "new":
        old = frozenset()
    elif first == "old" and old:
        new = frozenset()
    found = old | new
    if not found:
        return Evidence(hint=near_unit(value))
    if source != "address":  # a name of both maps is counted as naming the 2025 unit
        source = "new_units" if new else "old_units"
    return Evidence(found, True, source)


def from_columns(district: str | None, commune: str, old_commune: str | None, *, district_written: bool,
                 old_file: bool) -> Evidence:
    """Evidence of the district and commune columns (``district``, ``old_commune``: what
    :mod:`adoption.clean.places` resolved; ``district_written``: the district cell was
    filled, not derived from the commune)."""
    if district and district_written:
        return _within_district(commune, district, "old_units")
    if old_file and old_commune:
        return Evidence(pairs_of("old_commune_code", old_commune), True, "old_units")
    if not commune.strip():
        return Evidence()
    return _either(commune, first=None, source="columns")


def from_address(value: str) -> Evidence:
    """Evidence of an address string."""
    if not str(value).strip():
        return Evidence()
    return _address_evidence(read_address(value))


@lru_cache(maxsize=65_536)
def _address_evidence(address: Address) -> Evidence:
    """Evidence of what an address says (addresses repeat their ends: each once)."""
    if address.outside:
        return Evidence(outside=address.outside)
    if address.near:
        return Evidence(hint=address.near)
    if address.district:
        return _within_district(address.commune or "", address.district, "address")
    if not address.commune:
        return Evidence()
    first = {"binh_duong": "old", "hcm": "new"}.get(address.province)
    found = _either(address.commune, first=first, source="address")
    typed = address.commune != strip_prefix(address.commune, vocab.COMMUNE_PREFIXES)
    if not found.pairs and address.province == "hcm" and typed:
        # Another ward or commune of the city, which has hundreds: a name near one of former
        # Bình Dương is no evidence of a misspelling, so no hint. A former commune of that
        # name is said, since its firms are now in another unit.
        where = f"{address.commune_written}, Thành phố Hồ Chí Minh"
        former, _ = readings(address.commune)
        if former:
            now = " or ".join(sorted({_name_2025()[_rows()[i][2]] for i in former}))
            where += f" (a former Bình Dương commune of that name is now {now}, under which the city's map lists it)"
        return Evidence(outside=where)
    return found


# The clean columns of the new map, and what quality.json counts of them.
GEO_COLUMNS = ("commune2025_code", "commune2025", "commune2025_candidates", "geo_source")
SCOPE = ("former Bình Dương (its 9 district units before 1 July 2025, the 36 units of Ho Chi Minh City "
         "made from them since)")


def _hint(hint: str | None) -> str:
    return f"; did you mean {hint!r}? (not guessed)" if hint else ""


def _place_reason(commune: str, address: str, hint: str | None) -> str:
    written = [f"{label} {value!r}" for label, value in (("commune", commune), ("address", address)) if value.strip()]
    if not written:
        return "no district, commune or address is given: the firm cannot be placed"
    said = " and ".join(written) + (" name" if len(written) > 1 else " names")
    return f"the district is empty and {said} no unit of {SCOPE}{_hint(hint)}"


def _outside_reason(address: str, where: str) -> str:
    return f"the address {address!r} places the firm in {where}, outside {SCOPE}, the area the reports cover"


def _reason(outcome: str, commune: str, address: str, said: str | None) -> str:
    """The reason of a row refused as ``outcome``: ``said`` is the place outside the area
    its address names (``outside_scope``), or the hint of a unit near what it wrote."""
    return _outside_reason(address, said) if outcome == "outside_scope" else _place_reason(commune, address, said)


def _settle(cols: Evidence, addr: Evidence) -> tuple[Pairs, bool, str | None, bool]:
    """The pairs a row allows, whether it names a commune-level unit, its source, and
    whether its address contradicts its columns (the columns are then kept)."""
    if not cols.pairs:
        return addr.pairs, addr.commune_level, "address" if addr.pairs else None, False
    if not addr.pairs:
        return cols.pairs, cols.commune_level, cols.source, addr.outside is not None
    both = cols.pairs & addr.pairs
    if not both:
        return cols.pairs, cols.commune_level, cols.source, True
    return both, cols.commune_level or addr.commune_level, cols.source, False


def _locate_key(district: str | None, commune: str, address: str, old_commune: str | None, district_written: bool,
                old_file: bool) -> tuple[dict, str | None]:
    """One row of :func:`locate`'s frame (before its columns are typed), from its keys, and
    what a refused row's reason says beside its commune and address (:func:`_reason`): the
    place outside the area the address names, or the hint of a unit near what it wrote."""
    cols = from_columns(district, commune, old_commune, district_written=district_written, old_file=old_file)
    addr = from_address(address)
    pairs, level, source, conflict = _settle(cols, addr)
    row = dict.fromkeys(("district_code", "commune_code", "commune2025_code", "commune2025_candidates", "reason"))
    row.update(geo_source=source, outcome="kept", address_conflict=conflict, decided_by_address=False)
    if not pairs:
        row["outcome"] = "outside_scope" if addr.outside and not cols.pairs else "place_unknown"
        said = addr.outside or cols.hint or addr.hint
        row["reason"] = _reason(row["outcome"], commune, address, said)
        return row, said
    districts, communes, units = (set(found) for found in zip(*(_rows()[i] for i in pairs)))
    units = sorted(units)
    row["district_code"] = next(iter(districts)) if len(districts) == 1 else None
    row["commune_code"] = next(iter(communes)) if level and len(communes) == 1 else None
    if len(units) == 1:
        row["commune2025_code"] = units[0]
    elif level:
        row["commune2025_candidates"] = "|".join(units)
    if cols.pairs and addr.pairs and not conflict:
        row["decided_by_address"] = len(units) == 1 < len({_rows()[i][2] for i in cols.pairs})
    return row, None


def locate(raw: pd.DataFrame, district: pd.Series, commune: pd.Series, filled: pd.Series, *,
           old_files: set[str]) -> pd.DataFrame:
    """Each raw row placed in both maps: ``district_code``, ``commune_code`` (old map),
    :data:`GEO_COLUMNS`, ``outcome`` (``kept``, ``outside_scope``, ``place_unknown``), the
    ``reason`` of a row not kept, and the flags ``address_conflict``, ``decided_by_address``.

    ``district`` and ``commune`` are the old codes :mod:`adoption.clean.places` found,
    ``filled`` marks districts it took from the commune; ``old_files`` are the files that
    have a district column. The input is not modified.
    """
    written = ~filled.astype(bool).to_numpy()
    old_file = raw["source_file"].isin(old_files).to_numpy()
    # Registers repeat their places more than their addresses (a number and a street before
    # them): each distinct address is read once, and the rows alike in what theirs says and
    # in their columns are located once. A refused row's reason quotes its own address: it
    # is written once for each distinct address among the rows of one such key.
    addresses = distinct(raw["address"])
    evidence = pd.factorize(pd.Series([from_address("" if pd.isna(value) else str(value)) for value in addresses.values],
                                      dtype=object))[0][addresses.codes]
    which = np.zeros(len(raw), dtype=np.int64)
    for part in (district, raw["commune"], evidence, commune, written, old_file):  # numbered again with each column
        codes, uniques = pd.factorize(part, use_na_sentinel=False)
        which = pd.factorize(which * len(uniques) + codes)[0]
    _, first = np.unique(which, return_index=True)
    keys = list(zip(
        district.iloc[first].astype(object).where(district.iloc[first].notna(), None),
        raw["commune"].iloc[first].fillna("").astype(str), raw["address"].iloc[first].fillna("").astype(str),
        commune.iloc[first].astype(object).where(commune.iloc[first].notna(), None), written[first], old_file[first],
    ))
    rows, said = zip(*(_locate_key(*key) for key in keys)) if keys else ((), ())
    located = pd.DataFrame(list(rows), columns=[
        "district_code", "commune_code", "commune2025_code", "commune2025_candidates", "geo_source", "outcome",
        "reason", "address_conflict", "decided_by_address"])
    # Typed once a key, then taken for every row.
    for column in ("district_code", "commune_code", "commune2025_code", "commune2025_candidates"):
        located[column] = located[column].astype("string")
    located.insert(3, "commune2025", looked_up(located["commune2025_code"], _name_2025()))
    located["geo_source"] = categorical(located["geo_source"], list(GEO_SOURCES))
    reason = located["reason"]
    located = located.take(which).reset_index(drop=True)
    refused = np.flatnonzero(reason.notna().to_numpy(dtype=bool)[which])
    if len(refused):
        own, at = np.unique(which[refused] * len(addresses) + addresses.codes[refused], return_inverse=True)
        key, address = own // len(addresses), own % len(addresses)
        texts = [_reason(rows[k]["outcome"], keys[k][1], "" if pd.isna(text) else str(text), said[k])
                 for k, text in zip(key.tolist(), addresses.pick(address))]
        located["reason"] = spread(texts, refused, at, len(located), reason.dtype)
    return located.set_axis(raw.index)


def geo_flags(located: pd.DataFrame, raw: pd.DataFrame, source_columns: list[str],
              at: np.ndarray | None = None) -> dict[str, dict]:
    """What quality.json reports of the kept rows' places: rows by source, rows left
    between two 2025 units, rows whose address settled the unit or contradicts the columns.
    ``located`` holds the (kept) rows of ``raw`` at ``at`` (or the same rows, in order)."""
    def flag(meaning: str, mask: pd.Series) -> dict:
        return {"meaning": meaning, **flagged(raw, mask.to_numpy(dtype=bool), source_columns + ["district", "commune", "address"], at)}

    counts = located["geo_source"].value_counts().reindex(list(GEO_SOURCES), fill_value=0)
    # A province column alone locates rows only in registers of several provinces: counted there.
    counts = counts[(counts.index != "province") | (counts > 0)]
    return {
        "geo_source": {"meaning": "kept rows by what located them: old units (district, commune), a 2025 unit "
                                  "named, or the address alone", "counts": {k: int(v) for k, v in counts.items()}},
        "commune2025_undecided": flag("the row allows two 2025 units (a split former commune, or a name of both "
                                      "maps) and nothing settles which: both in commune2025_candidates, "
                                      "commune2025_code empty",
                                      located["commune2025_candidates"].notna()),
        "commune2025_decided_by_address": flag("the address settled the 2025 unit the columns left open",
                                               located["decided_by_address"]),
        "address_conflict": flag("the address names a place the district and commune columns exclude: columns "
                                 "kept, address not used", located["address_conflict"]),
    }
