"""The population a report counts: active head offices, of the province or one district."""

from __future__ import annotations

import pandas as pd

from ..clean.places import district_code
from ..core import reference
from ..core.errors import ParameterError
from ..core.schema import Enterprises as E, in_scope_mask


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
        listing = ", ".join(f"{c} ({n})" for c, n in zip(valid[E.district_code], valid["district_short"]))
        raise ParameterError(f"district {value!r} is not a district unit of Bình Dương; valid values: {listing}")
    return code


def in_scope(enterprises: pd.DataFrame, *, district: str | None = None) -> pd.DataFrame:
    """The firms the headline counts: active head offices (no branches, no inactive firms).

    ``district`` (any spelling or GSO code) keeps one district unit.

    >>> frame = pd.DataFrame({"status": ["active", "active", "dissolved"], "is_branch": [False, True, False],
    ...                       "district_code": ["718", "718", "718"]})
    >>> len(in_scope(frame))
    1
    """
    keep = in_scope_mask(enterprises)
    code = resolve_district(district)
    if code is not None:
        keep &= enterprises[E.district_code] == code
    return enterprises[keep.to_numpy(dtype=bool)]
