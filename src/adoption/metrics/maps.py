"""The two maps a report can show firms on, and the units of each.

``"2023"``: the map of Bình Dương province before 1 July 2025, its 9 district units (and
91 communes). ``"2025"``: the map since then, the 36 wards and communes of Ho Chi Minh
City made from former Bình Dương, with no district level. A firm the map cannot place (a
former commune split between two units, no address to settle it) is never spread over
the units: on the 2025 map it is the group ``not_assignable``
(:data:`adoption.metrics.adoption.NOT_ASSIGNABLE`).
"""

from __future__ import annotations

import pandas as pd

from ..clean import geo2025
from ..clean.places import district_code
from ..core import reference
from ..core.errors import ParameterError
from ..core.scope import Scope, recorded_scope

# The maps, and the breakdown dimension (:func:`adoption.metrics.adoption.adoption_by`) of each.
MAPS = {"2023": "district", "2025": "commune2025"}
# The clean column holding a firm's unit on each map.
UNIT_COLUMN = {"2023": "district_code", "2025": "commune2025_code"}
DEFAULT_MAP = "2023"
# The size dimension of a table of units by size: on the 2025 map, with 36 units, medium
# and large firms together (:data:`adoption.metrics.adoption.SIZE_BANDS`); apart, most of
# the table's cells would have to be hidden to protect the few small ones.
UNIT_BY_SIZE = {"2023": "size_class", "2025": "size_band"}


def check_map(value) -> str:
    """``value`` as a map name, or a clear error.

    >>> check_map(2025)
    '2025'
    """
    if str(value) not in MAPS:
        raise ParameterError(f"map {value!r}: expected one of {', '.join(MAPS)} "
                             "(the 2023 district units, or the 2025 units: the 36 wards and communes of Ho Chi Minh City)")
    return str(value)


def unit_dimension(map_: str) -> str:
    """The breakdown dimension of ``map_``'s units: ``"district"`` or ``"commune2025"``."""
    return MAPS[check_map(map_)]


def unit_column(map_: str) -> str:
    """The clean column holding each firm's unit on ``map_``."""
    return UNIT_COLUMN[check_map(map_)]


def size_dimension(map_: str) -> str:
    """The size dimension crossed with ``map_``'s units (:data:`UNIT_BY_SIZE`)."""
    return UNIT_BY_SIZE[check_map(map_)]


def units(map_: str) -> pd.DataFrame:
    """The units of ``map_`` (``code``, ``name``), in code order."""
    if check_map(map_) == "2023":
        table = reference.districts()
        return pd.DataFrame({"code": table["district_code"], "name": table["district"]}).reset_index(drop=True)
    table = reference.units_2025()
    return pd.DataFrame({"code": table["commune2025_code"], "name": table["commune2025"]}).reset_index(drop=True)


def unit_name(code: str, map_: str) -> str:
    """The official name of a unit of ``map_``.

    >>> unit_name("721", "2023"), unit_name("25747", "2025")
    ('Thành phố Bến Cát', 'Phường Thủ Dầu Một')
    """
    names = dict(zip(*units(map_)[["code", "name"]].T.to_numpy()))
    return names[str(code)]


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


def resolve_unit(value, map_: str = DEFAULT_MAP) -> str | None:
    """The code of a unit of ``map_`` given by its code or name in any accepted spelling;
    None (the whole area) for None or blank. Anything else is a :class:`ParameterError`
    listing the valid values.

    >>> resolve_unit("TX. Bến Cát", "2023"), resolve_unit("P. Thu Dau Mot", "2025"), resolve_unit("25747", "2025")
    ('721', '25747', '25747')
    """
    if value is None or str(value).strip() == "":
        return None
    if check_map(map_) == "2023":
        return resolve_district(value)
    known = units(map_)
    text = str(value).strip()
    if text in set(known["code"]):
        return text
    codes = geo2025.new_units(text)
    if len(codes) == 1:
        return next(iter(codes))
    listing = ", ".join(f"{c} ({n})" for c, n in zip(known["code"], known["name"]))
    near = geo2025.near_unit(text)
    hint = f" (did you mean {near}?)" if near else ""
    raise ParameterError(f"unit {value!r} is not one of the 36 units of the 2025 map{hint}; valid values: {listing}")


def unit_mask(firms: pd.DataFrame, code: str, map_: str) -> pd.Series:
    """True for the firms located in unit ``code`` of ``map_`` (a firm the map cannot
    place is in no unit)."""
    return (firms[unit_column(map_)].astype("string") == code).fillna(False).astype(bool)


def scope_area(quality: dict | None) -> Scope | None:
    """The area a clean set covers where it is not Bình Dương, whose the two maps are: the
    scope its ``quality.json`` records (a province, or ``national``); None for Bình Dương.

    >>> scope_area({"scope": {"code": "01"}}).name, scope_area({}) is None
    ('Thành phố Hà Nội', True)
    """
    scope = recorded_scope(quality or {})
    return None if scope.is_default else scope
