"""Which classification a sector table uses, and the group of firms it cannot place.

Sector tables use VSIC 2018 by default, for continuity with the 2023 figures; VSIC 2025
is the other choice (docs/glossary.md, "The two classifications"). A firm whose class,
division or section the chosen classification does not determine (a code of unknown
version, or a class the official conversion splits) is counted in a group of its own,
:data:`UNPLACED`, never spread over the others.
"""

from __future__ import annotations

import pandas as pd

from ..core.errors import ParameterError

# The sector columns of each classification, under the VSIC 2018 names a caller asks for.
CLASSIFICATIONS = {
    "vsic2018": {"vsic4": "vsic4", "vsic_division": "vsic_division", "vsic_section": "vsic_section"},
    "vsic2025": {"vsic4": "vsic2025_4", "vsic_division": "vsic2025_division", "vsic_section": "vsic2025_section"},
}
SECTOR_COLUMNS = frozenset(column for columns in CLASSIFICATIONS.values() for column in columns.values())
UNPLACED = "unplaced"


def sector_columns(classification: str) -> dict[str, str]:
    """The columns of ``classification``, keyed by the VSIC 2018 column of the same level.

    >>> sector_columns("vsic2025")["vsic_section"]
    'vsic2025_section'
    """
    if classification not in CLASSIFICATIONS:
        raise ParameterError(f"classification {classification!r} is not known; valid values: {', '.join(CLASSIFICATIONS)}")
    return dict(CLASSIFICATIONS[classification])


def sector_column(column: str, classification: str = "vsic2018") -> str:
    """The column of ``classification`` that holds the level ``column`` names.

    >>> sector_column("vsic_section", "vsic2025"), sector_column("vsic4")
    ('vsic2025_section', 'vsic4')
    """
    columns = sector_columns(classification)
    if column not in columns:
        raise ParameterError(f"{column!r} is no level of a classification; valid: {', '.join(columns)}")
    return columns[column]


def placed(values: pd.Series) -> pd.Series:
    """Sector values with the firms the classification cannot place as :data:`UNPLACED`.

    >>> placed(pd.Series(["G", None], dtype="string")).tolist()
    ['G', 'unplaced']
    """
    return values.astype(object).where(values.notna(), UNPLACED)
