"""How registers write a firm after the reforms of 2025: on the new map of Ho Chi Minh City
(from 1 July 2025) and in VSIC 2025 (firms registered from 15 November 2025).

Since 1 July 2025 former Bình Dương is 36 commune-level units of Ho Chi Minh City, with no
district level (``reference_data/binhduong_2025_crosswalk.csv``). An extract written since
then has no district column (a file with one reads as written before the reform), names
the firm's 2025 unit in the commune column and writes an address beside it in a share of
rows (:data:`ADDRESS_BESIDE_SHARE`); a share of rows (:data:`ADDRESS_ONLY_SHARE`) give
the address alone. A 2025 unit whose name is also the
name of a former commune that became another unit (``Xã Minh Thạnh``, ``Phường Tân Đông
Hiệp``: the former communes of those names were split) is always written with an address
in the city's scheme, which says which map the name is of.

Firms registered since 15 November 2025 carry a VSIC 2025 code; from that date the files
of :data:`VSIC_DESCRIBED_FILES` write every code with its name beside it, in the code's
version (VSIC 2025 for those firms, VSIC 2018 for older ones), as some agencies' exports
do.

The choices here are the generator's own, taken from the reference lists, never from the
cleaner (:mod:`adoption.clean`).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from ..core import classification, reference
from ..core.text import fold

NEW_MAP_FROM = date(2025, 7, 1)  # Resolutions 202/2025/QH15 and 1685/NQ-UBTVQH15
VSIC_2025_FROM = classification.IN_FORCE_2025
# Share of rows written with an address and no commune (assumed; realistic exports of 2025
# hold 20-30% of such rows, where the address field was the only one the agency updated).
ADDRESS_ONLY_SHARE = 0.25
# Share of the other rows that also carry an address beside the commune.
ADDRESS_BESIDE_SHARE = 0.40
# Files whose main activity is written with its name (evidence of the version).
VSIC_DESCRIBED_FILES = ("718", "721", "723", "725")
# Chance that a split commune's firm lies in the part named ``partial`` (else ``remainder``).
PARTIAL_SHARE = 0.4

ADDRESS_HEADERS = {"vi": "Địa chỉ trụ sở chính", "abbrev": "Địa chỉ", "en": "Address", "ascii_upper": "DIA CHI TRU SO CHINH"}
STREETS = ("Yersin", "Cách Mạng Tháng Tám", "Nguyễn Văn Tiết", "Hùng Vương", "Nguyễn Trãi", "Lê Hồng Phong",
           "Phạm Ngọc Thạch", "Hoàng Hoa Thám", "ĐT 743", "ĐT 741", "N4", "Trần Hưng Đạo")
CITY_SPELLINGS = ("Thành phố Hồ Chí Minh", "TP. Hồ Chí Minh", "TP.HCM", "Tp HCM", "TPHCM")
# Places outside former Bình Dương, for the junk rows of a firm of elsewhere.
OUTSIDE_ADDRESSES = ("45 Lê Lợi, Phường Bến Thành, Thành phố Hồ Chí Minh",
                     "Đường 3, Phường Long Bình, Thành phố Biên Hòa, Tỉnh Đồng Nai",
                     "12 Lê Duẩn, Q.1, TP.HCM", "Ấp 2, Xã Phước Vĩnh An, Huyện Củ Chi, TP. Hồ Chí Minh")


def assign_units(commune_codes: pd.Series, rng: np.random.Generator) -> np.ndarray:
    """The 2025 unit of each firm from its former commune: the one unit it became, or for
    a split commune one of its two parts (:data:`PARTIAL_SHARE`)."""
    pairs = reference.crosswalk_2025()
    units: dict[str, list[str]] = {}
    for old, new, share in zip(pairs["old_commune_code"], pairs["commune2025_code"], pairs["share"]):
        units.setdefault(old, []).append((new, share))
    draw = rng.random(len(commune_codes))
    out = []
    for code, u in zip(commune_codes.to_numpy(dtype=object), draw):
        options = units[code]
        if len(options) == 1:
            out.append(options[0][0])
        else:
            partial = next(n for n, s in options if s == "partial")
            remainder = next(n for n, s in options if s != "partial")
            out.append(partial if u < PARTIAL_SHARE else remainder)
    return np.array(out, dtype=object)


def _ambiguous_names() -> frozenset[str]:
    """2025 units whose name is also that of a former commune that became other units too."""
    pairs = reference.crosswalk_2025()
    old_names = dict(zip(reference.admin_units()["commune"], reference.admin_units()["commune_code"]))
    became = pairs.groupby("old_commune_code")["commune2025_code"].agg(frozenset)
    return frozenset(code for code, name in zip(pairs["commune2025_code"], pairs["commune2025"])
                     if name in old_names and became[old_names[name]] != {code})


def _spell_unit(name: str, kind: str, rng: np.random.Generator, *, in_address: bool = False) -> str:
    """A 2025 unit as registers write it: in full, abbreviated type (``P.``, ``X.``; in an
    address also without the space), without diacritics, upper case."""
    short = name.removeprefix(kind).strip()
    abbrev = {"Phường": "P.", "Xã": "X."}[kind]
    options = (name, name, f"{abbrev} {short}", fold(name).title(), name.upper()) + ((f"{abbrev}{short}",) if in_address else ())
    return options[int(rng.integers(len(options)))]


def _address(unit: str, rng: np.random.Generator) -> str:
    number, street = int(rng.integers(1, 300)), STREETS[int(rng.integers(len(STREETS)))]
    city = CITY_SPELLINGS[int(rng.integers(len(CITY_SPELLINGS)))]
    form = int(rng.integers(3))
    if form == 0:
        return f"Số {number}, đường {street}, {unit}, {city}"
    if form == 1:
        return f"{number} {street}, Khu phố {int(rng.integers(1, 9))}, {unit}, {city}"
    return f"Số {number} {street}; {unit}; {city}"


def write_places(text: pd.DataFrame, register: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Text rows (one per register row) with their place written on the 2025 map: the
    district empty, the commune column naming the 2025 unit (``commune2025_code`` of
    ``register``) or empty, and an ``address``. The input is not modified."""
    units = reference.units_2025()
    # Each unit's name and kind looked up in a dict, not by a pandas lookup per row.
    names = dict(zip(units["commune2025_code"], units["commune2025"]))
    kinds = dict(zip(units["commune2025_code"], units["commune2025_type"]))
    ambiguous = _ambiguous_names()
    n = len(text)
    codes = register["commune2025_code"].to_numpy(dtype=object)
    address_only = rng.random(n) < ADDRESS_ONLY_SHARE
    beside = (rng.random(n) < ADDRESS_BESIDE_SHARE) | np.isin(codes, list(ambiguous))
    commune, address = [], []
    for code, only, with_address in zip(codes, address_only, beside):
        name, kind = names[code], kinds[code]
        commune.append("" if only else _spell_unit(name, kind, rng))
        address.append(_address(_spell_unit(name, kind, rng, in_address=True), rng) if only or with_address else "")
    return text.assign(district="", commune=commune, address=address)


def write_outside(extra: pd.DataFrame, spoiled: frozenset[str], rng: np.random.Generator) -> pd.DataFrame:
    """Junk rows of a firm of another province (their district spoiled with one of
    ``spoiled``) written on the 2025 map: an address outside former Bình Dương, no commune."""
    out = extra.copy()
    mask = out["district"].isin(spoiled).to_numpy()
    out.loc[mask, "commune"] = ""
    out.loc[mask, "address"] = [OUTSIDE_ADDRESSES[int(i)] for i in rng.integers(len(OUTSIDE_ADDRESSES), size=int(mask.sum()))]
    out["district"] = ""
    return out


def main_2025_class(vsic4: str) -> str:
    """The VSIC 2025 class a 2018 class converts to: its one target, or where the official
    conversion gives several, the one with the same code if there is one, else the first
    listed (the conversion's order).

    >>> main_2025_class("6201"), main_2025_class("0111")
    ('6211', '0111')
    """
    table = classification.crosswalk()
    targets = table.loc[table["vsic4"] == vsic4, "vsic2025_4"].tolist()
    return vsic4 if vsic4 in targets else targets[0]


def write_vsic(text: pd.DataFrame, register: pd.DataFrame, *, in_force: bool) -> pd.DataFrame:
    """The main activity of firms with a VSIC 2025 class (``vsic2025_4``) written as that
    code. Once VSIC 2025 is ``in_force`` (the extract is of 15 November 2025 or later), the
    files of :data:`VSIC_DESCRIBED_FILES` write every code with its name in its version:
    VSIC 2025 for those firms, VSIC 2018 for the others."""
    codes = classification.vsic2025_codes()
    names = {"2025": dict(zip(codes["code"], codes["name_vi"])),
             "2018": dict(zip(reference.vsic_classes()["vsic4"], reference.vsic_classes()["name_vi"]))}
    new = register["vsic2025_4"].notna().to_numpy()
    described = register["district_code"].isin(VSIC_DESCRIBED_FILES).to_numpy() & in_force
    vsic = text["vsic"].to_numpy(dtype=object).copy()
    for row in np.flatnonzero(new | described):
        version, code = ("2025", register["vsic2025_4"].iat[row]) if new[row] else ("2018", register["vsic4"].iat[row])
        vsic[row] = f"{code} - {names[version][code]}" if described[row] else code
    return text.assign(vsic=vsic)
